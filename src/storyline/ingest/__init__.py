"""Ingest: read articles from text, HTML, JSON Lines, WARC, feeds, sitemaps and URLs.

``read(inputs)`` is the one entry point: a lazy stream of
:class:`storyline.model.Article` and :class:`Failure` items that never raises
for a bad input. ``discover`` lists what would be read, ``count_hint`` estimates
how many items to expect, ``extract_html`` turns one page into an article,
``article_from_record`` one JSON Lines record.
"""

from __future__ import annotations

from ..model import Article
from .common import MAX_PAGE_BYTES, MAX_TEXT_BYTES, Failure, Unreadable
from .discover import discover
from .html import extract_html
from .jsonl import article_from_record
from .reader import count_hint, read

__all__ = ["Article", "Failure", "Unreadable", "article_from_record", "read", "discover", "count_hint", "extract_html", "MAX_TEXT_BYTES", "MAX_PAGE_BYTES"]
