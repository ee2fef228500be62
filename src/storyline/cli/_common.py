"""Shared CLI helpers: the store option, JSON output, error reporting."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from ..errors import StorylineError

console = Console(stderr=True)

DB_OPTION = typer.Option(
    None, "--db", envvar="STORYLINE_DB", help="Store: a SQLite file or a postgresql:// URL [default: ./storyline.db]."
)
JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")
CONFIG_OPTION = typer.Option(
    None,
    "--config",
    envvar="STORYLINE_CONFIG",
    help="TOML file of settings (see `storyline config`) [default: what the store recorded, else the defaults].",
)
#: ``pipeline.attributions`` of the configuration
ATTRIBUTIONS_OPTION = typer.Option(
    None,
    "--attributions",
    help="quotes: who said or thought what (reporting cues, with a source); "
    "all: every attribution, also beliefs, intentions and actions, as PolNeAR annotates them.",
)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


#: exit status of a command given bad input (a missing story, an unreadable file, a malformed record);
#: wrong usage (unknown options, conflicting arguments) exits with 2, as the option parser does
BAD_INPUT = 1
USAGE = 2


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Print one ``error:`` line (user text is never read as markup) and exit with ``code``."""
    console.print(Text.assemble(("error:", "red"), " ", str(message)), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def usage_error(message: str) -> NoReturn:
    """Wrong use of a command: one line, exit status 2."""
    fail(message, USAGE)


def open_corpus(db: str | None, config: str | None = None, **pipeline_overrides: Any):
    """The corpus at ``db`` with the configuration of ``--config`` and the pipeline flags given."""
    from dataclasses import replace

    from ..config import StorylineConfig
    from ..corpus import Corpus

    try:
        chosen = StorylineConfig.from_toml(config) if config else None
        corpus = Corpus(db, chosen)
        given = {k: v for k, v in pipeline_overrides.items() if v is not None}
        if given:
            merged = {**corpus.config.to_dict()["pipeline"], **given}
            corpus.config = replace(corpus.config, pipeline=StorylineConfig.from_mapping({"pipeline": merged}).pipeline)
        return corpus
    except StorylineError as exc:
        fail(str(exc))


def stdout_console() -> Console:
    """A console for tables on stdout; wide when piped, so that ids are never cut."""
    return Console() if sys.stdout.isatty() else Console(width=160)
