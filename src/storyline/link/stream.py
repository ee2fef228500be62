"""Link a whole stream of articles in a throwaway in-memory store (evaluation, ``storyline cluster``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from storyline.model import Analysis, Article

from .linker import Assignment, LinkConfig, Linker, LinkItem


def date_order(published: Sequence[str | None]) -> list[int]:
    """Stable arrival order by date; an undated item keeps its place after the item before it."""
    keys: list[str] = []
    last = ""
    for p in published:
        if p:
            last = p[:10]
        keys.append(last)
    return sorted(range(len(published)), key=lambda i: keys[i])


def link_stream(
    articles: Sequence[Article],
    embeddings: np.ndarray,
    config: LinkConfig | None = None,
    advance: Callable[[], None] | None = None,
    analyses: Sequence[Analysis] | None = None,
) -> list[Assignment]:
    """Assign every article in date order; results come back in input order.

    Each article keeps the id it came with; ``meta["entities"]`` (canonical names), when given, feeds the linker, and so do ``analyses`` (one per
    article: its entity mentions and time expressions), when given.
    """
    from storyline.store import Store

    if len(articles) != len(embeddings):
        raise ValueError(f"{len(articles)} articles but {len(embeddings)} embeddings")
    if analyses is not None and len(analyses) != len(articles):
        raise ValueError(f"{len(articles)} articles but {len(analyses)} analyses")
    results: list[Assignment | None] = [None] * len(articles)
    with Store(":memory:") as store:
        linker = Linker(store, config)
        for i in date_order([a.published for a in articles]):
            a = articles[i]
            with store.transaction():
                store.add_article(a)
                store.save_embedding(a.id, embeddings[i])
                results[i] = linker.add(
                    LinkItem(
                        article_id=a.id,
                        embedding=embeddings[i],
                        title=a.title,
                        text=a.text,
                        published=a.published,
                        source=a.source,
                        entities=a.meta.get("entities", []),
                        mentions=analyses[i].entities if analyses else (),
                        timexes=analyses[i].timexes if analyses else (),
                    )
                )
            if advance:
                advance()
        # Consolidation may have merged stories since an article was assigned: report where it is now.
        return [
            replace(r, event_id=store.resolve(r.event_id), thread_id=store.resolve(r.thread_id))
            for r in results
            if r is not None
        ]
