"""Timeline summarisation: the most important dates of a story, each with what happened that day.

The method is the date-wise approach of news-tls (Ghalandari & Ifrim 2020):

1. every time expression precise to the day ("on Friday", "20 April") is read
   with its sentence, resolved against its article's publication date;
2. candidate dates are the days some sentence names; they are ranked by the
   learned date ranker (:mod:`storyline.explain.date_ranker`) over features of
   how the story's articles mention them and publish around them;
3. the summary of a date is made of the sentences whose own time expression
   resolves to that date (not merely published that day), ranked by their
   centrality among the other articles' candidate sentences (TF-IDF cosine),
   near-duplicate sentences (wire copies) counted and chosen once, among
   sentences that contain a keyword; or, where the ranker's model says so
   (``summary_leads`` > 0, chosen with it), a centroid summary over those
   sentences and the undated openings of the articles published on the date
   and the next days (:func:`centroid_summary`).

The input is :class:`TimelineDoc`: an article's text with its sentence spans,
the days and months its time expressions resolve to and its event, read from
the store (:func:`doc_from_analysis`) or made from raw text
(:func:`doc_from_text`). :func:`key_dates` returns :class:`TimelineDate`
entries whose sentences keep their evidence (article id and span) and which name
the event of the articles that speak of the date; :func:`build_timeline` gives
the news-tls format ``[(date, [sentence, ...]), ...]`` in date order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from ..analyze.timex import day_value, find_timexes, parse_date
from ..model import Analysis, Article, Evidence, Span
from .date_ranker import LEAD_SENTENCES, DateRanker, Mention, date_features, load_ranker, mention_of
from .text import sentence_spans

if TYPE_CHECKING:
    from ..store import Store

DayFinder = Callable[[str, dt.date], list[tuple[int, int, dt.date]]]
"""``(text, publication date) -> [(start, end, day), ...]`` in text order."""

Timeline = list[tuple[str, list[str]]]
"""The news-tls format: ``[(date, [sentence, ...]), ...]``."""

MAX_SENTENCE_CHARS = 600
KEYWORD_MIN_SHARE = 0.01
"""A keyword in fewer sentences than this share is treated as a tag, not a topic word."""
PUB_DAYS = 2
"""The leads of articles published on a date and the day after tell what that date's coverage says."""
LEAD_WINDOW = 10
"""The most opening sentences of an article a centroid summary may take as undated candidates."""
DUPLICATE_COSINE = 0.8
"""Sentences this similar (TF-IDF cosine) are copies of one another: counted and chosen once."""
_MONTH_VALUE = re.compile(r"^(\d{4})-(\d\d)$")


@dataclass(frozen=True)
class TimelineDoc:
    """One article as the timeline reads it: its text, sentence spans and resolved time expressions."""

    id: str
    published: dt.date
    text: str
    sentences: Sequence[Span]
    days: Sequence[tuple[int, int, dt.date]]
    """``(start, end, day)`` of each time expression precise to the day, in text order."""
    months: Sequence[tuple[int, int, dt.date]] = ()
    """``(start, end, first day of the month)`` of each time expression precise to the month."""
    event: str | None = None
    """The event the article belongs to, where it has been linked."""


@dataclass(frozen=True)
class TimelineDate:
    """A key date of a story with the sentences that summarise it, each pointing at its evidence."""

    date: str
    sentences: list[Evidence]
    event: str | None = None
    """The event of most of the articles that speak of this date, where the articles have events."""


@dataclass
class DatedSentence:
    """A sentence with its article's publication date and the days its time expressions name."""

    text: str
    published: dt.date
    mentioned: dt.date | None
    """The first day it names."""
    article: int
    position: int
    article_id: str = ""
    span: Span = Span(0, 0)
    days: tuple[dt.date, ...] = ()
    """Every day it names, in text order."""


