"""Publication dates for articles that have none: an estimate from the text, with a confidence.

The estimate reads the explicit dates an article mentions (``14 September 2015``,
``June 2013``, ``in 2014``, ``on 4 January``), whether each is in a future clause
(``will``, ``next``, ``by``), and relative expressions (``last year``, ``yesterday``).
An article cannot be older than the past events it reports, so the latest year it
mentions as past is a lower bound; ``last year`` said of something whose year is not
written out means that year is later than every year the article does write out
(else it would be named), which lifts the bound by one. The year is the bound plus a
gap learned per kind of evidence; the day is the latest day or month the article
mentions in that year plus a learned offset. The confidence of an estimate is the
share of training articles with the same kind of evidence whose estimate fell within
31 days of the truth.

The parameters (:class:`DatingParams`) are fitted by :func:`fit` on dated articles;
``storyline eval dating`` cross-validates them on Timeline17 and MEANTIME and writes
the fitted ones to ``resources/dating.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Sequence

from ..model import Article, Span
from .timex.lexicon import MONTH_RE, MONTHS

_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_MONTH = rf"(?P<month>{MONTH_RE})"
_SEP = r"\s*,?\s*"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("day", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("day", re.compile(rf"\b{_MONTH}\.?\s+{_DAY}{_SEP}{_YEAR}\b", re.I)),
    ("day", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\.?{_SEP}{_YEAR}\b", re.I)),
    ("month", re.compile(rf"\b{_MONTH}\.?{_SEP}(?:of\s+)?{_YEAR}\b", re.I)),
    ("monthday", re.compile(rf"\b{_MONTH}\.?\s+{_DAY}\b(?!\s*,?\s*\d)", re.I)),
    ("monthday", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!\.?\s*,?\s*(?:of\s+)?\d)", re.I)),
    ("monthonly", re.compile(rf"\b(?P<cue>back\s+in|in|since|early|late|mid-?|until|last|this|of|from|since)\s+{_MONTH}\b(?!\.?\s*,?\s*(?:of\s+)?\d)", re.I)),
    ("year", re.compile(
        rf"\b(?P<cue>back\s+in|in|since|of|by|until|till|from|before|after|during|early|late|mid-?|through|the|"
        rf"spring|summer|autumn|fall|winter|year|end\s+of|start\s+of)\s+(?:the\s+)?(?:year\s+)?{_YEAR}\b(?![\d,.%]\d|\s*%)",
        re.I,
    )),
]
_FUTURE = re.compile(
    r"\b(?:will|shall|going\s+to|expected|expects?|plans?|planned|scheduled|aims?|target(?:s|ed)?|"
    r"forecast|projected|is\s+to|are\s+to|set\s+to)\b",
    re.I,
)
_LAST_YEAR = re.compile(r"\blast\s+year\b", re.I)
_RECENT = re.compile(
    r"\b(?:yesterday|today|tonight|this\s+(?:week|morning|afternoon|evening)|last\s+(?:night|week)|"
    r"on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?]\s+|\n")
_MONTH_NUMBERS = {name.rstrip("."): num for name, num in MONTHS.items()}
#: the kinds of evidence an estimate rests on, most precise first
KINDS: tuple[str, ...] = ("day", "month", "year", "last-year")


@dataclass(frozen=True)
class DateMention:
    """An explicit date in the text: its span, its parts (month and day may be unknown), and its clause."""

    span: Span
    year: int | None
    month: int | None
    day: int | None
    future: bool
    back: bool = False


@dataclass(frozen=True)
class DateEstimate:
    """An estimated publication date with its confidence and the evidence it rests on."""

    date: str
    confidence: float
    kind: str
    evidence: Span | None = None


@dataclass(frozen=True)
class DatingParams:
    """What :func:`fit` learns: the year gap and the day offset per kind of evidence, and their confidence."""

    year_gap: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    day_offset: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    confidence: dict[str, float] = field(default_factory=lambda: {k: 0.5 for k in KINDS})

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "DatingParams":
        data = json.loads(text)
        fields: dict[str, Any] = {k: {kk: type(v)(vv) for kk, vv in data[k].items()} for k, v in (("year_gap", 0), ("day_offset", 0), ("confidence", 0.0))}
        return cls(**fields)


@lru_cache(maxsize=1)
def default_params() -> DatingParams:
    """The parameters shipped in ``resources/dating.json`` (fitted by ``storyline eval dating --save``)."""
    try:
        text = resources.files("storyline.resources").joinpath("dating.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return DatingParams()
    return DatingParams.from_json(text)


def _sentence_start(text: str, pos: int) -> int:
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, pos):
        start = m.end()
    return start


def _clause(text: str, start: int, end: int, reach: int = 80) -> str:
    """The words before a mention in its sentence (up to ``reach`` characters)."""
    lo = max(_sentence_start(text, start), start - reach)
    return text[lo:start]


def find_mentions(text: str) -> list[DateMention]:
    """The explicit dates in ``text``, in text order, the most precise reading of each place kept."""
    found: list[DateMention] = []
    taken: list[Span] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            span = Span(m.start(), m.end())
            if any(span.overlaps(t) for t in taken):
                continue
            groups = m.groupdict()
            year = int(groups["year"]) if groups.get("year") else None
            if groups.get("mnum"):
                month: int | None = int(groups["mnum"])
            elif groups.get("month"):
                month = _MONTH_NUMBERS.get(groups["month"].lower().rstrip("."))
            else:
                month = None
            day = int(groups["day"]) if groups.get("day") else None
            if month is not None and not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
                continue
            cue = (groups.get("cue") or "").lower()
            if groups.get("month") and not groups["month"][0].isupper():
                continue  # "may", "march": a verb or a noun, not a month
            if kind == "monthonly" and cue in ("last", "this"):
                continue
            before = _clause(text, m.start(), m.end())
            future = bool(_FUTURE.search(before[-50:])) or cue in ("by", "until", "till")
            found.append(DateMention(span, year, month, day, future, cue.startswith("back")))
            taken.append(span)
    found.sort(key=lambda d: d.span)
    return found


def _safe_date(year: int, month: int, day: int) -> dt.date:
    day = min(day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)


@dataclass(frozen=True)
class Evidence:
    """What the estimate is built from: the year bound, its kind, and the latest dated mention in a year."""

    bound: int
    kind: str
    upper: int | None
    mentions: tuple[DateMention, ...]
    evidence: Span | None


@lru_cache(maxsize=8192)
def evidence(text: str) -> Evidence | None:
    """The dates an estimate can rest on, or ``None`` when the text names no year."""
    mentions = find_mentions(text)
    past = [m for m in mentions if m.year is not None and not m.future]
    if not past:
        return None
    latest = max(past, key=lambda m: (m.year, m.month or 0, m.day or 0))
    bound = int(latest.year)  # type: ignore[arg-type]
    kind = "day" if latest.day else "month" if latest.month else "year"
    if any(m.back and m.year == bound for m in past):
        bound += 1  # "back in 2015": not the year of writing
    if kind == "year" and any(
        not any(_sentence_start(text, m.span.start) == _sentence_start(text, ly.start()) for m in past)
        for ly in _LAST_YEAR.finditer(text)
    ):
        # "last year" names a year the article does not write out: later than every year it does
        bound, kind = bound + 1, "last-year"
    futures = [m.year for m in mentions if m.year is not None and m.future and m.year >= bound]
    return Evidence(bound, kind, min(futures) if futures else None, tuple(mentions), latest.span)


def _day_in_year(ev: Evidence, year: int) -> tuple[dt.date | None, Span | None]:
    """The latest day (or month) the article mentions in ``year``, as past; month-days take that year."""
    best: tuple[dt.date, Span] | None = None
    for m in ev.mentions:
        if m.future or m.month is None or (m.year is not None and m.year != year):
            continue
        day = _safe_date(year, m.month, m.day or 15)
        if best is None or day > best[0]:
            best = (day, m.span)
    return best if best else (None, None)


def estimate_from(ev: Evidence, params: DatingParams) -> DateEstimate:
    """The estimate of one article's evidence under ``params``."""
    year = ev.bound + params.year_gap.get(ev.kind, 0)
    if ev.upper is not None:
        year = min(year, ev.upper)
    day, span = _day_in_year(ev, year)
    if day is None:
        day, span = dt.date(year, 7, 1), ev.evidence
    else:
        day = day + dt.timedelta(days=params.day_offset.get(ev.kind, 0))
    return DateEstimate(day.isoformat(), params.confidence.get(ev.kind, 0.0), ev.kind, span)


