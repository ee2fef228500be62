"""The store's connection and dialect layer: SQLite or PostgreSQL behind one small interface.

:class:`Database` owns the connection and the few things the two servers do differently: the
placeholder style (the store's SQL is written once, with ``?``), the schema version, transactions,
the single-writer lock, the change counter that web caches poll, string aggregation and full-text
search. Everything else in ``store/`` is plain SQL that both run (``INSERT … ON CONFLICT``, quoted
``"end"``, ``NULLS FIRST``).

* :class:`SQLiteDatabase`: one file in WAL mode, ``PRAGMA user_version``, a lock file beside the store,
  FTS5 for search.
* :class:`PostgresDatabase` (``postgresql://…``, needs ``storyline[postgres]``): a ``storyline_schema``
  table, a session advisory lock (``pg_advisory_lock``), a ``tsvector`` column with a GIN index, FTS5
  queries translated by :func:`storyline.store.fts.to_tsquery`. Files derived from the store (the vector
  index, the linker's snapshot) live in a local folder (:func:`local_base`).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import sqlite3
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Iterator, Protocol, Sequence
from urllib.parse import urlsplit

from ..errors import StorylineError

#: a LIMIT that means none (SQLite takes -1, PostgreSQL only non-negative numbers or NULL)
NO_LIMIT = 2**62

#: the advisory lock key of the single writer (any fixed 64-bit number; locks are per database)
WRITER_LOCK_KEY = 0x5354_4F52_594C_494E  # "STORYLIN"


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def is_postgres_url(path: str) -> bool:
    return path.startswith(("postgresql://", "postgres://"))


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    url = re.sub(r"(://[^:/@?]*):[^@/?]*@", r"\1@", url)
    return re.sub(r"(?i)(password=)[^&]*", r"\1***", url)


class Database(ABC):
    """What the store needs of a connection; see the module docstring."""

    #: the store as it is shown in messages (a path, or a URL without its password)
    name: str
    #: the driver's errors that mean the store could not be written (locked, full, gone)
    operational_errors: tuple[type[BaseException], ...]
    #: every error of the driver
    errors: tuple[type[BaseException], ...]
    readonly: bool

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement written with ``?`` placeholders."""

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """The rows of a long query a batch at a time, never all of them in memory."""

    @abstractmethod
    def begin(self) -> None:
        """Start a write transaction."""

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    @property
    @abstractmethod
    def in_transaction(self) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- schema ---------------------------------------------------------------------------------
    @abstractmethod
    def schema_version(self) -> int:
        """How many migrations the store has applied."""

    @abstractmethod
    def apply_migration(self, number: int, script: str) -> None:
        """Run migration ``number`` and record it, in one transaction."""

    # -- the single writer ------------------------------------------------------------------------
    @abstractmethod
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[None]:
        """Hold the single-writer lock; ``on_wait`` is told once when another writer holds it."""

    # -- dialect pieces ---------------------------------------------------------------------------
    @abstractmethod
    def data_version(self) -> Hashable:
        """A value that changes whenever another connection has committed (cheap; polled by web caches)."""

    @abstractmethod
    def group_concat(self, expr: str) -> str:
        """SQL that joins the values of ``expr`` with commas (``DISTINCT x`` allowed)."""

    @abstractmethod
    def json_text(self, column: str, key: str) -> str:
        """SQL for the JSON text of the top-level ``key`` (a constant) of the JSON object in ``column``."""

    @abstractmethod
    def search(self, query: str, limit: int, marks: tuple[str, str], snippet_tokens: int) -> list[dict[str, Any]]:
        """Full-text search in FTS5 syntax: ``id, title, published, source, snippet``, best first."""

    @abstractmethod
    def integrity_check(self) -> str: ...

    @property
    @abstractmethod
    def local_base(self) -> str | None:
        """The path that files derived from the store are named after (``<base>.usearch``); ``None``: none."""


def upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of every other column: the same SQL on both servers."""
    cols = ", ".join(_quote(c) for c in columns)
    marks = ", ".join("?" * len(columns))
    rest = [c for c in columns if c not in key]
    action = "DO UPDATE SET " + ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in rest) if rest else "DO NOTHING"
    return f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT ({', '.join(key)}) {action}"


def _quote(column: str) -> str:
    return f'"{column}"' if column == "end" else column


def open_database(path: str, *, readonly: bool = False) -> Database:
    """The database at ``path``: a ``postgresql://`` URL, ``:memory:`` or a SQLite file."""
    if is_postgres_url(path):
        return PostgresDatabase(path, readonly=readonly)
    return SQLiteDatabase(path, readonly=readonly)


