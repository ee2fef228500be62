"""Corrections: which claims later coverage contradicts, corrects, updates or supports.

Within a thread, each article's claims are compared with the claims of every
article published before it. A pair of claims is a *candidate* when the two are
about the same thing (a shared named entity, shared content words, or close
sentence embeddings). A :class:`RelationScorer` then labels candidates:

* ``corrects``: the later claim revises or debunks the earlier one. It carries
  a cue (hoax, prank, tricked, posing as, retracted, "contrary to earlier
  reports", "revised down") or, for a weak cue ("in fact", "is alive"), a
  conflict with the earlier claim as well.
* ``contradicts``: incompatible without a revision cue: the same statement
  with opposite polarity, a fate that cannot follow the earlier one (dead,
  then alive), or a toll that shrinks without explanation.
* ``competing_account``: a party denies or disputes what another party said
  ("NATO denied …" against "state TV said …", a defendant's denial against the
  charge): two sides' accounts, never a correction (:func:`competing`).
* ``updates``: a running total that grew ("at least 20 dead" → "the toll rose
  to 35"): a figure changed over time, not a correction.
* ``supports``: the later claim restates the earlier one.

Every verdict carries a one-line ``reason`` naming what changed ("later figure
35 replaces earlier at least 20 for the same death toll"), stored with the
relation. Precision comes first: every rule asks for a named subject in common
(or a near-paraphrase), and at most one relation is kept per later claim and
earlier article, and per earlier claim and later article. The default scorer
is :class:`RuleScorer`; :class:`LearnedScorer` puts a pair model trained on
hand-labelled pairs on top (``[explain] relations = "learned"``); another
scorer plugs in by implementing :class:`RelationScorer` and being passed as
``scorer``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Protocol, Sequence

import numpy as np

from ..model import Analysis, Article, Claim, ClaimRelation, RelationLabel
from . import _claim_lexicon as lex
from ._claim_figures import Figure
from .claims import ClaimFacts, claim_facts, extract_claims

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

_PRECISE_TIME = re.compile(r"^\d{4}-(?:\d\d|Q\d|W\d\d|H\d)")
#: Labels in order of how much a reader needs to see them (used to keep the strongest).
PRIORITY: dict[str, int] = {"corrects": 4, "contradicts": 3, "competing_account": 2, "updates": 1, "supports": 0}
#: Labels shown unless asked otherwise: the ones that change what a reader believes.
CHANGE_LABELS: tuple[RelationLabel, ...] = ("corrects", "contradicts", "competing_account", "updates")
#: The labels that say coverage was wrong (what precision is measured on).
CORRECTION_LABELS: frozenset[str] = frozenset({"corrects", "contradicts"})


# -- the pair and the scorer slot ------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimPair:
    """An earlier and a later claim about the same thing, with how alike they are."""

    earlier: ClaimFacts
    later: ClaimFacts
    similarity: float  # cosine of sentence embeddings (word overlap when embeddings are unavailable)
    overlap: float  # Dice coefficient of content-word stems
    shared: frozenset[str]  # named entities both claims mention
    time_link: bool  # the later claim points back to the earlier one's time


@dataclass(frozen=True)
class Verdict:
    """A scorer's decision on one pair."""

    label: RelationLabel
    score: float
    cue: str | None = None
    reason: str | None = None  # one line a reader can check against both sentences
    rule: str | None = None  # which of the rules gave it (``figures``, ``debunk``, …), for a model on top


class RelationScorer(Protocol):
    """Labels candidate pairs; ``None`` for a pair that bears no reportable relation.

    ``worth_scoring`` is a cheap first look, before sentence similarity is
    computed (``pair.similarity`` is 0 then); a model that wants every
    candidate returns ``True``.
    """

    def worth_scoring(self, pair: ClaimPair) -> bool: ...

    def judge(self, pairs: Sequence[ClaimPair]) -> list[Verdict | None]: ...


# -- similarity ------------------------------------------------------------------------------------
def _name_tokens(name: str) -> frozenset[str]:
    return frozenset(name.lower().replace("’s", "").replace("'s", "").split())


def same_entity(a: str, b: str) -> bool:
    """Two canonical names refer to one referent: equal, or one's words within the other's ("Putin")."""
    ta, tb = _name_tokens(a), _name_tokens(b)
    return bool(ta and tb) and (ta <= tb or tb <= ta)


def shared_entities(a: Iterable[str], b: Iterable[str]) -> frozenset[str]:
    """Names of ``a`` that have a referent in ``b``."""
    b = list(b)
    return frozenset(x for x in a if any(same_entity(x, y) for y in b))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _embeddings(texts: list[str]) -> np.ndarray | None:
    """Sentence embeddings, or ``None`` when the model cannot be loaded (word overlap is used instead)."""
    try:
        from ..embed import embed

        return embed(texts)
    except Exception:  # noqa: BLE001 - any failure to load the model means: go on without it
        return None


