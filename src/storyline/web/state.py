"""What the web app holds while it runs, on ``app.state.web``: the store connections, caches and templates.

Routers reach it through the dependencies here (:func:`web_state`, :func:`reader`,
:func:`require_writer`), so a route module never builds its own connection or cache.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Header, HTTPException, Request
from jinja2 import Environment

from ..alerts import Webhooks
from ..store import Store
from ..views import story_view
from . import evidence, queries
from .queries import VersionedCache
from .semantic import SemanticSearch
from .templating import environment

if TYPE_CHECKING:
    from ..corpus import Corpus

#: Rendered pages kept in memory, in bytes of HTML.
PAGE_CACHE_BYTES = 200_000_000


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
    semantic: SemanticSearch = field(default_factory=SemanticSearch)
    env: Environment = field(default_factory=environment)

    def version(self, store: Store) -> tuple[int, int, int]:
        return queries.current_version(store)

    def summaries(self, store: Store) -> list[dict[str, Any]]:
        return self.listing.get(self.version(store), "threads", lambda: queries.thread_summaries(store))

    def view_of(self, store: Store, story_id: str) -> dict[str, Any]:
        view = self.views.get(self.version(store), ("view", story_id), lambda: story_view(store, story_id))
        if view is None:
            raise HTTPException(404, f"no story {story_id}")
        return view

    def corrections_of(self, store: Store, thread_id: str) -> dict[str, Any]:
        return self.views.get(self.version(store), ("corrections", thread_id), lambda: evidence.corrections(store, thread_id))


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
