"""The SQLite store: schema, idempotent writes, transactions, search."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from storyline.errors import StorylineError
from storyline.model import Analysis, Article, Mention, Quote, Span
from storyline.model import entity_id
from storyline.store import Store
from storyline.store.schema import MIGRATIONS


def _article(n: int, **kw) -> Article:
    return Article(title=f"Title {n}", text=f"Body number {n} about the harbour strike.", **kw)


def test_schema_is_versioned_and_wal(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.version == len(MIGRATIONS)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    # Reopening applies nothing twice.
    again = Store(tmp_path / "s.db")
    assert again.version == len(MIGRATIONS)
    assert again.integrity_check() == "ok"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    con.close()
    with pytest.raises(StorylineError, match="newer than this storyline"):
        Store(path)


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorylineError, match="bad.db"):
        Store(bad)


def test_content_id_makes_reinsert_a_noop(tmp_path):
    store = Store(tmp_path / "s.db")
    a = _article(1)
    assert store.add_article(a) is True
    # Same content re-wrapped with other whitespace is the same article.
    b = Article(title="Title 1", text="Body   number 1 about the\nharbour strike.")
    assert b.id == a.id
    assert store.add_article(b) is False
    assert store.count_articles() == 1


def test_transaction_rolls_back_whole_batch(tmp_path):
    store = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_article(_article(1))
            store.add_article(_article(2))
            raise RuntimeError("crash mid-batch")
    assert store.count_articles() == 0
    with store.transaction():
        store.add_article(_article(3))
    assert store.count_articles() == 1


def test_fts_search_finds_stemmed_words(tmp_path):
    store = Store(tmp_path / "s.db")
    store.add_article(Article(title="Dockers walk out", text="Harbour workers are striking over pay."))
    store.add_article(Article(title="Markets rally", text="Shares rose sharply."))
    hits = store.search("strike")
    assert [h["title"] for h in hits] == ["Dockers walk out"]
    with pytest.raises(StorylineError, match="search"):
        store.search('"unbalanced')


def test_analysis_roundtrip_and_entity_ids(tmp_path):
    store = Store(tmp_path / "s.db")
    a = Article(title="t", text="John said it was fine. Elton John agreed.")
    store.add_article(a)
    analysis = Analysis(
        article_id=a.id,
        entities=[Mention(Span(0, 4), "John", "PERSON", "Elton John"), Mention(Span(23, 33), "Elton John", "PERSON", "Elton John")],
        quotes=[Quote(content=Span(10, 21), text="it was fine", kind="indirect", source=Span(0, 4), speaker="Elton John")],
    )
    store.save_analysis(analysis)
    back = store.analysis(a.id)
    assert back == analysis
    ents = store.entities([a.id])
    assert len(ents) == 1 and ents[0]["name"] == "Elton John" and ents[0]["mentions"] == 2
    assert ents[0]["id"] == entity_id("Elton  john", "PERSON")
    assert store.quotes(speaker_id=ents[0]["id"])[0]["text"] == "it was fine"


def test_embedding_roundtrip(tmp_path):
    store = Store(tmp_path / "s.db")
    a = _article(1)
    store.add_article(a)
    v = np.arange(384, dtype=np.float32)
    store.save_embedding(a.id, v)
    assert np.array_equal(store.embedding(a.id), v)


def test_merges_are_followed(tmp_path):
    store = Store(tmp_path / "s.db")
    store.record_merge("th-a", "th-b", "thread", 1)
    store.record_merge("th-b", "th-c", "thread", 2)
    assert store.resolve("th-a") == "th-c"
    assert store.resolve("th-x") == "th-x"
