"""A PostgreSQL store end to end: concurrent ingests from two machines, a long-lived writer, the server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ["harbour strike", "river flood", "election count", "bridge collapse", "vaccine trial", "forest fire"]


def _records(numbers: range) -> list[dict[str, str]]:
    out = []
    for i in numbers:
        topic = TOPICS[i % len(TOPICS)]
        text = (
            f"Officials said on Monday that the {topic} in district {i % 9} had entered day {i % 17 + 1}. "
            f"Residents of block {i * 7 % 101} told reporters that the {topic} was changing their lives. "
            f"A spokesperson for the council said in statement {i} that more updates on the {topic} would follow."
        )
        out.append({"title": f"Update {i} on the {topic}", "text": text, "published": f"2020-0{i % 3 + 1}-{i % 28 + 1:02d}"})
    return out


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1", **extra}


def assert_story_state_consistent(url: str, expected: int) -> None:
    """Every article stored and assigned once, in an event of its thread; merged-away ids hold nothing."""
    import psycopg

    with psycopg.connect(url) as con:
        one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
        assert one("SELECT count(*), count(DISTINCT id) FROM articles") == (expected, expected)
        for table in ("analyses", "embeddings", "assignments", "link_features"):
            assert one(f"SELECT count(*), count(DISTINCT article_id) FROM {table}") == (expected, expected), table
        # arrival numbers are 1..n without a gap or a repeat
        assert one("SELECT min(seq), max(seq), count(DISTINCT seq) FROM assignments") == (1, expected, expected)
        # every assignment's event exists and belongs to the assignment's thread; every event's thread exists
        assert one("SELECT count(*) FROM assignments s LEFT JOIN events e ON e.id = s.event_id WHERE e.id IS NULL")[0] == 0
        assert one("SELECT count(*) FROM assignments s JOIN events e ON e.id = s.event_id WHERE e.thread_id != s.thread_id")[0] == 0
        assert one("SELECT count(*) FROM events e LEFT JOIN threads t ON t.id = e.thread_id WHERE t.id IS NULL")[0] == 0
        # no dangling merges: a merged-away thread keeps no event or article, and its merge leads to a live thread
        assert one("SELECT count(*) FROM merges m JOIN events e ON e.thread_id = m.old_id")[0] == 0
        assert one("SELECT count(*) FROM merges m JOIN assignments s ON s.thread_id = m.old_id")[0] == 0
        dangling = con.execute(
            """SELECT m.new_id FROM merges m WHERE m.new_id NOT IN (SELECT id FROM threads)
               AND m.new_id NOT IN (SELECT old_id FROM merges)"""
        ).fetchall()
        assert dangling == []


def test_two_concurrent_ingests_from_two_machines_store_each_article_once(pg_server, tmp_path):
    url = pg_server.database()
    first = _write(tmp_path / "a.jsonl", _records(range(0, 40)))
    second = _write(tmp_path / "b.jsonl", _records(range(20, 60)))  # 20 articles in both
    procs = [
        subprocess.Popen(  # one names the store with --db, the other with STORYLINE_DB
            [sys.executable, "-m", "storyline", "ingest", str(src), *(["--db", url] if n == 0 else [])],
            env=_env(STORYLINE_INDEX_DIR=str(tmp_path / f"machine-{n}"), STORYLINE_DB=url if n else "unused.db"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, src in enumerate((first, second))
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    summaries = sorted(out.strip().splitlines()[-1] for out, _ in outputs)
    assert summaries == ["20 ingested, 20 duplicates, 0 failed", "40 ingested, 0 duplicates, 0 failed"], outputs
    assert any("busy" in err and "waiting" in err for _, err in outputs), outputs  # the second said that it waited
    assert all("s3cret" not in err for _, err in outputs)
    assert_story_state_consistent(url, 60)


def test_a_long_lived_writer_rereads_what_another_writer_stored(pg_server, tmp_path, monkeypatch):
    """A writer that held the lock before another one moved the store on reloads its linker state."""
    from storyline.corpus import Corpus
    from storyline.link import Linker

    monkeypatch.setenv("STORYLINE_INDEX_DIR", str(tmp_path / "here"))
    url = pg_server.database()
    records = _records(range(0, 36))
    with Corpus(url) as one:
        assert one.add_records(records[:12]).ingested == 12
        monkeypatch.setenv("STORYLINE_INDEX_DIR", str(tmp_path / "elsewhere"))  # another machine
        with Corpus(url) as other:
            assert other.add_records(records[12:24]).ingested == 12
        monkeypatch.setenv("STORYLINE_INDEX_DIR", str(tmp_path / "here"))
        assert one.add_records(records[24:]).ingested == 12
        with Store(url) as store:
            fresh = Linker(store)
            linker = one.linker
            assert linker.state.next_seq == fresh.state.next_seq == 37
            assert {s: (v.article_id, v.event_id) for s, v in linker.state.seen.items()} == {
                s: (v.article_id, v.event_id) for s, v in fresh.state.seen.items()
            }
            assert len(linker.index) == len(fresh.index) == 36
    assert_story_state_consistent(url, 36)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_serve_reads_a_postgres_store_with_several_workers(pg_server, tmp_path, monkeypatch):
    import storyline
    from storyline.corpus import Corpus

    monkeypatch.setenv("STORYLINE_INDEX_DIR", str(tmp_path / "index"))
    url = pg_server.database()
    with storyline.open(url) as corpus:
        corpus.add_records(_records(range(0, 12)))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", url, "--port", str(port), "--workers", "2"],
        env=_env(STORYLINE_INDEX_DIR=str(tmp_path / "index")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(base + "/api/threads")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"the server did not start: {server.stdout.read() if server.stdout else ''}")
                time.sleep(0.3)
        assert status == 200
        threads = json.loads(body)["threads"]
        assert sum(t["article_count"] for t in threads) == 12
        for _ in range(4):  # requests spread over both workers
            status, page = _get(f"{base}/stories/{threads[0]['id']}")
            assert status == 200 and threads[0]["title"].encode() in page
        status, body = _get(base + "/api/search?q=flood")
        results = json.loads(body)["results"]
        assert status == 200 and results and all("flood" in r["title"] for r in results)
        assert any("[flood]" in r["snippet"] for r in results)
        status, body = _get(base + "/api/search?q=%28flood")
        assert status == 400 and b"search" in body
        # what another writer stores shows on the next request
        with Corpus(url) as corpus:
            corpus.add_records(_records(range(12, 18)))
        status, body = _get(base + "/api/threads?limit=1000")
        assert sum(t["article_count"] for t in json.loads(body)["threads"]) == 18
    finally:
        server.terminate()
        server.wait(20)


def test_a_reader_whose_connection_was_lost_reconnects(pg_server, tmp_path):
    import psycopg
    from fastapi.testclient import TestClient

    from storyline.model import Article
    from storyline.web import create_app

    url = pg_server.database()
    with Store(url) as store:
        for record in _records(range(0, 3)):
            store.add_article(Article(title=record["title"], text=record["text"], published=record["published"]))
    client = TestClient(create_app(url))
    assert client.get("/api/threads").status_code == 200
    with psycopg.connect(url, autocommit=True) as con:  # as a server restart would: every other session ends
        con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid != pg_backend_pid()")
    assert client.get("/api/threads").status_code == 200
    found = client.get("/api/search?q=flood")
    assert found.status_code == 200 and [r["title"] for r in found.json()["results"]] == ["Update 1 on the river flood"]
