"""The web app: the REST API under ``/api`` (``web/api.py``) and server-rendered pages (``web/site.py``) over one store.

Reads use one read-only SQLite connection per worker thread; writes (``POST
/api/ingest``) go through one :class:`~storyline.corpus.Corpus`, one at a time,
and need ``Authorization: Bearer <token>``. Without a configured token, writing
is disabled (403). The shared state lives on ``app.state.web`` (``web/state.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..alerts import Webhooks
from . import api, follow, jobs, site
from .pages import CachedAnswers, CachedPages
from .security import Guard
from .state import Stores, WebState

MAX_BODY = 10 * 1024 * 1024
TIME_LIMIT = 30.0
INGEST_TIME_LIMIT = 600.0

API_DESCRIPTION = """\
Stories (threads of events), their articles, entities, quotes, timelines and
corrections, from one storyline store.

**Writing** (`POST /api/jobs`: a background ingest job, answered at once with its
id, followed at `GET /api/jobs/{id}`; `POST /api/ingest`: the same job, waited for)
needs `Authorization: Bearer <token>`, the token the server was started with
(`STORYLINE_TOKEN`, `storyline serve --token-file` or `--token`);
a server started without one refuses every write with 403.

**Ingest body**, one of:

* a JSON array of articles in the JSON Lines input shape, e.g.
  `[{"title": "…", "text": "…", "published": "2015-09-15", "source": "BBC", "url": "https://…"}]`
  (`text` or `html` required);
* `{"inputs": ["https://example.org/feed.xml"]}`: http(s) URLs fetched by the server
  under the fetch rules (private addresses refused); files of the server are never
  read over the API.

Each request body is limited to 10 MB (413 above); read requests have a 30 s
time limit and ingest 600 s (504 when over).
"""


def create_app(db_path: str | Path, token: str | None = None, webhooks: Webhooks | None = None) -> FastAPI:
    """The storyline web app over the store at ``db_path``; ``token`` enables writing; ``webhooks``
    are told when an ingest gives a followed story a new event or correction."""
    state = WebState(Stores(str(db_path)), token=token, webhooks=webhooks)
    app = FastAPI(
        title="storyline",
        description=API_DESCRIPTION,
        docs_url=None,  # the interactive docs load assets from a CDN; the schema is at /api/openapi.json
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.web = state
    state.renderers.update(site.PAGE_RENDERERS)
    app.mount("/static", StaticFiles(packages=[("storyline.web", "static")]), name="static")
    app.include_router(api.router)
    app.include_router(jobs.router)
    app.include_router(follow.router)
    app.include_router(site.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        from fastapi.exception_handlers import http_exception_handler

        if request.url.path.startswith("/api") or request.url.path.startswith("/static"):
            return await http_exception_handler(request, exc)
        return site.page(state, "error.html", exc.status_code, status=exc.status_code, message=exc.detail)

    app.add_middleware(
        Guard, max_body=MAX_BODY, time_limit=TIME_LIMIT, slow_paths=("/api/ingest",), slow_limit=INGEST_TIME_LIMIT
    )
    app.add_middleware(CachedAnswers, version=lambda: state.version(state.stores.reader()), cache=state.answers)
    app.add_middleware(CachedPages, lookup=state.fresh_or_stale_page)  # outermost: a cached page skips routing and the guard
    return app


#: Environment variables that :func:`app_from_environment` reads (set by ``storyline serve --workers``).
DB_ENV, TOKEN_ENV = "STORYLINE_SERVE_DB", "STORYLINE_TOKEN"
WEBHOOKS_ENV, WEBHOOK_SECRET_ENV, WEBHOOKS_PRIVATE_ENV = "STORYLINE_SERVE_WEBHOOKS", "STORYLINE_WEBHOOK_SECRET", "STORYLINE_SERVE_WEBHOOKS_PRIVATE"


def webhooks_to_environment(webhooks: Webhooks | None) -> None:
    """Put ``webhooks`` where :func:`app_from_environment` finds them (one target a line)."""
    os.environ[WEBHOOKS_ENV] = "\n".join(webhooks.targets) if webhooks else ""
    if webhooks:
        os.environ[WEBHOOK_SECRET_ENV] = webhooks.secret
        os.environ[WEBHOOKS_PRIVATE_ENV] = "1" if webhooks.allow_private else ""


def app_from_environment() -> FastAPI:
    """The app over the store named by ``STORYLINE_SERVE_DB``: the factory each server process calls."""
    targets = tuple(t for t in os.environ.get(WEBHOOKS_ENV, "").splitlines() if t)
    webhooks = (
        Webhooks(targets, os.environ.get(WEBHOOK_SECRET_ENV, ""), bool(os.environ.get(WEBHOOKS_PRIVATE_ENV))) if targets else None
    )
    return create_app(os.environ[DB_ENV], token=os.environ.get(TOKEN_ENV) or None, webhooks=webhooks)
