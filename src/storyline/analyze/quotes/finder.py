"""Quotations and attributions: who said what, and through which channel.

Works on a parsed spaCy ``Doc`` of the whole article so that parsing happens
once. Three kinds of :class:`~storyline.model.Quote` are found:

* **direct**: a quoted stretch that stands as its own utterance, with the
  attribution before, after or in the middle ("“…,” John said, “…”" gives two
  quotes with the same speaker). A quotation that carries on in the next
  paragraphs, or a quote in a sentence of its own right after an attributed one,
  takes that quote's speaker.
* **mixed**: quoted words inside a reporting clause ("called it ‘ridiculous’");
  the reporting verb must govern the quoted words.
* **indirect**: a reported clause ("said that …", "told X that …",
  "according to X, …").

Reported clauses the rules miss come from a learned model
(:mod:`storyline.analyze.quotes.attribution`): by default only those whose cue is a
reporting or thinking verb; with ``mode="polnear"`` every attribution PolNeAR
annotates, beliefs and actions included ("co-sponsored | legislation to …").

Quoted words with no reporting verb (scare quotes, titles, wording of laws) are
not quotes. Text is split into *windows*: stretches between sentence ends that
lie outside quotation marks, so that punctuation inside a quotation never cuts
the attribution off from the quote.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from spacy.tokens import Doc, Token

from storyline.analyze.quotes.lexicon import (
    CHANNEL_NOUNS,
    CHANNEL_PREPS,
    CHANNEL_VERBS,
    NAMING_VERBS,
    PLATFORMS,
    SPEECH_VERBS,
    THOUGHT_VERBS,
)
from storyline.analyze.quotes.marks import QuoteSegment, find_quote_segments
from storyline.analyze.quotes.speakers import SpeakerIndex
from storyline.model import Mention, Quote, Span

if TYPE_CHECKING:
    from storyline.analyze.quotes.attribution import AttributionModel, Found

_SENT_END = {".", "!", "?"}
_OBJECT_COMPLEMENT_VERBS = NAMING_VERBS | {"tell", "urge", "ask", "warn", "advise", "remind"}
FOLLOW_ON_TAIL = 400  # PolNeAR joins “A,” she said at the hotel in Macau … ¶ “B.” even after a long tail
_LEAD_IN = (",", ":", "—", "–", "-", "(")
_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
_FUNCTION_WORDS = {"of", "the", "a", "an", "and", "for", "to", "in", "on", "at", "by", "with", "or"}
_ENT_CHANNEL_LABELS = {"ORG", "PRODUCT", "WORK_OF_ART", "FAC"}
_TRIM = " \t\n,.;:—–-"
_ATTRIBUTION_LEMMAS = SPEECH_VERBS | THOUGHT_VERBS
_HOLDER_PREPS = {"from", "by", "among"}
# "PENCE: Well, look …" (transcripts) and "Graham: Trump’s … Destroying GOP" (headlines).
_COLON_LINE = re.compile(r"^([A-Z][\w.’'-]*(?:[ \t]+[A-Z][\w.’'-]*){0,4})[ \t]*:[ \t]+(\S[^\n]{10,})$", re.MULTILINE)
_COLON_STOP = {"photo", "image", "read", "update", "note", "editor", "source", "watch", "related", "warning", "q", "a"}
# "Clinton to Planned Parenthood: Trump will reverse Roe v. Wade" (a headline on the first line).
_HEADLINE_COLON = re.compile(r"\A[ \t]*([A-Z][^:\n]{0,80}?)[ \t]*:[ \t]+(\S[^\n]{10,})$", re.MULTILINE)
_HEADLINE_SOURCE_END = re.compile(r"\s(?:to|on|about|at|in|for|with)\s")
# “…” ― Adriana Rodarte: a quote signed with a dash and a name at the end of its line.
_DASH_SIGNATURE = re.compile(r"^[ \t]*([―—–-])[ \t]*([A-Z][^\n,;()]{1,60})")


@dataclass
class _Attribution:
    """The attribution a quote gets: cue token, source span, speaker and channel."""

    cue: Span | None
    source: Span | None
    speaker: str
    channel: str | None


class _Article:
    """Per-article indexes shared by the three quote finders."""

    def __init__(self, doc: Doc, entities: list[Mention] | None):
        self.doc = doc
        self.text = doc.text
        self.segments = find_quote_segments(self.text)
        self.seg_of = [-1] * len(doc)
        for k, seg in enumerate(self.segments):
            span = doc.char_span(seg.outer_start, seg.outer_end, alignment_mode="expand")
            if span is not None:
                for t in span:
                    self.seg_of[t.i] = k
        self.window_of = self._windows()
        self.speakers = SpeakerIndex(doc, entities, [(s.outer_start, s.outer_end) for s in self.segments])
        self.para_starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def _windows(self) -> list[int]:
        """Window number of each token; windows end at sentence ends and line breaks outside quotes."""
        out, w = [], 0
        for t in self.doc:
            out.append(w)
            if self.seg_of[t.i] < 0 and (t.text in _SENT_END or (t.is_space and "\n" in t.text)):
                w += 1
        return out

    def paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self.para_starts, pos) - 1

    def window_tokens(self, w: int) -> list[Token]:
        lo = bisect.bisect_left(self.window_of, w)
        hi = bisect.bisect_right(self.window_of, w)
        return [self.doc[i] for i in range(lo, hi)]

    def segment_tokens(self, k: int) -> list[Token]:
        seg = self.segments[k]
        span = self.doc.char_span(seg.outer_start, seg.outer_end, alignment_mode="expand")
        return list(span) if span is not None else []

    def outside(self, t: Token) -> bool:
        return self.seg_of[t.i] < 0


def _is_cue(t: Token, lemmas: frozenset[str] = SPEECH_VERBS) -> bool:
    if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
        return True
    return t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in lemmas


def _cue_span(t: Token) -> Span:
    if t.lower_ == "according":
        return Span(t.idx, t.doc[t.i + 1].idx + len(t.doc[t.i + 1]))
    end = t.idx + len(t)
    for c in t.children:
        if c.dep_ == "prt" and c.i == t.i + 1:
            end = c.idx + len(c)
    return Span(t.idx, end)


def _extent(text: str, tokens: list[Token], trim: str = _TRIM) -> Span | None:
    """Character extent of ``tokens`` with leading/trailing punctuation and spaces trimmed."""
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    return _extent_chars(text, start, end, trim)


def _extent_chars(text: str, start: int, end: int, trim: str = _TRIM) -> Span | None:
    """``[start, end)`` with trimmable characters removed at both ends."""
    while start < end and text[start] in trim:
        start += 1
    while end > start and text[end - 1] in trim:
        end -= 1
    return Span(start, end) if end > start else None


def _subject(art: _Article, cue: Token) -> Token | None:
    """The speaker token of a cue: its subject, the object of "according to", or a relative's head.

    Subjects inside quotation marks are skipped: a parser may take a word of the quote as the subject.
    """
    if cue.lower_ == "according":
        to = cue.doc[cue.i + 1]
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    if cue.pos_ == "NOUN":
        # "Trump's assertion that …": the possessor of a noun cue is its source.
        owner = next((c for c in cue.children if c.dep_ == "poss" and art.outside(c)), None)
        if owner is not None:
            return owner
        # "complaints from his counterpart", "claims by intelligence agencies", "a sense among some".
        prep = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ in _HOLDER_PREPS and c.i > cue.i), None)
        holder = next((c for c in prep.children if c.dep_ == "pobj" and art.outside(c)), None) if prep else None
        if holder is not None:
            return holder
        # "raised concern that …", "made the case that …": the noun's verb has the source as its subject.
        if cue.dep_ == "dobj" and cue.head is not cue:
            found = _subject_of(art, cue.head)
            return found if found is not None else _subject_nearby(art, cue.head)
    found = _subject_of(art, cue)
    return found if found is not None else _subject_nearby(art, cue)


def _subject_nearby(art: _Article, cue: Token) -> Token | None:
    """A source the parse does not make the cue's subject, read off the word order of a verb cue.

    After the cue ("…,'' recalled Mr. Rhodes", "said Robin Maynard, half joking", where the parser takes
    the name for an object or the subject of the quote): the cue's object or its complement's subject when
    that starts right after the cue and punctuation comes before it. Before the cue ("On Dec. 2, Col.
    Warren, a military spokesman, said"): a name with an apposition that ends at the comma before it.
    """
    if cue.pos_ != "VERB" or cue.i == 0:
        return None
    doc = cue.doc
    if cue.lemma_.lower() in _ATTRIBUTION_LEMMAS and doc[cue.i - 1].is_punct:
        after = [c for c in cue.children if c.dep_ == "dobj"]
        after += [s for c in cue.children if c.dep_ == "ccomp" and c.i > cue.i for s in c.children if s.dep_ == "nsubj"]
        for c in after:
            if c.left_edge.i == cue.i + 1 and c.pos_ in ("PROPN", "NOUN") and art.outside(c):
                return c
    if doc[cue.i - 1].text != ",":
        return None
    sent_start = cue.sent.start
    last = cue.i - 2
    names = [
        t
        for t in doc[sent_start : cue.i - 1]
        if t.dep_ == "appos" and t.right_edge.i == last and t.head.pos_ == "PROPN" and art.outside(t.head)
    ]
    if not names:
        return None
    return min(names, key=lambda t: t.left_edge.i).head


def _subject_of(art: _Article, cue: Token) -> Token | None:
    """The subject of a verb cue (or of a verb above it), or the agent of a passive one."""
    node: Token | None = cue
    for _ in range(3):
        if node is None:
            break
        # In the passive the agent speaks ("was first reported by MSNBC"), not the subject.
        agent = next((c for c in node.children if c.dep_ == "agent"), None)
        by = next((c for c in agent.children if c.dep_ == "pobj" and art.outside(c)), None) if agent is not None else None
        if by is not None:
            return by
        subj = next((c for c in node.children if c.dep_ in _SUBJECTS and art.outside(c)), None)
        if subj is not None:
            if subj.lower_ in ("who", "which", "that") and node.dep_ == "relcl":
                return node.head
            return subj
        if agent is not None:
            return None
        if node.dep_ == "relcl":
            return node.head
        # "…, after saying that …": a participle under a preposition takes the subject of the verb above.
        if node.dep_ not in ("conj", "xcomp", "advcl", "ccomp", "acl", "pcomp", "prep", "pobj") or node.head is node:
            break
        node = node.head
    return None


def _source_span(art: _Article, subj: Token) -> Span | None:
    """The subject's whole noun phrase (appositions and relative clauses included), outside quotations."""
    keep = [t for t in subj.subtree if art.outside(t)]
    return _extent(art.text, keep or [subj])


def _entity_text(t: Token) -> str | None:
    """The named entity (or platform) a token is part of, without a leading "the"."""
    if t.ent_type_ in _ENT_CHANNEL_LABELS:
        ent = next((e for e in t.doc.ents if e.start <= t.i < e.end), None)
        if ent is not None:
            words = ent.text.split()
            return " ".join(words[1:] if words and words[0].lower() == "the" else words)
    if t.text in PLATFORMS:
        return t.text
    return None


def _channel_from(head: Token) -> str | None:
    """A channel named by ``head``'s prepositional or object dependents (two levels deep)."""
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in CHANNEL_PREPS:
            for obj in c.children:
                if obj.dep_ != "pobj":
                    continue
                name = _entity_text(obj)
                if name:
                    return name
                if obj.lemma_.lower() in CHANNEL_NOUNS:
                    deeper = _channel_from(obj)
                    if deeper:
                        return deeper
        if c.dep_ in ("dobj", "dative") and head.lemma_.lower() in ("tell", "interview"):
            name = _entity_text(c)
            if name:
                return name
    return None


def _channel(art: _Article, cue: Token) -> str | None:
    """The channel of a cue: on/to/in/with an outlet, or a "speaking to X" phrase attached to it."""
    name = _channel_from(cue)
    if name:
        return name
    for t in cue.children:
        if t.dep_ in ("advcl", "npadvmod", "conj") and t.lemma_.lower() in CHANNEL_VERBS:
            name = _channel_from(t)
            if name:
                return name
    return None


def _overlap_share(a: Span, b: Span) -> float:
    """The share of ``a`` that ``b`` covers."""
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    return inter / len(a) if len(a) else 0.0


def _clash(a: Span, b: Span) -> bool:
    """Whether two contents overlap by a fifth of either (PolNeAR contents do not overlap)."""
    return max(_overlap_share(a, b), _overlap_share(b, a)) >= 0.2


class _Finder:
    """Runs the direct/mixed and indirect passes over one article."""

    def __init__(self, doc: Doc, entities: list[Mention] | None):
        self.art = _Article(doc, entities)
        self.quotes: list[Quote] = []
        self.last: tuple[str, int] | None = None  # previous speaker and where it was named

    def attribute(self, cue: Token, subj: Token | None = None) -> _Attribution | None:
        """The attribution of ``cue``; its speaker is ``subj`` when given, else the cue's subject."""
        subj = subj or _subject(self.art, cue)
        if subj is None:
            return None
        source = _source_span(self.art, subj)
        if source is None:
            return None
        speech = cue.lemma_.lower() in SPEECH_VERBS or cue.lower_ == "according"
        speaker = self.art.speakers.resolve(source, subj.text, self.art.text, self.last, speech)
        return _Attribution(_cue_span(cue), source, speaker, _channel(self.art, cue))

    def add(self, content: Span, kind: str, att: _Attribution) -> Quote:
        q = Quote(
            content=content,
            text=content.text(self.art.text),
            kind=kind,  # type: ignore[arg-type]
            source=att.source,
            speaker=att.speaker or None,
            cue=att.cue,
            channel=att.channel,
        )
        self.quotes.append(q)
        if att.source is not None:
            self.last = (att.speaker, att.source.start)
        return q

    def recall_speaker_before(self, pos: int) -> None:
        """Make the last quote with a source before ``pos`` the previous speaker (for pronouns)."""
        earlier = [q for q in self.quotes if q.source is not None and q.source.start < pos]
        earlier.sort(key=lambda q: q.source.start)  # type: ignore[union-attr]
        self.last = (earlier[-1].speaker or "", earlier[-1].source.start) if earlier else None  # type: ignore[union-attr]

    # --- direct and mixed -------------------------------------------------------------

    def _lead(self, seg: QuoteSegment, window: list[Token]) -> str:
        """Outside text of the window before the segment."""
        before = [t for t in window if t.idx < seg.outer_start and self.art.outside(t)]
        return "".join(t.text_with_ws for t in before).strip()

    def _nearest_cue(self, k: int, window: list[Token], governing: bool) -> Token | None:
        toks = self.art.segment_tokens(k)
        if not toks:
            return None
        lo, hi = toks[0].i, toks[-1].i
        inside = set(range(lo, hi + 1))
        best, best_d = None, 10**9
        for t in window:
            if not self.art.outside(t) or not _is_cue(t):
                continue
            if governing and not any(t in tok.ancestors for tok in toks[1:-1] or toks):
                continue
            d = lo - t.i if t.i < lo else t.i - hi
            d += 0 if t.i > hi else 1  # prefer the cue after ("…," he said) on a tie
            if t.i not in inside and d < best_d:
                best, best_d = t, d
        return best

    def _looks_like_title(self, seg: QuoteSegment) -> bool:
        words = [w for w in self.art.text[seg.inner_start : seg.inner_end].split() if w[:1].isalnum()]
        content = [w for w in words if w.lower() not in _FUNCTION_WORDS]
        return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)

    def direct_and_mixed(self) -> None:
        art = self.art
        prev: Quote | None = None
        prev_att: _Attribution | None = None
        taken = [q.content for q in self.quotes]
        for k, seg in enumerate(art.segments):
            toks = art.segment_tokens(k)
            if not toks or any(c.start <= seg.inner_start < c.end for c in taken):
                continue
            window = art.window_tokens(art.window_of[toks[0].i])
            lead = self._lead(seg, window)
            content = Span(seg.inner_start, seg.inner_end)
            starts_para = not art.text[art.para_starts[art.paragraph(seg.outer_start)] : seg.outer_start].strip()
            direct = not lead or lead.endswith(_LEAD_IN) or seg.continues or starts_para
            cue_tok: Token | None = None
            if not direct:
                cue_tok = self._nearest_cue(k, window, governing=True)
                if cue_tok is not None and cue_tok.i < toks[0].i:
                    # "He said “…”" with no comma still reads as a direct quotation.
                    gap = [t for t in window if cue_tok.i < t.i < toks[0].i and art.outside(t)]
                    direct = not [t for t in gap if not t.is_punct]
            if direct:
                cue_tok = self._nearest_cue(k, window, governing=False)
            if cue_tok is None:
                att = self._signed(seg) if direct else None
                att = att or self._inherited(seg, prev, prev_att, direct)
                if att is None:
                    continue
            else:
                if not direct and self._looks_like_title(seg) and cue_tok.lemma_.lower() not in NAMING_VERBS:
                    continue
                att = self.attribute(cue_tok)
                if att is None:
                    continue
            prev = self.add(content, "direct" if direct else "mixed", att)
            prev_att = att

    def _signed(self, seg: QuoteSegment) -> _Attribution | None:
        """Attribution from a dash signature right after the quote ("“…” ― Jane Roe")."""
        m = _DASH_SIGNATURE.match(self.art.text, seg.outer_end)
        if m is None:
            return None
        source = Span(m.start(2), m.start(2) + len(m.group(2).rstrip(" .")))
        last_word = source.text(self.art.text).split()[-1]
        speaker = self.art.speakers.resolve(source, last_word, self.art.text, None)
        return _Attribution(Span(m.start(1), m.end(1)), source, speaker, None)

    def colon_lines(self) -> None:
        """Lines that open with a name and a colon: transcripts and headline attributions."""
        art = self.art
        for m in _COLON_LINE.finditer(art.text):
            prefix = m.group(1)
            if prefix.split()[0].lower().strip(".") in _COLON_STOP:
                continue
            source = Span(m.start(1), m.end(1))
            named = art.speakers.inside(source)
            if named is None and not (prefix.isupper() and len(prefix) > 2):
                continue
            content = _extent_chars(art.text, m.start(2), m.end(2))
            if content is None:
                continue
            colon = art.text.index(":", m.end(1))
            speaker = named.canonical if named else art.speakers.expand(prefix)
            kind = "direct" if prefix.isupper() else "indirect"
            self.add(content, kind, _Attribution(Span(colon, colon + 1), source, speaker, None))

    def headline_colon(self) -> None:
        """A headline "Source: what they said" on the first line, whatever the source ("Poll: …",
        "Clinton camp: …"); the source ends before a preposition ("Clinton | to Planned Parenthood: …")."""
        art = self.art
        m = _HEADLINE_COLON.match(art.text)
        if m is None or any(q.content.start < m.end() for q in self.quotes):
            return
        if m.group(1).split()[0].lower().strip(".") in _COLON_STOP:
            return
        cut = _HEADLINE_SOURCE_END.search(m.group(1))
        source = Span(m.start(1), m.start(1) + (cut.start() if cut else len(m.group(1))))
        content = _extent_chars(art.text, m.start(2), m.end(2))
        if content is None:
            return
        named = art.speakers.inside(source)
        speaker = named.canonical if named else art.speakers.expand(source.text(art.text))
        colon = art.text.index(":", m.end(1))
        self.add(content, "indirect", _Attribution(Span(colon, colon + 1), source, speaker, None))

    def _inherited(
        self,
        seg: QuoteSegment,
        prev: Quote | None,
        prev_att: _Attribution | None,
        direct: bool,
        after_any: bool = False,
        max_tail: int = 120,
    ) -> _Attribution | None:
        """Attribution carried over from the previous quote, for follow-on quotations.

        The previous quote must be direct, unless ``after_any``. In the next paragraph, the
        previous one must end with the attributed quote and at most ``max_tail`` characters after it.
        """
        if not direct or prev is None or prev_att is None or (prev.kind != "direct" and not after_any):
            return None
        art = self.art
        p_here, p_prev = art.paragraph(seg.outer_start), art.paragraph(prev.content.start)
        if seg.continues or p_here == p_prev:
            return prev_att
        between = art.text[prev.content.end : seg.outer_start]
        # The previous paragraph ended with the attributed quote: the next one opens with a quote.
        last_para_end = art.para_starts[art.paragraph(seg.outer_start)]
        tail = art.text[prev.content.end : last_para_end]
        if not any(ch in tail for ch in "“\"") and len(tail) < max_tail and between.count("\n\n") <= 1:
            return prev_att
        return None

    # --- learned attributions ------------------------------------------------------------

    def learned(self, mode: str, model: "AttributionModel | None" = None) -> None:
        """Attributions of the learned model (:mod:`storyline.analyze.quotes.attribution`) the rules missed.

        In ``news`` mode only reporting and thinking verbs with a known source count;
        in ``polnear`` mode every cue does, and a content may lack a source. A content
        in two pieces around its cue ("The bill, he said, is dead") gives one quote per
        piece with the same cue and source (PolNeAR's fragments); ``news`` mode keeps the
        longer piece.
        """
        from storyline.analyze.quotes.attribution import find_attributions, subject

        art = self.art
        outside = [k < 0 for k in art.seg_of]
        lemmas = _ATTRIBUTION_LEMMAS if mode == "news" else None
        cues = [q.cue for q in self.quotes if q.cue is not None]
        found_all = find_attributions(art.doc, outside, lemmas, model)
        if mode == "polnear":
            found_all = _tagged_contents(art.doc, found_all)
        for found in found_all:
            cue = _cue_span(found.cue)
            pieces = [Span(*f) for f in found.fragments]
            if mode == "news":
                pieces = [max(pieces, key=len)]
            if any(cue.overlaps(c) for c in cues) or sum(map(len, pieces)) < 2:
                continue
            if any(_clash(p, q.content) for p in pieces for q in self.quotes):
                continue
            self.recall_speaker_before(found.cue.idx)
            att = self.attribute(found.cue) or self.attribute(found.cue, subject(found.cue))
            if att is None:
                if mode == "news":
                    continue
                att = _Attribution(cue, None, "", None)
            for piece in pieces:
                self.add(piece, "indirect", att)
            cues.append(cue)

    def introduced(self) -> None:
        """Quotations with no attribution that a colon introduces ("Gallup’s analysis finds: “…”"): the
        colon is the cue, as PolNeAR marks it, and the source is the subject of the verb before it."""
        art = self.art
        for seg in art.segments:
            outer = Span(seg.outer_start, seg.outer_end)
            if any(q.content.overlaps(outer) for q in self.quotes):
                continue
            colon = len(art.text[: seg.outer_start].rstrip()) - 1
            if colon < 0 or art.text[colon] != ":":
                continue
            tok = art.doc.char_span(colon, colon + 1, alignment_mode="expand")
            if tok is None:
                continue
            verb = next((t for t in reversed(tok.sent[: tok.start - tok.sent.start]) if t.pos_ == "VERB"), None)
            att = self.attribute(verb) if verb is not None else None
            cue = Span(colon, colon + 1)
            if att is None:
                att = _Attribution(cue, None, "", None)
            self.add(Span(seg.inner_start, seg.inner_end), "direct", replace(att, cue=cue))

    def follow_on(self) -> None:
        """Quotations with no attribution of their own that follow an attribution of any kind
        continue it: PolNeAR puts "saying X. “B.”" in one attribution, as it does “A,” she said. “B.”"""
        art = self.art
        for seg in art.segments:
            outer = Span(seg.outer_start, seg.outer_end)
            if any(q.content.overlaps(outer) for q in self.quotes):
                continue
            before = [q for q in self.quotes if q.cue is not None and q.content.end <= seg.outer_start]
            if not before:
                continue
            prev = max(before, key=lambda q: q.content.end)
            para_start = art.para_starts[art.paragraph(seg.outer_start)]
            lead = art.text[max(para_start, prev.content.end) : seg.outer_start].strip()
            direct = not lead or lead.endswith(_LEAD_IN) or seg.continues or lead[-1] in _SENT_END
            att = _Attribution(prev.cue, prev.source, prev.speaker or "", prev.channel)
            if self._inherited(seg, prev, att, direct, after_any=True, max_tail=FOLLOW_ON_TAIL) is not None:
                self.add(Span(seg.inner_start, seg.inner_end), "direct", att)

    def runs_on(self, q: Quote) -> bool:
        """Whether a quotation after its cue runs on into the cue's clause ("said “it gets me mad” every
        time he thinks …"): PolNeAR's content is then the whole clause, which the model reads off the parse."""
        if q.cue is None or q.cue.end > q.content.start:
            return False
        seg = next((g for g in self.art.segments if g.inner_start == q.content.start), None)
        if seg is None:
            return False
        after = self.art.text[seg.outer_end : seg.outer_end + 40].lstrip(" \t")
        return bool(after) and after[0].isalnum()

    def with_marks(self, q: Quote) -> Quote:
        """A direct or mixed quote widened to its quotation marks, as PolNeAR marks contents."""
        if q.kind == "indirect":
            return q
        for seg in self.art.segments:
            if seg.inner_start == q.content.start and seg.inner_end == q.content.end:
                content = Span(seg.outer_start, seg.outer_end)
                return replace(q, content=content, text=content.text(self.art.text))
        return q

    # --- indirect -----------------------------------------------------------------------

    def _clause(self, cue: Token) -> list[Token] | None:
        """The reported clause of a cue (ccomp, parenthetical head, or "according to" host)."""
        if cue.lower_ == "according":
            host = cue.head
            if host is cue:
                return None
            skip = set(t.i for t in cue.subtree)
            return [x for x in host.subtree if x.i not in skip]
        comp = next((c for c in cue.children if c.dep_ == "ccomp"), None)
        if comp is not None:
            return list(comp.subtree)
        objects = [c for c in cue.children if c.dep_ in ("dobj", "dative")]
        complement = next((c for c in cue.children if c.dep_ in ("oprd", "xcomp")), None)
        if objects and complement is not None and cue.lemma_.lower() in _OBJECT_COMPLEMENT_VERBS:
            # "called the charges unsubstantiated", "told his advisers to find a way"
            return [t for c in (*objects, complement) for t in c.subtree]
        if cue.dep_ == "parataxis" and cue.head is not cue:
            skip = set(t.i for t in cue.subtree)
            return [t for t in cue.head.subtree if t.i not in skip]
        return None

    def indirect(self) -> None:
        art = self.art
        quoted = [(q.content.start, q.content.end) for q in self.quotes]
        for t in art.doc:
            if not art.outside(t) or not _is_cue(t, SPEECH_VERBS | THOUGHT_VERBS):
                continue
            clause = self._clause(t)
            if not clause:
                continue
            # Keep the part of the clause on one side of the cue.
            left = [c for c in clause if c.i < t.i]
            right = [c for c in clause if c.i > t.i]
            side = max(left, right, key=lambda ts: sum(not x.is_punct for x in ts))
            content = _extent(art.text, side, _TRIM + "“”\"")
            if content is None or len(content) < 8:
                continue
            covered = sum(max(0, min(b, content.end) - max(a, content.start)) for a, b in quoted)
            if covered >= 0.5 * len(content):
                continue
            self.recall_speaker_before(t.idx)
            att = self.attribute(t)
            if att is None:
                continue
            self.add(content, "indirect", att)


