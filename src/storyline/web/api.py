"""The REST API under ``/api``: one route per resource, each with its response model (``schemas``)."""

from __future__ import annotations

from typing import Any, Union

from fastapi import APIRouter, Depends, HTTPException, Query

from ..model import to_dict
from ..store import Store, entity_id
from . import evidence, queries, schemas, timeline
from .queries import HIT_CLOSE, HIT_OPEN
from .schemas import IngestInputs, IngestResult
from .state import WebState, reader, require_writer, web_state

router = APIRouter(prefix="/api")

IngestBody = Union[list[dict[str, Any]], IngestInputs]


@router.get("/threads", summary="Threads, largest first", response_model=schemas.ThreadList)
def api_threads(
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    store: Store = Depends(reader),
    state: WebState = Depends(web_state),
) -> dict[str, Any]:
    rows = state.summaries(store)
    return {"total": len(rows), "threads": rows[offset : offset + limit]}


@router.get(
    "/threads/{thread_id}",
    summary="One thread with its events, articles, entities, dates and quotes",
    response_model=schemas.StoryView,
)
def api_thread(thread_id: str, store: Store = Depends(reader), state: WebState = Depends(web_state)) -> dict[str, Any]:
    return state.view_of(store, thread_id)


@router.get(
    "/threads/{thread_id}/related",
    summary="Related stories: threads of the same topic with other principal actors and places, and why",
    response_model=list[schemas.RelatedStory],
)
def api_related(thread_id: str, store: Store = Depends(reader), state: WebState = Depends(web_state)) -> list[dict[str, Any]]:
    return state.view_of(store, thread_id)["related"]


@router.get("/threads/{thread_id}/events", summary="The events of a thread, in date order", response_model=list[schemas.EventOut])
def api_events(thread_id: str, store: Store = Depends(reader), state: WebState = Depends(web_state)) -> list[dict[str, Any]]:
    return state.view_of(store, thread_id)["events"]


@router.get("/threads/{thread_id}/timeline", summary="Dated entries of a thread with their evidence", response_model=schemas.TimelineOut)
def api_timeline(thread_id: str, store: Store = Depends(reader), state: WebState = Depends(web_state)) -> dict[str, Any]:
    view = state.view_of(store, thread_id)
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
                "event_id": e.event,
            }
            for e in entries
        ],
    }


@router.get(
    "/threads/{thread_id}/corrections",
    summary="Corrections and contradictions between a thread's claims",
    response_model=schemas.CorrectionsOut,
)
def api_corrections(thread_id: str, store: Store = Depends(reader), state: WebState = Depends(web_state)) -> dict[str, Any]:
    view = state.view_of(store, thread_id)
    found = state.corrections_of(store, view["thread"]["id"])
    return {
        "thread_id": view["thread"]["id"],
        "available": found["available"],
        "reason": found["reason"],
        "relations": evidence.public(found["relations"]),
    }


@router.get("/articles/{article_id}", summary="One article with its annotations and story", response_model=schemas.ArticleOut)
def api_article(article_id: str, store: Store = Depends(reader)) -> dict[str, Any]:
    article = store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    analysis = store.analysis(article_id)
    return {
        "article": to_dict(article),
        "analysis": to_dict(analysis) if analysis else None,
        "story": store.article_thread(article_id),
    }


@router.get("/entities/{eid}", summary="One entity: what they said and which stories name them", response_model=schemas.EntityOut)
def api_entity(eid: str, store: Store = Depends(reader)) -> dict[str, Any]:
    found = store.entity_summary(eid)
    if found is None:
        raise HTTPException(404, f"no entity {eid}")
    return {**found, "quotes": store.quotes(speaker_id=eid, limit=500), "threads": store.entity_threads(eid)}


@router.get("/quotes", summary="Quotes by one speaker (entity id or name), in date order", response_model=schemas.QuotesOut)
def api_quotes(
    speaker: str = Query(..., min_length=1, max_length=200),
    limit: int = Query(200, ge=1, le=2000),
    store: Store = Depends(reader),
) -> dict[str, Any]:
    sid = speaker if speaker.startswith("ent-") else entity_id(speaker, "PERSON")
    return {"speaker_id": sid, "quotes": store.quotes(speaker_id=sid, limit=limit)}


@router.get("/search", summary="Full-text search (SQLite FTS5 query syntax, on either store backend)", response_model=schemas.SearchOut)
def api_search(
    q: str = Query(..., min_length=1, max_length=500),
    limit: int = Query(20, ge=1, le=200),
    store: Store = Depends(reader),
) -> dict[str, Any]:
    try:
        rows = queries.text_search(store, q, limit)
    except Exception as exc:  # noqa: BLE001 - FTS5 syntax errors are the user's
        raise HTTPException(400, f"bad search query: {exc}") from exc
    for r in rows:
        r["snippet"] = (r["snippet"] or "").replace(HIT_OPEN, "[").replace(HIT_CLOSE, "]")
    return {"query": q, "results": rows}


@router.get(
    "/search/semantic",
    summary="Articles nearest in meaning to a free-text query (MiniLM embeddings)",
    response_model=schemas.SemanticOut,
)
def api_semantic(
    q: str = Query(..., min_length=1, max_length=500),
    limit: int = Query(20, ge=1, le=200),
    store: Store = Depends(reader),
    state: WebState = Depends(web_state),
) -> dict[str, Any]:
    rows, method = state.semantic.search(store, q, limit)
    return {"query": q, "method": method, "results": rows}


@router.post(
    "/ingest",
    summary="Ingest articles (needs a bearer token)",
    response_model=IngestResult,
    dependencies=[Depends(require_writer)],
)
def api_ingest(body: IngestBody, state: WebState = Depends(web_state), store: Store = Depends(reader)) -> IngestResult:
    """An ingest job that the request waits for (``POST /api/jobs`` does not wait)."""
    from .jobs import job_status, jobs_of

    jobs = jobs_of(state)
    job_id = jobs.submit(body)
    jobs.wait(job_id)
    job = job_status(store, job_id)
    if job.status == "failed" or job.report is None:
        raise HTTPException(400, job.error or "the ingest failed")
    if job.report.ingested:  # the writer waits for the pages it changed, so that it sees its write
        threads = {t["thread_id"] for t in map(store.article_thread, job.report.article_ids) if t is not None}
        state.refresh_pages([("stories", 1), *(("story", t) for t in sorted(threads))])
    return job.report
