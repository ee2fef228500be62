"""Words of time: month, weekday, season and unit names, and number words.

Kept apart from the rules in :mod:`storyline.analyze.timex` so that the regular
expressions there read as grammar and the vocabulary lives in one place.
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "january": 1, "jan.": 1, "february": 2, "feb.": 2, "march": 3, "mar.": 3, "april": 4, "apr.": 4,
    "may": 5, "june": 6, "jun.": 6, "july": 7, "jul.": 7, "august": 8, "aug.": 8, "september": 9,
    "sept.": 9, "sep.": 9, "october": 10, "oct.": 10, "november": 11, "nov.": 11, "december": 12, "dec.": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
}  # fmt: skip

SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}

# Parts of the day and their TIMEX3 codes.
DAY_PARTS: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI", "midday": "MI",
}  # fmt: skip
# Parts of the day that stay in the value of a named day ("Friday evening" → ...T EV). TimeBank and
# AQUAINT give a day with "morning" or "night" ("Friday night") the value of the day itself far more often.
PARTS_KEPT_WITH_A_DAY = frozenset({"afternoon", "evening", "midday"})

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}  # fmt: skip

_ONES: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Quantities that name no exact number: the value gets an ``X``.
VAGUE_QUANTITIES = ("a few", "few", "several", "some", "many", "a number of", "numerous", "various", "countless")

# (TIMEX3 unit letter, is a time-of-day unit, multiplier) for each unit word.
UNITS: dict[str, tuple[str, bool, int]] = {
    "second": ("S", True, 1), "minute": ("M", True, 1), "hour": ("H", True, 1), "day": ("D", False, 1),
    "night": ("D", False, 1), "week": ("W", False, 1), "fortnight": ("W", False, 2), "month": ("M", False, 1),
    "quarter": ("Q", False, 1), "year": ("Y", False, 1), "decade": ("Y", False, 10),
    "century": ("Y", False, 100), "centurie": ("Y", False, 100),
}  # fmt: skip


def _alternation(words: list[str]) -> str:
    """A regex alternation of ``words``, longest first so that prefixes do not win."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


WORD_NUMBER = (
    rf"(?:(?:{_alternation(list(_TENS))})(?:[- ](?:{_alternation([w for w in _ONES if _ONES[w] < 10])}))?"
    rf"|{_alternation(list(_ONES))})"
)
# A cardinal number as written in news text: digits, words, "a", "a couple of", vague quantities.
NUMBER = (
    rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?(?:\s+1/2|\s*½)?|{WORD_NUMBER}(?:[- ](?:hundred|thousand))?|a\s+couple(?:\s+of)?"
    rf"|a\s+dozen|a\s+half|half\s+an?|an?|{_alternation(list(VAGUE_QUANTITIES))})"
)
# Case-insensitive regex alternations of each vocabulary.
MONTH_RE = _alternation([m for m in MONTHS if m != "may"]) + "|May"
WEEKDAY_RE = _alternation(list(WEEKDAYS))
SEASON_RE = _alternation(list(SEASONS))
ORDINAL_RE = _alternation(list(ORDINALS))
UNIT_RE = r"(?:second|minute|hour|day|night|week|fortnight|month|quarter|year|decade|centur(?:y|ies))s?"


def number_value(text: str) -> float | None:
    """The value of a number phrase matched by :data:`NUMBER`; ``None`` when it is vague."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    half = 0.5 if t.endswith(("1/2", "½")) else 0.0
    t = re.sub(r"\s*(?:1/2|½)$", "", t)
    if t in VAGUE_QUANTITIES:
        return None
    if t in ("a", "an"):
        return 1.0
    if t in ("a half", "half a", "half an"):
        return 0.5
    if t.startswith("a couple"):
        return 2.0
    if t == "a dozen":
        return 12.0
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", t):
        return float(t.replace(",", "")) + half
    total = 0
    for part in re.split(r"[- ]", t):
        if part in _ONES:
            total += _ONES[part]
        elif part in _TENS:
            total += _TENS[part]
        elif part == "hundred":
            total = max(total, 1) * 100
        elif part == "thousand":
            total = max(total, 1) * 1000
        else:
            return None
    return float(total) + half


def month_number(word: str) -> int:
    """The month number (1-12) of a month name or abbreviation."""
    w = word.lower().rstrip(".")
    for name, num in MONTHS.items():
        if name.rstrip(".") == w or (len(w) >= 3 and name.startswith(w)):
            return num
    raise KeyError(word)