def _time_link(earlier: ClaimFacts, later: ClaimFacts) -> bool:
    """The later claim names the earlier claim's date (or its article's), not its own."""
    own = (later.published or "")[:4]
    targets = {d for d in (earlier.claim.date, earlier.published) if d}
    for value in later.time_values:
        if value[:4] != own and any(t.startswith(value) for t in targets):
            return True
    return False


# -- the rules -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleThresholds:
    """Similarity each rule asks for; tuned for precision on news text."""

    debunk: float = 0.6
    debunk_linked: float = 0.45
    denial: float = 0.6
    fate: float = 0.6
    weak_cue: float = 0.7
    weak_overlap: float = 0.3
    figure: float = 0.55
    figure_other: float = 0.75
    figure_shrink: float = 0.7
    estimate: float = 0.6
    estimate_ratio: float = 1.25
    polarity: float = 0.8
    polarity_overlap: float = 0.6
    supports: float = 0.8
    supports_overlap: float = 0.5


def _same_kind(a: Figure, b: Figure) -> bool:
    return a.kind == b.kind and a.kind != "count"


def _repeated(figure: Figure, others: Sequence[Figure]) -> bool:
    """The other claim gives this figure again: the same value, or within 2 % where one is a bound or an
    estimate ("at least 100" and "101" confirm each other; an exact 103 revised to 101 does not)."""

    def again(o: Figure) -> bool:
        if o.kind != figure.kind:
            return False
        if o.value == figure.value:
            return True
        loose = not (o.bound == figure.bound == "exact")
        return loose and abs(o.value - figure.value) <= 0.02 * max(abs(o.value), abs(figure.value))

    return any(again(o) for o in others)


def _same_time(e: ClaimFacts, l: ClaimFacts) -> bool:
    """Both claims are about one moment: a shared month, quarter or day, or the same day of publication."""
    te = {v for v in e.time_values if _PRECISE_TIME.match(v)}
    tl = {v for v in l.time_values if _PRECISE_TIME.match(v)}
    if te or tl:
        return bool(te & tl)
    return bool(e.published and l.published and e.published[:10] == l.published[:10])


def _different_days(e: ClaimFacts, l: ClaimFacts) -> bool:
    """Both claims are dated to a day, and not the same one ("fell today", a week apart)."""
    de, dl = e.claim.date or "", l.claim.date or ""
    return len(de) == len(dl) == 10 and de != dl


def _changed_figures(e: ClaimFacts, l: ClaimFacts) -> bool:
    """Some figure of one claim has a different value in the other (same kind, not repeated)."""
    changed_e = {f.kind for f in e.figures if not _repeated(f, l.figures)}
    return any(f.kind in changed_e for f in l.figures if not _repeated(f, e.figures))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


_BOUND_WORDS = {"lower": "at least ", "upper": "up to ", "approximate": "about ", "exact": ""}
_MEASURES = {
    "deaths": "death toll", "injured": "number injured", "missing": "number missing",
    "arrests": "number arrested", "displaced": "number displaced", "percent": "percentage",
}  # fmt: skip


def figure_text(f: Figure) -> str:
    """A figure as a reader would say it: "at least 20", "about 1,000"."""
    return _BOUND_WORDS.get(f.bound, "") + _fmt(f.value)


def measure(kind: str) -> str:
    """What a figure of ``kind`` measures, in words ("death toll", "amount in USD", "barrel figure")."""
    if kind in _MEASURES:
        return _MEASURES[kind]
    if kind.startswith("money:"):
        return f"amount in {kind.split(':', 1)[1]}"
    return f"{kind} figure"


def subject(p: ClaimPair) -> str | None:
    """The named entity the two claims share that says most (the longest name), if any."""
    return max(sorted(p.shared), key=len) if p.shared else None


def _about(p: ClaimPair) -> str:
    name = subject(p)
    return f" about {name}" if name else ""


#: How far (characters) from a debunk cue the shared subject must be named ("Elton was tricked").
CUE_REACH = 60


def _named_near_cue(text: str, cue: "re.Pattern[str]", names: Iterable[str]) -> bool:
    """A word of one of ``names`` stands within :data:`CUE_REACH` characters of the cue: the cue is about them
    (not about "the police IDs" in a highlights box that names Cairo elsewhere)."""
    m = cue.search(text)
    if not m:
        return False
    window = text[max(0, m.start() - CUE_REACH) : m.end() + CUE_REACH].lower()
    return any(re.search(rf"\b{re.escape(w)}", window) for n in names for w in _name_tokens(n) if len(w) > 2)


def _contrastive(text: str) -> bool:
    """Every negation of ``text`` contrasts ("X, not Y", "not only") rather than denies."""
    negations = list(lex.NEGATION.finditer(text))
    contrasts = [(c.start(), c.end()) for c in lex.CONTRASTIVE_NOT.finditer(text)]
    return bool(negations) and all(any(a <= m.start() < b for a, b in contrasts) for m in negations)


