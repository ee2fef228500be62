"""Ingest from local inputs: text, JSON Lines, HTML, WARC, folders and globs, and bad inputs."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from storyline.ingest import MAX_TEXT_BYTES, Failure, count_hint, discover, read
from storyline.model import Article

PARAGRAPH = (
    "The city council voted on Tuesday to approve the new budget after a long debate about funding for "
    "public transport, schools and the repair of old bridges across the river. "
)


def page(title: str, body_sentences: int = 6, date: str | None = None) -> str:
    """A small news page that trafilatura can extract."""
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    paragraphs = "".join(f"<p>{PARAGRAPH} Paragraph {i} of {title}.</p>" for i in range(body_sentences))
    return (
        f"<html><head><title>{title}</title>{meta}</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Contact us</footer></body></html>"
    )


def split(items) -> tuple[list[Article], list[Failure]]:
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Failure)]


# --- plain text ---------------------------------------------------------------------------------


def test_seed_text_files_keep_offsets(seeds: Path) -> None:
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    articles, failures = split(read([seeds / "000_f683f51b366350f9.txt", seeds / "002_11948805ac859076.txt"]))
    assert not failures
    first = articles[0]
    assert first.title == gold["articles"][0]["title"]
    assert first.published is None
    for art, entry in zip(articles, gold["articles"]):
        raw = (seeds / entry["file"]).read_text(encoding="utf-8")
        assert art.text == raw.rstrip("\n")
        assert "file_offset" not in art.meta
        for quote in entry["quotes"]:
            start, end = quote["content"]
            assert art.text[start:end] == quote["text"]


def test_text_title_and_blank_lines(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"\n\n  Headline here  \r\n\r\n\r\nFirst para.\r\n\r\n  Second para.  \r\n\r\n\r\n")
    (art,) = read([f])
    assert art.title == "Headline here"
    assert art.text == "  Headline here  \n\n\nFirst para.\n\n  Second para.  "
    assert art.meta["file_offset"] == 2
    assert art.origin == str(f)


def test_empty_and_whitespace_files_fail(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\n \n\t\n")
    (tmp_path / "title_only.txt").write_text("Just a title\n\n")
    articles, failures = split(read([tmp_path]))
    assert not articles
    reasons = {Path(f.origin).name: f.reason for f in failures}
    assert "empty file" in reasons["empty.txt"]
    assert "whitespace" in reasons["blank.txt"]
    assert "no text after the title" in reasons["title_only.txt"]
    assert all(str(f).startswith(f.origin + ": ") for f in failures)


def test_binary_renamed_txt_fails(tmp_path: Path) -> None:
    f = tmp_path / "photo.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    (failure,) = read([f])
    assert isinstance(failure, Failure)
    assert "PNG" in failure.reason and failure.origin == str(f)


def test_invalid_utf8_is_replaced_and_counted(tmp_path: Path) -> None:
    f = tmp_path / "latin.txt"
    f.write_bytes("Caf\u00e9 title\n\nThe caf\u00e9 opened. Stra\u00dfe.".encode("latin-1"))
    (art,) = read([f])
    assert isinstance(art, Article)
    assert art.text == "Caf\ufffd title\n\nThe caf\ufffd opened. Stra\ufffde."
    assert art.meta["decode_errors"] == 3


def test_huge_text_file_refused_without_reading(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    with f.open("wb") as out:  # a sparse 50 MB file: cheap to make, slow to read
        out.write(b"Title\n\nText")
        out.truncate(50 * 1024 * 1024)
    t = time.perf_counter()
    (failure,) = read([f])
    assert time.perf_counter() - t < 1.0
    assert isinstance(failure, Failure)
    assert "50.0 MB" in failure.reason and "limit" in failure.reason
    ok = tmp_path / "ok.txt"
    ok.write_text("Title\n\n" + "x" * (MAX_TEXT_BYTES - 100))
    (art,) = read([ok])
    assert isinstance(art, Article)


# --- folders and globs ---------------------------------------------------------------------------


def test_folder_recursion_skips_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b.txt").write_text("B\n\nbody b")
    (tmp_path / "sub" / "a.txt").write_text("A\n\nbody a")
    (tmp_path / "sub" / "deeper" / "c.html").write_text(page("Deep page"))
    (tmp_path / ".secret.txt").write_text("S\n\nhidden")
    (tmp_path / ".hidden" / "d.txt").write_text("D\n\nhidden too")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "notes.xml").write_text("<TimeML><TEXT>not a feed</TEXT></TimeML>")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["b.txt", "sub/a.txt", "sub/deeper/c.html"]
    articles, failures = split(read([tmp_path]))
    assert not failures
    assert [a.title for a in articles] == ["B", "A", "Deep page"]
    assert count_hint([tmp_path]) == 3


def test_explicit_file_with_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text("A title\n\nSome text.")
    (tmp_path / "page.dat").write_text(page("Sniffed page"))
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    (text, html, failure) = read([tmp_path / "story.md", tmp_path / "page.dat", tmp_path / "blob.bin"])
    assert text.title == "A title"
    assert html.title == "Sniffed page" and "Paragraph 3" in html.text
    assert isinstance(failure, Failure) and "binary" in failure.reason


def test_globs_and_missing_inputs(tmp_path: Path) -> None:
    for name in ("x1.txt", "x2.txt", "y.txt"):
        (tmp_path / name).write_text(f"{name}\n\ntext of {name}")
    items = list(read([str(tmp_path / "x*.txt"), str(tmp_path / "nothing*.txt"), str(tmp_path / "gone.txt")]))
    assert [i.title for i in items[:2]] == ["x1.txt", "x2.txt"]
    assert isinstance(items[2], Failure) and "no file matches" in items[2].reason
    assert isinstance(items[3], Failure) and "no such file" in items[3].reason


def test_folder_of_ten_thousand_files_streams(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"{i:05d}.txt").write_text(f"Title {i}\n\nBody of article {i}.")
    t = time.perf_counter()
    stream = read([folder])
    first = next(stream)
    assert time.perf_counter() - t < 2.0, "the first article must come before the whole folder is read"
    assert first.title == "Title 0"
    rest = list(stream)
    elapsed = time.perf_counter() - t
    assert len(rest) == 9_999 and all(isinstance(a, Article) for a in rest)
    assert rest[-1].title == "Title 9999"
    assert elapsed < 30, f"10,000 small files took {elapsed:.1f} s"


# --- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_lines_and_failures(tmp_path: Path) -> None:
    f = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "title": "First", "text": "Body one.", "published": "2020-05-01", "source": "Wire"}),
        "{not json",
        json.dumps({"title": "No body"}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"text": "Dated badly.", "published": "someday"}),
        json.dumps({"html": page("From HTML", date="2021-02-03"), "url": "https://example.com/x"}),
        json.dumps({"id": "572", "time": "2010-01-25", "text": "Timeline text line one .\nLine two ."}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read([f]))
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Failure", "Failure", "Failure", "Article", "Article"]
    first, bad_json, no_body, not_object, bad_date, from_html, t17 = items
    assert (first.title, first.published, first.source, first.meta["id"]) == ("First", "2020-05-01", "Wire", "a1")
    assert first.origin == f"{f}:1"
    assert bad_json.origin == f"{f}:2" and "invalid JSON" in bad_json.reason
    assert no_body.origin == f"{f}:3" and "'text' or 'html'" in no_body.reason
    assert not_object.origin == f"{f}:5" and "JSON object" in not_object.reason
    assert bad_date.origin == f"{f}:6" and "someday" in bad_date.reason
    assert from_html.title == "From HTML" and from_html.url == "https://example.com/x"
    assert from_html.published == "2021-02-03" and "Paragraph 2" in from_html.text
    assert t17.published == "2010-01-25" and t17.title == "Timeline text line one ." and t17.meta["id"] == "572"
    assert t17.text.endswith("Line two .")


def test_jsonl_gz_and_timeline17(tmp_path: Path, shared: Path) -> None:
    f = tmp_path / "b.jsonl.gz"
    with gzip.open(f, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"title": "Zipped", "text": "Inside gzip."}) + "\n")
    (art,) = read([f])
    assert art.title == "Zipped"
    t17 = shared / "data" / "timelines" / "t17" / "haiti_bbc" / "articles.jsonl"
    n_lines = sum(1 for line in t17.open(encoding="utf-8") if line.strip())
    articles, failures = split(read([t17]))
    assert len(articles) + len(failures) == n_lines
    assert len(articles) > 0.9 * n_lines
    assert all(a.published and len(a.published) == 10 for a in articles)
    assert all(":" in f.origin and f.origin.startswith(str(t17)) for f in failures)
    estimate = count_hint([t17])
    assert estimate is not None and 0.8 * n_lines <= estimate <= 1.2 * n_lines


def test_truncated_jsonl_gz(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(json.dumps({"text": f"line {i} " * 50}).encode() + b"\n" for i in range(200)))
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(data[: len(data) // 2])
    articles, failures = split(read([f]))
    assert 0 < len(articles) < 200
    assert len(failures) >= 1 and failures[-1].origin == str(f) and "truncated" in failures[-1].reason


# --- WARC ----------------------------------------------------------------------------------------


def warc_record(uri: str, payload: bytes, *, status: str = "200 OK", ctype: str = "text/html; charset=utf-8") -> bytes:
    from storyline.ingest.warc import warc_response

    return warc_response(uri, payload, status=status, content_type=ctype)


def make_warc(path: Path, gz: bool = True) -> list[bytes]:
    records = [
        warc_record("http://news.test/a", page("Story A", date="2018-01-02").encode()),
        warc_record("http://news.test/logo.png", b"\x89PNG....", ctype="image/png"),
        warc_record("http://news.test/gone", b"<html>not found</html>", status="404 Not Found"),
        warc_record("http://news.test/b", page("Story B").encode()),
        warc_record("http://news.test/c", page("Story C").encode()),
    ]
    members = [gzip.compress(r) if gz else r for r in records]
    path.write_bytes(b"".join(members))
    return members


def test_warc_reads_html_responses(tmp_path: Path) -> None:
    f = tmp_path / "crawl.warc.gz"
    make_warc(f)
    articles, failures = split(read([f]))
    assert not failures
    assert [a.title for a in articles] == ["Story A", "Story B", "Story C"]
    a, b, _ = articles
    assert a.origin == f"{f}#http://news.test/a" and a.url == "http://news.test/a"
    assert a.published == "2018-01-02"  # from the page
    assert b.published.startswith("2019-03-04") and b.meta["published_from"] == "WARC-Date"
    plain = tmp_path / "crawl.warc"
    make_warc(plain, gz=False)
    assert [a.title for a in split(read([plain]))[0]] == ["Story A", "Story B", "Story C"]


@pytest.mark.parametrize("cut", [0.5, 0.95])
def test_truncated_warc_keeps_what_was_read(tmp_path: Path, cut: float) -> None:
    f = tmp_path / "cut.warc.gz"
    members = make_warc(f)
    data = f.read_bytes()
    keep = len(data) - int(len(members[-1]) * cut)
    f.write_bytes(data[:keep])
    articles, failures = split(read([f]))
    assert [a.title for a in articles] == ["Story A", "Story B"]
    assert failures and "truncated" in failures[-1].reason
    assert failures[-1].origin.startswith(str(f))


def test_not_a_warc(tmp_path: Path) -> None:
    f = tmp_path / "fake.warc.gz"
    f.write_bytes(gzip.compress(b"hello, this is not an archive\n" * 10))
    (failure,) = read([f])
    assert isinstance(failure, Failure) and "WARC" in failure.reason


def test_text_title_skips_a_photo_caption_above_the_story(seeds: Path) -> None:
    (art,) = read([seeds / "002_11948805ac859076.txt"])
    assert art.text.startswith("12th YES Annual Meeting, Kyiv, Ukraine\n")  # kept in the text: offsets hold
    assert art.title.startswith("Since introducing the")
