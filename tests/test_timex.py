"""Normalisation of time expressions against a fixed publication date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.analyze.timex import find_timexes

DCT = "2015-09-15"  # a Tuesday, ISO week 38


def _only(text: str, dct: str | None = DCT) -> tuple[str, str, str]:
    """The single expression found in ``text``: (surface, type, value)."""
    found = find_timexes(text, dct)
    assert len(found) == 1, [(t.text, t.value) for t in found]
    t = found[0]
    assert text[t.span.start : t.span.end] == t.text
    return t.text, t.type, t.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said so yesterday.", ("yesterday", "DATE", "2015-09-14")),
        ("Prices rose last month.", ("last month", "DATE", "2015-08")),
        ("They met in June.", ("June", "DATE", "2015-06")),
        ("They will meet in June.", ("June", "DATE", "2016-06")),
        ("It was a prank back in 2015.", ("2015", "DATE", "2015")),
        ("The deal was signed on January 4, 2015.", ("January 4, 2015", "DATE", "2015-01-04")),
        ("The vote is due next week.", ("next week", "DATE", "2015-W39")),
        ("Crime fell in the 1990s.", ("the 1990s", "DATE", "199")),
        ("The talks lasted three years.", ("three years", "DURATION", "P3Y")),
        ("The market opens every Monday.", ("every Monday", "SET", "XXXX-WXX-1")),
        ("The minister is now in Paris.", ("now", "DATE", "PRESENT_REF")),
        ("She currently lives in Kyiv.", ("currently", "DATE", "PRESENT_REF")),
        ("Rents have risen in recent years.", ("recent years", "DATE", "PAST_REF")),
        ("Sales grew over the past 12 months.", ("the past 12 months", "DURATION", "P12M")),
        ("The president spoke Monday.", ("Monday", "DATE", "2015-09-14")),
        ("The president will speak on Monday.", ("Monday", "DATE", "2015-09-21")),
        ("The vote was held at 3 p.m.", ("3 p.m.", "TIME", "2015-09-15T15:00")),
        ("The plant closed this summer.", ("this summer", "DATE", "2015-SU")),
        ("Profit rose in the third quarter.", ("the third quarter", "DATE", "2015-Q3")),
        ("Results for fiscal 2014 were weak.", ("fiscal 2014", "DATE", "2014")),
        ("He arrived two weeks ago.", ("two weeks ago", "DATE", "2015-09-01")),
        ("Earlier this year the law passed.", ("Earlier this year", "DATE", "2015")),
        ("The call took five minutes.", ("five minutes", "DURATION", "PT5M")),
        ("It was the worst war of the 20th century.", ("the 20th century", "DATE", "19")),
        ("Unemployment rose last year.", ("last year", "DATE", "2014")),
        ("They married on 4 March.", ("4 March", "DATE", "2015-03-04")),
        ("Sales fell in late November.", ("late November", "DATE", "2014-11")),
        ("The paper is published daily.", ("daily", "SET", "P1D")),
        ("He will retire in the future.", ("the future", "DATE", "FUTURE_REF")),
        ("The strike lasted more than four hours.", ("more than four hours", "DURATION", "PT4H")),
        ("He signed a two-year contract.", ("two-year", "DURATION", "P2Y")),
        ("The curfew starts tomorrow night.", ("tomorrow night", "TIME", "2015-09-16TNI")),
    ],
)
def test_normalisation(text: str, expected: tuple[str, str, str]) -> None:
    assert _only(text) == expected


def test_weekday_on_the_publication_day_is_that_day() -> None:
    assert _only("Talks ended Tuesday.")[2] == "2015-09-15"


def test_month_alone_in_the_dct_month_is_this_year() -> None:
    assert _only("Talks began in September.")[2] == "2015-09"


def test_quarter_anaphora_follow_the_last_named_quarter() -> None:
    text = "Net income fell in the second quarter. A year earlier, the company earned more."
    values = [t.value for t in find_timexes(text, "1989-10-27")]
    assert values == ["1989-Q2", "1988-Q2"]


def test_lower_case_month_words_are_not_months() -> None:
    assert find_timexes("Officials may march through the city.", DCT) == []


def test_money_and_counts_are_not_years() -> None:
    assert find_timexes("The company paid $1999 for 2000 shares.", DCT) == []


def test_without_a_publication_date_values_are_underspecified() -> None:
    found = {t.text: t.value for t in find_timexes("He left yesterday and returns on June 5, 2016.", None)}
    assert found == {"yesterday": "XXXX-XX-XX", "June 5, 2016": "2016-06-05"}


def test_spans_index_the_text_and_are_in_order() -> None:
    text = "On Monday, Oct. 23, the firm said third-quarter profit fell 5% from a year ago; shares fell today."
    found = find_timexes(text, "1998-10-24")
    assert [t.text for t in found] == ["Monday, Oct. 23", "third-quarter", "a year ago", "today"]
    assert all(text[t.span.start : t.span.end] == t.text for t in found)
    assert found[0].value == "1998-10-23"


def test_seed_articles_match_the_gold_dates(seeds: Path) -> None:
    """At least 12 of the 13 hand-annotated expressions get the gold value on an overlapping span."""
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    correct = total = 0
    for article in gold["articles"]:
        text = (seeds / article["file"]).read_text(encoding="utf-8")
        found = find_timexes(text, article["published"])
        for g in article["timexes"]:
            start, end = g["span"]
            assert text[start:end] == g["text"]
            total += 1
            correct += any(t.value == g["value"] and t.span.start < end and start < t.span.end for t in found)
    assert total == 13
    assert correct >= 12
