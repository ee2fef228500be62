"""Following from the web: Atom feeds per story and per saved search, streamed exports, follows and news.

* ``GET /stories/{id}/feed.atom``: the story's articles, newest first (Atom 1.0);
* ``GET /search/feed.atom?q=…``: a saved full-text search as a feed;
* ``GET /api/export/{table}?story=ID&format=ndjson|csv``: the rows of ``storyline export``, streamed;
* ``GET /news``: followed stories with what is new since their follower last looked (``storyline news``);
* ``GET /api/news``, ``POST`` / ``DELETE /api/follows/{id}`` (the write token needed), ``POST /api/news/seen``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from ..errors import StorylineError
from ..store import Store
from ..views import export
from ..views.news import news
from .state import WebState, reader, require_writer, web_state

router = APIRouter(include_in_schema=False)
FEED_ENTRIES = 50


def _when(value: str | None, fallback: str) -> str:
    """An RFC 3339 timestamp from a stored date or datetime."""
    text = value or fallback
    if len(text) == 10:
        return text + "T00:00:00Z"
    try:
        return datetime.fromisoformat(text).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return fallback


def atom(feed_id: str, title: str, self_url: str, alternate: str, entries: Iterable[dict[str, Any]]) -> bytes:
    """An Atom 1.0 document; each entry has ``id``, ``title``, ``updated``, ``link`` and ``summary``."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    items = list(entries)
    updated = max((e["updated"] for e in items), default=now)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{escape(feed_id)}</id><title>{escape(title)}</title><updated>{updated}</updated>",
        f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(self_url)}/>",
        f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(alternate)}/>",
        "<author><name>storyline</name></author><generator>storyline</generator>",
    ]
    for e in items:
        parts.append(
            f"<entry><id>{escape(e['id'])}</id><title>{escape(e['title'] or '(untitled)')}</title>"
            f"<updated>{e['updated']}</updated><link rel=\"alternate\" type=\"text/html\" href={quoteattr(e['link'])}/>"
            f"<summary>{escape(e['summary'])}</summary></entry>"
        )
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def _article_entries(base: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        when = _when(r.get("published"), _when(r.get("ingested_at"), "1970-01-01T00:00:00Z"))
        estimated = " (date estimated from the text)" if r.get("published_estimated") else ""
        words = " ".join((r.get("text") or "").split()[:60])
        out.append({
            "id": f"urn:storyline:article:{r['id']}",
            "title": r.get("title"),
            "updated": when,
            "link": r.get("url") or f"{base}/articles/{quote(r['id'], safe='')}",
            "summary": f"{(r.get('published') or '')[:10]}{estimated}{' · ' + r['source'] if r.get('source') else ''}: {words}",
        })
    return out


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/stories/{story_id}/feed.atom")
def story_feed(story_id: str, request: Request, store: Store = Depends(reader)) -> Response:
    thread = store.thread(story_id)
    if thread is None:
        raise HTTPException(404, f"no story {story_id}")
    rows = list(store.export_articles(thread.id))
    rows.reverse()  # newest first
    base = _base(request)
    body = atom(
        f"urn:storyline:thread:{thread.id}", thread.title, f"{base}/stories/{quote(story_id, safe='')}/feed.atom",
        f"{base}/stories/{quote(thread.id, safe='')}", _article_entries(base, rows[:FEED_ENTRIES]),
    )
    return Response(body, media_type="application/atom+xml")


@router.get("/search/feed.atom")
def search_feed(request: Request, q: str = Query(..., min_length=1, max_length=500), store: Store = Depends(reader)) -> Response:
    try:
        hits = store.search(q, FEED_ENTRIES)
    except StorylineError as exc:
        raise HTTPException(400, str(exc)) from None
    ids = [h["id"] for h in hits]
    rows = {r["id"]: r for r in store.export_articles() if r["id"] in set(ids)} if ids else {}
    base = _base(request)
    body = atom(
        f"urn:storyline:search:{quote(q, safe='')}", f"storyline search: {q}", f"{base}/search/feed.atom?q={quote(q, safe='')}",
        f"{base}/search?q={quote(q, safe='')}", _article_entries(base, [rows[i] for i in ids if i in rows]),
    )
    return Response(body, media_type="application/atom+xml")


@router.get("/api/export/{table}")
def export_stream(
    table: str,
    story: str | None = Query(None, description="A thread or event id."),
    fmt: str = Query("ndjson", alias="format", pattern="^(ndjson|csv)$"),
    state: WebState = Depends(web_state),
) -> StreamingResponse:
    store = Store(state.stores.path, readonly=True)  # its own connection: the stream outlives the request thread
    try:
        export.check_story(store, story)
        if table not in export.TABLES:
            raise export.ExportError(f"unknown table {table!r}; choose from {', '.join(export.TABLES)}")
    except export.ExportError as exc:
        store.close()
        raise HTTPException(404 if story else 400, str(exc)) from None

    def chunks():
        try:
            data = export.rows(store, table, story)
            yield from (export.iter_csv(table, data) if fmt == "csv" else export.iter_ndjson(data))
        finally:
            store.close()

    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    name = f"{table}{'-' + story if story else ''}.{fmt}"
    return StreamingResponse(chunks(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/news")
def api_news(store: Store = Depends(reader)) -> list[dict[str, Any]]:
    return news(store)


def _writable(state: WebState) -> Store:
    return state.stores.writer().store


@router.post("/api/follows/{story_id}", dependencies=[Depends(require_writer)])
def api_follow(story_id: str, state: WebState = Depends(web_state)) -> dict[str, Any]:
    with state.stores.write_lock:
        store = _writable(state)
        thread = store.thread(story_id)
        if thread is None:
            raise HTTPException(404, f"no story {story_id}")
        return {"thread_id": thread.id, "followed": True, "new": store.follow(thread.id)}


@router.delete("/api/follows/{story_id}", dependencies=[Depends(require_writer)])
def api_unfollow(story_id: str, state: WebState = Depends(web_state)) -> dict[str, Any]:
    with state.stores.write_lock:
        if not _writable(state).unfollow(story_id):
            raise HTTPException(404, f"story {story_id} is not followed")
    return {"thread_id": story_id, "followed": False}


@router.post("/api/news/seen", dependencies=[Depends(require_writer)])
def api_news_seen(state: WebState = Depends(web_state)) -> dict[str, Any]:
    with state.stores.write_lock:
        store = _writable(state)
        follows = store.follows()
        for f in follows:
            store.mark_seen(f["thread_id"])
    return {"seen": [f["thread_id"] for f in follows]}


@router.get("/news", response_class=HTMLResponse)
def news_page(store: Store = Depends(reader), state: WebState = Depends(web_state)) -> HTMLResponse:
    items = news(store)
    html = state.env.get_template("news.html").render(items=items)
    return HTMLResponse(html)
