"""Analysis time of one very long article (the size limits let texts of millions of characters through).

    PYTHONPATH=src python benchmarks/bench_long_text.py [--chars 2000000] [--seed 3]

Builds a synthetic text of ``--chars`` characters on one line (no line break: the worst case for steps
that look for the first line), one sentence in ten a quote with a speaker and a date, and times
``storyline.analyze.analyze`` on it after a warm-up on a short text (the models load once). Prints the
seconds and what was found, so that a faster run can be checked to find the same.
"""

from __future__ import annotations

import argparse
import platform
import random
import time

from storyline.analyze import analyze
from storyline.model import Article

WORDS = (
    "the council met on Monday and said that the bridge would reopen after repairs costing millions , "
    "officials in Gdansk told reporters ."
).split()


def long_text(chars: int, seed: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(18)).capitalize() + ". "
        if rng.random() < 0.1:
            sentence += '"We will rebuild it," Mayor Anna Berg said on 3 March 2016. '
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:chars]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chars", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    text = long_text(args.chars, args.seed)
    analyze(Article(title="warm-up", text="The mayor spoke on Monday."))
    start = time.perf_counter()
    found = analyze(Article(title="Long", text=text, published="2016-03-04"))
    seconds = time.perf_counter() - start
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"{len(text):,} characters: {seconds:.2f} s; {len(found.entities)} entities, {len(found.quotes)} quotes")


if __name__ == "__main__":
    main()
