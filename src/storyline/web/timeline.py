"""The story page's timeline: entries from dated evidence, laid out as an SVG chart.

Entries come from the story view: each day articles were published, and each
date the articles mention (time expressions, with their evidence spans), and the
summarised key dates of :func:`storyline.explain.timeline.key_dates` over the
stored sentences and time expressions, each sentence with its span. The layout
(positions on a date axis, ticks, lanes) is computed here; the template only
draws it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..analyze.timex import value_range
from ..store import Store

log = logging.getLogger(__name__)

WIDTH, PAD, LANE_H = 920, 30, 18
LANE_LABELS = {"key": "Key dates (summarised)", "published": "Published", "mentioned": "Dates the articles mention"}


@dataclass
class Entry:
    """One dated thing on the timeline: a day, month or year, what happened, and where it is said."""

    start: date
    end: date
    value: str
    label: str
    kind: str  # "key" (a summarised key date), "published" or "mentioned"
    evidence: list[dict[str, Any]] = field(default_factory=list)
    weight: int = 1


def _from_view(view: dict[str, Any]) -> list[Entry]:
    titles = {a["id"]: a["title"] for a in view["articles"]}
    entries: list[Entry] = []
    by_day: dict[str, list[dict[str, Any]]] = {}
    for a in view["articles"]:
        if a["published"] and not a["duplicate_of"]:
            by_day.setdefault(a["published"], []).append(a)
    for day, arts in by_day.items():
        rng = value_range(day)
        if rng:
            label = arts[0]["title"] if len(arts) == 1 else f"{len(arts)} articles: " + "; ".join(a["title"] for a in arts[:3])
            evidence = [{"article_id": a["id"], "span": None, "text": a["title"]} for a in arts[:3]]
            entries.append(Entry(rng[0], rng[1], day, label + ("; …" if len(arts) > 3 else ""), "published", evidence, len(arts)))
    for d in view["dates"]:
        rng = value_range(d["value"])
        if rng:
            quoted = ", ".join(dict.fromkeys(f"“{e['text']}”" for e in d["evidence"]))
            where = titles.get(d["evidence"][0]["article_id"], "") if d["evidence"] else ""
            entries.append(
                Entry(rng[0], rng[1], d["value"], f"{quoted} in {where}" if where else quoted, "mentioned", d["evidence"], d["mentions"])
            )
    return entries


#: Threads larger than this get no summarised key dates while a page waits (the view's dates still show).
MAX_EXPLAIN_ARTICLES = 300


def _key_dates(store: Store, view: dict[str, Any]) -> list[Entry] | None:
    """Key dates with a one-sentence summary (:func:`storyline.explain.timeline.key_dates`).

    The timeline reads the stored sentences and time expressions, and each
    summary sentence keeps its evidence span.
    """
    from ..explain.timeline import doc_from_analysis, key_dates

    ids = [a["id"] for a in view["articles"] if not a["duplicate_of"]]
    if not ids or len(ids) > MAX_EXPLAIN_ARTICLES:
        return None
    analyses = store.analyses(ids)
    docs = [d for a in store.articles(ids) if (d := doc_from_analysis(a, analyses.get(a.id))) is not None]
    try:
        found = key_dates(docs, n_dates=10)
    except Exception:  # noqa: BLE001 - a failing optional stage must not take the page down
        log.exception("key dates failed for %s; showing the view's dates only", view["thread"]["id"])
        return None
    entries = []
    for key in found:
        rng = value_range(key.date)
        if rng is None:
            continue
        evidence = [{"article_id": e.article_id, "span": [e.span.start, e.span.end], "text": e.text} for e in key.sentences]
        entries.append(Entry(rng[0], rng[1], key.date, " ".join(e.text for e in key.sentences), "key", evidence))
    return entries


def timeline_entries(store: Store, view: dict[str, Any]) -> tuple[list[Entry], str]:
    """The entries of a story's timeline, in date order, and where they came from."""
    entries = _from_view(view)
    keys = _key_dates(store, view)
    source = "view"
    if keys:
        entries += keys
        source = "explain+view"
    order = {"key": 0, "published": 1, "mentioned": 2}
    entries.sort(key=lambda e: (e.start, order[e.kind], e.value))
    return entries, source


