"""JSON Lines: one article per line (format in docs/formats_ingest.md).

Lines are read one at a time, so a file of any size streams; a bad line becomes
one :class:`Failure` naming ``file.jsonl:LINE`` and reading goes on.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import IO, Any, Iterator

from ..model import Article
from .common import (
    MAX_PAGE_BYTES,
    MAX_TEXT_BYTES,
    Failure,
    Items,
    Unreadable,
    clean_json,
    decode_text,
    human_size,
    normalise_date,
    title_from_text,
)
from .html import extract_page

#: A line may carry a whole page of HTML, JSON-escaped.
MAX_LINE_BYTES = 2 * MAX_PAGE_BYTES
_STRING_FIELDS = ("id", "title", "url", "source", "author", "language")
_KNOWN = {"text", "html", "published", "time", *_STRING_FIELDS}


def _lines(f: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` for each line; ``None`` for a line over the size limit (skipped)."""
    number = 0
    while True:
        line = f.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line in bounded chunks
                rest = f.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def _field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, (int, float)) and name == "id":
        return str(value)
    if not isinstance(value, str):
        raise Unreadable(f"field {name!r} must be a string, not {type(value).__name__}")
    return value.strip() or None


def article_from_record(record: Any, origin: str) -> Article:
    """An :class:`Article` from one decoded JSON line (``text`` or ``html`` required)."""
    if not isinstance(record, dict):
        raise Unreadable(f"expected a JSON object, got {type(record).__name__}")
    record = clean_json(record)  # records sent over the API come here without the line reader
    fields = {name: _field(record, name) for name in _STRING_FIELDS}
    try:
        published = normalise_date(record.get("published", record.get("time")))
    except ValueError as e:
        raise Unreadable(f"published: {e}") from e
    text, html = record.get("text"), record.get("html")
    if (text is not None and not isinstance(text, str)) or (html is not None and not isinstance(html, str)):
        raise Unreadable("fields 'text' and 'html' must be strings")
    if text and text.strip():
        if len(text) > MAX_TEXT_BYTES:
            raise Unreadable(f"text is {human_size(len(text))}, over the {human_size(MAX_TEXT_BYTES)} limit")
        article = Article(title=fields["title"] or title_from_text(text), text=text.strip(), origin=origin)
    elif html and html.strip():
        article = extract_page(html, url=fields["url"], origin=origin)
    else:
        raise Unreadable("no article: one of 'text' or 'html' is required and must not be empty")
    # Fields given in the line win over what was found in the HTML.
    article.title = fields["title"] or article.title
    article.url = fields["url"] or article.url
    article.source = fields["source"] or article.source
    article.author = fields["author"] or article.author
    article.language = fields["language"] or article.language
    article.published = published or article.published
    if fields["id"]:
        article.meta["id"] = fields["id"]
    article.meta.update({k: v for k, v in record.items() if k not in _KNOWN})
    return article


def _read_line(line: bytes, where: str) -> Article | Failure:
    """One line to an article or to one failure naming the line: nothing a line holds ends the file."""
    text, _ = decode_text(line)
    try:
        record = clean_json(json.loads(text))
    except json.JSONDecodeError as e:
        return Failure(where, f"invalid JSON: {e.msg} at column {e.colno}")
    except RecursionError:
        return Failure(where, "invalid JSON: nested too deeply")
    try:
        return article_from_record(record, where)
    except Unreadable as e:
        return Failure(where, e.reason)
    except RecursionError:
        return Failure(where, "record nested too deeply")
    except (ValueError, OverflowError, UnicodeError) as e:
        return Failure(where, f"cannot read the record: {e}")


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]  # a GzipFile reads bytes
    return path.open("rb")


def json_rows(path: str | Path) -> Iterator[tuple[str, Any]]:
    """``(where, value)`` for each non-blank line of a JSON Lines file (``.gz`` too; ``-`` is stdin).

    For data that must be whole (benchmarks, a command's input): the first
    unreadable line raises :class:`~storyline.errors.InputError` naming
    ``file:LINE``. Articles to ingest go through :func:`read_jsonl`, which
    reads on past a bad line.
    """
    import sys

    from ..errors import InputError

    name = str(path)
    try:
        fh: IO[bytes] = sys.stdin.buffer if name == "-" else _open(Path(path))
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from exc
    try:
        for number, line in _lines(fh):
            where = f"{name}:{number}"
            if line is None:
                raise InputError(where, f"line is over the {human_size(MAX_LINE_BYTES)} limit")
            if not line.strip():
                continue
            try:
                yield where, json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise InputError(where, f"not JSON: {getattr(exc, 'msg', exc)}") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(name, f"cannot read further (file truncated or corrupt?): {exc}") from exc
    finally:
        if name != "-":
            fh.close()


def read_jsonl(path: Path, origin: str) -> Items:
    """Articles from a ``.jsonl`` (or ``.jsonl.gz``) file, a :class:`Failure` per bad line."""
    seen = 0
    try:
        with _open(path) as f:
            for number, line in _lines(f):
                where = f"{origin}:{number}"
                if line is None:
                    yield Failure(where, f"line is over the {human_size(MAX_LINE_BYTES)} limit")
                    continue
                if not line.strip():
                    continue
                seen += 1
                yield _read_line(line, where)
    except (OSError, EOFError, zlib.error) as e:
        yield Failure(origin, f"cannot read further (file truncated or corrupt?): {e}")
        return
    if seen == 0:
        yield Failure(origin, "empty file: no JSON lines")
