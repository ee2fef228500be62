"""The server-rendered pages: one view per page kind (stories, story, article, entity, search).

Story and listing pages are cached by store version (:class:`~storyline.web.pages.CachedPages`
answers hits before routing); article, entity and search pages render per request.
"""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ..analyze import ENGLISH_ONLY
from ..store import Store, entity_id
from . import queries, timeline
from .highlight import Mark, analysis_marks, highlight
from .pages import CachedPage, PageKey, PageResponse
from .state import WebState, reader, web_state
from .templating import parse_hl

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
#: Rows a story page lists at most (the API has them all).
MAX_ARTICLE_ROWS, MAX_TIMELINE_ROWS = 300, 400
#: Speakers, quotes per speaker and claim relations that a story page lists at most (the API has them all).
MAX_SPEAKERS, MAX_QUOTES_PER_SPEAKER, MAX_RELATION_ROWS = 50, 12, 100


def page(state: WebState, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(state.env.get_template(template).render(**context), status_code=status_code)


async def cached_page(state: WebState, key: PageKey) -> PageResponse:
    """The page under ``key`` from the cache (or the one before, while it is made anew), else rendered
    in a worker thread. Hits normally never get here: :class:`CachedPages` answers them before routing."""
    found = state.fresh_or_stale_page(key)
    if found is None:
        found = await run_in_threadpool(state.render_page, key)
    return PageResponse(found)


def render_stories(state: WebState, store: Store, page_no: int) -> CachedPage:
    rows = state.summaries(store)
    pages_total = max(1, -(-len(rows) // PAGE_SIZE))
    shown = rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    return CachedPage.of_html(
        state.env.get_template("stories.html").render(
            threads=shown, total=len(rows), page=page_no, pages=pages_total, articles=store.count_articles()
        )
    )


def render_story(state: WebState, store: Store, story_id: str) -> CachedPage:
    view = state.view_of(store, story_id)
    if view["thread"]["id"] != story_id:  # an event id, or a thread merged into another
        return CachedPage.redirect("/stories/" + quote(view["thread"]["id"], safe=""))
    entries, source = timeline.timeline_entries(store, view)
    html = state.env.get_template("story.html").render(
        view=view,
        chart=timeline.chart(entries),
        entries=entries,
        timeline_source=source,
        corrections=state.corrections_of(store, story_id),
        max_articles=MAX_ARTICLE_ROWS,
        max_entries=MAX_TIMELINE_ROWS,
        max_speakers=MAX_SPEAKERS,
        max_quotes=MAX_QUOTES_PER_SPEAKER,
        max_relations=MAX_RELATION_ROWS,
    )
    return CachedPage.of_html(html)


#: The cached page kinds (the first part of a page key) and how each is rendered.
PAGE_RENDERERS: dict[str, Callable[[WebState, Store, Any], CachedPage]] = {"stories": render_stories, "story": render_story}


@router.get("/", response_class=HTMLResponse)
async def stories_page(request: Request, page_no: int = Query(1, alias="page", ge=1)) -> PageResponse:
    return await cached_page(web_state(request), ("stories", page_no))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: str) -> PageResponse:
    return await cached_page(web_state(request), ("story", story_id))


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(
    article_id: str,
    hl: str | None = Query(None, max_length=40),
    store: Store = Depends(reader),
    state: WebState = Depends(web_state),
) -> HTMLResponse:
    article = store.article(article_id)
    if article is None:
        raise HTTPException(404, f"no article {article_id}")
    analysis = store.analysis(article_id)
    marks = analysis_marks(
        analysis,
        {m.canonical: f"/entities/{m.entity_id or entity_id(m.canonical, m.label)}" for m in (analysis.entities if analysis else [])},
    )
    focus = parse_hl(hl)
    if focus:
        marks.append(Mark(focus[0], focus[1], "focus", "evidence", anchor="hl"))
    speakers = sorted({q.speaker for q in analysis.quotes if q.speaker}) if analysis else []
    return page(
        state,
        "article.html",
        article=article,
        body=highlight(article.text, marks),
        analysis=analysis,
        story=store.article_thread(article_id),
        speakers=speakers,
        skipped=sorted(ENGLISH_ONLY - set(analysis.analysers)) if analysis and analysis.analysers else [],
    )


@router.get("/entities/{eid}", response_class=HTMLResponse)
def entity_page(eid: str, store: Store = Depends(reader), state: WebState = Depends(web_state)) -> HTMLResponse:
    found = store.entity_summary(eid)
    if found is None:
        raise HTTPException(404, f"no entity {eid}")
    quotes = store.quotes(speaker_id=eid)
    return page(state, "entity.html", entity=found, quotes=quotes[:300], quote_total=len(quotes), threads=store.entity_threads(eid))


@router.get("/search", response_class=HTMLResponse)
def search_page(
    q: str = Query("", max_length=500),
    mode: str = Query("text", pattern="^(text|semantic)$"),
    store: Store = Depends(reader),
    state: WebState = Depends(web_state),
) -> HTMLResponse:
    results: list[dict[str, Any]] = []
    error, method = None, None
    if q.strip():
        if mode == "semantic":
            results, method = state.semantic.search(store, q, 20)
        else:
            try:
                results = queries.text_search(store, q, 30)
            except Exception as exc:  # noqa: BLE001 - FTS5 syntax errors are the user's
                error = f"That search could not be read ({exc}). Put phrases in double quotes."
    return page(state, "search.html", q=q, mode=mode, results=results, error=error, method=method)
