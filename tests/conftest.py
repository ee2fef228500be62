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


def read_seed(seeds_dir: Path, name: str):
    """A seed article as the ingest reader makes it, with its publication date from ``gold.json``.

    The text is the whole file, so the gold offsets hold; the source is the file name.
    """
    import dataclasses
    import json

    from storyline.ingest import read
    from storyline.model import Article

    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    published = next(a["published"] for a in gold["articles"] if a["file"] == name)
    (article,) = read([seeds_dir / name])
    assert isinstance(article, Article), article
    return dataclasses.replace(article, published=published, source=name)


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the whole session (Debian's binaries, a Unix socket in a temporary folder)."""
    from pg_server import Server, binaries

    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; `make test` installs it)")
    server = Server()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STORYLINE_INDEX_DIR", str(server.root / "index"))  # the vector indexes of its stores
        yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_path(request, tmp_path) -> str:
    """A new, empty store of each backend: a SQLite file, or a database of its own on the test server."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    return request.getfixturevalue("pg_server").database()
