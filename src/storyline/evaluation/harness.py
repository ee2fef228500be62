"""One evaluation harness: benchmarks registered by name, one result type, one report, the regression gate (the registry: :mod:`.benchmarks`).

Each benchmark is a function ``(fast) -> Result`` registered in :mod:`.benchmarks`. A
:class:`Result` carries precision, recall and F1 (:class:`PRF`) under named scores, the
benchmark's own figures, and the sha256 digest of the data files it read
(:func:`digest_files`), so a figure is always tied to the data that produced it.

``fast=True`` runs the fixed subset documented on the benchmark (the part that fits in CI's
time); :func:`check_floors` compares results with the floors of ``benchmarks/floors.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import f_measure


@dataclass(frozen=True)
class PRF:
    """Precision, recall and their F1: the one shape of every P/R/F score."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        return f_measure(self.precision, self.recall)

    @classmethod
    def from_counts(cls, tp_system: int, n_system: int, n_gold: int, tp_gold: int | None = None) -> "PRF":
        """Precision ``tp_system / n_system`` and recall ``tp_gold / n_gold`` (``tp_gold`` defaults to ``tp_system``)."""
        tg = tp_system if tp_gold is None else tp_gold
        return cls(tp_system / n_system if n_system else 0.0, tg / n_gold if n_gold else 0.0)

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Result:
    """What one benchmark run measured."""

    benchmark: str
    scores: dict[str, PRF] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    data_digest: str = ""
    files: int = 0
    subset: str = "all"
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def flat(self) -> dict[str, float]:
        """Every figure by one name: ``<score>_precision``, ``<score>_recall``, ``<score>_f1`` and the own figures."""
        out: dict[str, float] = {}
        for name, s in self.scores.items():
            for k, v in s.as_dict().items():
                out[f"{name}_{k}"] = v
        out.update(self.figures)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "subset": self.subset,
            "data_digest": self.data_digest,
            "files": self.files,
            "seconds": round(self.seconds, 2),
            "scores": {k: v.as_dict() for k, v in self.scores.items()},
            "figures": self.figures,
            "details": self.details,
        }


def digest_files(paths: Iterable[Path]) -> tuple[str, int]:
    """The sha256 of the files read (names relative to their common folder and contents, in sorted order) and their number."""
    files = sorted({Path(p) for p in paths})
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode("utf-8") + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return "sha256:" + h.hexdigest(), len(files)


def format_report(result: Result) -> str:
    """The one text report: scores as P/R/F1, then the own figures, then the data digest."""
    lines = [f"{result.benchmark} ({result.subset}, {result.files} files, {result.seconds:.1f} s)"]
    for name, s in result.scores.items():
        lines.append(f"  {name:<28} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")
    for name, v in result.figures.items():
        lines.append(f"  {name:<28} {v:.3f}")
    lines.append(f"  data {result.data_digest}")
    return "\n".join(lines)


# --- the regression gate ---------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    """A figure below its floor, or a floor whose data is not the data read."""

    benchmark: str
    figure: str
    value: float | None
    floor: float | None
    problem: str

    def __str__(self) -> str:
        return f"{self.benchmark}.{self.figure}: {self.problem}"


def load_floors(path: Path) -> dict[str, Any]:
    """``benchmarks/floors.json``: ``{"benchmarks": {name: {"data_digest", "subset", "floors": {figure: value}}}}``."""
    from ..errors import InputError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the floors ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), dict):
        raise InputError(str(path), 'not a floors file (expected {"benchmarks": {...}})')
    return data


def check_floors(results: Iterable[Result], floors: dict[str, Any]) -> list[Breach]:
    """Every figure below its floor, and every floor checked on other data than it was set on."""
    breaches: list[Breach] = []
    for r in results:
        entry = floors["benchmarks"].get(r.benchmark)
        if entry is None:
            continue
        if entry.get("data_digest") and entry["data_digest"] != r.data_digest:
            breaches.append(Breach(r.benchmark, "data", None, None,
                                   f"data digest {r.data_digest} is not the floors' {entry['data_digest']}"))
            continue
        figures = r.flat()
        for fig, floor in entry.get("floors", {}).items():
            value = figures.get(fig)
            if value is None:
                breaches.append(Breach(r.benchmark, fig, None, floor, "not measured"))
            elif value < floor:
                breaches.append(Breach(r.benchmark, fig, value, floor, f"{value:.4f} is below its floor {floor:.4f}"))
    return breaches


def lower_floor(floors: dict[str, Any], benchmark_name: str, figure: str, value: float, reason: str) -> dict[str, Any]:
    """``floors`` with one floor lowered to ``value``, the reason kept in the file's ``lowered`` log."""
    from ..errors import InputError

    entry = floors["benchmarks"].get(benchmark_name)
    if entry is None or figure not in entry.get("floors", {}):
        raise InputError(f"{benchmark_name}.{figure}", "no such floor")
    old = entry["floors"][figure]
    if value >= old:
        raise InputError(f"{benchmark_name}.{figure}", f"{value} does not lower the floor {old} (raise floors by editing the file)")
    if not reason.strip():
        raise InputError(f"{benchmark_name}.{figure}", "lowering a floor needs a reason")
    entry["floors"][figure] = value
    floors.setdefault("lowered", []).append(
        {"figure": f"{benchmark_name}.{figure}", "from": old, "to": value, "reason": reason.strip()}
    )
    return floors
