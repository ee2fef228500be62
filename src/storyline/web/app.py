"""The web app: a REST API under ``/api`` and server-rendered pages over one store.

Reads use one read-only SQLite connection per worker thread; writes (``POST
/api/ingest``) go through one :class:`~storyline.corpus.Corpus`, one at a time,
and need ``Authorization: Bearer <token>``. Without a configured token, writing
is disabled (403).
"""

from __future__ import annotations

import hmac
import os
import threading
from pathlib import Path
from typing import Any, Callable, Union
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import StorylineError
from ..model import to_dict
from ..store import Store, entity_id
from ..views import story_view
from . import evidence, queries, schemas, timeline
from .highlight import Mark, analysis_marks, highlight
from .pages import CachedPage, CachedPages, PageResponse
from .queries import HIT_CLOSE, HIT_OPEN, VersionedCache
from .security import Guard
from .semantic import SemanticSearch

MAX_BODY = 10 * 1024 * 1024
TIME_LIMIT = 30.0
INGEST_TIME_LIMIT = 600.0
PAGE_SIZE = 50
#: Rows a story page lists at most (the API has them all).
MAX_ARTICLE_ROWS, MAX_TIMELINE_ROWS = 300, 400
#: Rendered pages kept in memory, in bytes of HTML.
PAGE_CACHE_BYTES = 200_000_000

API_DESCRIPTION = """\
Stories (threads of events), their articles, entities, quotes, timelines and
corrections, from one storyline store.

**Writing** (`POST /api/ingest`) needs `Authorization: Bearer <token>`, the token
the server was started with (`storyline serve --token` or `STORYLINE_TOKEN`);
a server started without one refuses every write with 403.

**Ingest body**, one of:

* a JSON array of articles in the JSON Lines input shape, e.g.
  `[{"title": "…", "text": "…", "published": "2015-09-15", "source": "BBC", "url": "https://…"}]`
  (`text` or `html` required);
* `{"inputs": ["path/or/folder", "https://example.org/feed.xml"]}`: files, folders,
  globs and URLs read by the server, as `storyline ingest` does (URLs on private
  addresses are refused).

Each request body is limited to 10 MB (413 above); read requests have a 30 s
time limit and ingest 600 s (504 when over).
"""


# -- request and response models --------------------------------------------------------------
class IngestInputs(BaseModel):
    """Files, folders, globs or URLs for the server to read."""

    inputs: list[str] = Field(..., min_length=1, max_length=1000)


IngestBody = Union[list[dict[str, Any]], IngestInputs]


class IngestResult(BaseModel):
    ingested: int
    duplicates: int
    failed: int
    failures: list[str]
    article_ids: list[str]


# -- helpers ------------------------------------------------------------------------------------
def article_href(article_id: str, span: Any = None) -> str:
    """The article page, with ``span`` (``[start, end]``) highlighted and scrolled to."""
    href = f"/articles/{quote(article_id, safe='')}"
    if span and len(span) == 2:
        href += f"?hl={int(span[0])}-{int(span[1])}#hl"
    return href


def external_url(url: str | None) -> str | None:
    """``url`` when it is http(s), else ``None`` (never a ``javascript:`` link)."""
    if not url:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def hits(snippet: str | None) -> Markup:
    """A search snippet with its hit markers turned into ``<mark>``, everything else escaped."""
    out = str(escape(snippet or ""))
    return Markup(out.replace(HIT_OPEN, "<mark>").replace(HIT_CLOSE, "</mark>"))


