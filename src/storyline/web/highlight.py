"""Annotated text as HTML, built from spans: every piece of text is escaped, markup is only ours.

The text is cut at every span boundary; each piece is escaped on its own and
wrapped in one element whose classes name the annotations covering it. Spans
may overlap or nest (a quote holding a name and a date) without breaking the
markup, because no element ever crosses another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from markupsafe import Markup, escape

from ..model import Analysis


@dataclass(frozen=True)
class Mark:
    """One annotation to show: a span of the text, a CSS class, and optionally a tooltip and a link."""

    start: int
    end: int
    css: str
    title: str | None = None
    href: str | None = None
    anchor: str | None = None


def _clip(marks: Iterable[Mark], length: int) -> list[Mark]:
    out = []
    for m in marks:
        start, end = max(0, m.start), min(length, m.end)
        if start < end:
            out.append(Mark(start, end, m.css, m.title, m.href, m.anchor))
    return out


def _piece(text: str, active: list[Mark], anchors: list[str]) -> str:
    body = escape(text)
    if not active and not anchors:
        return str(body)
    classes = " ".join(sorted({m.css for m in active}))
    titles = " · ".join(dict.fromkeys(m.title for m in active if m.title))
    link = min((m for m in active if m.href), key=lambda m: m.end - m.start, default=None)
    attrs = ""
    if anchors:
        attrs += f' id="{escape(anchors[0])}"'
    if classes:
        attrs += f' class="{escape(classes)}"'
    if titles:
        attrs += f' title="{escape(titles)}"'
    if link is not None:
        return f'<a href="{escape(link.href)}"{attrs}>{body}</a>'
    return f"<span{attrs}>{body}</span>"


def highlight(text: str, marks: Iterable[Mark]) -> Markup:
    """``text`` as safe HTML with each mark's span wrapped in elements of its class."""
    marks = _clip(marks, len(text))
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    starts: dict[int, list[Mark]] = {}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
    out: list[str] = []
    active: list[Mark] = []
    for lo, hi in zip(cuts, cuts[1:]):
        active = [m for m in active if m.end > lo] + starts.get(lo, [])
        anchors = [m.anchor for m in starts.get(lo, []) if m.anchor]
        out.append(_piece(text[lo:hi], active, anchors))
    return Markup("".join(out))


def analysis_marks(analysis: Analysis | None, entity_href: dict[str, str] | None = None) -> list[Mark]:
    """Marks for an article's annotations: entities, quotes (and speakers), time expressions, boilerplate."""
    if analysis is None:
        return []
    entity_href = entity_href or {}
    marks = [Mark(s.start, s.end, "boilerplate", "boilerplate") for s in analysis.boilerplate]
    for m in analysis.entities:
        marks.append(Mark(m.span.start, m.span.end, "ent", f"{m.label}: {m.canonical}", entity_href.get(m.canonical)))
    for q in analysis.quotes:
        who = f"quote ({q.kind}) by {q.speaker}" if q.speaker else f"quote ({q.kind}), speaker unknown"
        marks.append(Mark(q.content.start, q.content.end, f"quote {q.kind}", who))
        if q.source is not None:
            marks.append(Mark(q.source.start, q.source.end, "speaker", f"speaker: {q.speaker or '?'}"))
    for t in analysis.timexes:
        marks.append(Mark(t.span.start, t.span.end, "timex", f"{t.type} {t.value}"))
    return marks


def excerpt(text: str, start: int, end: int, window: int = 160) -> Markup:
    """The context around ``[start, end)`` with that span highlighted (for evidence shown side by side)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = max(0, start - window), min(len(text), end + window)
    if lo > 0:
        lo = text.find(" ", lo, start) + 1 or lo
    if hi < len(text):
        hi = text.rfind(" ", end, hi) if text.rfind(" ", end, hi) > 0 else hi
    body = highlight(text[lo:hi], [Mark(start - lo, end - lo, "evidence")])
    return Markup(("…" if lo > 0 else "") + body + ("…" if hi < len(text) else ""))
