"""Stance detection: FNC-1 scoring, the decision rule, the library API and the ``stance`` command."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.evaluation.fnc1 import confusion, fnc_score, per_class_f1, relative_score
from storyline.explain.stance import LABELS, decide, predict_stance, predict_stances

HEADLINE = "Apple to launch a new iPhone with a foldable screen next month"
FILLER = (
    " Analysts have long expected the company to refresh its line-up. Shares of the company closed slightly"
    " higher on Wednesday. The smartphone market has slowed in recent years. Samsung and Huawei already sell"
    " phones with folding displays. Apple is due to report quarterly earnings in two weeks."
)
DENIAL = (
    "Apple has denied reports that it will launch a new iPhone with a foldable screen next month."
    " The company said the story was fake." + FILLER
)
CONFIRMATION = "Apple will launch a new iPhone with a foldable screen next month, the company confirmed on Tuesday." + FILLER
OFF_TOPIC = (
    "A cat that was buried by its owner clawed its way out of the grave five days later, a Florida animal"
    " charity said. The cat was found in a neighbour's yard and is recovering well."
)


def test_fnc_score_by_hand():
    gold = ["agree", "unrelated", "discuss", "disagree"]
    pred = ["agree", "unrelated", "agree", "unrelated"]
    # exact related 1.0, unrelated 0.25, related-but-wrong 0.25, related called unrelated 0
    assert fnc_score(gold, pred) == pytest.approx(1.5)
    assert fnc_score(gold, gold) == pytest.approx(3.25)
    assert relative_score(gold, pred) == pytest.approx(1.5 / 3.25)
    assert relative_score(gold, gold) == pytest.approx(1.0)


def test_confusion_and_f1():
    gold = ["agree", "agree", "disagree", "unrelated"]
    pred = ["agree", "discuss", "disagree", "disagree"]
    m = confusion(gold, pred)
    assert m[LABELS.index("agree"), LABELS.index("discuss")] == 1
    assert m.sum() == 4
    f1 = per_class_f1(m)
    assert f1["agree"] == pytest.approx(2 / 3)  # P 1, R 1/2
    assert f1["disagree"] == pytest.approx(2 / 3)  # P 1/2, R 1
    assert f1["unrelated"] == 0.0


def test_decision_maximises_expected_score():
    # expected gain of calling the best related class: 0.25 * P(related) + 0.75 * P(class); of unrelated: 0.25 * P(unrelated)
    p = np.array([[0.15, 0.15, 0.15, 0.55], [0.40, 0.0, 0.0, 0.60], [0.0, 0.0, 0.1, 0.9]])
    labels = [LABELS[i] for i in decide(p)]
    assert labels == ["agree", "agree", "unrelated"]  # .225 > .1375; .4 > .15; .1 < .225


def test_denial_is_disagree_and_ranks_above_confirmation():
    (label_deny, _), (label_conf, _) = predict_stances([HEADLINE, HEADLINE], [DENIAL, CONFIRMATION])
    assert label_deny == "disagree"
    assert label_conf in {"agree", "discuss"}
    from storyline.explain.stance import _shipped_model

    proba = _shipped_model().predict_proba([HEADLINE, HEADLINE], [DENIAL, CONFIRMATION])
    d = LABELS.index("disagree")
    assert proba[0, d] > proba[1, d]


def test_off_topic_body_is_unrelated():
    label, score = predict_stance(HEADLINE, OFF_TOPIC)
    assert label == "unrelated" and 0.5 < score <= 1.0


def _write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_stance_cli_round_trip(tmp_path):
    bodies, pairs, out = tmp_path / "bodies.csv", tmp_path / "stances.csv", tmp_path / "out.csv"
    _write_csv(bodies, ["Body ID", "articleBody"], [["1", DENIAL], ["2", CONFIRMATION], ["3", OFF_TOPIC]])
    rows = [[HEADLINE, "1"], [HEADLINE, "2"], [HEADLINE, "3"], ["Zombie cat claws its way out of grave", "3"]]
    _write_csv(pairs, ["Headline", "Body ID"], rows)
    result = CliRunner().invoke(app, ["stance", "--pairs", str(pairs), "--bodies", str(bodies), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [(r["Headline"], r["Body ID"]) for r in got] == [tuple(r) for r in rows]
    assert all(r["Stance"] in LABELS for r in got)
    assert got[2]["Stance"] == "unrelated"
    assert got[3]["Stance"] != "unrelated"


def test_stance_cli_reports_unknown_body(tmp_path):
    bodies, pairs = tmp_path / "bodies.csv", tmp_path / "stances.csv"
    _write_csv(bodies, ["Body ID", "articleBody"], [["1", DENIAL]])
    _write_csv(pairs, ["Headline", "Body ID"], [[HEADLINE, "7"]])
    result = CliRunner().invoke(app, ["stance", "--pairs", str(pairs), "--bodies", str(bodies)])
    assert result.exit_code == 1
    assert "7" in result.output
