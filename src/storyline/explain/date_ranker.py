"""The learned date ranker of timelines: features of each candidate date and a linear model over them.

After news-tls's supervised date-wise ranker (Ghalandari & Ifrim 2020): each
candidate date of a story gets features from what the stored articles say
about it — how many articles mention it before, on and after the day, how many
were published on it and around it (the burst), whether lead sentences carry
it, whether event verbs stand near the mention, how far it lies from the
story's publication bursts, how often its month is named — each normalised so
that a two-month and a two-year story give comparable values (shares of the
story's articles, ranks among the story's candidates, distances over the
story's length). A logistic regression over those features (trained by
:mod:`storyline.evaluation.train_date_ranker`) scores the dates; its weights
ship as JSON in ``storyline/resources/timeline/date_ranker.json``.

The inputs are :class:`Mention`s (one per time expression precise to the day,
with its sentence's place) and the publication dates of the story's articles,
both read from the stored analysis, so ranking never re-runs the parser.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "resources" / "timeline" / "date_ranker.json"

LEAD_SENTENCES = 5
"""A mention among an article's first sentences is a lead mention."""
BURST_DAYS = 3
"""Publications on the day and the two after make the day's burst."""
BURST_PEAKS = 10
NEIGHBOURS = 7
NEARBY_DAYS = 30
"""Articles published this many days from a date are those that could report it (``nearby_share``)."""
"""Days either side a date is compared with for :data:`FEATURES` ``local_peak``."""

"""The story's busiest publication days, to which each date's distance is measured."""

EVENT_CUES = re.compile(
    r"\b(?:kill(?:ed|s)?|die[ds]?|dead|explo(?:ded|des|sion)|struck|strikes?|hit|sank|collaps(?:ed|es)|erupt(?:ed|s)|"
    r"announc(?:ed|es)|declar(?:ed|es)|approv(?:ed|es)|sign(?:ed|s)|vot(?:ed|es)|pass(?:ed|es)|resign(?:ed|s)|"
    r"arrest(?:ed|s)|charg(?:ed|es)|sentenc(?:ed|es)|convict(?:ed|s)|rul(?:ed|es)|order(?:ed|s)|launch(?:ed|es)|"
    r"beg(?:an|ins)|start(?:ed|s)|end(?:ed|s)|agre(?:ed|es)|confirm(?:ed|s)|elect(?:ed|s)|fir(?:ed|es)|"
    r"attack(?:ed|s)|clash(?:ed|es)|protest(?:ed|s)|march(?:ed|es)|stormed|seiz(?:ed|es)|captur(?:ed|es)|"
    r"open(?:ed|s)|clos(?:ed|es)|releas(?:ed|es)|fil(?:ed|es)|su(?:ed|es)|capp(?:ed|ing)|seal(?:ed|s)|"
    r"stopp(?:ed|ing)|suspend(?:ed|s)|ban(?:ned|s)|rais(?:ed|es)|cut|report(?:ed|s)|occurred|happened|"
    r"unveil(?:ed|s)|introduc(?:ed|es)|reach(?:ed|es)|fell|rose|flee|fled|evacuat(?:ed|es))\b",
    re.I,
)
"""Verbs that name something happening (rather than being discussed)."""
CUE_REACH = 60
"""Characters either side of a mention searched for an event cue."""

FEATURES: tuple[str, ...] = (
    "after",  # share of articles mentioning the date after it
    "on",  # share mentioning it on the day
    "before",  # share mentioning it ahead of the day
    "mention_rank",  # rank of the number of mentioning articles among the candidates (1 = most)
    "published",  # share of articles published on the day
    "published_next",  # share published the day after
    "burst",  # publications on the day and the two after, over the story's mean rate (log)
    "burst_rise",  # publications of the burst against the three days before it
    "burst_rank",  # rank of the burst among the candidates
    "lead",  # share of articles naming the date in a lead sentence
    "cue",  # share of mentions with an event verb near them
    "explicit",  # share of mentions written as a calendar date (with a day number)
    "month",  # share of articles naming the date's month (month-precise expressions)
    "persistence",  # how long after the day articles still mention it, over the story's length
    "peak_distance",  # days to the nearest busiest publication day, over the story's length (log)
    "position",  # where in the story's span the date lies (0 first day, 1 last)
    "sentences",  # mentioning sentences per mentioning article (log)
    "topical",  # share of mentions in sentences with a keyword
    "local_peak",  # mentioning articles against the mean of the week either side: a spike among its neighbours
    "after_explicit",  # share of articles naming it as a calendar date after the day
    "nearby_share",  # share of the articles published in the month from the day that mention it
)


