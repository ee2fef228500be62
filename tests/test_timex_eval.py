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


def test_a_gold_expression_split_in_two_is_recalled_once() -> None:
    text = "Deliveries run from 2009 to 2011 at the plant."
    start = text.index("from")
    gold = [_tx(text, start, start + len("from 2009 to 2011"), "P2Y", "DURATION")]
    system = [_tx(text, text.index("2009"), text.index("2009") + 4, "2009"), _tx(text, text.index("2011"), text.index("2011") + 4, "P2Y", "DURATION")]
    s = {k: v.as_dict() for k, v in score_document(text, gold, system).scores().items()}
    assert s["type"]["recall"] == pytest.approx(1.0) and s["type"]["precision"] == pytest.approx(0.5)
    assert s["value"]["recall"] == pytest.approx(1.0) and s["value"]["precision"] == pytest.approx(0.5)
    two_right = [_tx(text, text.index("2009"), text.index("2009") + 4, "P2Y", "DURATION"), system[1]]
    assert score_document(text, gold, two_right).scores()["type"].as_dict()["recall"] == pytest.approx(1.0)  # not 2.0


def test_meantime_cat_files_are_read_for_their_annotated_sentences(tmp_path) -> None:
    from storyline.evaluation.timeml import MEANTIME_TIMEX_SENTENCES, read_corpus

    words = [(s, w) for s in range(MEANTIME_TIMEX_SENTENCES + 2) for w in (["Sales", "rose", "on", "Monday", "."] if s in (1, MEANTIME_TIMEX_SENTENCES + 1) else ["It", "rained", "."])]
    tokens = "".join(f'<token number="{i}" sentence="{s}" t_id="{i + 1}">{w}</token>' for i, (s, w) in enumerate(words))
    monday = [i + 1 for i, (s, w) in enumerate(words) if w == "Monday"]
    markables = (
        '<TIMEX3 functionInDocument="CREATION_TIME" m_id="1" type="DATE" value="2009-05-14"></TIMEX3>'
        + "".join(f'<TIMEX3 functionInDocument="NONE" m_id="{k + 2}" type="DATE" value="2009-05-11"><token_anchor t_id="{t}"/></TIMEX3>' for k, t in enumerate(monday))
    )
    folder = tmp_path / "corpus_x"
    folder.mkdir()
    (folder / "1_doc.xml").write_text(f'<?xml version="1.0" ?><Document doc_id="1" lang="en">{tokens}<Markables>{markables}</Markables></Document>')
    [(corpus, doc)] = read_corpus(tmp_path)
    assert corpus == "corpus_x" and doc.dct == "2009-05-14"
    assert doc.text.count("\n") == MEANTIME_TIMEX_SENTENCES - 1  # the title and five sentences, nothing after
    assert [(t.text, t.value) for t in doc.timexes] == [("Monday", "2009-05-11")]  # the one past sentence 5 is cut with its text
