"""Stance of a news body towards a headline's claim: agree, disagree, discuss, unrelated.

The labels and task are those of the Fake News Challenge (FNC-1). Without a
natural-language-inference model, stance is read from relatedness (TF-IDF and
embedding similarity of the headline to the body's best-matching sentences)
and from cue words near those sentences (hoax, denied, reportedly, confirmed);
a small gradient-boosted classifier trained on FNC-1 development pairs weighs
them (see ``docs/benchmarks/stance.md``).

Anything that maps pairs to class probabilities can stand in for it: the
:class:`StanceScorer` protocol is the one slot where an entailment model
would plug in.
"""

from __future__ import annotations

import pickle
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from ..errors import InputError

LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED: frozenset[str] = frozenset({"agree", "disagree", "discuss"})
MODEL_FILE = "model.pkl"


class StanceScorer(Protocol):
    """Anything that scores (headline, body) pairs: rows of probabilities over :data:`LABELS`."""

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> np.ndarray: ...


def _default_embed(texts: list[str]) -> np.ndarray:
    from ..embed import embed

    return embed(texts)


class FeatureStanceModel:
    """Cue and similarity features (``_stance_features``) fed to a scikit-learn classifier."""

    def __init__(self, vectorizer, classifier, embed: Callable[[list[str]], np.ndarray] | None = None):
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.embed = embed or _default_embed

    @classmethod
    def fit_vocabulary(
        cls, headlines: Sequence[str], bodies: Sequence[str], embed: Callable[[list[str]], np.ndarray] | None = None
    ) -> "FeatureStanceModel":
        """A model whose TF-IDF vocabulary is fitted on these texts and whose classifier is not yet trained."""
        from ._stance_features import new_vectorizer

        vectorizer = new_vectorizer().fit(list(dict.fromkeys(headlines)) + list(dict.fromkeys(bodies)))
        return cls(vectorizer, _new_classifier(), embed)

    def fit(self, X: np.ndarray, labels: Sequence[str]) -> "FeatureStanceModel":
        """Train the classifier on features ``X`` (from :meth:`features`) with gold ``labels``."""
        from threadpoolctl import threadpool_limits

        y = np.array([LABELS.index(label) for label in labels])
        with threadpool_limits(1):  # small data: threads only contend on a busy machine
            self.classifier.fit(X, y, sample_weight=_class_weights(y)[y])
        return self

    @classmethod
    def train(
        cls,
        headlines: Sequence[str],
        bodies: Sequence[str],
        labels: Sequence[str],
        embed: Callable[[list[str]], np.ndarray] | None = None,
    ) -> "FeatureStanceModel":
        """Fit the TF-IDF vocabulary and the classifier on labelled pairs."""
        model = cls.fit_vocabulary(headlines, bodies, embed)
        return model.fit(model.features(headlines, bodies), labels)

    def features(self, headlines: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        from ._stance_features import pair_features

        return pair_features(headlines, bodies, self.vectorizer, self.embed)

    def predict_proba(self, headlines: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        return self.proba_from_features(self.features(headlines, bodies))

    def proba_from_features(self, X: np.ndarray) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        out = np.zeros((len(X), len(LABELS)))
        with threadpool_limits(1):
            out[:, self.classifier.classes_] = self.classifier.predict_proba(X)
        return out

    def __getstate__(self) -> dict:
        return {"vectorizer": self.vectorizer, "classifier": self.classifier}

    def __setstate__(self, state: dict) -> None:
        self.vectorizer = state["vectorizer"]
        self.classifier = state["classifier"]
        self.embed = _default_embed

    def save(self, path: Path) -> None:
        import sklearn

        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            pickle.dump({"sklearn": sklearn.__version__, "labels": LABELS, "model": self}, fh, protocol=5)


def _new_classifier():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=250, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0, random_state=0
    )


def _class_weights(y: np.ndarray) -> np.ndarray:
    """Per-class sample weights: the square root of inverse frequency, so rare ``disagree`` counts."""
    counts = np.bincount(y, minlength=len(LABELS)).astype(float)
    w = np.sqrt(counts.max() / np.maximum(counts, 1.0))
    return w


#: Modules renamed since a model was saved: the pickle names the old module, the class lives in the new one.
_MOVED_MODULES = {"storyline.explain._text": "storyline.explain.text"}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        return super().find_class(_MOVED_MODULES.get(module, module), name)


def load_model(path: Path | None = None) -> FeatureStanceModel:
    """The shipped model (``storyline/resources/stance/model.pkl``) or one saved with ``save``."""
    import sklearn

    source = path or resources.files("storyline") / "resources" / "stance" / MODEL_FILE
    try:
        with source.open("rb") as fh:
            bundle = _Unpickler(fh).load()
    except (OSError, pickle.UnpicklingError, AttributeError, ModuleNotFoundError) as exc:
        raise InputError(str(source), f"cannot load the stance model ({exc}); retrain with `storyline eval stance --save`") from exc
    if bundle.get("sklearn") != sklearn.__version__:
        import warnings

        warnings.warn(f"stance model was saved with scikit-learn {bundle.get('sklearn')}, running {sklearn.__version__}", stacklevel=2)
    return bundle["model"]


@lru_cache(maxsize=1)
def _shipped_model() -> FeatureStanceModel:
    return load_model()


def decide(proba: np.ndarray) -> np.ndarray:
    """Label indices that maximise the expected FNC-1 score under ``proba``.

    Calling a pair related earns 0.25 whenever it is related and 0.75 more for
    the exact class; calling it unrelated earns 0.25 only when it is. So a
    related class wins over ``unrelated`` already at a modest probability.
    """
    rel_idx = [LABELS.index(label) for label in LABELS if label in RELATED]
    unrel = LABELS.index("unrelated")
    p_related = proba[:, rel_idx].sum(1)
    best_rel = np.array(rel_idx)[proba[:, rel_idx].argmax(1)]
    gain_rel = 0.25 * p_related + 0.75 * proba[np.arange(len(proba)), best_rel]
    gain_unrel = 0.25 * proba[:, unrel]
    return np.where(gain_rel > gain_unrel, best_rel, unrel)


def predict_stances(
    headlines: Sequence[str], bodies: Sequence[str], scorer: StanceScorer | None = None
) -> list[tuple[str, float]]:
    """``(label, probability)`` for each aligned (headline, body) pair."""
    if len(headlines) != len(bodies):
        raise ValueError(f"{len(headlines)} headlines but {len(bodies)} bodies")
    if not headlines:
        return []
    proba = (scorer or _shipped_model()).predict_proba(list(headlines), list(bodies))
    chosen = decide(proba)
    return [(LABELS[c], float(proba[i, c])) for i, c in enumerate(chosen)]


def predict_stance(headline: str, body: str, scorer: StanceScorer | None = None) -> tuple[str, float]:
    """The stance of ``body`` towards ``headline`` and its probability."""
    return predict_stances([headline], [body], scorer)[0]