def estimate(text: str, params: DatingParams | None = None) -> DateEstimate | None:
    """The estimated publication date of ``text``, or ``None`` when it names no year."""
    ev = evidence(text)
    return None if ev is None else estimate_from(ev, params or default_params())


def date_undated(article: Article, params: DatingParams | None = None) -> Article:
    """``article`` with an estimated ``published`` date when it has none (flagged in ``meta``); else itself."""
    if article.published:
        return article
    found = estimate(article.text, params)
    if found is None:
        return article
    meta = {
        **article.meta,
        "published_estimated": True,
        "published_confidence": round(found.confidence, 3),
        "published_basis": found.kind,
    }
    if found.evidence is not None:
        meta["published_evidence"] = [found.evidence.start, found.evidence.end]
    return replace(article, published=found.date, meta=meta)


def _days_apart(a: str, b: dt.date) -> int:
    return abs((dt.date.fromisoformat(a) - b).days)


def fit(samples: Sequence[tuple[str, dt.date]], max_gap: int = 3) -> DatingParams:
    """Learn per kind of evidence the year gap (0 to ``max_gap``) that puts most estimates within a year,
    the most frequent day offset, and the confidence (share within 31 days)."""
    evs = [(e, t) for e, t in ((evidence(text), truth) for text, truth in samples) if e is not None]
    by_kind: dict[str, list[tuple[Evidence, dt.date]]] = {k: [] for k in KINDS}
    for e, t in evs:
        by_kind[e.kind].append((e, t))
    zero = {k: 0 for k in KINDS}
    year_gap: dict[str, int] = {}
    for kind, rows in by_kind.items():
        best = (-1, 0)
        for gap in range(max_gap + 1):
            trial = DatingParams({**zero, kind: gap}, zero, {k: 0.0 for k in KINDS})
            hits = sum(_days_apart(estimate_from(e, trial).date, t) <= 365 for e, t in rows)
            best = max(best, (hits, -gap))
        year_gap[kind] = -best[1]
    base = DatingParams(year_gap, zero, {k: 0.0 for k in KINDS})
    offsets: dict[str, Counter[int]] = {k: Counter() for k in KINDS}
    for e, t in evs:
        delta = (t - dt.date.fromisoformat(estimate_from(e, base).date)).days
        if 0 <= delta <= 31:
            offsets[e.kind][delta] += 1
    day_offset = {k: (c.most_common(1)[0][0] if c else 0) for k, c in offsets.items()}
    shifted = replace(base, day_offset=day_offset)
    confidence = {
        k: (round(sum(_days_apart(estimate_from(e, shifted).date, t) <= 31 for e, t in rows) / len(rows), 3) if rows else 0.0)
        for k, rows in by_kind.items()
    }
    return DatingParams(year_gap, day_offset, confidence)


def score(samples: Iterable[tuple[str, dt.date]], params: DatingParams) -> dict[str, float]:
    """Share of articles estimated within 7 days, 31 days and a year (365 days) of the truth; no estimate is a miss."""
    n = w7 = w31 = w365 = dated = 0
    for text, truth in samples:
        n += 1
        found = estimate(text, params)
        if found is None:
            continue
        dated += 1
        d = _days_apart(found.date, truth)
        w7 += d <= 7
        w31 += d <= 31
        w365 += d <= 365
    return {
        "articles": n,
        "estimated": dated / n if n else 0.0,
        "within_7_days": w7 / n if n else 0.0,
        "within_31_days": w31 / n if n else 0.0,
        "within_a_year": w365 / n if n else 0.0,
    }