def _parse_hl(hl: str | None) -> tuple[int, int] | None:
    if not hl:
        return None
    try:
        a, b = (int(x) for x in hl.split("-", 1))
    except ValueError:
        return None
    return (a, b) if 0 <= a < b else None


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("storyline.web", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(article_href=article_href, entity_id=entity_id)
    env.filters.update(external_url=external_url, hits=hits, q=lambda s: quote(str(s), safe=""))
    return env


class Stores:
    """One read-only store connection per thread, and the single writer for ingest."""

    def __init__(self, path: str):
        self.path = path
        Store(path).close()  # creates the file or migrates its schema, once
        self._local = threading.local()
        self._writer = None
        self.write_lock = threading.Lock()

    def reader(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.path, readonly=True)
        return store

    def writer(self):
        """The corpus that ingests (call with :attr:`write_lock` held)."""
        if self._writer is None:
            from ..corpus import Corpus

            self._writer = Corpus(self.path)
        return self._writer


# -- the app ------------------------------------------------------------------------------------
def create_app(db_path: str | Path, token: str | None = None) -> FastAPI:
    """The storyline web app over the store at ``db_path``; ``token`` enables writing."""
    stores = Stores(str(db_path))
    cache = VersionedCache(256)  # story views, corrections
    listing = VersionedCache(2)  # the thread summaries, apart so that views never push them out
    pages = VersionedCache(PAGE_CACHE_BYTES, cost=lambda page: len(page.body))  # rendered pages, encoded
    semantic = SemanticSearch()
    env = _environment()

    app = FastAPI(
        title="storyline",
        description=API_DESCRIPTION,
        docs_url=None,  # the interactive docs load assets from a CDN; the schema is at /api/openapi.json
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.mount("/static", StaticFiles(packages=[("storyline.web", "static")]), name="static")

    def store_dep() -> Store:
        return stores.reader()

    def version(store: Store) -> tuple[int, int, int]:
        return queries.current_version(store)

    def summaries(store: Store) -> list[dict[str, Any]]:
        return listing.get(version(store), "threads", lambda: queries.thread_summaries(store))

    def view_of(store: Store, story_id: str) -> dict[str, Any]:
        view = cache.get(version(store), ("view", story_id), lambda: story_view(store, story_id))
        if view is None:
            raise HTTPException(404, f"no story {story_id}")
        return view

    def corrections_of(store: Store, thread_id: str) -> dict[str, Any]:
        return cache.get(version(store), ("corrections", thread_id), lambda: evidence.corrections(store, thread_id))

    def require_writer(authorization: str | None = Header(None)) -> None:
        if not token:
            raise HTTPException(403, "writing is disabled: start the server with --token or STORYLINE_TOKEN")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required", {"WWW-Authenticate": "Bearer"})

    # -- API ------------------------------------------------------------------------------------
    api = APIRouter(prefix="/api")

    @api.get("/threads", summary="Threads, largest first", response_model=schemas.ThreadList)
    def api_threads(
        limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0), store: Store = Depends(store_dep)
    ) -> dict[str, Any]:
        rows = summaries(store)
        return {"total": len(rows), "threads": rows[offset : offset + limit]}

    @api.get(
        "/threads/{thread_id}",
        summary="One thread with its events, articles, entities, dates and quotes",
        response_model=schemas.StoryView,
    )
    def api_thread(thread_id: str, store: Store = Depends(store_dep)) -> dict[str, Any]:
        return view_of(store, thread_id)

    @api.get("/threads/{thread_id}/events", summary="The events of a thread, in date order", response_model=list[schemas.EventOut])
    def api_events(thread_id: str, store: Store = Depends(store_dep)) -> list[dict[str, Any]]:
        return view_of(store, thread_id)["events"]

    @api.get(
        "/threads/{thread_id}/timeline", summary="Dated entries of a thread with their evidence", response_model=schemas.TimelineOut
    )
    def api_timeline(thread_id: str, store: Store = Depends(store_dep)) -> dict[str, Any]:
        view = view_of(store, thread_id)
        entries, source = timeline.timeline_entries(store, view)
        return {
            "thread_id": view["thread"]["id"],
            "source": source,
            "entries": [
                {
                    "date": e.value,
                    "start": e.start.isoformat(),
                    "end": e.end.isoformat(),
                    "kind": e.kind,
                    "label": e.label,
                    "mentions": e.weight,
                    "evidence": e.evidence,
                }
                for e in entries
            ],
        }

    @api.get(
        "/threads/{thread_id}/corrections",
        summary="Corrections and contradictions between a thread's claims",
        response_model=schemas.CorrectionsOut,
    )
    def api_corrections(thread_id: str, store: Store = Depends(store_dep)) -> dict[str, Any]:
        view = view_of(store, thread_id)
        found = corrections_of(store, view["thread"]["id"])
        return {
            "thread_id": view["thread"]["id"],
            "available": found["available"],
            "reason": found["reason"],
            "relations": evidence.public(found["relations"]),
        }

    @api.get("/articles/{article_id}", summary="One article with its annotations and story", response_model=schemas.ArticleOut)
    def api_article(article_id: str, store: Store = Depends(store_dep)) -> dict[str, Any]:
        article = store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        analysis = store.analysis(article_id)
        return {
            "article": to_dict(article),
            "analysis": to_dict(analysis) if analysis else None,
            "story": store.article_thread(article_id),
        }

    @api.get(
        "/entities/{eid}", summary="One entity: what they said and which stories name them", response_model=schemas.EntityOut
    )
    def api_entity(eid: str, store: Store = Depends(store_dep)) -> dict[str, Any]:
        found = store.entity_summary(eid)
        if found is None:
            raise HTTPException(404, f"no entity {eid}")
        return {**found, "quotes": store.quotes(speaker_id=eid, limit=500), "threads": store.entity_threads(eid)}

    @api.get("/quotes", summary="Quotes by one speaker (entity id or name), in date order", response_model=schemas.QuotesOut)
    def api_quotes(
        speaker: str = Query(..., min_length=1, max_length=200),
        limit: int = Query(200, ge=1, le=2000),
        store: Store = Depends(store_dep),
    ) -> dict[str, Any]:
        sid = speaker if speaker.startswith("ent-") else entity_id(speaker, "PERSON")
        return {"speaker_id": sid, "quotes": store.quotes(speaker_id=sid, limit=limit)}

    @api.get("/search", summary="Full-text search (SQLite FTS5 query syntax)", response_model=schemas.SearchOut)
    def api_search(
        q: str = Query(..., min_length=1, max_length=500),
        limit: int = Query(20, ge=1, le=200),
        store: Store = Depends(store_dep),
    ) -> dict[str, Any]:
        try:
            rows = queries.text_search(store, q, limit)
        except Exception as exc:  # noqa: BLE001 - FTS5 syntax errors are the user's
            raise HTTPException(400, f"bad search query: {exc}") from exc
        for r in rows:
            r["snippet"] = (r["snippet"] or "").replace(HIT_OPEN, "[").replace(HIT_CLOSE, "]")
        return {"query": q, "results": rows}

    @api.get(
        "/search/semantic",
        summary="Articles nearest in meaning to a free-text query (MiniLM embeddings)",
        response_model=schemas.SemanticOut,
    )
    def api_semantic(
        q: str = Query(..., min_length=1, max_length=500),
        limit: int = Query(20, ge=1, le=200),
        store: Store = Depends(store_dep),
    ) -> dict[str, Any]:
        rows, method = semantic.search(store, q, limit)
        return {"query": q, "method": method, "results": rows}

    @api.post(
        "/ingest",
        summary="Ingest articles (needs a bearer token)",
        response_model=IngestResult,
        dependencies=[Depends(require_writer)],
    )
    def api_ingest(body: IngestBody) -> IngestResult:
        from ..ingest.common import Unreadable
        from ..ingest.jsonl import article_from_record

        with stores.write_lock:
            corpus = stores.writer()
            try:
                if isinstance(body, IngestInputs):
                    report = corpus.ingest(body.inputs)
                else:
                    articles, failures = [], []
                    for n, record in enumerate(body):
                        try:
                            articles.append(article_from_record(record, f"request[{n}]"))
                        except Unreadable as exc:
                            failures.append(f"request[{n}]: {exc.reason}")
                    report = corpus.add(articles)
                    report.failed += len(failures)
                    report.failures += failures
            except StorylineError as exc:
                raise HTTPException(400, str(exc)) from exc
        return IngestResult(**{k: getattr(report, k) for k in IngestResult.model_fields})

    app.include_router(api)

    # -- pages ----------------------------------------------------------------------------------
    def page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**context), status_code=status_code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        from fastapi.exception_handlers import http_exception_handler

        if request.url.path.startswith("/api") or request.url.path.startswith("/static"):
            return await http_exception_handler(request, exc)
        return page("error.html", exc.status_code, status=exc.status_code, message=exc.detail)

    def cached(key: Any) -> CachedPage | None:
        """The page cached under ``key`` for the store as it is now (checked on the event loop)."""
        return pages.peek(version(stores.reader()), key)

    async def cached_page(key: Any, render: Callable[[Store], CachedPage]) -> PageResponse:
        """The page under ``key`` from the cache, rendered in a worker thread when missing.

        Hits normally never get here: :class:`CachedPages` answers them before routing.
        """
        v = version(stores.reader())
        page = pages.peek(v, key)
        if page is None:
            page = await run_in_threadpool(lambda: pages.get(v, key, lambda: render(stores.reader())))
        return PageResponse(page)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def stories_page(page_no: int = Query(1, alias="page", ge=1)) -> PageResponse:
        def render(store: Store) -> CachedPage:
            rows = summaries(store)
            pages_total = max(1, -(-len(rows) // PAGE_SIZE))
            shown = rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
            return CachedPage.of_html(
                env.get_template("stories.html").render(
                    threads=shown, total=len(rows), page=page_no, pages=pages_total, articles=store.count_articles()
                )
            )

        return await cached_page(("stories", page_no), render)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(story_id: str) -> PageResponse:
        def render(store: Store) -> CachedPage:
            view = view_of(store, story_id)
            if view["thread"]["id"] != story_id:  # an event id, or a thread merged into another
                return CachedPage.redirect("/stories/" + quote(view["thread"]["id"], safe=""))
            entries, source = timeline.timeline_entries(store, view)
            html = env.get_template("story.html").render(
                view=view,
                chart=timeline.chart(entries),
                entries=entries,
                timeline_source=source,
                corrections=corrections_of(store, story_id),
                max_articles=MAX_ARTICLE_ROWS,
                max_entries=MAX_TIMELINE_ROWS,
            )
            return CachedPage.of_html(html)

        return await cached_page(("story", story_id), render)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str, hl: str | None = Query(None, max_length=40), store: Store = Depends(store_dep)):
        article = store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        analysis = store.analysis(article_id)
        marks = analysis_marks(
            analysis,
            {m.canonical: f"/entities/{m.entity_id or entity_id(m.canonical, m.label)}" for m in (analysis.entities if analysis else [])},
        )
        focus = _parse_hl(hl)
        if focus:
            marks.append(Mark(focus[0], focus[1], "focus", "evidence", anchor="hl"))
        speakers = sorted({q.speaker for q in analysis.quotes if q.speaker}) if analysis else []
        return page(
            "article.html",
            article=article,
            body=highlight(article.text, marks),
            analysis=analysis,
            story=store.article_thread(article_id),
            speakers=speakers,
        )

    @app.get("/entities/{eid}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(eid: str, store: Store = Depends(store_dep)):
        found = store.entity_summary(eid)
        if found is None:
            raise HTTPException(404, f"no entity {eid}")
        quotes = store.quotes(speaker_id=eid)
        return page("entity.html", entity=found, quotes=quotes[:300], quote_total=len(quotes), threads=store.entity_threads(eid))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        q: str = Query("", max_length=500), mode: str = Query("text", pattern="^(text|semantic)$"), store: Store = Depends(store_dep)
    ):
        results, error, method = [], None, None
        if q.strip():
            if mode == "semantic":
                results, method = semantic.search(store, q, 20)
            else:
                try:
                    results = queries.text_search(store, q, 30)
                except Exception as exc:  # noqa: BLE001 - FTS5 syntax errors are the user's
                    error = f"That search could not be read ({exc}). Put phrases in double quotes."
        return page("search.html", q=q, mode=mode, results=results, error=error, method=method)

    app.add_middleware(
        Guard, max_body=MAX_BODY, time_limit=TIME_LIMIT, slow_paths=("/api/ingest",), slow_limit=INGEST_TIME_LIMIT
    )
    app.add_middleware(CachedPages, lookup=cached)  # outermost: a cached page skips routing and the guard
    return app


#: Environment variables that :func:`app_from_environment` reads (set by ``storyline serve --workers``).
DB_ENV, TOKEN_ENV = "STORYLINE_SERVE_DB", "STORYLINE_TOKEN"


def app_from_environment() -> FastAPI:
    """The app over the store named by ``STORYLINE_SERVE_DB``: the factory each server process calls."""
    return create_app(os.environ[DB_ENV], token=os.environ.get(TOKEN_ENV) or None)
