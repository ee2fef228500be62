"""The Ray engine: the same store as the local engine, on a local Ray instance of 2 CPUs."""

from __future__ import annotations

import dataclasses
import gzip
import html
import json
import logging
import os
from pathlib import Path

import pytest

from storyline.config import PipelineConfig, StorylineConfig
from storyline.corpus import Corpus
from storyline.ingest.warc import warc_response

ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'storyline[ray]'")

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "wikinews-meantime.jsonl"


@pytest.fixture(scope="module")
def ray_instance():
    """One local Ray instance for the module (starting one takes seconds); the engine uses it as it is."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """24 sample articles as JSON Lines and 8 more as pages of a web archive."""
    folder = tmp_path_factory.mktemp("inputs")
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()[::3][:32]]
    jsonl = folder / "sample.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows[:24]), encoding="utf-8")
    members = []
    for n, r in enumerate(rows[24:]):
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n") if p.strip())
        page = (
            f"<html><head><title>{html.escape(r['title'])}</title></head><body><article><h1>{html.escape(r['title'])}</h1>"
            f"{paragraphs}</article></body></html>"
        )
        members.append(gzip.compress(warc_response(f"http://news.test/{n}", page.encode(), date=f"{r['published'][:10]}T12:00:00Z")))
    archive = folder / "pages.warc.gz"
    archive.write_bytes(b"".join(members))
    return [str(jsonl), str(archive)]


def _config(engine: str, workers: int) -> StorylineConfig:
    return dataclasses.replace(StorylineConfig(), pipeline=PipelineConfig(engine=engine, workers=workers))


def _state(corpus: Corpus) -> tuple[list, list, list]:
    store = corpus.store
    articles = [(a.id, a.published, store.assignment(a.id)["event_id"], store.assignment(a.id)["thread_id"]) for a in corpus.articles()]
    threads = [(t.id, t.article_count, t.event_count) for t in store.threads()]
    events = sorted((e.id, e.article_count) for t in store.threads() for e in store.events(t.id))
    return articles, threads, events


def test_ray_stores_what_the_local_engine_stores(ray_instance, inputs, tmp_path):
    with Corpus(str(tmp_path / "local.db"), _config("local", 1)) as corpus:
        local_report = corpus.ingest(inputs, batch_size=16)
        local = _state(corpus)
    with Corpus(str(tmp_path / "ray.db"), _config("ray", 2)) as corpus:
        ray_report = corpus.ingest(inputs, batch_size=16)
        on_ray = _state(corpus)
        engine = corpus.engine
        assert engine is not None and engine.times.articles == ray_report.ingested
        assert engine.times.by_worker and os.getpid() not in engine.times.by_worker  # analysed in Ray actors
    assert local_report.ingested == ray_report.ingested >= 30 and ray_report.failed == 0
    assert local_report.article_ids == ray_report.article_ids  # the same articles, stored in the same order
    assert local == on_ray  # same dates, events and threads
    assert len(local[1]) > 1  # more than one story: the comparison can fail
    assert {k: dataclasses.astuple(v) for k, v in local_report.files.items()} == {
        k: dataclasses.astuple(v) for k, v in ray_report.files.items()
    }
    # Again on Ray: every article is a duplicate, and the actors skip them without analysing them.
    with Corpus(str(tmp_path / "ray.db"), _config("ray", 2)) as corpus:
        again = corpus.ingest(inputs, batch_size=16)
        assert corpus.engine is not None and corpus.engine.times.articles == 0
    assert again.ingested == 0 and again.duplicates == ray_report.ingested


def test_a_cut_archive_on_ray_keeps_what_was_read(ray_instance, inputs, tmp_path):
    archive = Path(inputs[1])
    cut = tmp_path / "cut.warc.gz"
    data = archive.read_bytes()
    cut.write_bytes(data[: len(data) - 200])
    with Corpus(str(tmp_path / "cut.db"), _config("ray", 2)) as corpus:
        report = corpus.ingest([str(cut)])
        stored = corpus.store.count_articles()
    assert report.ingested == stored == 7  # the eighth page is the one cut
    (failure,) = report.failures
    assert failure.startswith(f"{cut}: archive is truncated (or corrupt) at byte {len(data) - 200}")
    counts = report.files[str(cut)]
    assert (counts.records, counts.ingested, counts.failed) == (7, 7, 1)
