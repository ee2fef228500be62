"""Reading normalised date values: the one place that turns ``2015``, ``2015-09`` or ``2015-09-14`` into days."""

from __future__ import annotations

import datetime as dt
import re

from .calendar import parse_date

_VALUE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DAY_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

__all__ = ["parse_date", "day_value", "value_range"]


def day_value(value: str | None) -> dt.date | None:
    """The day of a value precise to the day (``2015-09-14``), else ``None`` (months, years, weeks, times of day)."""
    if not value or not _DAY_VALUE.match(value):
        return None
    return parse_date(value)


def value_range(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a year, month or day value covers, else ``None``."""
    m = _VALUE.match(value or "")
    if not m:
        return None
    try:
        y = int(m.group(1))
        if m.group(3):
            d = dt.date(y, int(m.group(2)), int(m.group(3)))
            return d, d
        if m.group(2):
            mo = int(m.group(2))
            first = dt.date(y, mo, 1)
            nxt = dt.date(y + (mo == 12), mo % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        return None
