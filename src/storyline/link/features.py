"""Per-article features for linking: terms, online TF-IDF, MinHash, day numbers.

Two similar stories (two earthquakes, two rehab check-ins) read alike to a
sentence embedding; what tells them apart is specific words: names, places,
numbers. Terms are content words of the title (counted twice) and lead; names are
the capitalised words and numbers plus, when known, canonical entity names
(``@name``). They are weighted by TF-IDF with
document frequencies counted online over the articles seen so far, so that a
word common in the stream stops counting as evidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache

import numpy as np

#: How much of an article's text feeds its terms and shingles (news puts the facts first).
LEAD_CHARS = 3000
#: Terms kept per article vector (the highest weighted).
TOP_TERMS = 60
#: MinHash permutations and word-shingle size for near-duplicate detection.
NUM_PERM = 64
SHINGLE = 4

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|\d+(?:[.,]\d+)*")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say
    told new one two three year years day days week weeks month months time times people like according percent
    last first since still would could may might must shall per mr mrs ms cent lrb rrb lsb rsb get got make made
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow reported report reports
    another many much even well back way around over going goes went come came take took news""".split()
)


def day_number(published: str | None) -> int | None:
    """Proleptic Gregorian day number of an ISO date (``None`` when absent or unreadable)."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def years_of(weights: Iterable[str]) -> frozenset[str]:
    """The calendar years (1900–2099) among the terms of a name vector or profile."""
    return frozenset(t for t in weights if len(t) == 4 and t.isdigit() and t[:2] in ("19", "20"))


def years_disjoint(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether both sides name years and none in common.

    Reports of two happenings of one kind years apart (a rule and its reversal, two
    patches for one browser) read alike; the years they name are often what differs.
    """
    ya, yb = years_of(a), years_of(b)
    return bool(ya) and bool(yb) and not (ya & yb)


def _stem(word: str) -> str:
    """A light plural fold: ``quakes`` → ``quake``, but ``press`` stays."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms_of(title: str, text: str) -> Counter[str]:
    """Term counts of an article: title words twice, lead words once."""
    counts: Counter[str] = Counter()
    for weight, chunk in ((2, title), (1, text[:LEAD_CHARS])):
        for tok in _WORD.findall(chunk):
            low = tok.lower().replace("’", "'")
            if low.endswith("'s"):
                low = low[:-2]
            if low in STOPWORDS or (len(low) < 3 and not low.isdigit()):
                continue
            counts[_stem(low)] += weight
    return counts


def names_of(title: str, text: str, entities: Iterable[str] = ()) -> Counter[str]:
    """Counts of the specific words of an article: capitalised words, numbers and entity names.

    These are what two reports of the same kind of happening do not share: the
    place, the people, the ship, the death toll, the year. A canonical entity
    name (``@elton john``) counts once per mention, here only: its words are
    already among the capitalised ones, and counting it in the terms as well
    made two reports that name a person differently ("Mo Cheeks", "Maurice
    Cheeks") look less alike (ECB+ event B³ F1 0.874 with it there, 0.888 without).
    """
    counts: Counter[str] = Counter()
    for weight, chunk in ((2, title), (1, text[:LEAD_CHARS])):
        for tok in _WORD.findall(chunk):
            if not (tok[0].isupper() or tok[0].isdigit()):
                continue
            low = tok.lower().replace("’", "'")
            if low.endswith("'s"):
                low = low[:-2]
            if low in STOPWORDS or len(low) < 2:
                continue
            counts[low] += weight
    for name in entities:
        key = "@" + " ".join(name.lower().split())
        if len(key) > 2:
            counts[key] += 1
    return counts


class DocumentFrequencies:
    """Online document frequencies of terms, for IDF weights over the stream so far."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0

    def add(self, terms: Iterable[str]) -> None:
        self.df.update(set(terms))
        self.n += 1

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def weigh(self, counts: Mapping[str, int], top: int = TOP_TERMS) -> dict[str, float]:
        """Sublinear TF × IDF, the ``top`` strongest terms, L2-normalised."""
        w = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in counts.items() if c > 0}
        if len(w) > top:
            w = dict(sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:top])
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        return {t: round(v / norm, 5) for t, v in w.items()}


