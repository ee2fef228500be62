"""The web app over real HTTP: API, pages, escaping, security headers, ingest with and without a token."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from test_web_support import build_store, serve

from storyline.model import Analysis, Mention, Quote, Span, TimeExpression
from storyline.store import Store
from storyline.web import create_app
from storyline.web.highlight import Mark, analysis_marks, highlight
from storyline.web.pages import page_key
from storyline.web.queries import current_version
from storyline.analyze.timex import value_range as date_range
from storyline.web.timeline import Entry, chart, in_window

TOKEN = "test-token-5e1f"
HOSTILE_TITLE = '"><img src=x onerror=alert(1)> Council vote'
HOSTILE_TEXT = (
    "The city council met on Monday. <script>alert(1)</script> The mayor, Anna Berg, said "
    '"we will rebuild the bridge" after the vote. "><img src=x onerror=alert(1)> was posted in a comment.'
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory, seeds) -> Path | str:
    """The seeds in a store of each backend (the whole module runs on both)."""
    if request.param == "postgresql":
        return build_store(request.getfixturevalue("pg_server").database(), seeds)
    return build_store(tmp_path_factory.mktemp("web") / "web.db", seeds)


@pytest.fixture(scope="module")
def live(db):
    with serve(create_app(db, token=TOKEN)) as server:
        yield server


@pytest.fixture(scope="module")
def client(live):
    with httpx.Client(base_url=live.url, timeout=120) as c:
        yield c


@pytest.fixture(scope="module")
def elton(client) -> dict:
    threads = client.get("/api/threads").json()["threads"]
    found = [t for t in threads if "Elton John" in t["title"]]
    assert found, [t["title"] for t in threads]
    return found[0]


# -- API ----------------------------------------------------------------------------------------
def test_threads_and_one_thread(client, elton):
    listing = client.get("/api/threads", params={"limit": 1}).json()
    assert listing["total"] >= 1 and len(listing["threads"]) == 1
    assert elton["article_count"] >= 1 and elton["activity"]
    view = client.get(f"/api/threads/{elton['id']}").json()
    assert view["thread"]["id"] == elton["id"]
    assert len(view["articles"]) == elton["article_count"]
    assert "Elton John" in view["quotes"]
    events = client.get(f"/api/threads/{elton['id']}/events").json()
    assert sum(e["article_count"] for e in events) == elton["article_count"]
    assert client.get("/api/threads/th-nope").status_code == 404


def test_timeline_entries_point_at_evidence(client, elton):
    body = client.get(f"/api/threads/{elton['id']}/timeline").json()
    entries = body["entries"]
    assert any(e["kind"] == "published" and e["date"] == "2015-09-15" for e in entries)
    mentioned = [e for e in entries if e["kind"] == "mentioned"]
    assert mentioned, "the Elton John article names dates (yesterday = 2015-09-14)"
    assert [e["start"] for e in entries] == sorted(e["start"] for e in entries)
    for e in mentioned:
        ev = e["evidence"][0]
        article = client.get(f"/api/articles/{ev['article_id']}").json()["article"]
        assert article["text"][ev["span"][0] : ev["span"][1]] == ev["text"]
    # key dates, summarised from the stored analyses, name an event of the thread and point at their sentences
    keys = [e for e in entries if e["kind"] == "key"]
    events = {ev["id"] for ev in client.get(f"/api/threads/{elton['id']}/events").json()}
    assert keys and all(e["event_id"] in events for e in keys)
    for e in keys:
        for ev in e["evidence"]:
            article = client.get(f"/api/articles/{ev['article_id']}").json()["article"]
            assert article["text"][ev["span"][0] : ev["span"][1]] == ev["text"]


def test_corrections_endpoint_answers(client, elton):
    body = client.get(f"/api/threads/{elton['id']}/corrections").json()
    assert body["thread_id"] == elton["id"]
    assert isinstance(body["available"], bool) and isinstance(body["relations"], list)
    for r in body["relations"]:
        assert {"label", "earlier", "later", "cue", "reason"} <= set(r)
        for side in (r["earlier"], r["later"]):
            assert {"published", "date", "source", "span", "text"} <= set(side) and "context" not in side
    fixes = [r for r in body["relations"] if r["label"] == "corrects"]
    assert fixes and fixes[0]["cue"] in fixes[0]["reason"]
    page = client.get(f"/stories/{elton['id']}").text
    assert f'<p class="reason">{fixes[0]["reason"]}</p>' in page


def test_article_entity_and_quotes(client, elton):
    view = client.get(f"/api/threads/{elton['id']}").json()
    aid = view["articles"][0]["id"]
    got = client.get(f"/api/articles/{aid}").json()
    assert got["story"]["thread_id"] == elton["id"]
    names = {m["canonical"] for m in got["analysis"]["entities"]}
    assert "Elton John" in names
    ent = next(e for e in view["entities"] if e["name"] == "Elton John")
    person = client.get(f"/api/entities/{ent['id']}").json()
    assert person["name"] == "Elton John" and person["quotes"]
    assert elton["id"] in {t["id"] for t in person["threads"]}
    by_name = client.get("/api/quotes", params={"speaker": "Elton John"}).json()
    assert by_name["speaker_id"] == ent["id"]
    assert {q["text"] for q in by_name["quotes"]} == {q["text"] for q in person["quotes"]}
    assert client.get("/api/entities/ent-nope").status_code == 404


def test_full_text_and_semantic_search(client):
    hits = client.get("/api/search", params={"q": "Putin"}).json()["results"]
    assert len(hits) == 2 and all("[" in h["snippet"] for h in hits)
    assert client.get("/api/search", params={"q": 'Putin "'}).status_code == 400
    sem = client.get("/api/search/semantic", params={"q": "singer phoned by the Russian president", "limit": 2}).json()
    scores = [r["score"] for r in sem["results"]]
    assert len(scores) == 2 and scores == sorted(scores, reverse=True)
    assert "Elton John" in sem["results"][0]["title"]


def test_openapi_describes_the_api(client):
    spec = client.get("/api/openapi.json").json()
    assert {"/api/threads", "/api/ingest", "/api/search/semantic", "/api/threads/{thread_id}/timeline"} <= set(spec["paths"])
    assert "Bearer" in spec["info"]["description"]


# -- pages and security -------------------------------------------------------------------------
def test_pages_render_and_carry_security_headers(client, elton):
    for path in ("/", f"/stories/{elton['id']}", "/search?q=Putin", "/api/threads", "/static/style.css", "/nope"):
        r = client.get(path)
        assert r.status_code == (404 if path == "/nope" else 200), path
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    story = client.get(f"/stories/{elton['id']}").text
    assert "<svg" in story and 'class="entry' in story and "Corrections and contradictions" in story
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", story)  # scripts only from /static, never inline


def test_cached_pages_revalidate_and_compress(client, elton):
    for path in ("/", f"/stories/{elton['id']}"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert plain.status_code == zipped.status_code == 200
        assert "content-encoding" not in plain.headers and zipped.headers["content-encoding"] == "gzip"
        assert zipped.text == plain.text and int(zipped.headers["content-length"]) < len(plain.content)
        assert plain.headers["etag"] != zipped.headers["etag"]
        for r in (plain, zipped):
            again = client.get(path, headers={"If-None-Match": r.headers["etag"], "Accept-Encoding": r.headers.get("content-encoding", "identity")})
            assert again.status_code == 304 and again.content == b""
            assert again.headers["x-frame-options"] == "DENY" and "content-security-policy" in again.headers
        stale = client.get(path, headers={"If-None-Match": '"not-this-one"', "Accept-Encoding": "identity"})
        assert stale.status_code == 200 and stale.text == plain.text
        assert client.get(path, headers={"If-None-Match": "*", "Accept-Encoding": "identity"}).status_code == 304
        refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
        assert "content-encoding" not in refused.headers and refused.content == plain.content


def test_page_keys_name_only_the_cached_pages():
    assert page_key("/", b"") == ("stories", 1) and page_key("/", b"page=3") == ("stories", 3)
    assert page_key("/stories/th-1", b"") == ("story", "th-1")
    for path, query in (("/", b"page=0"), ("/", b"page=2&x=1"), ("/", b"q=1"), ("/stories/", b""), ("/stories/a/b", b""), ("/search", b"")):
        assert page_key(path, query) is None, (path, query)


def test_version_follows_commits_by_other_connections(store_path):
    with Store(store_path) as writer, Store(store_path, readonly=True) as reader:
        first = current_version(reader)
        assert current_version(reader) is first  # no commit since: not re-read
        writer.db.execute(
            "INSERT INTO articles(id, title, text, published, source, meta, ingested_at) VALUES ('a1', 't', 'x', NULL, NULL, '{}', 'now')"
        )
        second = current_version(reader)
        assert second != first and second[0] > first[0]


def test_writing_needs_the_token(live, client, db):
    record = [{"title": "Unauthorised", "text": "Nobody may write this without the token."}]
    assert client.post("/api/ingest", json=record).status_code == 401
    assert client.post("/api/ingest", json=record, headers={"Authorization": "Bearer wrong"}).status_code == 401
    with serve(create_app(db)) as readonly, httpx.Client(base_url=readonly.url) as other:
        r = other.post("/api/ingest", json=record, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 403 and "disabled" in r.json()["detail"]
    assert client.get("/api/search", params={"q": "Unauthorised"}).json()["results"] == []


def test_body_over_the_limit_is_refused(client):
    big = b'[{"title": "x", "text": "' + b"a" * (10 * 1024 * 1024) + b'"}]'
    r = client.post("/api/ingest", content=big, headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert r.status_code == 413


def test_ingested_article_appears_and_renders_as_text(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    record = {"title": HOSTILE_TITLE, "text": HOSTILE_TEXT, "published": "2016-03-02", "source": "Test Gazette"}
    r = client.post("/api/ingest", json=[record, {"title": "no body"}], headers=auth)
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["ingested"], report["failed"]) == (1, 1)
    aid = report["article_ids"][0]
    stored = client.get(f"/api/articles/{aid}").json()
    assert stored["article"]["text"] == HOSTILE_TEXT and stored["story"] is not None
    again = client.post("/api/ingest", json=[record], headers=auth).json()
    assert (again["ingested"], again["duplicates"]) == (0, 1)

    pages = [
        client.get(f"/articles/{aid}").text,
        client.get(f"/stories/{stored['story']['thread_id']}").text,
        client.get("/search", params={"q": "council"}).text,
        client.get("/").text,
    ]
    for html in pages:
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert not re.search(r"<(script(?![^>]*\bsrc=\"/static/)|img)\b", "".join(pages), re.I)  # no markup from the article


def test_article_page_and_json_say_which_analyses_ran(client, elton):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = "Der Bürgermeister sagte am Dienstag: „Wir werden den Haushalt am 3. März 2024 beschließen.“ Die Stadt plant neue Schulen."
    r = client.post("/api/ingest", json=[{"title": "Haushalt der Stadt", "text": text, "published": "2024-03-01", "language": "de"}], headers=auth)
    aid = r.json()["article_ids"][0]
    analysis = client.get(f"/api/articles/{aid}").json()["analysis"]
    assert "timexes" in analysis["analysers"] and not {"entities", "quotes", "claims"} & set(analysis["analysers"])
    html = client.get(f"/articles/{aid}").text
    assert "Language: de" in html and "not run on this article: claims, entities, quotes (English only)" in html
    seed = client.get(f"/api/threads/{elton['id']}").json()["articles"][0]["id"]
    english = client.get(f"/articles/{seed}").text
    assert "analyses that ran:" in english and "quotes" in english and "not run on this article" not in english


def test_serve_command_prints_the_url(db):
    env = {**os.environ, "STORYLINE_TOKEN": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        assert re.match(r"storyline: serving .* at http://127\.0\.0\.1:0/", line), line
        time.sleep(0.2)
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_with_two_workers_answers_pages(db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(db), "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "STORYLINE_TOKEN": ""},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode() if proc.poll() is not None else "no answer"
                time.sleep(0.2)
        assert r.status_code == 200 and "<html" in r.text and r.headers["x-content-type-options"] == "nosniff"
        assert httpx.post(f"http://127.0.0.1:{port}/api/ingest", json=[]).status_code == 403
    finally:
        proc.terminate()
        proc.wait(20)


# -- building blocks ----------------------------------------------------------------------------
def test_highlight_escapes_every_piece_and_nests_overlaps():
    text = 'He said "<b>hi</b>" on Monday & left.'
    html = highlight(text, [Mark(8, 19, "quote", 'said "x"'), Mark(9, 12, "ent", href="/entities/e?a=1&b=2"), Mark(23, 29, "timex")])
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp; left" in html
    assert 'href="/entities/e?a=1&amp;b=2"' in html and 'title="said &#34;x&#34;"' in html
    assert re.sub(r"<[^>]+>", "", str(html)) == str(highlight(text, []))
    assert html.count("<span") + html.count("<a ") == html.count("</span>") + html.count("</a>")


def test_analysis_marks_cover_every_annotation_kind():
    text = "Anna Berg said on Monday: \"we will rebuild\". Subscribe now."
    analysis = Analysis(
        article_id="a",
        entities=[Mention(Span(0, 9), "Anna Berg", "PERSON", "Anna Berg")],
        quotes=[Quote(Span(27, 42), "we will rebuild", "direct", source=Span(0, 9), speaker="Anna Berg")],
        timexes=[TimeExpression(Span(18, 24), "Monday", "DATE", "2016-02-29")],
        boilerplate=[Span(45, 59)],
    )
    html = str(highlight(text, analysis_marks(analysis, {"Anna Berg": "/entities/x"})))
    for css in ("ent", "quote direct", "speaker", "timex", "boilerplate"):
        assert css in html, css
    assert html.count('href="/entities/x"') == 1


def test_timeline_window_keeps_far_dates_out_of_the_chart():
    assert date_range("2015-09") == (date_range("2015-09-01")[0], date_range("2015-09-30")[0])
    assert date_range("PRESENT_REF") is None and date_range("2015-02-30") is None
    day = date_range("2015-09-15")
    entries = [
        Entry(*day, "2015-09-15", "published", "published"),
        Entry(*date_range("2015-09-14"), "2015-09-14", "yesterday", "mentioned"),
        Entry(*date_range("1934"), "1934", "1934", "mentioned"),
    ]
    shown, _ = in_window(entries)
    assert [e.value for e in shown] == ["2015-09-15", "2015-09-14"]
    drawn = chart(entries)
    assert drawn["hidden"] == 1 and len(drawn["marks"]) == 2
    assert all(30 <= m["x"] <= drawn["width"] - 30 for m in drawn["marks"])


def test_openapi_documents_a_response_schema_for_every_api_route(tmp_path) -> None:
    from fastapi.testclient import TestClient

    from storyline.web import create_app

    spec = TestClient(create_app(str(tmp_path / "empty.db"))).get("/api/openapi.json").json()
    assert spec["paths"], "no API routes documented"
    missing = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ok = [code for code in op.get("responses", {}) if code.startswith("2")]
            schema = {code: op["responses"][code].get("content", {}).get("application/json", {}).get("schema") for code in ok}
            if not ok or not all(s and s != {} for s in schema.values()):
                missing.append(f"{method.upper()} {path}")
    assert not missing, f"routes without a response schema: {missing}"


def test_page_cache_serves_the_previous_page_only_while_a_new_one_is_made():
    import threading

    from storyline.web.queries import VersionedCache

    cache = VersionedCache(10)
    assert cache.get(1, "page", lambda: "v1") == "v1"
    assert cache.newest("page") == "v1" and not cache.making(2, "page")
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "v2"

    worker = threading.Thread(target=lambda: cache.get(2, "page", slow))
    worker.start()
    assert started.wait(10)
    assert cache.making(2, "page") and cache.peek(2, "page") is None and cache.newest("page") == "v1"
    release.set()
    worker.join(10)
    assert not cache.making(2, "page") and cache.newest("page") == "v2" == cache.peek(2, "page")
    small = VersionedCache(1)
    small.get(1, "a", lambda: "x")
    small.get(1, "b", lambda: "y")  # evicts a
    assert small.newest("a") is None and small.newest("b") == "y"


def test_a_commit_elsewhere_serves_the_page_before_until_the_new_one_is_made(tmp_path, seeds):
    """Readers never wait for a render after a commit: they get the page before, made anew off the request path."""
    from storyline.corpus import Corpus

    path = build_store(tmp_path / "stale.db", seeds)
    with serve(create_app(path)) as server, httpx.Client(base_url=server.url, timeout=60) as c:
        before = c.get("/")
        assert before.status_code == 200 and "Harbour bridge reopens" not in before.text
        listed = c.get("/api/threads").json()
        kept = c.get("/api/threads")  # the answer kept for this version, with its ETag
        assert kept.json() == listed and kept.headers["etag"] and kept.headers["content-type"].startswith("application/json")
        assert c.get("/api/threads", headers={"If-None-Match": kept.headers["etag"]}).status_code == 304
        with Corpus(str(path)) as corpus:  # another connection commits, as the ingest process does
            report = corpus.add_records([{"title": "Harbour bridge reopens", "text": "The harbour bridge reopened on Monday after repairs.", "published": "2016-05-02"}])
            assert report.ingested == 1
        stale = c.get("/")
        assert stale.status_code == 200 and stale.headers["etag"] == before.headers["etag"]
        # the API, though, is never behind: its kept answers are for one version only
        assert c.get("/api/threads").json()["total"] == listed["total"] + 1
        deadline = time.monotonic() + 30
        while "Harbour bridge reopens" not in (fresh := c.get("/")).text:
            assert time.monotonic() < deadline, "the listing was not made again after the commit"
            time.sleep(0.05)
        assert fresh.headers["etag"] != before.headers["etag"]


def test_a_story_is_kept_until_that_story_changes(tmp_path, seeds):
    """A commit that leaves a story alone leaves its version (and so its kept view and page) alone."""
    from storyline.corpus import Corpus

    path = build_store(tmp_path / "story-version.db", seeds)
    with Corpus(str(path)) as corpus:
        thread = corpus.stories()[0].id
        event = corpus.store.events(thread)[0].id
        before, store_before = corpus.store.story_version(thread), corpus.store.store_version()
        corpus.add_records([{"title": "Harbour bridge reopens", "text": "The harbour bridge in Gdansk reopened on Monday after repairs.", "published": "2016-05-02"}])
        assert corpus.store.store_version() != store_before
        assert corpus.store.story_version(thread) == before  # another story was stored
        assert corpus.store.story_version(event)[0] == "store"  # an event's id follows the whole store
        seed = corpus.store.article(corpus.store.story_article_ids(thread)[0])
        assert seed is not None
        corpus.add_records([{"title": seed.title + " again", "text": seed.text + " Fans reacted on Tuesday.", "published": seed.published}])
        assert corpus.store.story_version(thread) != before


def test_a_story_page_lists_at_most_its_caps_and_links_to_the_rest(tmp_path, seeds, monkeypatch):
    """A 1,000-article story keeps a page a reader can load: quotes and relations past the caps are in the API."""
    from storyline.web import site

    path = build_store(tmp_path / "caps.db", seeds)
    app = create_app(path)
    state, store = app.state.web, app.state.web.stores.reader()
    thread = max(store.threads(), key=lambda t: t.article_count).id
    view = state.view_of(store, thread)
    most = max(len(qs) for qs in view["quotes"].values())
    relations = state.corrections_of(store, thread)["relations"]
    assert most > 5 and relations
    full = site.render_story(state, store, thread).body.decode()
    monkeypatch.setattr(site, "MAX_QUOTES_PER_SPEAKER", 5)
    monkeypatch.setattr(site, "MAX_RELATION_ROWS", 0)
    capped = site.render_story(state, store, thread).body.decode()
    assert full.count("<blockquote") > capped.count("<blockquote") and f"and {most - 5} more (all in the API)" in capped
    assert f"showing the first 0 of {len(relations)}" in capped and f"/api/threads/{thread}/corrections" in capped
    assert 'class="relation ' in full and 'class="relation ' not in capped
