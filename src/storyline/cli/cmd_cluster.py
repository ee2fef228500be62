"""``storyline cluster`` (link a JSONL stream into events and threads) and ``storyline eval clustering``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ._common import stdout_console

from ..evaluation import shared_data


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("cluster")
    def cluster(
        infile: Path = typer.Argument(..., help="JSONL: id, title, text, published or time, optional entities, source."),
        out: Path | None = typer.Option(None, "--out", help="Write the JSONL here instead of stdout."),
    ) -> None:
        """Cluster articles into events and threads, online in date order (an in-memory store)."""
        from storyline.link.cli_support import cluster_file

        lines = cluster_file(infile)
        if out is None:
            for line in lines:
                sys.stdout.write(line + "\n")
        else:
            out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    @eval_app.command("clustering")
    def eval_clustering(
        data: Path = typer.Option(shared_data(), "--data", help="The shared benchmark data folder."),
        out: Path | None = typer.Option(None, "--out", help="Also write the scores as JSON here."),
    ) -> None:
        """B-cubed and V-measure on ECB+ (events), Timeline17 and MEANTIME (threads), beside HDBSCAN and TF-IDF peers."""
        from rich.console import Console
        from rich.table import Table

        from storyline.evaluation.clustering import evaluate

        console = Console(stderr=True)
        results = evaluate(data, progress=lambda msg: console.log(msg))
        table = Table(title="Story clustering (B-cubed, V-measure)")
        for col in ("corpus", "method", "P", "R", "F1", "V", "clusters", "gold", "s"):
            table.add_column(col, justify="left" if col in ("corpus", "method") else "right")
        for corpus, methods in results.items():
            for name, m in methods.items():
                table.add_row(
                    corpus, name, f"{m['bcubed_p']:.4f}", f"{m['bcubed_r']:.4f}", f"{m['bcubed_f1']:.4f}",
                    f"{m['v_measure']:.4f}", str(m["clusters"]), str(m["gold_clusters"]), f"{m['seconds']:.1f}",
                )
        stdout_console().print(table)
        if out is not None:
            out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @eval_app.command("event-pairs")
    def eval_event_pairs(
        data: Path = typer.Option(shared_data(), "--data", help="The shared benchmark data folder."),
        out: Path | None = typer.Option(None, "--out", help="Also write the report as JSON here."),
    ) -> None:
        """How well the event-level features tell the two events of each ECB+ topic apart, pair by pair."""
        import dataclasses

        import numpy as np
        from rich.console import Console
        from rich.table import Table

        from storyline.evaluation.clustering import embed_docs, load_ecbplus
        from storyline.evaluation.event_pairs import FEATURES, pair_report
        from storyline.link import LinkConfig

        console = Console(stderr=True)
        docs = load_ecbplus(data)
        report = pair_report(docs, embed_docs(docs, lambda msg: console.log(msg)))
        con = stdout_console()
        con.print(f"ECB+ document pairs within a topic: {report.pairs} ({report.same_share:.0%} of the same event)")
        table = Table()
        table.add_column("feature")
        table.add_column("AUC", justify="right")
        for name in FEATURES:
            table.add_row(name, f"{report.auc[name]:.4f}")
        con.print(table)
        first = np.asarray(report.first_reports)
        con.print(
            f"first report of a topic's second event, best blended score against the first event: "
            f"n={len(first)}, min {first.min():.3f}, median {np.median(first):.3f}, max {first.max():.3f}"
        )
        steps = Table(title="one joining threshold for all: what it gets wrong")
        for col in ("threshold", "first reports joining the other event", "later reports not reaching their own"):
            steps.add_column(col, justify="right")
        default = LinkConfig().event.threshold
        for t in sorted({0.35, 0.4, default, 0.5, 0.55, 0.6}):
            wrong_join, missed = report.crossing(t)
            steps.add_row(f"{t:.2f}" + (" (default)" if t == default else ""), f"{wrong_join:.1%}", f"{missed:.1%}")
        con.print(steps)
        if out is not None:
            out.write_text(json.dumps(dataclasses.asdict(report), indent=2) + "\n", encoding="utf-8")
