"""``storyline eval dating``: the publication-date estimator on Timeline17 and MEANTIME, dates hidden."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ._common import print_json, stdout_console


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @eval_app.command("dating")
    def eval_dating(
        save: Optional[Path] = typer.Option(None, "--save", help="Write the parameters fitted on all articles here."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Share of articles dated within 7 days, 31 days and a year (leave-one-collection-out)."""
        from dataclasses import asdict

        from ..evaluation.dating import evaluate, save_params

        report = evaluate()
        if save:
            save_params(report["params"], save)
        if as_json:
            print_json({**report, "params": asdict(report["params"])})
            return
        from rich.table import Table

        table = Table(title="Publication dates estimated from the text (dates hidden; held-out collections)")
        for col in ("data", "articles", "estimated", "≤ 7 days", "≤ 31 days", "≤ 1 year"):
            table.add_column(col, justify="left" if col == "data" else "right")
        for name in ("timeline17", "meantime"):
            o = report[name]["overall"]
            table.add_row(
                name, str(o["articles"]),
                *(f"{100 * o[k]:.1f} %" for k in ("estimated", "within_7_days", "within_31_days", "within_a_year")),
            )
        stdout_console().print(table)
