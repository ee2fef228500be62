"""The Python API: a corpus of articles in one store, ingested, analysed and linked.

>>> import storyline
>>> corpus = storyline.open("news.db")  # or "postgresql://user@host/news"
>>> report = corpus.ingest(["articles/", "https://example.org/feed.xml"])
>>> for thread in corpus.stories():
...     print(thread.id, thread.title, thread.article_count)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .config import StorylineConfig
from .errors import StorylineError
from .model import Article, Thread
from .store import Store

if TYPE_CHECKING:
    from .ingest.common import Position
    from .parallel import Engine
    from .ray_engine import RayEngine


@dataclass
class FileCounts:
    """What an ingest did with one input file: records read, HTML responses, and what became of them."""

    records: int = 0
    pages: int = 0
    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    #: bytes read and the file's size
    offset: int = 0
    size: int = 0


@dataclass
class IngestReport:
    """What an ingest did: counts, and one line per input that failed."""

    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    #: per input (file, URL): counts of records, pages, articles ingested, duplicates and failures
    files: dict[str, FileCounts] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{self.ingested} ingested, {self.duplicates} duplicates, {self.failed} failed"


class Corpus:
    """A store plus the pipeline that fills it: ingest → analyse → embed → link."""

    def __init__(self, path: str | None = None, config: StorylineConfig | None = None):
        self.store = Store(path)
        if config is None:
            recorded = self.store.recorded_config()
            config = StorylineConfig.from_json(recorded, f"{self.store.name}: recorded configuration") if recorded else StorylineConfig()
        #: the settings of the analysis, the linker and the explanations (recorded in the store at the first write)
        self.config = config
        self._pipeline = None
        self._linker = None
        self._matcher = None
        self._counts_of: dict[str, FileCounts] = {}  # the input of each article between reading and writing
        #: the engine of the latest ingest (its ``times`` say where the time went)
        self.engine: Engine | RayEngine | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def close(self) -> None:
        if self._linker is not None:
            self._linker.close()
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pipeline(self):
        if self._pipeline is None:
            from .analyze import Pipeline

            settings = self.config.pipeline
            self._pipeline = Pipeline(attributions=settings.attributions, batch_size=settings.batch_size)
        return self._pipeline

    @property
    def matcher(self):
        """Relates each new article's claims to candidate earlier claims of its thread (stored at ingest)."""
        if self._matcher is None:
            from .explain.corrections import IncrementalMatcher, scorer_named

            self._matcher = IncrementalMatcher(self.store, scorer=scorer_named(self.config.explain.relations))
        return self._matcher

    @property
    def linker(self):
        if self._linker is None:
            from .link import Linker

            self._linker = Linker(self.store, self.config.link)
        return self._linker

    # -- writing ----------------------------------------------------------------------------
    def ingest(
        self,
        inputs: Iterable[str],
        *,
        allow_private: bool = False,
        batch_size: int = 64,
        on_item: Callable[[str, str], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
        on_position: Callable[[Position], None] | None = None,
        local_files: bool = True,
    ) -> IngestReport:
        """Read, analyse, store and link everything in ``inputs`` (paths, folders, globs, URLs).

        Articles already stored (same content id) count as duplicates and are
        skipped. Each batch is written in one transaction, so an interrupted
        ingest leaves whole batches and can simply be run again. ``on_item`` is
        called with ``(kind, detail)`` for each input item: ``kind`` is
        ``"ingested"``, ``"duplicate"`` or ``"failed"``; ``on_position`` with each
        :class:`~storyline.ingest.common.Position` of the reader (which input, how many bytes and
        records of it). One ingest writes into a store at a time
        (:meth:`Store.writer`); ``on_wait`` is told when this one waits for another. With ``local_files``
        false only http(s) URLs are read (inputs that come over the API), never files of this machine.

        ``pipeline.engine`` chooses where reading and analysis run: ``local`` (this process and
        ``pipeline.workers`` worker processes, :mod:`storyline.parallel`) or ``ray`` (Ray Data on a local Ray
        instance or the cluster at ``pipeline.address``, :mod:`storyline.ray_engine`). Either way the
        batches come back in input order and this process stores and links them.
        """
        from .ingest.reader import read_located

        report = IngestReport()
        notify = on_item or (lambda kind, detail: None)
        settings = self.config.pipeline
        with self.store.writer(on_wait):
            if settings.engine == "ray":
                from .ray_engine import RayEngine

                with RayEngine(self.pipeline, settings.workers, settings.address, store_path=self.store.path) as ray_engine:
                    self.engine = ray_engine
                    located = ray_engine.read(list(inputs), allow_private=allow_private, local_files=local_files)
                    batches = self._batches(located, report, notify, batch_size, on_position)
                    self._write(ray_engine.finish(batches), ray_engine, report, notify)
            else:
                items = read_located(list(inputs), allow_private=allow_private, local_files=local_files)
                self._run(self._batches(items, report, notify, batch_size, on_position), report, notify)
        return report

    def _batches(
        self,
        items: Iterable[Any],
        report: IngestReport,
        notify: Callable[[str, str], None],
        batch_size: int,
        on_position: Callable[[Position], None] | None = None,
    ) -> Iterator[list[Any]]:
        """Batches of new articles from a stream of articles and failures (failures and duplicates counted).

        The stream may hold the reader's positions (they say which input the next items come from) and,
        from an engine that analyses as it reads, ``(article, analysis, vector)`` triples in place of articles:
        a batch holds whatever stood for its articles.
        """
        from .ingest import Failure
        from .ingest.common import Position

        batch: list[Any] = []
        seen: set[str] = set()
        counts = FileCounts()
        for item in items:
            if isinstance(item, Position):
                counts = report.files.setdefault(item.source, FileCounts())
                counts.records, counts.pages, counts.size = item.records, item.pages, item.size or counts.size
                counts.offset = item.offset
                if on_position is not None:
                    on_position(item)
                continue
            if isinstance(item, Failure):
                report.failed += 1
                counts.failed += 1
                report.failures.append(str(item))
                notify("failed", str(item))
                continue
            article = item[0] if isinstance(item, tuple) else item
            if article.id in seen or self.store.has_article(article.id):
                report.duplicates += 1
                counts.duplicates += 1
                notify("duplicate", article.origin or article.id)
                continue
            seen.add(article.id)
            self._counts_of[article.id] = counts
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def add(self, articles: Iterable[Article]) -> IngestReport:
        """Store, analyse and link articles made in Python (not read from a source)."""
        report = IngestReport()
        with self.store.writer():
            unique: dict[str, Article] = {}
            for article in articles:
                if article.id in unique or self.store.has_article(article.id):
                    report.duplicates += 1
                else:
                    unique[article.id] = article
            if unique:
                self._run([list(unique.values())], report, lambda kind, detail: None)
        return report

    def add_records(self, records: Iterable[dict[str, Any]], origin: str = "records") -> IngestReport:
        """Store, analyse and link records in the JSON Lines input shape; each bad record is one failure line."""
        from .ingest import Unreadable, article_from_record

        articles, failures = [], []
        for n, record in enumerate(records):
            where = f"{origin}[{n}]"
            try:
                articles.append(article_from_record(record, where))
            except Unreadable as exc:
                failures.append(f"{where}: {exc.reason}")
        report = self.add(articles)
        report.failed += len(failures)
        report.failures += failures
        return report

    def _run(self, batches: Iterable[list[Article]], report: IngestReport, notify: Callable[[str, str], None]) -> None:
        """Analyse and embed the batches on the configured workers; store and link each here, in order."""
        from .analyze.dating import date_undated
        from .parallel import Engine

        dated = ([date_undated(a) for a in batch] for batch in batches)  # an estimated date (flagged in meta) where none is given
        with Engine(self.pipeline, self.config.pipeline.workers) as engine:
            self.engine = engine
            self._write(engine.run(dated), engine, report, notify)

    def _write(
        self, processed: Iterable[list], engine: Engine | RayEngine, report: IngestReport, notify: Callable[[str, str], None]
    ) -> None:
        """The one writer: each analysed batch stored and linked here, in the order it comes."""
        import time

        for batch in processed:
            t0 = time.perf_counter()
            self._store_batch(batch, report, notify)
            engine.times.write_link += time.perf_counter() - t0

    def _store_batch(self, processed: list, report: IngestReport, notify: Callable[[str, str], None]) -> None:
        """Write one analysed batch ``[(article, analysis, vector)]`` in one transaction and link it."""
        from .analyze.entities import link_known_names, link_short_names
        from .link import LinkItem

        stored: list[Article] = []
        try:
            with self.store.transaction():
                self.store.record_config(self.config.to_json())
                for article, analysis, vector in processed:
                    # The content-hash check and the insert are one step (a unique id, INSERT OR IGNORE) inside
                    # the batch's write transaction: an article another writer stored meanwhile is a duplicate.
                    if not self.store.add_article(article):
                        report.duplicates += 1
                        self._counts(article.id).duplicates += 1
                        notify("duplicate", article.origin or article.id)
                        continue
                    stored.append(article)
                    link_short_names(analysis, self.store.person_names)
                    link_known_names(analysis, article.text, self.store.entity_types)
                    self.store.save_analysis(analysis)
                    self.store.save_embedding(article.id, vector)
                    placed = self.linker.add(
                        LinkItem(
                            article_id=article.id,
                            published=article.date,
                            embedding=vector,
                            title=article.title,
                            text=article.text,
                            source=article.source,
                            entities=[m.canonical for m in analysis.entities],
                            mentions=analysis.entities,
                            timexes=analysis.timexes,
                        )
                    )
                    self.matcher.add(article, analysis, placed.thread_id, placed.duplicate_of)
        except self.store.operational_errors as exc:
            self._linker = None  # its memory holds the rolled-back batch: reload from the store next time
            self._matcher = None
            raise StorylineError(f"{self.store.name}: cannot write the store ({exc}); nothing of this batch was stored") from exc
        except BaseException:
            self._linker = None
            self._matcher = None
            raise
        self.linker.close()  # saves the on-disk vector index; the linker stays usable
        for article in stored:
            report.ingested += 1
            self._counts(article.id).ingested += 1
            report.article_ids.append(article.id)
            notify("ingested", article.origin or article.id)

    def _counts(self, article_id: str) -> FileCounts:
        """The counts of the input an article came from (a throwaway for articles not read from an input)."""
        return self._counts_of.pop(article_id, None) or FileCounts()

    # -- reading ----------------------------------------------------------------------------
    def stories(self, limit: int | None = None) -> list[Thread]:
        """Threads, largest first."""
        return self.store.threads(limit=limit)

    def story(self, story_id: str, *, corrections: bool = True) -> dict[str, Any] | None:
        """One thread (or the thread of an event): events, articles, entities, dates, quotes and corrections."""
        from .views import story_view

        return story_view(self.store, story_id, corrections=corrections)

    def articles(self) -> Iterator[Article]:
        yield from self.store.articles()

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        return self.store.search(query, limit)
