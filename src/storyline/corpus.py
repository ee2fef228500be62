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
    from .parallel import Engine


@dataclass
class IngestReport:
    """What an ingest did: counts, and one line per input that failed."""

    ingested: int = 0
    duplicates: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

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
        #: the engine of the latest ingest (its ``times`` say where the time went)
        self.engine: Engine | None = None

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
        local_files: bool = True,
    ) -> IngestReport:
        """Read, analyse, store and link everything in ``inputs`` (paths, folders, globs, URLs).

        Articles already stored (same content id) count as duplicates and are
        skipped. Each batch is written in one transaction, so an interrupted
        ingest leaves whole batches and can simply be run again. ``on_item`` is
        called with ``(kind, detail)`` for each input item: ``kind`` is
        ``"ingested"``, ``"duplicate"`` or ``"failed"``. One ingest writes into a store at a time
        (:meth:`Store.writer`); ``on_wait`` is told when this one waits for another. With ``local_files``
        false only http(s) URLs are read (inputs that come over the API), never files of this machine.
        """
        from .ingest import read

        report = IngestReport()
        notify = on_item or (lambda kind, detail: None)
        with self.store.writer(on_wait):
            items = read(list(inputs), allow_private=allow_private, local_files=local_files)
            self._run(self._batches(items, report, notify, batch_size), report, notify)
        return report

    def _batches(
        self, items: Iterable[Any], report: IngestReport, notify: Callable[[str, str], None], batch_size: int
    ) -> Iterator[list[Article]]:
        """Batches of new articles from a stream of articles and failures (failures and duplicates counted)."""
        from .ingest import Failure

        batch: list[Article] = []
        seen: set[str] = set()
        for item in items:
            if isinstance(item, Failure):
                report.failed += 1
                report.failures.append(str(item))
                notify("failed", str(item))
                continue
            if item.id in seen or self.store.has_article(item.id):
                report.duplicates += 1
                notify("duplicate", item.origin or item.id)
                continue
            seen.add(item.id)
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
        import time

        from .analyze.dating import date_undated
        from .parallel import Engine

        dated = ([date_undated(a) for a in batch] for batch in batches)  # an estimated date (flagged in meta) where none is given
        with Engine(self.pipeline, self.config.pipeline.workers) as engine:
            self.engine = engine
            for processed in engine.run(dated):
                t0 = time.perf_counter()
                self._store_batch(processed, report, notify)
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
            report.article_ids.append(article.id)
            notify("ingested", article.origin or article.id)

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
