"""storyline watch against a real HTTP server on loopback: conditional polls, new items, failing sources."""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.store import Store

SEED_DATES = {"000_f683f51b366350f9.txt": "2015-09-15", "002_11948805ac859076.txt": "2018-02-15"}


def _page(title: str, body: str, date: str) -> bytes:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    return (
        f'<html><head><title>{html.escape(title)}</title><meta property="article:published_time" content="{date}">'
        f"</head><body><article><h1>{html.escape(title)}</h1>{paras}</article></body></html>"
    ).encode()


class Site:
    """Pages, a feed that can grow, and sources that fail; every request is recorded."""

    def __init__(self, seeds: Path):
        self.pages: dict[str, bytes] = {}
        self.items: list[tuple[str, str]] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        for name, date in SEED_DATES.items():
            title, _, body = (seeds / name).read_text(encoding="utf-8").partition("\n")
            self.pages[f"/news/{name[:3]}.html"] = _page(title, body, date)
        self.pages["/news/other.html"] = _page(
            "Harbour bridge reopens after repairs",
            "The harbour bridge reopened to traffic on Monday after six months of repairs.\n"
            "Engineers replaced the cables and the road surface, the city council said in a statement.\n"
            "Commuters had faced long detours through the city centre while the work went on.",
            "2016-03-07",
        )
        self.items = [("/news/000.html", "Elton John and Putin"), ("/news/other.html", "Bridge reopens")]

    def feed(self) -> bytes:
        entries = "".join(
            f"<item><title>{html.escape(t)}</title><link>{self.base}{p}</link></item>" for p, t in self.items
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'.encode()

    def handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                if self.path == "/feed.xml":
                    body = site.feed()
                    etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.end_headers()
                        return
                    return self._send(200, body, "application/rss+xml", {"ETag": etag})
                if self.path == "/broken.xml":
                    return self._send(500, b"oops", "text/plain")
                if self.path == "/slow.xml":
                    time.sleep(1.5)
                    return self._send(200, site.feed(), "application/rss+xml")
                if self.path == "/malformed.xml":
                    return self._send(200, b"<rss version='2.0'><<<&&& not a feed", "application/rss+xml")
                if self.path in site.pages:
                    return self._send(200, site.pages[self.path], "text/html; charset=utf-8")
                self._send(404, b"not found", "text/plain")

            def _send(self, code, body, ctype, headers=None):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # the client hung up on /slow.xml: expected
        pass


@pytest.fixture()
def site(seeds: Path):
    s = Site(seeds)
    server = QuietServer(("127.0.0.1", 0), s.handler())
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


def _watch(db: Path, *sources: str, extra: tuple[str, ...] = ()):
    args = ["watch", *sources, "--once", "--allow-private", "--delay", "0", "--backoff", "0.05", "--timeout", "0.5",
            "--db", str(db), "--json", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("["))
    return json.loads("\n".join(lines[start:])), lines[:start]


def test_watch_polls_conditionally_and_ingests_new_items(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "watch.db"
    feed = f"{site.base}/feed.xml"
    first, log = _watch(db, feed)
    assert first[0]["new"] == 2 and first[0]["status"] == "200"
    assert len(log) == 1 and log[0].startswith(f"poll {feed}: 200, 2 new")
    second, _ = _watch(db, feed)
    assert second[0]["new"] == 0 and "304" in second[0]["status"]
    feed_requests = [h for p, h in site.requests if p == "/feed.xml"]
    assert "if-none-match" in feed_requests[-1]
    assert sum(p.startswith("/news/") for p, _ in site.requests) == 2  # no page fetched twice
    site.items.append(("/news/002.html", "Elton John prank"))
    third, _ = _watch(db, feed)
    assert third[0]["new"] == 1
    with Store(db) as store:
        assert store.count_articles() == 3
        by_title = {a.title: a.id for a in store.articles()}
        first_id = next(i for t, i in by_title.items() if t.startswith("Elton John says"))
        new_id = next(i for t, i in by_title.items() if t.startswith("12th YES"))
        assert store.assignment(first_id)["thread_id"] == store.assignment(new_id)["thread_id"]
        assert store.assignment(first_id)["event_id"] != store.assignment(new_id)["event_id"]
        state = store.watch_source(feed)
        assert state["new_articles"] == 3 and state["polls"] == 3 and state["errors"] == 0


def test_failing_sources_are_retried_and_reported_while_others_go_on(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "watch.db"
    bad = [f"{site.base}/broken.xml", f"{site.base}/slow.xml", f"{site.base}/malformed.xml"]
    feed = f"{site.base}/feed.xml"
    results, log = _watch(db, bad[0], feed, bad[1], bad[2], extra=("--retries", "2"))
    by_source = {r["source"]: r for r in results}
    assert by_source[feed]["new"] == 2 and by_source[feed]["error"] is None
    assert "HTTP 500" in by_source[bad[0]]["error"]
    assert "timed out" in by_source[bad[1]]["error"]
    assert "malformed" in by_source[bad[2]]["error"]
    for source in bad:
        assert by_source[source]["attempts"] == 3
    assert sum(p == "/broken.xml" for p, _ in site.requests) == 3
    assert len(log) == 4 and sum("error after 3 attempts" in line for line in log) == 3
    with Store(db) as store:
        state = store.watch_source(bad[0])
        assert state["errors"] == 1 and "500" in state["last_error"]
        # the failing source comes back after a backoff, sooner than the healthy one's next poll
        assert 900 * 0.9 - 60 < store.watch_source(feed)["next_poll"] - time.time() <= 900 * 1.1
        assert state["next_poll"] < store.watch_source(feed)["next_poll"]
    status = CliRunner().invoke(app, ["watch", "--status", "--db", str(db), "--json"])
    rows = {r["url"]: r for r in json.loads(status.output)}
    assert rows[bad[0]]["last_status"] == "error" and rows[feed]["new_articles"] == 2


def test_watch_refuses_loopback_without_the_switch(site: Site, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["watch", f"{site.base}/feed.xml", "--once", "--retries", "0", "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 0 and "refused" in result.output and "Traceback" not in result.output
    assert not site.requests