def _parse_day(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(str(value))


def _month_value(value: str | None) -> dt.date | None:
    m = _MONTH_VALUE.match(value or "")
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    return dt.date(int(m[1]), int(m[2]), 1)


def _resolved(values: Iterable[tuple[int, int, str]]) -> tuple[list[tuple[int, int, dt.date]], list[tuple[int, int, dt.date]]]:
    """Day-precise and month-precise expressions of ``(start, end, value)`` triples, each in text order."""
    days, months = [], []
    for s, e, value in values:
        if (d := day_value(value)) is not None:
            days.append((s, e, d))
        elif (m := _month_value(value)) is not None:
            months.append((s, e, m))
    return sorted(days), sorted(months)


def doc_from_text(
    id: str, published: str | dt.date | None, text: str, day_finder: DayFinder | None = None, event: str | None = None
) -> TimelineDoc | None:
    """A timeline input made from raw text: regex sentences, the time tagger's days; ``None`` without a date."""
    pub = _parse_day(published)
    if pub is None or not text:
        return None
    sentences = [Span(s, e) for s, e in sentence_spans(text)]
    if day_finder is not None:
        return TimelineDoc(id, pub, text, sentences, day_finder(text, pub), (), event)
    days, months = _resolved((t.span[0], t.span[1], t.value) for t in find_timexes(text, pub.isoformat()))
    return TimelineDoc(id, pub, text, sentences, days, months, event)


def doc_from_analysis(article: Article, analysis: Analysis | None, event: str | None = None) -> TimelineDoc | None:
    """A timeline input from what the store holds: the analysis's sentences and resolved time expressions."""
    pub = _parse_day(article.date)
    if pub is None or not article.text or analysis is None or not analysis.sentences:
        return None
    days, months = _resolved((t.span[0], t.span[1], t.value) for t in analysis.timexes)
    return TimelineDoc(article.id, pub, article.text, [Span(*s) for s in analysis.sentences], days, months, event)


def docs_from_store(store: "Store", article_ids: Sequence[str]) -> list[TimelineDoc]:
    """Timeline inputs of stored articles: their stored analyses (no parsing) and the events they belong to.

    Articles without a date or an analysis are left out.
    """
    events = store.article_events(article_ids)
    analyses = store.analyses(article_ids)
    return [d for a in store.articles(article_ids)
            if (d := doc_from_analysis(a, analyses.get(a.id), events.get(a.id))) is not None]


def _as_docs(articles: Iterable[Mapping | TimelineDoc], day_finder: DayFinder | None) -> Iterable[TimelineDoc]:
    for n, art in enumerate(articles):
        if isinstance(art, TimelineDoc):
            yield art
            continue
        doc = doc_from_text(str(art.get("id", n)), art.get("time") or art.get("published"), art.get("text") or "",
                            day_finder, art.get("event"))
        if doc is not None:
            yield doc


def _in_window(docs: Iterable[TimelineDoc], lo: dt.date | None, hi: dt.date | None) -> list[TimelineDoc]:
    return [d for d in docs if not (lo and d.published < lo) and not (hi and d.published > hi)]


def _sentence_index(doc: TimelineDoc) -> Callable[[int], int | None]:
    """For ``doc``: offset -> index of the sentence that holds it (``None`` between sentences)."""
    import bisect

    starts = [s for s, _ in doc.sentences]

    def find(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        return i if i >= 0 and offset < doc.sentences[i][1] else None

    return find


def dated_sentences(
    articles: Iterable[Mapping | TimelineDoc], day_finder: DayFinder | None = None, start=None, end=None
) -> list[DatedSentence]:
    """The sentences of the articles, each with the days it names.

    ``articles`` are :class:`TimelineDoc` or mappings with ``time`` and ``text``
    (read with :func:`doc_from_text`). Articles without a readable date or
    published outside ``[start, end]`` are skipped.
    """
    docs = _in_window(_as_docs(articles, day_finder), _parse_day(start), _parse_day(end))
    return _sentences(docs)


def _sentences(docs: Sequence[TimelineDoc]) -> list[DatedSentence]:
    out: list[DatedSentence] = []
    for a_idx, doc in enumerate(docs):
        named: defaultdict[int, list[dt.date]] = defaultdict(list)
        find = _sentence_index(doc)
        for s, _, day in doc.days:
            if (i := find(s)) is not None:
                named[i].append(day)
        for pos, (s, e) in enumerate(doc.sentences):
            cut = min(e, s + MAX_SENTENCE_CHARS)
            days = tuple(named.get(pos, ()))
            out.append(DatedSentence(doc.text[s:cut], doc.published, days[0] if days else None, a_idx, pos, doc.id,
                                     Span(s, cut), days))
    return out


def _mentions(
    docs: Sequence[TimelineDoc], topical: Callable[[int, int], bool]
) -> tuple[list[Mention], list[tuple[int, dt.date]]]:
    """The ranker's inputs: each day-precise expression as a :class:`Mention`, and ``(article, month)`` pairs.

    ``topical(article, sentence)`` says whether that sentence is on the story's topic (has a keyword).
    """
    mentions: list[Mention] = []
    months: list[tuple[int, dt.date]] = []
    for a_idx, doc in enumerate(docs):
        find = _sentence_index(doc)
        for s, e, day in doc.days:
            if (pos := find(s)) is not None:
                mentions.append(mention_of(a_idx, doc.published, day, pos, doc.text, s, e, topical(a_idx, pos)))
        months.extend((a_idx, m) for _, _, m in doc.months)
    return mentions, months


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


@dataclass
class StoryDates:
    """A story read for its timeline: sentences, candidate dates and their ranker features.

    ``candidates`` are the days inside the window that some sentence names;
    ``rows[d]`` are those sentences, ``topical[i]`` says whether sentence ``i``
    contains a keyword (all do when no keyword applies), ``features`` holds one
    row per candidate (see :func:`storyline.explain.date_ranker.date_features`).
    """

    docs: list[TimelineDoc]
    sentences: list[DatedSentence]
    topical: list[bool]
    candidates: list[dt.date]
    rows: dict[dt.date, list[int]]
    features: np.ndarray
    leads: dict[dt.date, list[int]] = field(default_factory=dict)
    """The opening sentences (first :data:`LEAD_WINDOW`) of the articles published on each day."""
    _tfidf: Any = field(default=None, repr=False)
    _scores: dict[dt.date, tuple[list[int], np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @property
    def tfidf(self) -> Any:
        """Row-normalised TF-IDF vectors of the sentences (fit on this story only)."""
        if self._tfidf is None:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self._tfidf = TfidfVectorizer(stop_words="english").fit_transform([s.text for s in self.sentences])
        return self._tfidf


def read_story(
    articles: Iterable[Mapping | TimelineDoc],
    keywords: Sequence[str] | None = None,
    *,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    day_finder: DayFinder | None = None,
) -> StoryDates:
    """The :class:`StoryDates` of the articles published in ``[start, end]``, candidate dates in it too."""
    lo, hi = _parse_day(start), _parse_day(end)
    docs = _in_window(_as_docs(articles, day_finder), lo, hi)
    sents = _sentences(docs)
    kws = resolve_keywords(keywords, sents)
    topical = [not kws or any(k in s.text.lower() for k in kws) for s in sents]
    rows: defaultdict[dt.date, list[int]] = defaultdict(list)
    for i, s in enumerate(sents):
        for d in dict.fromkeys(s.days):
            if (not lo or d >= lo) and (not hi or d <= hi):
                rows[d].append(i)
    candidates = sorted(rows)
    first: dict[int, int] = {}
    for i, s in enumerate(sents):
        first.setdefault(s.article, i)
    mentions, months = _mentions(docs, lambda article, position: topical[first[article] + position])
    X = date_features(candidates, mentions, [d.published for d in docs], months)
    leads: defaultdict[dt.date, list[int]] = defaultdict(list)
    for i, s in enumerate(sents):
        if s.position < LEAD_WINDOW:
            leads[s.published].append(i)
    return StoryDates(docs, sents, topical, candidates, dict(rows), X, dict(leads))


def _candidate_scores(story: StoryDates, day: dt.date) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The summary candidates of ``day`` (one per near-duplicate group), their centrality and lead agreement."""
    if day in story._scores:
        return story._scores[day]
    rows = story.rows.get(day, [])
    rows = [i for i in rows if story.topical[i]] or rows
    reps: list[int] = []
    central = agree = np.zeros(0)
    if rows:
        V = story.tfidf[rows]
        sims = (V @ V.T).toarray()
        kept: list[int] = []  # indices into rows, one per near-duplicate group
        for i in range(len(rows)):
            if story.sentences[rows[i]].text.strip() and not any(sims[i, r] >= DUPLICATE_COSINE for r in kept):
                kept.append(i)
        arts = np.array([story.sentences[rows[r]].article for r in kept])
        S = sims[np.ix_(kept, kept)]
        other = arts[None, :] != arts[:, None]
        central = np.where(other.any(1), (S * other).sum(1) / np.maximum(other.sum(1), 1), 0.0)
        reps = [rows[r] for r in kept]
        leads = [i for back in range(PUB_DAYS) for i in story.leads.get(day + dt.timedelta(days=back), [])
                 if story.sentences[i].position < LEAD_SENTENCES]
        agree = np.zeros(len(reps))
        if leads and reps:
            c = np.asarray(story.tfidf[leads].sum(0)).ravel()
            agree = np.asarray(story.tfidf[reps] @ (c / (np.linalg.norm(c) or 1.0))).ravel()
    story._scores[day] = (reps, central, agree)
    return story._scores[day]


def summarise_date(
    story: StoryDates, day: dt.date, k: int, lead_weight: float = 0.0, leads: int = 0, lead_days: int = PUB_DAYS
) -> list[int]:
    """Up to ``k`` sentences saying what happened on ``day``, most central first.

    With ``leads`` > 0 this is :func:`centroid_summary` (``leads`` and
    ``lead_days`` passed on); otherwise as follows.

    The candidates are the sentences whose own time expression names ``day``
    and that contain a keyword (all of them where none does).
    Near-duplicates (cosine at least :data:`DUPLICATE_COSINE`: wire copies,
    an article repeating itself) form one group, represented by its first
    sentence. A group's centrality is its mean cosine to the other groups
    that come from other articles, so neither copies nor one talkative article
    make a sentence central, plus ``lead_weight`` times its cosine to the
    leads of the articles published on the day and the day after (what that
    day's coverage opens with; the leads only score, they are never chosen).
    Ties go to the earlier sentence.
    """
    if leads > 0:
        return centroid_summary(story, day, k, leads, lead_days)
    reps, central, agree = _candidate_scores(story, day)
    if not reps or k <= 0:
        return []
    score = central + lead_weight * agree
    order = sorted(range(len(reps)), key=lambda n: (-score[n], n))
    return [reps[n] for n in order[:k]]


def centroid_summary(story: StoryDates, day: dt.date, k: int, leads: int = 5, lead_days: int = PUB_DAYS) -> list[int]:
    """Up to ``k`` sentences for ``day`` picked greedily so that their summed TF-IDF vector stays closest
    (cosine) to the centroid of the day's candidates.

    The candidates are the sentences whose own time expression names ``day``
    and the undated sentences among the first ``leads`` (at most
    :data:`LEAD_WINDOW`) of the articles published on ``day`` and the
    ``lead_days - 1`` days after (what the next day's coverage opens with),
    those with a keyword where keywords apply (all where none has one). A date
    no sentence names gets no summary. A sentence within
    :data:`DUPLICATE_COSINE` of one already picked is skipped.
    """
    named = story.rows.get(day, [])
    if not named or k <= 0:
        return []
    opening = [i for back in range(max(1, lead_days)) for i in story.leads.get(day + dt.timedelta(days=back), [])
               if story.sentences[i].position < leads and not story.sentences[i].days]
    rows = [i for i in named + opening if story.topical[i]] or named
    rows = [i for i in dict.fromkeys(rows) if story.sentences[i].text.strip()]
    if not rows:
        return []
    sub = story.tfidf[rows].tocsr()
    M = sub[:, np.unique(sub.indices)].toarray()  # dense over the terms these rows use
    norms = np.linalg.norm(M, axis=1)
    centroid = M.sum(0)
    centroid /= np.linalg.norm(centroid) or 1.0
    chosen: list[int] = []
    summary = np.zeros(M.shape[1])
    open_ = norms > 0
    while len(chosen) < k and open_.any():
        cos = ((summary[None, :] + M) @ centroid) / np.maximum(np.linalg.norm(summary[None, :] + M, axis=1), 1e-12)
        cos[~open_] = -np.inf
        best = int(cos.argmax())
        open_[best] = False
        if any(M[best] @ M[c] >= DUPLICATE_COSINE for c in chosen):  # rows are unit vectors
            continue
        chosen.append(best)
        summary += M[best]
    return [rows[i] for i in chosen]


def _event_of(story: StoryDates, day: dt.date, picked: Sequence[int]) -> str | None:
    """The event most of the articles naming ``day`` belong to (the first picked sentence's on ties)."""
    votes = Counter(e for a in {story.sentences[i].article for i in story.rows.get(day, [])}
                    if (e := story.docs[a].event))
    if not votes:
        return None
    first = story.docs[story.sentences[picked[0]].article].event if picked else None
    best = max(votes.values())
    return first if first and votes[first] == best else min(e for e, v in votes.items() if v == best)


def rank_dates(story: StoryDates, ranker: DateRanker | None = None) -> list[dt.date]:
    """The story's candidate dates, most important first (ties: the earlier date).

    Dates that some sentence with a keyword names come before those only
    off-topic sentences name (where keywords apply); each group in the
    ranker's order.
    """
    if not story.candidates:
        return []
    scores = (ranker or load_ranker()).score(story.features)
    cands = story.candidates
    on_topic = [any(story.topical[i] for i in story.rows[d]) for d in cands]
    return [cands[i] for i in sorted(range(len(cands)), key=lambda i: (not on_topic[i], -scores[i], cands[i]))]


def story_timeline(story: StoryDates, n_dates: int, n_sentences: int, ranker: DateRanker | None = None) -> list[TimelineDate]:
    """The ``n_dates`` best-ranked dates of ``story`` with up to ``n_sentences`` sentences each, in date order."""
    ranker = ranker or load_ranker()
    timeline: list[TimelineDate] = []
    for d in rank_dates(story, ranker)[: max(0, n_dates)]:
        picked = summarise_date(story, d, n_sentences, ranker.lead_weight, ranker.summary_leads, ranker.lead_days)
        if picked:
            evidence = [Evidence(story.sentences[i].article_id, story.sentences[i].span, story.sentences[i].text)
                        for i in picked]
            timeline.append(TimelineDate(d.isoformat(), evidence, _event_of(story, d, picked)))
    return sorted(timeline, key=lambda t: t.date)


def key_dates(
    articles: Iterable[Mapping | TimelineDoc],
    n_dates: int = 10,
    n_sentences: int = 1,
    keywords: Sequence[str] | None = None,
    *,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    day_finder: DayFinder | None = None,
    ranker: DateRanker | None = None,
) -> list[TimelineDate]:
    """The ``n_dates`` key dates of a story with up to ``n_sentences`` sentences each, in date order.

    ``articles`` are :class:`TimelineDoc` (or mappings with ``time``, ``text``
    and optionally ``id`` and ``event``). Only sentences containing one of
    ``keywords`` (if any keyword occurs at all) are used in summaries and make
    candidate dates. ``start``/``end`` limit both the articles read and the
    dates chosen. ``ranker`` defaults to the shipped date ranker.
    """
    story = read_story(articles, keywords, start=start, end=end, day_finder=day_finder)
    return story_timeline(story, n_dates, n_sentences, ranker)


def as_pairs(found: Sequence[TimelineDate]) -> Timeline:
    """Key dates in the news-tls format ``[(date, [sentence, ...]), ...]``."""
    return [(t.date, [e.text for e in t.sentences]) for t in found]


def build_timeline(articles: Iterable[Mapping | TimelineDoc], *args: Any, **kwargs: Any) -> Timeline:
    """:func:`key_dates` (same parameters) in the news-tls format ``[(date, [sentence, ...]), ...]``."""
    return as_pairs(key_dates(articles, *args, **kwargs))
