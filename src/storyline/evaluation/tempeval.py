"""TempEval-3 time-expression scoring: extent (strict, relaxed), type and value.

The definitions follow the TempEval-3 task: system and gold expressions are
compared as sets of tokens (whitespace-separated, as the TempEval-3 toolkit
does). An expression matches *strictly* when both cover the same tokens and
*relaxed* when they share a token. Precision counts matched system
expressions, recall matched gold ones. An attribute (type, value) is scored
over relaxed matches: P = correct / system expressions, R = correct / gold
expressions, so attribute F1 is at most the relaxed F1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.model import Span, TimeExpression

from .harness import PRF

_TOKEN = re.compile(r"\S+")


@dataclass
class Counts:
    """Raw match counts; add them up over documents and turn them into P/R/F1."""

    gold: int = 0
    system: int = 0
    strict_system: int = 0
    strict_gold: int = 0
    relaxed_system: int = 0
    relaxed_gold: int = 0
    type_correct: int = 0  # system expressions whose best-matching gold has their type
    value_correct: int = 0
    type_gold: int = 0  # gold expressions matched by a system expression of their type (each counted once)
    value_gold: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def scores(self) -> dict[str, PRF]:
        """P, R, F1 of strict and relaxed extent, type and value."""
        return {
            "strict": prf(self.strict_system, self.system, self.strict_gold, self.gold),
            "relaxed": prf(self.relaxed_system, self.system, self.relaxed_gold, self.gold),
            "type": prf(self.type_correct, self.system, self.type_gold, self.gold),
            "value": prf(self.value_correct, self.system, self.value_gold, self.gold),
        }


def prf(tp_system: int, n_system: int, tp_gold: int, n_gold: int) -> PRF:
    """Precision (matched / system), recall (matched / gold) and their harmonic mean."""
    return PRF.from_counts(tp_system, n_system, n_gold, tp_gold)


def token_spans(text: str) -> list[Span]:
    """The whitespace-separated tokens of ``text`` as spans."""
    return [Span(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _tokens_of(span: Span, tokens: list[Span]) -> frozenset[int]:
    """Indices of the tokens that ``span`` touches (a span inside whitespace touches none)."""
    return frozenset(i for i, t in enumerate(tokens) if t.start < span.end and span.start < t.end)


def score_document(text: str, gold: list[TimeExpression], system: list[TimeExpression]) -> Counts:
    """Match ``system`` against ``gold`` expressions of one text at token level."""
    tokens = token_spans(text)
    g_sets = [_tokens_of(g.span, tokens) for g in gold]
    s_sets = [_tokens_of(s.span, tokens) for s in system]
    c = Counts(gold=len(gold), system=len(system))
    c.strict_gold = sum(1 for g in g_sets if g and g in s_sets)
    c.relaxed_gold = sum(1 for g in g_sets if any(g & s for s in s_sets))
    typed, valued = set(), set()
    for s_expr, s in zip(system, s_sets):
        overlaps = [(len(s & g), i) for i, g in enumerate(g_sets) if s & g]
        if not overlaps:
            continue
        c.relaxed_system += 1
        if s in g_sets:
            c.strict_system += 1
            k = g_sets.index(s)
        else:
            k = max(overlaps)[1]
        partner = gold[k]
        if s_expr.type == partner.type:
            c.type_correct += 1
            typed.add(k)
        if normalise_value(s_expr.value) == normalise_value(partner.value):
            c.value_correct += 1
            valued.add(k)
    c.type_gold, c.value_gold = len(typed), len(valued)
    return c


def normalise_value(value: str) -> str:
    """A TIMEX3 value as compared: exact string match up to surrounding white space."""
    return value.strip()


@dataclass
class Evaluation:
    """Counts overall and per corpus, plus the individual errors for inspection."""

    overall: Counts = field(default_factory=Counts)
    by_corpus: dict[str, Counts] = field(default_factory=dict)
    documents: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "overall": {"counts": vars(self.overall), **_as_dicts(self.overall.scores())},
            "by_corpus": {k: {"counts": vars(v), **_as_dicts(v.scores())} for k, v in sorted(self.by_corpus.items())},
        }


def _as_dicts(scores: dict[str, PRF]) -> dict[str, dict[str, float]]:
    return {k: v.as_dict() for k, v in scores.items()}


def _errors(doc_id: str, text: str, gold: list[TimeExpression], system: list[TimeExpression]) -> Iterable[dict[str, Any]]:
    """Misses, spurious expressions and wrong values of one document, for error analysis."""
    for g in gold:
        hits = [s for s in system if s.span.overlaps(g.span)]
        if not hits:
            yield {"doc": doc_id, "kind": "missed", "gold": g.text, "gold_value": g.value, "context": text[max(0, g.span.start - 60) : g.span.end + 40]}
        elif hits[0].value != g.value or hits[0].type != g.type:
            yield {"doc": doc_id, "kind": "value", "gold": g.text, "gold_value": f"{g.type}:{g.value}", "system": hits[0].text,
                   "system_value": f"{hits[0].type}:{hits[0].value}", "context": text[max(0, g.span.start - 60) : g.span.end + 40]}  # fmt: skip
    for s in system:
        if not any(s.span.overlaps(g.span) for g in gold):
            yield {"doc": doc_id, "kind": "spurious", "system": s.text, "system_value": s.value, "context": text[max(0, s.span.start - 60) : s.span.end + 40]}


Tagger = Callable[[str, str | None], list[TimeExpression]]


def evaluate_timex(data_dir: Path, tagger: Tagger, progress: bool = True) -> Evaluation:
    """Run ``tagger`` on the raw text of every TimeML file under ``data_dir`` and score it against the gold."""
    from .timeml import read_corpus

    docs = read_corpus(data_dir)
    result = Evaluation()
    iterator: Iterable[tuple[str, Any]] = docs
    if progress:
        from rich.progress import track

        iterator = track(docs, description="Tagging time expressions")
    for corpus, doc in iterator:
        system = tagger(doc.text, doc.dct)
        counts = score_document(doc.text, doc.timexes, system)
        result.overall += counts
        result.by_corpus.setdefault(corpus, Counts())
        result.by_corpus[corpus] += counts
        result.documents += 1
        result.errors.extend(_errors(doc.doc_id, doc.text, doc.timexes, system))
    return result
