"""Load benchmark of ``storyline serve``: 20 concurrent clients on the story list and story pages.

Builds (or reuses) a synthetic store of 100,000 articles written directly with
SQL: articles (short texts, so the FTS triggers index them), assignments into
25,000 events in 5,000 threads of Zipf-like sizes, one small analysis per
article (two dated time expressions), two entity mentions each and a quote for
every third article. Then it starts the server in a subprocess, warms it, and
loads the story list (``/``, ``/?page=2``, ``/?page=3``) and the story pages
(``/stories/<id>`` of the 100 largest threads and 100 random ones), one after
the other, each for a fixed time, printing p50/p90/p99 latency and throughput.

The load comes from ``wrk`` (C, event-driven: little of the 2 cores goes to the
client) when it is installed (``apt-get install -y wrk``), otherwise from
``httpx`` clients in this process, which compete with the server for CPU.

    PYTHONPATH=src .venv/bin/python benchmarks/load_web.py --db out/load-100k.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from storyline.store import Store, entity_id

SOURCES = [f"Source {i:02d}" for i in range(60)]
WORDS = "council vote bridge mayor budget river storm court ruling strike talks minister election port rail".split()


def _zipf_sizes(total: int, groups: int, rng: random.Random) -> list[int]:
    weights = [1 / (i + 1) ** 0.9 for i in range(groups)]
    scale = (total - groups) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    sizes[0] += total - sum(sizes)
    rng.shuffle(sizes)
    return sizes


def build(path: Path, n_articles: int = 100_000, n_threads: int = 5_000, events_per_thread: int = 5, seed: int = 7) -> None:
    """Write the synthetic store (a few minutes on 2 cores, mostly the FTS index)."""
    from rich.progress import Progress

    rng = random.Random(seed)
    store = Store(str(path))
    db = store.db
    now = "2026-11-22T00:00:00+00:00"
    sizes = _zipf_sizes(n_articles, n_threads, rng)
    persons = [f"Person {i}" for i in range(2_000)]
    places = [f"Place {i}" for i in range(500)]
    db.execute("BEGIN")
    with Progress() as progress:
        task = progress.add_task("threads", total=n_threads)
        seq = 0
        for t, size in enumerate(sizes):
            tid = f"th-{t:016x}"
            db.execute("INSERT INTO threads(id, title, created_seq) VALUES (?, ?, ?)", (tid, f"Story {t}: {' '.join(rng.sample(WORDS, 4))}", seq + 1))
            start = date(2000, 1, 1) + timedelta(days=rng.randrange(9_000))
            n_events = max(1, min(events_per_thread, size))
            event_ids = [f"ev-{t:010x}{e:06x}" for e in range(n_events)]
            for e, eid in enumerate(event_ids):
                db.execute("INSERT INTO events(id, thread_id, title, created_seq) VALUES (?, ?, ?, ?)", (eid, tid, f"Event {e} of story {t}", seq + 1))
            for k in range(size):
                seq += 1
                aid = f"{seq:016x}"
                day = start + timedelta(days=int(k * 700 / size) + rng.randrange(3))
                words = " ".join(rng.choices(WORDS, k=40))
                person, place = rng.choice(persons), rng.choice(places)
                text = f"{person} said in {place} on {day.isoformat()} that the {words}. \"We will see,\" {person} said."
                db.execute(
                    """INSERT INTO articles(id, title, text, published, source, meta, ingested_at)
                       VALUES (?, ?, ?, ?, ?, '{}', ?)""",
                    (aid, f"{person} on {' '.join(rng.sample(WORDS, 3))}", text, day.isoformat(), rng.choice(SOURCES), now),
                )
                db.execute(
                    "INSERT INTO assignments(article_id, seq, event_id, thread_id, duplicate_of, score) VALUES (?, ?, ?, ?, NULL, 0.5)",
                    (aid, seq, event_ids[k * n_events // size], tid),
                )
                # as after a pipeline ingest: the article's claim relations were computed when it was stored
                db.execute("INSERT INTO claims_related(article_id) VALUES (?)", (aid,))
                p_id, g_id = entity_id(person, "PERSON"), entity_id(place, "GPE")
                db.execute("INSERT OR IGNORE INTO entities(id, name, type) VALUES (?, ?, 'PERSON')", (p_id, person))
                db.execute("INSERT OR IGNORE INTO entities(id, name, type) VALUES (?, ?, 'GPE')", (g_id, place))
                p_end, g_start = len(person), len(person) + 9
                db.execute("INSERT INTO mentions(article_id, entity_id, start, end, text) VALUES (?, ?, 0, ?, ?)", (aid, p_id, p_end, person))
                db.execute(
                    "INSERT INTO mentions(article_id, entity_id, start, end, text) VALUES (?, ?, ?, ?, ?)",
                    (aid, g_id, g_start, g_start + len(place), place),
                )
                d_start = text.index(day.isoformat())
                q_start = text.index('"') + 1
                q_end = text.index('"', q_start)
                analysis = {
                    "article_id": aid,
                    "entities": [
                        {"span": [0, p_end], "text": person, "label": "PERSON", "canonical": person, "entity_id": p_id},
                        {"span": [g_start, g_start + len(place)], "text": place, "label": "GPE", "canonical": place, "entity_id": g_id},
                    ],
                    "quotes": [],
                    "timexes": [{"span": [d_start, d_start + 10], "text": day.isoformat(), "type": "DATE", "value": day.isoformat()}],
                }
                if seq % 3 == 0:
                    quote = {"content": [q_start, q_end], "text": text[q_start:q_end], "kind": "direct", "speaker": person}
                    analysis["quotes"].append(quote)
                    db.execute(
                        """INSERT INTO quotes(article_id, start, end, kind, speaker, entity_id, channel, text)
                           VALUES (?, ?, ?, 'direct', ?, ?, NULL, ?)""",
                        (aid, q_start, q_end, person, p_id, text[q_start:q_end]),
                    )
                db.execute("INSERT INTO analyses(article_id, data) VALUES (?, ?)", (aid, json.dumps(analysis)))
            progress.advance(task)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Latency figures every client reports, in milliseconds (plus requests and req/s).
PERCENTILES = (50, 90, 99)

#: wrk script: each thread cycles through the paths of a file (one per line) from its own offset,
#: and the summary is printed as one JSON line (latencies in microseconds).
WRK_SCRIPT = """
local paths, i, threads = {}, 0, 0
function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 7919)
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = (offset or 0) % #paths
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def run_wrk(base: str, paths: list[str], clients: int, threads: int, seconds: float, strict: bool = True) -> dict[str, float]:
    """Load ``paths`` with wrk; requests, req/s, p50/p90/p99 and max in ms (and the error counts; ``strict``: raise on any)."""
    with tempfile.TemporaryDirectory() as tmp:
        script, listing = Path(tmp) / "paths.lua", Path(tmp) / "paths.txt"
        script.write_text(WRK_SCRIPT)
        listing.write_text("\n".join(paths) + "\n")
        cmd = ["wrk", f"-c{clients}", f"-t{threads}", f"-d{seconds:g}s", "--timeout", "30s", "--latency", "-s", str(script), base, "--", str(listing)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("WRK "))
    raw = json.loads(line[4:])
    if strict and (raw["errors"] or raw["non2xx"]):
        raise RuntimeError(f"wrk: {raw['errors']} socket errors, {raw['non2xx']} non-2xx answers")
    result = {"requests": raw["requests"], "rps": raw["requests"] / (raw["duration_us"] / 1e6), "max": raw["max"] / 1000}
    result.update(errors=raw["errors"], non2xx=raw["non2xx"])
    result.update({f"p{q}": raw[f"p{q}"] / 1000 for q in PERCENTILES})
    return result


