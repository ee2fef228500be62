"""Plain-text articles: the first non-empty line is the title, the rest is the text."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Article
from .common import MAX_TEXT_BYTES, Unreadable, binary_kind, decode_text, human_size

_LEADING_BLANK = re.compile(r"\A(?:[^\S\n]*\n)+")
_TRAILING_BLANK = re.compile(r"(?:\n[^\S\n]*)+\Z")


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, refusing (before reading) a file larger than ``limit``."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise Unreadable(f"cannot open: {e.strerror or e}") from e
    if size > limit:
        raise Unreadable(f"file is {human_size(size)}, over the {human_size(limit)} limit for one article")
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise Unreadable(f"cannot read: {e.strerror or e}") from e
    if len(data) > limit:  # grew while we looked
        raise Unreadable(f"file is over the {human_size(limit)} limit for one article")
    return data


def check_text_bytes(data: bytes) -> None:
    """Refuse empty and binary content with a reason a user can act on."""
    if not data.strip():
        raise Unreadable("empty file" if not data else "file holds only whitespace")
    kind = binary_kind(data[:8192])
    if kind:
        raise Unreadable(f"not text: the content is {kind}")


def article_from_text(raw: str, *, origin: str, decode_errors: int = 0) -> Article:
    """Title (first non-empty line) and text (the whole file, title line included).

    The headline stays in the text, as the first paragraph, so that offsets into
    the text are offsets into the file and the headline's claims are analysed
    with the rest. Line endings are normalised to ``\\n`` and blank lines around
    the text are dropped; ``meta["file_offset"]`` is where the text starts in the
    (normalised) file when blank lines came before it.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_BLANK.sub("", _LEADING_BLANK.sub("", raw))
    offset = raw.index(text) if text else 0
    end_title = text.find("\n")
    if end_title < 0 or not text[end_title:].strip():
        raise Unreadable("no text after the title line (the first non-empty line is the title)")
    title = _title(text)
    meta: dict[str, object] = {}
    if offset:
        meta["file_offset"] = offset
    if decode_errors:
        meta["decode_errors"] = decode_errors
    return Article(title=title, text=text, origin=origin, meta=meta)


def _title(text: str) -> str:
    """The first line that is not page furniture (a photo caption left above the headline, say)."""
    from ..analyze.boilerplate import find_boilerplate

    furniture = find_boilerplate(text[:2000])
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip() and not any(b.start <= start and end <= b.end for b in furniture):
            return line.strip()
        start = end + 1
    return text[: text.find("\n")].strip()


def read_text_file(path: Path, origin: str) -> Article:
    """One article from a UTF-8 ``.txt`` file (at most 5 MB)."""
    data = read_limited(path, MAX_TEXT_BYTES)
    check_text_bytes(data)
    text, errors = decode_text(data)
    return article_from_text(text, origin=origin, decode_errors=errors)
