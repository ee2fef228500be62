"""What is new in followed stories since their follower last looked: events, articles, quotes, corrections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store


def thread_news(store: "Store", thread_id: str, since_seq: int, *, corrections: bool = True) -> dict[str, Any] | None:
    """The news of one thread after arrival number ``since_seq`` (``None`` when there is no such thread)."""
    thread = store.thread(thread_id)
    if thread is None:
        return None
    articles = store.thread_articles_after(thread.id, since_seq)
    ids = [a["id"] for a in articles]
    quotes = store.quotes(ids) if ids else []
    fixes: list[dict[str, Any]] = []
    if corrections and ids:
        from ..explain.corrections import CHANGE_LABELS, corrections_for_thread

        new = set(ids)
        fixes = [r for r in corrections_for_thread(store, thread.id, labels=CHANGE_LABELS) if r["later"]["article_id"] in new]
    return {
        "thread_id": thread.id,
        "title": thread.title,
        "since_seq": since_seq,
        "events": store.thread_events_after(thread.id, since_seq),
        "articles": [{**a, "published": (a["published"] or None) and a["published"][:10]} for a in articles],
        "quotes": [{k: q[k] for k in ("article_id", "start", "end", "kind", "speaker", "channel", "text")} for q in quotes],
        "corrections": fixes,
    }


def news(store: "Store", thread_id: str | None = None, *, corrections: bool = True) -> list[dict[str, Any]]:
    """News of every followed thread (or of one), each since its follower last looked."""
    follows = store.follows()
    if thread_id is not None:
        tid = store.resolve(thread_id)
        follows = [f for f in follows if f["thread_id"] == tid]
    out = []
    for f in follows:
        item = thread_news(store, f["thread_id"], f["seen_seq"], corrections=corrections)
        if item is not None:
            out.append({**item, "seen_at": f["seen_at"]})
    return out