@dataclass(frozen=True)
class Mention:
    """A day-precise time expression: its article, day, place in the article and words around it."""

    article: int
    published: dt.date
    day: dt.date
    position: int
    """Index of its sentence in the article."""
    explicit: bool
    """Written as a calendar date (with a day number), not "Friday" or "yesterday"."""
    cue: bool
    """An event verb stands within :data:`CUE_REACH` characters."""
    topical: bool = True
    """Its sentence contains one of the story's keywords (or no keyword applies)."""


def mention_of(
    article: int, published: dt.date, day: dt.date, position: int, text: str, start: int, end: int, topical: bool = True
) -> Mention:
    """The :class:`Mention` of the expression ``text[start:end]`` in sentence ``position`` of an article."""
    around = text[max(0, start - CUE_REACH) : start] + " " + text[end : end + CUE_REACH]
    return Mention(article, published, day, position, any(c.isdigit() for c in text[start:end]),
                   bool(EVENT_CUES.search(around)), topical)


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 for the largest value, falling linearly to 0 for the smallest (ties share the best rank)."""
    n = len(values)
    if n < 2:
        return np.ones(n)
    order = np.unique(-values, return_inverse=True)[1]
    return 1.0 - order / max(1, order.max()) if order.max() else np.ones(n)


def date_features(
    candidates: Sequence[dt.date],
    mentions: Sequence[Mention],
    published: Sequence[dt.date],
    months: Sequence[tuple[int, dt.date]] = (),
) -> np.ndarray:
    """The :data:`FEATURES` of each candidate date, one row per date.

    ``mentions`` are the story's day-precise time expressions, ``published``
    the publication day of each of its articles (indexed as
    ``Mention.article``), ``months`` ``(article, first day of the month)`` of
    each month-precise expression.
    """
    n_art = max(1, len(published))
    pub_count = Counter(published)
    lo, hi = min(published, default=dt.date.today()), max(published, default=dt.date.today())
    days = max(1, (hi - lo).days + 1)
    rate = n_art / days
    peaks = sorted(d.toordinal() for d, _ in pub_count.most_common(BURST_PEAKS))

    after: defaultdict[dt.date, set[int]] = defaultdict(set)
    on: defaultdict[dt.date, set[int]] = defaultdict(set)
    before: defaultdict[dt.date, set[int]] = defaultdict(set)
    lead: defaultdict[dt.date, set[int]] = defaultdict(set)
    n_mentions: Counter[dt.date] = Counter()
    cues: Counter[dt.date] = Counter()
    explicit: Counter[dt.date] = Counter()
    topical: Counter[dt.date] = Counter()
    last_mention: dict[dt.date, dt.date] = {}
    sentences: defaultdict[dt.date, set[tuple[int, int]]] = defaultdict(set)
    explicit_after: defaultdict[dt.date, set[int]] = defaultdict(set)
    for m in mentions:
        if m.explicit and m.published > m.day:
            explicit_after[m.day].add(m.article)
        (after if m.published > m.day else on if m.published == m.day else before)[m.day].add(m.article)
        if m.position < LEAD_SENTENCES:
            lead[m.day].add(m.article)
        n_mentions[m.day] += 1
        cues[m.day] += m.cue
        explicit[m.day] += m.explicit
        topical[m.day] += m.topical
        sentences[m.day].add((m.article, m.position))
        if m.published > last_mention.get(m.day, m.day):
            last_mention[m.day] = m.published
    month_arts: defaultdict[dt.date, set[int]] = defaultdict(set)
    for art, first in months:
        month_arts[first].add(art)

    pub_days = sorted(published)

    def n_published(a: dt.date, b: dt.date) -> int:
        import bisect

        return bisect.bisect_right(pub_days, b) - bisect.bisect_left(pub_days, a)

    def n_mentioning(d: dt.date) -> int:
        return len(after.get(d, set()) | on.get(d, set()) | before.get(d, set()))

    rows = []
    for d in candidates:
        mentioning = n_mentioning(d)
        around = [n_mentioning(d + dt.timedelta(days=i)) for i in range(-NEIGHBOURS, NEIGHBOURS + 1) if i]
        burst = sum(pub_count.get(d + dt.timedelta(days=i), 0) for i in range(BURST_DAYS))
        prior = sum(pub_count.get(d - dt.timedelta(days=i), 0) for i in range(1, BURST_DAYS + 1))
        o = d.toordinal()
        peak = min((abs(o - p) for p in peaks), default=days)
        rows.append([
            len(after[d]) / n_art,
            len(on[d]) / n_art,
            len(before[d]) / n_art,
            float(mentioning),  # ranked below
            pub_count.get(d, 0) / n_art,
            pub_count.get(d + dt.timedelta(days=1), 0) / n_art,
            math.log1p(burst / (BURST_DAYS * rate)),
            (burst - prior) / (burst + prior + rate),  # smoothed by the mean daily rate, so scale-free
            float(burst),  # ranked below
            len(lead[d]) / n_art,
            cues[d] / n_mentions[d] if n_mentions[d] else 0.0,
            explicit[d] / n_mentions[d] if n_mentions[d] else 0.0,
            len(month_arts[d.replace(day=1)]) / n_art,
            ((last_mention[d] - d).days / days) if d in last_mention else 0.0,
            math.log1p(peak) / math.log1p(days),
            min(1.0, max(0.0, (d - lo).days / days)),
            math.log1p(len(sentences[d]) / mentioning) if mentioning else 0.0,
            topical[d] / n_mentions[d] if n_mentions[d] else 0.0,
            mentioning / (mentioning + float(np.mean(around))) if mentioning else 0.0,
            len(explicit_after[d]) / n_art,
            len(after[d] | on[d]) / max(1, n_published(d, d + dt.timedelta(days=NEARBY_DAYS))),
        ])
    X = np.array(rows, dtype=float).reshape(len(candidates), len(FEATURES))
    for name in ("mention_rank", "burst_rank"):
        j = FEATURES.index(name)
        X[:, j] = _ranks(X[:, j])
    return X


@dataclass
class DateRanker:
    """A logistic regression over standardised :data:`FEATURES`: higher scores for more important dates."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float = 0.0
    meta: dict = field(default_factory=dict)
    lead_weight: float = 0.0
    """How much a summary sentence's agreement with the day's leads adds to its centrality (chosen with the ranker)."""
    summary_leads: int = 0
    """0: summaries of the central sentences naming the date; n: centroid summaries that also take the undated
    first n sentences of the articles published over ``lead_days`` (``timeline.centroid_summary``)."""
    lead_days: int = 2

    def score(self, X: np.ndarray) -> np.ndarray:
        """The score (log-odds) of each row of ``X`` (columns in :data:`FEATURES` order)."""
        if list(self.features) != list(FEATURES):
            raise ValueError(f"date ranker model: features {self.features} do not match this version's {list(FEATURES)}")
        if len(X) == 0:
            return np.zeros(0)
        Z = (X - np.asarray(self.mean)) / np.asarray(self.scale)
        return Z @ np.asarray(self.weights) + self.bias

    def to_json(self) -> str:
        return json.dumps(
            {"features": self.features, "mean": self.mean, "scale": self.scale, "weights": self.weights,
             "bias": self.bias, "lead_weight": self.lead_weight,
             "summary_leads": self.summary_leads, "lead_days": self.lead_days, "meta": self.meta},
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> "DateRanker":
        d = json.loads(text)
        return cls(list(d["features"]), list(d["mean"]), list(d["scale"]), list(d["weights"]), float(d["bias"]),
                   dict(d.get("meta", {})), float(d.get("lead_weight", 0.0)),
                   int(d.get("summary_leads", 0)), int(d.get("lead_days", 2)))


def fit_ranker(
    X: np.ndarray, y: np.ndarray, c: float = 1.0, meta: dict | None = None, sample_weight: np.ndarray | None = None
) -> DateRanker:
    """A :class:`DateRanker` fit to rows ``X`` labelled ``y`` (1: a date of the gold timeline)."""
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(0)
    scale = X.std(0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((X - mean) / scale, y, sample_weight=sample_weight)
    return DateRanker(list(FEATURES), mean.tolist(), scale.tolist(), model.coef_[0].tolist(),
                      float(model.intercept_[0]), meta or {})


@lru_cache(maxsize=4)
def load_ranker(path: str = str(MODEL_PATH)) -> DateRanker:
    """The date ranker stored at ``path`` (the shipped one by default)."""
    p = Path(path)
    try:
        return DateRanker.from_json(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{p}: no date ranker model; train one with storyline eval timelines --train") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{p}: not a date ranker model ({exc})") from None
