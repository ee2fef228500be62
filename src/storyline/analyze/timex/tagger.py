"""Find time expressions in news text and normalise them to TIMEX3 against the publication date.

The tagger is a set of regular-expression rules, each paired with a function
that computes the TIMEX3 ``type`` and ``value`` of what it matched. All rules
run over the text; overlapping matches are resolved longest-first; the
survivors are normalised in text order so that anaphoric expressions ("the
quarter", "a year earlier") can refer to the last explicit quarter, and
"the following month", "that day" or "the previous Friday" to the last date
named (the narrative's reference time, which moves as the story does).

Extents follow the TimeBank annotation conventions: determiners and modifiers
belong to the expression ("the past two months", "late November", "more than
four hours"), prepositions do not ("in June" → "June").

Relative expressions are resolved against the document creation time (DCT,
the publication date). Bare months, weekdays and quarters are placed before
or after the DCT by the tense of the surrounding clause ("was held in June" →
the last June, "will be held in June" → the next one); a weekday also counts
as future after a plan or schedule earlier in its clause ("planned to leave
on Thursday").
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Callable

from storyline.model import Span, TimeExpression

from .calendar import (
    UNKNOWN,
    Tense,
    fmt,
    holiday,
    nearer_side,
    parse_date,
    quarter_of,
    resolve_month,
    resolve_month_day,
    resolve_period,
    resolve_weekday,
    shift,
    value_date,
)
from .lexicon import (
    DAY_PARTS,
    MONTH_RE,
    MONTHS,
    NUMBER,
    ORDINAL_RE,
    ORDINALS,
    PARTS_KEPT_WITH_A_DAY,
    SEASON_RE,
    SEASONS,
    UNIT_RE,
    UNITS,
    VAGUE_QUANTITIES,
    WEEKDAY_RE,
    WORD_NUMBER,
    WEEKDAYS,
    month_number,
    number_value,
)

__all__ = ["find_timexes"]

Norm = tuple[str, str]  # (TIMEX3 type, value)


# --------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    """What normalisation needs besides the match: text, DCT, tense default and discourse state."""

    text: str
    dct: dt.date | None
    tense_hint: str | None
    last_quarter: tuple[int, int] | None = None
    last_day: tuple[int, str] | None = None  # (end offset, YYYY-MM-DD) of the last day named
    last_date: str | None = None  # value of the last DATE named with a calendar value (YYYY[-MM[-DD]])
    _tense_cache: dict[tuple[int, bool, int], Tense | None] = field(default_factory=dict)
    _bounds: list[int] | None = None

    def tense(self, start: int, end: int, strict: bool = False) -> Tense:
        """Past or future, from the words nearest to ``[start, end)`` within its sentence.

        ``strict`` counts only unmistakable future markers ("will", "next"), for
        expressions that news mostly uses for the past (quarters, dates).
        """
        return self.near_tense(start, end, strict, 200) or ("future" if self.tense_hint == "future" else "past")

    def near_tense(self, start: int, end: int, strict: bool, reach: int) -> Tense | None:
        """The tense of the nearest tense-bearing word within ``reach`` characters, or ``None``."""
        key = (start, strict, reach)
        if key not in self._tense_cache:
            if self._bounds is None:
                self._bounds = sentence_bounds(self.text)
            self._tense_cache[key] = _clause_tense(self.text, self._bounds, start, end, strict, reach)
        return self._tense_cache[key]

    def unknown(self, gran: str) -> str:
        return UNKNOWN[gran]

    def reference(self, gran: str) -> dt.date | None:
        """The date the narrative is at, for anaphora ("the following month", "that day").

        It is the last calendar date named in the text, when that date is at
        least as fine as ``gran`` (``Y``, ``M`` or ``D``); ``None`` otherwise.
        """
        found = value_date(self.last_date) if self.last_date else None
        if found is None or _GRAN_RANK[found[1]] < _GRAN_RANK[gran]:
            return None
        return found[0]

    def sentence_before(self, start: int, reach: int = 60) -> str:
        """The text of the sentence before offset ``start``, at most ``reach`` characters of it."""
        if self._bounds is None:
            self._bounds = sentence_bounds(self.text)
        i = bisect.bisect_right(self._bounds, start)
        left = max(self._bounds[i - 1] if i else 0, start - reach)
        return self.text[left:start]


_GRAN_RANK = {"Y": 0, "M": 1, "D": 2}


# Words that put a clause in the future for certain, and words that only suggest it.
_FUTURE_STRONG = {"will", "won't", "'ll", "shall", "tomorrow", "next", "upcoming", "scheduled"}
_FUTURE_WEAK = {
    "would", "wouldn't", "coming", "until", "expected", "expects", "expect", "plans", "plan", "planned", "intends",
    "aims", "hopes", "later", "soon", "forecast", "projected", "should", "could", "may", "might", "due", "to",
}  # fmt: skip
_PAST_WORDS = {
    "was", "were", "had", "did", "said", "told", "came", "went", "met", "made", "took", "gave", "got", "left",
    "fell", "rose", "won", "lost", "began", "spoke", "sent", "held", "ago", "last", "earlier", "yesterday",
    "saw", "became", "grew", "paid", "sold", "bought", "ran", "hit", "reported", "wasn't", "weren't", "didn't",
    "hadn't", "been", "since", "fled", "announced", "killed", "died",
}  # fmt: skip
_NOT_PAST_ED = {"need", "speed", "feed", "seed", "indeed", "red", "bed", "hundred", "embed", "proceed", "exceed", "succeed", "shed", "bred"}
_WORD = re.compile(r"[A-Za-z']+")
_SENT_END = re.compile(r"[.!?]\s+(?=[A-Z\"'“‘(])|\n\s*\n|\n")


def sentence_bounds(text: str) -> list[int]:
    """Offsets where sentences end (after their final punctuation), ending with ``len(text)``."""
    return [m.start() + 1 for m in _SENT_END.finditer(text)] + [len(text)]


def _clause_tense(text: str, bounds: list[int], start: int, end: int, strict: bool, reach: int) -> Tense | None:
    """The tense of the sentence around a time expression, from the nearest tense-bearing word.

    Words before the expression weigh a little more than words after it; only
    words within ``reach`` characters count; ``None`` when no word decides.
    """
    i = bisect.bisect_right(bounds, start)
    left = max(bounds[i - 1] if i else 0, start - reach)
    right = min(bounds[i] if i < len(bounds) else len(text), end + reach)
    best: tuple[int, Tense] | None = None
    for w in _WORD.finditer(text, left, right):
        if start <= w.start() < end:
            continue
        word = w.group().lower()
        tense: Tense | None = None
        if word in _FUTURE_STRONG or word.endswith("'ll") or (not strict and word in _FUTURE_WEAK):
            if word == "to" and not re.match(r"\s+(?:be|begin|start|take|hold|open|meet|visit|go)\b", text[w.end() : w.end() + 8]):
                continue
            tense = "future"
        elif word in _PAST_WORDS or (word.endswith("ed") and len(word) > 4 and word not in _NOT_PAST_ED):
            tense = "past"
        if tense is None:
            continue
        dist = start - w.end() if w.end() <= start else (w.start() - end) + 40
        if best is None or dist < best[0]:
            best = (dist, tense)
    return best[1] if best is not None else None


# --------------------------------------------------------------------------- patterns

_B = r"(?<![\w$])(?<!\w-)"  # start of a word, not inside a number or hyphenated word
_E = r"(?![\w]|-\w)"  # end of a word
_MOD = (
    r"(?:more\s+than|less\s+than|fewer\s+than|no\s+more\s+than|no\s+less\s+than|at\s+least|at\s+most|nearly|almost|"
    r"about|around|roughly|approximately|over|well\s+over|up\s+to|under|just\s+over|just\s+under|only|just|close\s+to|"
    r"some|barely|precisely|exactly|upwards\s+of)"
)
_WD = rf"(?:(?P<wd>{WEEKDAY_RE}),?\s+)?"
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_PRE = r"(?P<pre>early|late|mid|the\s+(?:end|middle|beginning|start|first\s+half|second\s+half)\s+of)"
_YEAR_GUARD = (
    r"(?!\d|[,.]\d|\s*%|\s*-?\s*percent|\s*(?:-\s*)?(?:people|persons|shares|troops|men|women|points|dollars|tons|miles|"
    r"feet|meters|metres|soldiers|cars|units|workers|employees|jobs|acres|students|members|yards|pounds|barrels|"
    r"votes|children|police|officers|pages|words|rooms|seats|kilometers|km|hours|minutes|days|degrees|kg|mm|cc))"
)
_SPELLED_YEAR = rf"(?:nineteen|eighteen)[\s-]+{WORD_NUMBER}"
_DAYPART = rf"(?P<part>{'|'.join(DAY_PARTS)})"


# --------------------------------------------------------------------------- helpers


def _cap_ok(word: str) -> bool:
    """Month and weekday names count only when capitalised (lower-case "may", "march" are words)."""
    return word[:1].isupper()



def _duration(n: float | None, unit_word: str) -> str:
    """A TIMEX3 duration value such as ``P3Y``, ``PT5H30M`` or ``PXM``."""
    base = unit_word.lower().rstrip("s")
    if base.endswith("centurie"):
        base = "centurie"
    letter, is_time, mult = UNITS[base]
    t = "T" if is_time else ""
    if n is None:
        return f"P{t}X{'Y' if mult > 1 else letter}" if mult <= 10 else f"P{t}XC"
    n = n * mult
    if n != int(n):
        return _fractional_duration(n, letter, is_time)
    return f"P{t}{int(n)}{letter}"


# How many of the next smaller unit make one unit, per (unit letter, is a time-of-day unit).
_SMALLER: dict[tuple[str, bool], tuple[int, str, bool]] = {
    ("Y", False): (12, "M", False), ("M", False): (30, "D", False), ("W", False): (7, "D", False),
    ("D", False): (24, "H", True), ("H", True): (60, "M", True), ("M", True): (60, "S", True),
}  # fmt: skip


def _fractional_duration(n: float, letter: str, is_time: bool) -> str:
    """'2 1/2 years' → P2Y6M, 'a minute and a half' → PT1M30S, '1.5 days' → P1DT12H, '1.5 weeks' → P10D."""
    if (letter, is_time) not in _SMALLER:
        return f"P{'T' if is_time else ''}{int(n)}{letter}"
    k, small, small_time = _SMALLER[(letter, is_time)]
    whole, rest = int(n), round((n - int(n)) * k)
    if letter == "W":
        return f"P{whole * k + rest}D"
    big = f"{whole}{letter}" if whole else ""
    if small_time and not is_time:
        return f"P{big}T{rest}{small}"
    return f"P{'T' if is_time else ''}{big}{rest}{small}"



def _with_part(value: str, part: str | None, part_type: str = "TIME") -> Norm:
    """A date value with the part of day ("tomorrow night") when one is named, then typed ``part_type``.

    TimeBank annotates a weekday with a part of day ("Friday night") mostly as a DATE.
    """
    if part:
        return part_type, f"{value}T{DAY_PARTS[part.lower()]}"
    return "DATE", value


# --------------------------------------------------------------------------- normalisers


def _n_explicit_date(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'January 4, 2015', '4 January', 'Friday, Oct. 23', 'Sept. 30'."""
    if not _cap_ok(m["mon"]) or (m["wd"] and not _cap_ok(m["wd"])):
        return None
    month, day = month_number(m["mon"]), int(m["day"])
    if not 1 <= day <= 31:
        return None
    if m["year"]:
        try:
            return "DATE", dt.date(int(m["year"]), month, day).isoformat()
        except ValueError:
            return None
    if ctx.dct is None:
        return "DATE", f"XXXX-{month:02d}-{day:02d}"
    d = resolve_month_day(ctx.dct, month, day, ctx.tense(m.start(), m.end()))
    return ("DATE", d.isoformat()) if d else None


