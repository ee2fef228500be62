"""Main-text extraction scored on the fundus-eval news pages (ROUGE-LSum).

The scoring follows the benchmark's published protocol so that our numbers sit
beside its table (``dataset/analysis/rouge_lsum_scraper_summary.tsv``):

* the extracted text is split into paragraphs (one a line), each with its
  whitespace collapsed, and the paragraphs are joined with a blank line; the
  reference paragraphs are joined the same way;
* reference paragraphs in ``[brackets]`` are optional: every combination of
  keeping or dropping them is a candidate reference (all kept / all dropped only
  when a page has more than four), and the best F1 counts;
* ROUGE-LSum (``rouge-score``, no stemming) over sentences found by a Punkt
  sentence splitter run on the joined text;
* the page scores are averaged, F1 reported as a percentage.

One difference is unavoidable offline: the benchmark split sentences with
NLTK's pretrained English Punkt model, which is a separate download. We run
NLTK's Punkt algorithm with a list of common English abbreviations instead; on
these pages both give the same sentences but for rare abbreviations, which
moves a page's score by well under a point.
"""

from __future__ import annotations

import gzip
import json
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import chain, combinations
from pathlib import Path
from typing import Any, Iterator
from . import f_measure, shared_data

DEFAULT_DATA = shared_data("extraction", "fundus-eval")
MAX_OPTIONAL_PARAGRAPHS = 4

#: Abbreviations the sentence splitter must not end a sentence at (lower case, no final dot).
_ABBREVIATIONS = (
    "mr mrs ms dr prof rev gen sen rep gov lt col sgt capt cmdr adm maj st sr jr "
    "inc corp co ltd llc dept univ assn bros est ft mt no nos vol vs etc al approx "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
    "u.s u.k u.n e.u u.s.a d.c a.m p.m e.g i.e ph.d "
    "ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo "
    "mont neb nev okla ore pa tenn tex va vt wash wis wyo n.j n.y n.c n.h n.m n.d s.c s.d w.va"
).split()


@dataclass
class PageScore:
    """ROUGE-LSum of one page against its best reference candidate."""

    page: str
    publisher: str
    precision: float
    recall: float
    f1: float
    error: str | None = None


@dataclass
class ExtractionReport:
    """Scores of all pages, and their means overall and per publisher (as percentages)."""

    options: dict[str, Any]
    pages: list[PageScore] = field(default_factory=list)

    def mean(self, attr: str = "f1", publisher: str | None = None) -> float:
        values = [getattr(p, attr) for p in self.pages if publisher is None or p.publisher == publisher]
        return 100 * statistics.fmean(values) if values else float("nan")

    def publishers(self) -> list[str]:
        return sorted({p.publisher for p in self.pages})

    def to_dict(self) -> dict[str, Any]:
        return {
            "options": self.options,
            "mean": {k: round(self.mean(k), 2) for k in ("precision", "recall", "f1")},
            "publishers": {
                name: {k: round(self.mean(k, name), 2) for k in ("precision", "recall", "f1")}
                for name in self.publishers()
            },
            "pages": [asdict(p) for p in self.pages],
        }


