"""End-to-end ingest speed, a bare-spaCy floor on the same texts and cores, and where the time goes.

    PYTHONPATH=src python benchmarks/bench_ingest.py [--n 1000] [--workers 1 2] [--no-fundus] [--no-floor]

(a) ``--n`` Timeline17 dev articles (../shared/data/timelines/t17, all collections mixed in date order,
taken evenly) cut to 600 words, written as one JSONL file; (b) the 80 fundus-eval HTML pages
(../shared/data/extraction/fundus-eval/dataset/html). Each is ingested into a fresh store with
``storyline.open`` for every ``--workers`` value, timed end to end (reading, worker start-up, analysis,
embedding, storing, linking, claim relations). The floor is a bare ``en_core_web_sm`` ``nlp.pipe`` with
all its components, one process per worker, on the same texts. The stage table sums seconds over the
workers for parse+analysers and embeddings; writing+linking is the writer process; "waiting" is the
writer waiting on the workers.
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

SHARED = Path(os.environ.get("STORYLINE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def timeline17(n: int, words: int = 600) -> list[dict]:
    from storyline.evaluation.clustering import load_timeline17

    docs = load_timeline17(SHARED / "data")
    step = max(1, len(docs) // n)
    chosen = docs[::step][:n]
    return [
        {"id": d.id, "title": d.title, "text": " ".join(d.text.split(" ")[:words]), "published": d.published, "source": d.source}
        for d in chosen
    ]


def ingest(inputs: list[str], workers: int) -> dict:
    import storyline
    from storyline.config import StorylineConfig

    base = StorylineConfig()
    config = dataclasses.replace(base, pipeline=dataclasses.replace(base.pipeline, workers=workers))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with storyline.open(str(Path(tmp) / "bench.db"), config) as corpus:
            report = corpus.ingest(inputs)
            times = corpus.engine.times
        elapsed = time.perf_counter() - t0
    return {"workers": workers, "articles": report.ingested, "failed": report.failed, "seconds": elapsed,
            "rate": report.ingested / elapsed, "parse_analyse": times.parse_analyse, "embed": times.embed,
            "write_link": times.write_link, "waiting": times.waiting}


def floor(texts: list[str], processes: int) -> float:
    """Articles/s of a bare en_core_web_sm nlp.pipe (all components) on ``processes`` processes."""
    import spacy

    from storyline.analyze.nlp import MODEL

    nlp = spacy.load(MODEL)
    nlp.max_length = 2_000_000
    t0 = time.perf_counter()
    count = sum(1 for _ in nlp.pipe(texts, n_process=processes, batch_size=16))
    return count / (time.perf_counter() - t0)


def table(name: str, rows: list[dict], floors: dict[int, float]) -> None:
    print(f"\n{name}")
    print("| workers | articles | s | articles/s | speed-up | bare spaCy art/s | ratio | parse+analysers s | embed s | write+link s | writer waiting s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    first = rows[0]["rate"]
    for r in rows:
        f = floors.get(r["workers"])
        print(f"| {r['workers']} | {r['articles']} | {r['seconds']:.1f} | {r['rate']:.2f} | {r['rate'] / first:.2f}x | "
              f"{f:.2f} | {r['rate'] / f:.2f}x | " if f else f"| {r['workers']} | {r['articles']} | {r['seconds']:.1f} | {r['rate']:.2f} | {r['rate'] / first:.2f}x | - | - | ", end="")
        print(f"{r['parse_analyse']:.1f} | {r['embed']:.1f} | {r['write_link']:.1f} | {r['waiting']:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-fundus", action="store_true")
    ap.add_argument("--no-floor", action="store_true")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    rows = timeline17(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "t17.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        texts = [r["text"] for r in rows]
        results = [ingest([str(src)], w) for w in args.workers]
        floors = {} if args.no_floor else {w: floor(texts, w) for w in args.workers}
        table(f"(a) {len(rows)} Timeline17 dev articles, 600 words", results, floors)
    if not args.no_fundus:
        html = SHARED / "data" / "extraction" / "fundus-eval" / "dataset" / "html"
        results = [ingest([str(html)], w) for w in args.workers]
        table(f"(b) fundus-eval HTML pages ({html})", results, {})


if __name__ == "__main__":
    main()
