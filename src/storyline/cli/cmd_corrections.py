"""``storyline corrections``: claims that later coverage corrects, contradicts or updates."""

from __future__ import annotations

from typing import Optional

import typer

from ._common import DB_OPTION, JSON_OPTION, fail, open_corpus, print_json, stdout_console

_LABEL_STYLE = {
    "corrects": "bold red", "contradicts": "yellow", "competing_account": "magenta", "updates": "cyan", "supports": "green",
}  # fmt: skip


def _clip(text: str, width: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    @app.command("corrections")
    def corrections_cmd(
        thread: Optional[str] = typer.Argument(None, help="Thread (or event) id (default: every thread)."),
        db: Optional[str] = DB_OPTION,
        as_json: bool = JSON_OPTION,
        label: Optional[list[str]] = typer.Option(
            None, "--label", "-l", help="Keep this label (repeatable; default: corrects, contradicts, competing_account, updates)."
        ),
        all_labels: bool = typer.Option(False, "--all", help="Also list claims that later articles support."),
    ) -> None:
        """Claims of a story that later articles correct, contradict, update (or support), with both evidence spans."""
        from ..explain.corrections import CHANGE_LABELS, PRIORITY, corrections

        labels = set(label) if label else set(PRIORITY) if all_labels else set(CHANGE_LABELS)
        unknown = labels - set(PRIORITY)
        if unknown:
            fail(f"unknown label {', '.join(sorted(unknown))}; choose from {', '.join(PRIORITY)}")
        corpus = open_corpus(db)
        try:
            store = corpus.store
            if thread is not None and store.thread(thread) is None and not store.story_article_ids(thread):
                fail(f"{thread}: no such thread or event in {store.name} (see `storyline stories`)")
            relations = corrections(store, thread, labels=labels, progress=not as_json)
        finally:
            corpus.close()
        if as_json:
            print_json(relations)
            return
        _print_table(relations, thread)


def _print_table(relations: list[dict], thread: str | None) -> None:
    from rich.table import Table

    where = f"thread {thread}" if thread else "all threads"
    if not relations:
        typer.echo(f"No claim relations with these labels in {where}.")
        return
    table = Table(title=f"{len(relations)} claim relations in {where}", show_lines=True)
    table.add_column("label")
    table.add_column("why", max_width=36)
    table.add_column("earlier", ratio=1)
    table.add_column("later", ratio=1)
    for r in relations:
        e, l = r["earlier"], r["later"]
        style = _LABEL_STYLE.get(r["label"], "")
        table.add_row(
            f"[{style}]{r['label']}[/]\n{r['score']:.2f}",
            r.get("reason") or r["cue"] or "",
            f"[bold]{e['published'] or '?'}[/] {e.get('source') or ''}\n{_clip(e['text'])}",
            f"[bold]{l['published'] or '?'}[/] {l.get('source') or ''}\n{_clip(l['text'])}",
        )
    stdout_console().print(table)
