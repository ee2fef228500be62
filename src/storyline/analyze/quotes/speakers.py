"""Speakers: from a source mention in the text to a canonical full name.

A source like "John", "he" or "Russian MP Vitaly Milonov" becomes the full
name of the person meant ("Elton John", "Vitaly Milonov"). Names come from the
pipeline's entity mentions when given (their ``canonical`` is trusted), else
from spaCy's named entities, where a short name is expanded to the longest
name in the article that contains it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc

from storyline.analyze.quotes.lexicon import (
    FIRST_PERSON,
    GROUP_PRONOUNS,
    NON_SPEAKING_NOUNS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    TITLES,
)
from storyline.model import Mention, Span

_NAME_LABELS = {"PERSON"}
_GROUP_LABELS = {"ORG", "NORP", "GPE"}
#: groups that a plural pronoun can stand for ("they" is never one person)
_PLURAL_LABELS = {"ORG", "NORP"}
#: places speak only as a metonym, with a speech cue ("Moscow said"), never with "expect" or "hope"
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
#: how many sentences back a pronoun looks for its antecedent
PRONOUN_REACH = 2


@dataclass(frozen=True)
class NamedMention:
    """A name in the text with its resolved full name and entity label."""

    span: Span
    canonical: str
    label: str


def _name_tokens(name: str) -> list[str]:
    """Name words without honorifics or a possessive: "Mr. Putin's" → ["putin"]."""
    words = [w.strip(".,").lower() for w in name.replace("’s", "").replace("'s", "").split()]
    return [w for w in words if w and w not in TITLES]


def _clean_name(name: str) -> str:
    words = name.replace("’s", "").replace("'s", "").split()
    while words and words[0].strip(".").lower() in TITLES | {"the"}:
        words.pop(0)
    return " ".join(words).strip(" ,.") or name


def _expand_short_names(mentions: list[tuple[Span, str, str]]) -> list[NamedMention]:
    """Give each PERSON name the longest PERSON name in the article that contains all its words."""
    full = [(_name_tokens(text), _clean_name(text)) for _span, text, label in mentions if label in _NAME_LABELS]
    out = []
    for span, text, label in mentions:
        canonical = _clean_name(text)
        if label in _NAME_LABELS:
            words = set(_name_tokens(text))
            best = canonical
            for toks, name in full:
                if words and words <= set(toks) and len(toks) > len(best.split()):
                    best = name
            canonical = best
        out.append(NamedMention(span, canonical, label))
    return out


class SpeakerIndex:
    """Resolves source spans to canonical speaker names for one article."""

    def __init__(self, doc: Doc, entities: list[Mention] | None, quoted: list[tuple[int, int]]):
        if entities:
            raw = [NamedMention(m.span, m.canonical, m.label) for m in entities]
        else:
            raw = _expand_short_names([(Span(e.start_char, e.end_char), e.text, e.label_) for e in doc.ents])
        self._quoted = quoted
        self._doc = doc
        self.mentions = sorted(raw, key=lambda m: m.span.start)
        self._starts = [m.span.start for m in self.mentions]

    def _outside_quotes(self, span: Span) -> bool:
        return not any(a <= span.start < b for a, b in self._quoted)

    def inside(self, span: Span) -> NamedMention | None:
        """The name inside ``span``: a person first, else an organisation or group."""
        i = bisect.bisect_left(self._starts, span.start)
        found = [m for m in self.mentions[i:] if m.span.start < span.end and m.span.overlaps(span)]
        for labels in (_NAME_LABELS, _GROUP_LABELS):
            for m in found:
                if m.label in labels:
                    return m
        return None

    def before(self, pos: int, labels: set[str]) -> NamedMention | None:
        """The nearest name with one of ``labels`` that starts before ``pos``, outside quotations."""
        i = bisect.bisect_left(self._starts, pos)
        for m in reversed(self.mentions[:i]):
            if m.label in labels and self._outside_quotes(m.span):
                return m
        return None

    def _is_subject(self, m: NamedMention) -> bool:
        span = self._doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
        return span is not None and span.root.dep_ in ("nsubj", "nsubjpass")

    def antecedent(self, pos: int, labels: set[str], subject_only: bool = False) -> NamedMention | None:
        """The name a pronoun at ``pos`` stands for: among the names with ``labels`` in its sentence and the
        ``PRONOUN_REACH`` sentences before (outside quotations), the nearest subject, else (unless
        ``subject_only``) the nearest name."""
        tok = self._doc.char_span(pos, pos + 1, alignment_mode="expand")
        sents = list(self._doc.sents) if tok is not None else []
        here = next((k for k, s in enumerate(sents) if s.start_char <= pos < s.end_char), None)
        lo = sents[max(0, here - PRONOUN_REACH)].start_char if here is not None else 0
        i = bisect.bisect_left(self._starts, pos)
        near = [m for m in reversed(self.mentions[:i])
                if m.span.start >= lo and m.label in labels and self._outside_quotes(m.span)]
        if not near:
            return None
        return next((m for m in near if self._is_subject(m)), None if subject_only else near[0])

    def resolve(
        self, source: Span, head_text: str, text: str, last: tuple[str, int] | None, speech: bool = True
    ) -> str:
        """The canonical speaker for a source mention ("" when the source cannot speak).

        ``last`` is the previous quotation's speaker and where it was named. A pronoun
        agrees in number with its antecedent: "he", "she" and "I" go to a person (the
        subject of a recent sentence first, see :meth:`antecedent`), unless the previous
        speaker was named after that name; "they" goes to an organisation or group
        (a place too with a ``speech`` cue), never to one person. Other sources use the
        name they contain (a place only with a speech cue), else their own words, unless
        those are a thing that cannot speak ("the law says").
        """
        head = head_text.lower()
        if head in PERSON_PRONOUNS | FIRST_PERSON:
            m = self.antecedent(source.start, _NAME_LABELS)
            if last is not None and (m is None or m.span.start <= last[1]):
                return last[0]
            return m.canonical if m else source.text(text)
        if head in GROUP_PRONOUNS:
            labels = _PLURAL_LABELS | (_PLACE_LABELS if speech else set())
            if head not in PLURAL_PRONOUNS:
                labels = labels | _NAME_LABELS if head != "it" else labels
            # A group that speaks is the subject of its clause ("The ministry said ... They added"); a
            # name in a prepositional phrase ("flew to Copenhagen") is not what "they" stands for.
            m = self.antecedent(source.start, labels, subject_only=True)
            return m.canonical if m else ""
        m = self.inside(source)
        if m is not None:
            return m.canonical if speech or m.label not in _PLACE_LABELS else ""
        if head.rstrip("s") in NON_SPEAKING_NOUNS or head in NON_SPEAKING_NOUNS:
            return ""
        return self.expand(source.text(text))

    def expand(self, name: str) -> str:
        """A bare name the tagger missed ("Lopez"), matched to the longest person name containing it."""
        words = set(_name_tokens(name))
        best = _clean_name(name)
        if not words or len(words) > 3:
            return best
        for m in self.mentions:
            if m.label in _NAME_LABELS and len(m.canonical) > len(best) and words <= set(_name_tokens(m.canonical)):
                best = m.canonical
        return best
