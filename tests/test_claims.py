"""Claim extraction: units, figures, polarity, attribution, dates, headline and boilerplate."""

from __future__ import annotations

from conftest import read_seed

from pathlib import Path

import pytest

from storyline.analyze import analyze
from storyline.explain._claim_figures import find_figures
from storyline.explain.claims import claim_facts, extract_claims
from storyline.model import Article, Span


def seed_article(seeds: Path, name: str) -> Article:
    return read_seed(seeds, name)


def claims_of(text: str, published: str = "2021-03-10") -> tuple[Article, list]:
    article = Article(title=text.split("\n", 1)[0], text=text, published=published)
    analysis = analyze(article)
    return article, [claim_facts(c, analysis, article) for c in extract_claims(article, analysis)]


def test_figures_carry_kind_bound_and_growth():
    toll = find_figures("At least 20 people were killed in the blast.")
    assert [(f.value, f.kind, f.bound) for f in toll] == [(20.0, "deaths", "lower")]
    risen = find_figures("The toll rose to 35 on Monday.")
    assert risen[0].kind == "deaths" and risen[0].growth
    money = find_figures("a USD$ 23 billion deal to lease 100 tankers")
    assert money[0].kind == "money:USD" and money[0].value == 23e9
    both = find_figures("Five killed and 20 injured")
    assert [(f.value, f.kind) for f in both] == [(5.0, "deaths"), (20.0, "injured")]
    # Years, model numbers and times are not figures.
    assert find_figures("In 2004 the Boeing 787 left at 10:30.") == []


def test_polarity_follows_negation_and_denial():
    _, facts = claims_of(
        "Officials in Riverton said the dam had collapsed on Monday.\n\n"
        "The Riverton water board denied that the dam had collapsed on Monday.\n\n"
        "Engineers from Riverton did not find any crack in the dam on Tuesday."
    )
    polarity = {f.claim.text.split()[1]: f.claim.polarity for f in facts}
    assert polarity == {"in": "positive", "Riverton": "negative", "from": "negative"}
    assert facts[1].denial and facts[1].denial.startswith("denied")


def test_quotes_give_attribution():
    _, facts = claims_of(
        "Plant plans announced in Dayton\n\n"
        '"We will build the plant in Dayton next year," said John Smith, the chief executive of Acme.\n\n'
        "The plant will employ 300 workers."
    )
    quoted = [f for f in facts if "build the plant" in f.claim.text]
    assert quoted and quoted[0].claim.speaker == "John Smith"
    workers = [f for f in facts if "300 workers" in f.claim.text]
    assert workers and workers[0].figures[0].value == 300 and workers[0].claim.speaker is None


def test_dates_come_from_time_expressions_else_publication():
    _, facts = claims_of(
        "The couple married in Copenhagen on 4 January 2018 before returning to Moscow.\n\n"
        "Police in Moscow told the couple that they could not guarantee their safety.",
        published="2018-02-15",
    )
    dates = [f.claim.date for f in facts]
    assert dates == ["2018-01-04", "2018-02-15"]


def test_headline_is_a_claim_and_boilerplate_is_not(seeds):
    first = seed_article(seeds, "000_f683f51b366350f9.txt")
    claims = extract_claims(first, analyze(first))
    assert claims[0].span.start == 0 and "spoken to Vladimir Putin" in claims[0].text
    assert claims[0].speaker == "Elton John"
    assert all(first.text[c.span.start : c.span.end] == c.text for c in claims)

    second = seed_article(seeds, "002_11948805ac859076.txt")
    analysis = analyze(second)
    assert analysis.boilerplate, "the seed's first line is a photo caption"
    caption = analysis.boilerplate[0]
    assert not any(Span(*c.span).overlaps(caption) for c in extract_claims(second, analysis))


@pytest.mark.parametrize("text", ["Is this the end of the line for the tanker deal?", "Shares rose."])
def test_questions_and_fragments_are_not_claims(text):
    _, facts = claims_of(text)
    assert facts == [] or all(not f.claim.text.endswith("?") for f in facts)
    assert all(len(f.claim.text.split()) >= 5 for f in facts)
