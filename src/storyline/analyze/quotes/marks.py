"""Quotation marks: find the quoted stretches of an article's text.

Handles curly (“…”) and straight ("…") double quotes, doubled apostrophes
(''…'') as some wire copy writes them, and single quotes (‘…’ or '…') outside
double quotes. A quotation that runs over several paragraphs opens each
paragraph again but closes only at the end of the last; every paragraph is then
one segment, and the later segments are marked as continuations of the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOUBLE = re.compile(r"“|”|\"|''|„|«|»")
_PARA = re.compile(r"\n\s*\n|\n(?=\s*[“\"'‘])")
_OPENERS = {"“", "„", "«"}
_CLOSERS = {"”", "»"}
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))[‘'](?=\w|\[)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?…\])])[’'](?=[\s.,;:!?…)\]—–-]|$)")
_MAX_SINGLE = 200


@dataclass
class QuoteSegment:
    """One quoted stretch: ``outer`` includes the marks, ``inner`` does not."""

    outer_start: int
    outer_end: int
    inner_start: int
    inner_end: int
    double: bool = True
    continues: bool = False  # opens a paragraph that carries on the previous segment's quotation


def _opens_paragraph(text: str, pos: int, end: int) -> bool:
    """A closing mark at a paragraph start before a letter is a mistyped opening mark."""
    return (pos == 0 or text[pos - 1] == "\n") and end < len(text) and text[end].isalnum()


def _para_breaks(text: str) -> list[int]:
    return [m.start() for m in _PARA.finditer(text)]


def _break_between(breaks: list[int], start: int, end: int) -> int | None:
    """The first paragraph break in ``[start, end)``, or ``None``."""
    for b in breaks:
        if start <= b < end:
            return b
        if b >= end:
            break
    return None


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _segment(text: str, o_start: int, i_start: int, i_end: int, o_end: int, double: bool) -> QuoteSegment:
    s, e = _strip(text, i_start, i_end)
    return QuoteSegment(o_start, o_end, s, e, double)


def _double_segments(text: str) -> list[QuoteSegment]:
    breaks = _para_breaks(text)
    segs: list[QuoteSegment] = []
    open_at: tuple[int, int] | None = None  # (mark start, mark end)
    continuing = False

    def close_at_break(brk: int) -> None:
        nonlocal continuing
        assert open_at is not None
        seg = _segment(text, open_at[0], open_at[1], brk, brk, True)
        seg.continues = continuing
        segs.append(seg)

    for m in _DOUBLE.finditer(text):
        mark, pos, end = m.group(), m.start(), m.end()
        if open_at is None:
            if mark in _CLOSERS and not _opens_paragraph(text, pos, end):
                continue
            open_at = (pos, end)
            continue
        brk = _break_between(breaks, open_at[1], pos)
        if brk is not None:
            # The quotation ran past a paragraph end: it continues if this paragraph re-opens it.
            close_at_break(brk)
            reopen = mark not in _CLOSERS and not text[brk:pos].strip()
            continuing = reopen
            open_at = (pos, end) if reopen else None
            continue
        if mark in _OPENERS:
            open_at = (pos, end)  # stray opener: restart here
            continuing = False
            continue
        seg = _segment(text, open_at[0], open_at[1], pos, end, True)
        seg.continues = continuing
        segs.append(seg)
        open_at, continuing = None, False
    if open_at is not None and continuing:
        brk = _break_between(breaks, open_at[1], len(text))
        close_at_break(brk if brk is not None else len(text))
    return [s for s in segs if s.inner_end > s.inner_start]


def _single_segments(text: str, taken: list[QuoteSegment]) -> list[QuoteSegment]:
    """Single-quoted stretches that lie outside every double-quoted one."""
    inside = [(s.outer_start, s.outer_end) for s in taken]
    closes = [m.start() for m in _SINGLE_CLOSE.finditer(text)]
    segs: list[QuoteSegment] = []
    last_end = -1
    for m in _SINGLE_OPEN.finditer(text):
        start = m.start()
        if start < last_end or any(a <= start < b for a, b in inside):
            continue
        close = next((c for c in closes if c > start + 1), None)
        if close is None or close - start > _MAX_SINGLE or "\n" in text[start:close]:
            continue
        if any(a < close + 1 and start < b for a, b in inside):
            continue
        segs.append(_segment(text, start, start + 1, close, close + 1, False))
        last_end = close + 1
    return segs


def find_quote_segments(text: str) -> list[QuoteSegment]:
    """All quoted stretches in ``text``, in order of position."""
    doubles = _double_segments(text)
    return sorted(doubles + _single_segments(text, doubles), key=lambda s: s.outer_start)
