"""Exports: the store's articles, stories, events, quotes, entities, timelines and corrections as flat,
typed rows, written as JSON lines, CSV or Parquet.

Every table has fixed, documented columns (:data:`COLUMNS`, see ``docs/formats.md``);
spans are two integer columns (``start``, ``end``; Python ``str`` offsets into the
article text). :func:`rows` yields the rows; :func:`write` writes them to a file;
:func:`iter_ndjson` and :func:`iter_csv` stream them for the REST API.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
ColumnType = Literal["string", "int", "float", "bool"]

#: the columns of each table, in order, with their types
COLUMNS: dict[str, list[tuple[str, ColumnType]]] = {
    "articles": [
        ("id", "string"), ("title", "string"), ("published", "string"), ("published_estimated", "bool"),
        ("published_confidence", "float"), ("url", "string"), ("source", "string"), ("author", "string"),
        ("language", "string"), ("origin", "string"), ("ingested_at", "string"), ("thread_id", "string"),
        ("event_id", "string"), ("duplicate_of", "string"), ("text", "string"),
    ],
    "stories": [
        ("id", "string"), ("title", "string"), ("first_date", "string"), ("last_date", "string"),
        ("event_count", "int"), ("article_count", "int"), ("source_count", "int"), ("sources", "string"),
    ],
    "events": [
        ("id", "string"), ("thread_id", "string"), ("title", "string"), ("first_date", "string"),
        ("last_date", "string"), ("article_count", "int"), ("source_count", "int"),
    ],
    "quotes": [
        ("article_id", "string"), ("start", "int"), ("end", "int"), ("kind", "string"), ("speaker", "string"),
        ("speaker_id", "string"), ("channel", "string"), ("text", "string"), ("published", "string"),
    ],
    "entities": [
        ("entity_id", "string"), ("name", "string"), ("type", "string"), ("article_id", "string"),
        ("start", "int"), ("end", "int"), ("text", "string"),
    ],
    "timeline": [("thread_id", "string"), ("date", "string"), ("rank", "int"), ("sentence", "string")],
    "corrections": [
        ("thread_id", "string"), ("label", "string"), ("score", "float"), ("cue", "string"), ("reason", "string"),
        ("earlier_article_id", "string"), ("earlier_start", "int"), ("earlier_end", "int"),
        ("earlier_text", "string"), ("earlier_published", "string"),
        ("later_article_id", "string"), ("later_start", "int"), ("later_end", "int"),
        ("later_text", "string"), ("later_published", "string"),
    ],
}
TABLES: tuple[str, ...] = tuple(COLUMNS)


class ExportError(ValueError):
    """A table, format or story that cannot be exported (the message names it)."""


def _thread_ids(store: "Store", story_id: str | None) -> list[str]:
    if story_id is None:
        return [t.id for t in store.threads()]
    thread = store.thread(story_id)
    if thread is not None:
        return [thread.id]
    parent = store.event_thread(store.resolve(story_id))
    return [parent] if parent else []


def check_story(store: "Store", story_id: str | None) -> None:
    """Raise :class:`ExportError` when ``story_id`` is given and names no thread or event."""
    if story_id is not None and not _thread_ids(store, story_id):
        raise ExportError(f"story {story_id!r}: no such thread or event")


def _articles(store: "Store", story_id: str | None) -> Iterator[dict[str, Any]]:
    yield from store.export_articles(story_id)


def _stories(store: "Store", story_id: str | None) -> Iterator[dict[str, Any]]:
    for tid in _thread_ids(store, story_id):
        t = store.thread(tid)
        if t is not None:
            yield {
                "id": t.id, "title": t.title, "first_date": t.first_date, "last_date": t.last_date,
                "event_count": t.event_count, "article_count": t.article_count, "source_count": t.source_count,
                "sources": "; ".join(t.sources),
            }


def _events(store: "Store", story_id: str | None) -> Iterator[dict[str, Any]]:
    only = store.resolve(story_id) if story_id else None
    for tid in _thread_ids(store, story_id):
        for e in store.events(tid):
            if only is None or only in (tid, e.id):
                yield {
                    "id": e.id, "thread_id": e.thread_id, "title": e.title, "first_date": e.first_date,
                    "last_date": e.last_date, "article_count": e.article_count, "source_count": e.source_count,
                }


def _quotes(store: "Store", story_id: str | None) -> Iterator[dict[str, Any]]:
    ids = store.story_article_ids(story_id) if story_id else None
    for q in store.quotes(ids):
        yield {
            "article_id": q["article_id"], "start": q["start"], "end": q["end"], "kind": q["kind"],
            "speaker": q["speaker"], "speaker_id": q["entity_id"], "channel": q["channel"], "text": q["text"],
            "published": (q["published"] or None) and q["published"][:10],
        }


def _entities(store: "Store", story_id: str | None) -> Iterator[dict[str, Any]]:
    yield from store.export_mentions(story_id)


def _timeline(store: "Store", story_id: str | None) -> Iterator[dict[str, Any]]:
    from ..config import StorylineConfig
    from ..explain.timeline import build_timeline, docs_from_store

    recorded = store.recorded_config()
    settings = StorylineConfig.from_json(recorded) if recorded else StorylineConfig()
    for tid in _thread_ids(store, story_id):
        docs = docs_from_store(store, store.story_article_ids(tid))
        timeline = build_timeline(docs, settings.explain.timeline_dates, settings.explain.timeline_sentences)
        for date, sentences in timeline:
            for rank, sentence in enumerate(sentences, 1):
                yield {"thread_id": tid, "date": date, "rank": rank, "sentence": sentence}


def _corrections(store: "Store", story_id: str | None) -> Iterator[dict[str, Any]]:
    from ..explain.corrections import CHANGE_LABELS, corrections_for_thread

    threads = [t.id for t in store.threads(min_articles=2)] if story_id is None else _thread_ids(store, story_id)
    for tid in threads:
        for r in corrections_for_thread(store, tid, labels=CHANGE_LABELS):
            row: dict[str, Any] = {
                "thread_id": tid, "label": r["label"], "score": float(r["score"]), "cue": r["cue"], "reason": r["reason"],
            }  # fmt: skip
            for side in ("earlier", "later"):
                s = r[side]
                row.update({
                    f"{side}_article_id": s["article_id"], f"{side}_start": s["span"][0], f"{side}_end": s["span"][1],
                    f"{side}_text": s["text"], f"{side}_published": s["published"],
                })
            yield row


_ROWS: dict[str, Callable[["Store", str | None], Iterator[dict[str, Any]]]] = {
    "articles": _articles, "stories": _stories, "events": _events, "quotes": _quotes,
    "entities": _entities, "timeline": _timeline, "corrections": _corrections,
}


def rows(store: "Store", table: str, story_id: str | None = None) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` (of one thread or event, or of the whole store), with exactly its columns."""
    if table not in COLUMNS:
        raise ExportError(f"unknown table {table!r}; choose from {', '.join(TABLES)}")
    check_story(store, story_id)
    names = [name for name, _ in COLUMNS[table]]
    for row in _ROWS[table](store, story_id):
        yield {name: row.get(name) for name in names}


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write_csv(fh: IO[str], table: str, data: Iterable[dict[str, Any]]) -> int:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS[table]])
    n = 0
    for row in data:
        writer.writerow([_csv_value(v) for v in row.values()])
        n += 1
    return n


