"""``storyline timeml`` (tag TimeML files) and ``storyline eval timex`` (TempEval-3 scores)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ._common import fail, stdout_console
from ..evaluation import shared_data

DEFAULT_DATA = shared_data("timex", "tbaq")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("timeml")
    def timeml(
        in_dir: Path = typer.Argument(..., help="Folder of TimeML (.tml) files; their DCT and raw TEXT are read."),
        out_dir: Path = typer.Argument(..., help="Folder to write the files with storyline's TIMEX3 tags."),
    ) -> None:
        """Tag the time expressions of TimeML files, writing TempEval-3 readable TimeML."""
        from storyline.analyze.timex import find_timexes
        from storyline.errors import StorylineError
        from storyline.evaluation.timeml import annotate_directory

        try:
            n = annotate_directory(in_dir, out_dir, find_timexes)
        except StorylineError as exc:
            fail(str(exc))
        typer.echo(f"wrote {n} files to {out_dir}")

    @eval_app.command("timex")
    def eval_timex(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of gold TimeML files (sub-folders are corpora)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Also write the scores as JSON to this file."),
        errors: Optional[Path] = typer.Option(None, "--errors", help="Write every miss, spurious and wrong value as JSON."),
    ) -> None:
        """Extent, type and value P/R/F1 of time expressions, TempEval-3 style, overall and per corpus."""
        from rich.table import Table

        from storyline.analyze.timex import find_timexes
        from storyline.errors import StorylineError
        from storyline.evaluation.tempeval import evaluate_timex

        try:
            result = evaluate_timex(data, find_timexes)
        except StorylineError as exc:
            fail(str(exc))
        report = result.to_dict()
        table = Table(title=f"Time expressions on {data.name} ({result.documents} documents)")
        for col in ("corpus", "gold", "system", "measure", "P", "R", "F1"):
            table.add_column(col, justify="left" if col in ("corpus", "measure") else "right")
        rows = [("all", report["overall"])] + list(report["by_corpus"].items())
        for name, section in rows:
            for i, measure in enumerate(("strict", "relaxed", "type", "value")):
                s = section[measure]
                counts = section["counts"]
                table.add_row(
                    name if i == 0 else "",
                    str(counts["gold"]) if i == 0 else "",
                    str(counts["system"]) if i == 0 else "",
                    measure,
                    f"{s['precision']:.3f}",
                    f"{s['recall']:.3f}",
                    f"{s['f1']:.3f}",
                    end_section=i == 3,
                )
        stdout_console().print(table)
        if out:
            out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        if errors:
            errors.write_text(json.dumps(result.errors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
