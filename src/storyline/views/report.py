"""A self-contained HTML report of the stories in a store (no server needed)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..links import external_url
from ..store import Store
from . import story_view


def activity(view: dict[str, Any]) -> list[tuple[str, int]]:
    """Articles per month of a story, every month from first to last included."""
    months = Counter((a["published"] or "")[:7] for a in view["articles"] if a["published"])
    if not months:
        return []
    first, last = min(months), max(months)
    y, m = int(first[:4]), int(first[5:7])
    out: list[tuple[str, int]] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 240:
        key = f"{y:04d}-{m:02d}"
        out.append((key, months.get(key, 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


MAX_CORRECTION_ARTICLES = 100  # claims are compared pairwise: bound the work per story


def write_report(store: Store, path: str | Path, max_stories: int = 50) -> Path:
    env = Environment(loader=PackageLoader("storyline.views", "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["external_url"] = external_url  # only http(s) URLs become links
    stories = []
    for thread in store.threads(limit=max_stories):
        view = story_view(store, thread.id, corrections=thread.article_count <= MAX_CORRECTION_ARTICLES)
        if view is not None:
            view["activity"] = activity(view)
            stories.append(view)
    html = env.get_template("report.html.j2").render(stories=stories, total=store.count_articles())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
