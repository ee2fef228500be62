"""Figures in a claim: a value, what it counts, and whether it is a bound or a running total.

"at least 20 dead" is a lower bound on deaths; "the toll rose to 35" is a running
total of deaths; "$23 billion" is money in USD. Years and numbers inside time
expressions are not figures. Comparing two figures only makes sense when they
count the same thing, so every figure carries a ``kind``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from ._claim_lexicon import (
    APPROXIMATE,
    CURRENCIES,
    GROWTH,
    LOWER_BOUND,
    NUMBER_WORDS,
    QUANTITY_PATTERNS,
    SCALE_WORDS,
    UPPER_BOUND,
)
from .text import stem

Bound = Literal["exact", "lower", "upper", "approximate"]

_NUMBER = re.compile(
    r"(?:(?P<cur>USD\s?\$|US\$|USD|EUR|GBP|[$€£¥])\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|m|k)\b)?"
    r"(?P<pct>\s?%|\s(?:per ?cent|percent)\b)?",
    re.I,
)
_WORD_NUMBER = re.compile(r"\b(?P<word>" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.I)
_NEXT_WORDS = re.compile(r"\s*(?:[-–]\s*)?([A-Za-z][A-Za-z'-]*)")
_IDENTIFIER = re.compile(r"(?:(?<=\S )|(?<=[“\"'(]))[A-Z][A-Za-z]*\s$")
_VAGUE = frozenset({"dozen", "dozens", "hundreds", "thousands"})
_COMPLEMENT = re.compile(
    r"\b(?:r[io]sen?|climbed|reached|stood|stands|increased|grew|jumped|fell|dropped|decreased|lowered|"
    r"revised|corrected|put|estimated|raised|cut)(?: (?:down|up|downwards?|upwards?))?(?: (?:to|at))\s*$",
    re.I,
)
_CLOCK_ZONE = re.compile(r"\s?(?:BST|GMT|UTC|CET|JST|[ECMP][SD]?T|a\.m\.|p\.m\.|am|pm)\b")
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_UNIT_AFTER_TENS = re.compile(r"[-‐]\s?(one|two|three|four|five|six|seven|eight|nine)\b", re.I)
_AFTER_CLOCK = re.compile(r"(?:[ap]\.m\.|\b[ECMP][SD]?T|\bGMT)\s*(?:-LRB-|\()\s*$", re.I)
_STOP_NOUNS = frozenset({"of", "the", "a", "an", "and", "or", "in", "on", "at", "to", "per", "for", "from", "by", "more"})


@dataclass(frozen=True)
class Figure:
    """One number in a claim: ``kind`` says what it counts (``deaths``, ``money:USD``, ``percent``, a noun stem)."""

    value: float
    kind: str
    bound: Bound
    growth: bool
    start: int
    end: int
    vague: bool = False  # "hundreds", "dozens": an order of magnitude, not a count


def _scale(word: str | None) -> float:
    return SCALE_WORDS.get(word.lower(), 1.0) if word else 1.0


def _kind(text: str, start: int, end: int, currency: str | None, percent: bool) -> str:
    """What a number at ``[start, end)`` counts: a class from the lexicon, money, percent or the next noun."""
    if currency:
        return f"money:{currency}"
    if percent:
        return "percent"
    after = text[end : end + 60]
    nxt = [m.group(1).lower() for m in _NEXT_WORDS.finditer(after)][:3]
    cur = next((CURRENCIES[w] for w in nxt[:2] if w in CURRENCIES), None)
    if cur:
        return f"money:{cur}"
    lo = max(0, start - 40)
    window = text[lo : end + 40]
    near = [  # the nearest class word; one after the number ("20 injured") beats one before it
        (m.start() + lo - end if m.start() + lo >= end else 2 * max(0, start - m.end() - lo) + 1, cls)
        for pattern, cls in QUANTITY_PATTERNS
        for m in pattern.finditer(window)
    ]
    if near:
        return min(near)[1]
    if _COMPLEMENT.search(text[max(0, start - 40) : start]):
        # "The death toll from Tuesday's bombing rose to 35": the class word is the subject, further back.
        subject = [(start - m.end(), cls) for pattern, cls in QUANTITY_PATTERNS for m in pattern.finditer(text[:start])]
        if subject:
            return min(subject)[1]
    nouns = [w for w in nxt if w not in _STOP_NOUNS]
    return stem(nouns[0]) if nouns else "count"


def _currency(symbol: str | None) -> str | None:
    """ISO code of a currency prefix (``US$``, ``USD $``, ``€``)."""
    if not symbol:
        return None
    key = "$" if "$" in symbol else symbol.lower()
    return CURRENCIES.get(key)


def _bound(before: str) -> Bound:
    if LOWER_BOUND.search(before):
        return "lower"
    if UPPER_BOUND.search(before):
        return "upper"
    if APPROXIMATE.search(before):
        return "approximate"
    return "exact"


def _is_year(raw: str, scale: str | None, currency: str | None, pct: str | None) -> bool:
    return bool(re.fullmatch(r"(1[89]|20)\d\d", raw)) and not (scale or currency or pct)


def find_figures(text: str, skip: list[tuple[int, int]] | None = None) -> list[Figure]:
    """Figures in ``text`` (one claim), leaving out years and anything inside ``skip`` (time expressions)."""
    skip = skip or []
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in skip + taken)

    for m in _NUMBER.finditer(text):
        raw, scale, cur, pct = m.group("num"), m.group("scale"), m.group("cur"), m.group("pct")
        s, e = m.start(), m.end()
        if not free(s, e) or _is_year(raw, scale, cur, pct):
            continue
        signed = s > 0 and text[s - 1] in "-−" and (s == 1 or text[s - 2].isspace())
        if not cur and s > 0 and not signed and (text[s - 1].isalnum() or text[s - 1] in "-/:.,"):
            continue  # part of a code, a score or a time (A380, 3-2, 10:30)
        if re.match(r"[:/-]\d|[-–][A-Za-z]", text[e : e + 2]):
            continue  # a time, a date or a score (10:30, 3/4, 3-2), or a compound (7.0-magnitude, 10-year)
        if not cur and _IDENTIFIER.search(text[:s]):
            continue  # a model or flight number (Boeing 787, Flight 447)
        if _CLOCK_ZONE.match(text, e) or _AFTER_CLOCK.search(text, 0, s):
            continue  # a clock time ("11.49 BST", "10.40 GMT", "6:40 p.m. (0140 in Egypt")
        value = float(raw.replace(",", "")) * _scale(scale)
        currency = _currency(cur)
        found.append(_figure(text, value, s, e, currency, bool(pct)))
        taken.append((s, e))
    for m in _WORD_NUMBER.finditer(text):
        s, e = m.start(), m.end()
        if not free(s, e):
            continue
        word = m.group("word").lower()
        if word == "one":
            continue  # "one of", "one day": rarely a count
        value = NUMBER_WORDS[word]
        unit_m = _UNIT_AFTER_TENS.match(text, e) if word in _TENS else None
        if unit_m:  # "forty-eight"
            value += NUMBER_WORDS[unit_m.group(1).lower()]
            e = unit_m.end()
        scale_m = re.match(r"\s(hundred|thousand|million|billion)\b", text[e:], re.I)
        value *= _scale(scale_m.group(1)) if scale_m else 1.0
        end = e + (scale_m.end() if scale_m else 0)
        figure = _figure(text, value, s, end, None, False)
        if word in _VAGUE:
            figure = replace(figure, bound="approximate", vague=True)
        found.append(figure)
        taken.append((s, end))
    return _ranges(text, sorted(found, key=lambda f: f.start))


#: Kinds that say nothing of what is counted: no noun, or only the scale word ("94 million to 184 million gallons").
_UNCOUNTED = frozenset({"count", *SCALE_WORDS, *(stem(w) for w in SCALE_WORDS)})
_RANGE_LINK = re.compile(r"\s*(?:to|and|-|–)\s*$", re.I)


def _ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """The first number of a range counts what the second does: "94 million to 184 million gallons"."""
    out = list(figures)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if a.kind in _UNCOUNTED and b.kind not in _UNCOUNTED and _RANGE_LINK.fullmatch(text[a.end : b.start]):
            out[i] = replace(a, kind=b.kind)
    return out


def _figure(text: str, value: float, s: int, e: int, currency: str | None, percent: bool) -> Figure:
    before = text[max(0, s - 30) : s]
    return Figure(
        value=value,
        kind=_kind(text, s, e, currency, percent),
        bound=_bound(before),
        growth=bool(GROWTH.search(text[max(0, s - 40) : s])),
        start=s,
        end=e,
    )