def _n_week_of(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the week of March 6' → the ISO week of that day."""
    norm = _n_explicit_date(m, ctx)
    if norm is None or not _DAY_VALUE.fullmatch(norm[1]):
        return None
    return "DATE", fmt(dt.date.fromisoformat(norm[1]), "W")


def _n_numeric_date(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'2015-09-14' and US '9/14/2015'."""
    try:
        if m["iso"]:
            return "DATE", dt.date.fromisoformat(m["iso"]).isoformat()
        year = int(m["y"])
        year += 1900 if year < 100 and year > 30 else 2000 if year < 100 else 0
        return "DATE", dt.date(year, int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None


_PREP_BEFORE_MONTH = re.compile(r"(?:\b(?:a|an|in|of|since|until|till|by|from|to|through|during|before|after|for|last|this|next|early|late|mid|between|and|or|until|end|starting|beginning|since)\s+|-)$", re.I)


def _n_month(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'June', 'June 2013', 'late November', 'June last year', 'last April'."""
    word = m["mon"]
    if not _cap_ok(word):
        return None
    month = month_number(word)
    if _named_year(m):
        return "DATE", f"{_named_year(m):04d}-{month:02d}"
    if re.match(r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?![.,]\d|\s*%)", ctx.text[m.end() : m.end() + 8]):
        return None  # "last Oct. 23": the date rule takes "Oct. 23"
    before = ctx.text[max(0, m.start() - 12) : m.start()]
    ambiguous = word.lower() in ("may", "march", "june", "august") or word.endswith(".")
    if ambiguous and not (m["pre"] or m["rel0"] or m["rel"] or _PREP_BEFORE_MONTH.search(before)):
        return None
    if ctx.dct is None:
        return "DATE", f"XXXX-{month:02d}"
    rel = (m["rel0"] or m["rel"] or "").lower()
    rel_year = re.sub(r"\s+", " ", m["relyear"] or "").lower()
    if rel_year:
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[rel_year.split()[0]]
    elif rel.startswith("last") or rel == "this past":
        year = ctx.dct.year if month < ctx.dct.month else ctx.dct.year - 1
    elif rel.startswith("next") or rel == "this coming":
        year = ctx.dct.year if month > ctx.dct.month else ctx.dct.year + 1
    elif rel == "this":
        year = ctx.dct.year
    else:
        near = ctx.near_tense(m.start(), m.end(), False, 30)
        tense = near or ctx.tense(m.start(), m.end())
        year = resolve_month(ctx.dct, month, tense, certain=near is not None)
    return "DATE", f"{year:04d}-{month:02d}"


_COUNT_NOUN_AFTER = re.compile(r"\s+(?:[a-z]+\s+){0,1}(?:people|shares|troops|men|women|points|tons|acres|cars|barrels)\b")


def _n_year(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'2015', 'fiscal 1989', 'mid-1996', 'the end of 1990'."""
    year = int(m["year"])
    before = ctx.text[max(0, m.start() - 16) : m.start()].lower()
    if year < 1800 and not (m["pre"] or m["fiscal"] or re.search(r"\b(?:in|since|of|from|by|until|year|the)\s+$", before)):
        return None
    if re.search(r"(?:no\.|number|\$|#|page|flight|route|highway|room|model|rule|code|article)\s*$", before):
        return None
    if year > 2099:
        return None
    return "DATE", f"{year:04d}"


def _decade_from_words(word: str, ctx: _Ctx) -> int | None:
    tens = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}
    return tens.get(word.lower())


def _n_decade(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the 1990s' → 199, "the '90s" → 199 (century of the DCT), 'the nineties'."""
    if m["dec4"]:
        return "DATE", m["dec4"][:3]
    century = (ctx.dct.year // 100) if ctx.dct else 19
    if m["dec2"]:
        tens = int(m["dec2"][0])
    else:
        tens = _decade_from_words(m["decw"], ctx) or 0
    if ctx.dct and century * 100 + tens * 10 > ctx.dct.year:
        century -= 1
    return "DATE", f"{century:02d}{tens}"


def _n_century(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the 20th century' → 19; 'this century' → the DCT's century."""
    if m["rel"]:
        if ctx.dct is None:
            return "DATE", "XX"
        c = ctx.dct.year // 100 + {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]
        return "DATE", f"{c:02d}"
    ordinal = m["ord"].lower()
    digits = re.match(r"\d+", ordinal)
    n = int(digits.group()) if digits else ORDINALS.get(ordinal)
    if not n:
        return None
    return "DATE", f"{n - 1:02d}"


def _quarter_year(m: re.Match[str], ctx: _Ctx, index: int, per_year: int) -> int | None:
    """The year of a quarter or half: explicit, relative ('last year's'), or from tense and DCT."""
    explicit = m["y1"] or m["y2"]
    if explicit:
        return int(explicit)
    if ctx.dct is None:
        return None
    owner = (m["owner"] or m["rely"] or "").lower()
    if owner.startswith("this"):
        return ctx.dct.year
    if owner.startswith("last") or owner.startswith("previous"):
        return ctx.dct.year - 1
    if owner.startswith("next"):
        return ctx.dct.year + 1
    year = resolve_period(ctx.dct, index, per_year, ctx.tense(m.start(), m.end(), strict=True))
    if m["rel"] and re.search(r"year-(?:earlier|ago)|comparable|year\s+ago", m["rel"], re.I):
        year -= 1
    return year


def _n_quarter(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the third quarter', 'third-quarter', 'the fourth quarter of 1990', 'the first half'."""
    index = ORDINALS[m["ord"].lower()]
    unit = m["unit"].lower()
    per_year = 4 if unit == "quarter" else 2
    if index > per_year:
        return None
    year = _quarter_year(m, ctx, index, per_year)
    letter = "Q" if per_year == 4 else "H"
    if year is None:
        return "DATE", f"XXXX-{letter}{index}"
    if letter == "Q":
        ctx.last_quarter = (year, index)
    return "DATE", f"{year:04d}-{letter}{index}"


def _reference_quarter(ctx: _Ctx) -> tuple[int, int] | None:
    """The quarter the text is about: the last one named, else the last completed quarter before the DCT."""
    if ctx.dct is None:
        return ctx.last_quarter
    d = shift(ctx.dct, "Q", -1)
    completed = (d.year, quarter_of(d))
    if ctx.last_quarter and ctx.last_quarter <= completed:
        return ctx.last_quarter
    return completed


def _n_anaphoric_quarter(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the quarter', 'the latest quarter', 'the year-earlier period', 'year-ago'."""
    phrase = m.group().lower()
    if m["year"]:
        ref = _reference_quarter(ctx)
        return "DATE", f"{m['year']}-Q{ref[1]}" if ref else m["year"]
    if "period" in phrase and not re.search(r"latest|year|comparable|recent|same", phrase):
        return None
    if re.search(r"current|this", phrase):
        if ctx.dct is None:
            return "DATE", "XXXX-QX"
        return "DATE", fmt(ctx.dct, "Q")
    ref = _reference_quarter(ctx)
    if ref is None:
        return "DATE", "XXXX-QX"
    year, q = ref
    if re.search(r"year-(?:earlier|ago)|year\s+(?:earlier|ago)|comparable|year-before", phrase):
        year -= 1
    return "DATE", f"{year:04d}-Q{q}"


def _n_season(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'this summer', 'last fall', 'the winter of 1994', 'summer 1998'."""
    code = SEASONS[m["season"].lower()]
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    if _named_year(m):
        return "DATE", f"{_named_year(m):04d}-{code}"
    if rel in ("", "the") and m["season"].lower() in ("fall", "spring"):
        return None
    if ctx.dct is None:
        return "DATE", f"XXXX-{code}"
    index = {"SP": 1, "SU": 2, "FA": 3, "WI": 4}[code]
    current = {12: 4, 1: 4, 2: 4, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}[ctx.dct.month]
    base = ctx.dct.year - (1 if ctx.dct.month <= 2 else 0)  # a winter belongs to the year of its December
    if rel.startswith("last") or rel == "this past":
        year = base if index < current else base - 1
    elif rel.startswith("next") or rel == "this coming":
        year = base if index > current else base + 1
    elif rel == "this":
        year = base
    else:
        tense = ctx.tense(m.start(), m.end())
        year = (base if index >= current else base + 1) if tense == "future" else (base if index <= current else base - 1)
    return "DATE", f"{year:04d}-{code}"


_REL_STEP = {
    "this": 0, "current": 0, "the current": 0, "last": -1, "past": -1, "the past": -1, "the last": -1,
    "previous": -1, "the previous": -1, "this past": -1, "next": 1, "the next": 1, "coming": 1, "the coming": 1,
    "following": 1, "the following": 1, "this coming": 1,
}  # fmt: skip
_UNIT_GRAN = {"week": "W", "weekend": "W", "month": "M", "year": "Y", "fiscal year": "Y", "quarter": "Q", "decade": "DE", "century": "C"}


def _is_title(m: re.Match[str], ctx: _Ctx) -> bool:
    """Whether the match is a capitalised name inside a sentence: ABC's "This Week", "Next Year Country"."""
    words = m.group().split()
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return False
    before = ctx.text[: m.start()].rstrip(" \t\"'“‘`(")
    return bool(before) and before[-1] not in ".!?:\n"


def _n_relative(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'last month' → YYYY-MM, 'next week' → YYYY-Www, 'earlier this year' → YYYY, 'the past decade' → P10Y."""
    if _is_title(m, ctx):
        return None
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = re.sub(r"\s+", " ", m["unit"].lower())
    if rel in ("the past", "the last") and unit == "decade" and not m["pre"]:
        return "DURATION", "P10Y"
    gran = _UNIT_GRAN[unit]
    if ctx.dct is None:
        return "DATE", ctx.unknown(gran) + ("-WE" if unit == "weekend" else "")
    step_unit = {"W": "W", "M": "M", "Y": "Y", "Q": "Q", "DE": "DE", "C": "C"}[gran]
    d = shift(ctx.dct, step_unit, _REL_STEP[rel])
    if unit == "weekend":
        return "DATE", fmt(d, "W") + "-WE"
    return "DATE", fmt(d, gran)


_ANAPHOR_STEP = {"following": 1, "next": 1, "previous": -1, "prior": -1, "preceding": -1}
_ANAPHOR_GRAN = {"day": "D", "week": "W", "month": "M", "year": "Y"}


def _n_anaphoric(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the following month', 'that day', 'later that year', 'the next morning': from the date last named.

    Without a date as fine as needed, "the following month" counts from the
    DCT, and "that day" gets the month last named ("1998-10-XX"); after only
    a year it is too vague to tag. "the next week/month/year" are left to the
    DCT-relative rule.
    """
    unit = m["unit"].lower()
    direction = (m["dir"] or "").lower()
    part = unit if unit in DAY_PARTS else None
    gran = _ANAPHOR_GRAN.get(unit, "D")
    if direction == "next" and gran != "D":
        return None
    step = _ANAPHOR_STEP.get(direction, 0)
    ref = ctx.reference("D" if gran == "W" else gran)
    if ref is None and direction:
        ref = ctx.dct
    if ref is None:
        coarse = value_date(ctx.last_date) if ctx.last_date else None
        if coarse is None:
            return _day_with_part(UNKNOWN["D"], part) if gran == "D" else ("DATE", ctx.unknown(gran))
        if gran != "D" or coarse[1] != "M":
            return None
        return _day_with_part(fmt(coarse[0], "M") + "-XX", part)
    d = shift(ref, gran, step)
    return _day_with_part(d.isoformat(), part) if gran == "D" else ("DATE", fmt(d, gran))


# A period longer than a quarter in the same sentence: "a year earlier" then compares years, not quarters.
_LONGER_PERIOD = re.compile(r"\b(?:nine|six)\s+months|\bfirst\s+half\b|\b(?:the|this|fiscal|full)\s+year\b(?!'s)", re.IGNORECASE)


def _n_ago(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'two weeks ago' → the date, 'a year earlier' → the year (or year-ago quarter in earnings reports)."""
    n = number_value(m["num"])
    unit = m["unit"].lower().rstrip("s")
    if unit.endswith("centurie"):
        unit = "century"
    direction = m["dir"].lower()
    sign = 1 if direction in ("later", "from now", "hence", "after") else -1
    if n is None:
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF"
    if unit in ("second", "minute", "hour"):
        return ("DATE", fmt(ctx.dct, "D")) if ctx.dct else ("DATE", UNKNOWN["D"])
    letter, _, mult = UNITS[unit]
    gran = {"D": "D", "W": "D", "M": "M", "Q": "Q", "Y": "Y"}[letter]
    if mult == 10:
        gran = "DE"
    if unit == "year" and n == 1 and ctx.last_quarter is not None and direction in ("ago", "earlier", "before"):
        ref = None if _LONGER_PERIOD.search(ctx.sentence_before(m.start(), 200)) else _reference_quarter(ctx)
        if ref:
            return "DATE", f"{ref[0] - 1:04d}-Q{ref[1]}"
    if ctx.dct is None:
        return "DATE", ctx.unknown(gran)
    amount = int(round(n * mult))
    d = shift(ctx.dct, letter if letter != "W" else "W", sign * amount) if letter != "Y" else shift(ctx.dct, "Y", sign * amount)
    return "DATE", fmt(d, gran)


def _n_duration(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'three years' → P3Y, 'the past 12 months' → P12M, 'more than four hours' → PT4H."""
    n = number_value(m["num"])
    if m["half"]:
        n = (n or 0) + 0.5 if n is not None else None
    if n is not None and (n == 0 or re.fullmatch(r"1\d{3}|20\d\d", m["num"])):
        return None  # "the 1988 quarter" names a year, not a count
    if _not_a_duration(m, ctx):
        return None
    return "DURATION", _duration(n, m["unit"])


def _not_a_duration(m: re.Match[str], ctx: _Ctx) -> bool:
    """Ages ("52 years old"), ordinals ("a second group") and titles ("60 Minutes") look like durations."""
    after = ctx.text[m.end() : m.end() + 8]
    if re.match(r"\s*-?\s*old\b", after):
        return True
    if m["unit"][0].isupper() and not m.group()[0].isupper():
        return True
    return bool(re.fullmatch(r"an?", m["num"].strip(), re.I) and m["unit"].lower() == "second")


def _n_adj_duration(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'two-year', '16-hour', '8-month-old', 'several-year' → a duration."""
    n = number_value(m["num"].replace("-", " "))
    vague = n is None and m["num"].lower() in VAGUE_QUANTITIES
    if (n is None and not vague) or n == 0 or (m["old"] and m["unit"].lower() == "year"):
        return None
    return "DURATION", _duration(n, m["unit"])


def _n_adj_period(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'decades-long', 'years-old' → PXY; 'day-long' → P1D."""
    if m["plural"]:
        return "DURATION", _duration(None, m["plural"])
    return "DURATION", _duration(1, m["single"])


def _n_vague_duration(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'years', 'recent months', 'the coming weeks', 'the weeks ahead' → PXY, PXM, PXW; 'recent years' → PAST_REF."""
    unit = m["unit"].lower()
    phrase = m.group().lower()
    if "recent" in phrase and unit in ("years", "decades", "days"):
        return "DATE", "PAST_REF"
    if re.search(r"\b(?:for|in|over|within|of|after|take|took|takes|taking|last|lasted)\s*$", ctx.text[max(0, m.start() - 12) : m.start()], re.I) or m["adj"] or m["ahead"]:
        return "DURATION", _duration(None, unit)
    return None


_DEICTIC: dict[str, tuple[str, str] | int] = {
    "today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
    "the day after tomorrow": 2,
    "now": ("DATE", "PRESENT_REF"), "right now": ("DATE", "PRESENT_REF"), "currently": ("DATE", "PRESENT_REF"),
    "nowadays": ("DATE", "PRESENT_REF"), "at present": ("DATE", "PRESENT_REF"),
    "these days": ("DATE", "PRESENT_REF"), "this time": ("DATE", "PRESENT_REF"),
    "the present": ("DATE", "PRESENT_REF"), "current": ("DATE", "PRESENT_REF"),
    "recently": ("DATE", "PAST_REF"), "more recently": ("DATE", "PAST_REF"), "lately": ("DATE", "PAST_REF"),
    "formerly": ("DATE", "PAST_REF"), "the past": ("DATE", "PAST_REF"),
    "the future": ("DATE", "FUTURE_REF"), "the near future": ("DATE", "FUTURE_REF"), "future": ("DATE", "FUTURE_REF"),
    "the near term": ("DATE", "FUTURE_REF"), "the short term": ("DATE", "FUTURE_REF"),
    "the long term": ("DATE", "FUTURE_REF"), "a later date": ("DATE", "FUTURE_REF"),
    "as soon as possible": ("DATE", "FUTURE_REF"), "the coming months": ("DATE", "FUTURE_REF"),
}  # fmt: skip


def _n_deictic(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'yesterday' → DCT-1, 'now' → PRESENT_REF, 'the future' → FUTURE_REF, 'this morning' → DCT+TMO."""
    key = re.sub(r"\s+", " ", m["word"].lower())
    entry = _DEICTIC[key]
    if isinstance(entry, tuple):
        if key == "future" and not re.search(r"\b(?:in|near|for|of)\s+$", ctx.text[max(0, m.start() - 6) : m.start()]):
            return None
        return entry
    if ctx.dct is None:
        return _with_part(UNKNOWN["D"], m["part"])
    d = ctx.dct + dt.timedelta(days=entry)
    part = (m["part"] or "").lower() or None
    if key == "tonight":
        return "DATE", d.isoformat()
    return _with_part(d.isoformat(), part)


_DAY_OFFSET = {"yesterday": -1, "today": 0, "tomorrow": 1}


def _n_day_part(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'this morning' → DCT+TMO, 'last night' → DCT-1+TNI, 'mid-afternoon yesterday', 'overnight'."""
    rel = (m["rel"] or "").lower()
    part = (m["part"] or m["overnight"]).lower()
    if ctx.dct is None:
        return "TIME", f"{UNKNOWN['D']}T{DAY_PARTS[part]}"
    days = _DAY_OFFSET[m["day"].lower()] if m["day"] else -1 if rel == "last" else 0
    d = ctx.dct + dt.timedelta(days=days)
    return "TIME", f"{d.isoformat()}T{DAY_PARTS[part]}"


def _day_with_part(value: str, part: str | None) -> Norm:
    """A named day with a part of the day ("Friday night", "the next morning").

    Evenings and afternoons keep their part (``...TEV``); mornings and nights
    get the value of the day, as TimeBank and AQUAINT mostly annotate them.
    """
    if part and part.lower() in PARTS_KEPT_WITH_A_DAY:
        return "DATE", f"{value}T{DAY_PARTS[part.lower()]}"
    return "DATE", value


# Words before a weekday that put it after the time of speaking: "planned to leave on Thursday",
# "as soon as Tuesday", "is to resume trading Tuesday", "would be traveling Thursday".
# Not after "had been", "was" or "previously" ("had been due to expire Friday" is past).
_WEEKDAY_FUTURE_CUE = re.compile(
    r"(?<!\bbeen\s)(?<!\bwas\s)(?<!\bwere\s)(?<!\bpreviously\s)"
    r"\b(?:plan(?:s|ned|ning)?\s+(?:to|an?|the)|(?:set|scheduled|due|is|are)\s+to|as\s+(?:soon|early)\s+as|would\s+be)\b"
    r"(?![^,;:]*\b(?:was|were|had|said|ago|yesterday|last)\b)[^,;:]*$",
    re.IGNORECASE,
)


def _weekday_tense(m: re.Match[str], ctx: _Ctx) -> Tense:
    """Past or future for a bare weekday: a future cue earlier in its clause, else the nearest tense word."""
    if _WEEKDAY_FUTURE_CUE.search(ctx.sentence_before(m.start())):
        return "future"
    return ctx.tense(m.start(), m.end(), strict=True)


def _n_weekday(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'Monday' → the nearest Monday before (past) or after (future) the DCT; 'last Friday'; 'Friday night'.

    "the previous Friday" and "the following Monday" count from the day the
    text last named, when there is one, else from the DCT.
    """
    if not _cap_ok(m["wd"]):
        return None
    wd = WEEKDAYS[m["wd"].lower()]
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    part = (m["part"] or "").lower() or None
    if ctx.dct is None:
        return _day_with_part(f"XXXX-WXX-{wd}", part)
    anchor = ctx.dct
    if rel in ("the previous", "the following"):
        anchor = ctx.reference("D") or ctx.dct
    if rel in ("last", "this past", "the previous", "past"):
        d = resolve_weekday(anchor - dt.timedelta(days=1), wd, "past")
    elif rel in ("next", "this coming", "coming", "the following"):
        d = resolve_weekday(anchor + dt.timedelta(days=1), wd, "future")
    else:
        d = resolve_weekday(ctx.dct, wd, _weekday_tense(m, ctx))
    return _day_with_part(d.isoformat(), part)


def _n_set(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'every Monday' → XXXX-WXX-1, 'daily' → P1D, 'each month' → P1M, '$5 a year' → P1Y."""
    word = re.sub(r"\s+", " ", m.group().lower())
    adverbs = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M",
               "yearly": "P1Y", "hourly": "PT1H", "semiannually": "P6M"}  # fmt: skip
    if word in adverbs:
        if re.match(r"\s+[A-Za-z]", ctx.text[m.end() : m.end() + 2]) and not re.match(r"\s+(?:basis|and|or|at|in|on|for|since|to|from|by|until)\b", ctx.text[m.end() : m.end() + 8]):
            return None  # an adjective or a name: "daily volume", "Daily Mail"
        if word in ("weekly", "monthly", "daily", "quarterly") and re.match(r"\s+(?:newspaper|magazine|paper|publication|basis|report|meeting|dividend)", ctx.text[m.end() : m.end() + 14]) and word != "daily":
            return None
        return "SET", adverbs[word]
    if m["wd"]:
        if not _cap_ok(m["wd"]):
            return None
        part = (m["part"] or "").lower()
        return "SET", f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()]}" + (f"T{DAY_PARTS[part]}" if part else "")
    if m["mon"]:
        return "SET", f"XXXX-{month_number(m['mon']):02d}"
    if m["season"]:
        return "SET", f"XXXX-{SEASONS[m['season'].lower()]}"
    unit = (m["unit"] or m["unit2"] or "").lower()
    if unit in DAY_PARTS:
        return "SET", f"XXXX-XX-XXT{DAY_PARTS[unit]}"
    if unit == "weekend":
        return "SET", "XXXX-WXX-WE"
    if m["per"]:
        before = ctx.text[max(0, m.start() - 30) : m.start()].lower()
        if not re.search(r"(?:\d|%|percent|cents?|dollars?|million|billion|times|once|twice|thrice|euros?|pounds?|yen)\s*$", before):
            return None
    n = number_value(m["num"]) if m["num"] else 1.0
    return "SET", _duration(n, unit)


def _n_weekday_plural(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'Mondays', 'Tuesday nights', 'Sunday mornings' → a weekly SET."""
    if not _cap_ok(m["wd"]):
        return None
    part = (m["parts"] or m["parts1"] or "").lower().rstrip("s")
    return "SET", f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()]}" + (f"T{DAY_PARTS[part]}" if part else "")


_DAY_AFTER_ASIDE = re.compile(rf"\s*\([^()]{{1,24}}\)\s*,?\s*(?P<day>today|tonight|yesterday|tomorrow|{WEEKDAY_RE})\b", re.IGNORECASE)


def _day_of(m: re.Match[str], ctx: _Ctx) -> str:
    """The date a clock time belongs to: a named day after it (also after an aside: "10:35 a.m. (0735 GMT)
    Friday"), else the day named just before it, else the DCT."""
    day = (m["day"] or "").lower()
    if not day:
        aside = _DAY_AFTER_ASIDE.match(ctx.text, m.end())
        day = aside["day"].lower() if aside and (_cap_ok(aside["day"]) or aside["day"].lower() not in WEEKDAYS) else ""
    if ctx.dct is None:
        return UNKNOWN["D"]
    if m["dmon"]:
        d = resolve_month_day(ctx.dct, month_number(m["dmon"]), int(m["dday"]))
        return d.isoformat() if d else ctx.dct.isoformat()
    if day == "" and ctx.last_day and 0 <= m.start() - ctx.last_day[0] < 250:
        return ctx.last_day[1]  # "Friday ... at 10:35 a.m." belongs to that Friday
    if day in ("today", "tonight", ""):
        return ctx.dct.isoformat()
    if day == "yesterday":
        return (ctx.dct - dt.timedelta(days=1)).isoformat()
    if day == "tomorrow":
        return (ctx.dct + dt.timedelta(days=1)).isoformat()
    return resolve_weekday(ctx.dct, WEEKDAYS[day], ctx.tense(m.start(), m.end())).isoformat()


def _n_clock(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'3 p.m.' → DCTT15:00, '10 p.m. Wednesday', 'noon Saturday', '7:15 p.m. EST'."""
    if m["named"]:
        if re.search(r"\bhigh\s+$", ctx.text[max(0, m.start() - 6) : m.start()], re.IGNORECASE):
            return None  # "high noon", the idiom
        hour, minute = (12, 0) if m["named"].lower() in ("noon", "midday") else (24, 0)
    else:
        hour, minute = int(m["h"]), int(m["mi"] or 0)
        if hour > 12 or minute > 59:
            return None
        pm = m["ampm"].lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    return "TIME", f"{_day_of(m, ctx)}T{hour:02d}:{minute:02d}"


def _n_holiday(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'Christmas', 'last Thanksgiving', 'Easter 2016', 'Easter week' (→ its ISO week).

    A bare holiday is the one before or after the DCT that the tense points
    to, unless the other is much nearer (a story of April 17 on "Easter").
    """
    name = m["hol"]
    if not _cap_ok(name):
        return None
    if m["year"]:
        d = holiday(name, int(m["year"]))
        return ("DATE", fmt(d, "W") if m["week"] else d.isoformat()) if d else None
    if ctx.dct is None:
        return None
    rel = (m["rel"] or "").lower()
    this_year = holiday(name, ctx.dct.year)
    if this_year is None:
        return None
    before = this_year if this_year <= ctx.dct else holiday(name, ctx.dct.year - 1)
    after = this_year if this_year > ctx.dct else holiday(name, ctx.dct.year + 1)
    if rel == "last":
        d = before
    elif rel == "next":
        d = after
    elif rel == "this":
        d = this_year
    else:
        d = nearer_side(ctx.dct, before, after, ctx.tense(m.start(), m.end()))
    if d is None:
        return None
    return "DATE", fmt(d, "W") if m["week"] else d.isoformat()


def _n_period_edge(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'year-end', 'the end of the year' → YYYY, 'the end of the month' → YYYY-MM."""
    unit = (m["unit"] or m["unit2"]).lower()
    gran = {"year": "Y", "month": "M", "week": "W", "quarter": "Q", "decade": "DE"}.get(unit.split("'")[0], "Y")
    if ctx.dct is None:
        return "DATE", UNKNOWN[gran]
    return "DATE", fmt(ctx.dct, gran)


def _n_fiscal_year(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the fiscal year' → P1Y; 'the full year' → the DCT's year."""
    if "fiscal" in m.group().lower():
        return "DURATION", "P1Y"
    return ("DATE", fmt(ctx.dct, "Y")) if ctx.dct else ("DATE", "XXXX")


def _n_weekend(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the weekend' → the weekend before (past) or after (future) the DCT, as ``YYYY-Www-WE``."""
    if ctx.dct is None:
        return "DATE", "XXXX-WXX-WE"
    saturday = resolve_weekday(ctx.dct, 6, ctx.tense(m.start(), m.end()))
    if saturday > ctx.dct and ctx.dct.isoweekday() == 7:
        saturday = ctx.dct - dt.timedelta(days=1)
    return "DATE", fmt(saturday, "W") + "-WE"


def _n_the_year(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'the year ended June 30' → P1Y (a fiscal year); 'for the year' → the DCT's year."""
    after = ctx.text[m.end() : m.end() + 12].lower()
    if re.match(r"\s+(?:before|after|earlier|ago|in\s+which|when|that|of\s)|-", after):
        return None
    if re.match(r"\s+(?:ended|ending|to\s+end)", after):
        return "DURATION", "P1Y"
    before = ctx.text[max(0, m.start() - 10) : m.start()].lower()
    if not re.search(r"\b(?:for|of|in|during|through|throughout)\s+$", before):
        return None
    return ("DATE", fmt(ctx.dct, "Y")) if ctx.dct else ("DATE", "XXXX")


def _n_spelled_year(m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """'nineteen ninety-six' → 1996, 'the year two thousand' → 2000."""
    if m["millennium"]:
        rest = number_value(m["mrest"]) if m["mrest"] else 0
        return ("DATE", f"{2000 + int(rest):04d}") if rest is not None else None
    year = _spelled_year(m.group())
    return ("DATE", f"{year:04d}") if year else None


def _spelled_year(text: str) -> int | None:
    """The year of 'nineteen ninety-six' (the last two words of ``text``); ``None`` when not one."""
    found = re.search(rf"(nineteen|eighteen)[\s-]+({WORD_NUMBER})$", text, re.IGNORECASE)
    rest = number_value(found[2]) if found else None
    if found is None or rest is None or rest < 10:
        return None
    return (19 if found[1].lower() == "nineteen" else 18) * 100 + int(rest)


def _named_year(m: re.Match[str]) -> int | None:
    """The year written after a month or season, in digits ("June 1998") or words ("June nineteen ninety-eight")."""
    if m["year"]:
        return int(m["year"])
    return _spelled_year(m["syear"]) if m["syear"] else None


# --------------------------------------------------------------------------- rules


# Trigger words by category. Every match of a rule contains a word of one of the
# rule's categories, so a rule only runs in windows around those words: much
# faster than scanning the whole text with every rule.
_TRIGGER_PREFIXES: dict[str, tuple[str, ...]] = {
    "month": tuple(m for m in MONTHS if not m.endswith(".")),
    "weekday": tuple(WEEKDAYS),
    "season": tuple(SEASONS),
    "unit": ("second", "minute", "hour", "day", "night", "week", "fortnight", "month", "quarter", "year", "decade", "centur"),
    "deictic": ("today", "tonight", "yesterday", "tomorrow", "now", "current", "recent", "lately", "formerly", "past",
                "future", "term", "date", "possible", "present", "noon", "midnight", "midday", "overnight", "morning",
                "afternoon", "evening"),
    "freq": ("every", "each", "daily", "nightly", "weekly", "biweekly", "monthly", "yearly", "hourly", "semiannually"),
    "holiday": ("christmas", "thanksgiving", "easter", "independence", "labor", "memorial", "halloween", "valentine",
                "election", "veterans"),
    "spelled": ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties",
                "nineteen", "eighteen", "thousand"),
    "fiscal": ("half", "period"),
}  # fmt: skip
_TRIGGERS = ("digit", *_TRIGGER_PREFIXES)
_TOKEN = re.compile(r"[A-Za-z]+|\d+")


@functools.lru_cache(maxsize=65536)
def _categories(word: str) -> tuple[str, ...]:
    """The trigger categories of a lower-cased word ("" when none): a word counts when it starts with a trigger."""
    if word[0].isdigit():
        return ("digit",)
    found = tuple(name for name, prefixes in _TRIGGER_PREFIXES.items() if word.startswith(prefixes))
    return found + ("month",) if word + "." in MONTHS else found


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    normalise: Callable[[re.Match[str], _Ctx], Norm | None]
    triggers: tuple[str, ...]


def _rule(name: str, pattern: str, normalise: Callable[[re.Match[str], _Ctx], Norm | None], triggers: str) -> _Rule:
    """A rule: its regex (bounded at word edges, case-insensitive), normaliser and trigger categories."""
    return _Rule(name, re.compile(_B + pattern + _E, re.IGNORECASE), normalise, tuple(triggers.split()))


_REL_WORDS = (
    r"this|last|next|the\s+past|the\s+last|the\s+coming|the\s+previous|the\s+following|the\s+current|the\s+next|"
    r"this\s+past|this\s+coming|current|past|coming|previous|following"
)
_MON = rf"(?P<mon>{MONTH_RE})"
_QUARTER_REL = r"latest|current|previous|past|last|next|year-earlier|year-ago|comparable|same|flat|final|recent|fiscal|first|strong|weak|disappointing"

_RULES: list[_Rule] = [
    _rule("week_of", rf"the\s+week\s+of\s+{_WD}{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>{_YEAR}))?", _n_week_of, "month"),
    _rule("date_mdy", rf"{_WD}{_MON}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>{_YEAR}))?", _n_explicit_date, "month"),
    _rule("date_dmy", rf"{_WD}(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MON}(?:,?\s+(?P<year>{_YEAR}))?", _n_explicit_date, "month"),
    _rule("date_numeric", rf"(?:(?P<iso>{_YEAR}-[01]\d-[0-3]\d)|(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>\d{{4}}|\d{{2}}))", _n_numeric_date, "digit"),
    _rule(
        "month",
        rf"(?:{_PRE}[\s-]+)?(?:(?P<rel0>this\s+past|this\s+coming|last|this|next)\s+)?{_MON}"
        rf"(?:,?\s+(?:of\s+)?(?:(?P<year>{_YEAR})|(?P<syear>{_SPELLED_YEAR}))|\s+(?P<relyear>(?:this|last|next)\s+year)|(?P<rel>))?",
        _n_month, "month"),
    _rule("year", rf"(?:{_PRE}[\s-]+)?(?:the\s+year\s+)?(?:(?P<fiscal>fiscal(?:\s+year)?|FY)[\s-]*)?(?P<year>{_YEAR}){_YEAR_GUARD}", _n_year, "digit"),
    _rule("decade", r"(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:(?P<dec4>1\d\d0|20\d0)'?s|'(?P<dec2>\d0)s|(?P<decw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))", _n_decade, "digit spelled"),
    _rule("century", rf"(?:the\s+)?(?:(?P<rel>this|last|next)|(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL_RE}))\s+century", _n_century, "unit"),
    _rule(
        "quarter",
        rf"(?:(?:the|(?P<owner>this\s+year's|last\s+year's|next\s+year's|the\s+previous\s+year's)|(?:the\s+)?(?P<y1>{_YEAR}))\s+)?"
        rf"(?:(?P<rel>{_QUARTER_REL})[\s-]+)?(?:(?:fiscal|calendar)[\s-]+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"
        rf"[\s-]+(?:(?:fiscal|calendar)\s+)?(?P<unit>quarter|half)"
        rf"(?:\s+of\s+(?:(?:fiscal|the\s+fiscal\s+year|the\s+year)\s+)?(?P<y2>{_YEAR})|\s+(?P<rely>this|last|next)\s+year)?",
        _n_quarter, "unit fiscal"),
    _rule(
        "quarter_anaphor",
        r"(?:(?:the|this|that|its)\s+(?:(?:latest|current|recent|most\s+recent|year-earlier|year-ago|comparable|same|previous|fiscal)[\s-]+)*(?:quarter|period)"
        r"|(?:the\s+)?(?:comparable\s+)?(?:year-earlier|year-ago)(?:\s+(?:quarter|period))?|the\s+quarter\s+a\s+year\s+(?:ago|earlier)"
        rf"|the\s+(?P<year>{_YEAR})\s+(?:quarter|period))",
        _n_anaphoric_quarter, "unit fiscal"),
    _rule(
        "season",
        rf"(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the\s+early|the\s+late|the|early|late|mid)[\s-]+)?(?P<season>{SEASON_RE})(?:\s+(?:of\s+)?(?:(?P<year>{_YEAR})|(?P<syear>{_SPELLED_YEAR})))?",
        _n_season, "season"),
    _rule(
        "anaphoric",
        r"(?:(?:earlier|later)\s+)?(?:that(?:\s+same)?|the\s+same|the\s+(?P<dir>following|next|previous|prior|preceding))"
        r"\s+(?P<unit>day|week|month|year|morning|afternoon|evening|night)",
        _n_anaphoric, "unit deictic"),
    _rule(
        "relative",
        rf"(?:(?P<pre>early|earlier|late|later|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|mid)[\s-]+)?"
        rf"(?P<rel>{_REL_WORDS})\s+(?P<unit>week|weekend|month|year|quarter|decade|century|fiscal\s+year)(?:'s)?",
        _n_relative, "unit"),
    _rule(
        "set",
        rf"(?:(?:every|each)\s+(?:other\s+)?(?:(?P<num>{NUMBER})\s+)?(?:(?P<wd>{WEEKDAY_RE})(?:\s+{_DAYPART})?|{_MON}|(?P<season>{SEASON_RE})|(?P<unit>{UNIT_RE}|morning|afternoon|evening|night|weekend))"
        r"|daily|nightly|weekly|biweekly|monthly|yearly|hourly|semiannually"
        r"|(?P<per>an?|per)\s+(?P<unit2>year|month|week|day|hour|quarter))",
        _n_set, "freq unit"),
    _rule(
        "ago",
        rf"(?:{_MOD}\s+)?(?P<num>{NUMBER})\s+(?P<unit>{UNIT_RE})(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|from\s+now|hence)",
        _n_ago, "unit"),
    _rule(
        "duration",
        rf"(?:{_MOD}\s+(?!the\b))?(?:the\s+)?(?:(?:past|last|next|first|coming|previous|following|latest|final|remaining|entire|whole|full|initial|additional|same)\s+)?"
        rf"(?P<num>{NUMBER})\s+(?:(?:more|additional|full|straight|consecutive|trading|business|calendar|long|short|extra|whole)\s+)?"
        rf"(?P<unit>{UNIT_RE})(?P<half>\s+and\s+a\s+half)?",
        _n_duration, "unit"),
    _rule("adj_period", r"(?:(?P<plural>decades|years|months|weeks|days|hours)-(?:long|old)|(?P<single>decade|year|month|week|day|hour)-long)", _n_adj_period, "unit"),
    _rule("adj_duration", r"(?P<num>\d+(?:\.\d+)?|[a-z]+(?:-[a-z]+)?)-(?P<unit>second|minute|hour|day|week|month|year|decade)(?P<old>s?-old)?", _n_adj_duration, "unit"),
    _rule(
        "vague_duration",
        r"(?:(?P<adj>recent|coming|the\s+coming|the\s+past|past|the\s+next|the\s+last|the\s+following|previous)\s+)?(?P<unit>years|months|weeks|days|decades|hours|minutes|centuries)(?P<ahead>\s+ahead)?",
        _n_vague_duration, "unit"),
    _rule("period_edge", r"(?:(?:around|at)\s+)?(?:(?:the\s+)?(?P<unit>year)(?:'s)?[-\s]end|the\s+(?:end|beginning|start|middle)\s+of\s+the\s+(?P<unit2>year|month))", _n_period_edge, "unit"),
    _rule("fiscal_year", r"the\s+(?:fiscal|full)\s+year", _n_fiscal_year, "unit"),
    _rule("weekend", r"the\s+weekend", _n_weekend, "unit"),
    _rule("the_year", r"the\s+year", _n_the_year, "unit"),
    _rule(
        "spelled_year",
        rf"(?:the\s+year\s+)?(?:(?P<cent>nineteen|eighteen)[\s-]+(?P<rest>{WORD_NUMBER})|the\s+year\s+(?P<millennium>two\s+thousand)(?:\s+(?:and\s+)?(?P<mrest>{WORD_NUMBER}))?)",
        _n_spelled_year, "spelled"),
    _rule(
        "deictic",
        r"(?:(?:early|late|earlier|later)\s+)?(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|tonight|yesterday|tomorrow|right\s+now|now|currently|nowadays|at\s+present|these\s+days|the\s+present|current|more\s+recently|recently|lately|formerly|the\s+past|the\s+near\s+future|the\s+future|future|the\s+near\s+term|the\s+short\s+term|the\s+long\s+term|a\s+later\s+date|as\s+soon\s+as\s+possible)"
        r"(?:\s+(?P<part>morning|afternoon|evening|night))?",
        _n_deictic, "deictic unit"),
    _rule(
        "day_part",
        r"(?:(?:(?P<rel>this|last)\s+|mid[-\s]?(?=morning|afternoon))(?P<part>morning|afternoon|evening|night)"
        r"(?:,?\s+(?P<day>yesterday|today|tomorrow))?|(?P<overnight>overnight))",
        _n_day_part, "deictic"),
    _rule(
        "weekday",
        rf"(?:(?:early|late|earlier|later)\s+)?(?:(?P<rel>last|next|this\s+past|this\s+coming|this|the\s+previous|the\s+following|coming|past)\s+)?(?P<wd>{WEEKDAY_RE})(?:\s+{_DAYPART})?",
        _n_weekday, "weekday"),
    _rule("weekday_plural", rf"(?P<wd>{WEEKDAY_RE})(?:s(?:\s+(?P<parts>mornings|afternoons|evenings|nights))?|\s+(?P<parts1>mornings|afternoons|evenings|nights))", _n_weekday_plural, "weekday"),
    _rule(
        "clock",
        rf"(?:(?:around|about|at\s+about|shortly\s+after|shortly\s+before|approximately|just\s+after|just\s+before)\s+)?"
        rf"(?:(?P<h>\d{{1,2}})(?:[:.](?P<mi>\d\d))?\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m(?![a-z]))|(?P<named>noon|midnight|midday))"
        rf"(?:\s+(?:[ECMP][SD]T|GMT|UTC|local\s+time))?"
        rf"(?:,?\s+(?P<day>today|tonight|yesterday|tomorrow|{WEEKDAY_RE}|{_MON.replace('mon', 'dmon')}\s+(?P<dday>\d{{1,2}})))?",
        _n_clock, "digit deictic"),
    _rule(
        "holiday",
        r"(?:(?P<rel>last|next|this)\s+)?(?P<hol>Christmas(?:\s+Eve|\s+Day)?|New\s+Year's(?:\s+Eve|\s+Day)?|Thanksgiving(?:\s+Day)?|Easter(?:\s+Sunday)?"
        r"|Independence\s+Day|Labor\s+Day|Memorial\s+Day|Halloween|Valentine's\s+Day|Election\s+Day|Veterans\s+Day)(?P<week>\s+week)?(?:\s+(?P<year>\d{4}))?",
        _n_holiday, "holiday"),
]


# --------------------------------------------------------------------------- entry point


_WINDOW_BEFORE, _WINDOW_AFTER = 40, 30


def _windows(text: str, positions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merged text ranges around trigger words (sorted), ending at white space so no word is cut."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for t_start, t_end in positions:
        start = max(0, t_start - _WINDOW_BEFORE)
        end = min(n, t_end + _WINDOW_AFTER)
        while end < n and not text[end].isspace():
            end += 1
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _trigger_positions(text: str) -> dict[str, list[tuple[int, int]]]:
    """Where each trigger category occurs in ``text`` (in text order)."""
    found: dict[str, list[tuple[int, int]]] = {name: [] for name in _TRIGGERS}
    for m in _TOKEN.finditer(text):
        for name in _categories(m.group().lower()):
            found[name].append(m.span())
    return found


_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")
_AND = re.compile(r"\s*,?\s+(?:and|or)\s+")
_SECOND_DAY = re.compile(r"\s*,?\s+(?:and|or)\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![.,:]\d|\s*(?:%|percent|[ap]\.?m\b))")
_WEEKLY = re.compile(r"XXXX-WXX-\d(?P<part>T[A-Z]{2})?")


def _coordinated(text: str, found: list[TimeExpression]) -> list[TimeExpression]:
    """Spread what coordination shares: "April 24 and 25" (the month), "Monday and Tuesday nights" (a SET).

    Adds the bare day number after a date, and turns a weekday joined by
    "and"/"or" to a weekly SET into the same kind of SET.
    """
    out: list[TimeExpression] = []
    for i, t in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) else None
        weekly = _WEEKLY.fullmatch(nxt.value) if nxt and nxt.type == "SET" else None
        if weekly and nxt and t.text.lower() in WEEKDAYS and _cap_ok(t.text) and _AND.fullmatch(text, t.span.end, nxt.span.start):
            t = TimeExpression(t.span, t.text, "SET", f"XXXX-WXX-{WEEKDAYS[t.text.lower()]}{weekly['part'] or ''}")
        out.append(t)
        second = _SECOND_DAY.match(text, t.span.end) if _DAY_VALUE.fullmatch(t.value) and t.text[-1:].isdigit() else None
        if second and (nxt is None or nxt.span.start >= second.end()):
            try:
                d = dt.date.fromisoformat(t.value).replace(day=int(second["day"]))
            except ValueError:
                continue
            span = Span(second.start("day"), second.end("day"))
            out.append(TimeExpression(span, text[span.start : span.end], "DATE", d.isoformat()))
    return out


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def _normalise(rule, m: re.Match[str], ctx: _Ctx) -> Norm | None:
    """A rule's value for a match; ``None`` when the date falls outside the calendar ("125,000 years ago")."""
    try:
        return rule.normalise(m, ctx)
    except (ValueError, OverflowError):
        return None


def find_timexes(text: str, dct: str | None, tense_hint: str | None = None) -> list[TimeExpression]:
    """The time expressions in ``text``, normalised against the publication date ``dct`` (``YYYY-MM-DD``).

    ``tense_hint`` ("past" or "future") is the tense assumed where no verb near
    an expression decides it; news reporting defaults to the past. Without a
    ``dct`` relative expressions get underspecified values (``XXXX-XX-XX``).
    Spans are ``str`` offsets into ``text``; the result is in text order.
    """
    date = parse_date(dct)
    probe = _Ctx(text, date, tense_hint)
    candidates: list[tuple[int, int, int, re.Match[str]]] = []
    positions = _trigger_positions(text)
    for index, rule in enumerate(_RULES):
        spans = sorted(p for name in rule.triggers for p in positions[name])
        for w_start, w_end in _windows(text, spans):
            for m in rule.pattern.finditer(text, w_start, w_end):
                if m.end() > m.start() and _normalise(rule, m, probe) is not None:
                    candidates.append((m.start(), m.end(), index, m))
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, int, re.Match[str]]] = []
    for cand in candidates:
        if not _overlaps((cand[0], cand[1]), taken):
            taken.append((cand[0], cand[1]))
            chosen.append(cand)
    chosen.sort()
    ctx = _Ctx(text, date, tense_hint, _tense_cache=probe._tense_cache)
    result: list[TimeExpression] = []
    for start, end, index, m in chosen:
        norm = _normalise(_RULES[index], m, ctx)
        if norm is None:
            continue
        result.append(TimeExpression(span=Span(start, end), text=text[start:end], type=norm[0], value=norm[1]))  # type: ignore[arg-type]
        if _DAY_VALUE.match(norm[1]):
            ctx.last_day = (end, norm[1][:10])
        if norm[0] == "DATE" and value_date(norm[1]):
            ctx.last_date = norm[1]
    return _coordinated(text, result)
