"""Web archives at scale: several archives or a list of them, counts per archive, cut and corrupt archives."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app
from storyline.ingest.common import Position
from storyline.ingest.reader import read_located
from storyline.ingest.warc import warc_response
from storyline.model import Article

TOPICS = [
    ("Flood waters rise in Dhaka", "The river burst its banks near Dhaka on Monday, officials said. Thousands of families left their homes."),
    ("Strike closes the Ford plant in Detroit", "Workers at the Ford plant in Detroit walked out on Tuesday over pay, the union said."),
    ("Election count begins in Lagos", "Officials in Lagos began counting votes on Wednesday after a day of long queues, observers said."),
]


def html(title: str, body: str, n: int) -> bytes:
    paragraphs = "".join(f"<p>{body} Report {n}, paragraph {i}: the situation was still developing late in the day.</p>" for i in range(5))
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>".encode()


def write_warc(path: Path, first: int, count: int) -> list[bytes]:
    """``count`` HTML responses (and an image between them) as one gzip member per record."""
    members = []
    for n in range(first, first + count):
        title, body = TOPICS[n % len(TOPICS)]
        members.append(gzip.compress(warc_response(f"http://news.test/{n}", html(f"{title} ({n})", body, n), date=f"2020-03-{1 + n % 27:02d}T10:00:00Z")))
        if n == first:
            members.append(gzip.compress(warc_response(f"http://news.test/{n}.png", b"\x89PNG\r\n", content_type="image/png")))
    path.write_bytes(b"".join(members))
    return members


def ingest(args: list[str]) -> dict:
    result = CliRunner().invoke(app, ["ingest", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_positions_stream_through_an_archive(tmp_path: Path) -> None:
    f = tmp_path / "a.warc.gz"
    write_warc(f, 0, 4)
    items = list(read_located([f]))
    positions = [i for i in items if isinstance(i, Position)]
    assert [i.title for i in items if isinstance(i, Article)] == [f"{TOPICS[n % 3][0]} ({n})" for n in range(4)]
    offsets = [p.offset for p in positions]
    assert offsets == sorted(offsets) and positions[-1].offset == f.stat().st_size
    assert (positions[-1].records, positions[-1].pages) == (5, 4)
    assert {p.source for p in positions} == {str(f)}


def test_several_archives_and_a_list_give_counts_per_archive(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.warc.gz", tmp_path / "sub" / "b.warc.gz", tmp_path / "c.warc.gz"
    b.parent.mkdir()
    write_warc(a, 0, 4)
    write_warc(b, 4, 3)
    members = write_warc(c, 2, 4)  # records 2 and 3 are also in a.warc.gz: duplicates
    c.write_bytes(c.read_bytes()[: -len(members[-1]) // 2])  # the last record is cut in the middle
    listing = tmp_path / "warc.paths"
    listing.write_text("# archives\nsub/b.warc.gz\n\nc.warc.gz\nmissing.warc.gz\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    report = ingest([str(a), "--warc-list", str(listing), "--db", db])
    files = report["files"]
    counts = ("records", "pages", "ingested", "duplicates", "failed")
    assert [files[str(a)][k] for k in counts] == [5, 4, 4, 0, 0]
    assert [files[str(b)][k] for k in counts] == [4, 3, 3, 0, 0]
    assert [files[str(c)][k] for k in counts] == [4, 3, 0, 3, 1]  # pages 2, 3 (in a) and 4 (in b); 5 is cut
    assert files[str(c)]["offset"] == files[str(c)]["size"] == c.stat().st_size
    assert files[str(tmp_path / "missing.warc.gz")]["failed"] == 1
    assert report["ingested"] == 7 and report["duplicates"] == 3 and report["failed"] == 2
    (truncated,) = [f for f in report["failures"] if f.startswith(str(c))]
    size = c.stat().st_size
    assert f"truncated (or corrupt) at byte {size}" in truncated and "the 4 records before it were read" in truncated
    # Ingesting the same archives again stores nothing new.
    again = ingest([str(a), str(b), "--db", db])
    assert again["ingested"] == 0 and again["duplicates"] == 7


def test_corrupt_member_names_the_byte_and_keeps_what_was_stored(tmp_path: Path) -> None:
    f = tmp_path / "bad.warc.gz"
    members = write_warc(f, 0, 4)
    data = bytearray(f.read_bytes())
    start = sum(len(m) for m in members[:3])  # the third page's member
    data[start + 30 : start + 60] = b"\xff" * 30
    f.write_bytes(bytes(data))
    report = ingest([str(f), "--db", str(tmp_path / "s.db")])
    assert report["ingested"] == 2  # the pages before the damage
    (failure,) = report["failures"]
    assert failure.startswith(f"{f}: corrupt gzip data at byte ") and "after record 3" in failure
    byte = int(failure.split("at byte ")[1].split()[0])
    assert start <= byte < start + len(members[3])


def test_a_list_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", "--warc-list", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and "nope.txt: cannot read the list of archives" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(app, ["ingest", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and "nothing to ingest" in result.output


def test_ray_engine_without_ray_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    write_warc(tmp_path / "a.warc.gz", 0, 1)
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.warc.gz"), "--engine", "ray", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pip install 'storyline[ray]'" in lines[0]
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.warc.gz"), "--engine", "spark"])
    assert result.exit_code == 1 and "engine: must be one of 'local', 'ray'" in result.output
