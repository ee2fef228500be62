"""Train the attribution model (:mod:`storyline.analyze.quotes.attribution`) on PolNeAR train.

Only the ``train`` split is read. Every (cue, content) candidate of every
article is labelled positive when a gold attribution's cue overlaps the cue
token and its content has a character Jaccard of at least 0.5 with the
candidate's content (the scorer's matching rule). A logistic regression is fit
over the candidates' string features.

Hyper-parameters come from 3-fold cross-validation over articles: the
regularisation ``C`` by the out-of-fold F1 of the learned candidates alone, then
the decision threshold by the out-of-fold content F1 of the whole ``polnear``
mode of :func:`~storyline.analyze.quotes.find_quotes` (rules plus model), each
article scored with the model of the fold that did not see it.

Run::

    PYTHONPATH=src python -m storyline.evaluation.train_attribution \\
        --data ../shared/data/quotes/polnear/data --out src/storyline/resources/attribution/model.json
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.analyze.quotes.attribution import (
    MODEL_PATH,
    AttributionModel,
    content_fragments,
    features,
    is_candidate_cue,
    quotation_runs,
)
from storyline.evaluation.polnear import MATCH_JACCARD, Counts, PolnearDoc, load_split, score_doc, summarise

if TYPE_CHECKING:
    from spacy.tokens import Doc

C_GRID = (0.1, 0.3, 1.0)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
FOLDS = 3
MIN_WEIGHT = 1e-3  # smaller weights are dropped from the stored model
MIN_COUNT = 3  # features seen in fewer candidates are not used


@dataclass
class Example:
    """One candidate: its article, cue token index, features and label."""

    doc: int
    cue: int
    feats: list[str]
    label: int


def _chars(start: int, end: int) -> set[int]:
    return set(range(start, end))


def _label(doc: "Doc", cue_idx: int, frags: list[tuple[int, int]], gold: PolnearDoc) -> int:
    """1 when a gold attribution has this cue and (Jaccard ≥ 0.5) this content."""
    if not frags:
        return 0
    tok = doc[cue_idx]
    c_start, c_end = tok.idx, tok.idx + len(tok)
    pc = set().union(*(_chars(*f) for f in frags))
    for g in gold.attributions:
        if not any(f.start < c_end and c_start < f.end for f in g.cue):
            continue
        gc: set[int] = set()
        for f in g.content:
            gc.update(range(f.start, f.end))
        if len(pc & gc) / len(pc | gc) >= MATCH_JACCARD:
            return 1
    return 0


def _outside(doc: "Doc") -> list[bool]:
    """Whether each token lies outside quotation marks (as the finder sees it)."""
    from storyline.analyze.quotes.marks import find_quote_segments

    out = [True] * len(doc)
    for seg in find_quote_segments(doc.text):
        span = doc.char_span(seg.outer_start, seg.outer_end, alignment_mode="expand")
        if span is not None:
            for t in span:
                out[t.i] = False
    return out


def build_examples(parsed: list["Doc"], gold: list[PolnearDoc]) -> list[Example]:
    """Labelled candidates of all articles."""
    from rich.progress import track

    examples = []
    for n, (doc, g) in enumerate(track(list(zip(parsed, gold)), description="candidates", transient=True)):
        outside = _outside(doc)
        runs = quotation_runs(outside)
        text = doc.text
        for t in doc:
            if not outside[t.i] or not is_candidate_cue(t):
                continue
            for cand, feats in features(t, runs):
                examples.append(Example(n, t.i, feats, _label(doc, t.i, content_fragments(doc, cand, text), g)))
    return examples


def fit(examples: list[Example], c: float) -> AttributionModel:
    """A logistic regression on the examples, as a JSON-able weight table."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for e in examples for f in set(e.feats))
    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1 for f in e.feats if counts[f] >= MIN_COUNT} for e in examples]).tocsr()
    x.indices = x.indices.astype("int32")  # liblinear takes 32-bit indices only
    x.indptr = x.indptr.astype("int32")
    y = [e.label for e in examples]
    clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear", random_state=0)
    clf.fit(x, y)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])
        if abs(w) >= MIN_WEIGHT
    }
    return AttributionModel(weights, round(float(clf.intercept_[0]), 4), 0.5)


