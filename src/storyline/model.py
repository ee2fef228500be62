"""The one data model that every stage shares.

Every annotation points back into its article's ``text`` with a :class:`Span`
of Python ``str`` offsets ``(start, end)``. Objects are plain dataclasses so
that they serialise to JSON with :func:`to_dict` and back with ``from_dict``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple


class Span(NamedTuple):
    """Half-open character offsets ``[start, end)`` into an article's text."""

    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return max(0, self.end - self.start)


def _norm_for_hash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def content_id(title: str, text: str) -> str:
    """Stable id of an article from its content: equal texts give equal ids.

    Whitespace, case and Unicode compatibility forms are normalised first, so a
    re-encoded or re-wrapped copy of the same article is the same article.
    """
    h = hashlib.sha256()
    h.update(_norm_for_hash(title).encode("utf-8"))
    h.update(b"\x00")
    h.update(_norm_for_hash(text).encode("utf-8"))
    return h.hexdigest()[:16]


def entity_id(name: str, type_: str) -> str:
    """One id per canonical name and type, the same in every article and every store."""
    key = f"{type_}:{' '.join(name.lower().split())}"
    return "ent-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


@dataclass
class Article:
    """One news article: clean body text plus metadata.

    ``published`` (and ``modified``) is an ISO 8601 date or datetime string
    (``YYYY-MM-DD`` at least) or ``None`` when unknown; a date-time keeps the UTC
    offset the publisher gives (``2024-02-28T19:25:36-05:00``), so its date part
    is the publisher's local day. ``author`` is the byline (names joined by
    ``"; "``), ``authors`` the people in it; ``language`` an ISO 639-1 code;
    ``section`` the publisher's section. ``origin`` names where it was read from
    (a path, a URL, ``file.warc.gz#record-id``).
    """

    title: str
    text: str
    published: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    language: str | None = None
    origin: str | None = None
    id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    modified: str | None = None
    section: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.title, self.text)
        if self.author and not self.authors:
            self.authors = [a.strip() for a in self.author.split(";") if a.strip()]

    @property
    def date(self) -> str | None:
        """The publication date as ``YYYY-MM-DD`` (or ``None``)."""
        return self.published[:10] if self.published else None


EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "OTHER"]


@dataclass
class Mention:
    """A mention of an entity in an article; ``canonical`` is the resolved name."""

    span: Span
    text: str
    label: str
    canonical: str
    entity_id: str | None = None


@dataclass
class Entity:
    """An entity across the store: one id per real-world referent."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    article_count: int = 0


QuoteKind = Literal["direct", "mixed", "indirect"]


@dataclass
class Quote:
    """Who said what: content, the speaker's span (source) and the cue."""

    content: Span
    text: str
    kind: QuoteKind
    source: Span | None = None
    speaker: str | None = None
    cue: Span | None = None
    channel: str | None = None


TimexType = Literal["DATE", "TIME", "DURATION", "SET"]


@dataclass
class TimeExpression:
    """A time expression with its TIMEX3 type and normalised value."""

    span: Span
    text: str
    type: TimexType
    value: str


@dataclass
class Claim:
    """A checkable statement made in an article, with attribution and polarity."""

    span: Span
    text: str
    article_id: str
    speaker: str | None = None
    polarity: Literal["positive", "negative"] = "positive"
    date: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            key = f"{self.article_id}:{self.span[0]}:{self.span[1]}"
            self.id = "c-" + hashlib.sha1(key.encode()).hexdigest()[:12]


RelationLabel = Literal["supports", "contradicts", "corrects", "updates", "competing_account"]


@dataclass
class ClaimRelation:
    """A relation between an earlier and a later claim, with both evidence spans."""

    earlier: Claim
    later: Claim
    label: RelationLabel
    score: float = 0.0
    cue: str | None = None
    #: one line saying why, computed when the relation is found ("later figure 35 replaces earlier 20 deaths")
    reason: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Where something is said: an article and a span of its text, with the words."""

    article_id: str
    span: Span
    text: str


@dataclass
class Analysis:
    """Everything the per-article analysers found in one article."""

    article_id: str
    sentences: list[Span] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timexes: list[TimeExpression] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    boilerplate: list[Span] = field(default_factory=list)
    #: the analysers that ran on the article (those for English only are skipped for other languages)
    analysers: list[str] = field(default_factory=list)


@dataclass
class Event:
    """One happening reported by one or more articles over a few days."""

    id: str
    thread_id: str
    title: str
    first_date: str | None = None
    last_date: str | None = None
    article_count: int = 0
    source_count: int = 0


@dataclass
class Thread:
    """A long-running story: the events that belong together over months or years."""

    id: str
    title: str
    first_date: str | None = None
    last_date: str | None = None
    event_count: int = 0
    article_count: int = 0
    source_count: int = 0
    sources: list[str] = field(default_factory=list)


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready data from a model object (spans become ``[start, end]``)."""
    if isinstance(obj, Span):
        return [obj.start, obj.end]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def _span(v: Any) -> Span | None:
    return None if v is None else Span(int(v[0]), int(v[1]))


def timex_from_dict(t: dict[str, Any]) -> TimeExpression:
    """Inverse of ``to_dict`` for a :class:`TimeExpression`."""
    return TimeExpression(**{**t, "span": _span(t["span"])})


def analysis_from_dict(d: dict[str, Any]) -> Analysis:
    """Inverse of ``to_dict`` for an :class:`Analysis`."""
    return Analysis(
        article_id=d["article_id"],
        sentences=[Span(*s) for s in d.get("sentences", [])],
        entities=[Mention(**{**m, "span": _span(m["span"])}) for m in d.get("entities", [])],
        quotes=[
            Quote(**{**q, "content": _span(q["content"]), "source": _span(q.get("source")), "cue": _span(q.get("cue"))})
            for q in d.get("quotes", [])
        ],
        timexes=[timex_from_dict(t) for t in d.get("timexes", [])],
        claims=[Claim(**{**c, "span": _span(c["span"])}) for c in d.get("claims", [])],
        boilerplate=[Span(*s) for s in d.get("boilerplate", [])],
        analysers=list(d.get("analysers", [])),
    )
