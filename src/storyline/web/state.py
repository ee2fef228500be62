"""What the web app holds while it runs, on ``app.state.web``: the store connections, caches and templates.

Routers reach it through the dependencies here (:func:`web_state`, :func:`reader`,
:func:`require_writer`), so a route module never builds its own connection or cache.
"""

from __future__ import annotations

import hmac
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable

from fastapi import Depends, Header, HTTPException, Request
from jinja2 import Environment

from ..alerts import Webhooks
from ..store import Store
from ..views import story_view
from . import evidence, queries
from .pages import CachedPage, PageKey
from .queries import VersionedCache
from .semantic import SemanticSearch
from .templating import environment

if TYPE_CHECKING:
    from ..corpus import Corpus

#: Rendered pages kept in memory, in bytes of HTML.
PAGE_CACHE_BYTES = 200_000_000
#: API answers kept in memory, in bytes of JSON.
ANSWER_CACHE_BYTES = 100_000_000


class Stores:
    """One read-only store connection per thread, and the single writer for ingest."""

    def __init__(self, path: str):
        self.path = path
        Store(path).close()  # creates the file or migrates its schema, once
        self._local = threading.local()
        self._writer: Corpus | None = None
        self.write_lock = threading.Lock()

    def reader(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.path, readonly=True)
        return store

    def writer(self) -> Corpus:
        """The corpus that ingests (call with :attr:`write_lock` held)."""
        if self._writer is None:
            from ..corpus import Corpus

            self._writer = Corpus(self.path)
        return self._writer


@dataclass
class WebState:
    """The app's shared state: connections, caches keyed by store version, templates, the write token."""

    stores: Stores
    token: str | None = None
    webhooks: Webhooks | None = None  # alerts for followed stories, sent by the ingest job process
    views: VersionedCache = field(default_factory=lambda: VersionedCache(256))  # story views, corrections
    listing: VersionedCache = field(default_factory=lambda: VersionedCache(2))  # thread summaries, apart from views
    pages: VersionedCache = field(default_factory=lambda: VersionedCache(PAGE_CACHE_BYTES, cost=lambda page: len(page.body)))
    answers: VersionedCache = field(default_factory=lambda: VersionedCache(ANSWER_CACHE_BYTES, cost=lambda page: len(page.body)))
    semantic: SemanticSearch = field(default_factory=SemanticSearch)
    env: Environment = field(default_factory=environment)
    #: how each kind of cached page is rendered (``renderers[kind](state, store, arg)`` for the key ``(kind, arg)``)
    renderers: dict[str, Callable[["WebState", Store, Any], CachedPage]] = field(default_factory=dict)
    _refreshing: set[Hashable] = field(default_factory=set)
    _refresh_lock: threading.Lock = field(default_factory=threading.Lock)
    _refresher: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="storyline-pages"))

    def version(self, store: Store) -> tuple[int, int, int]:
        return queries.current_version(store)

    def page_version(self, store: Store, key: PageKey) -> Hashable:
        """The version a page is kept under: its story's for a story page, the store's for the others."""
        return queries.story_version(store, key[1]) if key[0] == "story" else self.version(store)

    def render_page(self, key: PageKey) -> CachedPage:
        """The page under ``key`` at the store's current version, rendered here when it is not cached."""
        store = self.stores.reader()
        render = self.renderers[key[0]]
        return self.pages.get(self.page_version(store, key), key, lambda: render(self, store, key[1]))

    def fresh_or_stale_page(self, key: PageKey) -> CachedPage | None:
        """The page under ``key`` for the store as it is now; else the newest one cached before, while the
        current one is rendered in the background; ``None`` when the page was never rendered.

        A commit thus never makes readers wait for a render (nor starts one per reader): each page
        is made again once, off the request path, and the readers get it as soon as it is ready.
        A writer that wants to see its own write renders the pages it touched (:meth:`refresh_pages`).
        """
        version = self.page_version(self.stores.reader(), key)
        page = self.pages.peek(version, key)
        if page is not None or key[0] not in self.renderers:
            return page
        stale = self.pages.newest(key)
        if stale is not None:
            self._refresh_later(key)
        return stale

    def _refresh_later(self, key: PageKey) -> None:
        with self._refresh_lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def refresh() -> None:
            try:
                self.render_page(key)
            except Exception:  # noqa: BLE001 - a page that fails now is rendered (and its error shown) on request
                pass
            finally:
                with self._refresh_lock:
                    self._refreshing.discard(key)

        self._refresher.submit(refresh)

    def refresh_pages(self, keys: Iterable[PageKey]) -> None:
        """Render the pages under ``keys`` that were cached before for the current version now (after a
        write, by the writer, so that it sees its write); the others are made again when next asked for."""
        for key in keys:
            if key[0] in self.renderers and self.pages.newest(key) is not None:
                try:
                    self.render_page(key)
                except HTTPException:
                    pass  # a story merged away or gone: its request says so

    def summaries(self, store: Store) -> list[dict[str, Any]]:
        return self.listing.get(self.version(store), "threads", lambda: queries.thread_summaries(store))

    def view_of(self, store: Store, story_id: str) -> dict[str, Any]:
        view = self.views.get(queries.story_version(store, story_id), ("view", story_id), lambda: story_view(store, story_id))
        if view is None:
            raise HTTPException(404, f"no story {story_id}")
        return view

    def corrections_of(self, store: Store, thread_id: str) -> dict[str, Any]:
        return self.views.get(queries.story_version(store, thread_id), ("corrections", thread_id), lambda: evidence.corrections(store, thread_id))


def web_state(request: Request) -> WebState:
    return request.app.state.web


def reader(state: WebState = Depends(web_state)) -> Store:
    """This thread's read-only connection to the store."""
    return state.stores.reader()


def require_writer(authorization: str | None = Header(None), state: WebState = Depends(web_state)) -> None:
    """Let the request through only with ``Authorization: Bearer <the server's token>``."""
    if not state.token:
        raise HTTPException(403, "writing is disabled: start the server with --token or STORYLINE_TOKEN")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), state.token.encode()):
        raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required", {"WWW-Authenticate": "Bearer"})
