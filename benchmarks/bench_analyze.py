"""Throughput of the per-article analysis (spaCy parse + all analysers) on 600-word articles.

Usage: python benchmarks/bench_analyze.py [--n 200] [--processes 1 2]

The articles are the PolNeAR dev texts (real news, ../shared/data/quotes/polnear),
each cut or repeated to 600 words, so that every run measures the same input.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from storyline.analyze import Pipeline
from storyline.model import Article

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "quotes" / "polnear" / "data" / "dev" / "text"


def articles(n: int, words: int = 600) -> list[Article]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"{DATA}: no PolNeAR dev texts found")
    out = []
    for i in range(n):
        tokens = texts[i % len(texts)].split(" ")
        while len(tokens) < words:
            tokens += tokens
        out.append(Article(title=f"bench {i}", text=" ".join(tokens[:words]) + f" ({i})", published="2016-10-01"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    batch = articles(args.n)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    Pipeline()(batch[0])  # load the model outside the timing
    for n_process in args.processes:
        pipeline = Pipeline(n_process=n_process, batch_size=32)
        start = time.perf_counter()
        count = sum(1 for _ in pipeline.pipe(batch))
        elapsed = time.perf_counter() - start
        print(f"processes={n_process}: {count} articles of 600 words in {elapsed:.1f} s = {count / elapsed:.1f} articles/s")


if __name__ == "__main__":
    main()
