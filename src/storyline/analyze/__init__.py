"""Per-article analysis: a pipeline of small analysers over one spaCy parse.

Each analyser is a function ``(doc, article, analysis) -> None`` that adds its
findings to the :class:`~storyline.model.Analysis`. They are registered by name
with :func:`analyser` and run in the order of :data:`DEFAULT_PIPELINE`; adding an
analyser is writing one function and naming it there (or passing a custom list to
:class:`Pipeline`). Text marked as boilerplate (captions, bylines, "Read more")
stays in the article, so that offsets hold, but its annotations are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..model import Analysis, Article, Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from .quotes import QuoteMode

Analyser = Callable[["Doc", Article, Analysis], None]


@dataclass(frozen=True)
class Settings:
    """What a configurable analyser's factory is given when a pipeline is built."""

    #: ``quotes``: what was said; ``all``: every attribution (PolNeAR's scheme)
    attributions: str = "quotes"


@dataclass(frozen=True)
class Component:
    """An analyser with its contract: the :class:`Analysis` fields it reads and those it fills.

    ``factory`` makes the analyser for a pipeline's :class:`Settings`.
    """

    name: str
    factory: Callable[[Settings], Analyser]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


REGISTRY: dict[str, Component] = {}
DEFAULT_PIPELINE = ("boilerplate", "sentences", "entities", "timexes", "quotes", "claims")
#: analysers that only hold for English (the English spaCy model's entities, the English quote and claim rules);
#: an article in another language skips them, and ``Analysis.analysers`` says what ran
ENGLISH_ONLY = frozenset({"entities", "quotes", "claims"})


def runs_on(name: str, article: Article) -> bool:
    """Whether analyser ``name`` applies to ``article`` (an unknown language counts as English)."""
    return name not in ENGLISH_ONLY or (article.language or "en").lower().startswith("en")
#: how the ``quotes`` analyser reads attributions, for each ``attributions`` setting
ATTRIBUTION_MODES: dict[str, "QuoteMode"] = {"quotes": "news", "all": "polnear"}


