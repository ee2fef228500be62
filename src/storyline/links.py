"""Which URLs may become links: the one rule every page, report and API answer follows."""

from __future__ import annotations

from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https")


def external_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else ``None``.

    A ``javascript:``, ``vbscript:``, ``data:`` or ``file:`` URL (in any spelling: upper case, leading
    spaces or control characters) never becomes a link.
    """
    if not isinstance(url, str) or not url:
        return None
    if url != url.strip() or any(ord(c) < 0x21 or c in "\\\x7f" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return url
