"""Latency of linking one new article into a store that already holds 100,000.

The store is synthesised from the development articles (Timeline17 and ECB+):
each synthetic article copies the title, lead and terms of a random dev article
(its *base*); its embedding is the base's MiniLM embedding mixed with a second
random dev embedding (weight 0–0.4) plus Gaussian noise (σ = 0.03 per
dimension, ≈ 0.6 in norm before renormalising), so near neighbours are plentiful
but no two vectors are equal. Dates run one day per 30 articles from
2000-01-01 (about nine years). Articles from the same base within one 14-day window
share an event; articles from the same base share a thread. The history is
written straight into the store's tables in one transaction (what 100,000
``Linker.add`` calls would have left there), then a ``Linker`` is opened on it
(loading its state and building the on-disk HNSW index) and 1,000 further
synthetic articles are added, one store transaction each, timing ``Linker.add``
alone (the embedding is given). Reports p50/p99/max ms and peak RSS, the time to
open the linker on the fresh store (state replayed from SQLite, index built), to
close it (index and state snapshot saved) and to reopen it (snapshot and index
loaded).

    PYTHONPATH=src python benchmarks/bench_link.py [--size 100000] [--adds 1000]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np


def synthetic(bases: np.ndarray, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(base index, embedding) of ``n`` synthetic articles: base mixed with another, plus noise."""
    idx = rng.integers(0, len(bases), n)
    other = rng.integers(0, len(bases), n)
    mix = rng.uniform(0.0, 0.4, (n, 1)).astype(np.float32)
    vec = (1 - mix) * bases[idx] + mix * bases[other] + rng.normal(0, 0.03, (n, bases.shape[1])).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    return idx, vec.astype(np.float32)


def build(store, docs, bases: np.ndarray, size: int, rng: np.random.Generator) -> None:
    """Write a linked history of ``size`` synthetic articles straight into the store."""
    from rich.progress import track

    from storyline.link.features import DocumentFrequencies, day_number, names_of, terms_of
    from storyline.model import Article

    idx, vecs = synthetic(bases, rng, size)
    df = DocumentFrequencies()
    feats = []
    for d in docs:
        t, nm = terms_of(d.title, d.text), names_of(d.title, d.text)
        df.add(set(t) | set(nm))
        feats.append((sorted(set(t) | set(nm)), t, nm))
    weights = [{"terms": df.weigh(t), "names": df.weigh(nm)} for _, t, nm in feats]
    start = date(2000, 1, 1)
    events: dict[tuple[int, int], str] = {}
    threads: dict[int, str] = {}
    with store.transaction():
        for k in track(range(size), description="building the store"):
            b = int(idx[k])
            published = (start + timedelta(days=k // 30)).isoformat()
            art = Article(title=f"{docs[b].title} #{k}", text=docs[b].text[:1500], published=published, source="bench")
            store.add_article(art)
            store.save_embedding(art.id, vecs[k])
            tid = threads.get(b)
            if tid is None:
                tid = threads[b] = f"th-{art.id}"
                store.create_thread(tid, art.title, k + 1)
            window = (b, (k // 30) // 14)
            eid = events.get(window)
            if eid is None:
                eid = events[window] = f"ev-{art.id}"
                store.create_event(eid, tid, art.title, k + 1)
            store.assign(art.id, k + 1, eid, tid, None, None)
            store.save_link_features(art.id, k + 1, day_number(published), feats[b][0], weights[b], None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--adds", type=int, default=1_000)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    args = ap.parse_args()

    from storyline.evaluation.clustering import embed_docs, load_ecbplus, load_timeline17
    from storyline.link import Linker, LinkItem
    from storyline.model import Article
    from storyline.store import Store

    docs = load_timeline17(args.data) + load_ecbplus(args.data)
    bases = embed_docs(docs, print)
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        with Store(db) as store:
            t0 = time.perf_counter()
            build(store, docs, bases, args.size, rng)
            built = time.perf_counter() - t0
            t0 = time.perf_counter()
            linker = Linker(store)
            opened = time.perf_counter() - t0
            idx, vecs = synthetic(bases, rng, args.adds)
            start = date(2000, 1, 1) + timedelta(days=args.size // 30)
            times = []
            for k in range(args.adds):
                d = docs[int(idx[k])]
                art = Article(title=f"{d.title} new {k}", text=d.text[:1500], published=start.isoformat(), source="new")
                with store.transaction():
                    store.add_article(art)
                    store.save_embedding(art.id, vecs[k])
                    item = LinkItem(art.id, vecs[k], art.title, art.text, art.published, art.source)
                    t0 = time.perf_counter()
                    linker.add(item)
                    times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            linker.close()
            saved = time.perf_counter() - t0
            t0 = time.perf_counter()
            reopened_linker = Linker(store)
            reopened = time.perf_counter() - t0
            assert len(reopened_linker.index) == args.size + args.adds
            assert len(reopened_linker.state.seen) == args.size + args.adds
    arr = np.asarray(times)
    result = {
        "store_articles": args.size,
        "additions": args.adds,
        "add_ms_p50": round(float(np.percentile(arr, 50)), 2),
        "add_ms_p99": round(float(np.percentile(arr, 99)), 2),
        "add_ms_max": round(float(arr.max()), 2),
        "build_s": round(built, 1),
        "open_s_rebuilding_index": round(opened, 1),
        "index_save_s": round(saved, 2),
        "reopen_s_loading_index": round(reopened, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
