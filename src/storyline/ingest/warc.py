"""Web archives (WARC, plain or gzip-compressed): the HTML pages they captured.

Only ``response`` records of HTTP 200 with an HTML content type are read;
requests, metadata, redirects, errors, images and scripts are skipped quietly,
as a crawl holds many of them. Each page is extracted like any HTML page, its
origin is ``archive.warc.gz#<target URI>``, and when the page itself carries no
date the capture date (WARC-Date) stands in. A truncated archive yields the
pages read before the cut, then a :class:`Failure`.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import Any

from .common import MAX_PAGE_BYTES, Failure, Items, Located, Position, Unreadable, corrupt_gzip_at, decode_text, human_size
from .html import extract_page


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _gzip_tail_complete(path: Path, offset: int) -> bool:
    """Whether the gzip members from ``offset`` to the end of the file are all complete."""
    with path.open("rb") as f:
        f.seek(offset)
        data = f.read()
    while data:
        d = zlib.decompressobj(wbits=31)
        try:
            d.decompress(data)
        except zlib.error:
            return False
        if not d.eof:
            return False
        data = d.unused_data.lstrip(b"\x00")
    return True


def _page(record: Any, where: str) -> Items:
    """The article in one HTML response record (or a failure)."""
    ctype = record.http_headers.get("Content-Type", "") or ""
    body = record.reader.read(MAX_PAGE_BYTES + 1)
    if len(body) > MAX_PAGE_BYTES:
        yield Failure(where, f"page is over the {human_size(MAX_PAGE_BYTES)} limit")
        return
    html: str | bytes = body
    charset = _charset(ctype)
    if charset:
        html = decode_text(body, encoding=charset)[0]
    try:
        article = extract_page(html, url=record.headers.get("WARC-Target-URI"), origin=where)
    except Unreadable as e:
        yield Failure(where, e.reason)
        return
    if not article.published and record.record_date is not None:
        article.published = record.record_date.isoformat()
        article.meta["published_from"] = "WARC-Date"
    yield article


def _archive_error(path: Path, error: str, records: int, gz: bool, last_pos: int) -> str:
    """The user's terms for what the WARC parser met."""
    kept = f"; the {records} record{'' if records == 1 else 's'} before it were read" if records else ""
    if "gzip" in error.lower() or (gz and records == 0 and corrupt_gzip_at(path) is not None):
        at = corrupt_gzip_at(path)
        where = f" at byte {at}" if at is not None else ""
        return f"corrupt gzip data{where}" + (f" after record {records}{kept}" if records else "")
    if records == 0:
        return "not a WARC file (it does not start with a WARC/1.x header)"
    return f"invalid WARC header after record {records} (which starts at byte {last_pos}){kept}"


def read_warc(path: Path, origin: str) -> Located:
    """HTML articles from a ``.warc`` or ``.warc.gz`` file, one record at a time, with a :class:`Position`
    after each record (the file is never read whole: a Common Crawl News archive is about 1 GB)."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    size = os.path.getsize(path)
    if size == 0:
        raise Unreadable("empty file")
    last_pos, last_length, records, cut_short, pages = 0, 0, 0, False, 0
    gz = path.name.lower().endswith(".gz")
    with path.open("rb") as f:
        try:
            for record in ArchiveIterator(f, parse_http=True):
                if records:
                    yield Position(origin, record.stream_pos, size, records, pages)
                records += 1
                last_pos, last_length = record.stream_pos, record.content_length
                if record.record_type != WarcRecordType.response:
                    continue
                uri = record.headers.get("WARC-Target-URI") or f"record-{records}"
                where = f"{origin}#{uri}"
                if record.http_headers is None:  # only the last record of a cut archive lacks them
                    cut_short = True
                    continue
                ctype = (record.http_headers.get("Content-Type", "") or "").lower()
                if record.http_headers.status_code != 200 or "html" not in ctype:
                    continue
                pages += 1
                yield from _page(record, where)
        except OSError as e:  # fastwarc: "Invalid WARC header", "Gzip decompression error"
            raise Unreadable(_archive_error(path, str(e), records, gz, last_pos)) from e
    if records == 0:
        raise Unreadable("not a WARC file (no WARC records found)")
    if path.name.lower().endswith(".gz"):
        cut_short = cut_short or not _gzip_tail_complete(path, last_pos)
    else:
        cut_short = cut_short or last_pos + last_length > size
    if cut_short:
        yield Position(origin, size, size, records - 1, pages)
        raise Unreadable(
            f"archive is truncated (or corrupt) at byte {size}, in record {records} (which starts at byte {last_pos}); "
            f"the {records - 1} record{'' if records == 2 else 's'} before it were read"
        )
    yield Position(origin, size, size, records, pages)
    if pages == 0:
        raise Unreadable(f"no HTML pages in the archive ({records} record{'' if records == 1 else 's'}, none an HTML response)")