def sparse_cosine(a: Mapping[str, float], b: Mapping[str, float], b_norm: float | None = None) -> float:
    """Cosine of two sparse vectors (``a`` is assumed unit length unless ``b_norm`` is omitted)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(t, 0.0) for t, v in a.items())
    if dot == 0.0:
        return 0.0
    if b_norm is None:
        na = math.sqrt(sum(v * v for v in a.values()))
        nb = math.sqrt(sum(v * v for v in b.values()))
        return dot / (na * nb) if na and nb else 0.0
    return dot / b_norm if b_norm else 0.0


@lru_cache(maxsize=1)
def minhash_permutations() -> tuple[np.ndarray, np.ndarray]:
    """The MinHash permutations, drawn once (drawing them per article costs more than hashing)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=7).permutations


def minhash_signature(text: str) -> bytes | None:
    """MinHash signature of the word shingles of a text (``None`` for very short texts)."""
    from datasketch import MinHash

    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE + 5:
        return None
    shingles = {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}
    mh = MinHash(num_perm=NUM_PERM, seed=7, permutations=minhash_permutations(), scheme="affine32")
    mh.update_batch(list(shingles))
    return np.asarray(mh.hashvalues, dtype=np.uint64).tobytes()


def minhash_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures from :func:`minhash_signature`."""
    va = np.frombuffer(a, dtype=np.uint64)
    vb = np.frombuffer(b, dtype=np.uint64)
    if va.shape != vb.shape:
        return 0.0
    return float(np.mean(va == vb))


#: entity labels of a story's actors (who) and of its places (where)
ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: centrality of a mention: in the headline, in the lead (its first ``LEAD_SPAN`` characters), further on
HEADLINE_WEIGHT = 3
LEAD_WEIGHT = 2
LEAD_SPAN = 600
#: principal actors (and places) kept per article vector
TOP_PRINCIPALS = 12


def entity_key(name: str) -> str:
    """The key of a canonical entity name in term vectors and document frequencies (``@elton john``)."""
    return "@" + " ".join(name.lower().split())


def principals_of(title: str, text: str, mentions: Iterable[tuple[str, str, int]]) -> tuple[Counter[str], Counter[str]]:
    """(actors, places) of an article: counts of canonical entity keys weighted by centrality.

    ``mentions`` are (canonical name, label, start offset); a mention in the lead
    counts ``LEAD_WEIGHT``, elsewhere 1, and an entity named in the headline gains
    ``HEADLINE_WEIGHT`` once. Summed over mentions, so frequency counts too.
    """
    actors: Counter[str] = Counter()
    places: Counter[str] = Counter()
    head = " ".join(title.lower().split())
    for name, label, start in mentions:
        into = actors if label in ACTOR_LABELS else places if label in PLACE_LABELS else None
        key = entity_key(name)
        if into is None or len(key) < 3:
            continue
        into[key] += LEAD_WEIGHT if start < LEAD_SPAN else 1
    for counts in (actors, places):
        for key in counts:
            if key[1:] in head:
                counts[key] += HEADLINE_WEIGHT
    return actors, places


def event_days(values: Iterable[tuple[str, int]], lead: int = LEAD_CHARS) -> Counter[str]:
    """Day numbers (as strings) of the day-precise dates named in the lead: what an article says happened when.

    ``values`` are (normalised TIMEX3 value, start offset), already resolved against the publication date.
    """
    days: Counter[str] = Counter()
    for value, start in values:
        if start >= lead or len(value) != 10:
            continue
        day = day_number(value)
        if day is not None:
            days[str(day)] += 1
    return days


def days_differ(a: Iterable[str], b: Iterable[str], tolerance: int) -> bool:
    """Whether both sides name days and no two of them lie within ``tolerance`` days."""
    da, db = sorted(int(x) for x in a), sorted(int(x) for x in b)
    if not da or not db:
        return False
    return all(abs(x - y) > tolerance for x in da for y in db)
