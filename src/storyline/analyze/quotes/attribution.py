"""Learned attribution finder: beliefs, intentions and actions as well as speech.

Direct quotations and reporting verbs are handled by the rules in
:mod:`storyline.analyze.quotes`. Many attributions have no reporting verb:
"Clinton co-sponsored | legislation …", "the council voted for | the
resolution", "he wants | to cut taxes", "a poll showed | a close race". This
module finds them in three steps:

1. **Candidates.** Every verb, every noun with a complement ("support for",
   "claims that"), every predicative adjective with one ("was critical of") and
   "according to" outside quotation marks is a possible cue;
   each gets a few possible contents read off the parse: its clausal
   complement, its open complement, its object, the object of one of its
   prepositions, its object with a complement, the rest of the clause, or the
   clause that it comments on ("…, he said"), each also cut before a right
   conjunct or at its first comma or dash (PolNeAR leaves out trailing
   relative clauses and appositions); a parenthetical cue also gets the clause
   around it in two pieces ("The plan, | he said, | would fail"), and a content
   that stops or starts inside a quotation also comes widened to the
   quotation's ends (the parse ends sentences inside quotations, PolNeAR does not).
2. **Scoring.** A logistic regression over sparse features of the cue (lemma,
   tag, dependency, children, modal, negation), its subject (pronoun, entity
   type) and the content (kind, length, first and last word, root, sentence end,
   distance to the cue, quotation marks), and of how the content compares with
   the cue's other contents (longest or shortest, what it adds to a shorter one
   with the same start: "Sanders | in Virginia", ", and has championed …"), gives each
   (cue, content) pair the probability that it is an attribution. The weights
   are trained on the PolNeAR train split
   (:mod:`storyline.evaluation.train_attribution`) and stored as JSON, so that
   loading is safe and fast and scoring is a dictionary sum.
3. **Decoding.** The pairs above the model's threshold go to the caller most
   probable first (up to ``MAX_OPTIONS`` per cue); it keeps a pair when its cue is
   free and its content does not overlap one already kept. The source is the
   cue's subject, as for the rules.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

from storyline.analyze.quotes.lexicon import SPEECH_VERBS, THOUGHT_VERBS

MODEL_PATH = Path(__file__).resolve().parents[2] / "resources" / "attribution" / "model.json"

# Characters dropped at the ends of a content; quotation marks stay (PolNeAR keeps them).
CONTENT_TRIM = " \t\n,.;:—–-()"
_QUOTE_CHARS = set("“”\"‘’'")
_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
_MODALS = {"will", "would", "could", "can", "may", "might", "should", "must", "shall"}
_CLAUSE_STARTS = {"that", "whether", "if", "how", "what", "why", "who", "when", "where", "which", "to"}
_LEN_BUCKETS = (1, 2, 3, 5, 8, 13, 21, 34)
_PRONOUNS = {"he", "she", "they", "we", "i", "you", "it", "who"}
_COMPLEMENTS = {"NOUN": {"prep", "acl", "ccomp"}, "ADJ": {"prep", "ccomp", "xcomp"}}
MAX_OPTIONS = 3  # contents per cue offered to the caller
_BREAKS = {",", "—", "–", "--", ";", "("}


@dataclass(frozen=True)
class Candidate:
    """A possible attribution: cue token, kind of content and the content's token range."""

    cue: Token
    kind: str
    start: int  # first content token index
    end: int  # one past the last content token index
    hole: tuple[int, int] | None = None  # tokens left out of the middle ("The bill, he said, is dead")


def _subtree_range(t: Token) -> tuple[int, int]:
    """Token range of ``t``'s subtree (projective parses make it contiguous)."""
    return t.left_edge.i, t.right_edge.i + 1


def _side_without(host: Token, cut: Token) -> tuple[int, int] | None:
    """The larger contiguous side of ``host``'s subtree once ``cut``'s subtree is removed."""
    lo, hi = _subtree_range(host)
    c_lo, c_hi = _subtree_range(cut)
    left, right = (lo, c_lo), (c_hi, hi)
    side = max(left, right, key=lambda r: r[1] - r[0])
    return side if side[1] > side[0] else None


def _around(host: Token, cut: Token) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """``host``'s subtree with ``cut``'s subtree as a hole, when text lies on both sides of it."""
    lo, hi = _subtree_range(host)
    c_lo, c_hi = _subtree_range(cut)
    if c_lo - lo < 1 or hi - c_hi < 2:
        return None, None
    return (lo, hi), (c_lo, c_hi)


