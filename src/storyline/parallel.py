"""The ingest engine: analysis and embedding on every core, one writer in arrival order.

Worker processes rebuild the analysis pipeline from its picklable
:class:`~storyline.analyze.PipelineSpec` once, load the spaCy and embedding
models once, and then turn batches of articles into ``(article, analysis,
vector)`` triples. The calling process keeps reading inputs and writing
finished batches while the workers analyse the next ones, so the stages
overlap; results come back in the order the batches were submitted, so the
store and the linker see the articles in arrival order whatever the number of
workers. Writing (one transaction per batch) stays with the caller.

With one worker, or an input that fits in one batch, everything runs in the
calling process (no start-up cost for small ingests).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from .model import Analysis, Article

if TYPE_CHECKING:  # pragma: no cover
    from .analyze import Pipeline, PipelineSpec

Processed = list[tuple[Article, Analysis, np.ndarray]]


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class StageTimes:
    """Seconds spent per stage (summed over workers for analysis and embedding)."""

    parse_analyse: float = 0.0
    embed: float = 0.0
    write_link: float = 0.0
    waiting: float = 0.0
    articles: int = 0
    by_worker: dict[int, int] = field(default_factory=dict)

    def add(self, other: "StageTimes") -> None:
        self.parse_analyse += other.parse_analyse
        self.embed += other.embed
        self.articles += other.articles


# -- the worker side --------------------------------------------------------------------------------
_PIPELINE: "Pipeline | None" = None


def _init_worker(spec: "PipelineSpec", threads: int) -> None:
    """Build the pipeline and load both models once in this worker process."""
    global _PIPELINE
    if threads:
        os.environ["STORYLINE_THREADS"] = str(threads)
    from .analyze.nlp import nlp
    from .embed import embed

    _PIPELINE = spec.build()
    nlp()
    embed(["warm up"])


def date_order(batch: list[Article]) -> list[Article]:
    """A batch in the order the writer stores it: by date (stable, so same-day articles keep their order)."""
    return sorted(batch, key=lambda a: a.published or "")


def analyse(pipeline: "Pipeline", articles: list[Article], times: StageTimes) -> list[tuple[Analysis, np.ndarray]]:
    """The analysis and the embedding of each article, in the order given (seconds added to ``times``)."""
    from .embed import article_text_for_embedding, embed

    t0 = time.perf_counter()
    analyses = [analysis for _, analysis in pipeline.pipe(articles)]
    t1 = time.perf_counter()
    vectors: Iterable[np.ndarray] = embed([article_text_for_embedding(a.title, a.text) for a in articles]) if articles else []
    times.parse_analyse += t1 - t0
    times.embed += time.perf_counter() - t1
    times.articles += len(articles)
    return list(zip(analyses, vectors))


def process_batch(pipeline: "Pipeline", batch: list[Article]) -> tuple[Processed, StageTimes]:
    """Analyse and embed one batch (sorted by date, as the writer stores it)."""
    times = StageTimes()
    batch = date_order(batch)
    done = analyse(pipeline, batch, times)
    return [(article, analysis, vector) for article, (analysis, vector) in zip(batch, done)], times


def _work(batch: list[Article]) -> tuple[Processed, StageTimes, int]:
    assert _PIPELINE is not None, "worker not initialised"
    out, times = process_batch(_PIPELINE, batch)
    return out, times, os.getpid()


# -- the calling side -------------------------------------------------------------------------------
def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class Engine:
    """Runs batches through ``workers`` processes (or in this process when one is enough)."""

    def __init__(self, pipeline: "Pipeline", workers: int = 0):
        self.pipeline = pipeline
        self.workers = workers if workers > 0 else default_workers()
        self.times = StageTimes()
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Each worker gets an even share of the cores for the embedding model's threads.
            threads = max(1, default_workers() // self.workers)
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=_context(), initializer=_init_worker, initargs=(self.pipeline.spec(), threads)
            )
        return self._pool

    def run(self, batches: Iterable[list[Article]]) -> Iterator[Processed]:
        """Processed batches in the order they came, at most two per worker in flight."""
        it = iter(batches)
        if self.workers <= 1:
            for batch in it:
                out, times = process_batch(self.pipeline, batch)
                self.times.add(times)
                yield out
            return
        first = next(it, None)
        if first is None:
            return
        second = next(it, None)
        if second is None:  # one batch: not worth starting processes
            out, times = process_batch(self.pipeline, first)
            self.times.add(times)
            yield out
            return
        pool = self._start()
        pending: deque[Future] = deque([pool.submit(_work, first), pool.submit(_work, second)])
        limit = 2 * self.workers
        for batch in it:
            while len(pending) >= limit:
                yield self._collect(pending.popleft())
            pending.append(pool.submit(_work, batch))
        while pending:
            yield self._collect(pending.popleft())

    def _collect(self, future: Future) -> Processed:
        t0 = time.perf_counter()
        out, times, pid = future.result()
        self.times.waiting += time.perf_counter() - t0
        self.times.add(times)
        self.times.by_worker[pid] = self.times.by_worker.get(pid, 0) + times.articles
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
