"""RSS/Atom feeds and XML sitemaps: the articles they link to.

Each linked page is fetched and extracted; for feeds, the entry's title and
date fill in what the page lacks. Sitemap indexes are followed a few levels
deep. A malformed document yields the entries read before the error, then a
:class:`Failure`.
"""

from __future__ import annotations

import gzip
import io
import re
import time
from pathlib import Path
from typing import IO, Iterator

from .common import MAX_PAGE_BYTES, Failure, Items, Unreadable, normalise_date
from .html import read_gzip_limited
from .textfile import read_limited

_FEED_ROOTS = {"rss": "feed", "rdf": "feed", "feed": "feed", "urlset": "sitemap", "sitemapindex": "sitemap"}
_SKIP_PROLOG = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S | re.I)
_ROOT_NAME = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
MAX_SITEMAP_DEPTH = 3


def sniff_xml_root(head: bytes) -> str | None:
    """``"feed"`` or ``"sitemap"`` when ``head`` starts an RSS/Atom feed or a sitemap, else ``None``."""
    head = head.lstrip(b"\xef\xbb\xbf")
    rest = head[_SKIP_PROLOG.match(head).end() :]  # type: ignore[union-attr]
    m = _ROOT_NAME.match(rest)
    return _FEED_ROOTS.get(m.group(2).decode().lower()) if m else None


def _linked(url: str, origin: str, allow_private: bool, fallback: dict[str, str | None]) -> Items:
    """Fetch and extract one linked page, filling gaps from the feed entry."""
    from .fetch import article_from_response, fetcher

    try:
        article = article_from_response(fetcher(allow_private).get(url), url)
    except Unreadable as e:
        yield Failure(url, f"{e.reason} (linked from {origin})")
        return
    except (ValueError, UnicodeError) as e:  # a link no check foresaw: this entry fails, the feed goes on
        yield Failure(url, f"bad link: {e} (linked from {origin})")
        return
    article.published = article.published or fallback.get("published")
    article.title = article.title or fallback.get("title") or ""
    article.meta["feed"] = origin
    yield article


def _entry_date(entry: dict) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", parsed)
    return None


def read_feed(data: bytes, origin: str, *, allow_private: bool) -> Items:
    """The pages an RSS or Atom feed links to."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise Unreadable(f"malformed feed: {parsed.get('bozo_exception', 'cannot parse')}")
    if not parsed.entries:
        raise Unreadable("feed has no entries")
    for number, entry in enumerate(parsed.entries, 1):
        link = entry.get("link")
        if not link:
            yield Failure(f"{origin}#entry-{number}", "feed entry has no link")
            continue
        yield from _linked(link, origin, allow_private, {"title": entry.get("title"), "published": _entry_date(entry)})
    if parsed.bozo:
        yield Failure(origin, f"malformed feed, read up to the error: {parsed.get('bozo_exception')}")


def _sitemap_entries(stream: IO[bytes]) -> Iterator[tuple[str, str, str | None]]:
    """``(kind, loc, date)`` for each ``<url>`` (kind "url") or ``<sitemap>`` (kind "sitemap")."""
    from lxml import etree

    for _, element in etree.iterparse(stream, events=("end",), resolve_entities=False, no_network=True):
        name = etree.QName(element).localname
        if name not in ("url", "sitemap"):
            continue
        loc = date = None
        for child in element.iter():
            if child is element or not isinstance(child.tag, str):
                continue
            child_name = etree.QName(child).localname
            if child_name == "loc":
                loc = (child.text or "").strip()
            elif child_name in ("lastmod", "publication_date") and child.text:
                date = date if child_name == "lastmod" and date else child.text.strip()
        element.clear()
        if loc:
            yield name, loc, date


def read_sitemap(stream: IO[bytes], origin: str, *, allow_private: bool, depth: int = 0) -> Items:
    """The pages a sitemap lists; a sitemap index's sitemaps are fetched and read in turn."""
    from lxml import etree

    from .fetch import fetcher

    entries = 0
    try:
        for kind, loc, date in _sitemap_entries(stream):
            entries += 1
            if kind == "url":
                try:
                    published = normalise_date(date)
                except ValueError:
                    published = None
                yield from _linked(loc, origin, allow_private, {"published": published})
            elif depth >= MAX_SITEMAP_DEPTH:
                yield Failure(loc, f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH} levels")
            else:
                try:
                    body = fetcher(allow_private).get(loc).body
                    if loc.lower().endswith(".gz") or body[:2] == b"\x1f\x8b":
                        body = gzip.decompress(body)
                except (Unreadable, OSError, EOFError) as e:
                    yield Failure(loc, f"{getattr(e, 'reason', e)} (listed in {origin})")
                    continue
                yield from read_sitemap(io.BytesIO(body), loc, allow_private=allow_private, depth=depth + 1)
    except etree.XMLSyntaxError as e:
        yield Failure(origin, f"malformed sitemap, read up to the error: {e}")
        return
    if entries == 0:
        yield Failure(origin, "empty sitemap: no <url> or <sitemap> entries")


def read_feed_bytes(data: bytes, origin: str, *, allow_private: bool) -> Items:
    """Articles linked from a feed or sitemap held in memory."""
    kind = sniff_xml_root(data[:4096].lstrip())
    if kind == "sitemap":
        yield from read_sitemap(io.BytesIO(data), origin, allow_private=allow_private)
    elif kind == "feed":
        yield from read_feed(data, origin, allow_private=allow_private)
    else:
        raise Unreadable("not an RSS/Atom feed or XML sitemap (unexpected root element)")


def read_feed_file(path: Path, origin: str, *, allow_private: bool) -> Items:
    """Articles linked from a local ``.rss``/``.atom``/``.xml`` (or ``.xml.gz``) feed or sitemap."""
    gz = path.name.lower().endswith(".gz")
    data = read_gzip_limited(path, MAX_PAGE_BYTES) if gz else read_limited(path, MAX_PAGE_BYTES)
    if not data.strip():
        raise Unreadable("empty file")
    yield from read_feed_bytes(data, origin, allow_private=allow_private)
