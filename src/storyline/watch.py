"""Watching sources: feeds, sitemaps (news sitemaps too) and front pages, polled on a schedule.

Each source (a URL, or a local feed or sitemap file) has its own schedule: it is polled
every ``every`` seconds, give or take ``jitter``. A poll is a conditional request
(``If-None-Match`` / ``If-Modified-Since`` from the last answer; for a file, its size
and modification time); an unchanged source costs one request and ingests nothing.
The pages a changed source links to and that were never fetched before are fetched,
extracted, analysed, stored and linked (:meth:`storyline.corpus.Corpus.add`). Requests
go one at a time, with ``delay`` seconds between two requests to the same host, under
the rules of :mod:`storyline.ingest.fetch` (robots.txt, time-outs, size limit,
private addresses refused unless allowed). A failing poll is retried ``retries``
times with exponential backoff, then reported; the source's next poll is pushed back
(doubling per consecutive failure, at most ``every``), and the other sources go on.
State (validators, next poll, errors, which pages were fetched) lives in the store,
so a restart fetches nothing twice. Each poll logs one line.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import urljoin, urlsplit

from .ingest.common import MAX_PAGE_BYTES, Unreadable

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus
    from .ingest.fetch import Fetcher
    from .alerts import Alerts
    from .store.follow import WatchSource

DEFAULT_EVERY_S = 900.0
MAX_LINKS_PER_PAGE = 100


@dataclass
class Link:
    """A page a source links to, with what the source says about it."""

    url: str
    title: str | None = None
    published: str | None = None


@dataclass
class PollResult:
    """What one poll of one source did."""

    source: str
    status: str
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    error: str | None = None
    attempts: int = 1
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.error:
            return f"poll {self.source}: error after {self.attempts} attempts: {self.error}"
        return (
            f"poll {self.source}: {self.status}, {self.new} new, {self.duplicates} duplicates, {self.failed} failed"
        )


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def links_in(body: bytes, base: str) -> tuple[str, list[Link]]:
    """``(kind, links)`` of a feed, a sitemap (the pages, or the sitemaps of an index) or an HTML front page."""
    from .ingest.common import normalise_date
    from .ingest.feeds import _entry_date, _sitemap_entries, sniff_xml_root

    head = body[:4096].lstrip()
    kind = sniff_xml_root(head)
    if kind == "feed":
        import feedparser

        parsed = feedparser.parse(body)
        if parsed.bozo and not parsed.entries:
            raise Unreadable(f"malformed feed: {parsed.get('bozo_exception', 'cannot parse')}")
        links = [Link(e["link"], e.get("title"), _entry_date(e)) for e in parsed.entries if e.get("link")]
        return "feed", links
    if kind == "sitemap":
        import io

        from lxml import etree

        links = []
        try:
            for entry_kind, loc, date in _sitemap_entries(io.BytesIO(body)):
                try:
                    published = normalise_date(date)
                except ValueError:
                    published = None
                links.append(Link(loc, None, published) if entry_kind == "url" else Link(loc, "sitemap", None))
        except etree.XMLSyntaxError as exc:
            raise Unreadable(f"malformed sitemap: {exc}") from exc
        return "sitemap", links
    if b"<" not in head[:200]:
        raise Unreadable("not a feed, a sitemap or an HTML page")
    import lxml.html

    try:
        doc = lxml.html.fromstring(body)
    except Exception as exc:  # lxml raises several parser errors
        raise Unreadable(f"malformed page: {exc}") from exc
    host = urlsplit(base).netloc
    seen: dict[str, Link] = {}
    for a in doc.iterfind(".//a[@href]"):
        url = urljoin(base, a.get("href", "")).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (host and parts.netloc != host) or url.rstrip("/") == base.rstrip("/"):
            continue
        if parts.path.strip("/") == "":
            continue
        seen.setdefault(url, Link(url, (a.text_content() or "").strip() or None))
        if len(seen) >= MAX_LINKS_PER_PAGE:
            break
    return "page", list(seen.values())


class Watcher:
    """Polls sources into a corpus; see the module documentation for the rules."""

    def __init__(
        self,
        corpus: "Corpus",
        *,
        every: float = DEFAULT_EVERY_S,
        jitter: float = 0.1,
        delay: float = 1.0,
        retries: int = 2,
        backoff: float = 2.0,
        timeout: float = 30.0,
        allow_private: bool = False,
        log: Callable[[str], None] = print,
        sleep: Callable[[float], None] = time.sleep,
        alerts: "Alerts | None" = None,
    ):
        from .ingest.fetch import Fetcher

        self.corpus = corpus
        self.store = corpus.store
        self.every, self.jitter, self.delay = every, jitter, delay
        self.retries, self.backoff = retries, backoff
        self.fetcher: Fetcher = Fetcher(allow_private, total_timeout=timeout)
        self.log, self.sleep = log, sleep
        self.alerts = alerts
        self._last_request: dict[str, float] = {}

    # -- politeness ---------------------------------------------------------------------------
    def _polite(self, url: str) -> None:
        host = urlsplit(url).netloc
        wait = self._last_request.get(host, -1e9) + self.delay - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _get(self, url: str, headers: dict[str, str] | None = None):
        self._polite(url)
        return self.fetcher.conditional_get(url, headers or {})

    # -- one poll -------------------------------------------------------------------------------
    def _state(self, source: str) -> "WatchSource":
        state = self.store.watch_source(source)
        if state is None:
            state = {
                "url": source, "etag": None, "last_modified": None, "next_poll": 0.0, "last_poll": None,
                "last_status": None, "last_error": None, "errors": 0, "new_articles": 0, "polls": 0,
            }
        return state

    def _read_source(self, source: str, state: "WatchSource") -> tuple[str, bytes | None, str]:
        """``(status, body or None when unchanged, base URL)``; raises :class:`Unreadable`."""
        if not _is_url(source):
            path = Path(source)
            try:
                st = path.stat()
            except OSError as exc:
                raise Unreadable(f"cannot read: {exc.strerror or exc}") from exc
            validator = f"{st.st_size}-{st.st_mtime_ns}"
            if validator == state["etag"]:
                return "not modified", None, source
            if st.st_size > MAX_PAGE_BYTES:
                raise Unreadable("file over the size limit")
            state["etag"] = validator
            return "read", path.read_bytes(), source
        headers = {}
        if state["etag"]:
            headers["If-None-Match"] = state["etag"]
        if state["last_modified"]:
            headers["If-Modified-Since"] = state["last_modified"]
        response = self._get(source, headers)
        if response.status == 304:
            return "304 not modified", None, source
        if response.status != 200:
            raise Unreadable(f"HTTP {response.status}")
        state["etag"] = response.headers.get("etag")
        state["last_modified"] = response.headers.get("last-modified")
        return "200", response.body, response.url

    def _links(self, source: str, body: bytes, base: str) -> list[Link]:
        kind, links = links_in(body, base)
        if kind != "sitemap":
            return links
        pages = [l for l in links if l.title != "sitemap"]
        for child in (l for l in links if l.title == "sitemap"):  # a sitemap index: read its sitemaps (one level)
            response = self._get(child.url)
            if response.status == 200:
                pages += [l for l in links_in(response.body, response.url)[1] if l.title != "sitemap"]
        return pages

    def poll(self, source: str) -> PollResult:
        """Poll one source now (retrying on errors), ingest what is new, save its state, log one line."""
        from .ingest.fetch import article_from_response

        state = self._state(source)
        result = PollResult(source, "")
        attempt = 0
        while True:
            attempt += 1
            try:
                status, body, base = self._read_source(source, state)
                links = [] if body is None else self._links(source, body, base)
                break
            except Unreadable as exc:
                if attempt > self.retries:
                    result.error, result.attempts = exc.reason, attempt
                    break
                self.sleep(self.backoff * 2 ** (attempt - 1))
        result.attempts = attempt
        now = time.time()
        state["polls"] += 1
        state["last_poll"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if result.error:
            state["errors"] += 1
            state["last_error"] = result.error
            state["last_status"] = "error"
            state["next_poll"] = now + min(self.every, self.backoff * 2 ** state["errors"])
            self.store.save_watch_source(state)
            self.log(result.line())
            return result
        result.status = status
        articles, urls = [], {}
        for link in links:
            if self.store.watch_seen(link.url):
                continue
            try:
                response = self._get(link.url)
                if response.status != 200:
                    raise Unreadable(f"HTTP {response.status}")
                article = article_from_response(response, link.url)
            except Unreadable as exc:
                result.failed += 1
                result.failures.append(f"{link.url}: {exc.reason}")
                continue
            article.published = article.published or link.published
            article.title = article.title or link.title or ""
            article.meta["watch"] = source
            articles.append(article)
            urls[link.url] = article.id
        if articles:
            report = self.corpus.add(articles)
            result.new, result.duplicates = report.ingested, report.duplicates
            if self.alerts is not None and report.ingested:
                self.alerts.check(self.store)  # queued; delivered by the alerts' own thread
        for url, article_id in urls.items():
            self.store.mark_watch_seen(url, source, article_id)
        state["errors"] = 0
        state["last_error"] = None
        state["last_status"] = status
        state["new_articles"] += result.new
        state["next_poll"] = now + self.every * (1 + random.uniform(-self.jitter, self.jitter))
        self.store.save_watch_source(state)
        self.log(result.line())
        return result

    # -- schedules -----------------------------------------------------------------------------
    def run_once(self, sources: list[str]) -> list[PollResult]:
        """Poll every source once, now (for cron and tests)."""
        return [self.poll(s) for s in sources]

    def run(self, sources: list[str], *, stop: Callable[[], bool] = lambda: False) -> None:
        """Poll each source when it is due, until ``stop()`` is true (or forever)."""
        while not stop():
            now = time.time()
            due = [s for s in sources if self._state(s)["next_poll"] <= now]
            for source in due:
                self.poll(source)
            nxt = min(self._state(s)["next_poll"] for s in sources)
            self.sleep(max(0.5, min(60.0, nxt - time.time())))
