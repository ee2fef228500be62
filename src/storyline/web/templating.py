"""The pages' Jinja environment and the filters their templates use."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ..store import entity_id
from .queries import HIT_CLOSE, HIT_OPEN


def article_href(article_id: str, span: Any = None) -> str:
    """The article page, with ``span`` (``[start, end]``) highlighted and scrolled to."""
    href = f"/articles/{quote(article_id, safe='')}"
    if span and len(span) == 2:
        href += f"?hl={int(span[0])}-{int(span[1])}#hl"
    return href


def external_url(url: str | None) -> str | None:
    """``url`` when it is http(s), else ``None`` (never a ``javascript:`` link)."""
    if not url:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def hits(snippet: str | None) -> Markup:
    """A search snippet with its hit markers turned into ``<mark>``, everything else escaped."""
    out = str(escape(snippet or ""))
    return Markup(out.replace(HIT_OPEN, "<mark>").replace(HIT_CLOSE, "</mark>"))


def parse_hl(hl: str | None) -> tuple[int, int] | None:
    """The ``start-end`` span of an ``?hl=`` parameter, or ``None`` when it is not one."""
    if not hl:
        return None
    try:
        a, b = (int(x) for x in hl.split("-", 1))
    except ValueError:
        return None
    return (a, b) if 0 <= a < b else None


def environment() -> Environment:
    env = Environment(loader=PackageLoader("storyline.web", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(article_href=article_href, entity_id=entity_id)
    env.filters.update(external_url=external_url, hits=hits, q=lambda s: quote(str(s), safe=""))
    return env
