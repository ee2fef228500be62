"""The store's reads for exports: flat rows of articles and entity mentions, streamed.

:class:`ExportReads` is part of :class:`~storyline.store.Store` (a mixin over its
connection ``db``); :mod:`storyline.views.export` turns these rows into files.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterator


class ExportReads:
    if TYPE_CHECKING:
        from .db import Database

        db: Database

        def resolve(self, story_id: str) -> str: ...

    def _story_filter(self, story_id: str | None, alias: str = "s") -> tuple[str, list[str]]:
        if story_id is None:
            return "", []
        sid = self.resolve(story_id)
        return f"WHERE ({alias}.thread_id = ? OR {alias}.event_id = ?)", [sid, sid]

    def export_articles(self, story_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Articles (of a thread or event, or all) with their thread and event, in date order."""
        where, args = self._story_filter(story_id)
        cur = self.db.stream(
            f"""SELECT a.id, a.title, a.published, a.meta, a.url, a.source, a.author, a.language, a.origin,
                       a.ingested_at, s.thread_id, s.event_id, s.duplicate_of, a.text
                FROM articles a LEFT JOIN assignments s ON s.article_id = a.id {where}
                ORDER BY a.published NULLS FIRST, a.rowid""",
            args,
        )
        for row in cur:
            out = dict(row)
            meta = json.loads(out.pop("meta") or "{}")
            out["published_estimated"] = bool(meta.get("published_estimated"))
            out["published_confidence"] = meta.get("published_confidence")
            yield out

    def export_mentions(self, story_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Entity mentions (of a thread or event, or all): the entity and its span in the article."""
        where, args = self._story_filter(story_id)
        join = "JOIN assignments s ON s.article_id = m.article_id" if where else ""
        cur = self.db.stream(
            f"""SELECT m.entity_id, e.name, e.type, m.article_id, m.start, m."end" AS "end", m.text
                FROM mentions m JOIN entities e ON e.id = m.entity_id {join} {where}
                ORDER BY m.article_id, m.start""",
            args,
        )
        for row in cur:
            yield dict(row)

    def count_rows(self, table: str, story_id: str | None = None) -> int:
        """How many articles, mentions or quotes the store holds (of a thread or event, or all)."""
        key = {"articles": ("articles", "id"), "mentions": ("mentions", "article_id"), "quotes": ("quotes", "article_id")}
        name, col = key[table]
        if story_id is None:
            return int(self.db.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
        sid = self.resolve(story_id)
        return int(
            self.db.execute(
                f"""SELECT count(*) FROM {name} x JOIN assignments s ON s.article_id = x.{col}
                    WHERE s.thread_id = ? OR s.event_id = ?""",
                (sid, sid),
            ).fetchone()[0]
        )
