"""Read-only queries the web app needs beyond :class:`~storyline.store.Store`, and their cache.

Listing every thread with its counts and monthly activity aggregates the whole
``assignments`` table, which takes a noticeable fraction of a second at 100,000
articles. The results only change when something is stored, so they are cached
in the process, keyed by :func:`store_version` (cheap index look-ups that move
whenever an article is stored, linked or merged), which :func:`current_version`
re-reads only when ``PRAGMA data_version`` says the file has changed.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict
from typing import Any, Callable, Hashable, TypeVar

from ..model import to_dict
from ..store import Store

T = TypeVar("T")

#: Marks around matched words in search snippets: control characters that never occur in stored text.
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"


def store_version(store: Store) -> tuple[int, int, int]:
    """A key that changes whenever articles, assignments or merges are written."""
    row = store.db.execute(
        """SELECT (SELECT coalesce(max(rowid), 0) FROM articles),
                  (SELECT coalesce(max(seq), 0) FROM assignments),
                  (SELECT count(*) FROM merges)"""
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


_versions: "weakref.WeakKeyDictionary[Store, tuple[int, tuple[int, int, int]]]" = weakref.WeakKeyDictionary()


def current_version(store: Store) -> tuple[int, int, int]:
    """:func:`store_version` through a read-only connection, re-read only after another connection commits.

    ``PRAGMA data_version`` changes exactly when some other connection has
    committed since this one last asked; it costs a few microseconds, where the
    version query costs three index look-ups.
    """
    data_version = store.db.execute("PRAGMA data_version").fetchone()[0]
    seen = _versions.get(store)
    if seen is not None and seen[0] == data_version:
        return seen[1]
    version = store_version(store)
    _versions[store] = (data_version, version)
    return version


class VersionedCache:
    """A small LRU cache whose entries are valid for one store version only.

    ``budget`` bounds the sum of the entries' costs (``cost(value)``, 1 each
    by default; the length of a rendered page, say), so that a cache of pages
    holds many small ones or a few large ones.
    """

    def __init__(self, budget: int = 256, cost: Callable[[Any], int] = lambda value: 1):
        self.budget = budget
        self.cost = cost
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def _lookup(self, full: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return True, self._items[full][0]
        return False, None

    def peek(self, version: Hashable, key: Hashable) -> Any:
        """The cached value of ``key`` at ``version``, or ``None``."""
        return self._lookup((version, key))[1]

    def get(self, version: Hashable, key: Hashable, make: Callable[[], T]) -> T:
        """The cached value of ``key`` at ``version``, made when missing.

        Concurrent requests for the same missing key wait for one ``make()``
        instead of all computing it (a slow aggregate would otherwise be
        computed once per waiting client).
        """
        full = (version, key)
        found, value = self._lookup(full)
        if found:
            return value
        with self._lock:
            making = self._making.setdefault(full, threading.Lock())
        with making:
            found, value = self._lookup(full)
            if found:
                return value
            try:
                value = make()
            finally:
                with self._lock:
                    self._making.pop(full, None)
            size = self.cost(value)
            with self._lock:
                if size <= self.budget:
                    self._items[full] = (value, size)
                    self._used += size
                while self._used > self.budget:
                    _, (_, dropped) = self._items.popitem(last=False)
                    self._used -= dropped
        return value


def months_between(first: str, last: str, cap: int = 240) -> list[str]:
    """Every month ``YYYY-MM`` from ``first`` to ``last`` included (at most ``cap``)."""
    y, m = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < cap:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def thread_activity(store: Store) -> dict[str, list[tuple[str, int]]]:
    """Articles per month of every thread, each month from its first to its last included."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for tid, month, n in store.db.execute(
        """SELECT s.thread_id, substr(a.published, 1, 7), count(*) FROM assignments s
           JOIN articles a ON a.id = s.article_id WHERE a.published IS NOT NULL GROUP BY 1, 2"""
    ):
        if month and len(month) == 7:
            counts[tid][month] = n
    return {
        tid: [(m, months.get(m, 0)) for m in months_between(min(months), max(months))]
        for tid, months in counts.items()
    }