class RuleScorer:
    """The default scorer: cue words, polarity, fates and figures, gated by similarity."""

    def __init__(self, thresholds: RuleThresholds | None = None):
        self.t = thresholds or RuleThresholds()

    def worth_scoring(self, p: ClaimPair) -> bool:
        """Whether any rule could fire: a cue on a shared subject, figures or fates on both sides, or many shared words."""
        e, l = p.earlier, p.later
        kinds = {f.kind for f in e.figures}
        return (
            (bool(p.shared) and bool(l.debunk or l.denial or l.weak))
            or any(f.kind in kinds for f in l.figures)
            or bool(e.fates and l.fates)
            or p.overlap >= min(self.t.polarity_overlap, self.t.supports_overlap)
        )

    def judge(self, pairs: Sequence[ClaimPair]) -> list[Verdict | None]:
        return [self.judge_one(p) for p in pairs]

    def judge_one(self, p: ClaimPair) -> Verdict | None:
        """The first rule that fires, strongest kind first; a party's denial is never a correction."""
        rules = (self._debunk, self._fate, self._figures, self._estimate, self._weak_cue, self._denial, self._polarity, self._supports)
        for rule in rules:
            verdict = rule(p)
            if verdict is not None:
                return competing(p, replace(verdict, rule=rule.__name__.strip("_")))
        return None

    def _score(self, p: ClaimPair) -> float:
        bonus = 0.1 * p.time_link + 0.05 * p.earlier.lead + 0.05 * min(len(p.shared), 2)
        return round(min(1.0, p.similarity + bonus), 3)

    def _debunk(self, p: ClaimPair) -> Verdict | None:
        """A hoax, fake or retraction about the same subject as the earlier claim."""
        e, l = p.earlier, p.later
        if not l.debunk or e.debunk or not p.shared:
            return None
        need = self.t.debunk_linked if (p.time_link or l.back_reference) else self.t.debunk
        if p.similarity < need or not _named_near_cue(l.claim.text, lex.DEBUNK, p.shared):
            return None
        return Verdict("corrects", self._score(p), l.debunk, f"later report{_about(p)} says the earlier account was wrong (“{l.debunk}”)")

    def _fate(self, p: ClaimPair) -> Verdict | None:
        """One person's fates that cannot both hold: dead then alive, or resigned then "has not resigned"."""
        e, l = p.earlier, p.later
        if p.similarity < self.t.fate or e.claim.polarity == "negative" or (e.claim.date or "") > (l.published or "~"):
            return None  # a negated earlier sentence, or one about a date after the later article, states no fate
        for fe in e.fates:
            for fl in l.fates:
                if fe.negated or not (fe.subject and fl.subject and same_entity(fe.subject, fl.subject)):
                    continue
                # Only an earlier fate later undone: "resigned" → "has not resigned", dead → alive.
                # The other way round ("did not step down" → "stepped down") is news, not a conflict.
                if fl.negated and lex.PAST_NEGATION.search(l.claim.text):
                    continue  # "that night he didn't step down": told as the past or a condition, not now
                negated = fe.state == fl.state and fl.negated
                incompatible = not fl.negated and (fe.state, fl.state) in lex.INCOMPATIBLE_FATES
                if negated or incompatible:
                    cue = p.later.debunk or p.later.weak
                    label: RelationLabel = "corrects" if cue else "contradicts"
                    said = f"{'not ' if fe.negated else ''}{fe.state} → {'not ' if fl.negated else ''}{fl.state}"
                    now = f"{'not ' if fl.negated else ''}{fl.state}"
                    reason = f"earlier report has {fe.subject} {fe.state}, later report has {fe.subject} {now}"
                    return Verdict(label, self._score(p), cue or f"{fe.subject}: {said}", reason + (f" (“{cue}”)" if cue else ""))
        return None

    def _figures(self, p: ClaimPair) -> Verdict | None:
        """Figures counting the same thing: revised (corrects), grown (updates) or shrunk (contradicts).

        A figure that the other claim repeats is confirmed, not changed, so it
        is never compared with the other claim's remaining figures.
        """
        e, l = p.earlier, p.later
        if not (p.shared or p.similarity >= self.t.figure_other) or p.similarity < self.t.figure:
            return None
        if (e.claim.date or "")[:4] != (l.claim.date or "")[:4]:
            return None  # "storms in 2008 killed hundreds" is another event than this year's quake
        if l.claim.polarity == "negative":
            return None  # "was not certain that 60 had died" states no toll
        changed_e = [f for f in e.figures if not f.vague and not _repeated(f, l.figures)]
        changed_l = [f for f in l.figures if not f.vague and not _repeated(f, e.figures)]
        for fe in changed_e:
            for fl in changed_l:
                if _same_kind(fe, fl):
                    verdict = self._figure_pair(p, fe, fl)
                    if verdict is not None:
                        return verdict
        return None

    def _figure_pair(self, p: ClaimPair, fe: Figure, fl: Figure) -> Verdict | None:
        e, l = p.earlier, p.later
        change = f"{_fmt(fe.value)} → {_fmt(fl.value)} {fl.kind}"
        replaces = f"later figure {figure_text(fl)} replaces earlier {figure_text(fe)} for the same {measure(fl.kind)}"
        if fe.kind in lex.CUMULATIVE:
            if fl.value > fe.value:
                # A toll revised upwards is still a toll that grew.
                return Verdict("updates", self._score(p), f"running total: {change}", f"{replaces}: a running total that grew")
            if l.revision:
                return Verdict("corrects", self._score(p), f"{l.revision}: {change}", f"{replaces} (“{l.revision}”)")
            # A smaller count may measure something else (registered vs fled) or bound it: only two
            # exact figures on a close match and on different days (same-day reports are often out
            # of order) conflict.
            later_day = (e.published or "")[:10] < (l.published or "")[:10]
            if fe.bound == fl.bound == "exact" and later_day and p.similarity >= self.t.figure_shrink:
                return Verdict(
                    "contradicts", self._score(p), f"lower figure: {change}",
                    f"later figure {figure_text(fl)} is lower than earlier {figure_text(fe)} for the same {measure(fl.kind)}, with no revision stated",
                )
            return None
        # Prices, shares, money and other counts move all the time: only one figure for one
        # moment, stated twice with different values, is a conflict.
        unique = sum(f.kind == fe.kind for f in e.figures) == 1 and sum(f.kind == fl.kind for f in l.figures) == 1
        if not (unique and _same_time(e, l) and p.similarity >= self.t.figure_other):
            return None
        if l.revision:
            return Verdict("corrects", self._score(p), f"{l.revision}: {change}", f"{replaces} (“{l.revision}”)")
        exact = fe.bound == fl.bound == "exact" and not fl.growth
        if exact and abs(fe.value - fl.value) > 0.01 * max(abs(fe.value), abs(fl.value)):
            return Verdict(
                "contradicts", self._score(p), f"different figure: {change}",
                f"later figure {figure_text(fl)} differs from earlier {figure_text(fe)} for the same {measure(fl.kind)} at the same time",
            )
        return None

    def _estimate(self, p: ClaimPair) -> Verdict | None:
        """An earlier figure that a later report calls the first, original or previous estimate, since replaced.

        The later claim names the estimate as superseded ("five times as much oil as originally
        estimated", "Initially BP said 1,000 barrels … in reality 60,000"); the earlier claim states its
        figure as current (it makes no such back-reference itself), on an earlier day. Either the later
        claim gives a new figure of the same measure (at least 25 % apart), or it repeats the earlier
        one in a comparison ("more than the 1,000 barrels a day originally estimated").
        """
        e, l = p.earlier, p.later
        m = lex.ESTIMATE_BACK.search(l.claim.text)
        if not m or lex.ESTIMATE_BACK.search(e.claim.text) or p.similarity < self.t.estimate:
            return None
        if (e.published or "")[:10] >= (l.published or "~")[:10]:
            return None
        cue = m.group(0).lower()
        earlier = [f for f in e.figures if not f.vague and f.kind != "count" and f.value > 0]
        later = [f for f in l.figures if not f.vague and f.value > 0]
        names_old = re.match(r"(?:initial|original|first|previous|earlier)\w* (?:estimated?|put|pegged|said|reported)$", cue)
        if names_old and not re.search(r"\b(?:as|than)\s+$", l.claim.text[: m.start()]):
            # "initially put the flow at 5,000": the figure right after the cue is the old estimate, not a new one
            later = [f for f in later if not 0 <= f.start - m.end() <= 40]
        compares = bool(lex.COMPARATIVE.search(l.claim.text))
        for fe in earlier:
            same = [fl for fl in later if fl.kind == fe.kind]
            if _repeated(fe, same):
                if not compares:
                    return None  # the later claim restates the earlier figure (a history of the estimates)
                reason = f"later report calls the earlier {figure_text(fe)} ({measure(fe.kind)}) an estimate since exceeded (“{cue}”)"
                return Verdict("corrects", self._score(p), cue, reason)
        for fe in earlier:
            for fl in (f for f in later if f.kind == fe.kind):
                ratio = fl.value / fe.value
                if (fe.bound == "upper" and ratio < 1) or (fe.bound == "lower" and ratio > 1):
                    continue  # "up to 70,000" is not undone by 12,000, nor "at least 100" by 150
                if self.t.estimate_ratio <= max(ratio, 1 / ratio) < 20:  # 20 times or more: another measure (a total, not a rate)
                    reason = f"later figure {figure_text(fl)} replaces earlier {figure_text(fe)} for the same {measure(fl.kind)} (“{cue}”)"
                    return Verdict("corrects", self._score(p), f"{cue}: {_fmt(fe.value)} → {_fmt(fl.value)} {fl.kind}", reason)
        return None

    def _weak_cue(self, p: ClaimPair) -> Verdict | None:
        """'in fact', 'turned out', 'is alive': a correction only with opposite polarity on a close match."""
        e, l = p.earlier, p.later
        if not l.weak or e.weak or not p.shared or p.similarity < self.t.weak_cue or p.overlap < self.t.weak_overlap:
            return None
        if e.claim.polarity != l.claim.polarity:
            return Verdict("corrects", self._score(p), l.weak, f"later report{_about(p)} states the opposite (“{l.weak}”)")
        return None

    def _denial(self, p: ClaimPair) -> Verdict | None:
        """'X denied Y' against an earlier 'Z said Y': competing accounts of two parties, not a correction."""
        e, l = p.earlier, p.later
        if not l.denial or e.denial or e.claim.polarity == "negative" or not p.shared:
            return None
        if not (l.denier and any(same_entity(l.denier, x) for x in e.entities)):
            return None  # the denier must be a party the earlier claim names
        if p.similarity < self.t.denial:
            return None
        return Verdict("competing_account", self._score(p), l.denial, _competing_reason(p))

    def _polarity(self, p: ClaimPair) -> Verdict | None:
        """The same statement, negated."""
        e, l = p.earlier, p.later
        if e.claim.polarity == l.claim.polarity or (e.entities or l.entities) and not p.shared:
            return None
        negative = e if e.claim.polarity == "negative" else l
        if _contrastive(negative.claim.text):
            return None  # "appointed vice president, not president" denies nothing the other claim says
        if p.similarity >= self.t.polarity and p.overlap >= self.t.polarity_overlap:
            return Verdict("contradicts", self._score(p), "negated", f"later report{_about(p)} states the same thing negated")
        return None

    def _supports(self, p: ClaimPair) -> Verdict | None:
        """The same statement, restated."""
        e, l = p.earlier, p.later
        if e.claim.polarity != l.claim.polarity or (e.entities or l.entities) and not p.shared:
            return None
        if _different_days(e, l) or _changed_figures(e, l):
            return None
        if p.similarity >= self.t.supports and p.overlap >= self.t.supports_overlap:
            return Verdict("supports", self._score(p), None, f"later report{_about(p)} restates it")
        return None


