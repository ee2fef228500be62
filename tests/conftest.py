from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STORYLINE_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only benchmark and seed data beside the checkout."""
    if not (SHARED / "seeds").is_dir():
        pytest.fail(f"shared data not found at {SHARED}: clone the project beside ../shared or set STORYLINE_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared: Path) -> Path:
    return shared / "seeds"
