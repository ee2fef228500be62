"""Hand-labelled claim pairs from Timeline17 dev: the candidate generator, the labelled set and the pair-model benchmark.

The set (``evaluation/data/correction_pairs.jsonl``) holds earlier/later claim pairs of one story (a
Timeline17 topic: bpoil, EgyptianProtest, H1N1, haiti; sources mixed), each with both article ids
(``collection/id``), both spans, both sentences and a label read off the two sentences:

* ``correction``: the later claim says the earlier one was wrong (a revised figure, a hoax, "contrary to");
* ``contradiction``: the two cannot both hold, and the later one does not say it revises;
* ``update``: a figure or state moved on (a toll that grew, a plan that went ahead);
* ``competing_account``: a party denies or disputes what another party asserts (charges, accusations);
* ``none``: no relation a reader needs to see (restated, different things, unrelated).

:func:`generate` makes the candidates: the pairs the current rules report, plus hard negatives (a shared
entity and a close sentence with a denial, a legal word, a negation or figures of one kind on both sides
that the rules leave alone). :func:`evaluate` trains the pair model by story (leave-one-topic-out) and scores
reported corrections and contradictions on the held-out story.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..model import Analysis, Article, Span
from . import shared_data
from .harness import PRF

DATA = Path(__file__).parent / "data" / "correction_pairs.jsonl"
LABELS = ("correction", "contradiction", "update", "competing_account", "none")
#: gold labels that count as a reported correction or contradiction
CHANGE = frozenset({"correction", "contradiction"})
_LEGAL = re.compile(r"\b(?:charg|trial|accus|prosecut|defen[cs]|lawsuit|sued|su(?:e|ing)|plead|guilty|alleg|court|judge)", re.I)


def topic(collection: str) -> str:
    return collection.split("_", 1)[0]


def load_articles(collections: Iterable[str], root: Path | None = None) -> dict[str, Article]:
    """Timeline17 articles by ``collection/id`` (title = the first line; text as given, so spans hold)."""
    from ..ingest.jsonl import json_rows

    root = root or shared_data("timelines", "t17")
    out: dict[str, Article] = {}
    for coll in sorted(set(collections)):
        path = root / coll / "articles.jsonl"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: Timeline17 collection not found (set STORYLINE_SHARED)")
        for _, rec in json_rows(path):
            text = rec["text"]
            title = text.partition("\n")[0].strip()[:200]
            key = f"{coll}/{rec['id']}"
            out[key] = Article(title=title, text=text, published=str(rec.get("time") or "")[:10] or None, source=coll.split("_", 1)[-1], origin=key)
    return out


def analyse(articles: Sequence[Article]) -> dict[str, Analysis]:
    """The default analysis of each article, by article id."""
    from ..analyze import Pipeline

    return {a.id: an for a, an in Pipeline().pipe(articles)}


# -- candidates ------------------------------------------------------------------------------------
@dataclass
class Candidate:
    story: str
    earlier_doc: str
    later_doc: str
    earlier_span: tuple[int, int]
    later_span: tuple[int, int]
    earlier_text: str
    later_text: str
    earlier_date: str | None
    later_date: str | None
    proposal: str  # what the rules said, or the hard-negative bucket
    cue: str | None
    similarity: float

    def row(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "earlier": {"doc": self.earlier_doc, "span": list(self.earlier_span), "date": self.earlier_date, "text": self.earlier_text},
            "later": {"doc": self.later_doc, "span": list(self.later_span), "date": self.later_date, "text": self.later_text},
            "proposal": self.proposal,
            "cue": self.cue,
            "similarity": round(self.similarity, 3),
        }


def _bucket(pair: Any) -> str | None:
    """Why a pair the rules leave alone is a hard negative worth labelling (or ``None``)."""
    e, l = pair.earlier, pair.later
    if not pair.shared or pair.similarity < 0.55:
        return None
    if l.denial or e.denial:
        return "hard:denial"
    if _LEGAL.search(e.claim.text) and _LEGAL.search(l.claim.text):
        return "hard:legal"
    if e.claim.polarity != l.claim.polarity and pair.similarity >= 0.65:
        return "hard:negation"
    kinds = {f.kind for f in e.figures}
    if any(f.kind in kinds for f in l.figures) and pair.similarity >= 0.6:
        return "hard:figures"
    return None


def generate(per_collection: int = 30, neighbours: int = 12, per_bucket: int = 12, seed: int = 17) -> Iterator[Candidate]:
    """Candidate pairs per story: the rules' proposals and hard negatives (see the module docstring)."""
    from ..explain.claims import claim_facts
    from ..explain.corrections import ClaimVectors, RuleScorer, _candidates, claim_keys
    from dataclasses import replace

    root = shared_data("timelines", "t17")
    colls = sorted(p.name for p in root.iterdir() if (p / "articles.jsonl").is_file())
    rng = random.Random(seed)
    by_topic: dict[str, list[str]] = defaultdict(list)
    for c in colls:
        by_topic[topic(c)].append(c)
    rules = RuleScorer()
    vectors = ClaimVectors()

    class _All:
        def worth_scoring(self, p: Any) -> bool:
            return bool(p.shared)

        def judge(self, pairs: Sequence[Any]) -> list[Any]:
            return [None for _ in pairs]

    for story, members in sorted(by_topic.items()):
        arts = load_articles(members, root)
        chosen: list[str] = []
        for c in members:
            names = sorted(k for k in arts if k.startswith(c + "/"))
            chosen += rng.sample(names, min(per_collection, len(names)))
        chosen.sort(key=lambda k: (arts[k].published or "", k))
        docs = [arts[k] for k in chosen]
        analyses = analyse(docs)
        facts = {k: [claim_facts(c, analyses[arts[k].id], arts[k]) for c in analyses[arts[k].id].claims] for k in chosen}
        keys = {k: claim_keys(facts[k]) for k in chosen}
        proposals: list[Candidate] = []
        hard: dict[str, list[Candidate]] = defaultdict(list)
        for j, later in enumerate(chosen):
            earlier = sorted(chosen[:j], key=lambda k: -len(keys[k] & keys[later]))[:neighbours]
            for ek in earlier:
                pairs = _candidates(facts[ek], facts[later], _All())
                pairs = [replace(p, similarity=s) for p, s in zip(pairs, vectors.similarity(pairs))]
                for p in pairs:
                    v = rules.judge_one(p) if rules.worth_scoring(p) else None
                    cand = Candidate(
                        story, ek, later, tuple(p.earlier.claim.span), tuple(p.later.claim.span),  # type: ignore[arg-type]
                        p.earlier.claim.text, p.later.claim.text, arts[ek].published, arts[later].published,
                        v.label if v else "", v.cue if v else None, p.similarity,
                    )
                    if v is not None and v.label != "supports":
                        cand.proposal = "rule:" + v.label
                        proposals.append(cand)
                    elif v is None:
                        b = _bucket(p)
                        if b:
                            cand.proposal = b
                            hard[b].append(cand)
        yield from proposals
        for _, items in sorted(hard.items()):
            items.sort(key=lambda x: -x.similarity)
            seen: set[tuple[str, str]] = set()
            n = 0
            for item in items:
                if (item.earlier_text, item.later_text) in seen or n >= per_bucket:
                    continue
                seen.add((item.earlier_text, item.later_text))
                n += 1
                yield item


