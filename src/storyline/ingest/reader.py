"""``read``: every supported input to a stream of articles and failures.

The reader never raises for a bad input: each problem becomes one
:class:`Failure` (``origin: reason``) and reading goes on with the next input.
"""

from __future__ import annotations

from functools import partial

import os
from pathlib import Path
from typing import Callable, Iterable

from .common import Failure, Items, Located, Position, Unreadable, binary_kind
from .discover import expand, is_url, kind_from_name


def _head(path: Path, n: int = 8192) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(n)
    except OSError as e:
        raise Unreadable(f"cannot open: {e.strerror or e}") from e


def sniff_kind(head: bytes) -> str:
    """The kind of a file whose name does not tell, from its first bytes."""
    from .feeds import sniff_xml_root
    from .html import looks_like_html

    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    kind = binary_kind(head)
    if kind:
        raise Unreadable(f"not a supported input: the content is {kind}")
    if sniff_xml_root(body):
        return "feed"
    if looks_like_html(body):
        return "html"
    if body.startswith(b"{"):
        return "jsonl"
    return "txt"


def detect_kind(path: Path) -> str:
    """The kind of a local file: by its name, or by sniffing when the name does not say."""
    kind = kind_from_name(path.name)
    head = _head(path)
    if kind is None:
        kind = sniff_kind(head)
        if kind == "gzip":
            raise Unreadable("gzip-compressed file of unknown kind: name it .html.gz, .jsonl.gz, .warc.gz or .xml.gz")
    if not head and kind != "txt":
        raise Unreadable("empty file")
    compressed = path.name.lower().endswith(".gz") or kind == "warc"
    if kind in ("jsonl", "html", "feed") and not compressed:
        found = binary_kind(head, nul=kind != "jsonl")
        if found and kind == "jsonl" and b"\n{" in head:
            found = None  # a JSON line follows the binary start: read line by line, each bad line its own failure
        if found:
            raise Unreadable(f"not {kind.upper() if kind != 'feed' else 'XML'}: the content is {found}")
    return kind


def _read_file(path: Path, origin: str, allow_private: bool) -> Located:
    kind = detect_kind(path)
    if kind == "txt":
        from .textfile import read_text_file

        yield read_text_file(path, origin)
    elif kind == "html":
        from .html import read_html_file

        yield read_html_file(path, origin)
    elif kind == "jsonl":
        from .jsonl import read_jsonl

        yield from read_jsonl(path, origin)
    elif kind == "warc":
        from .warc import read_warc

        yield from read_warc(path, origin)
    else:
        from .feeds import read_feed_file

        yield from read_feed_file(path, origin, allow_private=allow_private)


def _read_url(url: str, allow_private: bool) -> Items:
    """The article at ``url``, or the articles a feed or sitemap at ``url`` links to."""
    from .feeds import read_feed_bytes, sniff_xml_root
    from .fetch import article_from_response, fetcher

    response = fetcher(allow_private).get(url)
    if sniff_xml_root(response.body[:4096].lstrip()):
        yield from read_feed_bytes(response.body, url, allow_private=allow_private)
    else:
        yield article_from_response(response, url)


def guarded(origin: str, make: Callable[[], Located]) -> Located:
    """Run a reader, turning any exception into a final :class:`Failure` for ``origin``.

    Articles yielded before the problem are kept (a truncated archive still gives
    what it holds).
    """
    try:
        yield from make()
    except Unreadable as e:
        yield Failure(origin, e.reason)
    except MemoryError:
        yield Failure(origin, "out of memory while reading")
    except Exception as e:  # noqa: BLE001 - read() promises never to raise for one bad input
        yield Failure(origin, f"unexpected error: {type(e).__name__}: {e}")


def read(
    inputs: Iterable[str | os.PathLike[str]] | str, allow_private: bool = False, *, local_files: bool = True
) -> Items:
    """Articles (and failures) from files, folders, glob patterns and URLs, lazily.

    Yields :class:`storyline.model.Article` for each article read and
    :class:`Failure` for each input (or line, record, feed entry) that could not
    be. URLs on loopback, private, link-local or reserved addresses are refused
    unless ``allow_private`` is true. With ``local_files`` false (inputs sent over the API) only
    http(s) URLs are read: a path, a folder or a glob is refused without touching the disk.
    """
    for item in read_located(inputs, allow_private, local_files=local_files):
        if not isinstance(item, Position):
            yield item


def read_located(
    inputs: Iterable[str | os.PathLike[str]] | str, allow_private: bool = False, *, local_files: bool = True
) -> Located:
    """What :func:`read` yields, with a :class:`Position` before each input's items (and, in a web archive,
    after each record) saying which input they come from and how far reading it has got."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if not local_files:
        for raw in inputs:
            given = os.fspath(raw)
            if is_url(given):
                yield Position(given)
                yield from guarded(given, partial(_read_url, given, allow_private))
            else:
                yield Position(given[:200])
                yield Failure(given[:200], "not an http(s) URL: files of the server are never read over the API (send records or URLs)")
        return
    for item in expand(inputs):
        if isinstance(item, Failure):
            yield Position(item.origin)
            yield item
        elif is_url(item):
            yield Position(item)
            yield from guarded(item, partial(_read_url, item, allow_private))
        else:
            yield Position(item, size=_size(item))
            yield from guarded(item, partial(_read_file, Path(item), item, allow_private))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def count_hint(inputs: Iterable[str | os.PathLike[str]] | str) -> int | None:
    """A cheap estimate of how many items :func:`read` will yield, for a progress bar.

    Files count one each and JSON Lines files by their size over the mean length
    of their first lines. ``None`` when the count cannot be known cheaply (URLs,
    feeds, WARC archives, compressed JSON Lines).
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    total = 0
    for item in expand(inputs):
        if isinstance(item, Failure):
            total += 1
            continue
        if is_url(item):
            return None
        kind = kind_from_name(item)
        if kind in ("warc", "feed"):
            return None
        if kind == "jsonl":
            estimate = _estimate_lines(Path(item))
            if estimate is None:
                return None
            total += estimate
        else:
            total += 1
    return total


def _estimate_lines(path: Path) -> int | None:
    if path.name.lower().endswith(".gz"):
        return None
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            sample = f.read(min(size, 1 << 20))
    except OSError:
        return 1
    if len(sample) == size:
        return max(1, sum(1 for line in sample.split(b"\n") if line.strip()))
    lines = sample.count(b"\n")
    return max(1, round(size * lines / len(sample))) if lines else 1

