"""The ingest engine on Ray Data: reading, extraction, analysis and embedding on a Ray cluster.

The same job as :class:`storyline.parallel.Engine`, spread over Ray instead of local processes:

* a dataset of the inputs (one row per file or URL: one web archive is one task), read with
  ``flat_map`` into a stream of articles, failures and reader positions;
* ``map_batches`` with a callable class on a pool of ``workers`` actors: each actor builds the pipeline
  and loads the spaCy and embedding models once, dates undated articles, and turns each article into
  ``(article, analysis, vector)``; articles the store already holds pass through unanalysed;
* streaming execution with Ray Data's back-pressure, and ordered output (``preserve_order``), so the
  caller sees the items in the order the local engine reads them.

The caller keeps the one writer: it drops duplicates, groups the triples into the batches the local
engine would have made (:meth:`RayEngine.finish` puts each in date order), and stores and links them.
Without an address a local Ray instance of ``workers`` CPUs is started and stopped with the engine; a
Ray instance this process already runs is used as it is.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np

from .errors import StorylineError
from .model import Article
from .parallel import Processed, StageTimes, analyse, date_order, default_workers

if TYPE_CHECKING:  # pragma: no cover
    from .analyze import Pipeline, PipelineSpec
    from .ingest.common import Located

#: what a user without Ray is told
RAY_MISSING = "the ray engine needs Ray, which is not installed: pip install 'storyline[ray]'"


def require_ray() -> None:
    """Raise a one-line :class:`StorylineError` when Ray (with Ray Data) cannot be imported."""
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        raise StorylineError(RAY_MISSING) from None


# -- the worker side --------------------------------------------------------------------------------
def _pack(items: list[Any]) -> dict[str, np.ndarray]:
    column = np.empty(len(items), dtype=object)
    column[:] = [pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL) for x in items]
    return {"item": column}


def read_input(row: dict[str, Any], allow_private: bool, local_files: bool) -> Iterator[dict[str, Any]]:
    """The items of one input (a Ray Data ``flat_map``): its position, articles, failures, as pickled rows."""
    from .ingest import Failure
    from .ingest.common import Position
    from .ingest.reader import read_located

    given = pickle.loads(row["input"])
    if isinstance(given, Failure):  # an input that named nothing (found when the inputs were listed)
        items: Iterable[Any] = [Position(given.origin), given]
    else:
        items = read_located([given], allow_private, local_files=local_files)
    for item in items:
        yield {"item": pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)}


class Analyser:
    """One Ray actor: the pipeline and both models, loaded once; a batch of rows in, the same rows out."""

    def __init__(self, spec: "PipelineSpec", threads: int, store_path: str | None):
        if threads:
            os.environ["STORYLINE_THREADS"] = str(threads)
        from .analyze.nlp import nlp
        from .embed import embed
        from .store import Store

        self.pipeline = spec.build()
        nlp()
        embed(["warm up"])
        self.store = Store(store_path, readonly=True) if store_path and os.path.exists(store_path) else None

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from .analyze.dating import date_undated

        items = [pickle.loads(b) for b in batch["item"]]
        todo = [i for i, x in enumerate(items) if isinstance(x, Article) and not (self.store and self.store.has_article(x.id))]
        times = StageTimes()
        articles = [date_undated(items[i]) for i in todo]
        for i, article, (analysis, vector) in zip(todo, articles, analyse(self.pipeline, articles, times)):
            items[i] = (article, analysis, vector)
        out = _pack(items)
        out["worker"] = np.full(len(items), os.getpid())
        analysed = np.zeros(len(items))
        analysed[todo] = 1.0 / max(1, len(todo))  # each analysed row's share of the batch's seconds
        out["analyse_s"], out["embed_s"] = analysed * times.parse_analyse, analysed * times.embed
        return out


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail at once, naming the address, when a ``host:port`` cluster address does not answer
    (Ray itself would retry for minutes); ``auto`` and other forms are left to Ray."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout).close()
    except OSError as exc:
        raise StorylineError(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}") from None


def _no_restarts() -> dict[str, Any]:
    return {"max_restarts": 0}


# -- the calling side -------------------------------------------------------------------------------
class RayEngine:
    """Reads and analyses on Ray; the caller writes. Use as a context manager."""

    def __init__(self, pipeline: "Pipeline", workers: int = 0, address: str = "", *, store_path: str | None = None):
        require_ray()
        self.pipeline = pipeline
        self.workers = workers if workers > 0 else default_workers()
        self.address = address
        # actors look up stored articles read-only (on another node only when the store's folder is shared)
        self.store_path = str(Path(store_path).resolve()) if store_path and store_path != ":memory:" else None
        self.times = StageTimes()
        self._started = False

    def _start(self) -> None:
        import ray
        import ray.data

        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if not ray.is_initialized():
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
            if self.address:
                _check_reachable(self.address)
            try:
                if self.address:
                    ray.init(address=self.address, **options)
                else:
                    ray.init(num_cpus=self.workers, **options)
            except Exception as exc:  # noqa: BLE001 - a cluster that cannot be reached is the user's input
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
                raise StorylineError(f"cannot start {where}: {type(exc).__name__}: {exc}") from None
            self._started = True
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", module=r"ray\.data\.")  # hints about concurrency on small inputs
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # the writer sees the inputs' order
        ctx.enable_progress_bars = False
        # A reader hands on what it read every 64 kB (a dozen articles), not every 128 MB: one big input (an
        # archive, a JSON Lines file) feeds every actor, and the writer starts at once.
        ctx.target_max_block_size = 64 << 10

    def read(self, inputs: list[str], *, allow_private: bool = False, local_files: bool = True) -> "Located":
        """Everything in ``inputs`` read and analysed on Ray: positions, failures and ``(article, analysis,
        vector)`` triples (an article the store already held comes back as it was read), in input order."""
        import ray.data

        from .ingest.discover import expand

        given: list[Any] = list(expand(inputs)) if local_files else list(inputs)
        if not given:
            return
        self._start()
        threads = max(1, default_workers() // self.workers) if not self.address else 0
        rows = [{"input": pickle.dumps(x)} for x in given]
        inputs_ds: Any = ray.data.from_items(rows, override_num_blocks=len(rows))  # one task per input (a whole archive each)
        with warnings.catch_warnings():  # Ray's notes on its own parameters, not the user's business
            warnings.simplefilter("ignore", DeprecationWarning)
            read_fn: Any = read_input
            ds = (
                inputs_ds.flat_map(
                    read_fn,
                    fn_kwargs={"allow_private": allow_private, "local_files": local_files},
                    compute=ray.data.TaskPoolStrategy(size=self.workers),
                    num_cpus=0,  # the actors hold the CPUs; readers share them (and wait on the disk and the network)
                )
                .map_batches(
                    Analyser,
                    fn_constructor_args=(self.pipeline.spec(), threads, self.store_path),
                    batch_size=self.pipeline.batch_size,
                    batch_format="numpy",
                    compute=ray.data.ActorPoolStrategy(size=self.workers),
                    num_cpus=1,
                    ray_remote_args_fn=_no_restarts,  # an actor that fails fails the ingest (what was written stays)
                )
            )
        wait = time.perf_counter()
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy", prefetch_batches=2):
            self.times.waiting += time.perf_counter() - wait
            for blob, worker, analyse_s, embed_s in zip(batch["item"], batch["worker"], batch["analyse_s"], batch["embed_s"]):
                item = pickle.loads(blob)
                if isinstance(item, tuple):
                    self.times.articles += 1
                    self.times.parse_analyse += float(analyse_s)
                    self.times.embed += float(embed_s)
                    self.times.by_worker[int(worker)] = self.times.by_worker.get(int(worker), 0) + 1
                yield item
            wait = time.perf_counter()

    def finish(self, batches: Iterable[list[Any]]) -> Iterator[Processed]:
        """Batches of what :meth:`read` gave, as the writer stores them: triples in date order.

        An article that came back unanalysed (the store held it when an actor looked, but the writer
        counts it as new) is analysed here, so nothing is stored without its analysis.
        """
        from .analyze.dating import date_undated

        for batch in batches:
            raw = [date_undated(x) for x in batch if isinstance(x, Article)]
            done = {a.id: (a, *t) for a, t in zip(raw, analyse(self.pipeline, raw, self.times))}
            triples = [done[x.id] if isinstance(x, Article) else x for x in batch]
            by_id = {t[0].id: t for t in triples}
            yield [by_id[a.id] for a in date_order([t[0] for t in triples])]

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def __enter__(self) -> "RayEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
