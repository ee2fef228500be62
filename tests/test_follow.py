"""Following a story: follow, news since last looked, unfollow; ids that keep working through merges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import read_seed
from storyline.cli import app
from storyline.corpus import Corpus
from storyline.store import Store


def _cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture()
def followed(seeds: Path, store_path: str) -> dict:
    db = store_path
    with Corpus(db) as corpus:
        corpus.add([read_seed(seeds, "000_f683f51b366350f9.txt")])
        thread = corpus.stories()[0].id
    result = _cli("follow", thread, "--db", str(db))
    assert result.exit_code == 0 and thread in result.output
    return {"db": db, "thread": thread, "seeds": seeds}


def test_news_lists_a_new_related_article_once(followed: dict) -> None:
    db, thread = str(followed["db"]), followed["thread"]
    nothing = json.loads(_cli("news", "--db", db, "--json").output)
    assert [n["thread_id"] for n in nothing] == [thread] and nothing[0]["articles"] == []
    later = read_seed(followed["seeds"], "002_11948805ac859076.txt")
    with Corpus(db) as corpus:
        corpus.add([later])
    peek = json.loads(_cli("news", "--db", db, "--json", "--peek").output)
    assert [a["id"] for a in peek[0]["articles"]] == [later.id]
    assert len(peek[0]["events"]) == 1  # the 2018 article starts an event of its own
    assert peek[0]["quotes"] and all(q["article_id"] == later.id for q in peek[0]["quotes"])
    assert peek[0]["corrections"] and peek[0]["corrections"][0]["later"]["article_id"] == later.id
    table = _cli("news", "--db", db)
    assert table.exit_code == 0 and later.title in table.output and "1 new articles" in table.output
    again = json.loads(_cli("news", "--db", db, "--json").output)
    assert again[0]["articles"] == [] and again[0]["events"] == []


def test_a_followed_thread_id_survives_a_merge(followed: dict) -> None:
    db, thread = followed["db"], followed["thread"]
    with Store(db) as store:
        with store.transaction():
            store.create_thread("th-merged", "merged", store.next_seq())
            store.merge_threads(thread, "th-merged", store.next_seq())
        assert store.follow_of(thread) is not None
        assert store.follows()[0]["thread_id"] == "th-merged"
    later = read_seed(followed["seeds"], "002_11948805ac859076.txt")
    with Corpus(str(db)) as corpus:
        corpus.add([later])
    news = json.loads(_cli("news", thread, "--db", str(db), "--json").output)
    assert news and news[0]["thread_id"] == "th-merged"
    assert _cli("unfollow", thread, "--db", str(db)).exit_code == 0
    assert json.loads(_cli("news", "--db", str(db), "--json").output) == []


def test_follow_refuses_unknown_stories(followed: dict) -> None:
    missing = _cli("follow", "th-nope", "--db", str(followed["db"]))
    assert missing.exit_code == 1 and "th-nope" in missing.output and "Traceback" not in missing.output
    assert _cli("unfollow", "th-nope", "--db", str(followed["db"])).exit_code == 1
    assert _cli("news", "th-nope", "--db", str(followed["db"])).exit_code == 1


class Receiver:
    """A webhook receiver on loopback that records each POST and fails the first ``fail`` of them."""

    def __init__(self, fail: int = 0):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.fail = fail
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                code = 500 if len(receiver.posts) <= receiver.fail else 204
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("fail", [0, 2])
def test_webhook_gets_one_signed_post_and_retries(followed: dict, fail: int) -> None:
    import hashlib
    import hmac

    from storyline.alerts import SIGNATURE_HEADER, Alerts

    receiver = Receiver(fail=fail)
    try:
        alerts = Alerts([receiver.url], "s3cret", allow_private=True, backoff=0.05, log=lambda line: None)
        later = read_seed(followed["seeds"], "002_11948805ac859076.txt")
        with Corpus(str(followed["db"])) as corpus:
            corpus.add([later])
            assert alerts.check(corpus.store) == 1
            assert alerts.check(corpus.store) == 0  # nothing new since the last alert
        assert alerts.wait(30)
        assert len(receiver.posts) == 1 + fail
        headers, body = receiver.posts[-1]
        expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers[SIGNATURE_HEADER.lower()] == expected
        payload = json.loads(body)
        assert payload["thread_id"] == followed["thread"] and [a["id"] for a in payload["articles"]] == [later.id]
        assert len(payload["events"]) == 1 and payload["corrections"]
        assert alerts.deliveries[-1].ok and alerts.deliveries[-1].attempts == 1 + fail
    finally:
        receiver.close()


def test_serve_sends_a_signed_webhook_when_an_ingest_job_moves_a_followed_story(followed: dict) -> None:
    import hashlib
    import hmac
    import time

    import httpx
    from test_web_support import serve

    from storyline.alerts import SIGNATURE_HEADER, Webhooks
    from storyline.model import to_dict
    from storyline.web import create_app

    receiver = Receiver(fail=1)  # the first delivery fails: the job process retries it
    later = read_seed(followed["seeds"], "002_11948805ac859076.txt")
    record = {k: v for k, v in to_dict(later).items() if k in ("title", "text", "published", "source")}
    try:
        app = create_app(str(followed["db"]), token="tok", webhooks=Webhooks((receiver.url,), "s3cret", allow_private=True))
        with serve(app) as live, httpx.Client(base_url=live.url, timeout=300) as client:
            r = client.post("/api/ingest", json=[record], headers={"Authorization": "Bearer tok"})
            assert r.status_code == 200 and r.json()["ingested"] == 1, r.text
            deadline = time.monotonic() + 60
            while len(receiver.posts) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
        assert len(receiver.posts) == 2
        headers, body = receiver.posts[-1]
        assert headers[SIGNATURE_HEADER.lower()] == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        payload = json.loads(body)
        assert payload["thread_id"] == followed["thread"] and [a["id"] for a in payload["articles"]] == [later.id]
    finally:
        receiver.close()


def test_webhook_targets_on_private_addresses_are_refused(followed: dict) -> None:
    from storyline.alerts import Alerts

    receiver = Receiver()
    try:
        alerts = Alerts([receiver.url], "k", backoff=0.01, log=lambda line: None)
        with Corpus(str(followed["db"])) as corpus:
            corpus.add([read_seed(followed["seeds"], "002_11948805ac859076.txt")])
            alerts.check(corpus.store)
        assert alerts.wait(30)
        assert not receiver.posts and "refused" in (alerts.deliveries[-1].error or "")
    finally:
        receiver.close()


def test_web_feed_news_page_and_streamed_exports(followed: dict) -> None:
    import csv
    import io

    import feedparser
    from fastapi.testclient import TestClient

    from storyline.web import create_app

    later = read_seed(followed["seeds"], "002_11948805ac859076.txt")
    with Corpus(str(followed["db"])) as corpus:
        corpus.add([later])
    client = TestClient(create_app(str(followed["db"]), token="tok"))
    thread = followed["thread"]
    feed = client.get(f"/stories/{thread}/feed.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == 2
    assert parsed.entries[0].id == f"urn:storyline:article:{later.id}"  # newest first
    search = feedparser.parse(client.get("/search/feed.atom", params={"q": "comedians"}).content)
    assert not search.bozo and [e.id for e in search.entries] == [f"urn:storyline:article:{later.id}"]
    page = client.get("/news")
    assert page.status_code == 200 and "New since you last looked" in page.text and later.title in page.text
    with Store(followed["db"]) as store:
        n_quotes = len(store.quotes())
        n_mentions = store.count_rows("mentions")
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export/quotes", params={"format": "csv"}).text)))
    assert len(rows) == n_quotes and all(int(r["end"]) > int(r["start"]) for r in rows)
    lines = client.get("/api/export/entities").text.splitlines()
    assert len(lines) == n_mentions and json.loads(lines[0])["start"] >= 0
    assert client.get("/api/export/quotes", params={"story": "th-nope"}).status_code == 404
    # following over the API needs the token; marking seen empties the news
    assert client.post(f"/api/follows/{thread}").status_code == 401
    assert client.post(f"/api/follows/{thread}", headers={"Authorization": "Bearer tok"}).json()["new"] is False
    assert client.post("/api/news/seen", headers={"Authorization": "Bearer tok"}).status_code == 200
    assert client.get("/api/news").json()[0]["articles"] == []
