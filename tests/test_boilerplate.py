"""Boilerplate lines in article bodies."""

from __future__ import annotations

import json
from pathlib import Path

from storyline.analyze.boilerplate import find_boilerplate
from storyline.model import Span


def test_seed_caption_is_boilerplate(seeds: Path) -> None:
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    for art in gold["articles"]:
        text = (seeds / art["file"]).read_text(encoding="utf-8")
        found = find_boilerplate(text)
        for g in art["boilerplate"]:
            span = Span(*g["span"])
            assert any(s.overlaps(span) for s in found), g["text"]
        # Story paragraphs are never marked.
        for q in art["quotes"]:
            assert not any(s.overlaps(Span(*q["content"])) for s in found)


def test_furniture_lines_marked_story_lines_kept() -> None:
    furniture = [
        "Read more: Why the bridge closed",
        "Share this article",
        "Sign up for our free daily newsletter",
        "Copyright 2019 The Daily Example. All rights reserved.",
        "© 2020 Example Media",
        "Follow Jane Roe on Twitter @janeroe.",
        "(Reporting by Jane Roe; Editing by John Doe)",
        "By Jane Roe and John Doe",
        "Photo: Jane Roe/Getty Images",
    ]
    story = [
        "The council voted 6-1 for the resolution on Wednesday.",
        "Read the full report, which runs to 300 pages, before you judge it, she said.",
        "Republicans’ Long, Uneasy History With Race",
        "Sahar Khoga, 52",
    ]
    text = "\n\n".join(furniture + story)
    found = {text[s.start : s.end] for s in find_boilerplate(text)}
    assert found == set(furniture)
