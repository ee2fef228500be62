"""Corrections and contradictions of a story, with both evidence spans ready to show side by side.

They come from ``storyline.explain.corrections.corrections_for_thread(store,
thread_id)`` when that function exists (threads of up to :data:`MAX_ARTICLES`); each relation has a ``label`` and an ``earlier`` and
a ``later`` claim, each ``{article_id, span, text}`` (dicts or
:class:`~storyline.model.ClaimRelation` objects). Without it the page says that
the analysis is not available.
"""

from __future__ import annotations

import logging
from typing import Any

from ..model import to_dict
from ..store import Store
from .highlight import excerpt

log = logging.getLogger(__name__)


def _side(store: Store, claim: Any, cache: dict[str, Any]) -> dict[str, Any]:
    c = to_dict(claim) or {}
    aid = c.get("article_id")
    span = c.get("span")
    if aid and aid not in cache:
        cache[aid] = store.article(aid)
    article = cache.get(aid) if aid else None
    out: dict[str, Any] = {
        "article_id": aid,
        "span": list(span) if span else None,
        "text": c.get("text") or "",
        "speaker": c.get("speaker"),
        "title": article.title if article else None,
        "published": article.date if article else None,
        "context": None,
    }
    if article is not None and span and 0 <= int(span[0]) < int(span[1]) <= len(article.text):
        out["context"] = excerpt(article.text, int(span[0]), int(span[1]))
    return out


#: Claims are compared pairwise with embeddings; larger threads are not compared while a page waits.
MAX_ARTICLES = 60


def _finder():
    try:
        from storyline.explain.corrections import corrections_for_thread
    except ImportError:
        try:
            from storyline.explain import corrections_for_thread
        except ImportError:
            return None
    return corrections_for_thread


def corrections(store: Store, thread_id: str) -> dict[str, Any]:
    """``{"available", "reason", "relations"}`` for a thread, each relation with both sides resolved."""
    find = _finder()
    if find is None:
        return {"available": False, "reason": "claim comparison is not installed", "relations": []}
    size = len(store.story_article_ids(thread_id))
    if size > MAX_ARTICLES:
        return {
            "available": False,
            "reason": f"the story has {size} articles, more than the {MAX_ARTICLES} compared while serving",
            "relations": [],
        }
    try:
        relations = list(find(store, thread_id))
    except Exception:  # noqa: BLE001 - a failing optional stage must not take the page down
        log.exception("corrections_for_thread failed for %s", thread_id)
        return {"available": False, "reason": "claim comparison failed on this story", "relations": []}
    cache: dict[str, Any] = {}
    out = []
    for rel in relations:
        r = to_dict(rel)
        out.append(
            {
                "label": r.get("label", "related"),
                "score": r.get("score"),
                "cue": r.get("cue"),
                "earlier": _side(store, r.get("earlier"), cache),
                "later": _side(store, r.get("later"), cache),
            }
        )
    return {"available": True, "reason": None, "relations": out}


def public(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The relations as plain JSON (without the rendered context)."""
    return [
        {**r, "earlier": {k: v for k, v in r["earlier"].items() if k != "context"},
         "later": {k: v for k, v in r["later"].items() if k != "context"}}
        for r in relations
    ]