def _competing_reason(p: ClaimPair) -> str:
    who = p.later.denier or "a party"
    return f"{who} disputes the earlier account{_about(p)} (“{p.later.denial}”): competing accounts, not a correction"


def competing(p: ClaimPair, verdict: Verdict) -> Verdict | None:
    """A denial is one side's account (a defendant against a charge, a government against a report).

    A correction or contradiction whose later claim carries a denial becomes a
    ``competing_account``; one whose earlier claim is the denial (the charge
    reported after the denial) is dropped.
    """
    if verdict.label not in CORRECTION_LABELS:
        return verdict
    if p.later.denial:
        return Verdict("competing_account", verdict.score, p.later.denial, _competing_reason(p))
    if p.earlier.denial:
        return None
    return verdict


#: The rules whose corrections and contradictions the pair model judges: those its training pairs hold.
#: Debunk cues (hoax, prank) and fates (dead, then alive) are rare in the labelled coverage and stay the rules'.
JUDGED_RULES = frozenset({"figures", "estimate", "weak_cue", "polarity"})


class LearnedScorer:
    """The rules, then the pair model (:mod:`._relation_model`) on top: precision first.

    The model gives each candidate the probability that coverage was wrong (a
    correction or a contradiction). A ``corrects`` or ``contradicts`` from one
    of :data:`JUDGED_RULES` below the model's threshold is dropped, and the
    model's probability becomes its score. Denials stay competing accounts
    (:func:`competing`); updates, supports and competing accounts are the
    rules'. The model never adds a relation the rules did not propose: on the
    labelled pairs, held out by story, that only added false reports.
    """

    def __init__(self, model: Any = None, rules: RuleScorer | None = None):
        from ._relation_model import load_model

        self.model = model or load_model()
        self.rules = rules or RuleScorer()

    def worth_scoring(self, p: ClaimPair) -> bool:
        return self.rules.worth_scoring(p)

    def probabilities(self, pairs: Sequence[ClaimPair]) -> tuple[list[Verdict | None], np.ndarray]:
        """The rules' verdicts and the model's probability for each pair."""
        from ._relation_model import feature_matrix

        verdicts = self.rules.judge(pairs)
        return verdicts, self.model.probability(feature_matrix(pairs, verdicts))

    def judge(self, pairs: Sequence[ClaimPair]) -> list[Verdict | None]:
        verdicts, probs = self.probabilities(pairs)
        return [self.decide(p, v, float(q)) for p, v, q in zip(pairs, verdicts, probs)]

    def decide(self, p: ClaimPair, v: Verdict | None, prob: float) -> Verdict | None:
        if v is None or v.label not in CORRECTION_LABELS or v.rule not in JUDGED_RULES:
            return v
        return replace(v, score=round(prob, 3)) if prob >= self.model.threshold else None


