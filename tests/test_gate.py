"""The regression gate: a figure below its floor fails `storyline eval gate` with exit status 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import InputError
from storyline.evaluation.harness import PRF, Result, check_floors, digest_files, lower_floor


@pytest.fixture()
def small_shared(tmp_path: Path, shared: Path, monkeypatch) -> Path:
    """A shared-data folder holding three TBAQ files only: a small, real timex evaluation."""
    src = sorted((shared / "data" / "timex" / "tbaq" / "TimeBank").glob("*.tml"))[:3]
    dst = tmp_path / "shared" / "data" / "timex" / "tbaq" / "TimeBank"
    dst.mkdir(parents=True)
    for p in src:
        shutil.copy(p, dst / p.name)
    monkeypatch.setenv("STORYLINE_SHARED", str(tmp_path / "shared"))
    return dst


def _floors(path: Path, digest: str, floor: float) -> Path:
    path.write_text(json.dumps({"benchmarks": {"timex": {"data_digest": digest, "floors": {"relaxed_f1": floor}}}}))
    return path


def test_gate_fails_below_a_floor_and_passes_above(small_shared: Path, tmp_path: Path):
    digest, n = digest_files(small_shared.glob("*.tml"))
    assert n == 3
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "gate", "--floors", str(_floors(tmp_path / "none.json", digest, 0.0)), "--json"])
    assert res.exit_code == 0, res.output
    timex = json.loads(res.stdout)
    relaxed = timex["scores"]["relaxed"]["f1"]
    assert timex["data_digest"] == digest and 0 < relaxed <= 1

    high = _floors(tmp_path / "high.json", digest, min(1.0, relaxed + 0.001) if relaxed < 1 else 1.001)
    res = runner.invoke(app, ["eval", "gate", "--floors", str(high)])
    assert res.exit_code == 1, res.output
    assert "timex.relaxed_f1" in res.stderr and "below its floor" in res.stderr

    low = _floors(tmp_path / "low.json", digest, relaxed - 0.001)
    res = runner.invoke(app, ["eval", "gate", "--floors", str(low)])
    assert res.exit_code == 0, res.output
    assert "gate passed" in res.stdout


def test_gate_fails_on_other_data(small_shared: Path, tmp_path: Path):
    floors = _floors(tmp_path / "f.json", "sha256:" + "0" * 64, 0.0)
    res = CliRunner().invoke(app, ["eval", "gate", "--floors", str(floors)])
    assert res.exit_code == 1 and "data digest" in res.stderr


def test_lowering_a_floor_needs_a_reason(tmp_path: Path):
    floors = _floors(tmp_path / "f.json", "", 0.9)
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "gate", "--floors", str(floors), "--lower", "timex.relaxed_f1=0.8"])
    assert res.exit_code == 2 and "--reason" in res.stderr
    res = runner.invoke(app, ["eval", "gate", "--floors", str(floors), "--lower", "timex.relaxed_f1=0.8",
                              "--reason", "the tokenizer changed"])
    assert res.exit_code == 0, res.output
    data = json.loads(floors.read_text())
    assert data["benchmarks"]["timex"]["floors"]["relaxed_f1"] == 0.8
    assert data["lowered"][0]["reason"] == "the tokenizer changed"
    res = runner.invoke(app, ["eval", "gate", "--floors", str(floors), "--lower", "timex.relaxed_f1=0.95", "--reason", "x"])
    assert res.exit_code == 1 and "does not lower" in res.stderr


def test_check_floors_reads_scores_and_figures():
    r = Result("b", scores={"content": PRF(0.5, 1.0)}, figures={"accuracy": 0.9}, data_digest="d")
    floors = {"benchmarks": {"b": {"data_digest": "d", "floors": {"content_f1": 0.7, "accuracy": 0.95}}}}
    assert [b.figure for b in check_floors([r], floors)] == ["content_f1", "accuracy"]
    floors["benchmarks"]["b"]["floors"] = {"content_f1": 0.66, "accuracy": 0.9}
    assert check_floors([r], floors) == []
    with pytest.raises(InputError):
        lower_floor(floors, "b", "missing", 0.1, "r")


def test_the_checked_in_floors_name_fast_benchmarks():
    from storyline.evaluation.benchmarks import registry
    from storyline.evaluation.harness import load_floors

    floors = load_floors(Path(__file__).resolve().parents[1] / "benchmarks" / "floors.json")
    for name, entry in floors["benchmarks"].items():
        assert registry()[name].fast, name
        assert entry["data_digest"].startswith("sha256:") and entry["floors"]
