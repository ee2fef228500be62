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

from .common import MAX_PAGE_BYTES, Failure, Item, Items, Located, Position, Unreadable, corrupt_gzip_at, decode_text, human_size
from .html import extract_page


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _gzip_tail(path: Path, offset: int) -> tuple[int | None, bool]:
    """Where the gzip member at ``offset`` (the last record read) ends, ``None`` if it is cut, and whether
    every member after it is complete too (only the tail of the file is read)."""
    with path.open("rb") as f:
        f.seek(offset)
        data = f.read()
    first_end: int | None = None
    pos = offset
    while data:
        d = zlib.decompressobj(wbits=31)
        try:
            d.decompress(data)
        except zlib.error:
            return first_end, False
        if not d.eof:
            return first_end, False
        rest = d.unused_data
        pos += len(data) - len(rest)
        if first_end is None:
            first_end = pos
        stripped = rest.lstrip(b"\x00")
        pos += len(rest) - len(stripped)
        data = stripped
    return first_end if first_end is not None else offset, True


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
    pending: list[Item] = []  # the last record's article: given out once the record is known to be whole
    with path.open("rb") as f:
        try:
            for record in ArchiveIterator(f, parse_http=True):
                if records:
                    yield from pending
                    pending = []
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
                pending = list(_page(record, where))
        except OSError as e:  # fastwarc: "Invalid WARC header", "Gzip decompression error"
            yield from pending
            raise Unreadable(_archive_error(path, str(e), records, gz, last_pos)) from e
    if records == 0:
        raise Unreadable("not a WARC file (no WARC records found)")
    cut_at = last_pos  # where the cut record starts
    if gz:
        last_end, whole = _gzip_tail(path, last_pos)
        if last_end is not None and not whole and not cut_short:  # the last record read is whole; one after it is cut
            yield from pending
            pending, cut_at, records = [], last_end, records + 1
        cut_short = cut_short or not whole
    else:
        cut_short = cut_short or last_pos + last_length > size
    if cut_short:  # the last record is cut: what it held is not given out as an article
        yield Position(origin, size, size, records - 1, pages - len(pending))
        raise Unreadable(
            f"archive is truncated (or corrupt) at byte {size}, in record {records} (which starts at byte {cut_at}); "
            f"the {records - 1} record{'' if records == 2 else 's'} before it were read"
        )
    yield from pending
    yield Position(origin, size, size, records, pages)
    if pages == 0:
        raise Unreadable(f"no HTML pages in the archive ({records} record{'' if records == 1 else 's'}, none an HTML response)")


def warc_response(uri: str, payload: bytes, *, date: str = "2019-03-04T05:06:07Z", status: str = "200 OK",
                  content_type: str = "text/html; charset=utf-8", record_id: str | None = None) -> bytes:
    """The bytes of one WARC/1.0 ``response`` record holding an HTTP response (to build archives offline:
    fixtures, benchmarks); gzip each record on its own for a ``.warc.gz``, as crawlers do."""
    import uuid

    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{record_id or uuid.uuid4()}>\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"
