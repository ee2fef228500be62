"""Evaluation commands: score storyline on public benchmark data."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data(*parts: str) -> Path:
    """A benchmark folder: ``$STORYLINE_SHARED/data/...``, by default ``../shared/data/...`` from the working folder."""
    return Path(os.environ.get("STORYLINE_SHARED", "../shared")).joinpath("data", *parts)
