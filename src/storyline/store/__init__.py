"""The store: SQLite (one file, WAL, FTS5) or PostgreSQL, one versioned schema, one set of SQL.

Articles are keyed by their content id (:func:`storyline.model.content_id`), so
storing the same article twice is a no-op. Writers group their work in
:meth:`Store.transaction`; a batch is stored whole or not at all. The connection
and what the two servers do differently live in :mod:`storyline.store.db`.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np

from ..errors import StorylineError
from ..model import Analysis, Article, Event, Thread, TimeExpression, analysis_from_dict, entity_id, timex_from_dict, to_dict
from .claims import ClaimStore
from .db import NO_LIMIT, Database, open_database, upsert
from .exports import ExportReads
from .follow import FollowStore
from .reads import ReadModels
from .schema import MIGRATIONS

DEFAULT_DB = "storyline.db"


def default_path() -> str:
    """The store: ``$STORYLINE_DB`` (a file or a ``postgresql://`` URL) or ``./storyline.db``."""
    return os.environ.get("STORYLINE_DB") or DEFAULT_DB


class Store(ReadModels, ExportReads, FollowStore, ClaimStore):
    """A storyline store: a SQLite file (``":memory:"`` for a throwaway one) or a ``postgresql://`` URL."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, readonly: bool = False):
        self.path = str(path if path is not None else default_path())
        self.db: Database = open_database(self.path, readonly=readonly)
        #: the store as messages show it (a PostgreSQL URL without its password)
        self.name = self.db.name
        try:
            if not readonly:
                self._migrate()
        except self.db.errors as exc:
            self.db.close()
            raise StorylineError(f"{self.name}: cannot use it as a storyline store ({str(exc).strip()})") from exc
        except BaseException:
            self.db.close()
            raise
        self._lock = threading.RLock()
        self._depth = 0

    # -- schema -----------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return self.db.schema_version()

    @property
    def operational_errors(self) -> tuple[type[BaseException], ...]:
        """The driver's errors that mean the store could not be written (locked, full, gone)."""
        return self.db.operational_errors

    @property
    def local_base(self) -> str | None:
        """What files derived from the store on this machine are named after (``None``: keep none)."""
        return self.db.local_base

    def _migrate(self) -> None:
        if len(MIGRATIONS) <= self.version:
            self._migrate_locked()
            return
        with self.writer():  # two processes opening a new store at once migrate it once
            self._migrate_locked()

    def _migrate_locked(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StorylineError(
                f"{self.name}: schema version {current} is newer than this storyline ({len(MIGRATIONS)}); upgrade storyline"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            self.db.apply_migration(number, script)

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All writes inside are committed together, or rolled back on error. Nests."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self.db.begin()
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:  # SQLite may have rolled back already (a full disk)
                    self.db.rollback()
                raise
            self._depth -= 1
            if outer:
                self.db.commit()

    @contextmanager
    def writer(self, on_wait: Callable[[str], None] | None = None) -> Iterator["Store"]:
        """Hold the store's single-writer lock for a whole ingest.

        SQLite: a lock file beside the store; PostgreSQL: a session advisory lock. One ingest writes at a
        time; a second one waits for the first, calling ``on_wait`` once with a message that says so, and
        then finds what the first stored as duplicates. Readers never wait.
        """
        with self.db.writer_lock(on_wait):
            yield self

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> str:
        return self.db.integrity_check()

    # -- configuration ------------------------------------------------------------------------
    def recorded_config(self) -> str | None:
        """The configuration (JSON) that last wrote into the store, or ``None``."""
        row = self.db.execute("SELECT config FROM config_history ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def record_config(self, config_json: str) -> bool:
        """Record the configuration that writes into the store; ``False`` when it is already the latest."""
        if self.recorded_config() == config_json:
            return False
        with self.transaction():
            self.db.execute(
                "INSERT INTO config_history (recorded_at, config) VALUES (?, ?)",
                (datetime.now(timezone.utc).isoformat(timespec="seconds"), config_json),
            )
        return True

    def config_history(self) -> list[tuple[str, str]]:
        """``(recorded_at, config JSON)`` of every configuration that wrote into the store, oldest first."""
        return [(str(a), str(c)) for a, c in self.db.execute("SELECT recorded_at, config FROM config_history ORDER BY seq")]

    # -- ingest jobs ---------------------------------------------------------------------------
    def create_job(self, job_id: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO jobs(id, status, created_at) VALUES (?, 'queued', ?)",
                (job_id, datetime.now(timezone.utc).isoformat(timespec="seconds")),
            )

    def update_job(self, job_id: str, status: str, report: dict[str, Any] | None = None, error: str | None = None) -> None:
        """Set a job's status (``queued``, ``running``, ``done``, ``failed``) and, when it ends, its report or error."""
        finished = datetime.now(timezone.utc).isoformat(timespec="seconds") if status in ("done", "failed") else None
        with self.transaction():
            self.db.execute(
                "UPDATE jobs SET status = ?, finished_at = ?, report = ?, error = ? WHERE id = ?",
                (status, finished, None if report is None else json.dumps(report, ensure_ascii=False), error, job_id),
            )

    def job(self, job_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["report"] = json.loads(out["report"]) if out["report"] else None
        return out

    # -- articles ---------------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article) -> bool:
        """Store an article; ``False`` when an article with the same content id is already stored."""
        cur = self.db.execute(
            """INSERT INTO articles
               (id, title, text, published, url, source, author, language, origin, meta, ingested_at,
                authors, modified, section)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
            (
                article.id,
                article.title,
                article.text,
                article.published,
                article.url,
                article.source,
                article.author,
                article.language,
                article.origin,
                json.dumps(article.meta, ensure_ascii=False),
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                json.dumps(article.authors, ensure_ascii=False),
                article.modified,
                article.section,
            ),
        )
        return cur.rowcount == 1

    @staticmethod
    def _article(row: Any) -> Article:
        return Article(
            id=row["id"],
            title=row["title"],
            text=row["text"],
            published=row["published"],
            url=row["url"],
            source=row["source"],
            author=row["author"],
            language=row["language"],
            origin=row["origin"],
            meta=json.loads(row["meta"] or "{}"),
            authors=json.loads(row["authors"] or "[]") if "authors" in row.keys() else [],
            modified=row["modified"] if "modified" in row.keys() else None,
            section=row["section"] if "section" in row.keys() else None,
        )

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Articles by id (in date order), or all of them."""
        if ids is None:
            rows = self.db.execute("SELECT * FROM articles ORDER BY published NULLS FIRST, rowid").fetchall()
        else:
            ids = list(ids)
            rows = []
            for lo in range(0, len(ids), 500):
                chunk = ids[lo : lo + 500]
                rows += self.db.execute(
                    f"SELECT * FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            rows.sort(key=lambda r: (r["published"] or "", r["rowid"]))
        return [self._article(r) for r in rows]

    def count_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(
        self, query: str, limit: int = 20, *, marks: tuple[str, str] = ("[", "]"), snippet_tokens: int = 12
    ) -> list[dict[str, Any]]:
        """Full-text search over titles and texts (FTS5 syntax, translated for PostgreSQL), best first.

        ``marks`` wrap the hits in snippets."""
        return self.db.search(query, limit, marks, snippet_tokens)

    # -- analyses ---------------------------------------------------------------------------
    def save_analysis(self, analysis: Analysis) -> None:
        """Store one article's annotations, with its entities and quotes indexed for look-ups."""
        aid = analysis.article_id
        with self.transaction():
            self.db.execute(
                upsert("analyses", ("article_id", "data"), ("article_id",)), (aid, json.dumps(to_dict(analysis), ensure_ascii=False))
            )
            self.db.execute("DELETE FROM mentions WHERE article_id = ?", (aid,))
            self.db.execute("DELETE FROM quotes WHERE article_id = ?", (aid,))
            ids = [entity_id(m.canonical, m.label) for m in analysis.entities]
            self.db.executemany(
                "INSERT INTO entities(id, name, type) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                list({eid: (eid, m.canonical, m.label) for eid, m in zip(ids, analysis.entities)}.values()),
            )
            words = {(w, m.canonical) for m in analysis.entities if m.label == "PERSON" and " " in m.canonical
                     for w in (m.canonical.split()[0], m.canonical.split()[-1])}
            self.db.executemany("INSERT INTO name_words(word, name) VALUES (?, ?) ON CONFLICT DO NOTHING", sorted(words))
            self.db.executemany(
                'INSERT INTO mentions(article_id, entity_id, start, "end", text) VALUES (?, ?, ?, ?, ?)',
                [(aid, eid, m.span[0], m.span[1], m.text) for eid, m in zip(ids, analysis.entities)],
            )
            self.db.executemany(
                """INSERT INTO quotes(article_id, start, "end", kind, speaker, entity_id, channel, text)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (aid, q.content[0], q.content[1], q.kind, q.speaker, entity_id(q.speaker, "PERSON") if q.speaker else None, q.channel, q.text)
                    for q in analysis.quotes
                ],
            )

    def person_names(self, word: str) -> list[str]:
        """Stored multi-word person names that begin or end with ``word`` ("Putin" → "Vladimir Putin")."""
        rows = self.db.execute("SELECT name FROM name_words WHERE word = ? ORDER BY name LIMIT 5", (word,)).fetchall()
        return [r[0] for r in rows]

    def entity_types(self, names: Iterable[str]) -> dict[str, str]:
        """The stored type of each of ``names`` that is the canonical name of an entity (by
        :func:`~storyline.analyze.entities.preferred_type` when a name has several)."""
        from ..analyze.entities import preferred_type

        wanted = sorted(set(names))
        found: dict[str, list[str]] = {}
        for lo in range(0, len(wanted), 500):
            part = wanted[lo : lo + 500]
            marks = ",".join("?" * len(part))
            for name, type_ in self.db.execute(f"SELECT name, type FROM entities WHERE name IN ({marks})", part).fetchall():
                found.setdefault(name, []).append(type_)
        return {name: preferred_type(types) for name, types in found.items()}

    def analysis(self, article_id: str) -> Analysis | None:
        row = self.db.execute("SELECT data FROM analyses WHERE article_id = ?", (article_id,)).fetchone()
        return analysis_from_dict(json.loads(row[0])) if row else None

    def _analysis_parts(self, article_ids: Iterable[str], expr: str) -> Iterator[tuple[str, Any]]:
        """``(article_id, expr)`` of the stored analyses of some articles (one query per 500, not one per article)."""
        ids = list(dict.fromkeys(article_ids))
        for lo in range(0, len(ids), 500):
            chunk = ids[lo : lo + 500]
            yield from self.db.execute(f"SELECT article_id, {expr} FROM analyses WHERE article_id IN ({','.join('?' * len(chunk))})", chunk)

    def analyses(self, article_ids: Iterable[str]) -> dict[str, Analysis]:
        """The stored analyses of some articles, by id."""
        return {aid: analysis_from_dict(json.loads(data)) for aid, data in self._analysis_parts(article_ids, "data")}

    def timexes(self, article_ids: Iterable[str]) -> dict[str, list[TimeExpression]]:
        """The stored time expressions of some articles, by id: read out of their analyses by the database,
        without decoding the rest (a story view needs only these of every article)."""
        return {
            aid: [timex_from_dict(t) for t in json.loads(found or "[]")]
            for aid, found in self._analysis_parts(article_ids, self.db.json_text("data", "timexes"))
        }

    def entities(self, article_ids: Iterable[str] | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Entities with their mention and article counts, most mentioned first."""
        where, args = "", []
        if article_ids is not None:
            ids = list(article_ids)
            where = f"WHERE m.article_id IN ({','.join('?' * len(ids))})"
            args = ids
        rows = self.db.execute(
            f"""SELECT e.id, e.name, e.type, count(*) AS mentions, count(DISTINCT m.article_id) AS articles
                FROM mentions m JOIN entities e ON e.id = m.entity_id {where}
                GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.name LIMIT ?""",
            [*args, limit],
        ).fetchall()
        return [dict(r) for r in rows]

    def quotes(
        self, article_ids: Iterable[str] | None = None, speaker_id: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Stored quotes, optionally of some articles or of one speaker, in date order."""
        clauses, args = [], []
        if article_ids is not None:
            ids = list(article_ids)
            clauses.append(f"q.article_id IN ({','.join('?' * len(ids))})")
            args += ids
        if speaker_id is not None:
            clauses.append("q.entity_id = ?")
            args.append(speaker_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            f"""SELECT q.*, a.published, a.title AS article_title FROM quotes q
                JOIN articles a ON a.id = q.article_id {where}
                ORDER BY a.published NULLS FIRST, q.article_id, q.start LIMIT ?""",
            [*args, NO_LIMIT if limit is None else limit],
        ).fetchall()
        return [dict(r) for r in rows]

    # -- embeddings -------------------------------------------------------------------------
    def save_embedding(self, article_id: str, vector: np.ndarray) -> None:
        self.db.execute(
            upsert("embeddings", ("article_id", "vector"), ("article_id",)),
            (article_id, np.asarray(vector, dtype=np.float32).tobytes()),
        )

    def embedding(self, article_id: str) -> np.ndarray | None:
        row = self.db.execute("SELECT vector FROM embeddings WHERE article_id = ?", (article_id,)).fetchone()
        return np.frombuffer(bytes(row[0]), dtype=np.float32) if row else None

    # -- stories ----------------------------------------------------------------------------
    def next_seq(self) -> int:
        """The arrival number of the next assigned article."""
        return int(self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM assignments").fetchone()[0])

    def create_thread(self, thread_id: str, title: str, seq: int) -> None:
        self.db.execute("INSERT INTO threads(id, title, created_seq) VALUES (?, ?, ?)", (thread_id, title, seq))

    def create_event(self, event_id: str, thread_id: str, title: str, seq: int) -> None:
        self.db.execute(
            "INSERT INTO events(id, thread_id, title, created_seq) VALUES (?, ?, ?, ?)",
            (event_id, thread_id, title, seq),
        )

    def assign(
        self,
        article_id: str,
        seq: int,
        event_id: str,
        thread_id: str,
        duplicate_of: str | None = None,
        score: float | None = None,
    ) -> None:
        self.db.execute(
            upsert("assignments", ("article_id", "seq", "event_id", "thread_id", "duplicate_of", "score"), ("article_id",)),
            (article_id, seq, event_id, thread_id, duplicate_of, None if score is None else float(score)),
        )

    def assignment(self, article_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM assignments WHERE article_id = ?", (article_id,)).fetchone()
        return dict(row) if row else None

    def assignments(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The assignments of some articles, by id (one query per 500)."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, dict[str, Any]] = {}
        for lo in range(0, len(ids), 500):
            chunk = ids[lo : lo + 500]
            for row in self.db.execute(f"SELECT * FROM assignments WHERE article_id IN ({','.join('?' * len(chunk))})", chunk):
                out[row["article_id"]] = dict(row)
        return out

    def record_merge(self, old_id: str, new_id: str, kind: str, seq: int) -> None:
        self.db.execute(upsert("merges", ("old_id", "new_id", "kind", "seq"), ("old_id",)), (old_id, new_id, kind, seq))

    def resolve(self, story_id: str) -> str:
        """Follow recorded merges so that an old event or thread id still finds its story."""
        seen = {story_id}
        while True:
            row = self.db.execute("SELECT new_id FROM merges WHERE old_id = ?", (story_id,)).fetchone()
            if row is None or row[0] in seen:
                return story_id
            story_id = row[0]
            seen.add(story_id)

    _THREAD_SQL = """
        SELECT t.id, t.title,
               min(a.published) AS first_date, max(a.published) AS last_date,
               count(DISTINCT s.event_id) AS event_count, count(*) AS article_count,
               count(DISTINCT CASE WHEN s.duplicate_of IS NULL THEN coalesce(a.source, a.id) END) AS source_count,
               {sources} AS sources
        FROM threads t JOIN assignments s ON s.thread_id = t.id JOIN articles a ON a.id = s.article_id
    """

    def _thread_sql(self) -> str:
        return self._THREAD_SQL.format(sources=self.db.group_concat("DISTINCT a.source"))

    @staticmethod
    def _thread(row: Any) -> Thread:
        return Thread(
            id=row["id"],
            title=row["title"],
            first_date=(row["first_date"] or None) and row["first_date"][:10],
            last_date=(row["last_date"] or None) and row["last_date"][:10],
            event_count=row["event_count"],
            article_count=row["article_count"],
            source_count=row["source_count"],
            sources=sorted(s for s in (row["sources"] or "").split(",") if s),
        )

    def threads(self, limit: int | None = None, min_articles: int = 1) -> list[Thread]:
        """Threads, largest first."""
        rows = self.db.execute(
            self._thread_sql()
            + " GROUP BY t.id HAVING count(*) >= ? ORDER BY article_count DESC, last_date DESC NULLS LAST, t.id LIMIT ?",
            (min_articles, NO_LIMIT if limit is None else limit),
        ).fetchall()
        return [self._thread(r) for r in rows]

    def thread(self, thread_id: str) -> Thread | None:
        thread_id = self.resolve(thread_id)
        row = self.db.execute(self._thread_sql() + " WHERE t.id = ? GROUP BY t.id", (thread_id,)).fetchone()
        return self._thread(row) if row else None

    def events(self, thread_id: str) -> list[Event]:
        rows = self.db.execute(
            """SELECT e.id, e.thread_id, e.title, min(a.published) AS first_date, max(a.published) AS last_date,
                      count(*) AS article_count,
                      count(DISTINCT CASE WHEN s.duplicate_of IS NULL THEN coalesce(a.source, a.id) END) AS source_count
               FROM events e JOIN assignments s ON s.event_id = e.id JOIN articles a ON a.id = s.article_id
               WHERE e.thread_id = ? GROUP BY e.id ORDER BY first_date NULLS FIRST, e.created_seq""",
            (self.resolve(thread_id),),
        ).fetchall()
        return [
            Event(
                id=r["id"],
                thread_id=r["thread_id"],
                title=r["title"],
                first_date=r["first_date"] and r["first_date"][:10],
                last_date=r["last_date"] and r["last_date"][:10],
                article_count=r["article_count"],
                source_count=r["source_count"],
            )
            for r in rows
        ]

    def article_events(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The event each of these articles is assigned to (merges followed); articles without one are left out."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = self.db.execute(
                f"SELECT article_id, event_id FROM assignments WHERE article_id IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            out.update((r[0], self.resolve(r[1])) for r in rows if r[1])
        return out

    def story_article_ids(self, story_id: str) -> list[str]:
        """Ids of the articles of a thread or an event, in date order."""
        story_id = self.resolve(story_id)
        rows = self.db.execute(
            """SELECT s.article_id FROM assignments s JOIN articles a ON a.id = s.article_id
               WHERE s.thread_id = ? OR s.event_id = ? ORDER BY a.published NULLS FIRST, s.seq""",
            (story_id, story_id),
        ).fetchall()
        return [r[0] for r in rows]

    # -- linking state --
    def save_link_features(
        self, article_id: str, seq: int, day: int | None, terms: list[str], vector: Mapping[str, Mapping[str, float]], minhash: bytes | None
    ) -> None:
        """Keep what the linker computed for one article, so that its state can be rebuilt from the store."""
        self.db.execute(
            upsert("link_features", ("article_id", "seq", "day", "terms", "vector", "minhash"), ("article_id",)),
            (article_id, seq, day, json.dumps(terms, ensure_ascii=False), json.dumps(vector, ensure_ascii=False), minhash),
        )

    def link_minhash(self, article_id: str) -> bytes | None:
        row = self.db.execute("SELECT minhash FROM link_features WHERE article_id = ?", (article_id,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def link_history(self, after_seq: int = 0) -> Iterator[dict[str, Any]]:
        """Assigned articles in arrival order with their embedding and link features (streamed)."""
        cur = self.db.stream(
            """SELECT s.seq, s.article_id, s.event_id, s.thread_id, s.duplicate_of, e.vector,
                      f.day, f.terms, f.vector AS weights
               FROM assignments s LEFT JOIN embeddings e ON e.article_id = s.article_id
               LEFT JOIN link_features f ON f.article_id = s.article_id
               WHERE s.seq > ? ORDER BY s.seq""",
            (after_seq,),
        )
        for row in cur:
            yield {
                "seq": row["seq"],
                "article_id": row["article_id"],
                "event_id": row["event_id"],
                "thread_id": row["thread_id"],
                "duplicate_of": row["duplicate_of"],
                "vector": None if row["vector"] is None else np.frombuffer(bytes(row["vector"]), dtype=np.float32),
                "day": row["day"],
                "terms": json.loads(row["terms"]) if row["terms"] else [],
                "weights": json.loads(row["weights"]) if row["weights"] else {},
            }

    def link_seq_article(self, seq: int) -> str | None:
        """The article assigned at arrival number ``seq``."""
        row = self.db.execute("SELECT article_id FROM assignments WHERE seq = ?", (seq,)).fetchone()
        return row[0] if row else None

    def link_count(self, upto_seq: int | None = None) -> int:
        """How many articles are assigned (up to an arrival number)."""
        if upto_seq is None:
            return int(self.db.execute("SELECT count(*) FROM assignments").fetchone()[0])
        return int(self.db.execute("SELECT count(*) FROM assignments WHERE seq <= ?", (upto_seq,)).fetchone()[0])

    def link_merges_after(self, seq: int) -> int:
        """How many merges were recorded after arrival number ``seq``."""
        return int(self.db.execute("SELECT count(*) FROM merges WHERE seq > ?", (seq,)).fetchone()[0])

    def relate_threads(self, thread_id: str, other_id: str, score: float, shared: Mapping[str, list[str]], seq: int) -> None:
        """Record two threads as related stories (one row per pair; the higher score and its shared keys stay)."""
        a, b = sorted((thread_id, other_id))
        self.db.execute(
            """INSERT INTO related_threads(thread_a, thread_b, score, shared, seq) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(thread_a, thread_b) DO UPDATE SET score = excluded.score, shared = excluded.shared,
               seq = excluded.seq WHERE excluded.score > related_threads.score""",
            (a, b, round(score, 4), json.dumps(dict(shared), ensure_ascii=False), seq),
        )

    def merge_threads(self, old_id: str, new_id: str, seq: int) -> None:
        """Fold thread ``old_id`` into ``new_id``: its events and articles move, the merge is recorded."""
        self.db.execute("UPDATE events SET thread_id = ? WHERE thread_id = ?", (new_id, old_id))
        self.db.execute("UPDATE assignments SET thread_id = ? WHERE thread_id = ?", (new_id, old_id))
        self.record_merge(old_id, new_id, "thread", seq)