TAGGER_MIN_CONFIDENCE = 0.85  # chosen on 80 held-out train articles (0.7–0.9 all helped)


def _tagged_contents(doc: Doc, found: "list[Found]") -> "list[Found]":
    """Each learned attribution with the content the content tagger reads for its cue
    (:mod:`storyline.analyze.quotes.content_tagger`), where the tagger is confident (mean probability
    of its content labels at least ``TAGGER_MIN_CONFIDENCE``); the parse's content otherwise.
    The tagger ends a content where the parse has no boundary (trailing modifiers, several
    sentences). Each cue is tagged once, whatever the number of its contents."""
    from dataclasses import replace

    from storyline.analyze.quotes import content_tagger

    if not found or not content_tagger.available():
        return found
    cues = list({f.cue.i: f.cue for f in found}.values())
    spans = [_cue_span(c) for c in cues]
    tagged = content_tagger.tag_contents(doc, [(c, (s.start, s.end)) for c, s in zip(cues, spans)])
    by_cue = {c.i: tg for c, tg in zip(cues, tagged)}
    out = []
    for f in found:
        tg = by_cue[f.cue.i]
        confident = bool(tg.fragments) and tg.confidence >= TAGGER_MIN_CONFIDENCE
        out.append(replace(f, fragments=tg.fragments) if confident else f)
    return out


