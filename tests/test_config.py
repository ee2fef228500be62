"""One configuration: TOML in and out, errors that name the key, recorded in the store, used by ingest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import storyline
from storyline.analyze import REGISTRY, Pipeline, analyser, check_order
from storyline.config import StorylineConfig
from storyline.errors import StorylineError
from storyline.model import Article

VOTE = Article(
    title="Vote",
    text="Vote\n\nSenator Mary Smith believes the bill will pass. She voted for the measure on Tuesday.",
    published="2020-01-07",
)


def test_toml_round_trip_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('[pipeline]\nattributions = "all"\n\n[link]\nthread_merge = 0.45\n\n[link.event]\nthreshold = 0.5\n')
    config = StorylineConfig.from_toml(path)
    assert config.pipeline.attributions == "all"
    assert config.link.thread_merge == 0.45 and config.link.event.threshold == 0.5
    assert config.link.event.decay_days == StorylineConfig().link.event.decay_days  # untouched keys keep defaults
    again = tmp_path / "again.toml"
    again.write_text(config.to_toml())
    assert StorylineConfig.from_toml(again) == config
    assert StorylineConfig.from_json(config.to_json()) == config


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[pipeline]\nattribution = 'all'\n", "unknown setting 'attribution'"),
        ("[pipeline]\nattributions = 'some'\n", "pipeline: attributions: must be one of"),
        ("[link]\nneighbours = 'many'\n", "link: neighbours: expected a whole number"),
        ("[linker]\n", "unknown setting 'linker'"),
        ("[pipeline\n", "not valid TOML"),
    ],
)
def test_a_bad_file_names_the_key_and_the_problem(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(StorylineError) as err:
        StorylineConfig.from_toml(path)
    assert named in str(err.value) and str(path) in str(err.value)


def test_the_pipeline_checks_the_order_of_its_analysers() -> None:
    check_order(["boilerplate", "sentences", "entities", "timexes", "quotes"])
    with pytest.raises(ValueError, match="'quotes' needs \\['entities'\\]"):
        Pipeline(["boilerplate", "quotes", "entities"])
    with pytest.raises(ValueError, match="unknown analysers"):
        Pipeline(["boilerplate", "nothing"])
    with pytest.raises(ValueError, match="not fields of Analysis"):
        analyser("broken", assigns=("no_such_field",))
    assert "broken" not in REGISTRY


def test_pipe_hands_back_each_article_with_its_analysis() -> None:
    other = Article(title="Other", text="Other\n\nNothing was said here at all.", published="2020-01-08")
    pairs = list(Pipeline().pipe([VOTE, other]))
    assert [a.id for a, _ in pairs] == [VOTE.id, other.id]
    assert all(analysis.article_id == article.id for article, analysis in pairs)


def test_attributions_setting_reaches_the_quotes_analyser() -> None:
    said = {VOTE.text[q.content.start : q.content.end] for q in Pipeline()(VOTE).quotes}
    every = {VOTE.text[q.content.start : q.content.end] for q in Pipeline(attributions="all")(VOTE).quotes}
    assert said == {"the bill will pass"}
    assert said < every and any("measure" in c for c in every)


def test_the_store_records_the_configuration_that_wrote_into_it(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    chosen = StorylineConfig.from_mapping({"pipeline": {"attributions": "all"}, "explain": {"timeline_dates": 4}})
    with storyline.open(db, chosen) as corpus:
        assert corpus.ingest([]).ingested == 0
        assert corpus.store.recorded_config() is None  # nothing written, nothing recorded
        corpus.add([VOTE])
        assert StorylineConfig.from_json(corpus.store.recorded_config() or "") == chosen
        quotes = corpus.store.analysis(VOTE.id).quotes
        assert any("measure" in VOTE.text[q.content.start : q.content.end] for q in quotes)
    with storyline.open(db) as corpus:  # no configuration given: the recorded one
        assert corpus.config == chosen
    with storyline.open(db, StorylineConfig()) as corpus:
        corpus.add([Article(title="Vote again", text=VOTE.text + " She said so.", published="2020-01-08")])
        assert len(corpus.store.config_history()) == 2


def _cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STORYLINE_DB": str(db), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "storyline", *args], capture_output=True, text=True, env=env, timeout=600)


def test_ingest_flags_and_config_command(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    article = tmp_path / "vote.jsonl"
    article.write_text(json.dumps({"title": VOTE.title, "text": VOTE.text, "published": VOTE.published}) + "\n")
    done = _cli("ingest", str(article), "--attributions", "all", db=db)
    assert done.returncode == 0, done.stderr
    shown = _cli("config", "--json", db=db)
    data = json.loads(shown.stdout)
    assert data["source"] == "the store" and data["config"]["pipeline"]["attributions"] == "all"
    toml = tmp_path / "shown.toml"
    toml.write_text(_cli("config", db=db).stdout)
    assert StorylineConfig.from_toml(toml).pipeline.attributions == "all"
    bad = tmp_path / "bad.toml"
    bad.write_text("[pipeline]\nattributions = 3\n")
    failed = _cli("ingest", str(article), "--config", str(bad), db=db)
    assert failed.returncode == 1 and "bad.toml" in failed.stderr and "Traceback" not in failed.stderr