def is_candidate_cue(t: Token) -> bool:
    """Verbs, "according (to)", nouns with a complement ("support for", "claims that") and
    predicative adjectives with one ("critical of", "confident that") can be cues."""
    if t.lower_ == "according":
        return t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to"
    if t.pos_ == "VERB":
        return True
    if t.pos_ == "ADJ" and t.dep_ != "acomp":
        return False
    return t.pos_ in ("NOUN", "ADJ") and any(c.dep_ in _COMPLEMENTS[t.pos_] and c.i > t.i for c in t.children)


def _without_conjuncts(t: Token) -> tuple[int, int] | None:
    """``t``'s subtree cut before its first right conjunct ("says A and tells B" → "A")."""
    conj = next((c for c in t.children if c.dep_ == "conj" and c.i > t.i), None)
    if conj is None:
        return None
    cut = conj.left_edge.i
    while cut > t.i and t.doc[cut - 1].dep_ in ("cc", "punct"):
        cut -= 1
    return (t.left_edge.i, cut) if cut > t.left_edge.i else None


def _first_break(doc: Doc, rng: tuple[int, int]) -> int | None:
    """Where a content would end if cut at its first comma, dash or semicolon (None: no such break)."""
    for i in range(rng[0] + 2, rng[1] - 1):
        if doc[i].text in _BREAKS:
            return i
    return None


QuoteRuns = list[tuple[int, int] | None]  # per token: its quotation's token range, or None outside quotations


def quotation_runs(outside: list[bool]) -> QuoteRuns:
    """For each token inside quotation marks, the token range of its stretch of quoted tokens
    (marks included); ``None`` for tokens outside. ``outside[i]`` says whether token ``i`` is outside."""
    runs: QuoteRuns = [None] * len(outside)
    i = 0
    while i < len(outside):
        if outside[i]:
            i += 1
            continue
        j = i
        while j < len(outside) and not outside[j]:
            j += 1
        runs[i:j] = [(i, j)] * (j - i)
        i = j
    return runs


def _to_quotation_ends(cand: Candidate, runs: QuoteRuns) -> Candidate | None:
    """The candidate widened to the ends of a quotation it starts or stops inside ("said that “ethanol
    people” “do a fantastic job | . And …”": the parse cuts quotations at their sentence ends, PolNeAR
    does not); ``None`` when it cuts through none."""
    lo, hi = cand.start, cand.end
    first, last = runs[lo], runs[hi - 1]
    if first is not None:
        lo = min(lo, first[0])
    if last is not None:
        hi = max(hi, last[1])
    if (lo, hi) == (cand.start, cand.end):
        return None
    return Candidate(cand.cue, cand.kind + "_quote", lo, hi)


def candidates(cue: Token, runs: QuoteRuns | None = None) -> list[Candidate]:
    """The possible contents of one cue, each as a token range with its kind.

    With ``runs`` (:func:`quotation_runs`), a content that cuts through a quotation also comes
    widened to the quotation's ends.
    """
    out = _parse_candidates(cue)
    if runs is not None:
        out += [w for c in out if c.hole is None and (w := _to_quotation_ends(c, runs)) is not None]
    return _unique(out)


