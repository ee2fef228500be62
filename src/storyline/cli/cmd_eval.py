"""``storyline eval entities``, ``storyline eval stress``, ``storyline eval corrections-pairs``, ``storyline eval all`` and ``storyline eval gate`` (the regression gate)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ._common import JSON_OPTION, fail, print_json, usage_error

FLOORS = Path("benchmarks") / "floors.json"


def _run(names: list[str], fast: bool, as_json: bool) -> list:
    from ..errors import StorylineError
    from ..evaluation.benchmarks import run
    from ..evaluation.harness import format_report

    results = []
    for name in names:
        try:
            result = run(name, fast=fast)
        except (StorylineError, OSError) as exc:
            fail(f"{name}: {exc}")
        results.append(result)
        if not as_json:
            typer.echo(format_report(result))
    if as_json:
        print_json([r.to_dict() for r in results] if len(results) != 1 else results[0].to_dict())
    return results


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @eval_app.command("entities")
    def eval_entities(as_json: bool = JSON_OPTION) -> None:
        """Cross-document entity coreference on MEANTIME's named mentions: B³, MUC, CEAFe, CoNLL F1, beside exact string."""
        _run(["entities"], fast=False, as_json=as_json)

    @eval_app.command("stress")
    def eval_stress(as_json: bool = JSON_OPTION) -> None:
        """Stories that must stay apart, beside those that must hold: CV-chosen settings, defaults, words-only linker."""
        results = _run(["stress"], fast=False, as_json=as_json)
        if not as_json:
            details = results[0].details
            typer.echo(f"defaults: {details['defaults']}")
            typer.echo(f"chosen on the training folds ({details['folds']} folds): {details['chosen']}")

    @eval_app.command("corrections-pairs")
    def eval_correction_pairs(as_json: bool = JSON_OPTION) -> None:
        """Reported corrections and contradictions on the hand-labelled Timeline17 claim pairs, leave-one-story-out."""
        _run(["corrections-pairs"], fast=False, as_json=as_json)

    @eval_app.command("all")
    def eval_all(
        fast: bool = typer.Option(False, "--fast", help="Only the benchmarks that fit in CI's time, on their fixed subsets."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Run every registered benchmark (one report each; --json: one list)."""
        from ..evaluation.benchmarks import registry

        _run([b.name for b in registry().values() if b.fast or not fast], fast=fast, as_json=as_json)

    @eval_app.command("gate")
    def eval_gate(
        floors: Path = typer.Option(FLOORS, "--floors", help="The floors file."),
        only: Optional[list[str]] = typer.Option(None, "--only", help="Check only this benchmark (repeatable)."),
        lower: Optional[str] = typer.Option(
            None, "--lower", help="Lower one floor instead of checking: BENCHMARK.FIGURE=VALUE (needs --reason)."
        ),
        reason: str = typer.Option("", "--reason", help="Why a floor is lowered (kept in the floors file)."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Run the fast evaluations and exit 1 when a figure falls below its floor in benchmarks/floors.json."""
        from ..errors import StorylineError
        from ..evaluation.benchmarks import registry
        from ..evaluation.harness import check_floors, load_floors, lower_floor

        try:
            table = load_floors(floors)
        except StorylineError as exc:
            fail(str(exc))
        if lower is not None:
            target, sep, value = lower.partition("=")
            bench, dot, figure = target.partition(".")
            if not sep or not dot:
                usage_error(f"--lower {lower!r}: expected BENCHMARK.FIGURE=VALUE")
            if not reason.strip():
                usage_error("--lower needs --reason")
            try:
                new = lower_floor(table, bench, figure, float(value), reason)
            except ValueError:
                usage_error(f"--lower {lower!r}: {value!r} is not a number")
            except StorylineError as exc:
                fail(str(exc))
            floors.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
            typer.echo(f"{bench}.{figure} lowered to {value} in {floors}")
            return
        known = registry()
        names = list(only) if only else [n for n in table["benchmarks"] if n in known and known[n].fast]
        unknown = [n for n in names if n not in known]
        if unknown:
            usage_error(f"--only {unknown[0]!r}: no such benchmark ({', '.join(known)})")
        results = _run(names, fast=True, as_json=as_json)
        breaches = check_floors(results, table)
        for b in breaches:
            typer.echo(f"FAIL {b}", err=True)
        if breaches:
            raise typer.Exit(1)
        if not as_json:
            typer.echo(f"gate passed: {len(names)} benchmarks at or above their floors in {floors}")