# -- SQLite ---------------------------------------------------------------------------------------
class SQLiteDatabase(Database):
    """A SQLite file (or ``:memory:``); other attributes are the ``sqlite3`` connection's."""

    operational_errors = (sqlite3.OperationalError,)
    errors = (sqlite3.Error,)

    def __init__(self, path: str, *, readonly: bool = False):
        self.name = self.path = path
        self.readonly = readonly
        if path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StorylineError(f"{path}: folder {parent} does not exist")
        try:
            if readonly:
                uri = f"file:{Path(path).resolve()}?mode=ro"
                self.connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.execute("PRAGMA busy_timeout = 30000")
            if not readonly:
                if path != ":memory:":
                    self._use_wal()
                self.connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StorylineError(f"{path}: not a storyline store ({exc})") from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["connection"], name)

    def _use_wal(self) -> None:
        """Switch a new store to write-ahead logging, once.

        Changing the journal mode needs the file to itself and SQLite does not wait
        for it (no busy handler), so two processes opening a new store at once take
        the writer lock for it; a store already in WAL mode needs nothing.
        """
        if self.connection.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        with self.writer_lock():
            self.connection.execute("PRAGMA journal_mode = WAL")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        yield from self.connection.execute(sql, params)  # SQLite steps through the rows as they are read

    def begin(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    @property
    def in_transaction(self) -> bool:
        return self.connection.in_transaction

    def close(self) -> None:
        self.connection.close()

    def schema_version(self) -> int:
        return int(self.connection.execute("PRAGMA user_version").fetchone()[0])

    def apply_migration(self, number: int, script: str) -> None:
        # executescript commits first; run each migration as its own transaction.
        self.connection.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    @contextmanager
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """A lock file beside the store (``<db>.lock``), held with ``flock``."""
        if self.path == ":memory:":
            yield
            return
        import fcntl

        lock_path = f"{self.path}.lock"
        try:
            handle = open(lock_path, "a+b")
        except OSError as exc:
            raise StorylineError(f"{lock_path}: cannot open the store's lock file: {exc.strerror or exc}") from exc
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait(f"{self.path}: the store is busy (another ingest is writing); waiting for it to finish")
                fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            handle.close()  # releases the lock

    def data_version(self) -> Hashable:
        return int(self.connection.execute("PRAGMA data_version").fetchone()[0])

    def group_concat(self, expr: str) -> str:
        return f"group_concat({expr})"

    def json_text(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"

    def search(self, query: str, limit: int, marks: tuple[str, str], snippet_tokens: int) -> list[dict[str, Any]]:
        try:
            rows = self.connection.execute(
                """SELECT a.id, a.title, a.published, a.source,
                          snippet(articles_fts, 1, ?, ?, '…', ?) AS snippet
                   FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
                   WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?""",
                (marks[0], marks[1], snippet_tokens, query, limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise StorylineError(f"search {query!r}: {exc}") from exc
        return [dict(r) for r in rows]

    def integrity_check(self) -> str:
        return str(self.connection.execute("PRAGMA integrity_check").fetchone()[0])

    @property
    def local_base(self) -> str | None:
        if self.path == ":memory:" or not self.path:
            return None
        return str(Path(self.path).expanduser().resolve())


# -- PostgreSQL -----------------------------------------------------------------------------------
_STREAMS = itertools.count(1)

#: characters of the text that the full-text index reads (a ``tsvector`` holds at most 1 MB)
FTS_CHARS = 100_000


@lru_cache(maxsize=1024)
def _to_format(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (and a literal ``%`` to ``%%``), outside quoted strings."""
    out = []
    for n, part in enumerate(re.split(r"('(?:[^']|'')*')", sql)):
        if n % 2:
            out.append(part.replace("%", "%%"))
        else:
            out.append(part.replace("%", "%%").replace("?", "%s"))
    return "".join(out)


class _Row(tuple):
    """A result row read by position or by column name, like ``sqlite3.Row``."""

    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[_Row]:
    return type("Row", (_Row,), {"_index": {n: i for i, n in enumerate(names)}, "__slots__": ()})


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], _Row]:
    cls = _row_class(tuple(c.name for c in cursor.description or ()))
    return lambda values: cls(values)


@lru_cache(maxsize=1)
def _text_dumper() -> type:
    """Strings as text, with NUL characters (which a PostgreSQL ``text`` cannot hold) replaced by U+FFFD.

    One character for one, so every offset into a text holds; SQLite stores the NUL itself.
    """
    from psycopg.adapt import Dumper

    class TextDumper(Dumper):
        oid = 0  # as psycopg's own: the server infers the type from the statement

        def dump(self, obj: str) -> bytes:
            return (obj.replace("\x00", "\ufffd") if "\x00" in obj else obj).encode()

    return TextDumper


def local_base(url: str) -> str:
    """Where a PostgreSQL store's derived files live on this machine.

    ``$STORYLINE_INDEX_DIR`` (default ``$XDG_CACHE_HOME/storyline``, else ``~/.cache/storyline``), in a
    file named after the server, the database and a hash of the URL without its password: every machine
    that writes into the store keeps its own copy, checked against the store when it is opened.
    """
    folder = os.environ.get("STORYLINE_INDEX_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "storyline"
    )
    parts = urlsplit(url)
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", (parts.hostname or "local"))[:40]
    database = re.sub(r"[^A-Za-z0-9.-]+", "_", parts.path.strip("/") or "postgres")[:60]
    digest = hashlib.sha256(shown_url(url).encode()).hexdigest()[:12]
    return os.path.join(folder, f"pg-{host}-{database}-{digest}")


class PostgresDatabase(Database):
    """A PostgreSQL database (``postgresql://user@host/db``); one connection, in autocommit between transactions."""


    def __init__(self, url: str, *, readonly: bool = False):
        self.url = url
        self.name = shown_url(url)
        self.readonly = readonly
        try:
            import numpy as np
            import psycopg
            from psycopg.types.numeric import FloatDumper, Int8Dumper
        except ImportError as exc:
            raise StorylineError(
                f"{self.name}: a PostgreSQL store needs psycopg: pip install 'storyline[postgres]' ({exc})"
            ) from exc
        self._psycopg = psycopg
        self._dumpers = ((np.float32, FloatDumper), (np.float64, FloatDumper), (np.float16, FloatDumper)) + tuple(
            (whole, Int8Dumper) for whole in (np.int64, np.int32, np.uint64, np.uint32, np.int16)
        )
        self.operational_errors = (psycopg.OperationalError,)
        self.errors = (psycopg.Error,)
        self.connection = self._connect()

    def _connect(self) -> Any:
        try:
            connection = self._psycopg.connect(self.url, autocommit=True, row_factory=_row_factory)
        except self._psycopg.Error as exc:
            raise StorylineError(f"{self.name}: cannot connect to PostgreSQL: {str(exc).strip()}") from exc
        for kind, dumper in self._dumpers:  # numbers from numpy go in as numbers
            connection.adapters.register_dumper(kind, dumper)
        connection.adapters.register_dumper(str, _text_dumper())
        connection.execute("SET client_min_messages = warning")  # no NOTICE for an all-stop-words query
        if self.readonly:
            connection.execute("SET default_transaction_read_only = on")
        return connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        try:
            return self.connection.execute(_to_format(sql), tuple(params))
        except self._psycopg.errors.DataError as exc:
            raise StorylineError(f"{self.name}: {str(exc).strip()}") from exc
        except self._psycopg.OperationalError:
            # A reader whose connection was lost (a restarted server) reconnects and asks again; a writer
            # does not: its transaction and its lock went with the connection.
            if not (self.readonly and self.connection.broken):
                raise
            self.connection = self._connect()
            return self.connection.execute(_to_format(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.connection.cursor() as cur:
                cur.executemany(_to_format(sql), rows)

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        # A server-side cursor (it lives in a transaction, a savepoint inside the writer's batch): psycopg's
        # ordinary cursor would fetch every row first.
        with self.connection.transaction():
            with self.connection.cursor(name=f"storyline_stream_{next(_STREAMS)}") as cur:
                cur.itersize = 1000
                cur.execute(_to_format(sql), tuple(params))
                yield from cur

    def begin(self) -> None:
        self.connection.execute("BEGIN")

    @property
    def in_transaction(self) -> bool:
        return self.connection.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.connection.close()

    # -- schema ---------------------------------------------------------------------------------
    def schema_version(self) -> int:
        row = self.connection.execute("SELECT to_regclass('storyline_schema') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return 0
        found = self.connection.execute("SELECT version FROM storyline_schema").fetchone()
        return int(found[0]) if found else 0

    def apply_migration(self, number: int, script: str) -> None:
        from .schema import for_postgres

        with self.connection.transaction():
            self.connection.execute("CREATE TABLE IF NOT EXISTS storyline_schema (version INTEGER NOT NULL)")
            self.connection.execute(for_postgres(number, script).encode())
            self.connection.execute("DELETE FROM storyline_schema")
            self.connection.execute("INSERT INTO storyline_schema (version) VALUES (%s)", (number,))

    # -- the single writer ------------------------------------------------------------------------
    @contextmanager
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """A session advisory lock: held while this connection lives, released at the end (or if it drops)."""
        got = self.connection.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK_KEY,)).fetchone()
        if not (got and got[0]):
            if on_wait is not None:
                on_wait(f"{self.name}: the store is busy (another ingest is writing); waiting for it to finish")
            self.connection.execute("SELECT pg_advisory_lock(%s)", (WRITER_LOCK_KEY,))
        try:
            yield
        finally:
            try:
                if self.in_transaction:
                    self.connection.execute("ROLLBACK")
                self.connection.execute("SELECT pg_advisory_unlock(%s)", (WRITER_LOCK_KEY,))
            except self._psycopg.OperationalError:
                pass  # the connection is gone, and the lock with it

    # -- dialect pieces ---------------------------------------------------------------------------
    def data_version(self) -> Hashable:
        # The server's transaction snapshot (its horizon and the transactions in flight) moves whenever a
        # writing transaction starts or ends anywhere on the server: never missing a commit, one cheap query.
        row = self.connection.execute("SELECT pg_current_snapshot()::text").fetchone()
        return str(row[0]) if row else ""

    def group_concat(self, expr: str) -> str:
        return f"string_agg({expr}, ',')"

    def json_text(self, column: str, key: str) -> str:
        return f"(({column})::json) ->> '{key}'"

    def search(self, query: str, limit: int, marks: tuple[str, str], snippet_tokens: int) -> list[dict[str, Any]]:
        from .fts import to_tsquery

        tsquery = to_tsquery(query)
        options = f"StartSel=\x02, StopSel=\x03, MaxWords={max(2, snippet_tokens)}, MinWords={max(1, snippet_tokens // 2)}"
        try:
            # Snippets are cut for the best ``limit`` only: ts_headline parses the text again.
            rows = self.execute(
                f"""SELECT h.id, h.title, h.published, h.source,
                           ts_headline('storyline', left(h.text, {FTS_CHARS}), h.q, ?) AS snippet
                    FROM (SELECT a.id, a.title, a.published, a.source, a.text, a.rowid, q, ts_rank_cd(a.fts, q) AS rank
                          FROM articles a, to_tsquery('storyline', ?) q
                          WHERE a.fts @@ q ORDER BY rank DESC, a.rowid LIMIT ?) h
                    ORDER BY h.rank DESC, h.rowid""",
                (options, tsquery, limit),
            ).fetchall()
        except (self._psycopg.errors.SyntaxError, self._psycopg.errors.DataError, StorylineError) as exc:
            raise StorylineError(f"search {query!r}: {exc}") from exc
        out = []
        for r in rows:
            hit = dict(r)
            hit["snippet"] = "…" + str(hit["snippet"]).replace("\x02", marks[0]).replace("\x03", marks[1]) + "…"
            out.append(hit)
        return out

    def integrity_check(self) -> str:
        # The server keeps its own files consistent; what can be checked here is that the schema is whole.
        row = self.connection.execute("SELECT count(*) FROM pg_tables WHERE tablename IN ('articles', 'assignments')").fetchone()
        return "ok" if row and int(row[0]) == 2 else "tables missing"

    @property
    def local_base(self) -> str | None:
        base = local_base(self.url)
        try:
            os.makedirs(os.path.dirname(base), exist_ok=True)
        except OSError as exc:
            raise StorylineError(
                f"{os.path.dirname(base)}: cannot create the folder of the store's vector index ({exc.strerror or exc}); "
                "set STORYLINE_INDEX_DIR"
            ) from exc
        return base
