"""Corrections of the largest thread and its cold story page, on a store of the Timeline17 dev collections.

    PYTHONPATH=src python benchmarks/bench_corrections.py [--db t17.db] [--n 0] [--workers 2]

Without an existing ``--db`` the script ingests the Timeline17 dev articles (all collections of
../shared/data/timelines/t17; ``--n`` takes that many, evenly, 0 = all) into it first. It then times, in a
fresh process state each: ``corrections_for_thread`` of the largest thread (what ``storyline corrections ID``
reads), the same through the API route, and the story page (``GET /stories/ID``) on a newly created web
app (cold: no cache).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from bench_ingest import timeline17


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path("t17-bench.db"))
    ap.add_argument("--n", type=int, default=0)
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    import storyline
    from storyline.config import StorylineConfig

    if not args.db.exists():
        rows = timeline17(args.n or 10**9, words=10**9)
        base = StorylineConfig()
        config = dataclasses.replace(base, pipeline=dataclasses.replace(base.pipeline, workers=args.workers))
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "t17.jsonl"
            src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
            t0 = time.perf_counter()
            with storyline.open(str(args.db), config) as corpus:
                report = corpus.ingest([str(src)])
            print(f"built {args.db}: {report.summary()} in {time.perf_counter() - t0:.0f} s")

    from storyline.explain.corrections import corrections_for_thread
    from storyline.store import Store

    with Store(args.db) as store:
        thread = store.threads(limit=1)[0]
        ids = store.story_article_ids(thread.id)
        print(f"largest thread {thread.id}: {thread.article_count} articles; related at ingest: {store.related_count(ids)}")
        t0 = time.perf_counter()
        found = corrections_for_thread(store, thread.id, labels=("corrects", "contradicts", "updates"))
        print(f"corrections read: {len(found)} relations in {time.perf_counter() - t0:.3f} s")

    from fastapi.testclient import TestClient

    from storyline.web.app import create_app

    t0 = time.perf_counter()
    client = TestClient(create_app(args.db))
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    page = client.get(f"/stories/{thread.id}")
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    api = client.get(f"/api/threads/{thread.id}/corrections")
    print(f"app created in {made:.3f} s; cold story page {page.status_code} {len(page.content)} bytes in {cold:.3f} s; "
          f"API corrections {api.status_code} in {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
