"""FNC-1 stance detection: file format, the official score, and grouped cross-validation.

The score is the competition's: 0.25 for getting related-vs-unrelated right,
0.75 more for the exact related class (agree, disagree, discuss); the relative
score divides by what a perfect system would earn. Only development pairs are
available here, so a learned model is scored by cross-validation grouped by
``Body ID`` (no body is in both training and test folds).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import InputError
from ..explain.stance import LABELS, RELATED
from . import shared_data

DEFAULT_DATA = shared_data("stance", "fnc1")


@dataclass
class StanceData:
    """FNC-1 rows (``Headline``, ``Body ID`` and maybe ``Stance``) with their body texts."""

    rows: list[dict[str, str]]
    fieldnames: list[str]
    bodies: dict[str, str]

    @property
    def headlines(self) -> list[str]:
        return [r["Headline"] for r in self.rows]

    @property
    def body_texts(self) -> list[str]:
        return [self.bodies[r["Body ID"]] for r in self.rows]

    @property
    def body_ids(self) -> list[str]:
        return [r["Body ID"] for r in self.rows]


def _read_csv(path: Path, required: Sequence[str]) -> tuple[list[dict[str, str]], list[str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            fields = list(reader.fieldnames or [])
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(str(path), f"not a UTF-8 CSV file: {exc}") from exc
    missing = [c for c in required if c not in fields]
    if missing:
        raise InputError(str(path), f"missing column(s) {', '.join(missing)}; found {', '.join(fields) or 'none'}")
    return rows, fields


def read_stance_data(pairs: Path, bodies: Path) -> StanceData:
    """Read an FNC-1 stances CSV and bodies CSV; every ``Body ID`` must have a body."""
    body_rows, _ = _read_csv(bodies, ("Body ID", "articleBody"))
    texts = {r["Body ID"]: r["articleBody"] for r in body_rows}
    rows, fields = _read_csv(pairs, ("Headline", "Body ID"))
    unknown = sorted({r["Body ID"] for r in rows} - texts.keys())
    if unknown:
        raise InputError(str(pairs), f"Body ID(s) not in {bodies}: {', '.join(unknown[:5])}")
    return StanceData(rows, fields, texts)


def write_stances(data: StanceData, labels: Sequence[str], out) -> None:
    """Write the pairs back with a ``Stance`` column holding ``labels`` (``out``: path or text stream)."""
    fields = data.fieldnames + ([] if "Stance" in data.fieldnames else ["Stance"])
    own = isinstance(out, (str, Path))
    fh = open(out, "w", newline="", encoding="utf-8") if own else out
    try:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row, label in zip(data.rows, labels):
            writer.writerow({**row, "Stance": label})
    finally:
        if own:
            fh.close()


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> float:
    """The FNC-1 competition score (not normalised)."""
    score = 0.0
    for g, p in zip(gold, pred):
        if g == p:
            score += 0.25 if g == "unrelated" else 0.75
        if g in RELATED and p in RELATED:
            score += 0.25
    return score


def relative_score(gold: Sequence[str], pred: Sequence[str]) -> float:
    """FNC-1 score over the best achievable score on ``gold``."""
    best = fnc_score(gold, gold)
    return fnc_score(gold, pred) / best if best else 0.0


def confusion(gold: Sequence[str], pred: Sequence[str]) -> np.ndarray:
    """Counts ``[gold][pred]`` in :data:`LABELS` order."""
    m = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    for g, p in zip(gold, pred):
        m[LABELS.index(g), LABELS.index(p)] += 1
    return m


def per_class_f1(matrix: np.ndarray) -> dict[str, float]:
    """F1 of each label from a confusion matrix."""
    out = {}
    for i, label in enumerate(LABELS):
        tp = matrix[i, i]
        prec = tp / matrix[:, i].sum() if matrix[:, i].sum() else 0.0
        rec = tp / matrix[i].sum() if matrix[i].sum() else 0.0
        out[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


@dataclass
class StanceReport:
    """Scores of one set of predictions against gold labels."""

    relative: float
    score: float
    best: float
    f1: dict[str, float]
    macro_f1: float
    confusion: list[list[int]]
    n: int
    extra: dict = field(default_factory=dict)


def report(gold: Sequence[str], pred: Sequence[str]) -> StanceReport:
    m = confusion(gold, pred)
    f1 = per_class_f1(m)
    return StanceReport(
        relative=relative_score(gold, pred),
        score=fnc_score(gold, pred),
        best=fnc_score(gold, gold),
        f1=f1,
        macro_f1=float(np.mean(list(f1.values()))),
        confusion=m.tolist(),
        n=len(gold),
    )


def cross_validate(data: StanceData, folds: int = 5, progress=None) -> StanceReport:
    """Out-of-fold predictions of :class:`FeatureStanceModel`, folds grouped by ``Body ID``."""
    from sklearn.model_selection import GroupKFold

    from ..explain.stance import FeatureStanceModel, _default_embed, decide

    gold = [r["Stance"] for r in data.rows]
    heads, bodies = data.headlines, data.body_texts
    cache = _EmbedCache(_default_embed)
    pred = [""] * len(gold)
    splitter = GroupKFold(n_splits=folds)
    for k, (tr, te) in enumerate(splitter.split(heads, gold, groups=data.body_ids)):
        model = FeatureStanceModel.fit_vocabulary([heads[i] for i in tr], [bodies[i] for i in tr], embed=cache)
        X = model.features(heads, bodies)  # one pass over all pairs with this fold's vocabulary
        model.fit(X[tr], [gold[i] for i in tr])
        for i, c in zip(te, decide(model.proba_from_features(X[te]))):
            pred[i] = LABELS[c]
        if progress:
            progress(k + 1, folds)
    return report(gold, pred)


class _EmbedCache:
    """Memoises an embedding function by text, so that folds embed each sentence once."""

    def __init__(self, embed):
        self._embed = embed
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for t, v in zip(todo, self._embed(todo)):
                self._cache[t] = v
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def train_final(data: StanceData, path: Path) -> None:
    """Train on all labelled pairs in ``data`` and save the model to ``path``."""
    from ..explain.stance import FeatureStanceModel

    model = FeatureStanceModel.train(data.headlines, data.body_texts, [r["Stance"] for r in data.rows])
    model.save(path)
