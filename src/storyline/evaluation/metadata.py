"""Page metadata scored on the 80 fundus-eval pages against a hand-checked gold file.

The gold (``data/fundus_metadata_gold.json``, made as ``benchmarks/metadata_gold.md`` says) holds
for each page its title, publication date-time with the publisher's UTC offset, the people in
the byline and the language. Each field is scored for storyline's HTML reader (what
``storyline extract --json`` prints) and, in the same run, for trafilatura's own metadata:

* ``date_day``: the date part equals the gold's (the publisher's local day);
* ``datetime_offset``: a time and a UTC offset are given, and both equal the gold's (to the minute);
* ``title``: exact after collapsing whitespace;
* ``authors``: F1 of the name sets, micro-averaged over pages (names compared case-folded);
* ``language``: the ISO 639-1 code.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import f_measure, shared_data

DEFAULT_DATA = shared_data("extraction", "fundus-eval")
GOLD = Path(__file__).parent / "data" / "fundus_metadata_gold.json"
FIELDS = ("date_day", "datetime_offset", "title", "authors", "language")


@dataclass
class FieldScores:
    """Per-field scores (0..1) of one extractor."""

    date_day: float = 0.0
    datetime_offset: float = 0.0
    title: float = 0.0
    authors: float = 0.0
    language: float = 0.0


@dataclass
class MetadataReport:
    """Scores of storyline and of trafilatura (the peer), and the pages each got wrong."""

    pages: int
    storyline: FieldScores
    trafilatura: FieldScores
    misses: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "storyline": {k: round(getattr(self.storyline, k), 4) for k in FIELDS},
            "trafilatura": {k: round(getattr(self.trafilatura, k), 4) for k in FIELDS},
            "misses": self.misses,
        }


def _minute(value: str | None) -> tuple[str, Any] | None:
    """``(local wall-clock to the minute, UTC offset)`` of an ISO date-time with an offset, else ``None``."""
    if not value or "T" not in value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.strftime("%Y-%m-%dT%H:%M"), parsed.utcoffset()


def _name(n: str) -> str:
    return " ".join(n.split()).casefold()


def _page_scores(gold: dict[str, Any], got: dict[str, Any]) -> tuple[dict[str, bool], tuple[int, int, int]]:
    g_pub, pub = gold.get("published"), got.get("published")
    hits = {
        "date_day": bool(g_pub and pub and pub[:10] == g_pub[:10]),
        "datetime_offset": bool(_minute(g_pub) and _minute(pub) == _minute(g_pub)),
        "title": " ".join((got.get("title") or "").split()) == " ".join((gold.get("title") or "").split()),
        "language": (got.get("language") or "") == (gold.get("language") or ""),
    }
    g_auth, auth = {_name(a) for a in gold.get("authors", [])}, {_name(a) for a in got.get("authors", [])}
    return hits, (len(g_auth & auth), len(auth - g_auth), len(g_auth - auth))


def _trafilatura(html: bytes) -> dict[str, Any]:
    import trafilatura

    doc: Any = trafilatura.bare_extraction(html, with_metadata=True)  # a Document (as_dict=False)
    if doc is None:
        return {}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"title": doc.title, "published": doc.date, "authors": authors, "language": doc.language}


def _storyline(html: bytes, page: str) -> dict[str, Any]:
    from ..ingest.common import Unreadable
    from ..ingest.html import extract_page

    try:
        a = extract_page(html, url=None, origin=page)
    except Unreadable:
        return {}
    return {"title": a.title, "published": a.published, "authors": a.authors, "language": a.language}


def evaluate(data: Path = DEFAULT_DATA, gold_file: Path = GOLD) -> MetadataReport:
    """Score storyline's and trafilatura's metadata on every page of the gold file."""
    dataset = data / "dataset" if (data / "dataset").is_dir() else data
    gold = json.loads(gold_file.read_text(encoding="utf-8"))["pages"]
    totals = {name: {k: 0 for k in ("date_day", "datetime_offset", "title", "language")} for name in ("storyline", "trafilatura")}
    counts = {name: [0, 0, 0] for name in totals}
    misses: dict[str, list[str]] = {k: [] for k in FIELDS}
    for page in sorted(gold):
        html = gzip.decompress((dataset / "html" / page).read_bytes())
        for name, got in (("storyline", _storyline(html, page)), ("trafilatura", _trafilatura(html))):
            hits, (tp, fp, fn) = _page_scores(gold[page], got)
            for k, ok in hits.items():
                totals[name][k] += ok
                if name == "storyline" and not ok:
                    misses[k].append(page)
            if name == "storyline" and (fp or fn):
                misses["authors"].append(page)
            for i, v in enumerate((tp, fp, fn)):
                counts[name][i] += v
    n = len(gold)

    def scores(name: str) -> FieldScores:
        tp, fp, fn = counts[name]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return FieldScores(**{k: v / n for k, v in totals[name].items()}, authors=f_measure(p, r))

    return MetadataReport(pages=n, storyline=scores("storyline"), trafilatura=scores("trafilatura"), misses=misses)


def render(report: MetadataReport) -> Any:
    """A rich table: one row per field, storyline beside trafilatura."""
    from rich.table import Table

    table = Table(title=f"Metadata on fundus-eval ({report.pages} pages, hand-checked gold)")
    for col in ("field", "storyline", "trafilatura"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for k in FIELDS:
        table.add_row(k, f"{getattr(report.storyline, k):.3f}", f"{getattr(report.trafilatura, k):.3f}")
    return table
