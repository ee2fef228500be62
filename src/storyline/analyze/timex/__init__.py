"""Time expressions: find them in a text and resolve each against the publication date.

``tagger`` finds and resolves (TIMEX3 types and values), ``calendar`` does the
date arithmetic, ``lexicon`` holds the words, ``values`` reads normalised values
back as days. :func:`find_timexes` is the entry point; :func:`day_mentions` keeps
the expressions precise to the day, as timelines need them.
"""

from __future__ import annotations

import datetime as dt

from .tagger import find_timexes
from .values import day_value, parse_date, value_range

__all__ = ["find_timexes", "day_mentions", "day_value", "parse_date", "value_range"]


def day_mentions(text: str, published: dt.date) -> list[tuple[int, int, dt.date]]:
    """The day-precise time expressions of ``text`` as ``(start, end, day)``, in text order."""
    out = []
    for t in find_timexes(text, published.isoformat()):
        day = day_value(t.value)
        if day is not None:
            out.append((t.span[0], t.span[1], day))
    return sorted(out)
