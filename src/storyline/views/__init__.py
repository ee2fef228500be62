"""Read-side views over the store: what a story page, the CLI and the API show."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ..model import to_dict
from ..store import Store


def story_view(store: Store, story_id: str, *, corrections: bool = False) -> dict[str, Any] | None:
    """A thread (or the thread of an event) with its events, articles, entities, dates and quotes.

    Dates are the time expressions found in the articles (event dates, not
    only publication dates), each with the sentence-level evidence. With
    ``corrections``, the claims that later articles contradict, correct or
    update are added (both evidence spans); they cost a pass over the claims.
    """
    story_id = store.resolve(story_id)
    thread = store.thread(story_id)
    if thread is None:
        parent = store.event_thread(story_id)
        if parent is None:
            return None
        thread = store.thread(parent)
        if thread is None:
            return None
    ids = store.story_article_ids(thread.id)
    articles = store.articles(ids)
    assignment = store.assignments(ids)
    timexes = store.timexes(ids)
    dates: dict[str, dict[str, Any]] = {}
    for article in articles:
        for t in timexes.get(article.id, ()):
            if t.type != "DATE" or not t.value[:4].isdigit():
                continue
            entry = dates.setdefault(t.value, {"value": t.value, "mentions": 0, "evidence": []})
            entry["mentions"] += 1
            if len(entry["evidence"]) < 3:
                entry["evidence"].append({"article_id": article.id, "span": list(t.span), "text": t.text})
    quotes_by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in store.quotes(ids):
        quotes_by_speaker[q["speaker"] or "(unattributed)"].append(
            {k: q[k] for k in ("article_id", "start", "end", "kind", "channel", "text", "published")}
        )
    view: dict[str, Any] = {
        "thread": to_dict(thread),
        "events": [
            {**to_dict(e), "article_ids": [a for a in ids if assignment[a]["event_id"] == e.id]}
            for e in store.events(thread.id)
        ],
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "published": a.date,
                "published_estimated": bool(a.meta.get("published_estimated")),
                "source": a.source,
                "url": a.url,
                "event_id": assignment[a.id]["event_id"],
                "duplicate_of": assignment[a.id]["duplicate_of"],
            }
            for a in articles
        ],
        "entities": store.entities(ids, limit=20),
        "related": store.related_threads(thread.id),
        "dates": sorted(dates.values(), key=lambda d: d["value"]),
        "quotes": dict(sorted(quotes_by_speaker.items(), key=lambda kv: -len(kv[1]))),
    }
    if corrections:
        from ..explain.corrections import corrections_for_thread

        view["corrections"] = corrections_for_thread(store, thread.id, labels=("contradicts", "corrects", "updates"))
    return view


def top_entities_by_thread(store: Store, thread_ids: list[str], per_thread: int = 5) -> dict[str, list[str]]:
    """The most named entities of each thread (for listings)."""
    out: dict[str, list[str]] = {}
    for tid in thread_ids:
        counts: Counter[str] = Counter(
            {e["name"]: e["articles"] for e in store.entities(store.story_article_ids(tid), limit=per_thread)}
        )
        out[tid] = [name for name, _ in counts.most_common(per_thread)]
    return out
