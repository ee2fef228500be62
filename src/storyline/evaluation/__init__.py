"""Evaluation commands: score storyline on public benchmark data."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data(*parts: str) -> Path:
    """A benchmark folder: ``$STORYLINE_SHARED/data/...``, by default ``../shared/data/...`` from the working folder."""
    return Path(os.environ.get("STORYLINE_SHARED", "../shared")).joinpath("data", *parts)


def f_measure(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
