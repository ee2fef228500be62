"""The web pages in a real browser (Chromium via Playwright) over the seeds and the demo corpus."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from test_web_support import ROOT, build_store, serve

from storyline.web import create_app

CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "out"


@pytest.fixture(scope="module")
def live(tmp_path_factory, seeds):
    db = build_store(tmp_path_factory.mktemp("webui") / "ui.db", seeds, demo=True)
    with serve(create_app(db)) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) or set STORYLINE_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "favicon" not in msg.text else None)
    yield pg
    context.close()
    assert not [e for e in errors if "404" not in e], errors  # e.g. a CSP violation


def test_story_list_to_the_elton_john_story(live, page):
    SHOTS.mkdir(exist_ok=True)
    api = httpx.get(f"{live.url}/api/threads", params={"limit": 1000}).json()
    assert sum(t["article_count"] for t in api["threads"]) == 122  # the demo corpus and the two seeds
    page.goto(live.url + "/")
    rows = page.locator("table.stories tbody tr")
    assert rows.count() == min(api["total"], 50)
    assert page.locator("table.stories svg.spark rect").count() >= rows.count()
    page.screenshot(path=str(SHOTS / "ui-story-list.png"), full_page=True)

    link = page.get_by_role("link", name="Elton John says he has spoken to Vladimir Putin", exact=False)
    if link.count() == 0:  # not on the first page: follow the pager
        page.goto(live.url + "/?page=" + str(-(-api["total"] // 50)))
    link.first.click()
    page.wait_for_url("**/stories/th-*")
    thread_id = page.url.rsplit("/", 1)[1]
    view = httpx.get(f"{live.url}/api/threads/{thread_id}").json()

    listed = page.locator("#articles tbody tr")
    assert listed.count() == len(view["articles"]) >= 1
    for article in view["articles"]:
        assert page.locator("#articles").get_by_text(article["title"]).count() == 1
    seeds_shown = [a for a in view["articles"] if (a["source"] or "").endswith(".txt")]
    assert len(seeds_shown) == 2, view["articles"]  # the 2015 call and the 2018 follow-up, one thread

    chart = page.locator("#timeline svg.timeline-chart")
    assert chart.count() == 1
    assert chart.locator("a.entry").count() >= 2  # the publication and the dates the article names
    assert page.locator("#timeline ol.entries li").count() >= 2

    quotes = page.locator("#quotes .speaker-card", has_text="Elton John")
    assert quotes.count() == 1 and quotes.locator("blockquote").count() >= 1

    corrections = page.locator("#corrections")
    assert corrections.count() == 1
    relations = httpx.get(f"{live.url}/api/threads/{thread_id}/corrections").json()
    assert any(r["label"] == "corrects" for r in relations["relations"]), relations
    assert corrections.locator(".relation").count() == len(relations["relations"])
    assert corrections.locator(".relation .sides .evidence").count() >= 2 * len(relations["relations"])
    assert corrections.get_by_text("tricked", exact=False).count() >= 1  # the 2018 evidence, highlighted
    page.screenshot(path=str(SHOTS / "ui-story.png"), full_page=True)

    # Evidence links lead to the article with the span highlighted.
    page.locator("#quotes .speaker-card", has_text="Elton John").locator("a.evidence").first.click()
    page.wait_for_url("**/articles/*")
    focus = page.locator(".article .body #hl")
    assert focus.count() == 1 and focus.inner_text().strip()
    assert page.locator(".article .body .ent").count() > 0 and page.locator(".article .body .quote").count() > 0
    page.screenshot(path=str(SHOTS / "ui-article.png"), full_page=True)


def test_search_finds_both_seed_articles(live, page):
    page.goto(live.url + "/search")
    page.fill("form.search input[name=q]", "Elton")
    page.click("form.search button")
    page.wait_for_url("**/search?q=Elton*")
    titles = page.locator("ol.results li > a").all_inner_texts()
    assert any("Elton John says" in t for t in titles) and any(t.startswith("Since introducing the") for t in titles)
    assert page.locator("ol.results mark").count() >= 2
    page.screenshot(path=str(SHOTS / "ui-search.png"), full_page=True)
    page.locator("ol.results li > a", has_text="Since introducing the").click()
    page.get_by_role("link", name="Elton John", exact=True).first.click()
    page.wait_for_url("**/entities/*")
    assert page.locator("#said blockquote").count() >= 1 and page.locator("#stories tbody tr").count() >= 1
    page.screenshot(path=str(SHOTS / "ui-entity.png"), full_page=True)


def test_follow_a_story_and_see_what_is_new(tmp_path, seeds, browser):
    """Follow the 2015 story from its page, ingest the 2018 article, and the news page marks it new."""
    from test_web_support import seed_articles

    from storyline.corpus import Corpus

    SHOTS.mkdir(exist_ok=True)
    first, later = seed_articles(seeds)
    db = tmp_path / "follow.db"
    with Corpus(str(db)) as corpus:
        corpus.add([first])
        thread_id = corpus.stories()[0].id
    with serve(create_app(db, token="tok")) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept("tok"))
        page.goto(f"{server.url}/stories/{thread_id}")
        page.click("button.follow-button")
        page.wait_for_selector("button.follow-button:has-text('Following')")
        with Corpus(str(db)) as corpus:
            corpus.add([later])
        page.goto(f"{server.url}/news")
        section = page.locator("section.news")
        assert section.count() == 1 and section.get_by_text(later.title[:40], exact=False).count() == 1
        assert section.locator(".new").count() >= 1
        page.screenshot(path=str(SHOTS / "ui-news.png"), full_page=True)
        context.close()
    docs = ROOT / "docs" / "images"
    docs.mkdir(exist_ok=True)
    (docs / "ui-news.png").write_bytes((SHOTS / "ui-news.png").read_bytes())
