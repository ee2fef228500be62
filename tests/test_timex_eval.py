"""TimeML reading/writing and the TempEval-3 style scorer."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from storyline.analyze.timex import find_timexes
from storyline.evaluation.tempeval import Counts, score_document
from storyline.evaluation.timeml import TimeMLDoc, annotate_directory, read_timeml, write_timeml
from storyline.model import Span, TimeExpression


def _tx(text: str, start: int, end: int, value: str, type_: str = "DATE") -> TimeExpression:
    return TimeExpression(Span(start, end), text[start:end], type_, value)  # type: ignore[arg-type]


def test_round_trip_keeps_text_and_tags(tmp_path: Path) -> None:
    text = 'Sales rose 5% & profits <fell> "last year", on Jan. 4.\n\nThe board met Friday.'
    system = find_timexes(text, "1998-02-06")
    assert [t.text for t in system] == ["last year", "Jan. 4", "Friday"]
    path = tmp_path / "doc.tml"
    write_timeml(TimeMLDoc("doc1", "1998-02-06", text, system), path)
    ET.parse(path)  # well-formed XML
    back = read_timeml(path)
    assert back.text == text
    assert back.dct == "1998-02-06"
    assert [(t.span, t.type, t.value) for t in back.timexes] == [(t.span, t.type, t.value) for t in system]


def test_reads_gold_and_rewrites_a_tbaq_file(shared: Path, tmp_path: Path) -> None:
    src = shared / "data" / "timex" / "tbaq" / "AQUAINT" / "APW19980807.0261.tml"
    gold = read_timeml(src)
    assert gold.dct == "1998-08-07"
    assert [(t.text, t.value) for t in gold.timexes] == [("Friday", "1998-08-07")]
    assert all(gold.text[t.span.start : t.span.end] == t.text for t in gold.timexes)
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    (in_dir / src.name).write_bytes(src.read_bytes())
    assert annotate_directory(in_dir, tmp_path / "out", find_timexes) == 1
    out = read_timeml(tmp_path / "out" / src.name)
    assert out.text == gold.text
    assert 'functionInDocument="CREATION_TIME"' in (out.dct_xml or "")
    assert [(t.text, t.value) for t in out.timexes] == [("Friday", "1998-08-07")]


def test_scorer_on_a_hand_example() -> None:
    text = "Profit fell in the third quarter , said the firm on Friday , and the past two years were bad ."
    q = text.index("the third quarter")
    fr = text.index("Friday")
    py = text.index("the past two years")
    gold = [
        _tx(text, q, q + len("the third quarter"), "1989-Q3"),
        _tx(text, fr, fr + 6, "1989-10-27"),
        _tx(text, py, py + len("the past two years"), "P2Y", "DURATION"),
    ]
    system = [
        _tx(text, q + 4, q + len("the third quarter"), "1989-Q3"),  # relaxed only, right value
        _tx(text, fr, fr + 6, "1989-10-20"),  # strict, wrong value
        _tx(text, text.index("Profit"), text.index("Profit") + 6, "PRESENT_REF"),  # spurious
    ]
    c = score_document(text, gold, system)
    assert (c.gold, c.system, c.strict_system, c.relaxed_system, c.value_correct, c.type_correct) == (3, 3, 1, 2, 1, 2)
    s = {k: v.as_dict() for k, v in c.scores().items()}
    # strict: P = 1/3, R = 1/3; relaxed: P = 2/3, R = 2/3; value: 1 correct of 3 system and 3 gold.
    assert s["strict"]["f1"] == pytest.approx(1 / 3)
    assert s["relaxed"]["precision"] == pytest.approx(2 / 3) and s["relaxed"]["recall"] == pytest.approx(2 / 3)
    assert s["value"]["precision"] == pytest.approx(1 / 3) and s["value"]["f1"] == pytest.approx(1 / 3)
    assert s["type"]["f1"] == pytest.approx(2 / 3)


def test_counts_add_up() -> None:
    a = Counts(gold=2, system=1, relaxed_system=1, relaxed_gold=1, value_correct=1)
    a += Counts(gold=1, system=3, relaxed_system=1, relaxed_gold=1)
    assert a.scores()["relaxed"].as_dict() == pytest.approx({"precision": 0.5, "recall": 2 / 3, "f1": 4 / 7})