@lru_cache(maxsize=1)
def _splitter() -> Any:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(_ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[str]:
    """Sentences as Punkt finds them in ``text`` (newlines inside a sentence become spaces)."""
    return [" ".join(s.split()) for s in _splitter().tokenize(text) if s.strip()]


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs, whitespace-collapsed and empty ones dropped, joined by blank lines."""
    return "\n\n".join(p for p in (" ".join(p.split()) for p in paragraphs) if p)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from rouge_score.tokenizers import DefaultTokenizer

    return DefaultTokenizer(use_stemmer=False)


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokenizer().tokenize(text))


def _lcs_positions(ref: tuple[str, ...], hyp: tuple[str, ...]) -> list[int]:
    """Indices into ``ref`` of one longest common subsequence with ``hyp``.

    Ties are broken as ROUGE 1.5.5 and ``rouge-score`` do, so that the union
    below (and so the score) is the same.
    """
    table = [[0] * (len(hyp) + 1)]
    for token in ref:
        above, row = table[-1], [0]
        for j, other in enumerate(hyp):
            row.append(above[j] + 1 if token == other else (row[j] if row[j] > above[j + 1] else above[j + 1]))
        table.append(row)
    i, j, found = len(ref), len(hyp), []
    while i > 0 and j > 0:
        if ref[i - 1] == hyp[j - 1]:
            found.append(i - 1)
            i, j = i - 1, j - 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return found


class LsumScorer:
    """ROUGE-LSum against one hypothesis, for many references.

    The union LCS of a reference sentence with the hypothesis sentences does not
    depend on the other reference sentences, so it is cached: the reference
    candidates of a page share most sentences.
    """

    def __init__(self, hypothesis: str):
        self.sentences = [t for t in map(_tokens, split_sentences(hypothesis))]
        self.vocabularies = [set(t) for t in self.sentences]
        self._unions: dict[tuple[str, ...], list[str]] = {}

    def _union(self, ref: tuple[str, ...]) -> list[str]:
        union = self._unions.get(ref)
        if union is None:
            ref_vocabulary, positions = set(ref), set()
            for hyp, vocabulary in zip(self.sentences, self.vocabularies):
                if ref_vocabulary & vocabulary:
                    positions.update(_lcs_positions(ref, hyp))
            union = self._unions[ref] = [ref[i] for i in sorted(positions)]
        return union

    def score(self, reference: str) -> tuple[float, float, float]:
        """``(precision, recall, f1)``, counting each token at most as often as both sides hold it."""
        refs = [t for t in map(_tokens, split_sentences(reference))]
        m, n = sum(map(len, refs)), sum(map(len, self.sentences))
        if not m or not n:
            return 0.0, 0.0, 0.0
        left_ref = Counter(chain.from_iterable(refs))
        left_hyp = Counter(chain.from_iterable(self.sentences))
        hits = 0
        for ref in refs:
            for token in self._union(ref):
                if left_hyp[token] > 0 and left_ref[token] > 0:
                    hits += 1
                    left_hyp[token] -= 1
                    left_ref[token] -= 1
        precision, recall = hits / n, hits / m
        f1 = f_measure(precision, recall)
        return precision, recall, f1


def rouge_lsum(reference: str, hypothesis: str) -> tuple[float, float, float]:
    """``(precision, recall, f1)`` of ROUGE-LSum, sentences split with :func:`split_sentences`.

    Tokens as ``rouge-score`` makes them (lower case ASCII letters and digits, no
    stemming); the same result as its ``rougeLsum`` on the same sentences.
    """
    return LsumScorer(hypothesis).score(reference)


def _is_optional(paragraph: str) -> bool:
    return paragraph.startswith("[") and paragraph.endswith("]")


def reference_candidates(body: list[str], max_optional: int = MAX_OPTIONAL_PARAGRAPHS) -> Iterator[list[str]]:
    """Every reference body the optional ``[paragraphs]`` allow, markers removed."""
    optional = [i for i, p in enumerate(body) if _is_optional(p)]
    if len(optional) > max_optional:
        drops: Any = [(), tuple(optional)]
    else:
        drops = chain.from_iterable(combinations(optional, k) for k in range(len(optional) + 1))
    for drop in drops:
        yield [p[1:-1] if _is_optional(p) else p for i, p in enumerate(body) if i not in set(drop)]


def score_page(reference_body: list[str], hypothesis_paragraphs: list[str]) -> tuple[float, float, float]:
    """The best ``(precision, recall, f1)`` over the reference candidates."""
    hypothesis = join_paragraphs(hypothesis_paragraphs)
    if not hypothesis:
        return 0.0, 0.0, 0.0
    scorer = LsumScorer(hypothesis)
    scores = (scorer.score(join_paragraphs(body)) for body in reference_candidates(reference_body))
    return max(scores, key=lambda s: s[2])


def evaluate(data: Path = DEFAULT_DATA, options: dict[str, Any] | None = None, progress: bool = True) -> ExtractionReport:
    """Extract every page of fundus-eval with our HTML extractor and score it."""
    from rich.progress import Progress

    from ..ingest.common import Unreadable
    from ..ingest.html import EXTRACT_OPTIONS, extract_page

    dataset = data / "dataset" if (data / "dataset").is_dir() else data
    truth = json.loads((dataset / "ground_truth.json").read_text(encoding="utf-8"))
    report = ExtractionReport(options={**EXTRACT_OPTIONS, **(options or {})})
    pages = sorted(truth)
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("extraction", total=len(pages))
        for page in pages:
            html = gzip.decompress((dataset / "html" / page).read_bytes())
            error = None
            try:
                paragraphs = extract_page(html, url=None, origin=page, options=options).text.split("\n")
            except Unreadable as e:
                paragraphs, error = [], e.reason
            p, r, f = score_page(truth[page]["body"], paragraphs)
            report.pages.append(PageScore(page, page.split("_")[0], p, r, f, error))
            bar.advance(task)
    return report


def render(report: ExtractionReport) -> Any:
    """A rich table: one row per publisher, then the mean over all pages."""
    from rich.table import Table

    table = Table(title=f"ROUGE-LSum on fundus-eval ({len(report.pages)} pages)")
    table.add_column("publisher")
    for name in ("precision", "recall", "F1"):
        table.add_column(name, justify="right")
    for publisher in report.publishers():
        table.add_row(publisher, *(f"{report.mean(k, publisher):.2f}" for k in ("precision", "recall", "f1")))
    table.add_section()
    table.add_row("mean", *(f"{report.mean(k):.2f}" for k in ("precision", "recall", "f1")), style="bold")
    return table
