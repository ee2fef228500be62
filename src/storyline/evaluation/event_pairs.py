"""Why two events of one ECB+ topic are hard to tell apart online: the linker's features, pair by pair.

Each ECB+ topic holds two similar happenings (two rehab check-ins, two Indian Navy
anti-piracy actions years apart). This diagnostic scores every pair of documents of
one topic with the features the event level of :class:`storyline.link.Linker` uses
(embedding cosine, TF-IDF cosine of terms, of names, and their blend with the default
event weights) and reports:

* ``auc``: for each feature, the area under the ROC curve of "same event" over all
  within-topic pairs (1.0: a threshold separates them perfectly);
* ``first_reports``: the blended score of the first report of each topic's second
  event against the earlier reports of the first event (the online decision that
  mixes two events when it is above the joining threshold), and ``nearest_same``:
  each later report's best score against earlier reports of its own event. Where
  the first ranges over the second, no single threshold takes every first report
  apart while keeping every later report with its own event.

Document frequencies are counted over the whole stream, which favours the features
(the online linker only knows the articles seen so far).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.link import LinkConfig
from storyline.link.features import DocumentFrequencies, names_of, sparse_cosine, terms_of

from .clustering import Doc

FEATURES = ("embedding", "terms", "names", "blend")


@dataclass
class PairReport:
    """AUC per feature and the score distributions of the online decisions."""

    pairs: int
    same_share: float
    auc: dict[str, float]
    first_reports: list[float]
    nearest_same: list[float]

    def crossing(self, threshold: float) -> tuple[float, float]:
        """(share of first reports at or above, share of later reports' own-event best below) a threshold."""
        first = np.asarray(self.first_reports)
        near = np.asarray(self.nearest_same)
        return float(np.mean(first >= threshold)), float(np.mean(near < threshold))


def pair_report(docs: Sequence[Doc], embeddings: np.ndarray, config: LinkConfig | None = None) -> PairReport:
    """Score all within-topic pairs of ECB+ documents (gold ``topic/subtopic``) given in stream order."""
    level = (config or LinkConfig()).event
    df = DocumentFrequencies()
    terms = [terms_of(d.title, d.text) for d in docs]
    names = [names_of(d.title, d.text) for d in docs]
    for t, n in zip(terms, names):
        df.add(set(t) | set(n))
    tw = [df.weigh(t) for t in terms]
    nw = [df.weigh(n) for n in names]
    topic = [d.gold.split("/")[0] for d in docs]

    def scores(i: int, j: int) -> tuple[float, float, float, float]:
        e = float(embeddings[i] @ embeddings[j])
        t = sparse_cosine(tw[i], tw[j])
        n = sparse_cosine(nw[i], nw[j])
        return e, t, n, level.blend(e, t, n)

    rows: list[tuple[float, float, float, float]] = []
    same: list[bool] = []
    first_reports: list[float] = []
    nearest_same: list[float] = []
    for i in range(len(docs)):
        own: list[float] = []
        other: list[float] = []
        for j in range(i):
            if topic[j] != topic[i]:
                continue
            s = scores(i, j)
            rows.append(s)
            same.append(docs[i].gold == docs[j].gold)
            (own if same[-1] else other).append(s[3])
        if own:
            nearest_same.append(max(own))
        elif other:
            first_reports.append(max(other))
    from sklearn.metrics import roc_auc_score

    labels = np.asarray(same, dtype=bool)
    both = 0 < labels.sum() < len(labels)
    matrix = np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))
    auc = {
        name: round(float(roc_auc_score(labels, matrix[:, k])), 4) if both else float("nan")
        for k, name in enumerate(FEATURES)
    }
    return PairReport(
        pairs=len(rows),
        same_share=round(float(labels.mean()) if len(labels) else 0.0, 4),
        auc=auc,
        first_reports=[round(x, 4) for x in first_reports],
        nearest_same=[round(x, 4) for x in nearest_same],
    )
