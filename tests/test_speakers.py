"""Speakers that can speak: the seeds' quotes get the gold speakers, and addressees, places and things do not speak."""

from __future__ import annotations

import json

import pytest

from conftest import read_seed
from storyline.analyze import Pipeline


@pytest.fixture(scope="module")
def seed_analyses(seeds):
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    arts = [read_seed(seeds, a["file"]) for a in gold["articles"]]
    analyses = {art.source: (art, an) for art, an in Pipeline().pipe(arts)}
    return gold, analyses


def _covering(quotes, start, end):
    return [q for q in quotes if q.content.start < end and start < q.content.end]


def test_seed_quotes_have_the_gold_speakers(seed_analyses):
    gold, analyses = seed_analyses
    checked = 0
    for g in gold["articles"]:
        _art, an = analyses[g["file"]]
        for q in g["quotes"]:
            found = _covering(an.quotes, *q["content"])
            assert found, (g["file"], q["text"])
            assert {f.speaker for f in found} == {q["speaker"]}, (g["file"], q["text"], [f.speaker for f in found])
            checked += 1
    assert checked == sum(len(a["quotes"]) for a in gold["articles"])


@pytest.mark.parametrize(
    "file, content, wrong",
    [
        # Elton John urged Poroshenko: "him" is the addressee, "he" (John) the speaker, not Putin named before.
        ("000_f683f51b366350f9.txt", "him to show more support", "Vladimir Putin"),
        # the couple's expectation; a city named before "they" is neither a group nor a subject.
        ("002_11948805ac859076.txt", "their marriage to be seen as legal", "Moscow"),
        # a law is a thing: it keeps its source span but is no speaker.
        ("002_11948805ac859076.txt", "any marriages conducted abroad", "law"),
    ],
)
def test_seed_sources_that_cannot_be_the_speaker(seed_analyses, file, content, wrong):
    _gold, analyses = seed_analyses
    art, an = analyses[file]
    start = art.text.index(content)
    found = _covering(an.quotes, start, start + len(content))
    assert found, content
    for q in found:
        assert q.speaker != wrong, (content, q.speaker)
    if wrong == "Vladimir Putin":
        assert {q.speaker for q in found} == {"Elton John"}
    if wrong == "law":
        assert {q.speaker for q in found} == {None} and all(q.source is not None for q in found)


def test_they_is_never_one_person_and_a_place_speaks_with_a_speech_cue():
    from storyline.analyze.nlp import nlp
    from storyline.analyze.quotes import find_quotes

    doc = nlp()("Anna Berg flew to Berlin on Monday. They hope that the talks will succeed.")
    (q,) = [q for q in find_quotes(doc) if "talks" in q.text]
    assert q.speaker in (None, "")
    doc = nlp()("Moscow said on Monday that the talks had failed.")
    (q,) = [q for q in find_quotes(doc) if "talks" in q.text]
    assert q.speaker == "Moscow"
    doc = nlp()("Moscow hopes that the talks will succeed.")
    assert all(q.speaker != "Moscow" for q in find_quotes(doc) if "talks" in q.text)
