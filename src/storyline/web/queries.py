"""What the web app makes of the store's read models: thread listings, search marks, and their cache.

Listing every thread with its counts and monthly activity aggregates the whole
``assignments`` table, which takes a noticeable fraction of a second at 100,000
articles. The results only change when something is stored, so they are cached
in the process, keyed by :meth:`Store.store_version` (cheap index look-ups that move
whenever an article is stored, linked or merged), which :func:`current_version`
re-reads only when :meth:`Store.data_version` says another connection has committed
(SQLite's ``PRAGMA data_version``, PostgreSQL's transaction snapshot).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, Hashable, TypeVar

from ..model import to_dict
from ..store import Store

T = TypeVar("T")

#: Marks around matched words in search snippets: control characters that never occur in stored text.
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"


_since_commit: "weakref.WeakKeyDictionary[Store, tuple[Hashable, dict[Hashable, Any]]]" = weakref.WeakKeyDictionary()
#: Versions remembered per connection between two commits (the store's and those of the most-read stories).
VERSIONS_KEPT = 10_000


def _read_since_commit(store: Store, key: Hashable, read: Callable[[], T]) -> T:
    """``read()`` through a read-only connection, done again only after another connection commits.

    ``PRAGMA data_version`` changes exactly when some other connection has
    committed since this one last asked; it costs a few microseconds, where a
    version query costs a few index look-ups.
    """
    data_version = store.data_version()
    seen = _since_commit.get(store)
    if seen is None or seen[0] != data_version:
        seen = _since_commit[store] = (data_version, {})
    known = seen[1]
    if key not in known:
        if len(known) >= VERSIONS_KEPT:
            known.clear()
        known[key] = read()
    return known[key]


def current_version(store: Store) -> tuple[int, int, int]:
    """:meth:`Store.store_version`, re-read only after another connection commits."""
    return _read_since_commit(store, "store", store.store_version)


def story_version(store: Store, story_id: str) -> Hashable:
    """:meth:`Store.story_version`, re-read only after another connection commits.

    A story's view and page are kept under this version, so that a commit makes again only the
    stories it changed, not every story that readers have open.
    """
    return _read_since_commit(store, ("story", story_id), lambda: store.story_version(story_id))


class VersionedCache:
    """A small LRU cache whose entries are valid for one store version only.

    ``budget`` bounds the sum of the entries' costs (``cost(value)``, 1 each
    by default; the length of a rendered page, say), so that a cache of pages
    holds many small ones or a few large ones.
    """

    def __init__(self, budget: int = 256, cost: Callable[[Any], int] = lambda value: 1):
        self.budget = budget
        self.cost = cost
        self._items: OrderedDict[tuple[Hashable, Hashable], tuple[Any, int]] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}
        self._latest: dict[Hashable, tuple[Hashable, Hashable]] = {}  # key -> (version, key) of its newest entry

    def _lookup(self, full: tuple[Hashable, Hashable]) -> tuple[bool, Any]:
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return True, self._items[full][0]
        return False, None

    def peek(self, version: Hashable, key: Hashable) -> Any:
        """The cached value of ``key`` at ``version``, or ``None``."""
        return self._lookup((version, key))[1]

    def making(self, version: Hashable, key: Hashable) -> bool:
        """Whether ``key`` at ``version`` is being made right now (by another request)."""
        with self._lock:
            return (version, key) in self._making

    def newest(self, key: Hashable) -> Any:
        """The value of ``key`` cached at the newest version it was made for, or ``None``."""
        with self._lock:
            full = self._latest.get(key)
            entry = self._items.get(full) if full is not None else None
            return entry[0] if entry is not None else None

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
                    self._latest[key] = full
                while self._used > self.budget:
                    gone, (_, dropped) = self._items.popitem(last=False)
                    self._used -= dropped
                    if self._latest.get(gone[1]) == gone:
                        del self._latest[gone[1]]
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
    return {
        tid: [(m, months.get(m, 0)) for m in months_between(min(months), max(months))]
        for tid, months in store.monthly_activity().items()
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


def text_search(store: Store, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Full-text search with hits marked by :data:`HIT_OPEN`/:data:`HIT_CLOSE`, which cannot be confused with
    brackets in the text, so that the page can escape the snippet and then highlight the hits."""
    return store.search(query, limit, marks=(HIT_OPEN, HIT_CLOSE), snippet_tokens=16)
