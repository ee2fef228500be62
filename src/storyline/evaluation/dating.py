"""Scoring the publication-date estimator with the dates hidden: Timeline17 and MEANTIME.

Each collection is a fold: the estimator's parameters are fitted on the other
collections and scored on the held-out one (leave-one-collection-out), so no figure is
read off data the parameters saw. Timeline17: the 10 collections of ``timelines/t17``
(the article text; its ``time`` is the truth). MEANTIME: the 120 English Wikinews
articles (``examples/wikinews-meantime.jsonl``, the English MEANTIME texts with their
publication dates), one fold per topic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..analyze.dating import DatingParams, fit, score
from ..ingest.jsonl import json_rows
from . import shared_data

Sample = tuple[str, dt.date]
MEANTIME_JSONL = Path(__file__).resolve().parents[3] / "examples" / "wikinews-meantime.jsonl"


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def timeline17(root: Path | None = None) -> dict[str, list[Sample]]:
    """Timeline17 articles (text, publication date) by collection."""
    root = root or shared_data("timelines", "t17")
    out: dict[str, list[Sample]] = {}
    for path in sorted(root.glob("*/articles.jsonl")):
        rows = out.setdefault(path.parent.name, [])
        for _, rec in json_rows(path):
            day = _day(rec.get("time", ""))
            if day and rec.get("text"):
                rows.append((rec["text"], day))
    return out


def meantime(path: Path | None = None) -> dict[str, list[Sample]]:
    """MEANTIME English articles (title and text, publication date) by topic."""
    out: dict[str, list[Sample]] = {}
    for _, rec in json_rows(path or MEANTIME_JSONL):
        day = _day(rec.get("published", ""))
        if day:
            out.setdefault(rec.get("topic") or "all", []).append((f"{rec['title']}\n\n{rec['text']}", day))
    return out


def cross_validate(folds: dict[str, list[Sample]], train_extra: list[Sample] | None = None) -> dict[str, Any]:
    """Leave-one-fold-out scores (pooled over articles), with the parameters of each fold."""
    totals = {"articles": 0, "estimated": 0.0, "within_7_days": 0.0, "within_31_days": 0.0, "within_a_year": 0.0}
    per_fold = {}
    for name, test in folds.items():
        train = [s for other, rows in folds.items() if other != name for s in rows] + list(train_extra or [])
        params = fit(train)
        result = score(test, params)
        per_fold[name] = result
        n = result["articles"]
        totals["articles"] += n
        for key in ("estimated", "within_7_days", "within_31_days", "within_a_year"):
            totals[key] += result[key] * n
    n = totals["articles"] or 1
    pooled = {k: (v / n if k != "articles" else v) for k, v in totals.items()}
    return {"overall": pooled, "folds": per_fold}


def evaluate() -> dict[str, Any]:
    """Cross-validated figures on Timeline17 (by collection) and MEANTIME (by topic), and the parameters fitted on both."""
    t17, mt = timeline17(), meantime()
    return {
        "timeline17": cross_validate(t17),
        "meantime": cross_validate(mt),
        "params": fit([s for rows in (*t17.values(), *mt.values()) for s in rows]),
    }


def save_params(params: DatingParams, path: Path) -> None:
    path.write_text(params.to_json() + "\n", encoding="utf-8")
