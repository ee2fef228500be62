"""The online linker: seeds thread, stable ids, wire copies, index recovery, rollbacks."""

from __future__ import annotations

from conftest import read_seed

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from storyline.embed import article_text_for_embedding, embed
from storyline.link import Linker, LinkItem
from storyline.link.index import index_path
from storyline.model import Article
from storyline.store import Store

T17_BETWEEN = 50


@pytest.fixture(scope="module")
def corpus(shared: Path) -> dict:
    """The two seed articles and 50 Timeline17 articles, with their embeddings."""
    gold = json.loads((shared / "seeds" / "gold.json").read_text(encoding="utf-8"))
    seeds = [read_seed(shared / "seeds", entry["file"]) for entry in gold["articles"]]
    others = []
    path = shared / "data" / "timelines" / "t17" / "bpoil_bbc" / "articles.jsonl"
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            title, _, body = rec["text"].partition("\n")
            others.append(Article(title=title[:200], text=body, published=rec["time"][:10], source="bbc"))
            if len(others) == T17_BETWEEN:
                break
    articles = [seeds[0], *others, seeds[1]]
    vectors = embed([article_text_for_embedding(a.title, a.text) for a in articles])
    return {"articles": articles, "vectors": vectors}


def _item(article: Article, vector: np.ndarray) -> LinkItem:
    return LinkItem(
        article_id=article.id,
        embedding=vector,
        title=article.title,
        text=article.text,
        published=article.published,
        source=article.source,
    )


def ingest(store: Store, linker: Linker, articles: list[Article], vectors: np.ndarray) -> list:
    """Store and link articles one transaction each, as the ingest pipeline does."""
    out = []
    for article, vector in zip(articles, vectors):
        with store.transaction():
            store.add_article(article)
            store.save_embedding(article.id, vector)
            out.append(linker.add(_item(article, vector)))
    return out


def run_stream(corpus: dict, path: str = ":memory:") -> list:
    with Store(path) as store:
        linker = Linker(store)
        result = ingest(store, linker, corpus["articles"], corpus["vectors"])
        linker.close()
    return result


def test_seeds_share_a_thread_but_not_an_event(corpus: dict) -> None:
    result = run_stream(corpus)
    first, last = result[0], result[-1]
    assert first.thread_id == last.thread_id
    assert first.event_id != last.event_id
    # the oil-spill articles in between are another story
    between = {a.thread_id for a in result[1:-1]}
    assert first.thread_id not in between
    assert len({a.event_id for a in result[1:-1]}) > 1


def test_ids_are_stable_and_derived_from_the_first_article(corpus: dict) -> None:
    once, twice = run_stream(corpus), run_stream(corpus)
    assert [(a.event_id, a.thread_id, a.duplicate_of) for a in once] == [
        (a.event_id, a.thread_id, a.duplicate_of) for a in twice
    ]
    assert once[0].event_id == f"ev-{corpus['articles'][0].id}"
    assert once[0].thread_id == f"th-{corpus['articles'][0].id}"


def test_wire_copy_is_a_duplicate_and_not_an_extra_source(corpus: dict) -> None:
    original = corpus["articles"][1]
    copy_text = original.text.replace("said", "stated", 2) + "\nCopyright the wire service."
    copy = Article(title=original.title, text=copy_text, published=original.published, source="other-paper.example")
    vectors = embed([article_text_for_embedding(a.title, a.text) for a in (original, copy)])
    with Store(":memory:") as store:
        linker = Linker(store)
        first, second = ingest(store, linker, [original, copy], vectors)
        assert second.duplicate_of == original.id
        assert (second.event_id, second.thread_id) == (first.event_id, first.thread_id)
        thread = store.thread(first.thread_id)
        assert thread is not None and thread.article_count == 2 and thread.source_count == 1


def test_unrelated_articles_are_not_duplicates(corpus: dict) -> None:
    result = run_stream(corpus)
    assert all(a.duplicate_of is None for a in result[:3])


@pytest.mark.parametrize("damage", ["delete", "truncate", "stale", "ahead"])
def test_index_recovers_after_a_crash(corpus: dict, tmp_path: Path, damage: str) -> None:
    articles, vectors = corpus["articles"], corpus["vectors"]
    expected = run_stream(corpus)
    db = str(tmp_path / "s.db")
    cut = 30
    with Store(db) as store:
        linker = Linker(store)
        ingest(store, linker, articles[:20], vectors[:20])
        linker.close()  # the index on disk now holds 20 articles
        saved = index_path(store)
        assert saved is not None
        shutil.copy(saved, tmp_path / "old.usearch")
        shutil.copy(saved + ".json", tmp_path / "old.json")
        ingest(store, linker, articles[20:cut], vectors[20:cut])
        linker.close()
        if damage == "ahead":
            # the index saw articles whose transaction never committed
            with pytest.raises(RuntimeError):
                with store.transaction():
                    ingest(store, linker, articles[cut : cut + 5], vectors[cut : cut + 5])
                    linker.close()
                    raise RuntimeError("crash before commit")
    # SIGKILL-like: no further save; now damage the index file
    if damage == "delete":
        Path(saved).unlink()
    elif damage == "truncate":
        Path(saved).write_bytes(Path(saved).read_bytes()[:100])
    elif damage == "stale":
        shutil.copy(tmp_path / "old.usearch", saved)
        shutil.copy(tmp_path / "old.json", saved + ".json")
    with Store(db) as store:
        linker = Linker(store)
        assert len(linker.index) == cut
        assert linker.index_action in {"rebuilt", f"caught up {cut - 20}", "loaded"}
        rest = ingest(store, linker, articles[cut:], vectors[cut:])
        linker.close()
        first = [store.assignment(a.id) for a in articles[:cut]]
    got = [(r["event_id"], r["thread_id"]) for r in first] + [(a.event_id, a.thread_id) for a in rest]
    assert got == [(a.event_id, a.thread_id) for a in expected]


