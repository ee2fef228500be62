"""The linker's in-memory state and its snapshot file.

The state is what online linking needs to decide where a new article goes:
document frequencies, the centroid and profiles of every thread and open event,
closed events (thread only) and the arrival-number map. It is rebuilt from the
store (the source of truth) or loaded from a snapshot saved beside the vector
index, so that opening a big store is quick (re-reading every assignment's terms
and weights from SQLite takes tens of seconds at 100,000 articles).

The snapshot format lives here, with the state it describes; the linker decides
when a snapshot still matches the store (``Linker._restore``).
"""

from __future__ import annotations

import base64
import json
import math
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .features import DocumentFrequencies, sparse_cosine
from .index import DIM

#: version of the snapshot file; a snapshot of another version is ignored (and the state replayed)
SNAPSHOT_VERSION = 2


class Profile:
    """A sum of sparse term vectors that keeps its strongest terms and its norm."""

    __slots__ = ("weights", "norm")

    def __init__(self) -> None:
        self.weights: dict[str, float] = {}
        self.norm = 0.0

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> "Profile":
        """A profile holding these weights."""
        p = cls()
        p.weights = dict(weights)
        p.norm = math.sqrt(sum(v * v for v in p.weights.values()))
        return p

    def add(self, vector: Mapping[str, float], keep: int) -> None:
        w = self.weights
        for t, v in vector.items():
            w[t] = w.get(t, 0.0) + v
        if len(w) > keep * 2:
            self.weights = w = dict(sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:keep])
        self.norm = math.sqrt(sum(v * v for v in w.values()))

    def cosine(self, vector: Mapping[str, float]) -> float:
        """Cosine with a unit-length sparse vector."""
        return sparse_cosine(vector, self.weights, self.norm)


#: the sparse profiles of a cluster, by the name of their per-article weights
PROFILES = ("terms", "names", "actors", "places", "when")


@dataclass
class Cluster:
    """An event or a thread: embedding sum, profiles (terms, names, principal actors and places, the days its
    articles say things happened), date range."""

    id: str
    vsum: np.ndarray
    n: int = 0
    first_day: int | None = None
    last_day: int | None = None
    terms: Profile = field(default_factory=Profile)
    names: Profile = field(default_factory=Profile)
    actors: Profile = field(default_factory=Profile)
    places: Profile = field(default_factory=Profile)
    when: Profile = field(default_factory=Profile)
    thread_id: str | None = None
    created: int = 0
    retired: bool = False
    #: a thread's event ids
    members: list[str] = field(default_factory=list)

    def add(self, vector: np.ndarray, weights: Mapping[str, Mapping[str, float]], day: int | None, keep: int) -> None:
        """Fold one article in; each profile keeps its ``keep`` strongest terms."""
        self.n += 1
        if self.retired:
            return
        self.vsum += vector
        if day is not None:
            self.first_day = day if self.first_day is None else min(self.first_day, day)
            self.last_day = day if self.last_day is None else max(self.last_day, day)
        for name in PROFILES:
            getattr(self, name).add(weights.get(name, {}), keep)

    def absorb(self, other: "Cluster", keep: int) -> None:
        """Merge another cluster into this one."""
        self.vsum += other.vsum
        self.n += other.n
        for d in (other.first_day, other.last_day):
            if d is not None:
                self.first_day = d if self.first_day is None else min(self.first_day, d)
                self.last_day = d if self.last_day is None else max(self.last_day, d)
        for name in PROFILES:
            getattr(self, name).add(getattr(other, name).weights, keep)

    def clear_profiles(self) -> None:
        """Drop every profile (a retired event)."""
        for name in PROFILES:
            setattr(self, name, Profile())

    def embedding_cosine(self, vector: np.ndarray) -> float:
        norm = float(np.linalg.norm(self.vsum))
        return float(self.vsum @ vector) / norm if norm else 0.0

    def days_apart(self, day: int | None) -> float:
        """Days between ``day`` and the cluster's date range (0 inside it or when undated)."""
        if day is None or self.first_day is None or self.last_day is None:
            return 0.0
        if day < self.first_day:
            return float(self.first_day - day)
        return float(max(0, day - self.last_day))


#: what a retired event's centroid is: no vector, never matched
RETIRED = np.zeros(DIM, np.float32)
RETIRED.flags.writeable = False


@dataclass(slots=True)
class Seen:
    """What the linker remembers of each assigned article (by arrival number)."""

    article_id: str
    event_id: str
    root: str  # the article itself, or the original it duplicates


@dataclass
class LinkState:
    """Everything the linker holds in memory between two additions."""

    df: DocumentFrequencies = field(default_factory=DocumentFrequencies)
    events: dict[str, Cluster] = field(default_factory=dict)
    threads: dict[str, Cluster] = field(default_factory=dict)
    seen: dict[int, Seen] = field(default_factory=dict)
    next_seq: int = 1
    newest_day: int | None = None
    #: additions since closed events were last retired
    since_retire: int = 0

    @property
    def last_seq(self) -> int:
        return max(self.seen) if self.seen else 0

    # -- snapshot ------------------------------------------------------------------------------
    def to_snapshot(self) -> dict[str, Any]:
        last = self.last_seq
        return {
            "version": SNAPSHOT_VERSION,
            "last_seq": last,
            "last_article": self.seen[last].article_id if last else None,
            "count": len(self.seen),
            "newest_day": self.newest_day,
            "since_retire": self.since_retire,
            "df_n": self.df.n,
            "df": self.df.df,
            "threads": [_cluster_dict(c) for c in self.threads.values()],
            "events": [_cluster_dict(c) for c in self.events.values()],
            "seen": [[k, s.article_id, s.event_id, s.root] for k, s in self.seen.items()],
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> "LinkState":
        state = cls()
        state.df.n = int(data["df_n"])
        state.df.df = Counter(data["df"])
        state.threads = {d["id"]: _cluster_of(d) for d in data["threads"]}
        state.events = {d["id"]: _cluster_of(d) for d in data["events"]}
        state.seen = {int(k): Seen(a, e, r) for k, a, e, r in data["seen"]}
        state.next_seq = int(data["last_seq"]) + 1
        state.newest_day = data["newest_day"]
        state.since_retire = int(data["since_retire"])
        return state

    def save(self, path: str) -> None:
        """Write the snapshot atomically."""
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.to_snapshot(), fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)


def load_snapshot(path: str) -> dict[str, Any] | None:
    """A saved snapshot, or ``None`` when absent, unreadable or of another version."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == SNAPSHOT_VERSION else None


def _vec(v: np.ndarray) -> str:
    return base64.b64encode(np.asarray(v, dtype=np.float32).tobytes()).decode("ascii")


def _unvec(s: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=np.float32).copy()


def _cluster_dict(c: Cluster) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id, "n": c.n, "first": c.first_day, "last": c.last_day, "thread": c.thread_id,
        "created": c.created, "retired": c.retired, "members": c.members,
    }
    if not c.retired:
        out.update(vsum=_vec(c.vsum), **{name: getattr(c, name).weights for name in PROFILES})
    return out


def _cluster_of(d: Mapping[str, Any]) -> Cluster:
    c = Cluster(d["id"], RETIRED if d["retired"] else _unvec(d["vsum"]), n=d["n"], first_day=d["first"],
                last_day=d["last"], thread_id=d["thread"], created=d["created"], retired=d["retired"],
                members=list(d["members"]))
    if not c.retired:
        for name in PROFILES:
            setattr(c, name, Profile.of(d[name]))
    return c
