"""Timeline summarisation metrics: date F1 and alignment-based ROUGE (Martschat & Markert 2017).

The alignment metric is the "align, date-content costs, many-to-one" variant
that news-tls reports (tilse's ``align_date_content_costs_many_to_one``):

* every predicted date is aligned to the reference date with the lowest cost
  (for precision), and every reference date to the predicted date with the
  lowest cost (for recall); cost = date factor x content factor, with date
  factor ``1 - 1/(|days apart| + 1)`` and content factor ``1 - F1`` of a quick
  unigram overlap on whitespace tokens;
* the ROUGE-n hits of an aligned pair are weighted by ``1/(|days apart| + 1)``;
  precision = weighted hits / predicted n-grams, recall = weighted hits /
  reference n-grams, summed over dates (micro average).

ROUGE-n counts follow ROUGE-1.5.5 with ``-m -s`` (as tilse runs it): lower
case, characters other than letters and digits separate tokens, stop words
dropped, Porter stems for tokens longer than three characters, n-grams over
the whole daily summary. Two differences, documented in
``docs/benchmarks/timelines.md``: the stop-word list is scikit-learn's English
list (ROUGE-1.5.5 uses the SMART list) and there is no WordNet exception
lookup before stemming.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from . import shared_data
from .harness import PRF

Timeline = Sequence[tuple[str, Sequence[str]]]




def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def date_prf(predicted: Timeline, reference: Timeline) -> PRF:
    """Exact-match date precision and recall (news-tls ``evaluate_dates``)."""
    pred = {d for d, _ in predicted}
    ref = {d for d, _ in reference}
    shared = len(pred & ref)
    return PRF(_ratio(shared, len(pred)), _ratio(shared, len(ref)))


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def rouge_tokens(text: str) -> list[str]:
    """Tokens as ROUGE-1.5.5 ``-m -s`` sees them (see the module docstring)."""
    from ..explain.text import stem, stop_words

    stop = stop_words()
    toks = _NON_ALNUM.sub(" ", text.lower()).split()
    return [stem(t) if len(t) > 3 else t for t in toks if t not in stop]


def ngrams(sentences: Sequence[str], n: int) -> Counter:
    """N-gram counts over one summary (its sentences read as one text)."""
    toks = [t for s in sentences for t in rouge_tokens(s)]
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def rouge_counts(pred: Sequence[str], ref: Sequence[str], n: int) -> tuple[int, int, int]:
    """``(hits, predicted n-grams, reference n-grams)`` of a summary against one reference."""
    p, r = ngrams(pred, n), ngrams(ref, n)
    return sum((p & r).values()), sum(p.values()), sum(r.values())


def _quick_f1(pred: Sequence[str], ref: Sequence[str]) -> float:
    """Unigram-overlap F1 on raw whitespace tokens: the content part of the alignment cost."""
    p = Counter(t for s in pred for t in s.split())
    r = Counter(t for s in ref for t in s.split())
    match = sum((p & r).values())
    prec, rec = _ratio(match, sum(p.values())), _ratio(match, sum(r.values()))
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def _day(d: str) -> int:
    return dt.date.fromisoformat(d[:10]).toordinal()


def align_rouge(predicted: Timeline, reference: Timeline, ns: Sequence[int] = (1, 2)) -> dict[int, PRF]:
    """Alignment-based ROUGE-n (date-content costs, many-to-one) of a timeline against one reference."""
    pred: Mapping[str, Sequence[str]] = dict(predicted)
    ref: Mapping[str, Sequence[str]] = dict(reference)
    p_dates, r_dates = sorted(pred), sorted(ref)
    cost = np.ones((len(p_dates), len(r_dates)))
    for i, pd in enumerate(p_dates):
        for j, rd in enumerate(r_dates):
            date_factor = 1 - 1 / (abs(_day(pd) - _day(rd)) + 1)
            cost[i, j] = date_factor * (1 - _quick_f1(pred[pd], ref[rd]))

    num_p: defaultdict[int, float] = defaultdict(float)
    den_p: Counter[int] = Counter()
    num_r: defaultdict[int, float] = defaultdict(float)
    den_r: Counter[int] = Counter()
    for i, pd in enumerate(p_dates):  # precision: each predicted date to its cheapest reference date
        best_r: str | None = r_dates[int(cost[i].argmin())] if r_dates else None
        w = 1 / (abs(_day(pd) - _day(best_r)) + 1) if best_r else 0.0
        for n in ns:
            hits, n_pred, _ = rouge_counts(pred[pd], ref[best_r] if best_r else [], n)
            num_p[n] += w * hits
            den_p[n] += n_pred
    for j, rd in enumerate(r_dates):  # recall: each reference date to its cheapest predicted date
        pd_: str | None = p_dates[int(cost[:, j].argmin())] if p_dates else None
        w = 1 / (abs(_day(pd_) - _day(rd)) + 1) if pd_ else 0.0
        for n in ns:
            hits, _, n_ref = rouge_counts(pred[pd_] if pd_ else [], ref[rd], n)
            num_r[n] += w * hits
            den_r[n] += n_ref
    return {n: PRF(_ratio(num_p[n], den_p[n]), _ratio(num_r[n], den_r[n])) for n in ns}


def mean_prf(scores: Sequence[PRF]) -> PRF:
    """Average precision and recall over timelines; F1 is then taken of the means (as news-tls does)."""
    if not scores:
        return PRF(0.0, 0.0)
    return PRF(float(np.mean([s.precision for s in scores])), float(np.mean([s.recall for s in scores])))


DEFAULT_DATA = shared_data("timelines", "t17")


@dataclass
class TimelineResult:
    """Scores of one predicted timeline against its gold timeline."""

    collection: str
    index: int
    n_dates: int
    n_sentences: int
    dates: PRF
    rouge: dict[int, PRF]
    seconds: float


def read_jsonl(path) -> list:
    """Rows of a JSON-lines file (blank lines skipped)."""
    from ..ingest.jsonl import json_rows

    return [row for _, row in json_rows(path)]


def evaluate_collection(path, day_finder=None, ranker=None) -> list[TimelineResult]:
    """Build one timeline per gold timeline of a T17-style collection folder and score it.

    As news-tls does: as many dates as the gold timeline, ``round(mean
    sentences per gold date)`` sentences per date, and the input limited to
    the gold timeline's first to last date. ``ranker`` defaults to the shipped date ranker.
    """
    import json
    import time
    from pathlib import Path

    from ..explain.timeline import build_timeline

    folder = Path(path)
    articles = read_jsonl(folder / "articles.jsonl")
    keywords = json.loads((folder / "keywords.json").read_text(encoding="utf-8"))
    results = []
    for idx, gold in enumerate(read_jsonl(folder / "timelines.jsonl")):
        if not gold:
            continue
        t0 = time.perf_counter()
        gold = [(d[:10], sents) for d, sents in gold]
        dates = sorted(d for d, _ in gold)
        k = round(sum(len(s) for _, s in gold) / len(gold))
        pred = build_timeline(articles, len(gold), k, keywords, start=dates[0], end=dates[-1], day_finder=day_finder,
                              ranker=ranker)
        results.append(
            TimelineResult(folder.name, idx, len(gold), k, date_prf(pred, gold), align_rouge(pred, gold),
                           time.perf_counter() - t0)
        )
    return results


def evaluate_dataset(path=DEFAULT_DATA, day_finder=None, progress=None, ranker=None) -> list[TimelineResult]:
    """Score every collection folder (one holding ``timelines.jsonl``) under ``path``."""
    from pathlib import Path

    folders = sorted(p.parent for p in Path(path).glob("*/timelines.jsonl"))
    results: list[TimelineResult] = []
    for i, folder in enumerate(folders):
        results.extend(evaluate_collection(folder, day_finder, ranker))
        if progress:
            progress(i + 1, len(folders), folder.name)
    return results
