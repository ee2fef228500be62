"""Main text and metadata of a news web page.

The body is trafilatura's; the metadata is what the page declares (:mod:`.metadata`: JSON-LD,
OpenGraph, ``<meta>``, ``<time>``), with trafilatura's findings (htmldate for dates) as the fallback.
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError
from ..model import Article
from .common import MAX_PAGE_BYTES, Unreadable, binary_kind, human_size, normalise_date
from .metadata import clean_authors, clean_title, detect_language, page_metadata, parse_tree, strip_leading_title
from .textfile import read_limited

#: trafilatura options used by default. Chosen on the fundus-eval benchmark
#: (``storyline eval extraction``, see docs/benchmarks/extraction.md).
EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": False,
    "favor_precision": False,
    "favor_recall": False,
}

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p)\b", re.I | re.S)


def looks_like_html(head: bytes) -> bool:
    """Whether content starting with ``head`` is an HTML document."""
    head = head.lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head[:4096])) or b"<html" in head[:4096].lower()


def paragraphs_to_text(extracted: str) -> str:
    """Paragraphs (one a line, as trafilatura gives them) separated by blank lines."""
    lines = (line.strip() for line in extracted.split("\n"))
    return "\n\n".join(line for line in lines if line)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host[4:] if host and host.startswith("www.") else host


#: Elements of a page that the extractor reads. Its cost grows faster than the page (20,000 ``<p>``
#: take about 2 s, 200,000 more than 30 s); a page past this keeps its first elements, and the
#: article's ``meta["elements_dropped"]`` says how many were left out.
MAX_PAGE_ELEMENTS = 20_000


def bounded_page(html: str | bytes, tree: Any) -> tuple[Any, int]:
    """The page to extract from (``html`` itself, or ``tree`` cut to its first :data:`MAX_PAGE_ELEMENTS`) and how many elements were cut."""
    if tree is None:
        return html, 0
    body = tree.find("body")
    elements = list((body if body is not None else tree).iter())
    if len(elements) <= MAX_PAGE_ELEMENTS:
        return html, 0
    for element in reversed(elements[MAX_PAGE_ELEMENTS:]):  # last first: each is its parent's last child
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return tree, len(elements) - MAX_PAGE_ELEMENTS


def extract_page(html: str | bytes, *, url: str | None, origin: str, options: dict[str, Any] | None = None) -> Article:
    """The article in an HTML page, or :class:`Unreadable` when the page holds none.

    ``options`` override :data:`EXTRACT_OPTIONS` (the evaluation tries variants).
    """
    import trafilatura

    if isinstance(html, bytes):
        kind = binary_kind(html[:8192])
        if kind:
            raise Unreadable(f"not HTML: the content is {kind}")
    if not html.strip():
        raise Unreadable("empty page")
    opts = {**EXTRACT_OPTIONS, **(options or {})}
    tree = parse_tree(html)
    md = page_metadata(tree, url)
    source, cut = bounded_page(html, tree)
    try:
        doc: Any = trafilatura.bare_extraction(source, url=url, with_metadata=True, **opts)  # a Document (as_dict=False)
    except Exception as e:  # trafilatura raises assorted lxml/parsing errors on broken pages
        raise Unreadable(f"cannot parse HTML: {e}") from e
    if doc is None or not (doc.text or "").strip():
        raise Unreadable("no article text found in the page")
    page_url = url or md.url or doc.url
    host = _host(page_url)
    site = md.site_name or (doc.sitename or "").strip() or None
    publishers = [*md.publishers, *([doc.sitename] if doc.sitename else [])]
    title = md.title or clean_title(doc.title, publishers, host)
    text = strip_leading_title(paragraphs_to_text(doc.text), [t for t in [title, doc.title, *md.title_variants] if t])
    if is_navigation(text):
        raise Unreadable("no article text found in the page (only menu or link labels)")
    published = md.published
    if published is None:
        try:
            published = normalise_date(doc.date)
        except ValueError:
            published = None
    authors = md.authors or clean_authors((doc.author or "").split(";"), publishers=publishers, host=host)
    meta: dict[str, Any] = {}
    description = md.description or doc.description
    if description:
        meta["description"] = description
    if md.url and md.url != page_url:
        meta["canonical_url"] = md.url
    if md.origins:
        meta["metadata_from"] = md.origins
    if cut:
        meta["elements_dropped"] = cut
    return Article(
        title=title or text.split("\n", 1)[0][:200],
        text=text,
        published=published,
        url=page_url,
        source=site or host,
        author="; ".join(authors) or None,
        authors=authors,
        language=choose_language(text, md.language or doc.language),
        modified=md.modified,
        section=md.section,
        origin=origin,
        meta=meta,
    )


#: py3langid's probability above which its guess outranks the language the page declares
#: (pages often keep a template's ``lang="en"``; short texts are where the declaration helps)
LANGUAGE_CONFIDENCE = 0.9


def choose_language(text: str, declared: str | None) -> str | None:
    """The article's language (ISO 639-1): detected from the text, or the page's own when detection is unsure."""
    detected, probability = detect_language(text)
    if detected and (probability >= LANGUAGE_CONFIDENCE or not declared):
        return detected
    return declared or detected


#: A text whose longest line is shorter than this (in words), and that is short overall, is a menu, not prose.
NAV_LINE_WORDS, NAV_TOTAL_WORDS = 6, 40


def is_navigation(text: str) -> bool:
    """Whether ``text`` is only labels ("Home", "News", "Contact us"): no line reads as a sentence."""
    lines = [line.split() for line in text.splitlines() if line.strip()]
    longest = max((len(words) for words in lines), default=0)
    return longest < NAV_LINE_WORDS and sum(len(words) for words in lines) < NAV_TOTAL_WORDS


def extract_html(html: str | bytes, url: str | None = None) -> Article:
    """The main text and metadata of one HTML page as an :class:`Article`.

    Raises :class:`storyline.errors.InputError` when the page holds no article text.
    """
    origin = url or "<html>"
    try:
        return extract_page(html, url=url, origin=origin)
    except Unreadable as e:
        raise InputError(origin, e.reason) from e


def read_gzip_limited(path: Path, limit: int) -> bytes:
    """Decompress a ``.gz`` file, refusing content beyond ``limit`` bytes without inflating it all."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:  # not gzip, or cut short
        raise Unreadable(f"cannot decompress: {e}") from e
    except (EOFError, zlib.error) as e:
        raise Unreadable(f"compressed data is truncated or corrupt: {e}") from e
    if len(data) > limit:
        raise Unreadable(f"page is over the {human_size(limit)} limit once decompressed")
    return data


def read_html_file(path: Path, origin: str) -> Article:
    """One article from an ``.html``/``.htm`` file or its gzip-compressed ``.gz`` form."""
    gz = path.name.lower().endswith(".gz")
    data = read_gzip_limited(path, MAX_PAGE_BYTES) if gz else read_limited(path, MAX_PAGE_BYTES)
    if not data.strip():
        raise Unreadable("empty file")
    return extract_page(data, url=None, origin=origin)
