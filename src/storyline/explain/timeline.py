"""Timeline summarisation: the most important dates of a story, each with a short summary.

The method is the date-wise approach of news-tls (Ghalandari & Ifrim 2020):

1. every sentence gets the first day-level date it mentions ("on Friday",
   "20 April"), resolved against its article's publication date;
2. dates are ranked by how much the collection talks about them: how many
   articles mention them (retrospective mentions weigh more) and how many
   were published on them (a hand-weighted stand-in for news-tls's learned
   ranker, see :func:`date_scores`);
3. for each top date the candidate sentences are those that mention it plus
   the leads of articles published on it or the day after, kept when close to
   the date's TF-IDF centroid;
4. the summary is picked greedily so that its TF-IDF centroid stays closest to
   the candidates' centroid, among sentences that contain a keyword.

The input is :class:`TimelineDoc`: an article's text with its sentence spans and
the days its time expressions resolve to, read from the store
(:func:`doc_from_analysis`) or made from raw text (:func:`doc_from_text`).
:func:`key_dates` returns :class:`TimelineDate` entries whose sentences keep their
evidence (article id and span); :func:`build_timeline` gives the news-tls format
``[(date, [sentence, ...]), ...]`` in date order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from ..analyze.timex import day_mentions, parse_date
from ..model import Analysis, Article, Evidence, Span
from .text import sentence_spans

DayFinder = Callable[[str, dt.date], list[tuple[int, int, dt.date]]]
"""``(text, publication date) -> [(start, end, day), ...]`` in text order."""

Timeline = list[tuple[str, list[str]]]
"""The news-tls format: ``[(date, [sentence, ...]), ...]``."""

LEAD_SENTENCES = 5
"""Undated sentences among an article's first ones count for its publication date."""
PUB_DAYS = 2
"""An article's lead is a candidate for its publication day and the day before."""
MAX_SENTENCE_CHARS = 600
KEYWORD_MIN_SHARE = 0.01
"""A keyword in fewer sentences than this share is treated as a tag, not a topic word."""


@dataclass(frozen=True)
class TimelineDoc:
    """One article as the timeline reads it: its text, sentence spans and day-precise time expressions."""

    id: str
    published: dt.date
    text: str
    sentences: Sequence[Span]
    days: Sequence[tuple[int, int, dt.date]]
    """``(start, end, day)`` of each time expression precise to the day, in text order."""


@dataclass(frozen=True)
class TimelineDate:
    """A key date of a story with the sentences that summarise it, each pointing at its evidence."""

    date: str
    sentences: list[Evidence]


@dataclass
class DatedSentence:
    """A sentence with its article's publication date and the first day it mentions."""

    text: str
    published: dt.date
    mentioned: dt.date | None
    article: int
    position: int
    article_id: str = ""
    span: Span = Span(0, 0)


