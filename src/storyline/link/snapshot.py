"""The linker's in-memory state as a JSON file beside the index, so that opening a big store is quick.

Rebuilding the state means re-reading every assignment's terms and weights from
SQLite (tens of seconds at 100,000 articles). The snapshot holds the same state:
document frequencies, thread and open-event centroids and profiles, closed events
(thread only) and the arrival-number map. It names the last arrival number and
article it covers; the linker uses it only when the store still agrees, and
replays the later assignments on top (see ``Linker._restore``).
"""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .linker import Cluster, Linker

VERSION = 1


def _vec(v: np.ndarray) -> str:
    return base64.b64encode(np.asarray(v, dtype=np.float32).tobytes()).decode("ascii")


def _unvec(s: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=np.float32).copy()


def _cluster(c: "Cluster") -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id, "n": c.n, "first": c.first_day, "last": c.last_day, "thread": c.thread_id,
        "created": c.created, "retired": c.retired, "members": c.members,
    }
    if not c.retired:
        out.update(vsum=_vec(c.vsum), terms=c.terms.weights, names=c.names.weights)
    return out


def save_snapshot(path: str, linker: "Linker") -> None:
    """Write the linker's state atomically."""
    seen = linker.seen
    last = max(seen) if seen else 0
    data = {
        "version": VERSION,
        "last_seq": last,
        "last_article": seen[last].article_id if last else None,
        "count": len(seen),
        "newest_day": linker.newest_day,
        "since_retire": linker._since_retire,
        "df_n": linker.df.n,
        "df": linker.df.df,
        "threads": [_cluster(c) for c in linker.threads.values()],
        "events": [_cluster(c) for c in linker.events.values()],
        "seen": [[k, s.article_id, s.event_id, s.root] for k, s in seen.items()],
    }
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)


def load_snapshot(path: str) -> dict[str, Any] | None:
    """The saved state, or ``None`` when absent, unreadable or of another version."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == VERSION else None


def apply_snapshot(linker: "Linker", data: dict[str, Any]) -> None:
    """Put a loaded snapshot into a freshly reset linker."""
    from .linker import _RETIRED, Cluster, Profile, _Seen

    def cluster(d: dict[str, Any]) -> Cluster:
        c = Cluster(d["id"], _RETIRED if d["retired"] else _unvec(d["vsum"]), n=d["n"], first_day=d["first"],
                    last_day=d["last"], thread_id=d["thread"], created=d["created"], retired=d["retired"],
                    members=list(d["members"]))
        if not c.retired:
            c.terms, c.names = Profile.of(d["terms"]), Profile.of(d["names"])
        return c

    linker.df.n = int(data["df_n"])
    linker.df.df = Counter(data["df"])
    linker.threads = {d["id"]: cluster(d) for d in data["threads"]}
    linker.events = {d["id"]: cluster(d) for d in data["events"]}
    linker.seen = {int(k): _Seen(a, e, r) for k, a, e, r in data["seen"]}
    linker.next_seq = int(data["last_seq"]) + 1
    linker.newest_day = data["newest_day"]
    linker._since_retire = int(data["since_retire"])