def scorer_named(name: str) -> RelationScorer:
    """The scorer a configuration names (``[explain] relations``): ``rules`` or ``learned``."""
    if name == "rules":
        return RuleScorer()
    if name == "learned":
        return LearnedScorer()
    raise ValueError(f"relations: unknown scorer {name!r} (choose rules or learned)")


def default_scorer() -> RelationScorer:
    """The rules: on the labelled pairs, held out by story, the pair model on top does not beat them
    (docs/benchmarks/corrections.md); ``[explain] relations = "learned"`` chooses it."""
    return RuleScorer()


# -- relating claim lists --------------------------------------------------------------------------
class ClaimVectors:
    """Sentence embeddings of claims, computed on first use and kept by claim id.

    Without the embedding model (or with ``enabled=False``) similarity falls
    back to the word overlap of the two claims.
    """

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._cache: dict[str, np.ndarray] = {}

    def similarity(self, pairs: Sequence[ClaimPair]) -> list[float]:
        if self.enabled:
            missing = {f.claim.id: f for p in pairs for f in (p.earlier, p.later) if f.claim.id not in self._cache}
            if missing:
                vectors = _embeddings([f.claim.text for f in missing.values()])
                if vectors is None:
                    self.enabled = False
                else:
                    self._cache.update(zip(missing, vectors))
        if not self.enabled:
            return [p.overlap for p in pairs]
        return [float(self._cache[p.earlier.claim.id] @ self._cache[p.later.claim.id]) for p in pairs]


