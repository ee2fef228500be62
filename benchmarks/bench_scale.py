"""Ingest at scale: the local engine and Ray with 1 and 2 workers, and the memory of reading big web archives.

    PYTHONPATH=src python benchmarks/bench_scale.py ingest [--n 1000] [--engines local ray] [--workers 1 2] [--pg URL]
    PYTHONPATH=src python benchmarks/bench_scale.py warc OUT.warc.gz [--records 1000]
    PYTHONPATH=src python benchmarks/bench_scale.py rss [--records 1000 10000]

``ingest``: ``--n`` Timeline17 dev articles (../shared/data/timelines/t17, in date order, 600 words, as in
bench_ingest.py); beyond the 2,435 of the corpus they repeat with one sentence dropped per repeat (so their
content ids differ). Each engine and worker count ingests them into a fresh SQLite store (and into the
PostgreSQL database at ``--pg URL`` when the build has that store), timed end to end: start-up, reading,
analysis, embedding, storing, linking.

``warc``: a web archive of ``--records`` HTML responses (one gzip member each) built offline from
../shared: the 80 fundus-eval pages as they were captured and Timeline17 texts wrapped as pages, taken in
turn; repeats drop one sentence (Timeline17) or carry a numbered paragraph (fundus-eval).

``rss``: for each ``--records`` count, an archive is built and read in a fresh process with reading and
extraction only (``storyline.ingest.read``: WARC parsing, HTML extraction, metadata; no analysis, no
store), which reports its peak resident memory; flat memory means the records stream.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import html
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import SHARED, timeline17  # noqa: E402


def perturbed(text: str, repeat: int) -> str:
    """The text with sentence ``repeat`` (counted cyclically) dropped; the text itself for repeat 0."""
    if repeat == 0:
        return text
    sentences = [s for s in text.replace("\n", " \n ").split(" . ")]
    if len(sentences) < 2:
        return f"{text} ({repeat})"
    del sentences[repeat % len(sentences)]
    return " . ".join(sentences)


def articles(n: int) -> list[dict]:
    """``n`` Timeline17 rows; past the corpus they repeat with a sentence dropped."""
    base = timeline17(n)
    rows = []
    for i in range(n):
        row = dict(base[i % len(base)])
        repeat = i // len(base)
        row["text"] = perturbed(row["text"], repeat)
        row["id"] = f"{row['id']}~{repeat}" if repeat else row["id"]
        rows.append(row)
    return rows


# -- ingest -----------------------------------------------------------------------------------------
def ingest(source: str, engine: str, workers: int, store: str) -> dict:
    import storyline
    from storyline.config import StorylineConfig

    base = StorylineConfig()
    config = dataclasses.replace(base, pipeline=dataclasses.replace(base.pipeline, workers=workers, engine=engine))
    t0 = time.perf_counter()
    with storyline.open(store, config) as corpus:
        report = corpus.ingest([source])
        times = corpus.engine.times
    elapsed = time.perf_counter() - t0
    return {"engine": engine, "workers": workers, "articles": report.ingested, "seconds": elapsed, "rate": report.ingested / elapsed,
            "analyse": times.parse_analyse, "embed": times.embed, "write_link": times.write_link, "waiting": times.waiting}


def run_ingest(args: argparse.Namespace) -> None:
    from storyline.errors import StorylineError

    rows = articles(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "t17.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        stores = [("SQLite", None)] + ([("PostgreSQL", args.pg)] if args.pg else [])
        for name, url in stores:
            print(f"\n{len(rows)} Timeline17 dev articles (600 words) into {name}")
            print("| engine | workers | articles | s | articles/s | speed-up | analysis s | embed s | write+link s | writer waiting s |")
            print("|---|---|---|---|---|---|---|---|---|---|", flush=True)
            first = None
            for engine in args.engines:
                for w in args.workers:
                    target = url or str(Path(tmp) / f"{engine}{w}.db")
                    try:
                        r = ingest(str(src), engine, w, target)
                    except StorylineError as exc:
                        print(f"{name}, {engine}, {w} workers: {exc}", flush=True)
                        continue
                    first = first or r["rate"]
                    print(f"| {r['engine']} | {r['workers']} | {r['articles']} | {r['seconds']:.1f} | {r['rate']:.2f} | {r['rate'] / first:.2f}x | "
                          f"{r['analyse']:.1f} | {r['embed']:.1f} | {r['write_link']:.1f} | {r['waiting']:.1f} |", flush=True)


# -- web archives -----------------------------------------------------------------------------------
def fundus_pages() -> list[tuple[str, bytes]]:
    folder = SHARED / "data" / "extraction" / "fundus-eval" / "dataset" / "html"
    return [(p.name.removesuffix(".html.gz"), gzip.decompress(p.read_bytes())) for p in sorted(folder.glob("*.html.gz"))]


def as_page(title: str, text: str, published: str | None) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip())
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (f"<html><head><title>{html.escape(title)}</title>{meta}</head><body><article><h1>{html.escape(title)}</h1>"
            f"{paragraphs}</article></body></html>").encode()


def build_warc(path: Path, records: int) -> int:
    """Write ``records`` HTML responses to ``path`` (one gzip member each), streaming; its size in bytes."""
    from storyline.evaluation.clustering import load_timeline17
    from storyline.ingest.warc import warc_response

    fundus = fundus_pages()
    t17 = load_timeline17(SHARED / "data")
    with path.open("wb") as out:
        for i in range(records):
            if i % 2 == 0:  # fundus-eval, as captured
                name, body = fundus[(i // 2) % len(fundus)]
                repeat = (i // 2) // len(fundus)
                if repeat:
                    body = body.replace(b"</body>", f"<p>Update {repeat}.</p></body>".encode(), 1)
                uri = f"https://fundus.test/{name}/{repeat}"
            else:
                d = t17[(i // 2) % len(t17)]
                repeat = (i // 2) // len(t17)
                body = as_page(d.title, perturbed(d.text, repeat), d.published)
                uri = f"https://t17.test/{d.id}/{repeat}"
            out.write(gzip.compress(warc_response(uri, body), compresslevel=6))
    return path.stat().st_size


def read_only(path: str) -> None:
    """Read one archive (reading and extraction only) and print what it gave and the peak memory, as JSON."""
    from storyline.ingest import Failure, read

    t0 = time.perf_counter()
    articles = failures = 0
    for item in read([path]):
        if isinstance(item, Failure):
            failures += 1
        else:
            articles += 1
    seconds = time.perf_counter() - t0
    print(json.dumps({"articles": articles, "failures": failures, "seconds": seconds,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run_rss(args: argparse.Namespace) -> None:
    print("| records | archive MB | articles | failures | s | records/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.records:
            path = Path(tmp) / f"cc-{n}.warc.gz"
            size = build_warc(path, n)
            out = subprocess.run([sys.executable, __file__, "read-only", str(path)], check=True, capture_output=True, text=True,
                                 env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"| {n:,} | {size / 2**20:.1f} | {r['articles']:,} | {r['failures']} | {r['seconds']:.1f} | {n / r['seconds']:.1f} | "
                  f"{r['peak_rss_mb']:.0f} |", flush=True)
            path.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("ingest")
    a.add_argument("--n", type=int, default=1000)
    a.add_argument("--engines", nargs="+", default=["local", "ray"], choices=["local", "ray"])
    a.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    a.add_argument("--pg", metavar="URL", help="also ingest into this PostgreSQL database")
    w = sub.add_parser("warc")
    w.add_argument("out", type=Path)
    w.add_argument("--records", type=int, default=1000)
    r = sub.add_parser("rss")
    r.add_argument("--records", type=int, nargs="+", default=[1000, 10000])
    o = sub.add_parser("read-only")
    o.add_argument("path")
    args = ap.parse_args()
    if args.command == "read-only":
        read_only(args.path)
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if args.command == "ingest":
        run_ingest(args)
    elif args.command == "warc":
        size = build_warc(args.out, args.records)
        print(f"{args.out}: {args.records:,} HTML responses, {size / 2**20:.1f} MB")
    else:
        run_rss(args)


if __name__ == "__main__":
    main()
