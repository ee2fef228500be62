"""End to end through the CLI and the Python API: ingest, idempotence, crash safety, stories."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


import storyline

CLI = [sys.executable, "-m", "storyline"]


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STORYLINE_DB": str(db), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"storyline {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_seed_ingest_is_idempotent(seeds, tmp_path):
    db = tmp_path / "seeds.db"
    files = sorted(str(p) for p in seeds.glob("*.txt"))
    first = run("ingest", *files, db=db)
    assert "2 ingested, 0 duplicates, 0 failed" in first.stdout
    listing = json.loads(run("stories", "--json", db=db).stdout)
    titles = {a for t in listing for a in [t["title"]]}
    assert sum(t["article_count"] for t in listing) == 2
    assert any("Elton John" in t for t in titles)
    again = run("ingest", *files, db=db)
    assert "0 ingested, 2 duplicates, 0 failed" in again.stdout
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_story_shows_articles_entities_and_quotes(seeds, tmp_path):
    db = tmp_path / "seeds.db"
    run("ingest", *sorted(str(p) for p in seeds.glob("*.txt")), db=db)
    thread = json.loads(run("stories", "--json", db=db).stdout)[0]
    view = json.loads(run("story", thread["id"], "--json", db=db).stdout)
    assert view["thread"]["id"] == thread["id"]
    assert len(view["articles"]) == thread["article_count"]
    names = {e["name"] for e in view["entities"]}
    assert {"Elton John", "Vladimir Putin"} <= names
    assert "Elton John" in view["quotes"]
    missing = run("story", "th-nope", db=db, check=False)
    assert missing.returncode == 1 and "th-nope" in missing.stderr


def test_analyze_prints_json_lines_without_a_store(seeds, tmp_path):
    proc = run("analyze", str(seeds / "000_f683f51b366350f9.txt"), "--published", "2015-09-15", db=tmp_path / "none.db")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 1
    doc = lines[0]
    assert doc["published"] == "2015-09-15"
    assert any(e["canonical"] == "Elton John" and e["text"] == "John" for e in doc["entities"])
    assert any(t["value"] == "2015-09-14" for t in doc["timexes"])
    assert not (tmp_path / "none.db").exists()


def test_analyze_can_report_every_attribution(seeds, tmp_path):
    path = seeds / "002_11948805ac859076.txt"
    text = path.read_text(encoding="utf-8")

    def cues(*extra: str) -> list[tuple[str, str]]:
        proc = run("analyze", str(path), *extra, db=tmp_path / "none.db")
        quotes = json.loads(proc.stdout.splitlines()[0])["quotes"]
        return [(text[slice(*q["cue"])], text[slice(*q["content"])]) for q in quotes]

    said, every = cues(), cues("--attributions", "all")
    assert {c for c, _ in said} <= {c for c, _ in every}
    assert ("introducing", "the ‘gay propaganda’ law") in every  # an action, not something said
    assert all(cue != "introducing" for cue, _ in said)
    assert any(content.startswith("“We met") for _, content in every)  # direct quotations keep their marks
    bad = run("analyze", str(path), "--attributions", "every", db=tmp_path / "none.db", check=False)
    assert bad.returncode == 2 and "--attributions" in bad.stderr


def test_python_api(seeds, tmp_path):
    with storyline.open(str(tmp_path / "api.db")) as corpus:
        report = corpus.ingest([str(p) for p in sorted(seeds.glob("*.txt"))])
        assert (report.ingested, report.duplicates, report.failed) == (2, 0, 0)
        threads = corpus.stories()
        assert sum(t.article_count for t in threads) == 2
        view = corpus.story(threads[0].id)
        assert view is not None and view["articles"]
        assert corpus.search("Putin")


def _synthetic_jsonl(path: Path, n: int) -> None:
    topics = ["harbour strike", "river flood", "election count", "bridge collapse", "vaccine trial"]
    with path.open("w") as out:
        for i in range(n):
            topic = topics[i % len(topics)]
            text = (
                f"Officials said on Monday that the {topic} in district {i} had entered day {i % 17 + 1}. "
                f"Residents of block {i * 7 % 101} told reporters that conditions were changing. "
                f"A spokesperson for the council, speaking in statement {i}, said more updates would follow."
            )
            out.write(json.dumps({"title": f"Update {i} on the {topic}", "text": text, "published": f"2020-01-{i % 28 + 1:02d}"}) + "\n")


def test_sigkill_mid_ingest_then_rerun_stores_each_article_once(tmp_path):
    src = tmp_path / "five-hundred.jsonl"
    _synthetic_jsonl(src, 500)
    db = tmp_path / "kill.db"
    env = {**os.environ, "STORYLINE_DB": str(db), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([*CLI, "ingest", str(src)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
                con.close()
            except sqlite3.Error:
                continue
            if stored >= 64:
                break
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < stored < 500
    rerun = run("ingest", str(src), db=db)
    assert "failed" in rerun.stdout
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (500, 500)
    # Every article is analysed, embedded and assigned exactly once.
    for table in ("analyses", "embeddings", "assignments"):
        assert con.execute(f"SELECT count(*), count(DISTINCT article_id) FROM {table}").fetchone() == (500, 500), table


def test_bad_inputs_get_one_line_each_and_the_batch_goes_on(seeds, tmp_path):
    db = tmp_path / "bad.db"
    run("ingest", str(seeds / "000_f683f51b366350f9.txt"), db=db)  # something already stored
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (bad / "latin1.txt").write_bytes("Caf\u00e9 owners protest\n\nThe caf\u00e9 owners marched on Friday.".encode("latin-1"))
    import gzip

    (bad / "cut.warc.gz").write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\nHTTP/1.1 200")[:-12])
    (bad / "feed.rss").write_text("<?xml version='1.0'?><rss><channel><title>Broken feed<titl")
    with (bad / "huge.txt").open("wb") as out:
        out.write(b"Huge\n\ntext")
        out.truncate(50 * 1024 * 1024)
    good = tmp_path / "good.txt"
    good.write_text("Harbour strike ends\n\nDock workers in Rotterdam ended their strike on Tuesday, the union said.")
    unreachable = "http://127.0.0.1:9/article"  # the discard port: nothing listens
    proc = run("ingest", str(bad), str(good), unreachable, "--allow-private", db=db)
    failures = [line for line in proc.stderr.splitlines() if line.startswith("skipped")]
    for name in ("empty.txt", "binary.txt", "cut.warc.gz", "feed.rss", "huge.txt", unreachable):
        lines = [f for f in failures if name in f]
        assert len(lines) == 1, (name, proc.stderr)
        assert len(lines[0].split(": ", 1)[1]) > 5  # a reason follows the input's name
    assert "2 ingested, 0 duplicates, 6 failed" in proc.stdout  # latin1.txt is read with replacement characters
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM articles WHERE title LIKE 'Elton John%'").fetchone()[0] == 1


def test_story_and_timeline_of_the_seed_thread(seeds, tmp_path):
    from conftest import read_seed

    src = tmp_path / "seeds.jsonl"
    with src.open("w") as out:
        for name in ("000_f683f51b366350f9.txt", "002_11948805ac859076.txt"):
            a = read_seed(seeds, name)
            out.write(json.dumps({"title": a.title, "text": a.text, "published": a.published, "source": name}) + "\n")
    db = tmp_path / "thread.db"
    run("ingest", str(src), db=db)
    (thread,) = json.loads(run("stories", "--json", db=db).stdout)
    assert thread["article_count"] == 2 and thread["event_count"] == 2
    view = json.loads(run("story", thread["id"], "--json", db=db).stdout)
    fixes = [c for c in view["corrections"] if c["label"] == "corrects"]
    assert fixes and fixes[0]["earlier"]["published"] == "2015-09-15" and "tricked" in fixes[0]["later"]["text"]
    text = run("story", thread["id"], db=db).stdout
    assert "corrects" in text and "tricked" in text
    timeline = json.loads(run("timeline", thread["id"], "--dates", "3", "--json", db=db).stdout)
    days = [d for d, _ in timeline]
    assert "2015-09-14" in days  # "yesterday" in the 2015 article: an event date, not a publication date
    assert all(sentences for _, sentences in timeline)
    both = run("timeline", thread["id"], "--jsonl", str(src), db=db, check=False)
    assert both.returncode == 2 and "either" in both.stderr
