"""Reading a JSONL article stream for ``storyline cluster`` and writing its assignments."""

from __future__ import annotations

import json
from pathlib import Path

from storyline.errors import InputError
from storyline.model import Article

from .stream import link_stream


def read_stream(path: Path) -> list[Article]:
    """Articles of a JSONL file: ``id``, ``title``, ``text``, ``published`` or ``time``, optional ``entities``."""
    articles = []
    from storyline.ingest.jsonl import json_rows

    for where, rec in json_rows(path):
        if not isinstance(rec, dict) or "id" not in rec or not (rec.get("text") or rec.get("title")):
            raise InputError(where, "needs an id and a title or text")
        ents = rec.get("entities") or []
        names = [e if isinstance(e, str) else str(e.get("canonical") or e.get("name") or "") for e in ents]
        published = rec.get("published") or rec.get("time")
        articles.append(
            Article(
                id=str(rec["id"]),
                title=str(rec.get("title") or ""),
                text=str(rec.get("text") or ""),
                published=str(published)[:10] if published else None,
                source=rec.get("source"),
                meta={"entities": [x for x in names if x]},
            )
        )
    return articles


def cluster_file(path: Path) -> list[str]:
    """One JSON line per input article (input order): id, event, thread, and duplicate_of when set."""
    from storyline.embed import article_text_for_embedding, embed

    articles = read_stream(path)
    vectors = embed([article_text_for_embedding(a.title, a.text) for a in articles])
    out = []
    for a in link_stream(articles, vectors):
        rec = {"id": a.article_id, "event": a.event_id, "thread": a.thread_id}
        if a.duplicate_of:
            rec["duplicate_of"] = a.duplicate_of
        out.append(json.dumps(rec, ensure_ascii=False))
    return out
