"""Train the timeline date ranker (:mod:`storyline.explain.date_ranker`) on Timeline17 dev gold timelines.

Each collection's articles are read as the evaluation reads them (published
within the gold timeline's first and last date, the collection's keywords);
every candidate date is labelled 1 when the gold timeline has it. A logistic
regression is fit over the candidates' features.

The figure reported as cross-validated is leave-one-story-out: the stories
are Timeline17's topics (the BP oil spill, the Egyptian protests, H1N1,
Haiti), so every collection of the held-out topic is scored by a model that
saw none of that story, from any source. Within each fold the regularisation
and the weighting of stories are chosen by an inner leave-one-story-out over
the training stories only (by their date F1), then the summaries' lead weight
and the kind of summary (central naming sentences, or centroid summaries that also take the
undated openings of the day's and the next days' articles) by the AR-1 of the training stories' timelines. The shipped model is then
chosen the same way over all stories and fit on all of them; its figure on
the same collections is the dev figure (it has seen them).

Run::

    storyline eval timelines --train          # CV figures, writes the shipped model, scores it on dev
    PYTHONPATH=src python -m storyline.evaluation.train_date_ranker --out model.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..explain.date_ranker import MODEL_PATH, DateRanker, fit_ranker
from ..explain.timeline import StoryDates, as_pairs, rank_dates, read_story, story_timeline
from . import cv
from .harness import PRF
from .tls import DEFAULT_DATA, TimelineResult, align_rouge, date_prf, mean_prf, read_jsonl

C_GRID = (0.001, 0.01, 0.1, 1.0)
BALANCE = (False, True)
"""Whether each story weighs the same in training (else each candidate date does)."""
LEAD_WEIGHTS = (0.0, 1.0, 2.0, 4.0)
"""Candidate weights of a summary sentence's agreement with the day's leads (``DateRanker.lead_weight``)."""
SUMMARIES = ((0, 2), (5, 2), (5, 3), (10, 2), (10, 3))
"""Candidate (``summary_leads``, ``lead_days``) of ``DateRanker``: 0 keeps the central naming sentences."""


@dataclass
class GoldStory:
    """One collection with its gold timeline, read for training and scoring."""

    collection: str
    story: str
    gold: list[tuple[str, list[str]]]
    n_sentences: int
    dates: StoryDates
    """The story as the evaluation reads it: articles and candidates within the gold timeline's span."""
    whole: StoryDates
    """The whole collection, every date it names a candidate: what the ranker is trained on."""

    @property
    def labels(self) -> np.ndarray:
        gold = {d for d, _ in self.gold}
        return np.array([d.isoformat() in gold for d in self.whole.candidates], dtype=int)


def story_of(collection: str) -> str:
    """The story (topic) of a Timeline17 collection name such as ``bpoil_bbc``."""
    return collection.split("_")[0]


def load_stories(path: Path | str = DEFAULT_DATA, progress: Callable[[str], None] | None = None) -> list[GoldStory]:
    """Every (collection, gold timeline) under ``path``, read as :func:`storyline.evaluation.tls.evaluate_collection` does."""
    out = []
    for folder in sorted(p.parent for p in Path(path).glob("*/timelines.jsonl")):
        articles = read_jsonl(folder / "articles.jsonl")
        keywords = json.loads((folder / "keywords.json").read_text(encoding="utf-8"))
        for gold in read_jsonl(folder / "timelines.jsonl"):
            if not gold:
                continue
            gold = [(d[:10], sents) for d, sents in gold]
            days = sorted(d for d, _ in gold)
            k = round(sum(len(s) for _, s in gold) / len(gold))
            story = read_story(articles, keywords, start=days[0], end=days[-1])
            out.append(GoldStory(folder.name, story_of(folder.name), gold, k, story, read_story(articles, keywords)))
        if progress:
            progress(folder.name)
    return out


def fit(stories: Sequence[GoldStory], c: float, balance: bool, meta: dict | None = None) -> DateRanker:
    """A ranker fit to the candidates of ``stories``."""
    X = np.vstack([s.whole.features for s in stories])
    y = np.concatenate([s.labels for s in stories])
    if len(set(y.tolist())) < 2:
        names = ", ".join(sorted({s.collection for s in stories}))
        raise ValueError(f"{names}: {'every' if len(y) and y.all() else 'no'} candidate date is in the gold "
                         "timelines, so there is nothing to learn from")
    weights = None
    if balance:
        weights = np.concatenate([np.full(len(s.labels), 1.0 / max(1, len(s.labels))) for s in stories])
        weights *= len(y) / weights.sum()
    return fit_ranker(X, y, c, meta, sample_weight=weights)


def date_f1(ranker: DateRanker, stories: Sequence[GoldStory]) -> float:
    """Mean date F1 (F of mean P and R) of the top-ranked dates, as many as each gold timeline has."""
    scores = []
    for s in stories:
        top = rank_dates(s.dates, ranker)[: len(s.gold)]
        scores.append(date_prf([(d.isoformat(), []) for d in top], s.gold))
    return mean_prf(scores).f1