def _candidates(earlier: Sequence[ClaimFacts], later: Sequence[ClaimFacts], scorer: RelationScorer) -> list[ClaimPair]:
    """Pairs about the same thing (a named entity or many words in common) that the scorer wants to see."""
    out = []
    for e in earlier:
        for l in later:
            if e.claim.article_id == l.claim.article_id:
                continue
            overlap = dice(e.stems, l.stems)
            shared = shared_entities(e.entities, l.entities)
            if not shared and overlap < 0.3:
                continue
            p = ClaimPair(earlier=e, later=l, similarity=0.0, overlap=overlap, shared=shared, time_link=_time_link(e, l))
            if scorer.worth_scoring(p):
                out.append(p)
    return out


def _keep_best(found: list[tuple[ClaimPair, Verdict]]) -> list[tuple[ClaimPair, Verdict]]:
    """One relation per (later claim, earlier article) and per (earlier claim, later article): the strongest."""

    def rank(item: tuple[ClaimPair, Verdict]) -> tuple[int, float]:
        return PRIORITY[item[1].label], item[1].score

    for key in (lambda p: (p.later.claim.id, p.earlier.claim.article_id), lambda p: (p.earlier.claim.id, p.later.claim.article_id)):
        chosen: dict[tuple[str, str], tuple[ClaimPair, Verdict]] = {}
        for item in found:
            k = key(item[0])
            if k not in chosen or rank(item) > rank(chosen[k]):
                chosen[k] = item
        found = list(chosen.values())
    return sorted(found, key=lambda it: (it[0].later.claim.span.start, it[0].earlier.claim.span.start))


def relate_facts(
    earlier: Sequence[ClaimFacts],
    later: Sequence[ClaimFacts],
    *,
    vectors: ClaimVectors | None = None,
    scorer: RelationScorer | None = None,
) -> list[ClaimRelation]:
    """Relations from claims of earlier articles to claims of one later article (see the module docstring)."""
    scorer = scorer or default_scorer()
    vectors = vectors or ClaimVectors()
    pairs = _candidates(earlier, later, scorer)
    pairs = [replace(p, similarity=s) for p, s in zip(pairs, vectors.similarity(pairs))]
    found = [(p, v) for p, v in zip(pairs, scorer.judge(pairs)) if v is not None]
    return [
        ClaimRelation(earlier=p.earlier.claim, later=p.later.claim, label=v.label, score=v.score, cue=v.cue, reason=v.reason)
        for p, v in _keep_best(found)
    ]


def relate_claims(
    earlier: Sequence[Claim],
    later: Sequence[Claim],
    analyses: Mapping[str, Analysis] | None = None,
    articles: Mapping[str, Article] | None = None,
    *,
    scorer: RelationScorer | None = None,
    embeddings: bool = True,
) -> list[ClaimRelation]:
    """Relations of ``later`` claims to ``earlier`` ones.

    ``analyses`` and ``articles`` (by article id) give the claims' entities,
    time expressions and publication dates; without them claims are compared
    by their words alone.
    """
    analyses, articles = analyses or {}, articles or {}

    def facts(claims: Sequence[Claim]) -> list[ClaimFacts]:
        return [claim_facts(c, analyses.get(c.article_id), articles.get(c.article_id)) for c in claims]

    return relate_facts(facts(earlier), facts(later), vectors=ClaimVectors(embeddings), scorer=scorer)