_SENTENCE = re.compile(r"[^\n]+?(?: [.!?](?= )|\n|$)")
_MEASURE = re.compile(r"\b(?:barrels?|gallons?|dead|deaths?|died|killed|toll|injured|wounded|arrested|detained)\b", re.I)


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= 30:
            yield start, end


_STATE = re.compile(
    r"\b(?:blocked|shut down|resign\w*|step(?:ped)? down|left|fled|arrested|detained|shot|fired|killed|dead|died|"
    r"captured|released|cut off|restored)\b", re.I)  # fmt: skip


def cue_search(
    stories: Sequence[str] = ("bpoil", "EgyptianProtest", "haiti"),
    per_story: int = 40,
    seed: int = 17,
    measure: re.Pattern[str] = _MEASURE,
    figures: bool = True,
) -> Iterator[Candidate]:
    """Pairs the rules rarely propose: a later sentence with a revision, debunk, weak or denial cue and a measure
    (barrels, deaths, arrests; with ``figures``, a number too) against the earlier sentence of its story closest
    in meaning that names the same measure (cosine >= 0.6, published at least a day before)."""
    import numpy as np

    from ..embed import embed
    from ..explain import _claim_lexicon as lex

    root = shared_data("timelines", "t17")
    cue = re.compile("|".join(p.pattern for p in (lex.REVISION, lex.DEBUNK, lex.WEAK, lex.DENIAL, lex.BACK_REFERENCE)), re.I)
    for story in stories:
        arts = load_articles([p.name for p in root.iterdir() if topic(p.name) == story], root)
        sents = [(k, a, b) for k, art in arts.items() for a, b in _sentences(art.text) if len(art.text[a:b]) <= 320]
        measured = [
            (k, a, b) for k, a, b in sents
            if measure.search(arts[k].text[a:b]) and (not figures or re.search(r"\d", arts[k].text[a:b]))
        ]  # fmt: skip
        later = [x for x in measured if cue.search(arts[x[0]].text[x[1] : x[2]])]
        random.Random(seed).shuffle(later)
        later = later[: per_story * 2]
        if not later:
            continue
        vec_all = embed([arts[k].text[a:b] for k, a, b in measured])
        index = {x: i for i, x in enumerate(measured)}
        found = 0
        seen: set[str] = set()
        for x in later:
            k, a, b = x
            text = arts[k].text[a:b]
            if text in seen:
                continue
            seen.add(text)
            words = {w.lower() for w in measure.findall(text)}
            sims = vec_all @ vec_all[index[x]]
            for j in np.argsort(-sims)[:60]:
                ek, ea, eb = measured[j]
                etext = arts[ek].text[ea:eb]
                if (arts[ek].published or "") >= (arts[k].published or "") or sims[j] < 0.6 or etext == text:
                    continue
                if not words & {w.lower() for w in measure.findall(etext)}:
                    continue
                m = cue.search(text)
                yield Candidate(story, ek, k, (ea, eb), (a, b), etext, text, arts[ek].published, arts[k].published,
                                "cue-search", m.group(0) if m else None, float(sims[j]))  # fmt: skip
                found += 1
                break
            if found >= per_story:
                break


