"""Stories that stay apart: two happenings of one kind are two threads, listed as related stories.

Built from ECB+ (one topic: two similar but distinct happenings, ``ecb`` and ``ecbplus`` files), run
through the real analysis (entities, time expressions), embeddings, store and linker; then the story
view, ``storyline stories --related`` and the API over HTTP show the link and its reason.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
import pytest
from conftest import read_seed
from test_web_support import serve
from typer.testing import CliRunner

from storyline.analyze import Pipeline
from storyline.cli import app
from storyline.embed import article_text_for_embedding, embed
from storyline.evaluation.clustering import load_ecbplus
from storyline.link import Linker, LinkItem
from storyline.model import Article
from storyline.store import Store
from storyline.views import story_view
from storyline.web import create_app

#: an ECB+ topic of two happenings of one kind with different people and places
TOPIC = "3"


def _link(store: Store, linker: Linker, items: list[tuple[Article, object, np.ndarray]]) -> dict[str, str]:
    threads = {}
    for article, analysis, vector in items:
        with store.transaction():
            store.add_article(article)
            store.save_analysis(analysis)  # type: ignore[arg-type]
            store.save_embedding(article.id, vector)
            placed = linker.add(
                LinkItem(
                    article_id=article.id, embedding=vector, title=article.title, text=article.text,
                    published=article.published, entities=[m.canonical for m in analysis.entities],  # type: ignore[attr-defined]
                    mentions=analysis.entities, timexes=analysis.timexes,  # type: ignore[attr-defined]
                )
            )
        threads[article.id] = placed.thread_id
    return threads


@pytest.fixture(scope="module")
def topic(shared: Path, tmp_path_factory) -> dict:
    """One ECB+ topic analysed, embedded, stored and linked in its stream order."""
    docs = [d for d in load_ecbplus(shared / "data") if d.gold.split("/")[0] == TOPIC]
    articles = [Article(id=d.id, title=d.title, text=d.text, published=None, source=d.id) for d in docs]
    analyses = [a for _, a in Pipeline(("boilerplate", "entities", "timexes")).pipe(articles)]
    vectors = embed([article_text_for_embedding(a.title, a.text) for a in articles])
    path = tmp_path_factory.mktemp("related") / "related.db"
    store = Store(path)
    linker = Linker(store)
    threads = _link(store, linker, list(zip(articles, analyses, vectors)))
    linker.close()
    gold = {d.id: d.gold for d in docs}
    yield {"store": store, "path": path, "threads": threads, "gold": gold, "items": list(zip(articles, analyses, vectors))}
    store.close()


def _main_thread(topic: dict, sub: str) -> str:
    store: Store = topic["store"]
    counts = Counter(store.resolve(t) for a, t in topic["threads"].items() if topic["gold"][a].endswith("/" + sub))
    return counts.most_common(1)[0][0]


def test_two_happenings_of_one_kind_stay_two_threads(topic: dict) -> None:
    store: Store = topic["store"]
    first, second = _main_thread(topic, "1"), _main_thread(topic, "2")
    assert first != second
    for aid, tid in topic["threads"].items():  # no thread mixes the two happenings
        here = store.resolve(tid)
        if here in (first, second):
            assert topic["gold"][aid].endswith("/1" if here == first else "/2"), aid


def test_they_are_listed_as_related_stories_with_their_reason(topic: dict) -> None:
    store: Store = topic["store"]
    first, second = _main_thread(topic, "1"), _main_thread(topic, "2")
    related = {r["id"]: r for r in store.related_threads(first)}
    assert second in related
    r = related[second]
    assert 0 < r["score"] <= 1
    assert r["shared"]["terms"], r
    assert "different principal actors and places" in r["reason"]
    back = {x["id"] for x in store.related_threads(second)}
    assert first in back
    view = story_view(store, first)
    assert view is not None and second in {x["id"] for x in view["related"]}


def test_cli_lists_related_stories(topic: dict) -> None:
    first, second = _main_thread(topic, "1"), _main_thread(topic, "2")
    result = CliRunner().invoke(app, ["stories", "--db", str(topic["path"]), "--related", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert second in {r["id"] for r in rows[first]["related"]}
    text = CliRunner().invoke(app, ["stories", "--db", str(topic["path"]), "--related"], env={"COLUMNS": "400"})
    assert text.exit_code == 0, text.output
    assert f"related {second}" in text.output
    assert f"{first} related to {second}" in text.output and "different principal actors" in text.output


def test_api_and_story_page_show_related_stories(topic: dict) -> None:
    first, second = _main_thread(topic, "1"), _main_thread(topic, "2")
    with serve(create_app(topic["path"])) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        answer = client.get(f"/api/threads/{first}/related")
        assert answer.status_code == 200
        assert second in {r["id"] for r in answer.json()}
        assert second in {r["id"] for r in client.get(f"/api/threads/{first}").json()["related"]}
        page = client.get(f"/stories/{first}")
        assert page.status_code == 200 and "Related stories" in page.text and f"/stories/{second}" in page.text


def test_profiles_survive_a_restart(topic: dict, tmp_path: Path) -> None:
    """The snapshot restores the principal profiles a full replay from the store rebuilds."""
    path = tmp_path / "again.db"
    items = topic["items"][:12]
    with Store(path) as store:
        linker = Linker(store)
        _link(store, linker, items)
        linker.close()
        restored = Linker(store)  # from the snapshot
        assert restored.state.threads
        Path(restored.state_path or "").unlink()
        replayed = Linker(store)  # from the store's history
        for tid, th in replayed.state.threads.items():
            again = restored.state.threads[tid]
            for name in ("actors", "places", "when"):
                mine, theirs = getattr(th, name).weights, getattr(again, name).weights
                assert mine.keys() == theirs.keys(), (tid, name)
                assert all(abs(mine[k] - theirs[k]) < 1e-4 for k in mine)
        assert any(th.actors.weights or th.places.weights for th in replayed.state.threads.values())


def test_seeds_still_share_a_thread_with_their_principals(shared: Path, tmp_path: Path) -> None:
    """The seed story (2015, 2018) with 50 unrelated Timeline17 articles between, linked with the analysis'
    entities and time expressions as ingest does: one thread, two events."""
    gold = json.loads((shared / "seeds" / "gold.json").read_text(encoding="utf-8"))
    seeds = [read_seed(shared / "seeds", entry["file"]) for entry in gold["articles"]]
    others = []
    with open(shared / "data" / "timelines" / "t17" / "bpoil_bbc" / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            title, _, body = rec["text"].partition("\n")
            others.append(Article(title=title[:200], text=body, published=rec["time"][:10], source="bbc"))
            if len(others) == 50:
                break
    articles = [seeds[0], *others, seeds[1]]
    analyses = [a for _, a in Pipeline(("boilerplate", "entities", "timexes")).pipe(articles)]
    assert analyses[0].entities and analyses[-1].entities
    vectors = embed([article_text_for_embedding(a.title, a.text) for a in articles])
    with Store(tmp_path / "seeds.db") as store:
        linker = Linker(store)
        _link(store, linker, list(zip(articles, analyses, vectors)))
        first, last = store.assignment(seeds[0].id), store.assignment(seeds[1].id)
        assert first is not None and last is not None
        assert store.resolve(first["thread_id"]) == store.resolve(last["thread_id"])
        assert first["event_id"] != last["event_id"]
        seed_thread = store.resolve(first["thread_id"])
        assert all(store.resolve(store.assignment(a.id)["thread_id"]) != seed_thread for a in others)  # type: ignore[index]
        linker.close()