def _parse_day(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(str(value))


def doc_from_text(id: str, published: str | dt.date | None, text: str, day_finder: DayFinder | None = None) -> TimelineDoc | None:
    """A timeline input made from raw text: regex sentences, the time tagger's days; ``None`` without a date."""
    pub = _parse_day(published)
    if pub is None or not text:
        return None
    find = day_finder or day_mentions
    return TimelineDoc(id, pub, text, [Span(s, e) for s, e in sentence_spans(text)], find(text, pub))


def doc_from_analysis(article: Article, analysis: Analysis | None) -> TimelineDoc | None:
    """A timeline input from what the store holds: the analysis's sentences and resolved time expressions."""
    from ..analyze.timex import day_value

    pub = _parse_day(article.date)
    if pub is None or not article.text or analysis is None or not analysis.sentences:
        return None
    days = sorted((t.span[0], t.span[1], d) for t in analysis.timexes if (d := day_value(t.value)) is not None)
    return TimelineDoc(article.id, pub, article.text, [Span(*s) for s in analysis.sentences], days)


def _as_docs(articles: Iterable[Mapping | TimelineDoc], day_finder: DayFinder | None) -> Iterable[TimelineDoc]:
    for n, art in enumerate(articles):
        if isinstance(art, TimelineDoc):
            yield art
            continue
        doc = doc_from_text(str(art.get("id", n)), art.get("time") or art.get("published"), art.get("text") or "", day_finder)
        if doc is not None:
            yield doc


def dated_sentences(
    articles: Iterable[Mapping | TimelineDoc], day_finder: DayFinder | None = None, start=None, end=None
) -> list[DatedSentence]:
    """The sentences of the articles, each with the first day it mentions.

    ``articles`` are :class:`TimelineDoc` or mappings with ``time`` and ``text``
    (read with :func:`doc_from_text`). Articles without a readable date or
    published outside ``[start, end]`` are skipped.
    """
    lo, hi = _parse_day(start), _parse_day(end)
    out: list[DatedSentence] = []
    for a_idx, doc in enumerate(_as_docs(articles, day_finder)):
        pub = doc.published
        if (lo and pub < lo) or (hi and pub > hi):
            continue
        days, text = doc.days, doc.text
        k = 0
        for pos, (s, e) in enumerate(doc.sentences):
            while k < len(days) and days[k][0] < s:
                k += 1
            first = days[k][2] if k < len(days) and days[k][0] < e else None
            cut = min(e, s + MAX_SENTENCE_CHARS)
            out.append(DatedSentence(text[s:cut], pub, first, a_idx, pos, doc.id, Span(s, cut)))
    return out


def date_scores(sents: Sequence[DatedSentence]) -> dict[dt.date, float]:
    """Importance of each mentioned or publication date.

    Counts articles, not sentences, so one long article cannot crown a date:
    articles mentioning the date after it happened count fully, those
    mentioning it on the day or ahead of it half, and articles published on
    the date a quarter.
    """
    after: defaultdict[dt.date, set[int]] = defaultdict(set)
    other: defaultdict[dt.date, set[int]] = defaultdict(set)
    published: defaultdict[dt.date, set[int]] = defaultdict(set)
    for s in sents:
        published[s.published].add(s.article)
        if s.mentioned:
            (after if s.mentioned < s.published else other)[s.mentioned].add(s.article)
    dates = set(after) | set(other) | set(published)
    return {d: len(after[d]) + 0.5 * len(other[d]) + 0.25 * len(published[d]) for d in dates}


def resolve_keywords(keywords: Sequence[str] | None, sents: Sequence[DatedSentence]) -> list[str]:
    """Lower-case keywords that occur in the sentences.

    A keyword is kept when at least :data:`KEYWORD_MIN_SHARE` of the sentences
    contain it; a rarer one (a topic code such as "bpoil") is split into words
    that are that common: at case changes ("EgyptianProtest") or else into the
    collection's own words ("bp" and "oil"). Empty when no keyword survives
    (then nothing is filtered).
    """
    if not keywords:
        return []
    lowered = [s.text.lower() for s in sents]
    vocab = Counter(w for t in lowered for w in re.findall(r"[a-z0-9]+", t))
    need = max(1, int(KEYWORD_MIN_SHARE * len(lowered)))

    def common(term: str) -> bool:
        return len(term) > 1 and sum(term in t for t in lowered) >= need

    out: list[str] = []
    for kw in keywords:
        low = kw.lower().strip()
        if common(low):
            parts = [low]
        else:
            camel = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", kw)
            parts = [p.lower() for p in camel] if len(camel) > 1 else _segment(low, vocab)
            parts = [p for p in parts if vocab.get(p) and common(p)]
        out.extend(p for p in parts if p not in out)
    return out


def _segment(word: str, vocab: Counter) -> list[str]:
    """Split ``word`` into known words, preferring few and frequent ones (dynamic programming)."""
    n = len(word)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    total = sum(vocab.values()) or 1
    for i in range(1, n + 1):
        for j in range(max(0, i - 20), i):
            piece, prev = word[j:i], best[j]
            if prev is None or not vocab.get(piece):
                continue
            cost = prev[0] + 10.0 - np.log(vocab[piece] / total)
            here = best[i]
            if here is None or cost < here[0]:
                best[i] = (cost, prev[1] + [piece])
    last = best[n]
    return last[1] if last else [word]


def _knee(values: np.ndarray) -> int:
    """Index of the point of a decreasing curve farthest from the chord between its ends."""
    n = len(values)
    if n < 3:
        return n - 1
    x = np.arange(n, dtype=float)
    line = np.array([n - 1.0, values[-1] - values[0]])
    line /= np.linalg.norm(line) or 1.0
    vecs = np.stack([x, values - values[0]], axis=1)
    proj = vecs @ line
    dist = np.linalg.norm(vecs - np.outer(proj, line), axis=1)
    return int(dist.argmax())


def _candidates(date: dt.date, mentions: list[int], leads: list[int], X) -> list[int]:
    """Sentences for ``date``: mentions and leads, trimmed to those near the date's centroid.

    The centroid keeps only terms used both by sentences that mention the
    date and by leads published on it, the words the two views agree on.
    """
    if not mentions or not leads:
        return mentions or leads
    from sklearn.preprocessing import normalize

    c_m = np.asarray(X[mentions].sum(0)).ravel()
    c_p = np.asarray(X[leads].sum(0)).ravel()
    centroid = np.where((c_m > 0) & (c_p > 0), c_m / len(mentions) + c_p / len(leads), 0.0)
    if not centroid.any():
        return mentions + leads
    idx = mentions + leads
    sims = normalize(X[idx]) @ (centroid / np.linalg.norm(centroid))
    ordered = np.sort(sims)[::-1]
    thresh = ordered[_knee(ordered)]
    kept = [i for i, s in zip(idx, sims) if s > 0 and s >= thresh]
    return kept or idx


def centroid_summary(X, rows: Sequence[int], k: int, allowed: Sequence[bool]) -> list[int]:
    """Greedily pick ``k`` rows whose summed vector is closest (cosine) to the centroid of all ``rows``.

    Only rows with ``allowed`` True are picked; exact repeats are skipped.
    """
    if not rows or k <= 0:
        return []
    sub = X[list(rows)].tocsr()
    M = sub[:, np.unique(sub.indices)].toarray()  # dense over the columns these rows use
    norms = np.linalg.norm(M, axis=1)
    centroid = M.sum(0)
    centroid /= np.linalg.norm(centroid) or 1.0
    chosen: list[int] = []
    summary = np.zeros(M.shape[1])
    open_ = np.array([bool(a) and n > 0 for a, n in zip(allowed, norms)])
    while len(chosen) < k and open_.any():
        cand = summary[None, :] + M
        cos = (cand @ centroid) / np.maximum(np.linalg.norm(cand, axis=1), 1e-12)
        cos[~open_] = -np.inf
        best = int(cos.argmax())
        open_[best] = False
        if any(np.allclose(M[best], M[c]) for c in chosen):
            continue
        chosen.append(best)
        summary += M[best]
    return [rows[i] for i in chosen]


def key_dates(
    articles: Iterable[Mapping | TimelineDoc],
    n_dates: int = 10,
    n_sentences: int = 1,
    keywords: Sequence[str] | None = None,
    *,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    day_finder: DayFinder | None = None,
) -> list[TimelineDate]:
    """The ``n_dates`` key dates of a story with up to ``n_sentences`` sentences each, in date order.

    ``articles`` are :class:`TimelineDoc` (or mappings with ``time`` and ``text``). Only sentences containing one of ``keywords`` (if any keyword
    occurs at all) are used in summaries. ``start``/``end`` limit both the
    articles read and the dates chosen.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    sents = dated_sentences(articles, day_finder, start, end)
    if not sents:
        return []
    lo, hi = _parse_day(start), _parse_day(end)
    kws = resolve_keywords(keywords, sents)
    allowed = [not kws or any(k in s.text.lower() for k in kws) for s in sents]

    mentions: dict[dt.date, list[int]] = defaultdict(list)
    leads: dict[dt.date, list[int]] = defaultdict(list)
    for i, s in enumerate(sents):
        if s.mentioned:
            mentions[s.mentioned].append(i)
        elif s.position < LEAD_SENTENCES:
            for back in range(PUB_DAYS):
                leads[s.published - dt.timedelta(days=back)].append(i)

    X = TfidfVectorizer(stop_words="english", sublinear_tf=False).fit_transform([s.text for s in sents])
    scores = date_scores(sents)
    ranked = sorted(
        (d for d in scores if (not lo or d >= lo) and (not hi or d <= hi)), key=lambda d: (-scores[d], d)
    )
    timeline: list[TimelineDate] = []
    for d in ranked:
        if len(timeline) >= n_dates:
            break
        rows = _candidates(d, mentions[d], leads[d], X)
        picked = centroid_summary(X, rows, n_sentences, [allowed[i] for i in rows])
        if picked:
            evidence = [Evidence(sents[i].article_id, sents[i].span, sents[i].text) for i in picked]
            timeline.append(TimelineDate(d.isoformat(), evidence))
    return sorted(timeline, key=lambda t: t.date)


def as_pairs(found: Sequence[TimelineDate]) -> Timeline:
    """Key dates in the news-tls format ``[(date, [sentence, ...]), ...]``."""
    return [(t.date, [e.text for e in t.sentences]) for t in found]


def build_timeline(articles: Iterable[Mapping | TimelineDoc], *args: Any, **kwargs: Any) -> Timeline:
    """:func:`key_dates` (same parameters) in the news-tls format ``[(date, [sentence, ...]), ...]``."""
    return as_pairs(key_dates(articles, *args, **kwargs))
