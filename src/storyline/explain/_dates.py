"""Day-level dates mentioned in news text, resolved against the publication date.

Timelines need the day an event happened, which news usually writes relative
to the publication date ("on Friday", "yesterday", "20 April"). When
``storyline.analyze.timex`` is installed its full time-expression tagger is
used; otherwise a small regex resolver covers the forms news uses most:
ISO dates, "April 20[, 2010]", "20 April [2010]", weekdays (past unless the
sentence speaks of the future), yesterday, today, tonight, tomorrow.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

DayFinder = Callable[[str, dt.date], list[tuple[int, int, dt.date]]]
"""``(text, publication date) -> [(start, end, date), ...]`` in text order."""

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ]
    )
    for m in names
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"


def _year(name: str) -> str:
    return rf"(?:\s*,?\s*(?P<{name}>(?:19|20)\d\d)\b)?"


_PATTERNS = re.compile(
    rf"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"
    rf"|\b(?P<md>(?P<md_m>{_MONTH_RE})\.?\s+(?P<md_d>[0-3]?\d){_ORD}\b(?!\s*(?:%|per|million|billion)){_year('md_y')})"
    rf"|\b(?P<dm>(?P<dm_d>[0-3]?\d){_ORD}\s+(?:of\s+)?(?P<dm_m>{_MONTH_RE})\b{_year('dm_y')})"
    rf"|\b(?P<wd>(?:(?P<wd_rel>last|next|this|on|early|late)\s+)?(?P<wd_d>{'|'.join(_WEEKDAYS)})(?:'s)?)\b"
    rf"|\b(?P<rel>yesterday|today|tonight|tomorrow|last night)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(will|'ll|shall|is to|are to|scheduled|plans? to|expected to|due to|next)\b", re.IGNORECASE)
_REL_DAYS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "last night": -1}


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _nearest_year(m: int, d: int, dct: dt.date) -> dt.date | None:
    """The date with month ``m`` and day ``d`` closest to ``dct`` (year omitted in the text)."""
    options = [x for y in (dct.year - 1, dct.year, dct.year + 1) if (x := _safe_date(y, m, d))]
    return min(options, key=lambda x: abs((x - dct).days)) if options else None


def _weekday(name: str, rel: str | None, dct: dt.date, future: bool) -> dt.date:
    target = _WEEKDAYS.index(name.capitalize())
    back = (dct.weekday() - target) % 7
    ahead = (target - dct.weekday()) % 7
    rel = (rel or "").lower()
    if rel == "last":
        return dct - dt.timedelta(days=back or 7)
    if rel == "next":
        return dct + dt.timedelta(days=ahead or 7)
    if future:
        return dct + dt.timedelta(days=ahead)
    return dct - dt.timedelta(days=back)


def regex_days(text: str, dct: dt.date) -> list[tuple[int, int, dt.date]]:
    """Day-level dates in ``text``, resolved against the publication date ``dct``."""
    out = []
    for m in _PATTERNS.finditer(text):
        day: dt.date | None = None
        if m["iso"]:
            day = _safe_date(*map(int, m["iso"].split("-")))
        elif m["md"] or m["dm"]:
            p = "md" if m["md"] else "dm"
            month, d = _MONTHS[m[f"{p}_m"].capitalize()], int(m[f"{p}_d"])
            if m[f"{p}_m"][0].islower():  # "may", "march": verbs more often than months
                continue
            year = m[f"{p}_y"]
            day = _safe_date(int(year), month, d) if year else _nearest_year(month, d, dct)
        elif m["wd"]:
            if not m["wd_d"][0].isupper():
                continue
            clause = text[max(0, m.start() - 80) : m.start()]
            day = _weekday(m["wd_d"], m["wd_rel"], dct, bool(_FUTURE.search(clause)))
        elif m["rel"]:
            day = dct + dt.timedelta(days=_REL_DAYS[m["rel"].lower()])
        if day:
            out.append((m.start(), m.end(), day))
    return out


def _tagger_days() -> DayFinder | None:
    """Day finder backed by ``storyline.analyze.timex`` when that module is installed."""
    try:
        from ..analyze.timex import find_timexes  # type: ignore[import-not-found]
    except ImportError:
        return None
    day_value = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

    def find(text: str, dct: dt.date) -> list[tuple[int, int, dt.date]]:
        try:
            found = find_timexes(text, dct.isoformat())
        except Exception:  # a tagger failure on one text must not lose the whole timeline
            return regex_days(text, dct)
        out = []
        for t in found:
            m = day_value.match(t.value or "")
            if m and (day := _safe_date(*map(int, m.groups()))):
                out.append((t.span[0], t.span[1], day))
        return sorted(out)

    return find


def default_day_finder() -> DayFinder:
    """The time-expression tagger if available, else :func:`regex_days`."""
    return _tagger_days() or regex_days
