"""The store's read models for pages and listings: aggregates over several tables, read-only.

:class:`ReadModels` is part of :class:`~storyline.store.Store` (a mixin over its
connection ``db``); the web app and the views call these methods and hold no SQL.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Hashable, TypedDict

import numpy as np


class EntitySummary(TypedDict):
    id: str
    name: str
    type: str
    mentions: int
    articles: int


class EntityThread(TypedDict):
    id: str
    title: str
    articles: int
    first_date: str | None
    last_date: str | None


class ArticleThread(TypedDict):
    thread_id: str
    event_id: str
    duplicate_of: str | None
    thread_title: str


class RelatedThread(TypedDict):
    id: str
    title: str
    articles: int
    first_date: str | None
    last_date: str | None
    score: float
    #: what the two stories share: ``actors``, ``places``, ``terms`` (strongest first)
    shared: dict[str, list[str]]
    reason: str


def related_reason(shared: dict[str, list[str]]) -> str:
    """One line saying why two threads are related stories and why they stay apart."""
    topic = ", ".join(shared.get("terms", [])[:4]) or "their topic"
    common = shared.get("actors", [])[:3] + shared.get("places", [])[:3]
    who = f"; both name {', '.join(common)}" if common else ""
    return f"same topic ({topic}){who}; different principal actors and places"


class ArticleSummary(TypedDict):
    id: str
    title: str
    published: str | None
    source: str | None


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    """Id lists short enough for one ``IN (…)`` (SQLite caps the number of parameters)."""
    return [ids[lo : lo + size] for lo in range(0, len(ids), size)]


class ReadModels:
    if TYPE_CHECKING:
        from .db import Database

        db: Database

        def resolve(self, story_id: str) -> str: ...

    def store_version(self) -> tuple[int, int, int]:
        """A key that changes whenever articles, assignments or merges are written."""
        row = self.db.execute(
            """SELECT (SELECT coalesce(max(rowid), 0) FROM articles),
                      (SELECT coalesce(max(seq), 0) FROM assignments),
                      (SELECT count(*) FROM merges)"""
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def story_version(self, story_id: str) -> tuple[Any, ...]:
        """A key that changes whenever what the view of one story shows may change: an article joins the
        thread or one of its related threads, a related story is found, or threads merge. For an id that is
        not a thread's (an event's), :meth:`store_version`."""
        tid = self.resolve(story_id)
        if self.db.execute("SELECT 1 FROM threads WHERE id = ?", (tid,)).fetchone() is None:
            return ("store", *self.store_version())
        row = self.db.execute(
            """SELECT (SELECT count(*) FROM merges),
                      (SELECT coalesce(max(seq), 0) FROM assignments WHERE thread_id IN (
                           SELECT CAST(? AS TEXT) UNION SELECT thread_b FROM related_threads WHERE thread_a = ?
                           UNION SELECT thread_a FROM related_threads WHERE thread_b = ?)),
                      (SELECT coalesce(max(seq), 0) FROM related_threads WHERE thread_a = ? OR thread_b = ?)""",
            (tid, tid, tid, tid, tid),
        ).fetchone()
        return ("story", tid, int(row[0]), int(row[1]), int(row[2]))

    def data_version(self) -> Hashable:
        """A value that changes whenever another connection has committed (SQLite's ``PRAGMA data_version``)."""
        return self.db.data_version()

    def monthly_activity(self) -> dict[str, dict[str, int]]:
        """Articles per month (``YYYY-MM``) of every thread, for the months that have any."""
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for tid, month, n in self.db.execute(
            """SELECT s.thread_id, substr(a.published, 1, 7), count(*) FROM assignments s
               JOIN articles a ON a.id = s.article_id WHERE a.published IS NOT NULL GROUP BY 1, 2"""
        ):
            if month and len(month) == 7:
                counts[tid][month] = int(n)
        return dict(counts)

    def event_thread(self, event_id: str) -> str | None:
        """The thread an event belongs to."""
        row = self.db.execute("SELECT thread_id FROM events WHERE id = ?", (event_id,)).fetchone()
        return None if row is None else str(row[0])

    def entity_summary(self, entity_id: str) -> EntitySummary | None:
        """One entity with its mention and article counts."""
        row = self.db.execute(
            """SELECT e.id, e.name, e.type,
                      (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mentions,
                      (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS articles
               FROM entities e WHERE e.id = ?""",
            (entity_id,),
        ).fetchone()
        if row is None:
            return None
        return EntitySummary(id=row[0], name=row[1], type=row[2], mentions=int(row[3]), articles=int(row[4]))

    def entity_threads(self, entity_id: str, limit: int = 50) -> list[EntityThread]:
        """The stories an entity is named in, with how many of their articles name it."""
        rows = self.db.execute(
            """SELECT t.id, t.title, count(DISTINCT m.article_id) AS articles,
                      min(a.published) AS first_date, max(a.published) AS last_date
               FROM mentions m JOIN assignments s ON s.article_id = m.article_id
               JOIN threads t ON t.id = s.thread_id JOIN articles a ON a.id = m.article_id
               WHERE m.entity_id = ? GROUP BY t.id ORDER BY articles DESC, last_date DESC NULLS LAST LIMIT ?""",
            (entity_id, limit),
        ).fetchall()
        return [
            EntityThread(
                id=r[0], title=r[1], articles=int(r[2]), first_date=(r[3] or "")[:10] or None, last_date=(r[4] or "")[:10] or None
            )
            for r in rows
        ]

    def related_threads(self, thread_id: str, limit: int = 10) -> list[RelatedThread]:
        """The related stories of a thread (through merges on both sides), closest first."""
        resolve = self.resolve
        thread_id = resolve(thread_id)
        ids, frontier = {thread_id}, [thread_id]
        while frontier:  # the ids merged into this thread, whose related rows are now its own
            rows = self.db.execute(
                f"SELECT old_id FROM merges WHERE new_id IN ({','.join('?' * len(frontier))})", frontier
            ).fetchall()
            frontier = [r[0] for r in rows if r[0] not in ids]
            ids.update(frontier)
        marks = ",".join("?" * len(ids))
        best: dict[str, tuple[float, dict[str, list[str]]]] = {}
        for a, b, score, shared in self.db.execute(
            f"""SELECT thread_a, thread_b, score, shared FROM related_threads
                WHERE thread_a IN ({marks}) OR thread_b IN ({marks})""",
            [*ids, *ids],
        ):
            other = resolve(b if a in ids else a)
            if other == thread_id or (other in best and best[other][0] >= score):
                continue
            best[other] = (float(score), json.loads(shared))
        out: list[RelatedThread] = []
        for other, (score, shared) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]:
            row = self.db.execute(
                """SELECT t.title, count(*) AS n, min(a.published) AS first, max(a.published) AS last
                   FROM threads t JOIN assignments s ON s.thread_id = t.id JOIN articles a ON a.id = s.article_id
                   WHERE t.id = ? GROUP BY t.id""",
                (other,),
            ).fetchone()
            if row is None:
                continue
            out.append(
                RelatedThread(
                    id=other, title=row["title"], articles=row["n"], first_date=(row["first"] or None) and row["first"][:10],
                    last_date=(row["last"] or None) and row["last"][:10], score=score, shared=shared,
                    reason=related_reason(shared),
                )
            )
        return out

    def article_thread(self, article_id: str) -> ArticleThread | None:
        """The thread and event an article is assigned to (with the thread's title)."""
        row = self.db.execute(
            """SELECT s.thread_id, s.event_id, s.duplicate_of, t.title
               FROM assignments s JOIN threads t ON t.id = s.thread_id WHERE s.article_id = ?""",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return ArticleThread(thread_id=row[0], event_id=row[1], duplicate_of=row[2], thread_title=row[3])

    def article_summaries(self, article_ids: list[str]) -> dict[str, ArticleSummary]:
        """Title, date and source of some articles, by id."""
        out: dict[str, ArticleSummary] = {}
        for chunk in _chunks(article_ids):
            for r in self.db.execute(
                f"SELECT id, title, published, source FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ):
                out[r[0]] = ArticleSummary(id=r[0], title=r[1], published=r[2], source=r[3])
        return out

    def recent_embeddings(self, cap: int) -> tuple[list[str], np.ndarray]:
        """Ids and the matrix of the ``cap`` most recently stored article embeddings."""
        rows = self.db.execute(
            """SELECT e.article_id, e.vector FROM embeddings e JOIN articles a ON a.id = e.article_id
               ORDER BY a.rowid DESC LIMIT ?""",
            (cap,),
        ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r[0] for r in rows], np.vstack([np.frombuffer(bytes(r[1]), dtype=np.float32) for r in rows])