def choose_settings(stories: Sequence[GoldStory]) -> tuple[float, bool]:
    """The (C, balance) with the best leave-one-story-out date F1 over ``stories`` (first on ties)."""
    settings = list(itertools.product(C_GRID, BALANCE))
    groups = [s.story for s in stories]

    best, best_score = settings[0], -1.0
    for setting in settings:
        held = []
        for tr, te in cv.group_folds(groups):
            held.append(date_f1(fit([stories[i] for i in tr], *setting), [stories[i] for i in te]))
        if (m := float(np.mean(held))) > best_score:
            best, best_score = setting, m
    return best


def choose_summaries(stories: Sequence[GoldStory], ranker: DateRanker) -> tuple[float, int, int]:
    """The lead weight (:data:`LEAD_WEIGHTS`) and summary kind (:data:`SUMMARIES`) whose timelines of ``stories``
    (dates by ``ranker``) have the best AR-1 F (first on ties; centroid summaries ignore the lead weight)."""
    settings = [(w, 0, 2) for w in LEAD_WEIGHTS] + [(0.0, n, d) for n, d in SUMMARIES if n]

    def ar1(setting: tuple[float, int, int]) -> float:
        trial = replace(ranker, lead_weight=setting[0], summary_leads=setting[1], lead_days=setting[2])
        return mean_prf([score_story(s, trial).rouge[1] for s in stories]).f1

    return max(settings, key=ar1)


def score_story(s: GoldStory, ranker: DateRanker, seconds: float = 0.0) -> TimelineResult:
    """The timeline of ``s`` built with ``ranker``, scored against its gold timeline."""
    t0 = time.perf_counter()
    pred = as_pairs(story_timeline(s.dates, len(s.gold), s.n_sentences, ranker))
    return TimelineResult(s.collection, 0, len(s.gold), s.n_sentences, date_prf(pred, s.gold), align_rouge(pred, s.gold),
                          seconds + time.perf_counter() - t0)


@dataclass
class Report:
    """Leave-one-story-out results (each story scored by a model that did not see it) and the shipped model."""

    cross_validated: list[TimelineResult]
    chosen: dict[str, tuple[float, bool, float, int, int]]
    """Per held-out story (or collection): C, balanced, lead weight, summary leads, lead days."""
    ranker: DateRanker

    def means(self) -> dict[str, PRF]:
        r = self.cross_validated
        return {"date": mean_prf([x.dates for x in r]), "rouge_1": mean_prf([x.rouge[1] for x in r]),
                "rouge_2": mean_prf([x.rouge[2] for x in r])}


def train(stories: Sequence[GoldStory], by: str = "story") -> Report:
    """Leave-one-story-out CV (settings chosen inside each fold), then the model chosen and fit on all stories.

    ``by="collection"`` holds out one collection at a time instead (the other sources of its story stay in
    training): a weaker protocol, reported beside the other.
    """
    groups = [s.story if by == "story" else s.collection for s in stories]
    results: dict[int, TimelineResult] = {}
    chosen: dict[str, tuple[float, bool, float, int, int]] = {}
    for tr, te in cv.group_folds(groups):
        train_part = [stories[i] for i in tr]
        setting = choose_settings(train_part)
        ranker = fit(train_part, *setting)
        ranker.lead_weight, ranker.summary_leads, ranker.lead_days = choose_summaries(train_part, ranker)
        chosen[groups[te[0]]] = (*setting, ranker.lead_weight, ranker.summary_leads, ranker.lead_days)
        for i in te:
            results[i] = score_story(stories[i], ranker)
    c, balance = choose_settings(stories)
    meta = {"trained_on": sorted({s.collection for s in stories}), "C": c, "balanced": balance,
            "trained": dt.date.today().isoformat()}
    final = fit(stories, c, balance, meta)
    final.lead_weight, final.summary_leads, final.lead_days = choose_summaries(stories, final)
    return Report([results[i] for i in range(len(stories))], chosen, final)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--out", default=str(MODEL_PATH))
    parser.add_argument("--by", choices=("story", "collection"), default="story", help="what each fold holds out")
    args = parser.parse_args(argv)
    report = train(load_stories(args.data), args.by)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report.ranker.to_json() + "\n", encoding="utf-8")
    for r in report.cross_validated:
        print(f"{r.collection:24s} date F1 {r.dates.f1:.3f}  AR-1 {r.rouge[1].f1:.3f}  AR-2 {r.rouge[2].f1:.3f}")
    m = report.means()
    print(f"leave-one-{args.by}-out: date F1 {m['date'].f1:.3f}  AR-1 {m['rouge_1'].f1:.3f}  AR-2 {m['rouge_2'].f1:.3f}")
    print(f"chosen per held-out story: {report.chosen}; wrote {args.out}")


if __name__ == "__main__":
    main()
