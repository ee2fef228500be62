"""storyline: follow news stories across sources and years."""

from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "open"]


def open(path: str | None = None, config=None):  # noqa: A001 - mirrors sqlite3.connect / builtins.open
    """Open (or create) a storyline corpus: a SQLite file at ``path``, or a ``postgresql://`` URL.

    ``config`` (a :class:`storyline.config.StorylineConfig`, or the path of a TOML file) sets the
    analysis, linking and explanations; without it the configuration the store recorded is used,
    or the defaults for a new store.
    """
    from .config import StorylineConfig
    from .corpus import Corpus

    if config is not None and not isinstance(config, StorylineConfig):
        config = StorylineConfig.from_toml(config)
    return Corpus(path, config)
