"""``storyline extract`` (main text of one input), ``storyline eval extraction`` and ``eval metadata`` (fundus-eval scores)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ._common import console, fail, print_json, stdout_console
from ..evaluation import shared_data

DEFAULT_EXTRACTION_DATA = shared_data("extraction", "fundus-eval")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        source: str = typer.Argument(..., help="An HTML page, text, JSON Lines, WARC or feed file, or a URL."),
        as_json: bool = typer.Option(False, "--json", help="Print each article as JSON (one object a line)."),
        allow_private: bool = typer.Option(False, "--allow-private", help="Allow URLs on private/loopback addresses."),
    ) -> None:
        """Print the main text of a page (or of every article in the input)."""
        from storyline.ingest import Failure, read
        from storyline.model import to_dict

        articles = 0
        for item in read([source], allow_private=allow_private):
            if isinstance(item, Failure):
                console.print(f"[red]error:[/red] {item}", highlight=False)
                continue
            if as_json:
                sys.stdout.write(json.dumps(to_dict(item), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(("\n\n" if articles else "") + item.text + "\n")
            articles += 1
        if not articles:
            raise typer.Exit(1)

    @eval_app.command("extraction")
    def eval_extraction(
        data: Path = typer.Option(DEFAULT_EXTRACTION_DATA, "--data", help="The fundus-eval folder (holding dataset/)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Also write all scores as JSON to this file."),
        favor: str = typer.Option("balanced", "--favor", help="trafilatura bias: balanced, precision or recall."),
        tables: Optional[bool] = typer.Option(None, "--tables/--no-tables", help="Keep table text (default: as configured)."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON instead of a table."),
    ) -> None:
        """Main-text extraction on the 80 fundus-eval news pages: ROUGE-LSum per publisher and mean."""
        from storyline.evaluation.extraction import evaluate, render

        if favor not in ("balanced", "precision", "recall"):
            fail(f"--favor must be balanced, precision or recall, not {favor!r}")
        if not (data / "dataset" / "ground_truth.json").is_file() and not (data / "ground_truth.json").is_file():
            fail(f"{data}: no fundus-eval data here (expected dataset/ground_truth.json); pass --data")
        options: dict[str, bool] = {"favor_precision": favor == "precision", "favor_recall": favor == "recall"}
        if tables is not None:
            options["include_tables"] = tables
        report = evaluate(data, options)
        summary = report.to_dict()
        if as_json:
            print_json({k: v for k, v in summary.items() if k != "pages"})
        else:
            stdout_console().print(render(report))
        if out:
            out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @eval_app.command("metadata")
    def eval_metadata(
        data: Path = typer.Option(DEFAULT_EXTRACTION_DATA, "--data", help="The fundus-eval folder (holding dataset/)."),
        as_json: bool = typer.Option(False, "--json", help="Print the scores (and the pages missed) as JSON."),
    ) -> None:
        """Title, date-time, authors and language on the 80 fundus-eval pages, with trafilatura's as the peer."""
        from storyline.evaluation.metadata import evaluate, render

        if not (data / "dataset" / "html").is_dir() and not (data / "html").is_dir():
            fail(f"{data}: no fundus-eval pages here (expected dataset/html/); pass --data")
        report = evaluate(data)
        if as_json:
            print_json(report.to_dict())
        else:
            stdout_console().print(render(report))
