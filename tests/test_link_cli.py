"""``storyline cluster``: JSONL in, one assignment per article out, in input order."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app


def test_cluster_command_links_a_jsonl_stream(seeds: Path, tmp_path: Path) -> None:
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    records = []
    for n, entry in enumerate(reversed(gold["articles"])):  # later article first: the command sorts by date
        text = (seeds / entry["file"]).read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        records.append({"id": f"a{n}", "title": title, "text": body, "published": entry["published"]})
    records.append({"id": "copy", "title": records[1]["title"], "text": records[1]["text"] + " (AP)",
                    "time": gold["articles"][0]["published"]})
    infile = tmp_path / "in.jsonl"
    infile.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["cluster", str(infile), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a0", "a1", "copy"]
    assert rows[1]["event"] == "ev-a1"  # the 2015 article came first in date order
    assert rows[0]["thread"] == rows[1]["thread"] == "th-a1"
    assert rows[2]["duplicate_of"] == "a1"