def _parse_candidates(cue: Token) -> list[Candidate]:
    """The contents read off the dependency parse around ``cue``."""
    out: list[Candidate] = []

    def add(kind: str, rng: tuple[int, int] | None, hole: tuple[int, int] | None = None) -> None:
        if rng is not None and rng[1] > rng[0]:
            out.append(Candidate(cue, kind, rng[0], rng[1], hole))
            if hole is not None:
                return
            cut = _first_break(cue.doc, rng)
            if cut is not None:
                out.append(Candidate(cue, kind + "_cut", rng[0], cut))

    if cue.lower_ == "according":
        host = cue.head
        if host is not cue:
            add("according", _side_without(host, cue))
        return out
    prefix = {"NOUN": "n_", "ADJ": "a_"}.get(cue.pos_, "")
    children = list(cue.children)
    for c in children:
        if c.dep_ == "ccomp" or (prefix and c.dep_ == "acl"):
            kind = "ccomp_left" if c.i < cue.i else "ccomp"
            add(prefix + kind, _subtree_range(c))
            add(prefix + kind + "_noconj", _without_conjuncts(c))
        elif c.dep_ == "xcomp":
            add("xcomp", _subtree_range(c))
            add("xcomp_noconj", _without_conjuncts(c))
        elif c.dep_ in ("dobj", "attr") and c.i > cue.i:
            add("dobj", _subtree_range(c))
            comp = next((d for d in children if d.dep_ in ("oprd", "xcomp", "ccomp", "prep") and d.i > c.i), None)
            if comp is not None:
                add("dobj_comp", (c.left_edge.i, comp.right_edge.i + 1))
        elif c.dep_ == "prep" and c.i > cue.i:
            obj = next((d for d in c.children if d.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                add(prefix + "prep", _subtree_range(obj))
        elif c.dep_ == "nsubjpass":
            add("subjpass", _subtree_range(c))
    if prefix:
        return out
    if cue.dep_ in ("parataxis", "advcl", "conj") and cue.head is not cue and cue.i > cue.head.i:
        add("host", _side_without(cue.head, cue))
        add("host_split", *_around(cue.head, cue))
    elif cue.dep_ == "parataxis" and cue.head is not cue:  # "The plan, he said on Monday, would …"
        add("host_split", *_around(cue.head, cue))
    right = [c for c in children if c.i > cue.i and c.dep_ not in ("punct", "cc", "conj")]
    if right:
        add("rest", (cue.i + 1, max(c.right_edge.i for c in right) + 1))
    return out


def _unique(cands: list[Candidate]) -> list[Candidate]:
    """Candidates with distinct token ranges, keeping the first kind found for each."""
    seen: set[tuple[int, int]] = set()
    out = []
    for cand in cands:
        if (cand.start, cand.end) not in seen:
            seen.add((cand.start, cand.end))
            out.append(cand)
    return out


def subject(cue: Token) -> Token | None:
    """The cue's subject, looking up through conjunctions and open complements.

    For a noun cue it is the possessor ("Trump's claims"); for "according to X" it is X.
    """
    if cue.lower_ == "according":
        to = cue.doc[cue.i + 1]
        return next((c for c in to.children if c.dep_ == "pobj"), None)
    if cue.pos_ == "NOUN":
        return next((c for c in cue.children if c.dep_ == "poss"), None)
    node = cue
    for _ in range(3):
        subj = next((c for c in node.children if c.dep_ in _SUBJECTS), None)
        if subj is not None:
            return subj
        agent = next((c for c in node.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        if node.dep_ == "relcl" or node.dep_ == "acl":
            return node.head
        if node.dep_ not in ("conj", "xcomp", "advcl", "acomp") or node.head is node:
            break
        node = node.head
    return None


def _bucket(n: int) -> str:
    return str(next((b for b in _LEN_BUCKETS if n <= b), "more"))


def _subject_kind(subj: Token | None) -> str:
    if subj is None:
        return "none"
    if subj.lower_ in _PRONOUNS:
        return "pron"
    if subj.ent_type_:
        return subj.ent_type_
    return subj.pos_


_FIRST_BREAK = "storyline.first_break"  # Doc.user_data: the index of the first token followed by a line break


def _in_first_line(t: Token) -> bool:
    """Whether ``t`` is on the article's first line (its headline); stops at the first line break."""
    doc = t.doc
    first = doc.user_data.get(_FIRST_BREAK)
    if first is None:  # found once per document (this is asked for every cue)
        first = doc.user_data[_FIRST_BREAK] = next((x.i for x in doc if "\n" in x.text_with_ws), len(doc))
    return bool(first >= t.i)


def cue_features(cue: Token) -> list[str]:
    """Features of the cue token alone (shared by all of its candidates)."""
    lemma = cue.lemma_.lower()
    lex = "speech" if lemma in SPEECH_VERBS else "thought" if lemma in THOUGHT_VERBS else "other"
    subj = subject(cue)
    kids = list(cue.children)
    feats = [
        f"lem={lemma}",
        f"tag={cue.tag_}",
        f"dep={cue.dep_}",
        f"lex={lex}",
        f"subj={_subject_kind(subj)}",
        f"hdep={cue.head.dep_}|{cue.dep_}",
        f"lex|subj={lex}|{_subject_kind(subj)}",
        f"lem|subj={lemma}|{_subject_kind(subj)}",
        f"lem|tag={lemma}|{cue.tag_}",
    ]
    feats += [f"kid={c.dep_}" for c in kids]
    feats += [f"prt={c.lower_}" for c in kids if c.dep_ == "prt"]
    feats += [f"lem|prep={lemma}|{c.lower_}" for c in kids if c.dep_ == "prep" and c.i > cue.i]
    if any(c.dep_ == "neg" for c in kids):
        feats.append("neg")
    if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in kids):
        feats.append("modal")
    if subj is not None and subj.i > cue.i:
        feats.append("subj_after")
    if _in_first_line(cue):
        feats.append("headline")
    return feats


def candidate_features(cand: Candidate, base: list[str], n_cands: int) -> list[str]:
    """Features of one (cue, content) pair: the cue's features crossed with the content's kind."""
    doc = cand.cue.doc
    first = doc[cand.start]
    length = cand.end - cand.start
    kind = cand.kind
    lemma = cand.cue.lemma_.lower()
    text = doc[cand.start : cand.end].text
    first_word = first.lower_ if first.lower_ in _CLAUSE_STARTS else first.pos_
    feats = [f"k={kind}", f"k|lem={kind}|{lemma}", f"k|len={kind}|{_bucket(length)}", f"k|first={kind}|{first_word}"]
    feats += [f"k|{f}" for f in base if not f.startswith("lem=")]
    feats.append(f"lem|first={lemma}|{first_word}")
    feats.append(f"lem|k|first={lemma}|{kind}|{first_word}")
    after = doc[cand.end] if cand.end < len(doc) else None
    after_word = "END" if after is None else after.text if after.is_punct else after.dep_
    feats.append(f"k|after={kind}|{after_word}")
    if after is not None and after.is_punct and cand.end + 1 < len(doc):
        feats.append(f"k|after2={kind}|{after.text}|{doc[cand.end + 1].dep_}")
    feats.append(f"k|n={kind}|{min(n_cands, 4)}")
    if any(ch in text for ch in _QUOTE_CHARS):
        feats.append(f"k|quoted={kind}")
    if first.ent_type_:
        feats.append(f"k|first_ent={kind}|{first.ent_type_}")
    if any(t.pos_ == "VERB" for t in doc[cand.start : cand.end]):
        feats.append(f"k|has_verb={kind}")
    return feats + _boundary_features(cand)


def _near_sentence_end(doc: Doc, end: int) -> bool:
    """Whether a content ending before token ``end`` reaches its sentence's end (or its last token)."""
    return any(i >= len(doc) or doc[i].is_sent_start for i in (end, end + 1))


def _boundary_features(cand: Candidate) -> list[str]:
    """Where the content ends and how it hangs together: last token, root (its word and, with the cue's
    lemma, its entity type: "endorsed | Sanders"), sentence end, gap to the cue."""
    doc = cand.cue.doc
    kind = cand.kind
    last = doc[cand.end - 1]
    root = next((t for t in doc[cand.start : cand.end] if not cand.start <= t.head.i < cand.end or t.head is t), last)
    cue_i = cand.cue.i
    gap = cand.start - cue_i - 1 if cand.start > cue_i else cue_i - cand.end
    return [
        f"k|last={kind}|{last.text if last.is_punct else last.tag_}",
        f"k|root={kind}|{root.dep_}|{root.pos_}",
        f"k|sent_end={kind}|{_near_sentence_end(doc, cand.end)}",
        f"k|gap={kind}|{_bucket(max(gap, 0))}",
        f"lem|root={cand.cue.lemma_.lower()}|{root.ent_type_ or root.pos_}",
        f"k|root_lem={kind}|{root.lemma_.lower()}",
    ]


def _added_by(doc: Doc, lo: int, hi: int) -> str:
    """What tokens ``lo``..``hi`` add to a content: the first word's dependency (and the preposition itself)."""
    t = next((doc[i] for i in range(lo, hi) if not doc[i].is_punct), None)
    if t is None:
        return "punct"
    if t.dep_ in ("prep", "cc", "mark", "advmod"):
        return f"{t.dep_}|{t.lower_}"
    return t.dep_


def comparison_features(cand: Candidate, cands: list[Candidate]) -> list[str]:
    """How a content compares with the cue's other contents: the longest or shortest, nested in a
    longer one, and what it adds to the next shorter content with the same start ("Sanders | in
    Virginia", ", and has championed …"). An independent score per pair cannot see these, yet
    they decide between near-identical extents."""
    doc = cand.cue.doc
    kind = cand.kind
    size = cand.end - cand.start
    sizes = [c.end - c.start for c in cands]
    feats = []
    if len(cands) > 1:
        rank = "longest" if size == max(sizes) else "shortest" if size == min(sizes) else "mid"
        feats.append(f"k|size={kind}|{rank}")
    same_start = [c for c in cands if c.start == cand.start and c.hole is None and c is not cand]
    shorter = [c for c in same_start if c.end < cand.end]
    if shorter:
        prev = max(shorter, key=lambda c: c.end)
        feats.append(f"k|adds={kind}|{_added_by(doc, prev.end, cand.end)}")
        feats.append(f"adds={_added_by(doc, prev.end, cand.end)}")
    longer = [c for c in same_start if c.end > cand.end]
    if longer:
        nxt = min(longer, key=lambda c: c.end)
        feats.append(f"k|drops={kind}|{_added_by(doc, cand.end, nxt.end)}")
        feats.append(f"drops={_added_by(doc, cand.end, nxt.end)}")
    if any(c.start <= cand.start and cand.end <= c.end and c is not cand for c in cands):
        feats.append(f"k|nested={kind}")
    return feats


def features(cue: Token, runs: QuoteRuns | None = None) -> list[tuple[Candidate, list[str]]]:
    """All candidates of a cue with their feature lists (used by training and inference alike);
    ``runs`` as for :func:`candidates`."""
    cands = candidates(cue, runs)
    if not cands:
        return []
    base = cue_features(cue)
    return [(c, base + candidate_features(c, base, len(cands)) + comparison_features(c, cands)) for c in cands]


def content_fragments(doc: Doc, cand: Candidate, text: str | None = None) -> list[tuple[int, int]]:
    """Character extents of a candidate's content: one, or two around its hole."""
    text = doc.text if text is None else text
    if cand.hole is None:
        rngs = [(cand.start, cand.end)]
    else:
        rngs = [(cand.start, cand.hole[0]), (cand.hole[1], cand.end)]
    spans = (_char_extent(doc, lo, hi, text) for lo, hi in rngs if hi > lo)
    return [s for s in spans if s is not None]


def content_span(doc: Doc, cand: Candidate, text: str | None = None) -> tuple[int, int] | None:
    """Character extent of a candidate's content (holes ignored), within one line, punctuation trimmed.

    ``text`` is ``doc.text``; pass it when calling in a loop, since spaCy rebuilds it on each access.
    """
    return _char_extent(doc, cand.start, cand.end, doc.text if text is None else text)


def _char_extent(doc: Doc, lo: int, hi: int, text: str) -> tuple[int, int] | None:
    """Character extent of tokens ``lo``..``hi`` within the first token's line, punctuation trimmed at both ends."""
    start = doc[lo].idx
    last = doc[hi - 1]
    end = last.idx + len(last)
    line_end = text.find("\n", start, end)
    if line_end >= 0:
        end = line_end  # a reported content ends with its paragraph (headlines run into the body)
    while start < end and text[start] in CONTENT_TRIM:
        start += 1
    while end > start and text[end - 1] in CONTENT_TRIM:
        end -= 1
    return (start, end) if end > start else None


@dataclass
class AttributionModel:
    """Logistic-regression weights over string features, with a decision threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, feats: list[str]) -> float:
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def to_json(self) -> str:
        return json.dumps({"bias": self.bias, "threshold": self.threshold, "weights": self.weights}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "AttributionModel":
        data = json.loads(text)
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]), float(data["threshold"]))


@lru_cache(maxsize=1)
def load_model(path: str = str(MODEL_PATH)) -> AttributionModel | None:
    """The trained model, or ``None`` when no model file is present."""
    p = Path(path)
    if not p.is_file():
        return None
    return AttributionModel.from_json(p.read_text(encoding="utf-8"))


@dataclass
class Found:
    """One learned attribution: cue token, content character extents (one or two) and its probability."""

    cue: Token
    fragments: list[tuple[int, int]]
    probability: float
    kind: str


def find_attributions(
    doc: Doc,
    outside: list[bool],
    lemmas: frozenset[str] | None = None,
    model: AttributionModel | None = None,
) -> list[Found]:
    """(cue, content) pairs whose probability passes the model's threshold, most probable first.

    A cue comes with up to ``MAX_OPTIONS`` contents; the caller keeps the first one that
    does not clash with what it already has, so that a probable attribution is not lost
    to a less probable one that happens to come earlier in the text.

    ``outside[i]`` says whether token ``i`` lies outside quotation marks; cues
    inside quotations belong to the quoted speaker and are not reported.
    ``lemmas``, when given, limits the cues to verbs with those lemmas (and
    "according to").
    """
    model = model or load_model()
    if model is None:
        return []
    found = []
    text = doc.text
    runs = quotation_runs(outside)
    for t in doc:
        if not outside[t.i] or not is_candidate_cue(t):
            continue
        if lemmas is not None and t.lower_ != "according" and t.lemma_.lower() not in lemmas:
            continue
        scored = [(model.probability(feats), cand) for cand, feats in features(t, runs)]
        scored = sorted((sc for sc in scored if sc[0] >= model.threshold), key=lambda sc: -sc[0])
        for p, cand in scored[:MAX_OPTIONS]:
            frags = content_fragments(doc, cand, text)
            if frags:
                found.append(Found(t, frags, p, cand.kind))
    found.sort(key=lambda f: -f.probability)
    return found