# -- threads ---------------------------------------------------------------------------------------
@dataclass
class _Doc:
    article: Article
    facts: list[ClaimFacts]
    duplicate_of: str | None


def _load(store: "Store", article_ids: list[str]) -> list[_Doc]:
    docs = []
    analyses, assignments = store.analyses(article_ids), store.assignments(article_ids)
    for article in store.articles(article_ids):
        analysis = analyses.get(article.id) or Analysis(article_id=article.id)
        claims = analysis.claims or extract_claims(article, analysis)
        assignment = assignments.get(article.id) or {}
        facts = [claim_facts(c, analysis, article) for c in claims]
        docs.append(_Doc(article, facts, assignment.get("duplicate_of")))
    return docs


def _side(claim: Claim, article: Article) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "span": [claim.span.start, claim.span.end],
        "text": claim.text,
        "speaker": claim.speaker,
        "polarity": claim.polarity,
        "date": claim.date,
        "published": article.date,
        "source": article.source,
        "title": article.title,
    }


def relation_dict(relation: ClaimRelation, earlier: Article, later: Article, thread_id: str | None = None) -> dict[str, Any]:
    """A relation as JSON-ready data: label, score, cue, its one-line reason, and both sides (span, text,
    dates, source, title). The one serialiser of relations: the CLI, the API and the pages show this."""
    out: dict[str, Any] = {"label": relation.label, "score": relation.score, "cue": relation.cue, "reason": relation.reason}
    if thread_id:
        out["thread_id"] = thread_id
    out["earlier"] = _side(relation.earlier, earlier)
    out["later"] = _side(relation.later, later)
    return out


def corrections_for_thread(
    store: "Store",
    thread_id: str,
    *,
    labels: Iterable[str] | None = None,
    scorer: RelationScorer | None = None,
    embeddings: bool = True,
) -> list[dict[str, Any]]:
    """Relations between the claims of a thread's articles, each later article against earlier ones.

    When every article of the thread was related at ingest (see
    :class:`IncrementalMatcher`) the stored relations are read; otherwise (a
    store filled by hand, a custom ``scorer``) each later article is compared
    with every earlier one here.

    Articles are taken in publication order (the store's order breaks ties);
    an article stored as a near-duplicate of another is not compared with it.
    ``labels`` keeps only those labels (all four by default).
    """
    wanted = set(labels) if labels is not None else set(PRIORITY)
    ids = store.story_article_ids(thread_id)
    if scorer is None and embeddings and ids and store.related_count(ids) == len(ids):
        return stored_corrections(store, thread_id, ids, wanted)  # computed at ingest
    docs = _load(store, ids)
    vectors = ClaimVectors(embeddings)
    by_id = {d.article.id: d.article for d in docs}
    out: list[dict[str, Any]] = []
    for j, later in enumerate(docs):
        earlier = [
            f
            for d in docs[:j]
            if later.duplicate_of != d.article.id and d.duplicate_of != later.article.id
            for f in d.facts
        ]
        for rel in relate_facts(earlier, later.facts, vectors=vectors, scorer=scorer):
            if rel.label in wanted:
                out.append(relation_dict(rel, by_id[rel.earlier.article_id], later.article, store.resolve(thread_id)))
    return out


