"""``storyline eval quotes``: score quote attribution on PolNeAR."""

from __future__ import annotations

import json
from pathlib import Path

import typer

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "quotes" / "polnear" / "data"


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @eval_app.command("quotes")
    def eval_quotes(
        split: str = typer.Option("dev", "--split", help="PolNeAR split: train, dev or test."),
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="PolNeAR data directory (holding the splits)."),
        limit: int = typer.Option(0, "--limit", help="Score only the first N documents (0: all)."),
    ) -> None:
        """Content P/R/F1, source accuracy and cue F1 of quote attribution on PolNeAR."""
        from storyline.evaluation.polnear import evaluate, format_report

        result = evaluate(data, split, limit=limit or None)
        typer.echo(format_report(result))
        typer.echo(json.dumps(result, indent=2))
