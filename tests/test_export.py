"""storyline export: every table in every format reads back with the store's row counts and spans."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import read_seed
from storyline.cli import app
from storyline.corpus import Corpus
from storyline.store import Store


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded_db(request: pytest.FixtureRequest, seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two seed articles in a store of each backend."""
    db = str(tmp_path_factory.mktemp("export") / "seeds.db") if request.param == "sqlite" else request.getfixturevalue("pg_server").database()
    with Corpus(db) as corpus:
        corpus.add([read_seed(seeds, "000_f683f51b366350f9.txt"), read_seed(seeds, "002_11948805ac859076.txt")])
    return db


def _export(db: str, table: str, fmt: str, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(app, ["export", table, *extra, "--format", fmt, "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output


def _read(path: Path, fmt: str) -> list[dict]:
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "csv":
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def _store_spans(db: str) -> tuple[list[tuple], list[tuple]]:
    with Store(db) as store:
        quotes = sorted((q["article_id"], q["start"], q["end"]) for q in store.quotes())
        mentions = sorted((m["article_id"], m["start"], m["end"]) for m in store.export_mentions())
    return quotes, mentions


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_round_trips(seeded_db: str, tmp_path: Path, fmt: str) -> None:
    quotes, mentions = _store_spans(seeded_db)
    assert quotes and mentions
    with Store(seeded_db) as store:
        n_articles = store.count_articles()
        n_threads = len(store.threads())
        thread = store.threads()[0].id
        n_events = len(store.events(thread))
        texts = {a.id: a.text for a in store.articles()}
    counts = {}
    for table in ("articles", "stories", "events", "quotes", "entities"):
        out = tmp_path / f"{table}.{fmt}"
        _export(seeded_db, table, fmt, out)
        counts[table] = _read(out, fmt)
    assert len(counts["articles"]) == n_articles
    assert {r["id"] for r in counts["articles"]} == set(texts)
    assert all(r["text"] == texts[r["id"]] for r in counts["articles"])
    assert len(counts["stories"]) == n_threads
    assert len(counts["events"]) == n_events
    assert sorted((r["article_id"], int(r["start"]), int(r["end"])) for r in counts["quotes"]) == quotes
    assert sorted((r["article_id"], int(r["start"]), int(r["end"])) for r in counts["entities"]) == mentions
    # spans point into the article text
    for r in counts["quotes"]:
        assert texts[r["article_id"]][int(r["start"]) : int(r["end"])] == r["text"]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        schema = pq.read_schema(tmp_path / "quotes.parquet")
        assert str(schema.field("start").type) == "int64" and str(schema.field("end").type) == "int64"
        assert str(pq.read_schema(tmp_path / "articles.parquet").field("published_estimated").type) == "bool"


def test_export_of_one_story_and_its_corrections(seeded_db: str, tmp_path: Path) -> None:
    with Store(seeded_db) as store:
        thread = store.threads()[0].id
        ids = store.story_article_ids(thread)
    out = tmp_path / "articles.csv"
    _export(seeded_db, "articles", "csv", out, thread)
    assert sorted(r["id"] for r in _read(out, "csv")) == sorted(ids)
    corr = tmp_path / "corrections.parquet"
    _export(seeded_db, "corrections", "parquet", corr, thread)
    rows = _read(corr, "parquet")
    assert rows, "the 2018 seed corrects the 2015 claim"
    assert all(isinstance(r["earlier_start"], int) and r["earlier_end"] > r["earlier_start"] for r in rows)
    timeline = tmp_path / "timeline.jsonl"
    _export(seeded_db, "timeline", "jsonl", timeline, thread)
    dates = [r["date"] for r in _read(timeline, "jsonl")]
    assert dates and dates == sorted(dates) and all(r["thread_id"] == thread for r in _read(timeline, "jsonl"))


def test_export_refuses_bad_input(seeded_db: str, tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["export", "articles", "th-nope", "--out", str(tmp_path / "x.jsonl"), "--db", str(seeded_db)])
    assert missing.exit_code == 1 and "th-nope" in missing.output and "Traceback" not in missing.output
    assert not (tmp_path / "x.jsonl").exists()
    table = CliRunner().invoke(app, ["export", "nothing", "--out", str(tmp_path / "x.jsonl"), "--db", str(seeded_db)])
    assert table.exit_code == 2 and "nothing" in table.output
    fmt = CliRunner().invoke(app, ["export", "articles", "--format", "xlsx", "--out", str(tmp_path / "x"), "--db", str(seeded_db)])
    assert fmt.exit_code == 2 and "xlsx" in fmt.output
