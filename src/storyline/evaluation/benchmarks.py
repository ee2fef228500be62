"""The registered benchmarks (see :mod:`storyline.evaluation.harness`): each reads ``../shared/data`` at run time.

Fast runs (``storyline eval all --fast`` and the gate) use fixed subsets:

- ``timex``: all 256 TBAQ files (a second);
- ``entities``: all 120 MEANTIME documents (about 20 s);
- ``quotes``: the first 12 PolNeAR dev documents in name order (about 20 s; the full dev split takes about 2 minutes).

``clustering``, ``stance`` and ``timelines`` embed or train and take minutes: they run with ``storyline eval NAME``
or ``storyline eval all``, never in the gate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import shared_data
from .harness import PRF, Result, digest_files

Runner = Callable[[bool], Result]


@dataclass(frozen=True)
class Benchmark:
    name: str
    run: Runner
    fast: bool  # whether its fast run fits in CI's time
    description: str
    fast_subset: str


REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, fast: bool, description: str, fast_subset: str = "all") -> Callable[[Runner], Runner]:
    """Register ``run(fast) -> Result`` under ``name``."""

    def wrap(fn: Runner) -> Runner:
        REGISTRY[name] = Benchmark(name, fn, fast, description, fast_subset)
        return fn

    return wrap


def registry() -> dict[str, Benchmark]:
    """Every registered benchmark."""
    return REGISTRY


def run(name: str, fast: bool = False) -> Result:
    """Run one benchmark and stamp its name and time."""
    bench = registry()[name]
    t0 = time.perf_counter()
    result = bench.run(fast)
    result.benchmark = name
    result.seconds = time.perf_counter() - t0
    if fast and bench.fast_subset != "all":
        result.subset = bench.fast_subset
    return result



QUOTES_FAST_DOCS = 12


@benchmark("timex", fast=True, description="TempEval-3 time expressions on TBAQ (TimeBank + AQUAINT)")
def run_timex(fast: bool) -> Result:
    from storyline.analyze.timex import find_timexes

    from .tempeval import evaluate_timex

    root = shared_data("timex", "tbaq")
    ev = evaluate_timex(root, find_timexes, progress=False)
    scores = ev.overall.scores()
    digest, n = digest_files(sorted(root.rglob("*.tml")))
    return Result("timex", scores=scores, data_digest=digest, files=n, details={"documents": ev.documents})


@benchmark("entities", fast=True, description="cross-document entity coreference over MEANTIME's named mentions")
def run_entities(fast: bool) -> Result:
    from .entities import conll_f1, evaluate, load

    root = shared_data("timex", "meantime", "intra_cross-doc_annotation")
    docs = load(root)
    r = evaluate(docs)
    ours, base = r["storyline"], r["baseline"]
    assert isinstance(ours, dict) and isinstance(base, dict)
    scores: dict[str, PRF] = {f"{k}": v for k, v in ours.items()}
    scores.update({f"baseline_{k}": v for k, v in base.items()})
    digest, n = digest_files(sorted(root.rglob("*.xml")))
    return Result(
        "entities",
        scores=scores,
        figures={"conll_f1": conll_f1(ours), "baseline_conll_f1": conll_f1(base),
                 "loto_bcubed_f1": float(r["loto_bcubed_f1"])},  # type: ignore[arg-type]
        data_digest=digest,
        files=n,
        details={k: r[k] for k in ("mentions", "entities", "documents", "topics", "by_topic", "loto_chosen", "variants")},
    )


def _polnear_files(root: Path, names: list[str]) -> list[Path]:
    files = [root / "text" / f"{n}.txt" for n in names]
    for n in names:
        files.extend(sorted((root / "attributions").glob(f"{n}_*.ann"))[:1])
    return files


@benchmark(
    "quotes",
    fast=True,
    description="attributions on PolNeAR dev (mode polnear): content P/R/F1, source accuracy, cue P/R/F1",
    fast_subset=f"first {QUOTES_FAST_DOCS} dev documents",
)
def run_quotes(fast: bool) -> Result:
    from .polnear import evaluate, load_split

    data = shared_data("quotes", "polnear", "data")
    limit = QUOTES_FAST_DOCS if fast else None
    r = evaluate(data, "dev", limit=limit, mode="polnear")
    names = [d.name for d in load_split(data, "dev")[:limit]]
    digest, n = digest_files(_polnear_files(data / "dev", names))
    c, cue = r["content"], r["cue"]
    assert isinstance(c, dict) and isinstance(cue, dict)
    return Result(
        "quotes",
        scores={"content": PRF(c["precision"], c["recall"]), "cue": PRF(cue["precision"], cue["recall"])},
        figures={"source_accuracy": float(r["source_accuracy"])},  # type: ignore[arg-type]
        data_digest=digest,
        files=n,
        details={k: r[k] for k in ("documents", "gold", "predicted", "matched", "source_pairs")},
    )


@benchmark("extraction", fast=False, description="main-text extraction on fundus-eval: ROUGE-LSum")
def run_extraction(fast: bool) -> Result:
    from .extraction import evaluate

    root = shared_data("extraction", "fundus-eval")
    report = evaluate(root, progress=False)
    digest, n = digest_files(p for p in root.rglob("*") if p.is_file())
    return Result(
        "extraction",
        scores={"rouge_lsum": PRF(report.mean("precision") / 100, report.mean("recall") / 100)},
        data_digest=digest,
        files=n,
    )


@benchmark("timelines", fast=False, description="Timeline17 dev: date F1 and alignment ROUGE-1/2")
def run_timelines(fast: bool) -> Result:
    from . import tls

    root = shared_data("timelines", "t17")
    results = tls.evaluate_dataset(root)
    digest, n = digest_files(p for p in root.rglob("*") if p.is_file())
    return Result(
        "timelines",
        scores={
            "date": tls.mean_prf([r.dates for r in results]),
            "rouge_1": tls.mean_prf([r.rouge[1] for r in results]),
            "rouge_2": tls.mean_prf([r.rouge[2] for r in results]),
        },
        data_digest=digest,
        files=n,
    )


@benchmark("stance", fast=False, description="FNC-1 dev pairs, 5-fold CV grouped by body: relative score")
def run_stance(fast: bool) -> Result:
    from . import fnc1

    root = shared_data("stance", "fnc1")
    files = [root / "dev_stances.csv", root / "dev_bodies.csv"]
    rep = fnc1.cross_validate(fnc1.read_stance_data(*files), 5)
    digest, n = digest_files(files)
    return Result(
        "stance",
        figures={"relative_score": rep.relative, "macro_f1": rep.macro_f1,
                 **{f"f1_{k}": v for k, v in rep.f1.items()}},
        data_digest=digest,
        files=n,
    )


@benchmark(
    "corrections-pairs",
    fast=False,
    description="hand-labelled Timeline17 claim pairs: reported corrections/contradictions, leave-one-story-out",
)
def run_correction_pairs(fast: bool) -> Result:
    from . import correction_pairs as cp

    r = cp.evaluate()
    labelled = cp.load_pairs()
    docs = sorted({d for p in labelled for d in (p.earlier_doc, p.later_doc)})
    digest, n = digest_files([cp.DATA, *sorted({shared_data("timelines", "t17", d.split("/")[0], "articles.jsonl") for d in docs})])
    return Result(
        "corrections-pairs",
        scores={"model": r["model"], "rules": r["rules"]},
        figures={"pairs": float(r["pairs"]), "positives": float(r["positives"]),
                 "competing_reported_as_correction": float(r["competing_reported_as_correction"])},  # fmt: skip
        data_digest=digest,
        files=n,
        details={k: r[k] for k in ("chosen", "per_story", "counts", "confusion")},
    )


@benchmark(
    "stress",
    fast=False,
    description="stories that must stay apart (ECB+ happenings as threads, MEANTIME gm/stock) beside Timeline17, "
    "MEANTIME and ECB+ events: settings chosen by leave-one-topic-out CV, then the defaults and the words-only linker",
)
def run_stress(fast: bool) -> Result:
    from .clustering import MEANTIME_DEMO
    from .stress import evaluate

    data = shared_data()
    r = evaluate(data)
    scores: dict[str, PRF] = {}
    for stream, methods in r["dev"].items():
        for method, m in methods.items():
            prefix = stream.replace("-", "_") + ("" if method == "storyline" else "_words_only")
            scores[prefix] = PRF(m["bcubed_p"], m["bcubed_r"])
    files = sorted((data / "clustering" / "ecbplus").rglob("*.xml"))
    files += sorted((data / "timelines" / "t17").rglob("articles.jsonl")) + [MEANTIME_DEMO]
    digest, n = digest_files(files)
    return Result(
        "stress",
        scores=scores,
        figures={f"cv_{k.replace('-', '_')}_f1": v for k, v in r["cv"]["held_out_f1"].items()},
        data_digest=digest,
        files=n,
        details={"defaults": r["defaults"], "chosen": r["cv"]["chosen"], "folds": r["cv"]["folds"], "dev": r["dev"]},
    )