def _contract(name: str, requires: Iterable[str], assigns: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    needs, fills = tuple(requires), tuple(assigns)
    unknown = sorted(set(needs + fills) - set(Analysis.__dataclass_fields__))
    if unknown:
        raise ValueError(f"analyser {name!r}: {unknown} are not fields of Analysis")
    return needs, fills


def analyser(name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()) -> Callable[[Analyser], Analyser]:
    """Register an analyser under ``name``, with the analysis fields it ``requires`` and ``assigns``.

    A field an analyser requires must be assigned by an analyser earlier in the
    pipeline; :class:`Pipeline` checks this when it is built.
    """

    needs, fills = _contract(name, requires, assigns)

    def wrap(fn: Analyser) -> Analyser:
        REGISTRY[name] = Component(name, lambda settings: fn, needs, fills)
        return fn

    return wrap


def analyser_factory(
    name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()
) -> Callable[[Callable[[Settings], Analyser]], Callable[[Settings], Analyser]]:
    """Register a configurable analyser: ``factory(settings)`` makes it when a pipeline is built."""

    needs, fills = _contract(name, requires, assigns)

    def wrap(factory: Callable[[Settings], Analyser]) -> Callable[[Settings], Analyser]:
        REGISTRY[name] = Component(name, factory, needs, fills)
        return factory

    return wrap


def check_order(components: Iterable[str]) -> None:
    """Raise ``ValueError`` unless every analyser's requirements are assigned before it runs."""
    names = list(components)
    unknown = [c for c in names if c not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown analysers {unknown}; known: {sorted(REGISTRY)}")
    assigned: set[str] = set()
    for name in names:
        component = REGISTRY[name]
        missing = [f for f in component.requires if f not in assigned]
        if missing:
            providers = sorted(c.name for c in REGISTRY.values() if set(missing) & set(c.assigns))
            raise ValueError(f"analyser {name!r} needs {missing}, assigned by {providers}: put them before it")
        assigned.update(component.assigns)


def _inside(span: Span, zones: list[Span]) -> bool:
    return any(z.start <= span.start and span.end <= z.end for z in zones)


@analyser("boilerplate", assigns=("boilerplate",))
def _boilerplate(doc: "Doc", article: Article, analysis: Analysis) -> None:
    from .boilerplate import find_boilerplate

    analysis.boilerplate = find_boilerplate(article.text)


@analyser("sentences", requires=("boilerplate",), assigns=("sentences",))
def _sentences(doc: "Doc", article: Article, analysis: Analysis) -> None:
    spans = []
    for sent in doc.sents:
        text = sent.text
        start = sent.start_char + len(text) - len(text.lstrip())
        span = Span(start, sent.start_char + len(text.rstrip()))
        if span.end > span.start and not _inside(span, analysis.boilerplate):
            spans.append(span)
    analysis.sentences = spans


@analyser("entities", requires=("boilerplate",), assigns=("entities",))
def _entities(doc: "Doc", article: Article, analysis: Analysis) -> None:
    from .entities import resolve_mentions

    analysis.entities = [m for m in resolve_mentions(doc) if not _inside(m.span, analysis.boilerplate)]


@analyser("timexes", requires=("boilerplate",), assigns=("timexes",))
def _timexes(doc: "Doc", article: Article, analysis: Analysis) -> None:
    from .timex import find_timexes

    analysis.timexes = [t for t in find_timexes(article.text, article.date) if not _inside(t.span, analysis.boilerplate)]


@analyser_factory("quotes", requires=("boilerplate", "entities"), assigns=("quotes",))
def _quotes(settings: Settings) -> Analyser:
    """Who said what: direct, mixed and indirect quotes with a reporting or thinking cue and a source.

    With ``attributions="all"`` the same analyser finds every attribution: also beliefs,
    intentions and actions ("voted for | the bill"), with or without a named source, direct
    quotations with their quotation marks (PolNeAR's scheme).
    """
    mode = ATTRIBUTION_MODES[settings.attributions]

    def run(doc: "Doc", article: Article, analysis: Analysis) -> None:
        from .quotes import find_quotes

        found = find_quotes(doc, analysis.entities, mode=mode)
        analysis.quotes = [q for q in found if not _inside(q.content, analysis.boilerplate)]

    return run


@analyser("claims", requires=("boilerplate", "sentences", "entities", "timexes", "quotes"), assigns=("claims",))
def _claims(doc: "Doc", article: Article, analysis: Analysis) -> None:
    """The checkable statements, extracted once at ingest and stored with the analysis."""
    from ..explain.claims import extract_claims

    analysis.claims = extract_claims(article, analysis)


@dataclass(frozen=True)
class PipelineSpec:
    """A picklable description of a :class:`Pipeline`, from which a worker process rebuilds it."""

    components: tuple[str, ...] = DEFAULT_PIPELINE
    attributions: str = "quotes"
    batch_size: int = 16

    def build(self) -> "Pipeline":
        return Pipeline(self.components, attributions=self.attributions, batch_size=self.batch_size)


class Pipeline:
    """Runs the named analysers over articles; spaCy parses each article once.

    ``attributions`` chooses what the ``quotes`` analyser finds: ``"quotes"`` (what was said,
    the default) or ``"all"`` (every attribution, as PolNeAR annotates them).
    """

    def __init__(
        self,
        components: Iterable[str] = DEFAULT_PIPELINE,
        *,
        attributions: str = "quotes",
        n_process: int = 1,
        batch_size: int = 16,
    ):
        self.components = list(components)
        check_order(self.components)
        if attributions not in ATTRIBUTION_MODES:
            raise ValueError(f"attributions must be one of {sorted(ATTRIBUTION_MODES)}, not {attributions!r}")
        self.settings = Settings(attributions=attributions)
        self._analysers = [REGISTRY[name].factory(self.settings) for name in self.components]
        self.n_process = n_process
        self.batch_size = batch_size

    def spec(self) -> PipelineSpec:
        """What rebuilds this pipeline in another process."""
        return PipelineSpec(tuple(self.components), self.settings.attributions, self.batch_size)

    def _annotate(self, doc: "Doc", article: Article) -> Analysis:
        analysis = Analysis(article_id=article.id)
        for name, run in zip(self.components, self._analysers):
            if runs_on(name, article):
                run(doc, article, analysis)
                analysis.analysers.append(name)
        return analysis

    def __call__(self, article: Article) -> Analysis:
        from .nlp import nlp, parse_text

        return self._annotate(nlp()(parse_text(article.text)), article)

    def pipe(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Analysis]]:
        """``(article, analysis)`` in input order, parsing in batches (and processes, if ``n_process`` > 1)."""
        from .nlp import nlp, parse_text

        pairs = ((parse_text(a.text), a) for a in articles)
        for doc, article in nlp().pipe(pairs, as_tuples=True, n_process=self.n_process, batch_size=self.batch_size):
            yield article, self._annotate(doc, article)


def analyze(article: Article) -> Analysis:
    """Analyse one article with the default pipeline."""
    return Pipeline()(article)
