"""storyline: follow news stories across sources and years."""

from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "open"]


def open(path: str | None = None):  # noqa: A001 - mirrors sqlite3.connect / builtins.open
    """Open (or create) a storyline corpus backed by the SQLite file at ``path``."""
    from .corpus import Corpus

    return Corpus(path)
