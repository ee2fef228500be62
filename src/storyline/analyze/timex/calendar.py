"""Calendar arithmetic and TIMEX3 value formatting used by the time-expression rules.

Values follow the TIMEX3 conventions: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``,
``YYYY-Www`` (ISO week), ``YYYY-Qn``, ``YYYY-Hn``, ``YYY`` (decade), ``YY``
(century), with ``X`` for what is unknown.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

Granularity = Literal["D", "W", "M", "Q", "Y", "DE", "C"]
Tense = Literal["past", "future"]

# What an unknown value looks like at each granularity.
UNKNOWN: dict[str, str] = {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "M": "XXXX-XX", "Q": "XXXX-QX", "Y": "XXXX", "DE": "XXX", "C": "XX"}


def parse_date(value: str | None) -> dt.date | None:
    """The date of an ISO ``YYYY-MM-DD[...]`` string (also ``YYYYMMDD``), or ``None``."""
    if not value:
        return None
    v = value.strip()
    try:
        if len(v) >= 10 and v[4] == "-":
            return dt.date.fromisoformat(v[:10])
        if len(v) >= 8 and v[:8].isdigit():
            return dt.date(int(v[:4]), int(v[4:6]), int(v[6:8]))
    except ValueError:
        return None
    return None


def value_date(value: str) -> tuple[dt.date, Granularity] | None:
    """The first day and granularity of a calendar value ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD[Thh...]``."""
    m = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?(?!\d|-\d)", value)
    if not m:
        return None
    try:
        d = dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None
    return d, "D" if m[3] else "M" if m[2] else "Y"


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by whole months, the day clipped to the target month's length."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def shift(d: dt.date, unit: str, n: int) -> dt.date:
    """``d`` moved by ``n`` units: ``D`` days, ``W`` weeks, ``M`` months, ``Q`` quarters, ``Y`` years."""
    if unit == "D":
        return d + dt.timedelta(days=n)
    if unit == "W":
        return d + dt.timedelta(weeks=n)
    if unit == "M":
        return add_months(d, n)
    if unit == "Q":
        return add_months(d, 3 * n)
    if unit == "Y":
        return add_months(d, 12 * n)
    if unit == "DE":
        return add_months(d, 120 * n)
    if unit == "C":
        return add_months(d, 1200 * n)
    raise ValueError(unit)


def quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def fmt(d: dt.date, gran: str) -> str:
    """The TIMEX3 value of the period of granularity ``gran`` that contains ``d``."""
    if gran == "D":
        return d.isoformat()
    if gran == "W":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    if gran == "M":
        return f"{d.year:04d}-{d.month:02d}"
    if gran == "Q":
        return f"{d.year:04d}-Q{quarter_of(d)}"
    if gran == "Y":
        return f"{d.year:04d}"
    if gran == "DE":
        return f"{d.year // 10:03d}"
    if gran == "C":
        return f"{d.year // 100:02d}"
    raise ValueError(gran)


def resolve_month(dct: dt.date, month: int, tense: Tense, certain: bool = True) -> int:
    """The year of a bare month name: the latest one up to the DCT in the past, the next one in the future.

    When the tense is not ``certain``, a month much nearer on the other side wins
    (in November, "January" is more likely the coming one).
    """
    back = (dct.month - month) % 12
    ahead = (month - dct.month) % 12
    if tense == "future":
        if not certain and back and back < 0.5 * ahead:
            return dct.year if month <= dct.month else dct.year - 1
        return dct.year if month >= dct.month else dct.year + 1
    if not certain and ahead and ahead < 0.5 * back:
        return dct.year if month >= dct.month else dct.year + 1
    return dct.year if month <= dct.month else dct.year - 1


def resolve_month_day(dct: dt.date, month: int, day: int, tense: Tense = "past") -> dt.date | None:
    """The date of a "month day" without a year: the one before or after the DCT, whichever is
    nearer, with the side the tense points to preferred unless the other is less than half as far."""
    past = future = None
    for year in (dct.year - 1, dct.year, dct.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        if cand <= dct:
            past = cand
        elif future is None:
            future = cand
    return nearer_side(dct, past, future, tense)


def nearer_side(dct: dt.date, past: dt.date | None, future: dt.date | None, tense: Tense) -> dt.date | None:
    """``past`` (on or before the DCT) or ``future``: the side the tense points to, unless the
    other is less than half as far from the DCT."""
    if past is None or future is None:
        return past or future
    d_past, d_future = (dct - past).days, (future - dct).days
    if tense == "future":
        return past if d_past < 0.5 * d_future else future
    return future if d_future < 0.5 * d_past else past


def resolve_weekday(dct: dt.date, weekday: int, tense: Tense, offset_weeks: int = 0) -> dt.date:
    """The date of a weekday (1 = Monday): the nearest one on or before the DCT in the past, on or after in the future."""
    diff = weekday - dct.isoweekday()
    if tense == "future":
        days = diff % 7
    else:
        days = -((-diff) % 7)
    return dct + dt.timedelta(days=days + 7 * offset_weeks)


def resolve_period(dct: dt.date, index: int, per_year: int, tense: Tense) -> int:
    """The year of a bare quarter/half/season ``index`` (1-based, ``per_year`` in a year) by tense."""
    current = (dct.month - 1) * per_year // 12 + 1
    if tense == "future":
        return dct.year if index >= current else dct.year + 1
    return dct.year if index <= current else dct.year - 1


def easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th (1-based; -1 = last) ``weekday`` (1 = Monday) of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def holiday(name: str, year: int) -> dt.date | None:
    """The date of a (US/Western) holiday in ``year``; ``None`` when unknown."""
    n = " ".join(name.lower().replace("’", "'").split())
    fixed = {
        "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "new year's day": (1, 1),
        "new year's": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4), "halloween": (10, 31),
        "valentine's day": (2, 14), "veterans day": (11, 11),
    }  # fmt: skip
    if n in fixed:
        return dt.date(year, *fixed[n])
    if n.startswith("thanksgiving"):
        return nth_weekday(year, 11, 4, 4)
    if n.startswith("easter"):
        return easter(year)
    if n == "labor day":
        return nth_weekday(year, 9, 1, 1)
    if n == "memorial day":
        return nth_weekday(year, 5, 1, -1)
    if n == "election day":
        return nth_weekday(year, 11, 1, 1) + dt.timedelta(days=1)
    return None
