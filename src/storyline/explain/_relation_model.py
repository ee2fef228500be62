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

from ..errors import StorylineError

if TYPE_CHECKING:  # pragma: no cover
    from .corrections import ClaimPair, Verdict

MODEL_PATH = Path(__file__).resolve().parent.parent / "resources" / "corrections" / "pair_model.json"
_LEGAL = re.compile(
    r"\b(?:charg(?:e|ed|es|ing)|trial|accus(?:e|ed|es|ing|ation|ations)|prosecut\w*|defen[cs]e|lawsuits?|sued|"
    r"plead\w*|guilty|alleg\w*|court|judge|jury|verdict|convict\w*|acquit\w*)\b",
    re.I,
)
RULE_LABELS = ("corrects", "contradicts", "competing_account", "updates", "supports")
#: The later text says an earlier figure or account was an estimate that proved wrong.
_REVISES = re.compile(
    r"\b(?:(?:initial(?:ly)?|original(?:ly)?|previous(?:ly)?|earlier|first) (?:estimated?s?|reported|thought|said|figures?|put|pegged)|"
    r"than (?:first |previously |originally |initially )?(?:thought|estimated|reported|feared|believed)|"
    r"(?:previous|earlier|initial|original|first) (?:estimates?|figures?|tolls?|reports?)|in reality|only suspected|"
    r"turned out|actual(?:ly)?|revis\w+|rais(?:ed|ing) (?:its|their|the) (?:\w+ )?estimate)\b",
    re.I,
)
#: Words that make a count a different measure: confirmed against suspected, one country against the world.
_CONFIRMED = re.compile(r"\b(?:confirmed|laboratory|lab-confirmed)\b", re.I)
_SUSPECTED = re.compile(r"\b(?:suspected|probable|possible|thought to|may have|feared)\b", re.I)
_WORLD = re.compile(r"\b(?:worldwide|globally|global|countries|world)\b", re.I)

FEATURES: tuple[str, ...] = (
    "similarity", "overlap", "shared_entities", "time_link", "back_reference",
    "later_debunk", "later_revision", "later_weak", "later_denial", "earlier_denial", "denier_named",
    "polarity_differs", "later_negative", "legal", "same_measure", "figure_down", "figure_up",
    "fate_both", "attributed_earlier", "attributed_later", "same_speaker", "other_source", "log_days",
    "later_revises", "toll_down", "toll_up", "log_ratio", "confirmed_differs", "suspected_differs", "scope_differs",
    "later_new_figure", "earlier_repeated", "revises_with_new_figure",
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


def _tolls(p: "ClaimPair") -> tuple[bool, bool, float]:
    """Over figures of one cumulative kind (deaths, injured, …): (one went down, one went up, the largest |log ratio|)."""
    from ._claim_lexicon import CUMULATIVE

    down = up = False
    ratio = 0.0
    for fe in p.earlier.figures:
        for fl in p.later.figures:
            if fe.kind != fl.kind or fe.kind not in CUMULATIVE or fe.vague or fl.vague or fe.value <= 0 or fl.value <= 0:
                continue
            if any(x.kind == fl.kind and x.value == fl.value for x in p.earlier.figures):
                continue  # the later figure was already in the earlier claim
            down |= fl.value < fe.value
            up |= fl.value > fe.value
            ratio = max(ratio, abs(math.log(fl.value / fe.value)))
    return down, up, min(ratio, 3.0) / 3


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.02 * max(abs(a), abs(b))


def _new_and_repeated(p: "ClaimPair") -> tuple[bool, bool]:
    """(the later claim has a figure of a kind the earlier one counts, with a value the earlier does not give;
    every figure of the earlier claim of a kind both count is repeated in the later one)."""
    e = [f for f in p.earlier.figures if not f.vague]
    l = [f for f in p.later.figures if not f.vague]
    kinds = {f.kind for f in e} & {f.kind for f in l}
    new = any(f.kind in kinds and not any(_close(f.value, x.value) for x in e if x.kind == f.kind) for f in l)
    shared = [f for f in e if f.kind in kinds]
    repeated = bool(shared) and all(any(_close(f.value, x.value) for x in l if x.kind == f.kind) for f in shared)
    return new, repeated


def _differs(pattern: re.Pattern[str], a: str, b: str) -> float:
    return float(bool(pattern.search(a)) != bool(pattern.search(b)))


def pair_features(p: "ClaimPair", rule: "Verdict | None") -> list[float]:
    """The feature vector of one pair, in :data:`FEATURES` order."""
    e, l = p.earlier, p.later
    same, down, up = _measures(p)
    new_rep = _new_and_repeated(p)
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
        float(bool(_REVISES.search(l.claim.text))),
        *(float(x) for x in _tolls(p)),
        _differs(_CONFIRMED, e.claim.text, l.claim.text),
        _differs(_SUSPECTED, e.claim.text, l.claim.text),
        _differs(_WORLD, e.claim.text, l.claim.text),
        *(float(x) for x in new_rep),
        float(bool(_REVISES.search(l.claim.text)) and new_rep[0] and not new_rep[1]),
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
            raise StorylineError(f"{where}: not a pair model ({exc!r})") from exc
        if names != FEATURES:
            missing = sorted(set(FEATURES) ^ set(names))
            raise StorylineError(f"{where}: its features do not match this version's ({', '.join(missing) or 'order'})")
        return model

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> PairModel:
    """The shipped (or given) pair model; a missing or malformed file is a :class:`StorylineError` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StorylineError(f"{path}: cannot read the pair model ({exc})") from exc
    return PairModel.from_json(data, str(path))


def feature_matrix(pairs: Sequence["ClaimPair"], rules: Sequence["Verdict | None"]) -> np.ndarray:
    return np.array([pair_features(p, r) for p, r in zip(pairs, rules)], dtype=float).reshape(len(pairs), len(FEATURES))