def _candidate_f1(examples: list[Example], probs: list[float], n_gold: int, threshold: float) -> float:
    """F1 of decoding the learned candidates alone (best content per cue, above threshold)."""
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for e, p in zip(examples, probs):
        key = (e.doc, e.cue)
        if key not in best or p > best[key][0]:
            best[key] = (p, e.label)
    chosen = [lab for p, lab in best.values() if p >= threshold]
    tp = sum(chosen)
    prec = tp / len(chosen) if chosen else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def _fold_of(n_docs: int) -> list[int]:
    return [i % FOLDS for i in range(n_docs)]


def choose_c(examples: list[Example], n_docs: int, n_gold: int) -> tuple[float, dict[float, float]]:
    """The C with the best out-of-fold candidate F1 (over the threshold grid)."""
    folds = _fold_of(n_docs)
    scores = {}
    for c in C_GRID:
        probs = [0.0] * len(examples)
        for k in range(FOLDS):
            model = fit([e for e in examples if folds[e.doc] != k], c)
            for i, e in enumerate(examples):
                if folds[e.doc] == k:
                    probs[i] = model.probability(e.feats)
        scores[c] = max(_candidate_f1(examples, probs, n_gold, th) for th in THRESHOLDS)
        print(f"C={c}: out-of-fold candidate F1 {scores[c]:.3f}", flush=True)
    return max(scores, key=lambda c: scores[c]), scores


def choose_threshold(
    examples: list[Example], parsed: list["Doc"], gold: list[PolnearDoc], c: float
) -> tuple[float, dict[float, float]]:
    """The threshold with the best out-of-fold content F1 of ``find_quotes(mode="polnear")``."""
    from storyline.analyze.quotes import find_quotes

    folds = _fold_of(len(parsed))
    models = [fit([e for e in examples if folds[e.doc] != k], c) for k in range(FOLDS)]
    scores = {}
    for th in THRESHOLDS:
        total = Counts()
        for n, (doc, g) in enumerate(zip(parsed, gold)):
            m = models[folds[n]]
            quotes = find_quotes(doc, mode="polnear", model=replace(m, threshold=th))
            total.add(score_doc(quotes, g.attributions))
        summary = summarise(total)
        content = summary["content"]
        assert isinstance(content, dict)
        scores[th] = content["f1"]
        print(
            f"threshold {th}: out-of-fold content P {content['precision']:.3f} R {content['recall']:.3f} "
            f"F1 {content['f1']:.3f}, source accuracy {summary['source_accuracy']:.3f}",
            flush=True,
        )
    return max(scores, key=lambda t: scores[t]), scores


def parse_split(data_dir: Path, split: str, cache: Path | None) -> tuple[list[PolnearDoc], list["Doc"]]:
    """Gold documents and their parses by the pipeline's own spaCy pipeline (:func:`storyline.analyze.nlp.nlp`,
    which ends sentences at line breaks), read from / written to ``cache`` when given."""
    from spacy.tokens import DocBin

    from storyline.analyze.nlp import nlp as pipeline_nlp

    gold = load_split(data_dir, split)
    nlp = pipeline_nlp()
    if cache is not None and cache.is_file():
        parsed = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(parsed) == len(gold) and all(d.text == g.text for d, g in zip(parsed, gold)):
            return gold, parsed
    from rich.progress import track

    parsed = [nlp(g.text) for g in track(gold, description=f"parse {split}", transient=True)]
    if cache is not None:
        db = DocBin()
        for d in parsed:
            db.add(d)
        db.to_disk(cache)
    return gold, parsed


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="PolNeAR data directory (holding train/).")
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help="Where to write the model JSON.")
    ap.add_argument("--cache", type=Path, default=None, help="DocBin file caching the train parses.")
    ap.add_argument("--c", type=float, default=None, help="Skip the search for C and use this value.")
    ap.add_argument("--threshold", type=float, default=None, help="Skip the threshold search and use this value.")
    args = ap.parse_args(argv)

    t0 = time.time()
    gold, parsed = parse_split(args.data, "train", args.cache)
    examples = build_examples(parsed, gold)
    n_gold = sum(len(g.attributions) for g in gold)
    print(f"{len(gold)} articles, {n_gold} gold attributions, {len(examples)} candidates, "
          f"{sum(e.label for e in examples)} positive", flush=True)
    c = args.c if args.c is not None else choose_c(examples, len(gold), n_gold)[0]
    th = args.threshold if args.threshold is not None else choose_threshold(examples, parsed, gold, c)[0]
    model = fit(examples, c)
    model.threshold = th
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(model.to_json(), encoding="utf-8")
    print(f"C={c} threshold={th}: {len(model.weights)} weights written to {args.out} ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
