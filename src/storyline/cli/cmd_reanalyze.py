"""``storyline reanalyze``: recompute the stored claims and claim relations after a rule or model change."""

from __future__ import annotations

from typing import Optional

import typer

from ._common import DB_OPTION, console, open_corpus


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("reanalyze")
    def reanalyze_cmd(
        db: Optional[str] = DB_OPTION,
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ) -> None:
        """Extract every stored article's claims again and relate them anew, in arrival order (one transaction per batch)."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from ..explain.corrections import reanalyze, scorer_named

        corpus = open_corpus(db)
        try:
            columns = [TextColumn("[bold]reanalyze"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
            with Progress(*columns, console=console, disable=quiet, transient=True) as progress:
                task = progress.add_task("", total=corpus.store.link_count())
                done = reanalyze(
                    corpus.store,
                    on_article=lambda n, total: progress.update(task, completed=n, total=total),
                    scorer=scorer_named(corpus.config.explain.relations),
                )
        finally:
            corpus.close()
        typer.echo(f"{done} articles reanalysed")
