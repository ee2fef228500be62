"""Day-level dates mentioned in news text, resolved against the publication date.

Timelines need the day an event happened, which news usually writes relative
to the publication date ("on Friday", "yesterday", "20 April"). The dates come
from the project's time-expression tagger (:mod:`storyline.analyze.timex`);
only values precise to the day are kept.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from ..analyze.timex import find_timexes

DayFinder = Callable[[str, dt.date], list[tuple[int, int, dt.date]]]
"""``(text, publication date) -> [(start, end, date), ...]`` in text order."""

_DAY_VALUE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def tagger_days(text: str, dct: dt.date) -> list[tuple[int, int, dt.date]]:
    """The day-precise time expressions of ``text`` as ``(start, end, date)``."""
    out = []
    for t in find_timexes(text, dct.isoformat()):
        m = _DAY_VALUE.match(t.value or "")
        if not m:
            continue
        try:
            day = dt.date(*map(int, m.groups()))
        except ValueError:
            continue
        out.append((t.span[0], t.span[1], day))
    return sorted(out)


def default_day_finder() -> DayFinder:
    return tagger_days
