"""HTML main-text extraction on real news pages, and the ROUGE-LSum scoring of ``eval extraction``."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.errors import InputError
from storyline.evaluation.extraction import (
    join_paragraphs,
    reference_candidates,
    rouge_lsum,
    score_page,
    split_sentences,
)
from storyline.ingest import extract_html, read

PAGES = ("TheGuardian_0.html.gz", "CNBC_1.html.gz")


@pytest.fixture(scope="module")
def fundus(shared: Path) -> Path:
    return shared / "data" / "extraction" / "fundus-eval" / "dataset"


@pytest.fixture(scope="module")
def truth(fundus: Path) -> dict:
    return json.loads((fundus / "ground_truth.json").read_text(encoding="utf-8"))


def norm(text: str) -> str:
    return " ".join(text.split())


def test_rouge_lsum_hand_example() -> None:
    # ref sentences [the cat sat on the mat] [it was happy]; hyp [the cat sat] [it was very happy]:
    # union LCS hits 3 + 3 = 6 of 9 reference and 7 hypothesis tokens.
    p, r, f = rouge_lsum("The cat sat on the mat. It was happy.", "The cat sat. It was very happy.")
    assert p == pytest.approx(6 / 7) and r == pytest.approx(6 / 9) and f == pytest.approx(0.75)
    # one reference sentence covered by two hypothesis sentences: the union counts both halves
    assert rouge_lsum("Alpha beta gamma delta.", "Alpha beta. Gamma delta.") == pytest.approx((1.0, 1.0, 1.0))
    # a token is counted at most as often as it occurs on both sides
    p, r, _ = rouge_lsum("Go go go.", "Go.")
    assert (p, r) == pytest.approx((1.0, 1 / 3))
    assert rouge_lsum("Some words.", "") == (0.0, 0.0, 0.0)


def test_rouge_lsum_matches_rouge_score(truth: dict) -> None:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=False)
    a, b = (join_paragraphs(truth[k]["body"]) for k in ("APNews_0.html.gz", "APNews_2.html.gz"))
    hypothesis = a[: len(a) // 2] + "\n\n" + b[: len(b) // 3]
    expected = scorer.score("\n".join(split_sentences(a)), "\n".join(split_sentences(hypothesis)))["rougeLsum"]
    assert rouge_lsum(a, hypothesis) == pytest.approx(tuple(expected))


def test_sentence_splitter_keeps_abbreviations() -> None:
    assert split_sentences("CHARLESTON, Ill. (AP) — Mr. Booker scored. The U.S. team lost.") == [
        "CHARLESTON, Ill. (AP) — Mr. Booker scored.",
        "The U.S. team lost.",
    ]


def test_optional_paragraph_candidates() -> None:
    body = ["A.", "[B.]", "C.", "[D.]"]
    assert sorted(map(tuple, reference_candidates(body))) == sorted(
        [("A.", "B.", "C.", "D."), ("A.", "C.", "D."), ("A.", "B.", "C."), ("A.", "C.")]
    )
    many = ["x"] + [f"[{i}]" for i in range(5)]
    assert list(reference_candidates(many)) == [["x", "0", "1", "2", "3", "4"], ["x"]]
    # the best candidate counts: leaving out the optional paragraphs is not penalised
    assert score_page(["First one.", "[Photo: caption.]", "Second one."], ["First one.", "Second one."])[2] == 1.0


@pytest.mark.parametrize("name", PAGES)
def test_extract_real_pages(fundus: Path, truth: dict, name: str) -> None:
    html = gzip.decompress((fundus / "html" / name).read_bytes())
    article = extract_html(html, url=truth[name]["url"])
    assert article.title and article.source and article.published
    paragraphs = [p for p in truth[name]["body"] if not p.startswith("[")]
    longest = max(paragraphs, key=len)
    assert norm(split_sentences(longest)[0]) in norm(article.text)
    (via_read,) = read([fundus / "html" / name])
    assert norm(via_read.text) == norm(article.text)


def test_extract_html_rejects_empty_pages() -> None:
    with pytest.raises(InputError, match="no article text"):
        extract_html("<html><head><title>x</title></head><body><script>var a;</script></body></html>", url="https://x.org/")


def test_extract_command(fundus: Path, truth: dict) -> None:
    runner = CliRunner()
    name = PAGES[0]
    result = runner.invoke(app, ["extract", str(fundus / "html" / name)])
    assert result.exit_code == 0, result.output
    assert norm(split_sentences(truth[name]["body"][1])[0]) in norm(result.stdout)
    result = runner.invoke(app, ["extract", "--json", str(fundus / "html" / name)])
    data = json.loads(result.stdout)
    assert data["origin"] == str(fundus / "html" / name) and data["text"]
    assert runner.invoke(app, ["extract", "/no/such/page.html"]).exit_code == 1


def test_evaluate_on_two_pages(fundus: Path, truth: dict, tmp_path: Path) -> None:
    pages = ("APNews_3.html.gz", "CNBC_0.html.gz")
    (tmp_path / "dataset" / "html").mkdir(parents=True)
    for name in pages:
        shutil.copy(fundus / "html" / name, tmp_path / "dataset" / "html" / name)
    (tmp_path / "dataset" / "ground_truth.json").write_text(json.dumps({k: truth[k] for k in pages}))
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", "extraction", "--data", str(tmp_path), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(out.read_text())
    assert [p["page"] for p in summary["pages"]] == list(pages)
    assert set(summary["publishers"]) == {"APNews", "CNBC"}
    f1 = [p["f1"] for p in summary["pages"]]
    assert all(0.8 < f <= 1.0 for f in f1)
    assert summary["mean"]["f1"] == pytest.approx(100 * sum(f1) / 2, abs=0.01)
    assert json.loads(result.stdout)["mean"] == summary["mean"]
