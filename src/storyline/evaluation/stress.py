"""Stories that must stay apart: a stress set for the linker, and its principal settings chosen by cross-validation.

Streams, all from the shared data:

* ``ecbplus-threads``: ECB+ at the THREAD level. Each topic holds two happenings of one kind (two
  earthquakes, two heists, two rehab check-ins) with different people and places: two stories, not one.
  Gold = ``<topic>/<subtopic>``. Undated, so only who and where tell them apart.
* ``meantime-crisis``: MEANTIME's gm and stock topics (Wikinews, the 2008–09 financial crisis): two
  stories of one period and one vocabulary (shares, losses, bail-outs). Gold = topic, thread level.

Beside them, the streams whose scores must hold: ``ecbplus`` events, ``timeline17`` and ``meantime``
threads (:mod:`.clustering`).

Cross-validation: each candidate setting of the principal gate and the event anchors is linked once per
stream; folds leave out one group (an ECB+ topic, a MEANTIME topic, a Timeline17 story) and the candidate
with the best mean B³ F1 over the training items of every stream is scored on the held-out group.
B³ is an average over items, so an item's score counts its whole cluster, including members from other
groups: a merge of two groups shows in either fold. Linking needs no labels, so one run per candidate
serves every fold; only the choice sees gold labels, and only those of the training groups.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .clustering import Doc, analyse_docs, embed_docs, linker_levels, load_ecbplus, load_meantime, load_timeline17
from .cv import choose

#: MEANTIME topics of one period and vocabulary
CRISIS_TOPICS = ("gm", "stock")

#: what varies in cross-validation: the principal agreement a thread asks of a new event, up to which thread
#: size it asks it, and the penalty per differing anchor (when, where, who) of an event
GRID: tuple[dict[str, float], ...] = tuple(
    {"principal_agreement": a, "principal_size": n, "anchor_penalty": p}
    for a in (0.05, 0.1)
    for n in (50, 100_000)
    for p in (0.0, 0.05)
)


@dataclass
class Stream:
    """One linked stream: its documents, level, the group of each document (for folds)."""

    name: str
    docs: list[Doc]
    level: str
    groups: list[str]


def _ecb_topic(doc: Doc) -> str:
    return "ecb:" + doc.gold.split("/")[0]


def streams(data: Path) -> list[Stream]:
    """The stress streams and the ones that must hold, in a fixed order."""
    ecb = load_ecbplus(data)
    t17 = load_timeline17(data)
    mt = load_meantime(data)
    crisis = [d for d in mt if d.gold in CRISIS_TOPICS]
    return [
        Stream("ecbplus-events", ecb, "event", [_ecb_topic(d) for d in ecb]),
        # the same documents (linked once), gold topic/subtopic read at the thread level
        Stream("ecbplus-threads", ecb, "thread", [_ecb_topic(d) for d in ecb]),
        Stream("meantime-crisis", crisis, "thread", ["mt:" + d.gold for d in crisis]),
        Stream("meantime", mt, "thread", ["mt:" + d.gold for d in mt]),
        Stream("timeline17", t17, "thread", ["t17:" + d.gold for d in t17]),
    ]


def bcubed_items(gold: Sequence[str], pred: Sequence[str], items: Sequence[int]) -> tuple[float, float, float]:
    """B³ precision, recall, F1 averaged over ``items`` only, each item scored against its whole clusters."""
    if not items:
        return 0.0, 0.0, 0.0
    pair = Counter(zip(gold, pred))
    g_size, p_size = Counter(gold), Counter(pred)
    p = sum(pair[(gold[i], pred[i])] / p_size[pred[i]] for i in items) / len(items)
    r = sum(pair[(gold[i], pred[i])] / g_size[gold[i]] for i in items) / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Linked:
    """Predicted labels per stream for each candidate (and for the linker without analyses: words only)."""

    streams: list[Stream]
    labels: dict[int, dict[str, list[str]]]  # candidate index → stream name → labels
    words_only: dict[str, list[str]]


def link_all(
    data: Path,
    grid: Sequence[Mapping[str, float]] = GRID,
    progress: Callable[[str], None] | None = None,
    only: Sequence[str] | None = None,
) -> Linked:
    """Link every stream once per candidate (and once without entity analyses)."""
    from storyline.link import LinkConfig

    say = progress or (lambda _m: None)
    chosen = [s for s in streams(data) if only is None or s.name in only]
    labels: dict[int, dict[str, list[str]]] = defaultdict(dict)
    words: dict[str, list[str]] = {}
    runs: dict[int, tuple[dict[str, list[str]], dict[int, dict[str, list[str]]]]] = {}  # one run per document list
    for s in chosen:
        if id(s.docs) not in runs:
            emb = embed_docs(s.docs, say)
            analyses = analyse_docs(s.docs, say)
            runs[id(s.docs)] = (
                linker_levels(s.docs, emb),
                {c: linker_levels(s.docs, emb, analyses, _config(LinkConfig(), cand)) for c, cand in enumerate(grid)},
            )
            say(f"{s.name}: {len(s.docs)} documents linked with {len(grid)} settings")
        plain, per = runs[id(s.docs)]
        words[s.name] = plain[s.level]
        for c in per:
            labels[c][s.name] = per[c][s.level]
    return Linked(chosen, dict(labels), words)


def _config(base: Any, cand: Mapping[str, float]) -> Any:
    """The linker settings with one candidate's values."""
    return replace(base, **dict(cand))


