"""Per-article analysis: a pipeline of small analysers over one spaCy parse.

Each analyser is a function ``(doc, article, analysis) -> None`` that adds its
findings to the :class:`~storyline.model.Analysis`. They are registered by name
with :func:`analyser` and run in the order of :data:`DEFAULT_PIPELINE`; adding an
analyser is writing one function and naming it there (or passing a custom list to
:class:`Pipeline`). Text marked as boilerplate (captions, bylines, "Read more")
stays in the article, so that offsets hold, but its annotations are dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..model import Analysis, Article, Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from .quotes import QuoteMode

Analyser = Callable[["Doc", Article, Analysis], None]
REGISTRY: dict[str, Analyser] = {}
DEFAULT_PIPELINE = ("boilerplate", "sentences", "entities", "timexes", "quotes")


def analyser(name: str) -> Callable[[Analyser], Analyser]:
    """Register an analyser under ``name``."""

    def wrap(fn: Analyser) -> Analyser:
        REGISTRY[name] = fn
        return fn

    return wrap


def _inside(span: Span, zones: list[Span]) -> bool:
    return any(z.start <= span.start and span.end <= z.end for z in zones)


@analyser("boilerplate")
def _boilerplate(doc: "Doc", article: Article, analysis: Analysis) -> None:
    from .boilerplate import find_boilerplate

    analysis.boilerplate = find_boilerplate(article.text)


@analyser("sentences")
def _sentences(doc: "Doc", article: Article, analysis: Analysis) -> None:
    spans = []
    for sent in doc.sents:
        text = sent.text
        start = sent.start_char + len(text) - len(text.lstrip())
        span = Span(start, sent.start_char + len(text.rstrip()))
        if span.end > span.start and not _inside(span, analysis.boilerplate):
            spans.append(span)
    analysis.sentences = spans


@analyser("entities")
def _entities(doc: "Doc", article: Article, analysis: Analysis) -> None:
    from .entities import resolve_mentions

    analysis.entities = [m for m in resolve_mentions(doc) if not _inside(m.span, analysis.boilerplate)]


@analyser("timexes")
def _timexes(doc: "Doc", article: Article, analysis: Analysis) -> None:
    from .timex import find_timexes

    analysis.timexes = [t for t in find_timexes(article.text, article.date) if not _inside(t.span, analysis.boilerplate)]


def _attributions_in(doc: "Doc", analysis: Analysis, mode: "QuoteMode") -> None:
    from .quotes import find_quotes

    found = find_quotes(doc, analysis.entities, mode=mode)
    analysis.quotes = [q for q in found if not _inside(q.content, analysis.boilerplate)]


@analyser("quotes")
def _quotes(doc: "Doc", article: Article, analysis: Analysis) -> None:
    """Who said what: direct, mixed and indirect quotes with a reporting or thinking cue and a source."""
    _attributions_in(doc, analysis, "news")


@analyser("attributions")
def _attributions(doc: "Doc", article: Article, analysis: Analysis) -> None:
    """Every attribution, in place of ``quotes``: also beliefs, intentions and actions ("voted for | the
    bill"), with or without a named source, direct quotations with their quotation marks (PolNeAR's scheme)."""
    _attributions_in(doc, analysis, "polnear")


#: what ``quotes`` becomes in the pipeline for each ``--attributions`` choice of ``storyline analyze``
ATTRIBUTION_ANALYSERS = {"quotes": "quotes", "all": "attributions"}


def pipeline_components(attributions: str = "quotes") -> tuple[str, ...]:
    """The default pipeline with its attribution analyser chosen (``quotes`` or ``all``)."""
    try:
        chosen = ATTRIBUTION_ANALYSERS[attributions]
    except KeyError:
        raise ValueError(f"attributions must be one of {sorted(ATTRIBUTION_ANALYSERS)}, not {attributions!r}") from None
    return tuple(chosen if c == "quotes" else c for c in DEFAULT_PIPELINE)


class Pipeline:
    """Runs the named analysers over articles; spaCy parses each article once."""

    def __init__(self, components: Iterable[str] = DEFAULT_PIPELINE, *, n_process: int = 1, batch_size: int = 16):
        unknown = [c for c in components if c not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown analysers {unknown}; known: {sorted(REGISTRY)}")
        self.components = list(components)
        self.n_process = n_process
        self.batch_size = batch_size

    def _annotate(self, doc: "Doc", article: Article) -> Analysis:
        analysis = Analysis(article_id=article.id)
        for name in self.components:
            REGISTRY[name](doc, article, analysis)
        return analysis

    def __call__(self, article: Article) -> Analysis:
        from .nlp import nlp

        return self._annotate(nlp()(article.text), article)

    def pipe(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        """Analyses in input order, parsing in batches (and processes, if ``n_process`` > 1)."""
        from .nlp import nlp

        pairs = ((a.text, a) for a in articles)
        for doc, article in nlp().pipe(pairs, as_tuples=True, n_process=self.n_process, batch_size=self.batch_size):
            yield self._annotate(doc, article)


def analyze(article: Article) -> Analysis:
    """Analyse one article with the default pipeline."""
    return Pipeline()(article)
