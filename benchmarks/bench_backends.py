"""The same ingest and the same reads on both store backends: SQLite and PostgreSQL.

    PYTHONPATH=src python benchmarks/bench_backends.py [--n 500] [--pg postgresql://…]

``--n`` Timeline17 dev articles (taken as ``bench_ingest.py`` takes them: all collections, evenly, cut
to 600 words) are ingested with ``--workers 1`` into a new SQLite file and into a new PostgreSQL
database (``--pg``; without it a throwaway server is started from Debian's binaries, as the tests do).
A warm-up ingest of 5 articles into a scratch store comes first (the models are read from disk
once). Then ``storyline serve`` (one process) answers, one request at a time, every story page but the
first once (a first visit: rendered from the store, not from the page cache) and ``--searches`` full-text searches;
the script prints articles/s and the p50/p99 latencies.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench_ingest import timeline17

ROOT = Path(__file__).resolve().parents[1]
QUERIES = (
    "oil spill", "swine flu", "vaccine", "Mubarak", "protest", "earthquake", "BP", "Obama", "Cairo", "pandemic",
    "Haiti", "rescue", "well cap", "Gulf", "Tahrir", "\"Gulf of Mexico\"", "flu OR virus", "spill NOT Obama", "relief*",
    "title:oil",
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def ingest(db: str, src: Path) -> dict:
    import storyline
    from storyline.config import StorylineConfig

    base = StorylineConfig()
    config = dataclasses.replace(base, pipeline=dataclasses.replace(base.pipeline, workers=1))
    t0 = time.perf_counter()
    with storyline.open(db, config) as corpus:
        report = corpus.ingest([str(src)])
    seconds = time.perf_counter() - t0
    return {"articles": report.ingested, "seconds": seconds, "rate": report.ingested / seconds}


def reads(db: str, searches: int) -> dict:
    port = _port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", db, "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    threads = client.get(base + "/api/threads?limit=1000").json()["threads"]
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            client.get(f"{base}/stories/{threads[0]['id']}")  # the first page loads the explain modules: not counted
            story, search = [], []
            for t in threads[1:]:
                t0 = time.perf_counter()
                assert client.get(f"{base}/stories/{t['id']}").status_code == 200
                story.append(time.perf_counter() - t0)
            client.get(base + "/api/search", params={"q": "warm"})
            for n in range(searches):
                t0 = time.perf_counter()
                got = client.get(base + "/api/search", params={"q": QUERIES[n % len(QUERIES)]})
                search.append(time.perf_counter() - t0)
                assert got.status_code == 200, got.text
    finally:
        server.terminate()
        server.wait(20)
    return {"stories": len(story), "story_p50": _pct(story, 0.5), "story_p99": _pct(story, 0.99),
            "searches": len(search), "search_p50": _pct(search, 0.5), "search_p99": _pct(search, 0.99)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--pg", help="a PostgreSQL database to write into (it should be empty) [default: a throwaway server]")
    ap.add_argument("--searches", type=int, default=200)
    args = ap.parse_args()
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["STORYLINE_INDEX_DIR"] = str(Path(tmp) / "index")
        src = Path(tmp) / "t17.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in timeline17(args.n)), encoding="utf-8")
        url = args.pg
        if url is None:
            sys.path.insert(0, str(ROOT / "tests"))
            from pg_server import Server

            server = Server()
            url = server.database()
        try:
            warm = Path(tmp) / "warm.jsonl"  # the models read from disk once, before either timed ingest
            warm.write_text("".join(src.read_text(encoding="utf-8").splitlines(keepends=True)[:5]), encoding="utf-8")
            ingest(str(Path(tmp) / "warm.db"), warm)
            rows = []
            for name, db in (("SQLite", str(Path(tmp) / "bench.db")), ("PostgreSQL", url)):
                row = {"backend": name, **ingest(db, src)}
                row.update(reads(db, args.searches))
                rows.append(row)
                print(json.dumps(row), flush=True)
        finally:
            if server is not None:
                server.stop()
    print("\n| backend | articles | ingest s | articles/s | story pages | story p50 ms | story p99 ms | searches | search p50 ms | search p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['articles']} | {r['seconds']:.1f} | {r['rate']:.2f} | {r['stories']} | {r['story_p50']:.1f} | "
              f"{r['story_p99']:.1f} | {r['searches']} | {r['search_p50']:.1f} | {r['search_p99']:.1f} |")


if __name__ == "__main__":
    main()
