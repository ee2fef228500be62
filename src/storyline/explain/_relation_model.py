"""The learned pair model's features and weights: does a candidate pair show coverage that was wrong?

Features are read off the pair (cue words, negation and denial, figures of one measure that changed,
fates, legal wording, sentence similarity, shared entities, source difference, time gap) and off the
rules' verdict. The model is a logistic regression trained on the hand-labelled Timeline17 pairs
(``storyline.evaluation.correction_pairs``); its weights ship as JSON in
``storyline/resources/corrections/pair_model.json`` and scoring needs numpy only.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .corrections import ClaimPair, Verdict

MODEL_PATH = Path(__file__).resolve().parent.parent / "resources" / "corrections" / "pair_model.json"
_LEGAL = re.compile(
    r"\b(?:charg(?:e|ed|es|ing)|trial|accus(?:e|ed|es|ing|ation|ations)|prosecut\w*|defen[cs]e|lawsuits?|sued|"
    r"plead\w*|guilty|alleg\w*|court|judge|jury|verdict|convict\w*|acquit\w*)\b",
    re.I,
)
RULE_LABELS = ("corrects", "contradicts", "competing_account", "updates", "supports")

FEATURES: tuple[str, ...] = (
    "similarity", "overlap", "shared_entities", "time_link", "back_reference",
    "later_debunk", "later_revision", "later_weak", "later_denial", "earlier_denial", "denier_named",
    "polarity_differs", "later_negative", "legal", "same_measure", "figure_down", "figure_up",
    "fate_both", "attributed_earlier", "attributed_later", "same_speaker", "other_source", "log_days",
    *(f"rule_{x}" for x in RULE_LABELS), "rule_none",
)  # fmt: skip


def _days(a: str | None, b: str | None) -> float:
    try:
        return abs((dt.date.fromisoformat((b or "")[:10]) - dt.date.fromisoformat((a or "")[:10])).days)
    except ValueError:
        return 0.0


def _measures(p: "ClaimPair") -> tuple[bool, bool, bool]:
    """(a measure on both sides, one went down, one went up) over figures of one kind that are not repeated."""
    e, l = p.earlier.figures, p.later.figures
    same = down = up = False
    for fe in e:
        for fl in l:
            if fe.kind != fl.kind or fe.kind == "count" or fe.vague or fl.vague:
                continue
            same = True
            if fl.value < fe.value and not any(x.value == fl.value for x in e):
                down = True
            if fl.value > fe.value and not any(x.value == fe.value for x in l):
                up = True
    return same, down, up


def pair_features(p: "ClaimPair", rule: "Verdict | None") -> list[float]:
    """The feature vector of one pair, in :data:`FEATURES` order."""
    e, l = p.earlier, p.later
    same, down, up = _measures(p)
    label = rule.label if rule else None
    return [
        p.similarity,
        p.overlap,
        min(len(p.shared), 3) / 3,
        float(p.time_link),
        float(l.back_reference),
        float(bool(l.debunk)),
        float(bool(l.revision)),
        float(bool(l.weak)),
        float(bool(l.denial)),
        float(bool(e.denial)),
        float(bool(l.denier)),
        float(e.claim.polarity != l.claim.polarity),
        float(l.claim.polarity == "negative"),
        float(bool(_LEGAL.search(e.claim.text) or _LEGAL.search(l.claim.text))),
        float(same),
        float(down),
        float(up),
        float(bool(e.fates and l.fates)),
        float(bool(e.claim.speaker)),
        float(bool(l.claim.speaker)),
        float(bool(e.claim.speaker and e.claim.speaker == l.claim.speaker)),
        float(bool(e.source and l.source and e.source != l.source)),
        math.log1p(_days(e.published, l.published)) / 5,
        *(float(label == x) for x in RULE_LABELS),
        float(label is None),
    ]


@dataclass(frozen=True)
class PairModel:
    """Logistic regression weights over :data:`FEATURES` and the probability at which a pair is reported."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    threshold: float
    meta: dict[str, Any]

    def probability(self, X: np.ndarray) -> np.ndarray:
        if X.size == 0:
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-(X @ self.weights + self.bias)))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": {f: round(float(w), 5) for f, w in zip(self.features, self.weights)},
            "bias": round(self.bias, 5),
            "threshold": round(self.threshold, 4),
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "pair model") -> "PairModel":
        try:
            names = tuple(data["features"])
            weights = np.array([float(data["weights"][f]) for f in names])
            model = cls(names, weights, float(data["bias"]), float(data["threshold"]), dict(data.get("meta", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: not a pair model ({exc!r})") from exc
        if names != FEATURES:
            missing = sorted(set(FEATURES) ^ set(names))
            raise ValueError(f"{where}: its features do not match this version's ({', '.join(missing) or 'order'})")
        return model

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> PairModel:
    """The shipped (or given) pair model; a missing or malformed file is a ``ValueError`` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the pair model ({exc})") from exc
    return PairModel.from_json(data, str(path))


def feature_matrix(pairs: Sequence["ClaimPair"], rules: Sequence["Verdict | None"]) -> np.ndarray:
    return np.array([pair_features(p, r) for p, r in zip(pairs, rules)], dtype=float).reshape(len(pairs), len(FEATURES))

