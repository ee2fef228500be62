"""Followed stories and watched sources: the store's part of ``follow``, ``news`` and ``watch``.

:class:`FollowStore` is part of :class:`~storyline.store.Store` (a mixin over its
connection ``db``). A follow keeps the thread id it was given and the arrival number
(``assignments.seq``) its follower has seen up to; reads resolve the id through the
recorded merges, so a followed thread that is merged into another keeps working.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypedDict

from .db import upsert


class Follow(TypedDict):
    thread_id: str
    followed_at: str
    seen_seq: int
    seen_at: str | None
    notified_seq: int


class WatchSource(TypedDict):
    url: str
    etag: str | None
    last_modified: str | None
    next_poll: float
    last_poll: str | None
    last_status: str | None
    last_error: str | None
    errors: int
    new_articles: int
    polls: int


_WATCH_COLUMNS = tuple(WatchSource.__annotations__)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class FollowStore:
    if TYPE_CHECKING:
        from .db import Database

        db: Database

        def resolve(self, story_id: str) -> str: ...

        def transaction(self) -> Any: ...

    # -- follows ----------------------------------------------------------------------------
    def latest_seq(self) -> int:
        """The arrival number of the last assigned article (0 for an empty store)."""
        return int(self.db.execute("SELECT coalesce(max(seq), 0) FROM assignments").fetchone()[0])

    def follow(self, thread_id: str) -> bool:
        """Follow a thread from now on; ``False`` when it is already followed."""
        tid = self.resolve(thread_id)
        with self.transaction():
            if self.follow_of(tid) is not None:
                return False
            self.db.execute(
                "INSERT INTO follows(thread_id, followed_at, seen_seq, seen_at, notified_seq) VALUES (?, ?, ?, ?, ?)",
                (tid, _now(), self.latest_seq(), _now(), self.latest_seq()),
            )
        return True

    def unfollow(self, thread_id: str) -> bool:
        """Stop following; ``False`` when the thread was not followed."""
        follow = self.follow_of(thread_id)
        if follow is None:
            return False
        with self.transaction():
            for (stored,) in self.db.execute("SELECT thread_id FROM follows").fetchall():
                if self.resolve(stored) == follow["thread_id"]:
                    self.db.execute("DELETE FROM follows WHERE thread_id = ?", (stored,))
        return True

    def follows(self) -> list[Follow]:
        """Every follow, with the thread id resolved through merges (two follows merged into one thread: one)."""
        out: dict[str, Follow] = {}
        for r in self.db.execute("SELECT thread_id, followed_at, seen_seq, seen_at, notified_seq FROM follows ORDER BY followed_at"):
            tid = self.resolve(r[0])
            if tid in out:
                out[tid]["seen_seq"] = min(out[tid]["seen_seq"], int(r[2]))
                out[tid]["notified_seq"] = min(out[tid]["notified_seq"], int(r[4]))
            else:
                out[tid] = Follow(thread_id=tid, followed_at=r[1], seen_seq=int(r[2]), seen_at=r[3], notified_seq=int(r[4]))
        return list(out.values())

    def follow_of(self, thread_id: str) -> Follow | None:
        """The follow of a thread (found through merges either way), or ``None``."""
        tid = self.resolve(thread_id)
        return next((f for f in self.follows() if f["thread_id"] == tid), None)

    def mark_seen(self, thread_id: str, seq: int | None = None) -> None:
        """Record that the follower has seen the thread up to arrival number ``seq`` (default: everything)."""
        tid = self.resolve(thread_id)
        upto = self.latest_seq() if seq is None else seq
        with self.transaction():
            for (stored,) in self.db.execute("SELECT thread_id FROM follows").fetchall():
                if self.resolve(stored) == tid:
                    self.db.execute("UPDATE follows SET seen_seq = ?, seen_at = ? WHERE thread_id = ?", (upto, _now(), stored))

    def mark_notified(self, thread_id: str, seq: int) -> None:
        """Record that alerts went out for the thread up to arrival number ``seq``."""
        tid = self.resolve(thread_id)
        with self.transaction():
            for (stored,) in self.db.execute("SELECT thread_id FROM follows").fetchall():
                if self.resolve(stored) == tid:
                    self.db.execute("UPDATE follows SET notified_seq = ? WHERE thread_id = ?", (seq, stored))

    def thread_articles_after(self, thread_id: str, seq: int) -> list[dict[str, Any]]:
        """Articles assigned to a thread after arrival number ``seq``: id, title, published, source, url, event, seq."""
        rows = self.db.execute(
            """SELECT a.id, a.title, a.published, a.source, a.url, s.event_id, s.seq, s.duplicate_of
               FROM assignments s JOIN articles a ON a.id = s.article_id
               WHERE s.thread_id = ? AND s.seq > ? ORDER BY s.seq""",
            (self.resolve(thread_id), seq),
        ).fetchall()
        return [dict(r) for r in rows]

    def thread_events_after(self, thread_id: str, seq: int) -> list[dict[str, Any]]:
        """Events of a thread started after arrival number ``seq``."""
        rows = self.db.execute(
            "SELECT id, title, created_seq FROM events WHERE thread_id = ? AND created_seq > ? ORDER BY created_seq",
            (self.resolve(thread_id), seq),
        ).fetchall()
        return [dict(r) for r in rows]

    # -- watched sources --------------------------------------------------------------------
    def watch_source(self, url: str) -> WatchSource | None:
        row = self.db.execute("SELECT * FROM watch_sources WHERE url = ?", (url,)).fetchone()
        return None if row is None else WatchSource(**dict(row))  # type: ignore[typeddict-item]

    def watch_sources(self) -> list[WatchSource]:
        return [WatchSource(**dict(r)) for r in self.db.execute("SELECT * FROM watch_sources ORDER BY url")]  # type: ignore[typeddict-item]

    def save_watch_source(self, state: WatchSource) -> None:
        with self.transaction():
            self.db.execute(
                upsert("watch_sources", _WATCH_COLUMNS, ("url",)),
                [state[c] for c in _WATCH_COLUMNS],  # type: ignore[literal-required]
            )

    def watch_seen(self, url: str) -> bool:
        """Whether a linked page was already fetched by ``watch``."""
        return self.db.execute("SELECT 1 FROM watch_seen WHERE url = ?", (url,)).fetchone() is not None

    def mark_watch_seen(self, url: str, source: str, article_id: str | None) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO watch_seen(url, source, article_id, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (url, source, article_id, _now()),
            )
