"""What every ingest reader shares: the failure record, the limits, decoding and dates.

The limits are deliberate product decisions, kept here in one place:

* one article's text may be at most :data:`MAX_TEXT_BYTES` (5 MB). A bigger text
  file is refused before it is read, not truncated: a cut article would look
  complete downstream and silently lose its end.
* one HTML page (a file, a decompressed ``.html.gz``, a download or a WARC
  record) may be at most :data:`MAX_PAGE_BYTES` (10 MB).
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import os
import re
import zlib
from dataclasses import dataclass
from typing import Any, Iterator

from ..model import Article

MAX_TEXT_BYTES = 5 * 1024 * 1024
MAX_PAGE_BYTES = 10 * 1024 * 1024
MAX_TITLE_CHARS = 200

#: File signatures of common binary formats, so a renamed file is named in the error.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)


@dataclass(frozen=True)
class Failure:
    """One input (or one record of an input) that could not be read, and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(frozen=True)
class Position:
    """How far reading one input has got (yielded only when :func:`~storyline.ingest.read` is asked for positions).

    ``offset`` is the byte of the input read up to (the start of the next record of an archive) and ``size``
    its length in bytes; ``records`` and ``pages`` count the archive records read and the HTML responses among
    them. A reader yields one when it starts an input and, for archives, one after each record.
    """

    source: str
    offset: int = 0
    size: int = 0
    records: int = 0
    pages: int = 0


Item = Article | Failure
Items = Iterator[Item]
#: a stream of items with the reader's positions between them
Located = Iterator[Article | Failure | Position]


class Unreadable(Exception):
    """Raised inside a reader for one input; turned into a :class:`Failure` by the caller."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def corrupt_gzip_at(path: str | os.PathLike[str]) -> int | None:
    """The offset of the first byte of a gzip file that cannot be decompressed, or ``None`` if all can.

    Used only after a read failed, to name the place in the message ("corrupt gzip data at byte N").
    """
    pos = 0
    d = zlib.decompressobj(31)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 16):
            saved = d.copy()
            try:
                d = _feed(d, chunk)
            except zlib.error:
                d = saved  # the same block again, a byte at a time, to find the first bad one
                for i in range(len(chunk)):
                    try:
                        d = _feed(d, chunk[i : i + 1])
                    except zlib.error:
                        return pos + i
                return pos + len(chunk)
            pos += len(chunk)
    return None


def _feed(d: Any, data: bytes) -> Any:
    """Feed ``data`` to a gzip decompressor (members one after another, output dropped); the one in use after."""
    while data:
        d.decompress(data, 1 << 16)
        while d.unconsumed_tail:
            d.decompress(d.unconsumed_tail, 1 << 16)
        if d.eof:
            data = d.unused_data
            d = zlib.decompressobj(31)
        else:
            data = b""
    return d


def human_size(n: int) -> str:
    """``10485760`` -> ``'10.0 MB'`` (binary megabytes, as the limits are)."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n / (1024 * 1024):.1f} MB"


def binary_kind(head: bytes, *, nul: bool = True) -> str | None:
    """Name the binary format of content starting with ``head``, or ``None`` if it may be text.

    Known signatures are named; otherwise a NUL byte in the first 8 kB marks binary
    data (text in UTF-8 and the legacy 8-bit encodings never holds NUL); ``nul=False`` skips that test
    (JSON Lines, where a NUL spoils one line and the others are still read).
    """
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if nul and b"\x00" in head[:8192]:
        return "binary data"
    return None


_NOT_DOCUMENT_CHARSETS = {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "rot-13", "undefined"}


def decode_text(data: bytes, *, encoding: str | None = None) -> tuple[str, int]:
    """Decode bytes to text and say how many invalid bytes were replaced.

    Text is read as UTF-8 (a BOM is dropped), or as ``encoding`` when a
    container (an HTTP header, an HTML meta tag) names one. Invalid bytes are
    replaced by U+FFFD rather than failing the whole article: one stray byte in a
    long article should not lose it, and the count is kept in
    ``Article.meta["decode_errors"]`` so that badly encoded inputs stay visible.
    """
    enc = (encoding or "utf-8").strip().lower()
    try:
        info = codecs.lookup(enc)
        # only character encodings of documents: not idna/punycode (host names), not rot13 or base64
        if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_DOCUMENT_CHARSETS:
            enc = "utf-8"
    except (LookupError, ValueError):
        enc = "utf-8"
    if enc.replace("_", "-") in ("utf8", "utf-8"):
        enc = "utf-8-sig"
    try:
        return data.decode(enc), 0
    except UnicodeError:
        try:
            text = data.decode(enc, errors="replace")
        except UnicodeError:
            enc = "utf-8-sig"
            text = data.decode(enc, errors="replace")
        genuine = data.count("\ufffd".encode("utf-8")) if enc == "utf-8-sig" else 0
        return text, text.count("\ufffd") - genuine


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` with lone surrogates (``"\\udfff"`` in JSON, which no encoding can store) replaced by U+FFFD.

    JSON is the one input that can carry them; its reader cleans every string it decodes here, so every
    text past the readers can be encoded, hashed and stored. The length, and so every offset, is kept.
    """
    return _LONE_SURROGATE.sub("\ufffd", value)


def clean_json(value: Any) -> Any:
    """A decoded JSON value with every string (keys too) passed through :func:`clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def title_from_text(text: str) -> str:
    """A label for an article that came without a title: its first line, shortened.

    The text itself is not changed; the title only has to tell articles apart in
    listings. Long first lines are cut at a word boundary.
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= MAX_TITLE_CHARS:
        return first
    cut = first[:MAX_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def normalise_date(value: object) -> str | None:
    """An ISO 8601 date (``YYYY-MM-DD``) or datetime string from common spellings.

    Accepts ISO 8601 (``2010-01-25``, ``2010-01-25T10:00:00Z``), RFC 2822 as in
    feeds and HTTP (``Mon, 25 Jan 2010 10:00:00 GMT``), ``datetime`` objects and
    Unix timestamps. Returns ``None`` for an empty value and raises ``ValueError``
    for one it cannot read, so that a caller can say which field was wrong.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"date out of range: {value!r}") from None
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    s = value.strip()
    if re.fullmatch(r"\d{5,}-\d{2}-\d{2}.*", s) or re.fullmatch(r"[+-]\d{4,}-.*", s):
        raise ValueError(f"date out of range: {s[:40]}")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        try:
            return dt.date.fromisoformat(s).isoformat()
        except ValueError:
            raise ValueError(f"not a calendar date: {s}") from None
    try:
        return dt.datetime.fromisoformat(s).isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(s).isoformat()
    except (OverflowError, OSError):
        raise ValueError(f"date out of range: {s[:40]}") from None
    except (TypeError, ValueError, IndexError):
        pass
    raise ValueError(f"cannot read date {value!r} (use ISO 8601, e.g. 2010-01-25)")