async def _client(http: httpx.AsyncClient, paths: list[str], until: float, rng: random.Random, out: list[float]) -> None:
    while time.perf_counter() < until:
        path = rng.choice(paths)
        t0 = time.perf_counter()
        r = await http.get(path)
        elapsed = time.perf_counter() - t0
        if r.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {r.status_code}")
        out.append(elapsed)


async def _httpx_load(base: str, paths: list[str], clients: int, seconds: float) -> list[float]:
    out: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        until = time.perf_counter() + seconds
        await asyncio.gather(*(_client(http, paths, until, random.Random(i), out) for i in range(clients)))
    return out


def run_httpx(base: str, paths: list[str], clients: int, threads: int, seconds: float) -> dict[str, float]:
    """Load ``paths`` with ``clients`` httpx clients in this process (``threads`` is unused)."""
    values = asyncio.run(_httpx_load(base, paths, clients, seconds))
    result = {"requests": len(values), "rps": len(values) / seconds, "max": max(values) * 1000}
    result.update({f"p{q}": _pct(values, q) for q in PERCENTILES})
    return result


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(values) > 1 else values[0] * 1000


def report(name: str, r: dict[str, float]) -> str:
    figures = "  ".join(f"p{q} {r[f'p{q}']:7.1f} ms" for q in PERCENTILES)
    return f"{name:<12} {int(r['requests']):>7} requests  {r['rps']:8.1f} req/s  {figures}  max {r['max']:7.1f} ms"


