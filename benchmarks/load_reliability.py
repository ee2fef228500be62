"""Load under writes: 50 concurrent readers over pages and API routes while ingest jobs are posted.

Builds (or reuses) the synthetic store of ``load_web.py`` (``--articles`` of them, SQL only), starts
``storyline serve`` with a token (from ``STORYLINE_TOKEN``) in a subprocess, and for ``--seconds`` runs
``--readers`` concurrent readers, half on the pages (``/``, ``/stories/<id>``) and half on the API routes
(``/api/threads``, ``/api/threads/<id>``, ``/api/articles/<id>``, ``/api/search``), while one client posts
an ingest job of ``--batch`` new records every ``--every`` seconds and follows it through
``GET /api/jobs/{id}``. It prints p50/p99 latency per route group, the jobs done, and checks that every
posted record is stored exactly once (nothing doubled, nothing lost).

The readers are ``wrk`` processes (one per route group, C and event-driven, so that little of the
machine goes to the clients) when ``wrk`` is installed (``apt-get install -y wrk``); otherwise (or with
``--client httpx``) asyncio ``httpx`` clients in this process, which compete with the server for the CPU.

    PYTHONPATH=src .venv/bin/python benchmarks/load_reliability.py --db out/load-rel.db --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_web import _free_port, build, run_wrk  # noqa: E402

from storyline.store import Store  # noqa: E402

GROUPS = {"page": ("/", "/stories/"), "api": ("/api/",)}


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def _group(path: str) -> str:
    return "api" if path.startswith("/api/") else "page"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000


async def main_async(args: argparse.Namespace, base: str, token: str, threads: list[str], articles: list[str]) -> int:
    timings: dict[str, list[float]] = {"page": [], "api": []}
    errors: dict[str, int] = {}
    paths = ["/", *(f"/stories/{t}" for t in threads[:20])]
    api = ["/api/threads", *(f"/api/threads/{t}" for t in threads[:20]), *(f"/api/articles/{a}" for a in articles[:20]), "/api/search?q=council"]
    posted: list[str] = []
    jobs_done = 0
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=args.readers + 4)) as client:
        for p in paths + api:  # warm the caches
            await client.get(p)
        deadline = time.monotonic() + args.seconds  # the readers' run starts now

        async def reader(n: int) -> None:
            rng = random.Random(n)
            while time.monotonic() < deadline:
                path = rng.choice(paths) if rng.random() < 0.5 else rng.choice(api)
                start = time.perf_counter()
                r = await client.get(path)
                elapsed = time.perf_counter() - start
                if r.status_code != 200:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
                timings[_group(path)].append(elapsed)

        async def writer() -> None:
            nonlocal jobs_done
            n = 0
            while time.monotonic() < deadline and args.batch:
                records = []
                for _ in range(args.batch):
                    n += 1
                    title = f"Load record {os.getpid()}-{n}"
                    posted.append(title)
                    records.append({"title": title, "text": f"{title}: the council met about the bridge on Monday.", "published": "2026-01-01"})
                job = (await client.post("/api/jobs", json=records, headers={"Authorization": f"Bearer {token}"})).json()
                while job.get("status") in ("queued", "running"):
                    await asyncio.sleep(0.5)
                    job = (await client.get(f"/api/jobs/{job['id']}")).json()
                jobs_done += job.get("status") == "done"
                await asyncio.sleep(max(0.0, min(args.every, deadline - time.monotonic())))

        if args.client == "wrk":
            half = max(1, args.readers // 2)
            runs = [
                asyncio.to_thread(run_wrk, base, group_paths, clients, 1, args.seconds, False)
                for group_paths, clients in ((paths, half), (api, args.readers - half))
            ]
            page_result, api_result, _ = await asyncio.gather(*runs, writer())
            for group, r in (("page", page_result), ("api", api_result)):
                print(
                    f"{group:5s} n={int(r['requests']):6d}  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms  "
                    f"max {r['max']:7.1f} ms  errors {int(r['errors'])}  non-2xx {int(r['non2xx'])}"
                )
                if r["errors"] or r["non2xx"]:
                    errors[group] = int(r["errors"] + r["non2xx"])
        else:
            await asyncio.gather(writer(), *(reader(i) for i in range(args.readers)))
            for group, values in timings.items():
                print(f"{group:5s} n={len(values):6d}  p50 {_pct(values, 50):7.1f} ms  p99 {_pct(values, 99):7.1f} ms")
    print(f"errors: {errors or 'none'}; jobs done: {jobs_done}; records posted: {len(posted)}")
    with Store(args.db, readonly=True) as store:
        counts = dict(store.db.execute("SELECT title, count(*) FROM articles WHERE title LIKE 'Load record %' GROUP BY title").fetchall())
    doubled = sum(1 for t in posted if counts.get(t, 0) > 1)
    lost = sum(1 for t in posted[: -args.batch] if counts.get(t, 0) == 0)  # the last job may still run
    print(f"doubled: {doubled}; lost: {lost}")
    return 1 if doubled or lost else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="out/load-rel.db")
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--readers", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--batch", type=int, default=8, help="records per ingest job (0: no writes, the readers alone)")
    ap.add_argument("--every", type=float, default=2.0)
    ap.add_argument("--workers", type=int, default=1, help="server processes (storyline serve --workers)")
    ap.add_argument("--client", choices=("auto", "wrk", "httpx"), default="auto", help="readers (auto: wrk if installed)")
    args = ap.parse_args()
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "httpx"
    path = Path(args.db)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path, n_articles=args.articles, n_threads=max(10, args.articles // 20))
    with Store(str(path), readonly=True) as store:
        threads = [t.id for t in store.threads(limit=40)]
        articles = [r[0] for r in store.db.execute("SELECT id FROM articles LIMIT 40")]
    token = os.environ.get("STORYLINE_TOKEN") or "load-benchmark-token"
    port = _free_port()
    env = {**os.environ, "STORYLINE_TOKEN": token}
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(path), "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/api/threads", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        print(f"readers: {args.readers} ({args.client}); server: {args.workers} worker(s); load average {_load_average()}")
        code = asyncio.run(main_async(args, base, token, threads, articles))
        print(f"load average after: {_load_average()}")
    finally:
        server.terminate()
        server.wait(30)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
