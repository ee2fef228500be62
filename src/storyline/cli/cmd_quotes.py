"""``storyline eval quotes``: score quote attribution on PolNeAR."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..evaluation import shared_data

DEFAULT_DATA = shared_data("quotes", "polnear", "data")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @eval_app.command("quotes")
    def eval_quotes(
        split: str = typer.Option("dev", "--split", help="PolNeAR split: train, dev or test."),
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="PolNeAR data directory (holding the splits)."),
        limit: int = typer.Option(0, "--limit", help="Score only the first N documents (0: all)."),
        mode: str = typer.Option(
            "polnear", "--mode", help="find_quotes mode: polnear (every attribution) or news (who said what)."
        ),
    ) -> None:
        """Content P/R/F1, source accuracy and cue F1 of quote attribution on PolNeAR."""
        from storyline.evaluation.polnear import evaluate, format_report

        if mode not in ("polnear", "news"):
            raise typer.BadParameter("mode must be polnear or news", param_hint="--mode")
        result = evaluate(data, split, limit=limit or None, mode=mode)
        typer.echo(format_report(result))
        typer.echo(json.dumps(result, indent=2))