def _f1(stream: Stream, pred: Sequence[str], items: Sequence[int]) -> float:
    return bcubed_items([d.gold for d in stream.docs], pred, items)[2]


def cross_validate(linked: Linked, grid: Sequence[Mapping[str, float]] = GRID) -> dict[str, Any]:
    """Leave-one-group-out choice of the candidate; held-out B³ F1 per stream and the choices made."""
    items = [(s.name, i) for s in linked.streams for i in range(len(s.docs))]
    groups = [g for s in linked.streams for g in s.groups]
    by_name = {s.name: s for s in linked.streams}

    def score(c: int, subset: list[tuple[str, int]]) -> float:
        per: dict[str, list[int]] = defaultdict(list)
        for name, i in subset:
            per[name].append(i)
        return sum(_f1(by_name[n], linked.labels[c][n], ix) for n, ix in per.items()) / len(per)

    choice = choose(range(len(grid)), items, groups, score)
    held: dict[str, list[float]] = defaultdict(list)
    from .cv import group_folds

    for (_, test), cand in zip(group_folds(groups), choice.chosen):
        per: dict[str, list[int]] = defaultdict(list)
        for k in test:
            per[items[k][0]].append(items[k][1])
        for n, ix in per.items():
            held[n].append(_f1(by_name[n], linked.labels[cand][n], ix))
    counts = Counter(choice.chosen)
    return {
        "held_out_f1": {n: round(sum(v) / len(v), 4) for n, v in held.items()},
        "chosen": {str(dict(grid[c])): k for c, k in counts.most_common()},
        "folds": len(choice.chosen),
    }


def dev_scores(stream: Stream, pred: Sequence[str]) -> dict[str, float]:
    """B³ P/R/F1 over the whole stream, and the number of clusters."""
    p, r, f = bcubed_items([d.gold for d in stream.docs], pred, range(len(stream.docs)))
    return {"bcubed_p": round(p, 4), "bcubed_r": round(r, 4), "bcubed_f1": round(f, 4), "clusters": len(set(pred))}


def evaluate(data: Path, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Cross-validated choice over :data:`GRID`, then the defaults and the words-only linker on every stream."""
    from storyline.link import LinkConfig

    defaults = LinkConfig()
    grid = list(GRID)
    default_cand = {k: getattr(defaults, k) for k in grid[0]}
    if default_cand not in grid:
        grid.append(default_cand)
    linked = link_all(data, grid, progress)
    cv = cross_validate(linked, grid)
    d = grid.index(default_cand)
    dev = {
        s.name: {
            "words-only": dev_scores(s, linked.words_only[s.name]),
            "storyline": dev_scores(s, linked.labels[d][s.name]),
        }
        for s in linked.streams
    }
    return {"defaults": default_cand, "cv": cv, "dev": dev}
