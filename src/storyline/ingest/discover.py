"""Turn what a user typed (paths, folders, glob patterns, URLs) into single inputs.

Folders are walked recursively in name order, lazily, so a folder of many
thousand files starts yielding at once. In folders, hidden files and folders
(name starting with ``.``) and files of unknown kinds (images, ``.DS_Store``,
other XML) are skipped without a message: a folder is a collection, and a user
who points at one expects its articles, not a complaint about every other file.
A file named explicitly is always read, whatever its extension, and reports a
failure if it is not an article.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Iterable, Iterator

from .common import Failure

#: Kinds of input, by file name ending (longest first so ``.html.gz`` wins over ``.gz``).
_SUFFIX_KINDS: tuple[tuple[str, str], ...] = (
    (".warc.gz", "warc"),
    (".jsonl.gz", "jsonl"),
    (".html.gz", "html"),
    (".htm.gz", "html"),
    (".xml.gz", "feed"),
    (".warc", "warc"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".html", "html"),
    (".htm", "html"),
    (".txt", "txt"),
    (".rss", "feed"),
    (".atom", "feed"),
    (".xml", "feed"),
)
_GLOB_CHARS = set("*?[")


def is_url(value: str) -> bool:
    """Whether an input names an http(s) URL rather than a path."""
    return value.lower().startswith(("http://", "https://"))


def kind_from_name(name: str) -> str | None:
    """The input kind a file name's ending announces, or ``None``."""
    lower = name.lower()
    for suffix, kind in _SUFFIX_KINDS:
        if lower.endswith(suffix):
            return kind
    return None


def _wanted_in_folder(path: str, name: str) -> bool:
    kind = kind_from_name(name)
    if kind != "feed" or not name.lower().endswith(".xml"):
        return kind is not None
    from .feeds import sniff_xml_root  # plain .xml counts only when it is a feed or sitemap

    try:
        with open(path, "rb") as f:
            return sniff_xml_root(f.read(4096)) is not None
    except OSError:
        return False


def walk(folder: str) -> Iterator[str]:
    """Article files under ``folder``, recursively, in name order, hidden ones left out."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            yield from walk(entry.path)
        elif _wanted_in_folder(entry.path, entry.name):
            yield entry.path


def expand(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[str | Failure]:
    """Each input expanded to files and URLs, or a :class:`Failure` for one that names nothing."""
    for raw in inputs:
        value = os.fspath(raw)
        if is_url(value):
            yield value
        elif os.path.isdir(value):
            yield from walk(value)
        elif os.path.exists(value):
            yield value
        elif _GLOB_CHARS & set(value):
            matched = False
            for match in sorted(glob.iglob(os.path.expanduser(value), recursive=True)):
                matched = True
                if os.path.isdir(match):
                    yield from walk(match)
                elif not Path(match).name.startswith(".") and os.path.isfile(match):
                    yield match
            if not matched:
                yield Failure(value, "no file matches this pattern")
        else:
            yield Failure(value, "no such file or folder")


def discover(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """The files and URLs that :func:`storyline.ingest.read` would read, lazily."""
    for item in expand(inputs):
        if isinstance(item, str):
            yield item


def read_list(path: str | os.PathLike[str]) -> list[str]:
    """The inputs a list file names, one per line (blank lines and ``#`` comments skipped); a relative
    path is taken from the list's folder, as in a Common Crawl ``warc.paths`` list fetched beside its files.

    Raises :class:`OSError` when the list cannot be read and :class:`UnicodeDecodeError` when it is not text.
    """
    base = Path(path).parent
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            entry = line.strip()
            if not entry or entry.startswith("#"):
                continue
            out.append(entry if is_url(entry) or os.path.isabs(entry) else str(base / entry))
    return out
