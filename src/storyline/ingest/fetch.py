"""Polite, bounded, safe HTTP fetching of single pages.

* timeouts: 10 s to connect, 30 s for the whole download;
* at most :data:`MAX_PAGE_BYTES` (10 MB), streamed and aborted beyond;
* a User-Agent that names storyline and where to read about it;
* robots.txt respected (fetched once per host and cached);
* loopback, private, link-local, multicast and reserved addresses are refused
  unless ``allow_private`` is set: the host is resolved and every address
  checked, again on each redirect, so that a URL from an untrusted feed cannot
  make storyline read from the local network. (The check uses the addresses the
  resolver gives just before each request; a host that changes its DNS answer
  between the check and the connection is not caught.)
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from ..version import __version__
from ..model import Article
from .common import MAX_PAGE_BYTES, Unreadable, decode_text, human_size

USER_AGENT = f"storyline/{__version__} (+https://github.com/storyline-news/storyline)"
ROBOTS_AGENT = "storyline"
CONNECT_TIMEOUT_S = 10.0
TOTAL_TIMEOUT_S = 30.0
MAX_REDIRECTS = 5
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass
class Response:
    """A completed download."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def check_url(url: str) -> None:
    """Refuse a URL that cannot be fetched as written: not http(s), a bad port, a host name that is not one."""
    shown = url if len(url) <= 200 else url[:200] + "…"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise Unreadable(f"bad URL {shown!r}: {e}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Unreadable(f"only http and https URLs can be fetched, not {shown!r}")
    host = parts.hostname
    if not host:
        raise Unreadable(f"bad URL {shown!r}: no host")
    if port == 0:
        raise Unreadable(f"bad URL {shown!r}: port 0")
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        raise Unreadable(f"bad URL {shown!r}: it contains spaces or control characters")
    try:
        host.encode("idna")
    except UnicodeError:
        raise Unreadable(f"bad URL {shown!r}: {host!r} is not a valid host name") from None


def check_public(url: str) -> None:
    """Refuse a URL whose host resolves to a non-public address (any of them)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise Unreadable("URL has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise Unreadable(f"cannot resolve host {host!r}: {e.strerror or e}") from e
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise Unreadable(
                f"refused: {host} resolves to the non-public address {address} "
                "(loopback, private, link-local or reserved); allow private addresses to read it"
            )


class Fetcher:
    """An HTTP client with the rules above and a per-host robots.txt cache."""

    def __init__(self, allow_private: bool = False, total_timeout: float = TOTAL_TIMEOUT_S):
        import httpx

        self.allow_private = allow_private
        self.total_timeout = total_timeout
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"},
            follow_redirects=False,
            trust_env=False,
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def get(self, url: str, *, limit: int = MAX_PAGE_BYTES) -> Response:
        """Download ``url`` (following redirects), or raise :class:`Unreadable` saying why not."""
        response = self._request(url, limit=limit, robots=True)
        if response.status != 200:
            raise Unreadable(f"HTTP {response.status}" + (f" (at {response.url})" if response.url != url else ""))
        return response

    def conditional_get(self, url: str, headers: dict[str, str], *, limit: int = MAX_PAGE_BYTES) -> Response:
        """Download ``url`` with extra request headers (``If-None-Match``…); any status is returned, 304 included."""
        return self._request(url, limit=limit, robots=True, headers=headers)

    def _request(self, url: str, *, limit: int, robots: bool, headers: dict[str, str] | None = None) -> Response:
        import httpx

        deadline = time.monotonic() + self.total_timeout
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            if not self.allow_private:
                check_public(url)
            if robots and not self._allowed(url):
                raise Unreadable(f"robots.txt of {urlsplit(url).netloc} disallows fetching {url}")
            remaining = deadline - time.monotonic()
            timeout = httpx.Timeout(remaining, connect=min(CONNECT_TIMEOUT_S, remaining))
            try:
                with self._client.stream("GET", url, timeout=timeout, headers=headers) as r:
                    if r.is_redirect and "location" in r.headers:
                        url = urljoin(url, r.headers["location"])
                        continue
                    body = self._read_body(r, limit, deadline) if r.status_code == 200 else b""
                    ctype = r.headers.get("content-type", "")
                    return Response(
                        str(r.url), r.status_code, ctype.split(";")[0].strip().lower(), r.charset_encoding, body, dict(r.headers)
                    )
            except httpx.TimeoutException as e:
                raise Unreadable(f"timed out ({type(e).__name__})") from e
            except httpx.HTTPError as e:
                raise Unreadable(f"cannot fetch: {type(e).__name__}: {e}") from e
        raise Unreadable(f"more than {MAX_REDIRECTS} redirects")

    @staticmethod
    def _read_body(r: object, limit: int, deadline: float) -> bytes:
        length = r.headers.get("content-length")  # type: ignore[attr-defined]
        if length and length.isdigit() and int(length) > limit:
            raise Unreadable(f"page is {human_size(int(length))}, over the {human_size(limit)} limit")
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_bytes():  # type: ignore[attr-defined]
            size += len(chunk)
            if size > limit:
                raise Unreadable(f"download stopped: page is over the {human_size(limit)} limit")
            if time.monotonic() > deadline:
                raise Unreadable("download took too long")
            chunks.append(chunk)
        return b"".join(chunks)

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(key)
        if parser is None:
            parser = urllib.robotparser.RobotFileParser(key + "/robots.txt")
            response = self._request(key + "/robots.txt", limit=MAX_ROBOTS_BYTES, robots=False)
            if response.status in (401, 403):
                parser.disallow_all = True  # type: ignore[attr-defined]  # set by read() on 401/403; not in the stubs
            elif response.status == 200:
                parser.parse(decode_text(response.body)[0].splitlines())
            else:  # no robots.txt: everything is allowed
                parser.allow_all = True  # type: ignore[attr-defined]  # set by read() on other errors; not in the stubs
            self._robots[key] = parser
        return parser.can_fetch(ROBOTS_AGENT, url)


@lru_cache(maxsize=2)
def fetcher(allow_private: bool) -> Fetcher:
    """The shared fetcher (one per policy), so robots.txt is read once per host per process."""
    return Fetcher(allow_private)


def article_from_response(response: Response, origin: str) -> Article:
    """The article in a downloaded page (HTML, or plain text)."""
    from .html import extract_page, looks_like_html
    from .textfile import article_from_text, check_text_bytes

    ctype = response.content_type
    if "html" in ctype or (not ctype.startswith("text/plain") and looks_like_html(response.body[:4096])):
        html: str | bytes = response.body
        if response.charset:
            html = decode_text(response.body, encoding=response.charset)[0]
        article = extract_page(html, url=response.url, origin=origin)
    elif ctype.startswith("text/plain"):
        check_text_bytes(response.body)
        text, errors = decode_text(response.body, encoding=response.charset)
        article = article_from_text(text, origin=origin, decode_errors=errors)
        article.url = response.url
    else:
        raise Unreadable(f"unsupported content type {ctype or 'unknown'!r}")
    return article
