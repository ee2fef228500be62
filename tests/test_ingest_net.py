"""Ingest over HTTP: pages, feeds, sitemaps, robots.txt, size limits and address refusal.

A real HTTP server runs on 127.0.0.1 in a thread; URLs on it need
``allow_private=True``, which is itself one of the rules under test.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from storyline.ingest import Failure, read
from storyline.ingest.fetch import USER_AGENT
from storyline.model import Article

from test_ingest import page, split

BIG_BYTES = 11 * 1024 * 1024


def rss(base: str) -> str:
    items = "".join(
        f"<item><title>Feed title {n}</title><link>{base}/story{n}.html</link>"
        f"<pubDate>Tue, 0{n} Mar 2022 10:00:00 GMT</pubDate></item>"
        for n in (1, 2)
    )
    items += f"<item><title>Gone</title><link>{base}/missing.html</link></item>"
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'


def sitemap(base: str) -> str:
    urls = "".join(f"<url><loc>{base}/story{n}.html</loc><lastmod>2022-04-0{n}</lastmod></url>" for n in (1, 2))
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


class Handler(BaseHTTPRequestHandler):
    agents: list[str] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8", status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        Handler.agents.append(self.headers.get("User-Agent", ""))
        base = f"http://{self.headers['Host']}"
        path = self.path
        if path == "/robots.txt":
            self._send(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path.startswith("/story"):
            n = path[len("/story") : -len(".html")]
            self._send(page(f"Story {n}").encode())
        elif path == "/dated.html":
            self._send(page("Dated story", date="2020-06-07").encode())
        elif path == "/private/secret.html":
            self._send(page("Secret").encode())
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/dated.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/feed.rss":
            self._send(rss(base).encode(), "application/rss+xml")
        elif path == "/sitemap.xml":
            self._send(sitemap(base).encode(), "application/xml")
        elif path == "/broken.rss":
            self._send(b"<?xml version='1.0'?><rss><channel><item><title>x</ti", "application/rss+xml")
        elif path == "/plain.txt":
            self._send("Plain title\n\nPlain body text.".encode(), "text/plain; charset=utf-8")
        elif path == "/big":  # no Content-Length: the size limit must stop the stream
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
            try:
                for _ in range(BIG_BYTES // len(chunk) + 1):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/image.png":
            self._send(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
        else:
            self._send(b"<html><body>not found</body></html>", status=404)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fetch_page_with_redirect_and_user_agent(server: str) -> None:
    (art,) = read([f"{server}/redirect"], allow_private=True)
    assert isinstance(art, Article), art
    assert art.title == "Dated story" and art.published == "2020-06-07"
    assert art.url == f"{server}/dated.html" and art.origin == f"{server}/redirect"
    assert "Paragraph 4" in art.text
    assert USER_AGENT in Handler.agents and USER_AGENT.startswith("storyline/")


def test_plain_text_url(server: str) -> None:
    (art,) = read([f"{server}/plain.txt"], allow_private=True)
    assert (art.title, art.text, art.url) == ("Plain title", "Plain title\n\nPlain body text.", f"{server}/plain.txt")


def test_private_addresses_refused_by_default(server: str) -> None:
    (local,) = read([f"{server}/dated.html"])
    assert isinstance(local, Failure) and "refused" in local.reason and "127.0.0.1" in local.reason
    (private,) = read(["http://10.1.2.3/news.html"])
    assert isinstance(private, Failure) and "10.1.2.3" in private.reason
    (link_local,) = read(["http://169.254.169.254/latest/meta-data/"])
    assert isinstance(link_local, Failure) and "refused" in link_local.reason
    (named,) = read(["http://localhost:9/x.html"])
    assert isinstance(named, Failure) and "refused" in named.reason


def test_unreachable_url_fails_fast() -> None:
    url = f"http://127.0.0.1:{free_port()}/story.html"
    t = time.perf_counter()
    (failure,) = read([url], allow_private=True)
    assert time.perf_counter() - t < 10
    assert isinstance(failure, Failure) and failure.origin == url
    assert "cannot fetch" in failure.reason or "timed out" in failure.reason


def test_robots_txt_respected(server: str) -> None:
    (failure,) = read([f"{server}/private/secret.html"], allow_private=True)
    assert isinstance(failure, Failure) and "robots.txt" in failure.reason


def test_download_size_limit(server: str) -> None:
    t = time.perf_counter()
    (failure,) = read([f"{server}/big"], allow_private=True)
    assert isinstance(failure, Failure) and "limit" in failure.reason
    assert time.perf_counter() - t < 20


def test_http_errors_and_unsupported_types(server: str) -> None:
    missing, image = read([f"{server}/nope.html", f"{server}/image.png"], allow_private=True)
    assert isinstance(missing, Failure) and "HTTP 404" in missing.reason
    assert isinstance(image, Failure) and "image/png" in image.reason


def test_rss_feed_yields_linked_pages(server: str, tmp_path: Path) -> None:
    articles, failures = split(read([f"{server}/feed.rss"], allow_private=True))
    assert [a.title for a in articles] == ["Story 1", "Story 2"]
    assert articles[0].published.startswith("2022-03-01")  # the page has no date: the feed's stands in
    assert articles[0].meta["feed"] == f"{server}/feed.rss"
    assert len(failures) == 1 and failures[0].origin == f"{server}/missing.html" and "404" in failures[0].reason
    local = tmp_path / "saved.rss"
    local.write_text(rss(server))
    assert [a.title for a in split(read([local], allow_private=True))[0]] == ["Story 1", "Story 2"]


def test_sitemap_yields_listed_pages(server: str) -> None:
    articles, failures = split(read([f"{server}/sitemap.xml"], allow_private=True))
    assert not failures
    assert [(a.title, a.published) for a in articles] == [("Story 1", "2022-04-01"), ("Story 2", "2022-04-02")]


def test_malformed_feeds_fail_clearly(server: str, tmp_path: Path) -> None:
    remote = list(read([f"{server}/broken.rss"], allow_private=True))
    assert isinstance(remote[-1], Failure) and "malformed feed" in remote[-1].reason
    assert remote[-1].origin == f"{server}/broken.rss"
    hopeless = tmp_path / "hopeless.rss"
    hopeless.write_text("<rss><channel><title>cut")
    (failure,) = read([hopeless])
    assert isinstance(failure, Failure) and "malformed feed" in failure.reason
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?><urlset><url><loc>http://10.0.0.1/a</loc></url><url><loc>')
    items = list(read([bad]))
    assert isinstance(items[-1], Failure) and "malformed sitemap" in items[-1].reason
    assert any("refused" in i.reason for i in items[:-1])
