"""Semantic search: the query's embedding against the stored article embeddings, bounded.

When the store has the linker's on-disk vector index (``<db>.usearch``), it is
loaded once, caught up with later articles when the store changes, and searched
(HNSW, sub-linear). Otherwise the most recent :data:`SCAN_CAP` embeddings are
kept in memory and scanned with one matrix product, so a large store without an
index costs at most ``SCAN_CAP × 384`` floats per query.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

from ..store import Store

SCAN_CAP = 50_000


class SemanticSearch:
    """Nearest articles to a free-text query, for one store path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: Any = None
        self._index_version: Any = None
        self._scan: tuple[Any, list[str], np.ndarray] | None = None

    def _vector_index(self, store: Store, version: Any):
        from ..link.index import VectorIndex, index_path

        path = index_path(store)
        if path is None or not os.path.isfile(path):
            return None
        if self._index is None:
            index = VectorIndex(path)
            index.open(store)
            self._index = index
        elif self._index_version != version:
            self._index.catch_up(store)
        self._index_version = version
        return self._index

    def search(self, store: Store, query: str, limit: int = 20) -> tuple[list[dict[str, Any]], str]:
        """``(hits, method)``: articles with a ``score`` (cosine similarity), best first."""
        from ..embed import embed

        vector = embed([query])[0]
        version = store.store_version()
        with self._lock:
            index = self._vector_index(store, version)
            if index is not None:
                seqs, sims = index.search(vector, limit)
                found = [store.link_seq_article(int(s)) for s in seqs]
                pairs = [(aid, float(s)) for aid, s in zip(found, sims) if aid]
                method = "index"
            else:
                if self._scan is None or self._scan[0] != version:
                    ids, matrix = store.recent_embeddings(SCAN_CAP)
                    self._scan = (version, ids, matrix)
                _, ids, matrix = self._scan
                pairs = []
                if ids:
                    sims = matrix @ vector
                    top = np.argsort(-sims)[:limit]
                    pairs = [(ids[i], float(sims[i])) for i in top]
                method = f"scan (latest {SCAN_CAP})"
        meta = store.article_summaries([aid for aid, _ in pairs])
        return [{**meta[aid], "score": round(score, 4)} for aid, score in pairs if aid in meta], method