# -- the labelled set ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelledPair:
    story: str
    earlier_doc: str
    later_doc: str
    earlier_span: Span
    later_span: Span
    label: str
    row: dict[str, Any]


def load_pairs(path: Path = DATA) -> list[LabelledPair]:
    """The labelled pairs; a line without a known label or with spans that do not fit is an error naming it."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        r = json.loads(line)
        if r.get("label") not in LABELS:
            raise ValueError(f"{path}:{n}: label {r.get('label')!r} is not one of {', '.join(LABELS)}")
        out.append(
            LabelledPair(r["story"], r["earlier"]["doc"], r["later"]["doc"], Span(*r["earlier"]["span"]), Span(*r["later"]["span"]), r["label"], r)
        )
    return out


def claim_pairs(labelled: Sequence[LabelledPair], root: Path | None = None) -> list[Any]:
    """The :class:`~storyline.explain.corrections.ClaimPair` of each labelled pair, from a fresh analysis of its articles."""
    from dataclasses import replace as _replace

    from ..explain.claims import claim_at, claim_facts
    from ..explain.corrections import ClaimPair, ClaimVectors, _time_link, dice, shared_entities

    docs = sorted({d for p in labelled for d in (p.earlier_doc, p.later_doc)})
    arts = load_articles({d.split("/")[0] for d in docs}, root)
    missing = [d for d in docs if d not in arts]
    if missing:
        raise ValueError(f"{DATA.name}: articles not in Timeline17: {', '.join(missing[:5])}")
    analyses = analyse([arts[d] for d in docs])
    out = []
    for lp in labelled:
        sides = []
        for doc, span, key in ((lp.earlier_doc, lp.earlier_span, "earlier"), (lp.later_doc, lp.later_span, "later")):
            art = arts[doc]
            if span.text(art.text) != lp.row[key]["text"]:
                raise ValueError(f"{DATA.name}: {doc} {list(span)}: the span no longer holds the labelled sentence")
            an = analyses[art.id]
            sides.append(claim_facts(claim_at(art, an, span), an, art))
        e, l = sides
        out.append(ClaimPair(e, l, 0.0, dice(e.stems, l.stems), shared_entities(e.entities, l.entities), _time_link(e, l)))
    sims = ClaimVectors().similarity(out)
    return [_replace(p, similarity=x) for p, x in zip(out, sims)]


# -- the pair model, cross-validated by story ------------------------------------------------------
C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 19))
MIN_PRECISION = 0.85


def _fit(X: Any, y: Any, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(X, y)


def _counts(reported: Sequence[bool], gold: Sequence[bool]) -> tuple[int, int, int]:
    tp = sum(r and g for r, g in zip(reported, gold))
    return tp, sum(reported) - tp, sum(gold) - tp


def _prf(tp: int, fp: int, fn: int) -> PRF:
    return PRF.from_counts(tp, tp + fp, tp + fn)


def _reported(probs: Any, judged: Sequence[bool], kept: Sequence[bool], t: float) -> list[bool]:
    """What is reported at threshold ``t``: a rule's correction the model judges needs ``prob >= t``; the others stay."""
    return [k or (j and bool(q >= t)) for q, j, k in zip(probs, judged, kept)]