def thread_summaries(store: Store) -> list[dict[str, Any]]:
    """Every thread, largest first, with its counts, date range and monthly activity."""
    activity = thread_activity(store)
    out = []
    for thread in store.threads():
        row = to_dict(thread)
        row["activity"] = activity.get(thread.id, [])
        out.append(row)
    return out


def entity(store: Store, entity_id: str) -> dict[str, Any] | None:
    """One entity with its mention and article counts."""
    row = store.db.execute(
        """SELECT e.id, e.name, e.type,
                  (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mentions,
                  (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS articles
           FROM entities e WHERE e.id = ?""",
        (entity_id,),
    ).fetchone()
    return dict(row) if row else None


def entity_threads(store: Store, entity_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The stories an entity is named in, with how many of their articles name it."""
    rows = store.db.execute(
        """SELECT t.id, t.title, count(DISTINCT m.article_id) AS articles,
                  min(a.published) AS first_date, max(a.published) AS last_date
           FROM mentions m JOIN assignments s ON s.article_id = m.article_id
           JOIN threads t ON t.id = s.thread_id JOIN articles a ON a.id = m.article_id
           WHERE m.entity_id = ? GROUP BY t.id ORDER BY articles DESC, last_date DESC LIMIT ?""",
        (entity_id, limit),
    ).fetchall()
    return [
        {**dict(r), "first_date": (r["first_date"] or "")[:10] or None, "last_date": (r["last_date"] or "")[:10] or None}
        for r in rows
    ]


def find_entity(store: Store, name: str) -> str | None:
    """The id of the most mentioned entity called ``name`` (case-insensitive), if any."""
    row = store.db.execute(
        """SELECT e.id FROM entities e LEFT JOIN mentions m ON m.entity_id = e.id
           WHERE e.name = ? COLLATE NOCASE GROUP BY e.id ORDER BY count(m.entity_id) DESC LIMIT 1""",
        (name,),
    ).fetchone()
    return row[0] if row else None


def article_thread(store: Store, article_id: str) -> dict[str, Any] | None:
    """The thread and event an article is assigned to (with the thread's title)."""
    row = store.db.execute(
        """SELECT s.thread_id, s.event_id, s.duplicate_of, t.title AS thread_title
           FROM assignments s JOIN threads t ON t.id = s.thread_id WHERE s.article_id = ?""",
        (article_id,),
    ).fetchone()
    return dict(row) if row else None


def entity_names(store: Store, entity_ids: list[str]) -> dict[str, str]:
    """Names of the given entity ids."""
    if not entity_ids:
        return {}
    out: dict[str, str] = {}
    for lo in range(0, len(entity_ids), 500):
        chunk = entity_ids[lo : lo + 500]
        out.update(
            store.db.execute(f"SELECT id, name FROM entities WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        )
    return out


def text_search(store: Store, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Full-text search with hits marked by :data:`HIT_OPEN`/:data:`HIT_CLOSE`, which cannot be confused with
    brackets in the text, so that the page can escape the snippet and then highlight the hits."""
    return store.search(query, limit, marks=(HIT_OPEN, HIT_CLOSE), snippet_tokens=16)


def article_summaries(store: Store, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title, date and source of some articles, by id."""
    out: dict[str, dict[str, Any]] = {}
    for lo in range(0, len(article_ids), 500):
        chunk = article_ids[lo : lo + 500]
        for r in store.db.execute(
            f"SELECT id, title, published, source FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ):
            out[r["id"]] = dict(r)
    return out


def embeddings_page(store: Store, cap: int) -> tuple[list[str], "Any"]:
    """Ids and the matrix of the ``cap`` most recently stored article embeddings."""
    import numpy as np

    rows = store.db.execute(
        """SELECT e.article_id, e.vector FROM embeddings e JOIN articles a ON a.id = e.article_id
           ORDER BY a.rowid DESC LIMIT ?""",
        (cap,),
    ).fetchall()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    return [r[0] for r in rows], np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
