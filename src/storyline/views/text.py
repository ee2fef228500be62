"""A story printed for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_story(view: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    t = view["thread"]
    console.print(f"[bold]{t['title']}[/bold]  ({t['id']})", highlight=False)
    console.print(
        f"{t['article_count']} articles, {t['event_count']} events, {t['source_count']} independent sources, "
        f"{t['first_date'] or '?'} → {t['last_date'] or '?'}",
        highlight=False,
    )
    events = Table(title="Events")
    for col in ("id", "first", "last", "articles", "title"):
        events.add_column(col, overflow="fold")
    for e in view["events"]:
        events.add_row(e["id"], e["first_date"] or "", e["last_date"] or "", str(e["article_count"]), e["title"])
    console.print(events)
    arts = Table(title="Articles")
    for col in ("date", "source", "title", "id"):
        arts.add_column(col, overflow="fold")
    for a in view["articles"]:
        arts.add_row(a["published"] or "", a["source"] or "", a["title"] + (" (copy)" if a["duplicate_of"] else ""), a["id"])
    console.print(arts)
    if view["entities"]:
        console.print("[bold]Who and what:[/bold] " + ", ".join(f"{e['name']} ({e['articles']})" for e in view["entities"]))
    for r in view.get("related", []):
        console.print(f"[bold]Related story:[/bold] {r['id']} ({r['articles']} articles)", highlight=False)
        console.print(f"  {r['title']}: {r['reason']}", highlight=False, markup=False)
    if view["dates"]:
        console.print("[bold]Dates mentioned:[/bold] " + ", ".join(f"{d['value']} ×{d['mentions']}" for d in view["dates"][:20]))
    for speaker, quotes in list(view["quotes"].items())[:8]:
        console.print(f"[bold]{speaker}[/bold]", highlight=False)
        for q in quotes[:5]:
            channel = f" [{q['channel']}]" if q["channel"] else ""
            console.print(f"  {q['published'] or ''} “{q['text']}”{channel}", highlight=False)
    for c in view.get("corrections", []):
        console.print(f"[bold red]{c['label']}[/bold red] ({c['cue'] or ''})", highlight=False)
        console.print(f"  earlier {c['earlier']['published'] or ''}: {c['earlier']['text']}", highlight=False, markup=False)
        console.print(f"  later   {c['later']['published'] or ''}: {c['later']['text']}", highlight=False, markup=False)