def warm_up(base: str, paths: list[str], passes: int = 12, warm_ms: float = 50) -> None:
    """Request every path, on a new connection each time, until one pass finds all of them warm.

    With several server processes each has its own page cache, and a new
    connection goes to whichever process accepts it first.
    """
    for _ in range(passes):
        slowest = 0.0
        for p in paths:
            t0 = time.perf_counter()
            httpx.get(base + p, timeout=120).raise_for_status()
            slowest = max(slowest, time.perf_counter() - t0)
        if slowest * 1000 < warm_ms:
            return


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="out/load-100k.db")
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--seconds", type=float, default=30, help="per run: story list, then story pages")
    ap.add_argument("--stories", type=int, default=200, help="story pages in the mix: half the largest, half random")
    ap.add_argument("--workers", type=int, default=1, help="server processes (storyline serve --workers)")
    ap.add_argument("--client", choices=("auto", "wrk", "httpx"), default="auto", help="load generator (auto: wrk if installed)")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    run_load = run_wrk if client == "wrk" else run_httpx
    path = Path(args.db)
    if args.rebuild and path.exists():
        path.unlink()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        build(path, args.articles)
        print(f"built {path} ({args.articles} articles) in {time.perf_counter() - t0:.0f} s")
    with Store(str(path), readonly=True) as store:
        n = store.count_articles()
        half = args.stories // 2
        top = [r[0] for r in store.db.execute("SELECT thread_id FROM assignments GROUP BY thread_id ORDER BY count(*) DESC LIMIT ?", (half,))]
        rand = [r[0] for r in store.db.execute("SELECT id FROM threads ORDER BY random() LIMIT ?", (half,))]
        biggest = store.db.execute("SELECT count(*) FROM assignments GROUP BY thread_id ORDER BY 1 DESC LIMIT 1").fetchone()[0]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(path), "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/api/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        list_paths = ["/", "/?page=2", "/?page=3"]
        story_paths = [f"/stories/{t}" for t in top + rand]
        t0 = time.perf_counter()
        httpx.get(base + "/", timeout=120).raise_for_status()
        cold_list = time.perf_counter() - t0
        cold = []
        for p in story_paths:  # first view of each story: builds its view and page
            t0 = time.perf_counter()
            httpx.get(base + p, timeout=120).raise_for_status()
            cold.append(time.perf_counter() - t0)
        warm_up(base, list_paths + story_paths)
        load_before = _load_average()
        results = {
            "story list": run_load(base, list_paths, args.clients, args.threads, args.seconds),
            "story page": run_load(base, story_paths, args.clients, args.threads, args.seconds),
        }
        load_after = _load_average()
    finally:
        server.terminate()
        server.wait(10)
    print(f"store: {n} articles; largest thread {biggest} articles")
    print(f"client: {client}, {args.clients} connections" + (f", {args.threads} threads" if client == "wrk" else "") + f", {args.seconds:g} s per run")
    print(f"server: {args.workers} worker(s); load average before {load_before}, after {load_after}")
    print(f"cold story list (aggregates every thread): {cold_list * 1000:.0f} ms")
    print(f"cold story pages ({len(cold)} sequential): p50 {_pct(cold, 50):.1f} ms  p99 {_pct(cold, 99):.1f} ms  max {max(cold) * 1000:.0f} ms")
    for name, r in results.items():
        print(report(name, r))


if __name__ == "__main__":
    main()
