"""The shapes of the REST API's answers, so that ``/api/openapi.json`` documents every response.

Each model names the fields a client can rely on; objects allow more (a newer
server may add fields), and a field that can be unknown is nullable. Spans are
``[start, end]`` offsets into the article's ``text``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Span = list[int]


class Shape(BaseModel):
    """An API object: the documented fields, and any a newer server adds."""

    model_config = ConfigDict(extra="allow")


# -- stories ------------------------------------------------------------------------------------
class ThreadSummary(Shape):
    id: str
    title: str | None = None
    first_date: str | None = None
    last_date: str | None = None
    event_count: int
    article_count: int
    source_count: int
    sources: list[str] = Field(default_factory=list)
    #: ``[month, articles]`` pairs (listings only)
    activity: list[list[Any]] | None = None


class ThreadList(Shape):
    total: int
    threads: list[ThreadSummary]


class EventOut(Shape):
    id: str
    thread_id: str
    title: str | None = None
    first_date: str | None = None
    last_date: str | None = None
    article_count: int
    source_count: int
    article_ids: list[str] = Field(default_factory=list)


class StoryArticle(Shape):
    id: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    event_id: str | None = None
    duplicate_of: str | None = None


class EntityCount(Shape):
    id: str
    name: str | None = None
    type: str | None = None
    mentions: int
    articles: int


class Evidence(Shape):
    """A passage of an article that supports what is shown."""

    article_id: str
    #: ``None`` where the evidence is the article as a whole (its publication date)
    span: Span | None = None
    text: str | None = None


class DateMention(Shape):
    value: str
    mentions: int
    evidence: list[Evidence]


class QuoteRef(Shape):
    article_id: str
    start: int | None = None
    end: int | None = None
    kind: str | None = None
    channel: str | None = None
    text: str | None = None
    published: str | None = None


class RelatedStory(Shape):
    """A thread of the same topic whose principal actors and places differ: a related story, kept apart."""

    id: str
    title: str | None = None
    articles: int
    first_date: str | None = None
    last_date: str | None = None
    #: the closest match between the two threads (topic similarity)
    score: float
    #: what both name: ``actors``, ``places``, ``terms`` (strongest first)
    shared: dict[str, list[str]] = Field(default_factory=dict)
    reason: str


class StoryView(Shape):
    thread: ThreadSummary
    events: list[EventOut]
    articles: list[StoryArticle]
    entities: list[EntityCount]
    dates: list[DateMention]
    #: speaker name → what they said, most quoted first
    quotes: dict[str, list[QuoteRef]]
    #: related stories, closest first
    related: list[RelatedStory] = Field(default_factory=list)


class TimelineEntry(Shape):
    date: str
    start: str | None = None
    end: str | None = None
    kind: str | None = None
    label: str | None = None
    mentions: int
    evidence: list[Evidence]
    #: for a key date, the event of the articles that speak of it
    event_id: str | None = None


class TimelineOut(Shape):
    thread_id: str
    #: where the dates come from (the stored time expressions, or publication dates)
    source: str
    entries: list[TimelineEntry]


class ClaimSide(Shape):
    article_id: str
    span: Span
    text: str | None = None
    speaker: str | None = None
    polarity: str | None = None
    #: the date the claim is about (the first date it names, else the publication date)
    date: str | None = None
    published: str | None = None
    source: str | None = None
    title: str | None = None


class RelationOut(Shape):
    #: corrects, contradicts, competing_account, updates (or supports)
    label: str | None = None
    score: float | None = None
    cue: str | None = None
    #: one line saying why the relation was reported, computed when it was found
    reason: str | None = None
    thread_id: str | None = None
    earlier: ClaimSide
    later: ClaimSide


class CorrectionsOut(Shape):
    thread_id: str
    available: bool
    reason: str | None = None
    relations: list[RelationOut]


# -- articles, entities, quotes, search ---------------------------------------------------------
class ArticleStory(Shape):
    thread_id: str | None = None
    event_id: str | None = None
    duplicate_of: str | None = None
    thread_title: str | None = None


class ArticleOut(Shape):
    #: the article as stored (title, text, published, url, source, author, language, origin, id, meta)
    article: dict[str, Any]
    #: its annotations (sentences, entities, quotes, timexes, claims, boilerplate), with spans
    analysis: dict[str, Any] | None = None
    story: ArticleStory | None = None


class Quote(QuoteRef):
    speaker: str | None = None
    entity_id: str | None = None
    article_title: str | None = None


class EntityThread(Shape):
    id: str
    title: str | None = None
    articles: int
    first_date: str | None = None
    last_date: str | None = None


class EntityOut(EntityCount):
    quotes: list[Quote]
    threads: list[EntityThread]


class QuotesOut(Shape):
    speaker_id: str
    quotes: list[Quote]


class SearchHit(Shape):
    id: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    snippet: str | None = None


class SearchOut(Shape):
    query: str
    results: list[SearchHit]


class SemanticHit(Shape):
    id: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    score: float


class SemanticOut(Shape):
    query: str
    #: how the neighbours were found (the vector index, or an exact scan)
    method: str
    results: list[SemanticHit]


# -- writing ------------------------------------------------------------------------------------
class IngestInputs(BaseModel):
    """http(s) URLs for the server to fetch (under the fetch rules); files of the server are never read."""

    inputs: list[str] = Field(..., min_length=1, max_length=1000)


class IngestResult(BaseModel):
    ingested: int
    duplicates: int
    failed: int
    failures: list[str]
    article_ids: list[str]
