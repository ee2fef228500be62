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


def _values(text: str, dct: str = DCT) -> dict[str, str]:
    return {t.text: t.value for t in find_timexes(text, dct)}


def test_anaphora_follow_the_last_date_named() -> None:
    assert _values("On May 22, 1995, he was promoted, and the following year he moved.")["the following year"] == "1996"
    assert _values("He was killed on Oct. 23, 1998. Earlier that day, a fax was sent.")["Earlier that day"] == "1998-10-23"
    assert _values("He left in January. The following month, the firm was sold.", "1989-10-27")["The following month"] == "1989-02"


def test_previous_weekday_counts_from_the_day_last_named() -> None:
    text = "Shares fell Friday. The index was down 4.5% from the previous Friday."
    assert _values(text, "1989-10-30")["the previous Friday"] == "1989-10-20"


def test_planned_weekday_is_in_the_future() -> None:
    assert _only("The team planned to leave Nairobi on Thursday.")[2] == "2015-09-17"
    assert _only("The team left Nairobi on Thursday.")[2] == "2015-09-10"


def test_weekday_night_has_the_value_of_the_day() -> None:
    assert _only("He was shot on Friday night.")[1:] == ("DATE", "2015-09-11")
    assert _only("A rally was held Friday evening.")[2] == "2015-09-11TEV"


def test_fractional_durations_use_the_next_smaller_unit() -> None:
    assert _only("They lived in camps for 2 1/2 years.")[2] == "P2Y6M"
    assert _only("But a minute and a half later, a pilot called.")[2] == "PT1M30S"


def test_last_fall_in_february_is_the_previous_year() -> None:
    assert _only("The surge began last fall.", "1998-02-06")[2] == "1997-FA"


def test_spelled_year_after_a_month_or_season() -> None:
    assert _only("January nineteen ninety-seven. Atlanta again.")[2] == "1997-01"
    assert _only("Prices last seen in the winter of nineteen ninety-four.")[2] == "1994-WI"


def test_coordination_shares_month_and_frequency() -> None:
    assert _values("The summit is on April 24 and 25.", "1999-02-10") == {"April 24": "1999-04-24", "25": "1999-04-25"}
    found = _values("Flights leave on Monday and Tuesday nights.")
    assert found == {"Monday": "XXXX-WXX-1TNI", "Tuesday nights": "XXXX-WXX-2TNI"}


def test_names_and_idioms_are_not_times() -> None:
    assert find_timexes('Baker said on ABC\'s "This Week" that it was fine.', DCT) == []
    assert find_timexes("For Poland, high noon comes soon.", DCT) == []


def test_a_year_earlier_after_nine_months_is_a_year() -> None:
    text = "Third-quarter net rose. For the nine months, net rose from $5 million a year earlier."
    assert _values(text, "1989-10-27")["a year earlier"] == "1988"


def test_week_of_a_date_and_easter_week() -> None:
    assert _only("A hearing is set for the week of March 6.", "2000-02-24")[2] == "2000-W10"
    assert _only("Protesters prayed as Easter week began.", "2000-04-17")[2] == "2000-W16"


def test_dates_outside_the_calendar_are_not_errors():
    text = "Modern humans lived there about 100,000 to 125,000 years ago. Over 2,500 years ago the Buddha taught."
    found = find_timexes(text, "2011-02-01")
    assert all(not t.value.startswith("-") for t in found)
    assert find_timexes("It happened two years ago.", "2011-02-01")[0].value == "2009"
