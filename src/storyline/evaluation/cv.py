"""Cross-validation by group: folds by document, topic or collection, and choices made on the training folds only.

``group_folds`` keeps every item of one group (a document, a MEANTIME topic, a Timeline17 collection) in
one fold; ``choose`` picks, on each fold's training part, the candidate (a threshold, a rule set) with
the best score and scores it on the held-out part, so the reported figure never saw the data it is
measured on. With ``k=None`` the folds are leave-one-group-out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
C = TypeVar("C")


def group_folds(groups: Sequence[Hashable], k: int | None = None) -> list[tuple[list[int], list[int]]]:
    """(train indices, held-out indices) per fold; groups in sorted order, dealt round-robin into ``k`` folds."""
    names = sorted(set(groups), key=str)
    n = len(names) if k is None else k
    if n < 2 or n > len(names):
        raise ValueError(f"need 2 to {len(names)} folds for {len(names)} groups, not {n}")
    fold_of = {g: i % n for i, g in enumerate(names)}
    return [
        ([i for i, g in enumerate(groups) if fold_of[g] != f], [i for i, g in enumerate(groups) if fold_of[g] == f])
        for f in range(n)
    ]


@dataclass
class Choice(Generic[C]):
    """What cross-validation chose per fold and the mean held-out score of those choices."""

    chosen: list[C]
    held_out: list[float]

    @property
    def score(self) -> float:
        return sum(self.held_out) / len(self.held_out) if self.held_out else 0.0


def choose(
    candidates: Sequence[C],
    items: Sequence[T],
    groups: Sequence[Hashable],
    score: Callable[[C, list[T]], float],
    k: int | None = None,
) -> Choice[C]:
    """For each fold, the candidate best on the training part (first on ties) and its held-out score."""
    chosen: list[C] = []
    held: list[float] = []
    for train, test in group_folds(groups, k):
        tr = [items[i] for i in train]
        best = max(candidates, key=lambda c: score(c, tr))
        chosen.append(best)
        held.append(score(best, [items[i] for i in test]))
    return Choice(chosen, held)