def _pick(probs: Any, gold: Sequence[bool], judged: Sequence[bool], kept: Sequence[bool]) -> float:
    """The threshold with the best recall at precision >= MIN_PRECISION (best F0.5 when none reaches it)."""
    best, best_key = THRESHOLDS[-1], (-1.0, -1.0, -1.0)
    for t in THRESHOLDS:
        tp, fp, fn = _counts(_reported(probs, judged, kept, t), gold)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        key = (1.0, r, p) if p >= MIN_PRECISION and tp else (0.0, f05, p)
        if key > best_key:
            best, best_key = t, key
    return best


def _inner_choice(X: Any, y: Any, groups: Sequence[str], judged: Sequence[bool], kept: Sequence[bool]) -> tuple[float, float]:
    """(C, threshold) by leave-one-story-out predictions within the training stories."""
    import numpy as np

    from .cv import group_folds

    best: tuple[float, float] = (C_GRID[0], THRESHOLDS[-1])
    best_key = (-1.0, -1.0)
    for c in C_GRID:
        probs = np.zeros(len(y))
        for tr, te in group_folds(groups):
            if len(set(y[tr])) < 2:
                continue
            probs[te] = _fit(X[tr], y[tr], c).predict_proba(X[te])[:, 1]
        t = _pick(probs, list(y.astype(bool)), judged, kept)
        tp, fp, fn = _counts(_reported(probs, judged, kept, t), list(y.astype(bool)))
        p, r = _prf(tp, fp, fn).precision, _prf(tp, fp, fn).recall
        key = (r if p >= MIN_PRECISION else r * p / 2, p)
        if key > best_key:
            best, best_key = (c, t), key
    return best


def _judged(verdicts: Sequence[Any]) -> tuple[list[bool], list[bool]]:
    """Per pair: a rule's correction the model judges; a rule's correction the model leaves alone."""
    from ..explain.corrections import CORRECTION_LABELS, JUDGED_RULES

    change = [bool(v and v.label in CORRECTION_LABELS) for v in verdicts]
    judged = [c and v.rule in JUDGED_RULES for c, v in zip(change, verdicts)]
    return judged, [c and not j for c, j in zip(change, judged)]


def _decide(pairs: Sequence[Any], verdicts: Sequence[Any], probs: Any, threshold: float) -> list[str | None]:
    from ..explain.corrections import LearnedScorer
    from ..explain._relation_model import FEATURES, PairModel

    import numpy as np

    scorer = LearnedScorer(PairModel(FEATURES, np.zeros(len(FEATURES)), 0.0, threshold, {}))
    out: list[str | None] = []
    for p, v, q in zip(pairs, verdicts, probs):
        d = scorer.decide(p, v, float(q))
        out.append(d.label if d else None)
    return out


@dataclass
class Prepared:
    """The labelled pairs with their claim pairs, the rules' verdicts and the feature matrix."""

    labelled: list[LabelledPair]
    pairs: list[Any]
    verdicts: list[Any]
    X: Any


def prepare(path: Path = DATA) -> Prepared:
    from ..explain._relation_model import feature_matrix
    from ..explain.corrections import RuleScorer

    labelled = load_pairs(path)
    pairs = claim_pairs(labelled)
    rules = RuleScorer()
    verdicts = [rules.judge_one(p) for p in pairs]
    return Prepared(labelled, pairs, verdicts, feature_matrix(pairs, verdicts))