QuoteMode = Literal["news", "polnear"]


def find_quotes(
    doc: Doc,
    entities: list[Mention] | None = None,
    mode: QuoteMode = "news",
    model: "AttributionModel | None" = None,
) -> list[Quote]:
    """All quotations in a parsed article, each with its speaker, cue and channel.

    ``entities`` are the pipeline's mentions for the same text; their
    ``canonical`` names are used as speaker names. Without them, spaCy's own
    entities of ``doc`` are used.

    ``mode="news"`` (the default) reports who *said* (or thinks) what: the rules'
    quotes plus learned attributions whose cue is a reporting or thinking verb.
    ``mode="polnear"`` reports every attribution as PolNeAR annotates it:
    beliefs, intentions and actions too ("voted for | the resolution"), with or
    without a named source, and direct quotations with their quotation marks;
    it also reads any "Source: …" headline, takes a colon as the cue of the
    quotation it introduces, and joins a quotation with no cue of its own to the
    attribution before it.
    ``model`` replaces the packaged attribution model (training uses it).
    """
    finder = _Finder(doc, entities)
    finder.colon_lines()
    if mode == "polnear":
        finder.headline_colon()
    finder.direct_and_mixed()
    if mode == "polnear":
        # The model's dependency-based contents ("called | X “crazy”") replace the rules' mixed
        # quotes ("“crazy”") and reported clauses.
        finder.quotes = [q for q in finder.quotes if q.kind != "mixed" and not finder.runs_on(q)]
    else:
        finder.indirect()
    finder.learned(mode, model)
    if mode == "polnear":
        finder.introduced()
        finder.follow_on()
    quotes = finder.quotes
    if mode == "polnear":
        quotes = [finder.with_marks(q) for q in quotes]
    return sorted(quotes, key=lambda q: (q.content.start, q.content.end))