def _ticks(lo: date, hi: date) -> list[tuple[date, str]]:
    span = (hi - lo).days
    if span > 3 * 366:
        step = max(1, (hi.year - lo.year) // 10 + 1)
        return [(date(y, 1, 1), str(y)) for y in range(lo.year + 1, hi.year + 1, step)] or [(lo, str(lo.year))]
    if span > 62:
        out, y, m = [], lo.year, lo.month
        months = (hi.year - lo.year) * 12 + hi.month - lo.month
        step = max(1, months // 10 + 1)
        while (y, m) <= (hi.year, hi.month):
            d = date(y, m, 1)
            if d >= lo:
                out.append((d, d.strftime("%Y-%m")))
            y, m = (y + (m + step - 1) // 12, (m + step - 1) % 12 + 1)
        return out
    step = max(1, span // 8 + 1)
    return [(lo + timedelta(days=i), (lo + timedelta(days=i)).isoformat()) for i in range(0, span + 1, step)]


def in_window(entries: list[Entry]) -> tuple[list[Entry], tuple[date, date]]:
    """The entries near the story's publication dates, and that window.

    Articles also name dates long before the story (an anniversary, a 1930s
    record); drawn to scale they would squeeze the story into a corner. The
    window is the publication range widened by half its length (at least a
    year) on each side; dates outside it stay in the list under the chart.
    """
    published = [e for e in entries if e.kind == "published"]
    if not published:
        published = entries
    if not published:
        return [], (date.min, date.min)
    first, last = min(e.start for e in published), max(e.end for e in published)
    margin = max(timedelta(days=366), (last - first) / 2)
    lo, hi = first - margin, last + margin
    shown = [e for e in entries if e.end >= lo and e.start <= hi]
    return shown, (min(e.start for e in shown), max(e.end for e in shown))


def chart(entries: list[Entry], width: int = WIDTH) -> dict[str, Any] | None:
    """Positions for the SVG: ``x``/``w`` per entry, stacked in lanes where they would overlap; axis ticks."""
    shown, window = in_window(entries)
    if not shown:
        return None
    lo, hi = window[0] - timedelta(days=1), window[1] + timedelta(days=1)
    days = max(1, (hi - lo).days)
    inner = width - 2 * PAD

    def x(d: date) -> float:
        return round(PAD + (d - lo).days / days * inner, 1)

    marks: list[dict[str, Any]] = []
    hidden = len(entries) - len(shown)
    keep = {id(e) for e in shown}
    rows: dict[str, list[list[float]]] = {"key": [], "published": [], "mentioned": []}
    order = sorted((i for i, e in enumerate(entries) if id(e) in keep), key=lambda i: (entries[i].end - entries[i].start, i))
    for i in order:
        e = entries[i]
        x0, x1 = x(e.start), max(x(e.end + timedelta(days=1)), x(e.start) + 6)
        lanes = rows[e.kind]
        lane = next((n for n, ends in enumerate(lanes) if ends[-1] + 2 <= x0), None)
        if lane is None:
            lane = len(lanes) if len(lanes) < 6 else min(range(len(lanes)), key=lambda n: lanes[n][-1])
            if lane == len(lanes):
                lanes.append([])
        lanes[lane].append(x1)
        grain = "day" if e.start == e.end else "month" if (e.end - e.start).days < 40 else "year"
        marks.append({"i": i, "x": x0, "w": round(x1 - x0, 1), "lane": lane, "entry": e, "grain": grain})
    tops, y = {}, 26
    for kind in ("key", "published", "mentioned"):
        if rows[kind] or kind != "key":
            tops[kind] = y
            y += max(1, len(rows[kind])) * LANE_H + 26
    axis_y = y - 18
    for m in marks:
        m["y"] = tops[m["entry"].kind] + m["lane"] * LANE_H
    return {
        "width": width,
        "height": axis_y + 30,
        "axis_y": axis_y,
        "lanes": [{"kind": k, "top": top, "label": LANE_LABELS[k]} for k, top in tops.items()],
        "marks": marks,
        "ticks": [{"x": x(d), "label": label} for d, label in _ticks(lo, hi)],
        "first": lo + timedelta(days=1),
        "last": hi - timedelta(days=1),
        "hidden": hidden,
    }
