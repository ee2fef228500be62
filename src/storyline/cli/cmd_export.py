"""``storyline export TABLE [ID]``: take the data away as JSON lines, CSV or Parquet."""

from __future__ import annotations

from typing import Optional

import typer

from ._common import DB_OPTION, fail, usage_error


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("export")
    def export_cmd(
        table: str = typer.Argument(..., help="articles, stories, events, quotes, entities, timeline or corrections."),
        story_id: Optional[str] = typer.Argument(None, help="Only this thread (or event) [default: the whole store]."),
        fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or parquet."),
        out: str = typer.Option(..., "--out", "-o", help="The file to write."),
        db: Optional[str] = DB_OPTION,
    ) -> None:
        """Write one table of the store (typed columns, spans as start/end) to a file; see docs/formats.md."""
        from ..errors import StorylineError
        from ..store import Store
        from ..views.export import FORMATS, TABLES, ExportError, write

        if table not in TABLES:
            usage_error(f"unknown table {table!r}; choose from {', '.join(TABLES)}")
        if fmt not in FORMATS:
            usage_error(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        try:
            with Store(db) as store:
                n = write(store, table, out, fmt, story_id)
        except (ExportError, StorylineError) as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{out}: cannot write: {exc.strerror or exc}")
        typer.echo(f"wrote {n} {table} rows to {out}", err=True)