def corrections(
    store: "Store",
    thread_id: str | None = None,
    *,
    labels: Iterable[str] | None = None,
    scorer: RelationScorer | None = None,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """Relations of one thread, or of every thread with two articles or more."""
    if thread_id is not None:
        return corrections_for_thread(store, thread_id, labels=labels, scorer=scorer)
    threads = [t for t in store.threads(min_articles=2)]
    out: list[dict[str, Any]] = []
    if not progress:
        for t in threads:
            out += corrections_for_thread(store, t.id, labels=labels, scorer=scorer)
        return out
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("relating claims", total=len(threads))
        for t in threads:
            out += corrections_for_thread(store, t.id, labels=labels, scorer=scorer)
            bar.advance(task)
    return out


# -- computed once, at ingest ----------------------------------------------------------------------
#: earlier articles of the thread a new article's claims are compared with: those sharing the most keys
CANDIDATE_ARTICLES = 40
_KEY_STOP = frozenset({"the", "of", "and", "for", "in", "on", "at", "to", "a", "an", "de", "la", "el", "mr", "mrs", "ms"})


def claim_keys(facts: Iterable[ClaimFacts]) -> set[str]:
    """What finds candidate earlier claims: the words of the entities named (two names that refer to one
    referent share a word, see :func:`same_entity`) and the calendar dates (month or day) claims point to."""
    keys: set[str] = set()
    for f in facts:
        for name in f.entities:
            keys.update("e:" + t for t in _name_tokens(name) if t not in _KEY_STOP and len(t) > 1)
        keys.update("d:" + v for v in f.time_values if len(v) >= 7)
        if f.claim.date and len(f.claim.date) >= 10 and f.figures:
            keys.add("d:" + f.claim.date[:10])
    return keys


class IncrementalMatcher:
    """Relates each new article's claims to those of candidate earlier articles of its thread, and stores them.

    Candidates come from the store's key index (:func:`claim_keys`), at most
    :data:`CANDIDATE_ARTICLES` of them, so the work per article does not grow
    with the thread. Articles are compared in publication order, as
    :func:`corrections_for_thread` does: a candidate published after the new
    article is its later side.
    """

    def __init__(self, store: "Store", *, scorer: RelationScorer | None = None, limit: int = CANDIDATE_ARTICLES):
        self.store = store
        self.scorer = scorer or default_scorer()
        self.vectors = ClaimVectors()
        self.limit = limit
        self._facts: dict[str, tuple[Article, list[ClaimFacts], str | None]] = {}

    def _cached(self, article_ids: list[str]) -> dict[str, tuple[Article, list[ClaimFacts], str | None]]:
        missing = [i for i in article_ids if i not in self._facts]
        if missing:
            if len(self._facts) > 5000:
                self._facts.clear()
            claims = self.store.claims_of(missing)
            for article in self.store.articles(missing):
                analysis = self.store.analysis(article.id) or Analysis(article_id=article.id)
                facts = [claim_facts(c, analysis, article) for c in claims.get(article.id, [])]
                self._facts[article.id] = (article, facts, (self.store.assignment(article.id) or {}).get("duplicate_of"))
        return {i: self._facts[i] for i in article_ids if i in self._facts}

    def add(self, article: Article, analysis: Analysis, thread_id: str, duplicate_of: str | None = None) -> list[ClaimRelation]:
        """Store ``article``'s claims, relate them to its candidates and store the relations found."""
        if len(self.vectors._cache) > 50_000:
            self.vectors._cache.clear()
        claims = analysis.claims or extract_claims(article, analysis)
        facts = [claim_facts(c, analysis, article) for c in claims]
        keys = claim_keys(facts)
        self.store.save_claims(article.id, claims, keys)
        self._facts[article.id] = (article, facts, duplicate_of)
        found: list[ClaimRelation] = []
        if facts:
            candidates = self.store.candidate_articles(keys, thread_id, article.id, self.limit)
            own = article.published or ""
            for other, other_facts, other_dup in self._cached(candidates).values():
                if not other_facts or duplicate_of == other.id or other_dup == article.id:
                    continue
                if (other.published or "") <= own:
                    found += relate_facts(other_facts, facts, vectors=self.vectors, scorer=self.scorer)
                else:
                    found += relate_facts(facts, other_facts, vectors=self.vectors, scorer=self.scorer)
        self.store.save_relations(found)
        self.store.mark_related(article.id)
        return found


def stored_corrections(store: "Store", thread_id: str, article_ids: list[str], wanted: set[str]) -> list[dict[str, Any]]:
    """The stored relations between a thread's articles, in the order :func:`corrections_for_thread` gives."""
    position = {a: i for i, a in enumerate(article_ids)}
    relations = store.stored_relations(article_ids, labels=wanted)
    relations.sort(key=lambda r: (position[r.later.article_id], r.later.span.start, r.earlier.span.start))
    by_id = {a.id: a for a in store.articles({x for r in relations for x in (r.earlier.article_id, r.later.article_id)})}
    resolved = store.resolve(thread_id)
    return [relation_dict(r, by_id[r.earlier.article_id], by_id[r.later.article_id], resolved) for r in relations]


def reanalyze(
    store: "Store",
    *,
    on_article: Callable[[int, int], None] | None = None,
    batch: int = 200,
    scorer: RelationScorer | None = None,
) -> int:
    """Recompute every stored claim and relation (after a rule change), in arrival order; returns the count.

    Claims are extracted again from the stored analyses; each batch of articles
    is written in one transaction.
    """
    order = store.related_article_order()
    with store.transaction():
        store.clear_relations()
    matcher = IncrementalMatcher(store, scorer=scorer)
    done = 0
    for lo in range(0, len(order), batch):
        part = order[lo : lo + batch]
        with store.transaction():
            for article in store.articles(part):
                analysis = store.analysis(article.id) or Analysis(article_id=article.id)
                analysis.claims = extract_claims(article, analysis)
                store.save_analysis(analysis)
                assignment = store.assignment(article.id) or {}
                matcher.add(article, analysis, assignment.get("thread_id", ""), assignment.get("duplicate_of"))
                done += 1
                if on_article:
                    on_article(done, len(order))
    return len(order)
