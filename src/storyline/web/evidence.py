"""Corrections and contradictions of a story, with both evidence spans ready to show side by side.

The relations are :func:`storyline.explain.corrections.corrections_for_thread`'s (the one serialiser of
relations, :func:`~storyline.explain.corrections.relation_dict`: label, cue, reason, both sides with spans,
dates and sources); the page adds the highlighted context of each side, which the JSON leaves out.
"""

from __future__ import annotations

import logging
from typing import Any

from ..explain.corrections import CHANGE_LABELS, corrections_for_thread
from ..store import Store
from .highlight import excerpt

log = logging.getLogger(__name__)

#: Threads whose relations were not all computed at ingest are compared while a page waits; larger ones are not.
MAX_ARTICLES = 60


def _with_context(side: dict[str, Any], text: str | None) -> dict[str, Any]:
    span = side.get("span")
    context = None
    if text is not None and span and 0 <= int(span[0]) < int(span[1]) <= len(text):
        context = excerpt(text, int(span[0]), int(span[1]))
    return {**side, "context": context}


def corrections(store: Store, thread_id: str) -> dict[str, Any]:
    """``{"available", "reason", "relations"}`` for a thread, each side with its highlighted context."""
    ids = store.story_article_ids(thread_id)
    if len(ids) > MAX_ARTICLES and store.related_count(ids) < len(ids):
        return {
            "available": False,
            "reason": f"the story has {len(ids)} articles, more than the {MAX_ARTICLES} compared while serving",
            "relations": [],
        }
    try:
        relations = corrections_for_thread(store, thread_id, labels=CHANGE_LABELS)
    except Exception:  # noqa: BLE001 - a failing optional stage must not take the page down
        log.exception("corrections_for_thread failed for %s", thread_id)
        return {"available": False, "reason": "claim comparison failed on this story", "relations": []}
    texts: dict[str, str | None] = {}
    for r in relations:
        for side in (r["earlier"], r["later"]):
            aid = side["article_id"]
            if aid not in texts:
                article = store.article(aid)
                texts[aid] = article.text if article else None
    out = [
        {**r, "earlier": _with_context(r["earlier"], texts[r["earlier"]["article_id"]]),
         "later": _with_context(r["later"], texts[r["later"]["article_id"]])}
        for r in relations
    ]  # fmt: skip
    return {"available": True, "reason": None, "relations": out}


def public(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The relations as plain JSON (without the rendered context)."""
    return [
        {**r, "earlier": {k: v for k, v in r["earlier"].items() if k != "context"},
         "later": {k: v for k, v in r["later"].items() if k != "context"}}
        for r in relations
    ]  # fmt: skip
