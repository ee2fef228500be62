"""Rendered pages kept as ready-to-send bytes, and the fast path that serves them.

The story list and the story pages are rendered once per store version and
kept encoded, with their ETag. A request for a cached page is answered by
:class:`CachedPages`, in front of the framework: one ``PRAGMA data_version``
(which moves only when another connection commits), one dictionary look-up and
two ASGI messages, with no routing, no template and no re-encoding. Misses go on
to the routes, which render and fill the cache.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from typing import Callable, Hashable

from starlette.responses import Response

from starlette.types import Receive as StarletteReceive, Scope as StarletteScope, Send as StarletteSend

from .security import SECURITY_HEADERS, ASGIApp, Receive, Scope, Send

#: Bodies shorter than this are sent as they are even to clients that accept gzip.
GZIP_MIN_BYTES = 1024


@dataclass
class CachedPage:
    """One rendered page (or a redirect to ``location``), encoded once."""

    body: bytes
    etag: bytes
    location: str | None = None  # already URL-quoted
    _gzipped: bytes | None = field(default=None, repr=False)

    @classmethod
    def of_html(cls, html: str) -> "CachedPage":
        body = html.encode()
        return cls(body, b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"')

    @classmethod
    def redirect(cls, location: str) -> "CachedPage":
        return cls(b"", b"", location=location)

    def gzipped(self) -> bytes:
        """The body compressed (once, on the first client that asks for it)."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped

    def answer(self, request_headers: list[tuple[bytes, bytes]]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Status, headers and body for a GET with ``request_headers``: 200, 304 (ETag matched) or 308."""
        if self.location is not None:
            return 308, [(b"location", self.location.encode("ascii")), (b"content-length", b"0"), *SECURITY_HEADERS], b""
        asked = dict(request_headers)
        zipped = len(self.body) >= GZIP_MIN_BYTES and _accepts_gzip(asked.get(b"accept-encoding", b""))
        etag = self.etag[:-1] + b'-gz"' if zipped else self.etag
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"etag", etag),
            (b"cache-control", b"no-cache"),
            (b"vary", b"Accept-Encoding"),
            *SECURITY_HEADERS,
        ]
        wanted = _etags(asked.get(b"if-none-match", b""))
        if etag in wanted or b"*" in wanted:
            return 304, headers, b""
        body = self.gzipped() if zipped else self.body
        if zipped:
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        return 200, headers, body

    async def send(self, scope: Scope | StarletteScope, send: Send | StarletteSend) -> None:
        """Answer the request in ``scope`` with this page."""
        status, headers, body = self.answer(scope.get("headers") or [])
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _etags(header: bytes) -> list[bytes]:
    """The entity tags of an ``If-None-Match`` header (weak ones compared as strong, as RFC 9110 asks)."""
    return [t.strip().removeprefix(b"W/") for t in header.split(b",")] if header else []


def _accepts_gzip(header: bytes) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (listed, or ``*``, and not with ``q=0``)."""
    for item in header.split(b","):
        coding, _, params = item.strip().partition(b";")
        if coding.strip().lower() in (b"gzip", b"*"):
            weight = params.replace(b" ", b"").lower().partition(b"q=")[2]
            try:
                return float(weight or 1) > 0
            except ValueError:
                return False
    return False


class PageResponse(Response):
    """A route's answer with a :class:`CachedPage` (the same bytes and headers as the fast path)."""

    def __init__(self, page: CachedPage):
        super().__init__(status_code=308 if page.location is not None else 200)
        self.page = page

    async def __call__(self, scope: StarletteScope, receive: StarletteReceive, send: StarletteSend) -> None:
        await self.page.send(scope, send)


def page_key(path: str, query: bytes) -> Hashable | None:
    """The cache key of the page at ``path?query``: ``("stories", n)`` or ``("story", id)``; else ``None``."""
    if path == "/":
        if not query:
            return ("stories", 1)
        name, _, value = query.partition(b"=")
        if name == b"page" and value.isdigit() and len(value) < 9 and int(value) >= 1:
            return ("stories", int(value))
        return None
    if path.startswith("/stories/") and not query:
        story_id = path[len("/stories/") :]
        if story_id and "/" not in story_id:
            return ("story", story_id)
    return None


class CachedPages:
    """ASGI middleware: answers GETs for cached pages itself and passes everything else on.

    ``lookup(key)`` returns the page cached for the current store version, or ``None``.
    """

    def __init__(self, app: ASGIApp, *, lookup: Callable[[Hashable], CachedPage | None]):
        self.app = app
        self.lookup = lookup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            key = page_key(scope["path"], scope.get("query_string", b""))
            page = self.lookup(key) if key is not None else None
            if page is not None:
                await page.send(scope, send)
                return
        await self.app(scope, receive, send)
