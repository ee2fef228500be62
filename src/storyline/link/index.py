"""The article vector index: usearch HNSW on disk beside the store, keyed by arrival number.

The index lives outside SQLite, so it can fall behind (a crash after a commit,
before a save) or run ahead (saved, then the transaction rolled back) of the
store. The store is the source of truth: beside ``<db>.usearch`` a small JSON
file records how many vectors were saved and the last arrival number and its
article id. On open, an index that matches the store at that point is caught up
with the later embeddings; anything else (missing, unreadable, ahead, or
disagreeing) is rebuilt from the ``embeddings`` table. Vectors are stored as
float16 (768 bytes each), which keeps 100,000 articles under 100 MB.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from storyline.store import Store

DIM = 384


def _new_index():
    from usearch.index import Index

    return Index(ndim=DIM, metric="cos", dtype="f16", connectivity=16, expansion_add=64, expansion_search=64)


class VectorIndex:
    """Nearest articles by embedding; keys are assignment sequence numbers."""

    def __init__(self, path: str | None):
        self.path = path
        self.index = _new_index()
        self.last_seq = 0
        self.last_article: str | None = None
        self.dirty = 0

    # -- persistence ------------------------------------------------------------------------
    @property
    def meta_path(self) -> str | None:
        return None if self.path is None else self.path + ".json"

    def _load_meta(self) -> dict | None:
        if self.path is None or not (os.path.isfile(self.path) and os.path.isfile(self.meta_path or "")):
            return None
        try:
            with open(self.meta_path or "", encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def save(self) -> None:
        """Write the index and its meta file atomically (no-op for in-memory stores)."""
        if self.path is None or not self.dirty:
            return
        tmp = self.path + ".tmp"
        self.index.save(tmp)
        os.replace(tmp, self.path)
        meta = {"count": len(self.index), "last_seq": self.last_seq, "last_article": self.last_article}
        tmp_meta = (self.meta_path or "") + ".tmp"
        with open(tmp_meta, "w", encoding="utf-8") as fh:
            json.dump(meta, fh)
        os.replace(tmp_meta, self.meta_path or "")
        self.dirty = 0

    def open(self, store: "Store") -> str:
        """Load the saved index and bring it in line with the store; says what it did."""
        meta = self._load_meta()
        if meta is not None and self._consistent(store, meta):
            try:
                self.index.load(self.path)
            except Exception:  # noqa: BLE001 - an unreadable file is rebuilt, whatever usearch raises
                meta = None
            else:
                if len(self.index) != meta["count"]:
                    meta = None
        if meta is None or not self._consistent(store, meta):
            self.index = _new_index()
            self.last_seq, self.last_article = 0, None
            action = "rebuilt"
        else:
            self.last_seq, self.last_article = int(meta["last_seq"]), meta["last_article"]
            action = "loaded"
        added = self.catch_up(store)
        if added and action == "loaded":
            action = f"caught up {added}"
        if added or action == "rebuilt":
            self.dirty = max(self.dirty, 1)
        return action

    @staticmethod
    def _consistent(store: "Store", meta: dict) -> bool:
        """Whether the saved index holds exactly the store's articles up to its last arrival number."""
        last = int(meta.get("last_seq", -1))
        if last < 0:
            return False
        if last == 0:
            return int(meta.get("count", -1)) == 0
        return store.link_seq_article(last) == meta.get("last_article") and store.link_count(last) == int(
            meta.get("count", -1)
        )

    def catch_up(self, store: "Store") -> int:
        """Add the store's embeddings of articles assigned after the index's last arrival number."""
        keys, vecs, added = [], [], 0
        for row in store.link_history(self.last_seq):
            if row["vector"] is None:
                continue
            keys.append(row["seq"])
            vecs.append(row["vector"])
            added += 1
            self.last_seq, self.last_article = row["seq"], row["article_id"]
            if len(keys) >= 4096:
                self.index.add(np.asarray(keys, dtype=np.uint64), np.vstack(vecs))
                keys, vecs = [], []
        if keys:
            self.index.add(np.asarray(keys, dtype=np.uint64), np.vstack(vecs))
        return added

    # -- use --------------------------------------------------------------------------------
    def add(self, seq: int, article_id: str, vector: np.ndarray) -> None:
        self.index.add(seq, np.asarray(vector, dtype=np.float32))
        self.last_seq, self.last_article = seq, article_id
        self.dirty += 1

    def search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(sequence numbers, cosine similarities) of the ``k`` nearest articles."""
        if len(self.index) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        m = self.index.search(np.asarray(vector, dtype=np.float32), min(k, len(self.index)))
        return np.asarray(m.keys, dtype=np.int64), 1.0 - np.asarray(m.distances, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.index)


def index_path(store: "Store") -> str | None:
    """Where the index of a store lives: ``<db file>.usearch`` (``None`` for ``:memory:``).

    For a PostgreSQL store it is a file in a local folder (:func:`storyline.store.db.local_base`): each
    machine keeps its own, checked against the store's embeddings when it is opened.
    """
    base = store.local_base
    return None if base is None else base + ".usearch"