def test_rolled_back_links_are_forgotten(corpus: dict) -> None:
    articles, vectors = corpus["articles"], corpus["vectors"]
    expected = run_stream(corpus)
    with Store(":memory:") as store:
        linker = Linker(store)
        ingest(store, linker, articles[:10], vectors[:10])
        with pytest.raises(RuntimeError):
            with store.transaction():
                ingest(store, linker, articles[10:15], vectors[10:15])
                raise RuntimeError("abort the batch")
        assert store.assignment(articles[12].id) is None
        rest = ingest(store, linker, articles[10:], vectors[10:])
    assert [(a.event_id, a.thread_id) for a in rest] == [(a.event_id, a.thread_id) for a in expected[10:]]


def test_adding_an_article_twice_returns_its_assignment(corpus: dict) -> None:
    articles, vectors = corpus["articles"][:3], corpus["vectors"][:3]
    with Store(":memory:") as store:
        linker = Linker(store)
        first = ingest(store, linker, articles, vectors)
        again = ingest(store, linker, articles, vectors)
        assert [(a.seq, a.event_id) for a in first] == [(a.seq, a.event_id) for a in again]
        assert store.next_seq() == 4


def test_reopening_uses_the_state_snapshot_and_matches_a_full_replay(corpus: dict, tmp_path: Path) -> None:
    articles, vectors = corpus["articles"], corpus["vectors"]
    db = str(tmp_path / "s.db")
    with Store(db) as store:
        linker = Linker(store)
        ingest(store, linker, articles[:30], vectors[:30])
        linker.close()
        state = linker.state_path
        assert state is not None and Path(state).is_file()
        snap = Linker(store)  # restored from the snapshot
        assert snap._restore() == 30
        Path(state).unlink()
        full = Linker(store)  # replayed from the store
        assert set(snap.state.threads) == set(full.state.threads) and set(snap.state.events) == set(full.state.events)
        for tid, thread in full.state.threads.items():
            assert np.allclose(snap.state.threads[tid].vsum, thread.vsum)
            assert snap.state.threads[tid].terms.weights.keys() == thread.terms.weights.keys()
        assert snap.state.df.df == full.state.df.df
        rest_a = ingest(store, snap, articles[30:], vectors[30:])
    expected = run_stream(corpus)
    assert [(a.event_id, a.thread_id) for a in rest_a] == [(a.event_id, a.thread_id) for a in expected[30:]]


def test_meantime_demo_threads_follow_its_topics() -> None:
    from collections import Counter

    from storyline.evaluation.clustering import MEANTIME_DEMO, load_meantime
    from storyline.link.stream import link_stream

    docs = load_meantime(Path("unused"), MEANTIME_DEMO)
    vectors = embed([article_text_for_embedding(d.title, d.text) for d in docs])
    result = link_stream([Article(id=d.id, title=d.title, text=d.text, published=d.published) for d in docs], vectors)
    per_thread: dict[str, Counter] = {}
    for doc, a in zip(docs, result):
        per_thread.setdefault(a.thread_id, Counter())[doc.gold] += 1
    # no thread mixes two topics, and each topic has one main thread with most of its articles
    assert all(len(c) == 1 for c in per_thread.values()), per_thread
    for topic, size in Counter(d.gold for d in docs).items():
        assert max(c[topic] for c in per_thread.values()) >= 0.8 * size


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_a_new_turn_joins_the_story_of_its_nearest_article() -> None:
    """A story drifts: a new event close to its latest article joins it, though far from its centroid."""
    from dataclasses import replace

    from storyline.link import LinkConfig

    basis = np.eye(384, dtype=np.float32)
    e1, e2, e3, e4, e5 = basis[:5]
    story = [e1, _unit(e1 + 0.2 * e2), _unit(e1 + 0.2 * e3), _unit(0.6 * e1 + 0.8 * e4)]
    turn = _unit(0.2 * e1 + 0.75 * e4 + 0.63 * e5)  # close to the last article only
    words = ["harbour", "glacier", "violin", "orchard", "comet"]  # no shared terms: embeddings decide
    articles = [
        Article(title=f"{w.title()} report", text=f"{w} " * 30 + w.upper(), published="2020-01-01", source=f"s{i}")
        for i, w in enumerate(words)
    ]

    def run(config: LinkConfig | None) -> list:
        with Store(":memory:") as store:
            return ingest(store, Linker(store, config), articles, np.stack([*story, turn]))

    linked = run(None)
    assert len({a.thread_id for a in linked[:4]}) == 1
    assert linked[4].event_id == f"ev-{articles[4].id}"  # a new event ...
    assert linked[4].thread_id == linked[3].thread_id  # ... in the story of its nearest article
    without = run(replace(LinkConfig(), thread_nearest=1.01))
    assert without[4].thread_id == f"th-{articles[4].id}"  # the centroid alone is too far


def test_articles_without_words_link_to_nothing() -> None:
    """Two pages whose text was lost embed alike, but there is nothing to say they are one story."""
    blank = [Article(title="", text=mark, published=f"2020-01-0{i + 1}", source=f"s{i}") for i, mark in enumerate("*-")]
    assert blank[0].id != blank[1].id
    vectors = np.repeat(embed([""]), 2, axis=0)  # what an empty page embeds to, twice
    with Store(":memory:") as store:
        first, second = ingest(store, Linker(store), blank, vectors)
    assert second.duplicate_of is None
    assert second.event_id != first.event_id and second.thread_id != first.thread_id
