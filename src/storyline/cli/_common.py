"""Shared CLI helpers: the store option, JSON output, error reporting."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from ..errors import StorylineError

console = Console(stderr=True)

DB_OPTION = typer.Option(None, "--db", envvar="STORYLINE_DB", help="Store file [default: ./storyline.db].")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def fail(message: str, code: int = 1) -> None:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def open_corpus(db: str | None):
    from ..corpus import Corpus

    try:
        return Corpus(db)
    except StorylineError as exc:
        fail(str(exc))


def stdout_console() -> Console:
    """A console for tables on stdout; wide when piped, so that ids are never cut."""
    return Console() if sys.stdout.isatty() else Console(width=160)
