"""The Python API: a corpus of articles in one store, ingested, analysed and linked.

>>> import storyline
>>> corpus = storyline.open("news.db")
>>> report = corpus.ingest(["articles/", "https://example.org/feed.xml"])
>>> for thread in corpus.stories():
...     print(thread.id, thread.title, thread.article_count)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from .config import StorylineConfig
from .model import Article, Thread
from .store import Store


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
            config = StorylineConfig.from_json(recorded, f"{self.store.path}: recorded configuration") if recorded else StorylineConfig()
        #: the settings of the analysis, the linker and the explanations (recorded in the store at the first write)
        self.config = config
        self._pipeline = None
        self._linker = None

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
    ) -> IngestReport:
        """Read, analyse, store and link everything in ``inputs`` (paths, folders, globs, URLs).

        Articles already stored (same content id) count as duplicates and are
        skipped. Each batch is written in one transaction, so an interrupted
        ingest leaves whole batches and can simply be run again. ``on_item`` is
        called with ``(kind, detail)`` for each input item: ``kind`` is
        ``"ingested"``, ``"duplicate"`` or ``"failed"``.
        """
        from .ingest import Failure, read

        report = IngestReport()
        notify = on_item or (lambda kind, detail: None)
        batch: list[Article] = []
        seen: set[str] = set()
        for item in read(list(inputs), allow_private=allow_private):
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
                self._store_batch(batch, report, notify)
                batch = []
        if batch:
            self._store_batch(batch, report, notify)
        return report

    def add(self, articles: Iterable[Article]) -> IngestReport:
        """Store, analyse and link articles made in Python (not read from a source)."""
        report = IngestReport()
        unique: dict[str, Article] = {}
        for article in articles:
            if article.id in unique or self.store.has_article(article.id):
                report.duplicates += 1
            else:
                unique[article.id] = article
        if unique:
            self._store_batch(list(unique.values()), report, lambda kind, detail: None)
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

    def _store_batch(self, batch: list[Article], report: IngestReport, notify: Callable[[str, str], None]) -> None:
        from .analyze.entities import link_short_names
        from .embed import article_text_for_embedding, embed
        from .link import LinkItem

        from .analyze.dating import date_undated

        batch = [date_undated(a) for a in batch]  # an estimated date (flagged in meta) for articles without one
        batch = sorted(batch, key=lambda a: a.published or "")  # date order within the batch; stable
        analyses = [analysis for _, analysis in self.pipeline.pipe(batch)]
        vectors = embed([article_text_for_embedding(a.title, a.text) for a in batch])
        try:
            with self.store.transaction():
                self.store.record_config(self.config.to_json())
                for article, analysis, vector in zip(batch, analyses, vectors):
                    self.store.add_article(article)
                    link_short_names(analysis, self.store.person_names)
                    self.store.save_analysis(analysis)
                    self.store.save_embedding(article.id, vector)
                    self.linker.add(
                        LinkItem(
                            article_id=article.id,
                            published=article.date,
                            embedding=vector,
                            title=article.title,
                            text=article.text,
                            source=article.source,
                            entities=[m.canonical for m in analysis.entities],
                        )
                    )
        except BaseException:
            self._linker = None  # its memory holds the rolled-back batch: reload from the store next time
            raise
        self.linker.close()  # saves the on-disk vector index; the linker stays usable
        for article in batch:
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
