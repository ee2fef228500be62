"""Property-based fuzzing of every reader: any input gives articles or one clear failure, no good JSON line is lost.

Bounded for CI (``STORYLINE_FUZZ_EXAMPLES`` inputs per reader, 400 by default: about 2,800 in all);
the large setting is ``STORYLINE_FUZZ_EXAMPLES=15000`` (over 100,000 inputs across the readers).
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.ingest import Failure, read
from storyline.model import Article

EXAMPLES = int(os.environ.get("STORYLINE_FUZZ_EXAMPLES", "400"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)

#: Fragments that have broken readers before: surrogates, deep nesting, odd dates, odd charsets, odd links.
NASTY = [
    '"\\udfff"', "[" * 3000, "{" * 3000, '"99999-01-01"', "1e400", "-1e400", "99999999999999999999", '"\\u0000"',
    '"<meta charset=idna>"', '"http://example.com:99999/"', '"javascript:alert(1)"', "null", "NaN", "\x00",
]
texty = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from(NASTY)
junk = st.binary(max_size=400) | texty.map(lambda s: s.encode("utf-8", "surrogatepass"))


def _check(items: list) -> list[Article]:
    assert items, "a reader gave nothing at all"
    for item in items:
        assert isinstance(item, (Article, Failure)), item
        if isinstance(item, Failure):
            assert "unexpected error" not in item.reason, item
            assert "\n" not in item.reason.strip(), item
        else:
            item.text.encode("utf-8")  # can be stored
            assert item.id
    return [i for i in items if isinstance(i, Article)]


def _read(name: str, data: bytes) -> list:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        return list(read([path]))


good_record = st.fixed_dictionaries(
    {"title": st.text(min_size=1, max_size=40).filter(str.strip), "text": st.text(min_size=1, max_size=200).filter(str.strip)},
    optional={"published": st.sampled_from(["2015-09-15", "2018-01-02T10:00:00Z", None]), "source": st.text(max_size=20)},
)
bad_line = (junk | st.sampled_from([n.encode() for n in NASTY])).map(lambda b: b.replace(b"\n", b" ").replace(b"\r", b" "))


@FUZZ
@given(st.lists(st.tuples(st.booleans(), good_record, bad_line), min_size=1, max_size=25), st.booleans())
def test_jsonl_keeps_every_good_line(lines, compressed):
    body, good = [], []
    for n, (is_good, record, bad) in enumerate(lines, 1):
        if is_good:
            body.append(json.dumps(record).encode())
            good.append(n)
        else:
            body.append(bad)
    data = b"\n".join(body) + b"\n"
    items = _read("f.jsonl.gz" if compressed else "f.jsonl", gzip.compress(data) if compressed else data)
    articles = _check(items)
    origins = {a.origin.rsplit(":", 1)[1] for a in articles}
    assert {str(n) for n in good} <= origins, (good, items)


@FUZZ
@given(junk)
def test_text_files(data):
    _check(_read("a.txt", data))


@FUZZ
@given(st.one_of(junk, texty.map(lambda s: f"<html><head><title>{s}</title></head><body><p>{s}</p></body></html>".encode("utf-8", "surrogatepass"))))
def test_html_files(data):
    _check(_read("a.html", data))


@FUZZ
@given(junk)
def test_gzipped_html(data):
    _check(_read("a.html.gz", gzip.compress(data)[: max(2, len(data))]))


@FUZZ
@given(junk, st.booleans())
def test_warc_files(data, compressed):
    head = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n"
    blob = head + data
    _check(_read("a.warc.gz" if compressed else "a.warc", gzip.compress(blob)[: len(blob)] if compressed else blob))


@FUZZ
@given(texty, texty)
def test_feeds_and_sitemaps(link, title):
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><item><title>{title}</title><link>{link}</link></item></channel></rss>'
    sitemap = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{link}</loc><lastmod>{title}</lastmod></url></urlset>'
    for name, text in (("f.rss", rss), ("s.xml", sitemap)):
        _check(_read(name, text.encode("utf-8", "surrogatepass")))


@FUZZ
@given(junk)
def test_unnamed_files_are_sniffed(data):
    _check(_read("noext", data))
