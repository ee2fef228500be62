"""Rendered pages and API answers kept as ready-to-send bytes, and the fast path that serves them.

The story list and the story pages are rendered once per store version and
kept encoded, with their ETag. A request for a cached page is answered by
:class:`CachedPages`, in front of the framework: one ``PRAGMA data_version``
(which moves only when another connection commits), one dictionary look-up and
two ASGI messages, with no routing, no template and no re-encoding. Misses go on
to the routes, which render and fill the cache.

The read routes of the API (:data:`CACHED_API`) are kept the same way by
:class:`CachedAnswers`: the first request at a store version goes through the
route, and its JSON, encoded once, answers the same request until something is
stored (never an older version's answer: the API is always current).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from starlette.responses import Response

from starlette.types import Receive as StarletteReceive, Scope as StarletteScope, Send as StarletteSend

from .security import SECURITY_HEADERS, ASGIApp, Receive, Scope, Send

#: A cached page's key: its kind (``stories``, ``story``) and the page number or story id.
PageKey = tuple[str, Any]
#: Bodies shorter than this are sent as they are even to clients that accept gzip.
GZIP_MIN_BYTES = 1024


@dataclass
class CachedPage:
    """One rendered page (or a redirect to ``location``), encoded once."""

    body: bytes
    etag: bytes
    location: str | None = None  # already URL-quoted
    content_type: bytes = b"text/html; charset=utf-8"
    _gzipped: bytes | None = field(default=None, repr=False)

    @classmethod
    def of_html(cls, html: str) -> "CachedPage":
        return cls.of_bytes(html.encode())

    @classmethod
    def of_bytes(cls, body: bytes, content_type: bytes = b"text/html; charset=utf-8") -> "CachedPage":
        return cls(body, b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"', content_type=content_type)

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
            (b"content-type", self.content_type),
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


def page_key(path: str, query: bytes) -> PageKey | None:
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

    def __init__(self, app: ASGIApp, *, lookup: Callable[[PageKey], CachedPage | None]):
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


#: The API's read routes whose answers depend only on what is stored (not jobs, follows or news).
CACHED_API = ("/api/threads", "/api/articles/", "/api/entities/", "/api/quotes", "/api/search")
#: Answers larger than this are not kept (an export-sized listing is made per request).
MAX_CACHED_ANSWER = 4_000_000


def answer_key(path: str, query: bytes) -> Hashable | None:
    """The cache key of a GET to the API at ``path?query``, or ``None`` when its answer is not kept."""
    if path.startswith(CACHED_API) and not path.endswith(".atom") and len(query) < 2048:
        return (path, query)
    return None


class CachedAnswers:
    """ASGI middleware: answers the API's read routes from answers kept for the current store version.

    ``version()`` is the store's version now; ``cache`` a
    :class:`~storyline.web.queries.VersionedCache`. A miss goes to the app, and a 200 JSON answer
    is kept under the version read before the route ran (what it shows is at least that new).
    Requests for an answer that another request is making wait for it instead of making it again,
    so that a commit is followed by one computation per answer, not one per reader.
    """

    def __init__(self, app: ASGIApp, *, version: Callable[[], Hashable], cache: Any):
        self.app = app
        self.version = version
        self.cache = cache
        self._making: dict[Hashable, asyncio.Future[CachedPage | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = answer_key(scope["path"], scope.get("query_string", b"")) if scope["type"] == "http" and scope["method"] == "GET" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        version = self.version()
        found = self.cache.peek(version, key)
        if found is None and (version, key) in self._making:
            found = await asyncio.shield(self._making[(version, key)])
        if found is not None:
            await found.send(scope, send)
            return
        made: asyncio.Future[CachedPage | None] = asyncio.get_running_loop().create_future()
        self._making[(version, key)] = made
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    headers = dict(start.get("headers") or [])
                    body = b"".join(chunks)
                    kind = headers.get(b"content-type", b"")
                    if kind.startswith(b"application/json") and b"content-encoding" not in headers and len(body) <= MAX_CACHED_ANSWER:
                        page = CachedPage.of_bytes(body, kind)
                        self.cache.get(version, key, lambda: page)
                        if not made.done():
                            made.set_result(page)
            await send(message)

        try:
            await self.app(scope, receive, keep)
        finally:
            if not made.done():
                made.set_result(None)  # not kept (an error, a large answer): each waiter asks the app itself
            if self._making.get((version, key)) is made:
                del self._making[(version, key)]
