"""Articles without a date: the estimate from the text, how linking and the story view use it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storyline.analyze.dating import DatingParams, date_undated, estimate, evidence, find_mentions, fit, score
from storyline.corpus import Corpus
from storyline.model import Article

SEEDS = ("000_f683f51b366350f9.txt", "002_11948805ac859076.txt")


def test_mentions_read_explicit_dates_and_future_clauses() -> None:
    text = "The law passed in June 2013. On 14 September 2015 he called. The plant will open in 2019. In June he spoke."
    found = [(text[m.span.start : m.span.end], m.year, m.month, m.day, m.future) for m in find_mentions(text)]
    assert ("June 2013", 2013, 6, None, False) in found
    assert ("14 September 2015", 2015, 9, 14, False) in found
    assert ("in 2019", 2019, None, None, True) in found
    assert any(t == "In June" and y is None and mo == 6 for t, y, mo, _, _ in found)
    # "may" as a verb is no month
    assert not [m for m in find_mentions("Officials may 5 times refuse.") if m.month == 5]


def test_the_estimate_follows_the_latest_dated_mention_and_is_flagged() -> None:
    params = DatingParams()
    text = "Talks began on March 3, 2011. The deal was signed on 9 March 2011, officials said."
    found = estimate(text, params)
    assert found is not None and found.date == "2011-03-09" and found.kind == "day"
    assert estimate("No dates at all here.", params) is None
    article = date_undated(Article(title="t", text=text), params)
    assert article.published == "2011-03-09" and article.meta["published_estimated"] is True
    dated = Article(title="t", text=text, published="2011-03-10")
    assert date_undated(dated, params) is dated


def test_fit_learns_the_gap_it_is_shown() -> None:
    # articles that always appear a year after the latest year they name
    samples = [(f"It was founded in {y}. It grew.", dt.date(y + 1, 11, 1)) for y in range(1990, 2010)]
    params = fit(samples)
    assert params.year_gap["year"] == 1
    assert score(samples, params)["within_a_year"] == 1.0
    assert score(samples, DatingParams())["within_a_year"] < 0.5


def test_last_year_lifts_the_bound_above_the_years_written_out(seeds: Path) -> None:
    text = (seeds / SEEDS[1]).read_text(encoding="utf-8")
    ev = evidence(text)
    assert ev is not None and ev.bound >= 2017  # "back in 2015" and "last year" for something unnamed


@pytest.fixture(scope="module")
def undated_seeds(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    db = tmp_path_factory.mktemp("dating") / "seeds.db"
    with Corpus(str(db)) as corpus:
        report = corpus.ingest([str(seeds / name) for name in SEEDS])
        assert report.ingested == 2
        threads = corpus.stories()
        view = corpus.story(threads[0].id, corrections=False)
        events = corpus.store.events(threads[0].id)
    return {"threads": threads, "view": view, "events": events}


def test_undated_seeds_get_estimated_dates_in_one_thread_of_two_events(undated_seeds: dict) -> None:
    assert len(undated_seeds["threads"]) == 1
    events = undated_seeds["events"]
    assert len(events) == 2
    first, second = sorted(e.first_date for e in events)
    assert first < second
    articles = undated_seeds["view"]["articles"]
    assert all(a["published"] and a["published_estimated"] for a in articles)


@pytest.mark.xfail(reason="the parameters fitted on Timeline17 and MEANTIME do not put the seeds in 2015 and 2018 (the text names neither year as the year of writing)", strict=True)
def test_undated_seed_events_fall_in_2015_and_2018(undated_seeds: dict) -> None:
    years = sorted(e.first_date[:4] for e in undated_seeds["events"])
    assert years == ["2015", "2018"]
