"""Ingest on several workers: the same store as one process; claims and relations stored at ingest."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from typer.testing import CliRunner

from storyline.config import PipelineConfig, StorylineConfig
from storyline.corpus import Corpus
from storyline.explain.corrections import RuleScorer, corrections_for_thread
from storyline.model import Article

from test_claims import seed_article  # tests/ is on sys.path (no package)

EARLIER, LATER = "000_f683f51b366350f9.txt", "002_11948805ac859076.txt"


def _articles() -> list[Article]:
    topics = ["flood in Dhaka", "election in Lagos", "strike at the Ford plant in Detroit"]
    out = []
    for day in range(1, 7):
        for topic in topics:
            text = (
                f"Officials said on Monday that the {topic} continued for a {day}th day. "
                f"At least {day * 10} people were affected, the mayor told reporters. "
                f"More news about the {topic} is expected later this week."
            )
            out.append(Article(title=f"Update {day} on the {topic}", text=text, published=f"2021-05-{day:02d}", source=f"s{day}"))
    return out


def _ingest(tmp_path: Path, workers: int) -> list[tuple]:
    config = dataclasses.replace(StorylineConfig(), pipeline=PipelineConfig(workers=workers))
    path = tmp_path / f"w{workers}.db"
    source = tmp_path / f"in{workers}.jsonl"
    rows = [{"title": a.title, "text": a.text, "published": a.published, "source": a.source} for a in _articles()]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Corpus(str(path), config) as corpus:
        report = corpus.ingest([str(source)], batch_size=4)
        assert report.ingested == 18 and report.failed == 0
        engine = corpus.engine
        used = len(engine.times.by_worker) if engine else 0
        rows = [(a.id, corpus.store.assignment(a.id)["event_id"], corpus.store.assignment(a.id)["thread_id"]) for a in corpus.articles()]
        n_claims = corpus.store.db.execute("SELECT count(*) FROM claims").fetchone()[0]
    return sorted(rows), used, n_claims


def test_two_workers_store_what_one_stores(tmp_path):
    one, used_one, claims_one = _ingest(tmp_path, 1)
    two, used_two, claims_two = _ingest(tmp_path, 2)
    assert used_one == 0 and used_two >= 1  # the second ran in worker processes
    assert one == two
    assert claims_one == claims_two > 0


def test_stored_relations_are_those_computed_at_read_time(seeds):
    articles = [seed_article(seeds, EARLIER), seed_article(seeds, LATER)]
    with Corpus(":memory:") as corpus:
        corpus.add(articles)
        thread = corpus.store.assignment(articles[0].id)["thread_id"]
        assert corpus.store.related_count([a.id for a in articles]) == 2
        stored = corrections_for_thread(corpus.store, thread)
        computed = corrections_for_thread(corpus.store, thread, scorer=RuleScorer())
        assert [r["label"] for r in stored if r["label"] == "corrects"]
        assert stored == computed
        # Only the labels asked for are read from the store, and they are the same relations.
        ids = [a.id for a in articles]
        every = corpus.store.stored_relations(ids)
        for label in {r.label for r in every} | {"contradicts"}:
            only = corpus.store.stored_relations(ids, labels=[label])
            assert only == [r for r in every if r.label == label]
            assert corrections_for_thread(corpus.store, thread, labels=[label]) == [r for r in stored if r["label"] == label]
        assert corpus.store.stored_relations(ids, labels=[]) == []
        # Recomputing after a rule change gives them back.
        from storyline.explain.corrections import reanalyze

        assert reanalyze(corpus.store) == 2
        assert corrections_for_thread(corpus.store, thread) == stored


def test_workers_flag_is_checked():
    from storyline.cli import app

    result = CliRunner().invoke(app, ["ingest", "x.txt", "--workers", "-1"])
    assert result.exit_code == 2
