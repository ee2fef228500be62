"""Claims: the checkable statements of an article, with attribution, polarity and a date.

A claim is one sentence-sized stretch of the article (a sentence, cut at line
breaks so that a headline stands alone) that states something a later report
could confirm or overturn: who said what (a quote overlaps it), a figure, a
fate ("killed", "captured", "resigned"), or a dated event naming someone. Text
marked as boilerplate (captions, bylines, reader comments) makes no claims.

:func:`extract_claims` gives the :class:`~storyline.model.Claim` objects (span =
the evidence in the article text). :func:`claim_facts` adds what comparing two
claims needs and the model does not hold: the entities named, content-word
stems, figures, fates and revision or denial cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Analysis, Article, Claim, Mention, Span
from . import _claim_lexicon as lex
from ._claim_figures import Figure, find_figures
from .text import content_stems

#: Entity labels that identify what a claim is about (nationalities alone do not).
SUBJECT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
MIN_WORDS = 5
#: Longer units are mostly sentences run together with page furniture (a sidebar, an appeal box).
MAX_CHARS = 320
_UNIT_BREAK = re.compile(r"\n+")
_FALLBACK_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|$)")
_DATE_VALUE = re.compile(r"^\d{4}(?:-\d\d){0,2}$")


@dataclass(frozen=True)
class ClaimFacts:
    """A claim with what comparing it to other claims needs."""

    claim: Claim
    entities: frozenset[str]
    stems: frozenset[str]
    figures: tuple[Figure, ...]
    fates: tuple["Fate", ...]
    debunk: str | None
    revision: str | None
    weak: str | None
    denial: str | None
    denier: str | None
    back_reference: bool
    time_values: tuple[str, ...]
    lead: bool
    published: str | None
    source: str | None = None


# -- units ---------------------------------------------------------------------------------------
def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _mostly_inside(span: Span, zones: list[Span]) -> bool:
    covered = sum(max(0, min(span.end, z.end) - max(span.start, z.start)) for z in zones)
    return covered * 2 > len(span)


def claim_units(article: Article, analysis: Analysis) -> list[Span]:
    """Sentence spans cut at line breaks, outside boilerplate, in text order."""
    text = article.text
    sentences = analysis.sentences or [Span(m.start(), m.end()) for m in _FALLBACK_SENT.finditer(text)]
    units: list[Span] = []
    for sent in sentences:
        pos = sent.start
        for brk in [*_UNIT_BREAK.finditer(text, sent.start, sent.end), None]:
            end = brk.start() if brk else sent.end
            unit = _trimmed(text, pos, end)
            if unit and not _mostly_inside(unit, analysis.boilerplate):
                units.append(unit)
            if brk:
                pos = brk.end()
    return units


# -- claims --------------------------------------------------------------------------------------
def _inside(span: Span, unit: Span) -> bool:
    return unit.start <= span.start and span.end <= unit.end


def _speaker(unit: Span, analysis: Analysis) -> str | None:
    """The speaker of the quote that overlaps the unit most."""
    best, best_overlap = None, 0
    for q in analysis.quotes:
        overlap = min(unit.end, q.content.end) - max(unit.start, q.content.start)
        if q.speaker and overlap > best_overlap:
            best, best_overlap = q.speaker, overlap
    return best


def _event_date(unit: Span, analysis: Analysis, published: str | None) -> str | None:
    """The first calendar date mentioned in the unit, else the publication date."""
    for t in analysis.timexes:
        if t.type == "DATE" and _inside(t.span, unit) and _DATE_VALUE.match(t.value):
            return t.value
    return published


def _checkable(text: str, unit: Span, analysis: Analysis, speaker: str | None, lead: bool) -> bool:
    """A unit states something checkable: the lead, or a quote, figure, fate or dated event naming someone."""
    if len(text.split()) < MIN_WORDS or len(text) > MAX_CHARS or text.rstrip("”’\"' ").endswith("?"):
        return False
    if lex.COMMENT_STAMP.search(text):
        return False  # a reader comment's header ("January 29, 2011 at 7:56 pm | Report abuse")
    if lead or speaker:
        return True
    names = any(_inside(m.span, unit) and m.label in SUBJECT_LABELS for m in analysis.entities)
    dated = any(_inside(t.span, unit) and t.type == "DATE" for t in analysis.timexes)
    fate = any(p.search(text) for p, _ in lex.FATE_PATTERNS)
    return bool(find_figures(text)) or (names and (dated or fate))


def _polarity(text: str) -> str:
    return "negative" if lex.NEGATION.search(text) or lex.DENIAL.search(text) else "positive"


def extract_claims(article: Article, analysis: Analysis) -> list[Claim]:
    """The checkable statements of ``article``, in text order (see the module docstring)."""
    text = article.text
    lead_start = _lead_start(text)
    claims: list[Claim] = []
    for unit in claim_units(article, analysis):
        body = unit.text(text)
        speaker = _speaker(unit, analysis)
        if _checkable(body, unit, analysis, speaker, unit.start == lead_start):
            claims.append(claim_at(article, analysis, unit, speaker))
    return claims


def claim_at(article: Article, analysis: Analysis, span: Span, speaker: str | None = None) -> Claim:
    """The claim that ``span`` of ``article`` makes (speaker, polarity and date as :func:`extract_claims` reads them)."""
    body = span.text(article.text)
    return Claim(
        span=span,
        text=body,
        article_id=article.id,
        speaker=speaker or _speaker(span, analysis),
        polarity=_polarity(body),  # type: ignore[arg-type]
        date=_event_date(span, analysis, article.date),
    )


# -- facts for comparison ------------------------------------------------------------------------
def _match(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0).lower() if m else None


@dataclass(frozen=True)
class Fate:
    """What a claim says befell someone: ``state`` from the lexicon, ``negated`` for "has not resigned"."""

    subject: str | None
    state: str
    negated: bool


def _fates(text: str, offset: int, mentions: list[Mention]) -> tuple[Fate, ...]:
    """The fates a claim states about a person named just before the fate word ("Preval had survived").

    A person further back, or one separated from the fate word by a reporting
    verb ("Preval said … among the dead"), is not taken as its subject.
    """
    out = []
    people = [m for m in mentions if m.label == "PERSON"]
    for pattern, state in lex.FATE_PATTERNS:
        for m in pattern.finditer(text):
            start = offset + m.start()
            before = [p for p in people if 0 <= start - p.span.end <= lex.FATE_REACH]
            if not before or lex.THE_DEAD.search(text[: m.end()]):
                continue
            gap = text[before[-1].span.end - offset : m.start()]
            if lex.REPORTING.search(gap):
                continue
            negated = bool(lex.NEGATED_BEFORE.search(text[max(0, m.start() - 30) : m.start()]))
            out.append(Fate(before[-1].canonical, state, negated))
    return tuple(out)


def _denier(text: str, offset: int, mentions: list[Mention]) -> str | None:
    """Who denies: the entity named just before the denial word ("NATO denied"), if any."""
    m = lex.DENIAL.search(text)
    if not m:
        return None
    start = offset + m.start()
    before = [x for x in mentions if 0 <= start - x.span.end <= lex.DENIER_REACH and x.label != "NORP"]
    return before[-1].canonical if before else None


def _lead_start(text: str) -> int:
    """Where the first line (the headline, in a file that carries one) starts."""
    return len(text) - len(text.lstrip())


def claim_facts(claim: Claim, analysis: Analysis | None = None, article: Article | None = None) -> ClaimFacts:
    """What comparing ``claim`` with others needs; entities come from ``analysis`` when given."""
    text, span = claim.text, claim.span
    mentions = [m for m in analysis.entities if _inside(m.span, span)] if analysis else []
    timexes = [t for t in analysis.timexes if _inside(t.span, span)] if analysis else []
    skip = [(t.span.start - span.start, t.span.end - span.start) for t in timexes]
    return ClaimFacts(
        claim=claim,
        entities=frozenset(m.canonical for m in mentions if m.label in SUBJECT_LABELS),
        stems=frozenset(content_stems(text)),
        figures=tuple(find_figures(text, skip)),
        fates=_fates(text, span.start, mentions),
        debunk=_match(lex.DEBUNK, text),
        revision=_match(lex.REVISION, text),
        weak=_match(lex.WEAK, text),
        denial=_match(lex.DENIAL, text),
        denier=_denier(text, span.start, mentions),
        back_reference=bool(lex.BACK_REFERENCE.search(text)),
        time_values=tuple(t.value for t in timexes if t.type == "DATE"),
        lead=article is not None and span.start == _lead_start(article.text),
        published=article.published if article else claim.date,
        source=article.source if article else None,
    )
