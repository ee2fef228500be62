"""The store on both backends (SQLite, PostgreSQL): schema, idempotent writes, transactions, search."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from storyline.errors import StorylineError
from storyline.model import Analysis, Article, Mention, Quote, Span, TimeExpression
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


def test_content_id_makes_reinsert_a_noop(store_path):
    store = Store(store_path)
    a = _article(1)
    assert store.add_article(a) is True
    # Same content re-wrapped with other whitespace is the same article.
    b = Article(title="Title 1", text="Body   number 1 about the\nharbour strike.")
    assert b.id == a.id
    assert store.add_article(b) is False
    assert store.count_articles() == 1


def test_transaction_rolls_back_whole_batch(store_path):
    store = Store(store_path)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_article(_article(1))
            store.add_article(_article(2))
            raise RuntimeError("crash mid-batch")
    assert store.count_articles() == 0
    with store.transaction():
        store.add_article(_article(3))
    assert store.count_articles() == 1


def test_fts_search_finds_stemmed_words(store_path):
    store = Store(store_path)
    store.add_article(Article(title="Dockers walk out", text="Harbour workers are striking over pay."))
    store.add_article(Article(title="Markets rally", text="Shares rose sharply."))
    hits = store.search("strike")
    assert [h["title"] for h in hits] == ["Dockers walk out"]
    with pytest.raises(StorylineError, match="search"):
        store.search('"unbalanced')


def test_analysis_roundtrip_and_entity_ids(store_path):
    store = Store(store_path)
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


def test_embedding_roundtrip(store_path):
    store = Store(store_path)
    a = _article(1)
    store.add_article(a)
    v = np.arange(384, dtype=np.float32)
    store.save_embedding(a.id, v)
    assert np.array_equal(store.embedding(a.id), v)


def test_merges_are_followed(store_path):
    store = Store(store_path)
    store.record_merge("th-a", "th-b", "thread", 1)
    store.record_merge("th-b", "th-c", "thread", 2)
    assert store.resolve("th-a") == "th-c"
    assert store.resolve("th-x") == "th-x"


def test_search_syntax_is_the_same_on_both_backends(store_path):
    store = Store(store_path)
    store.add_article(Article(title="Dockers walk out", text="Harbour workers are striking over pay in the port."))
    store.add_article(Article(title="Markets rally", text="Shares rose sharply as the harbour strike ended."))
    store.add_article(Article(title="Weather", text="Rain over the hills; the ferries sail."))

    def titles(query: str) -> list[str]:
        return sorted(h["title"] for h in store.search(query))

    assert titles("strike") == ["Dockers walk out", "Markets rally"]  # stemmed: striking, strike
    assert titles('"harbour strike"') == ["Markets rally"]  # a phrase: the words next to each other
    assert titles("harbour NOT shares") == ["Dockers walk out"]
    assert titles("ferries OR dockers") == ["Dockers walk out", "Weather"]
    assert titles("harb*") == ["Dockers walk out", "Markets rally"]
    assert titles("title:rally") == ["Markets rally"]
    assert titles("(rain OR shares) AND harbour") == ["Markets rally"]
    assert titles("the") == ["Dockers walk out", "Markets rally", "Weather"]  # stop words are words, as in FTS5
    (hit,) = store.search("worker", marks=("<", ">"))
    assert "<workers>" in hit["snippet"]
    for bad in ("(strike", "strike AND", "nosuchcolumn:strike"):
        with pytest.raises(StorylineError, match="search"):
            store.search(bad)


def test_postgres_schema_is_versioned_and_a_newer_one_refused(pg_server, tmp_path, monkeypatch):
    import psycopg

    monkeypatch.setenv("STORYLINE_INDEX_DIR", str(tmp_path))
    url = pg_server.database()
    store = Store(url)
    assert store.version == len(MIGRATIONS)
    assert store.integrity_check() == "ok"
    store.close()
    again = Store(url)  # reopening applies nothing twice
    assert again.version == len(MIGRATIONS)
    again.close()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("UPDATE storyline_schema SET version = %s", (len(MIGRATIONS) + 5,))
    with pytest.raises(StorylineError, match="newer than this storyline"):
        Store(url)


def test_postgres_errors_name_the_store_without_its_password(tmp_path, monkeypatch):
    with pytest.raises(StorylineError, match="cannot connect to PostgreSQL") as caught:
        Store(f"postgresql://reader:s3cret@/nosuchdb?host={tmp_path}")
    assert "s3cret" not in str(caught.value) and "reader@" in str(caught.value)
    monkeypatch.setitem(__import__("sys").modules, "psycopg", None)  # as if the extra were not installed
    with pytest.raises(StorylineError, match=r"storyline\[postgres\]"):
        Store(f"postgresql://reader@/nosuchdb?host={tmp_path}")


def test_postgres_second_writer_waits_and_says_so(pg_server, tmp_path, monkeypatch):
    import threading
    import time

    monkeypatch.setenv("STORYLINE_INDEX_DIR", str(tmp_path))
    url = pg_server.database()
    first, second = Store(url), Store(url)
    said: list[str] = []
    order: list[str] = []
    with first.writer():
        def write() -> None:
            with second.writer(on_wait=said.append):
                order.append("second")
                second.add_article(_article(2))

        worker = threading.Thread(target=write)
        worker.start()
        time.sleep(0.5)
        assert said and "busy" in said[0] and "waiting" in said[0]
        order.append("first")
        first.add_article(_article(1))
    worker.join(10)
    assert order == ["first", "second"]
    assert first.count_articles() == 2
    # Numbers from numpy go in as numbers; bytes come back as bytes.
    first.save_link_features(_article(1).id, np.int64(1), np.int32(3), ["a"], {"terms": {"a": 0.5}}, b"\x00\x01")
    assert first.link_minhash(_article(1).id) == b"\x00\x01"


def test_postgres_user_without_rights_gets_one_clear_error(pg_server):
    import psycopg

    url = pg_server.database()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DO $$ BEGIN CREATE ROLE visitor LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    visitor = url.replace(f"//{pg_server.user}@", "//visitor@")
    with pytest.raises(StorylineError, match="cannot use it as a storyline store.*permission denied"):
        Store(visitor)


def test_a_nul_character_is_stored_and_offsets_hold(store_path):
    store = Store(store_path)
    a = Article(title="Null\x00 title", text="Before\x00after the harbour strike.")
    assert store.add_article(a) is True
    back = store.article(a.id)
    assert back is not None and len(back.text) == len(a.text) and back.text[7:] == a.text[7:]
    assert store.add_article(a) is False  # the id is the input's, so a re-ingest is still a duplicate
    assert [h["id"] for h in store.search("harbour")] == [a.id]


def test_analyses_and_assignments_of_many_articles_in_one_read(store_path):
    store = Store(store_path)
    articles = [_article(n) for n in range(3)]
    with store.transaction():
        store.create_thread("th-1", "t", 1)
        store.create_event("ev-1", "th-1", "t", 1)
        for n, a in enumerate(articles):
            store.add_article(a)
            store.save_analysis(Analysis(article_id=a.id, entities=[Mention(Span(0, 5), "Title", "ORG", f"Org {n}")]))
        store.assign(articles[0].id, 1, "ev-1", "th-1", score=np.float32(0.75))
    ids = [a.id for a in articles] + ["missing"]
    analyses = store.analyses(ids)
    assert set(analyses) == {a.id for a in articles}
    assert all(analyses[a.id] == store.analysis(a.id) for a in articles)
    # the time expressions alone, read out of the stored JSON by the database
    dated = Analysis(article_id=articles[1].id, timexes=[TimeExpression(Span(0, 5), "today", "DATE", "2020-01-02")])
    with store.transaction():
        store.save_analysis(dated)
    timexes = store.timexes(ids)
    assert set(timexes) == {a.id for a in articles}
    assert timexes[articles[1].id] == dated.timexes and timexes[articles[0].id] == []
    assignments = store.assignments(ids)
    assert list(assignments) == [articles[0].id] and assignments[articles[0].id] == store.assignment(articles[0].id)
    assert assignments[articles[0].id]["score"] == pytest.approx(0.75)


def test_postgres_vector_index_lives_in_the_index_folder(pg_server, tmp_path, monkeypatch):
    from storyline.link.index import index_path
    from storyline.store.db import local_base, shown_url

    monkeypatch.setenv("STORYLINE_INDEX_DIR", str(tmp_path / "indexes"))
    url = pg_server.database()
    with Store(url) as store:
        path = index_path(store)
    assert path is not None and path.startswith(str(tmp_path / "indexes") + "/pg-") and path.endswith(".usearch")
    assert (tmp_path / "indexes").is_dir()
    # the password is not part of the name, nor shown
    assert local_base("postgresql://u:one@h/db") == local_base("postgresql://u:two@h/db")
    assert shown_url("postgresql://u:s3cret@h:5432/db?password=x&sslmode=require") == "postgresql://u@h:5432/db?password=***&sslmode=require"