def evaluate(path: Path = DATA, prepared: Prepared | None = None) -> dict[str, Any]:
    """Rules alone and rules + pair model on the labelled pairs, each story held out in turn."""
    import numpy as np

    from ..explain.corrections import CORRECTION_LABELS
    from .cv import group_folds

    prep = prepared or prepare(path)
    labelled, pairs, verdicts, X = prep.labelled, prep.pairs, prep.verdicts, prep.X
    gold = [lp.label in CHANGE for lp in labelled]
    y = np.array(gold, dtype=int)
    groups = [lp.story for lp in labelled]
    rule_reported = [bool(v and v.label in CORRECTION_LABELS) for v in verdicts]
    judged, kept = _judged(verdicts)
    model_labels: list[str | None] = [None] * len(pairs)
    chosen: dict[str, Any] = {}
    per_story: dict[str, Any] = {}
    for tr, te in group_folds(groups):
        story = groups[te[0]]
        c, t = _inner_choice(X[tr], y[tr], [groups[i] for i in tr], [judged[i] for i in tr], [kept[i] for i in tr])
        clf = _fit(X[tr], y[tr], c)
        probs = clf.predict_proba(X[te])[:, 1]
        for i, lab in zip(te, _decide([pairs[i] for i in te], [verdicts[i] for i in te], probs, t)):
            model_labels[i] = lab
        chosen[story] = {"C": c, "threshold": t}
        tp, fp, fn = _counts([model_labels[i] in CORRECTION_LABELS for i in te], [gold[i] for i in te])
        per_story[story] = {"pairs": len(te), "positives": sum(gold[i] for i in te), "tp": tp, "fp": fp, "fn": fn}
    model_reported = [lab in CORRECTION_LABELS for lab in model_labels]
    never = [lp.label == "competing_account" and lab in CORRECTION_LABELS for lp, lab in zip(labelled, model_labels)]
    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lp, lab in zip(labelled, model_labels):
        confusion[lp.label][lab or "none"] += 1
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lp in labelled:
        counts[lp.story][lp.label] += 1
    return {
        "model": _prf(*_counts(model_reported, gold)),
        "rules": _prf(*_counts(rule_reported, gold)),
        "pairs": len(labelled),
        "positives": sum(gold),
        "competing_reported_as_correction": sum(never),
        "chosen": chosen,
        "per_story": per_story,
        "counts": {k: dict(v) for k, v in sorted(counts.items())},
        "confusion": {k: dict(v) for k, v in sorted(confusion.items())},
    }


def train(path: Path = DATA, prepared: Prepared | None = None) -> Any:
    """The shipped pair model: C and the threshold by leave-one-story-out CV on every labelled pair, then fit on all."""
    import numpy as np

    from ..explain._relation_model import FEATURES, PairModel

    prep = prepared or prepare(path)
    labelled, X = prep.labelled, prep.X
    y = np.array([lp.label in CHANGE for lp in labelled], dtype=int)
    groups = [lp.story for lp in labelled]
    judged, kept = _judged(prep.verdicts)
    c, t = _inner_choice(X, y, groups, judged, kept)
    clf = _fit(X, y, c)
    meta = {"trained_on": f"{path.name}: {len(labelled)} pairs, {int(y.sum())} corrections or contradictions",
            "C": c, "cv": "leave-one-story-out (Timeline17 topics)"}  # fmt: skip
    return PairModel(FEATURES, clf.coef_[0].astype(float), float(clf.intercept_[0]), t, meta)


def main() -> None:  # pragma: no cover - run by hand: candidates to label, or the shipped weights
    import sys

    if sys.argv[1:] == ["cues"]:
        for cand in cue_search():
            sys.stdout.write(json.dumps(cand.row(), ensure_ascii=False) + "\n")
        return
    if sys.argv[1:] == ["states"]:
        for cand in cue_search(("EgyptianProtest", "haiti", "H1N1"), 30, measure=_STATE, figures=False):
            sys.stdout.write(json.dumps(cand.row(), ensure_ascii=False) + "\n")
        return
    if sys.argv[1:] == ["train"]:
        prep = prepare()
        report = evaluate(prepared=prep)
        print(json.dumps({k: (v.as_dict() if isinstance(v, PRF) else v) for k, v in report.items()}, indent=1, default=str))
        model = train(prepared=prep)
        model.save()
        print(json.dumps(model.to_json(), indent=1))
        return
    for cand in generate():
        sys.stdout.write(json.dumps(cand.row(), ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    main()