def _arrow_schema(table: str):
    import pyarrow as pa

    types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(name, types[kind]) for name, kind in COLUMNS[table]])


def _write_parquet(path: Path, table: str, data: Iterable[dict[str, Any]], batch: int = 2000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(table)
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in data:
            chunk.append(row)
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                n += len(chunk)
                chunk = []
        if chunk or n == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n


def write(store: "Store", table: str, out: str | Path, fmt: str, story_id: str | None = None) -> int:
    """Write ``table`` to ``out`` in ``fmt`` (``jsonl``, ``csv``, ``parquet``); the number of rows written.

    The file is written beside ``out`` first and moved into place at the end, so a
    failed export leaves no half-written file.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    data = rows(store, table, story_id)
    out = Path(out)
    if not out.parent.is_dir():
        raise ExportError(f"{out}: folder {out.parent} does not exist")
    partial = out.with_name(out.name + ".partial")
    try:
        if fmt == "parquet":
            n = _write_parquet(partial, table, data)
        else:
            with open(partial, "w", encoding="utf-8", newline="") as fh:
                if fmt == "csv":
                    n = _write_csv(fh, table, data)
                else:
                    n = 0
                    for row in data:
                        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                        n += 1
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return n


def iter_ndjson(data: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """Rows as newline-delimited JSON, one encoded line at a time (for streamed responses)."""
    for row in data:
        yield (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


def iter_csv(table: str, data: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """Rows as CSV with a header line, one encoded line at a time (for streamed responses)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS[table]])
    for row in data:
        writer.writerow([_csv_value(v) for v in row.values()])
        yield buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()
    if buf.getvalue():
        yield buf.getvalue().encode("utf-8")
