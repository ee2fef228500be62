"""Cross-document entity resolution on MEANTIME: B³, MUC, CEAFe and their CoNLL mean over named mentions.

MEANTIME (NewsReader, CAT XML) annotates entity mentions (``ENTITY_MENTION`` with token anchors and a
``syntactic_type``) and ties them by ``REFERS_TO`` relations to entities whose ``instance_id`` is the same
across the documents of a topic. The gold clusters are the named mentions (``NAM``, ``PRE.NAM``) grouped
by instance id (an entity without one is a cluster of its own document).

storyline's side: the article text is rebuilt from the tokens (spaces between tokens, a new line between
sentences, so offsets are known), :func:`storyline.analyze.entities.resolve_mentions` tags and resolves it,
and :func:`~storyline.analyze.entities.link_short_names` joins one-word person names to the full names of
the articles read before and :func:`~storyline.analyze.entities.link_known_names` resolves the other names
against the names stored before (as the store does), topic by topic in file order. A gold mention takes the
entity id of the system mention holding its head (:func:`align`), else of the last one inside its head part
that is not a possessor; one with none is a singleton. The exact-string baseline clusters the same gold
mentions by their surface text. The choice among the resolver, the resolver with each of its optional rules
left out, and the baseline is also made leave-one-topic-out (:mod:`.cv`): chosen on three topics, scored on
the fourth.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import TYPE_CHECKING, Any
from dataclasses import dataclass
from pathlib import Path

from .cat import anchors, read_cat
from .cv import choose
from .harness import PRF

if TYPE_CHECKING:  # pragma: no cover
    from storyline.model import Mention

NAMED = {"NAM", "PRE.NAM"}


@dataclass(frozen=True)
class GoldMention:
    doc: str
    start: int
    end: int
    text: str
    instance: str


@dataclass
class MeantimeDoc:
    name: str
    topic: str
    text: str
    mentions: list[GoldMention]


def read_doc(path: Path, topic: str) -> MeantimeDoc:
    """One CAT XML file: its rebuilt text and its named mentions with their cross-document instance."""
    cat = read_cat(path)
    root, text = cat.root, cat.text
    markables = root.find("Markables")
    mentions: dict[str, list[str]] = {}
    instance: dict[str, str] = {}
    for el in markables if markables is not None else []:
        if el.tag == "ENTITY_MENTION" and el.get("syntactic_type") in NAMED:
            mentions[el.get("m_id", "")] = anchors(el)
        elif el.tag == "ENTITY":
            instance[el.get("m_id", "")] = el.get("instance_id") or f"{path.stem}#{el.get('m_id')}"
    refers: dict[str, str] = {}
    for rel in root.iter("REFERS_TO"):
        target = rel.find("target")
        if target is None:
            continue
        for src in rel.findall("source"):
            refers[src.get("m_id", "")] = target.get("m_id", "")
    out = []
    for m_id, tokens in mentions.items():
        extent = cat.extent(tokens)
        if extent is None or m_id not in refers or refers[m_id] not in instance:
            continue
        start, end = extent
        out.append(GoldMention(path.stem, start, end, text[start:end], instance[refers[m_id]]))
    out.sort(key=lambda m: (m.start, m.end))
    return MeantimeDoc(path.stem, topic, text, out)


def load(root: Path) -> list[MeantimeDoc]:
    """Every document under ``root`` (one sub-folder per topic), in sorted order."""
    return [read_doc(p, p.parent.name) for p in sorted(Path(root).rglob("*.xml"))]


# --- clustering scores -------------------------------------------------------------------

Clusters = dict[Any, Hashable]  # mention key (document, start, end) -> cluster id


def _groups(assign: Clusters) -> list[set[Hashable]]:
    g: dict[Hashable, set[Hashable]] = defaultdict(set)
    for m, c in assign.items():
        g[c].add(m)
    return list(g.values())


def bcubed(gold: Clusters, system: Clusters) -> PRF:
    """B³ over the gold mentions (every gold mention has a system cluster)."""
    gsets = {c: s for s in _groups(gold) for c in [gold[next(iter(s))]]}
    ssets = {c: s for s in _groups(system) for c in [system[next(iter(s))]]}
    p = r = 0.0
    for m in gold:
        g, s = gsets[gold[m]], ssets[system[m]]
        inter = len(g & s)
        p += inter / len(s)
        r += inter / len(g)
    n = len(gold)
    return PRF(p / n if n else 0.0, r / n if n else 0.0)


def muc(gold: Clusters, system: Clusters) -> PRF:
    """MUC link-based precision and recall."""

    def score(key: Clusters, response: Clusters) -> float:
        num = den = 0
        for cluster in _groups(key):
            parts = {response[m] for m in cluster}
            num += len(cluster) - len(parts)
            den += len(cluster) - 1
        return num / den if den else 0.0

    return PRF(score(system, gold), score(gold, system))


def ceafe(gold: Clusters, system: Clusters) -> PRF:
    """Entity-based CEAF (φ4 similarity, optimal one-to-one alignment)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    g, s = _groups(gold), _groups(system)
    if not g or not s:
        return PRF(0.0, 0.0)
    sim = np.zeros((len(g), len(s)))
    index: dict[Hashable, list[int]] = defaultdict(list)
    for j, cl in enumerate(s):
        for m in cl:
            index[m].append(j)
    for i, cl in enumerate(g):
        for j in {j for m in cl for j in index[m]}:
            sim[i, j] = 2 * len(cl & s[j]) / (len(cl) + len(s[j]))
    rows, cols = linear_sum_assignment(-sim)
    total = sim[rows, cols].sum()
    return PRF(float(total) / len(s), float(total) / len(g))


def conll(gold: Clusters, system: Clusters) -> dict[str, PRF]:
    return {"bcubed": bcubed(gold, system), "muc": muc(gold, system), "ceafe": ceafe(gold, system)}


def conll_f1(scores: dict[str, PRF]) -> float:
    return (scores["bcubed"].f1 + scores["muc"].f1 + scores["ceafe"].f1) / 3


# --- storyline's ids for the gold mentions ------------------------------------------------

Resolver = Callable[[list[MeantimeDoc]], dict[tuple[str, int, int], str]]


def storyline_ids(
    docs: list[MeantimeDoc], link_known: bool = True, rules: Collection[str] | None = None, parsed: dict[str, Any] | None = None
) -> dict[tuple[str, int, int], str]:
    """The entity id storyline gives each gold mention, reading each topic's documents in order
    (``link_known``: with :func:`~storyline.analyze.entities.link_known_names`, as the store does; ``rules``:
    the resolution rules, all by default; ``parsed``: spaCy docs by document name, parsed here when missing)."""
    from storyline.analyze.entities import RULES, link_known_names, link_short_names, preferred_type, resolve_mentions
    from storyline.analyze.nlp import nlp
    from storyline.model import Analysis

    parsed = parsed if parsed is not None else {}
    if any(d.name not in parsed for d in docs):
        parser = nlp()
        parsed.update({d.name: parser(d.text) for d in docs if d.name not in parsed})
    rules = RULES if rules is None else rules
    out: dict[tuple[str, int, int], str] = {}
    by_topic: dict[str, list[MeantimeDoc]] = defaultdict(list)
    for d in docs:
        by_topic[d.topic].append(d)
    for topic_docs in by_topic.values():
        known: set[str] = set()
        stored: dict[str, set[str]] = defaultdict(set)  # canonical name -> the types entities of that name have

        def full_names(word: str, known: set[str] = known) -> list[str]:
            return sorted(n for n in known if n.startswith(word + " ") or n.endswith(" " + word))[:5]

        def known_types(names: list[str], stored: dict[str, set[str]] = stored) -> dict[str, str]:
            return {n: preferred_type(stored[n]) for n in names if n in stored}

        for d in topic_docs:
            mentions = resolve_mentions(parsed[d.name], rules)
            analysis = Analysis(article_id=d.name, entities=mentions)
            link_short_names(analysis, full_names)
            if link_known:
                link_known_names(analysis, d.text, known_types)
            mentions = analysis.entities
            known.update(m.canonical for m in mentions if m.label == "PERSON" and " " in m.canonical)
            for m in mentions:
                stored[m.canonical].add(m.label)
            for g in d.mentions:
                best = align(g, d.text, mentions)
                key = (g.doc, g.start, g.end)
                out[key] = best.entity_id if best is not None and best.entity_id else f"unresolved:{key}"
    return out


#: what ends the head part of a gold mention: an apposition or a list ("Toulouse , France"), a place
#: ("the Moscone Center in San Francisco"), a relative clause or a parenthesis
_POST_MODIFIER = re.compile(r" (?:,|in|which|who|located|\() ")


_POSSESSIVE = re.compile(r" ?(?:'s|’s|'|’)(?:\s|$)")


def head_end(g: GoldMention, text: str) -> int:
    """Where the head part of a gold mention ends: before its first post-modifier, else at its end."""
    cut = _POST_MODIFIER.search(text, g.start, g.end)
    return cut.start() if cut and cut.start() > g.start else g.end


def align(g: GoldMention, text: str, mentions: list[Mention]) -> Mention | None:
    """The system mention that stands for gold mention ``g``: the one holding the head of ``g`` (the last
    word of its head part: "U.S. automaker GM" is GM, "San Jose , California" is San Jose), else the last one
    inside the head part ("Apple 's iPod digital music players" is the iPod when the tagger found "iPod").
    A head part that no system mention overlaps has none: its gold mention is a singleton."""
    end = head_end(g, text)
    last = text.rfind(" ", g.start, end) + 1 or g.start
    inside = [m for m in mentions if m.span.start < end and m.span.end > g.start]
    holding = [m for m in inside if m.span.start <= last < m.span.end]
    if holding:
        return max(holding, key=lambda m: (m.span.end - m.span.start))
    # a possessor ("Boeing 's 787", "Japan 's Nikkei") modifies the head: it does not stand for the mention
    inside = [m for m in inside if not _POSSESSIVE.match(text, m.span.end) and not text.startswith("'s", m.span.end - 2)]
    return max(inside, key=lambda m: m.span.start) if inside else None


def gold_clusters(docs: Iterable[MeantimeDoc]) -> Clusters:
    return {(m.doc, m.start, m.end): m.instance for d in docs for m in d.mentions}


def exact_string(docs: Iterable[MeantimeDoc]) -> Clusters:
    """The baseline: mentions with the same surface text are one entity."""
    return {(m.doc, m.start, m.end): m.text for d in docs for m in d.mentions}


def evaluate(docs: list[MeantimeDoc], resolver: Resolver = storyline_ids) -> dict[str, object]:
    """storyline's and the baseline's scores on ``docs`` (and per topic)."""
    gold = gold_clusters(docs)
    parsed: dict[str, Any] = {}
    ids = storyline_ids(docs, parsed=parsed) if resolver is storyline_ids else resolver(docs)
    system: Clusters = {k: ids[k] for k in gold}
    base = exact_string(docs)
    ours, baseline = conll(gold, system), conll(gold, base)
    topics = Counter(d.topic for d in docs)
    methods = {"storyline": system, "exact_string": base}
    if resolver is storyline_ids:
        # every rule is a choice made leave one topic out: the store look-ups and each resolution rule left out
        from storyline.analyze.entities import RULES

        without = storyline_ids(docs, link_known=False, parsed=parsed)
        methods["storyline_without_known_names"] = {k: without[k] for k in gold}
        for rule in sorted(RULES):
            less = storyline_ids(docs, rules=RULES - {rule}, parsed=parsed)
            methods[f"storyline_without_{rule}"] = {k: less[k] for k in gold}

    def b3_on(method: str, some: list[MeantimeDoc]) -> float:
        names = {d.name for d in some}
        keys = [k for k in gold if k[0] in names]
        return bcubed({k: gold[k] for k in keys}, {k: methods[method][k] for k in keys}).f1

    loto = choose(list(methods), docs, [d.topic for d in docs], b3_on)
    return {
        "storyline": ours,
        "baseline": baseline,
        "storyline_conll_f1": conll_f1(ours),
        "baseline_conll_f1": conll_f1(baseline),
        "mentions": len(gold),
        "entities": len(set(gold.values())),
        "documents": len(docs),
        "topics": dict(topics),
        "loto_bcubed_f1": loto.score,
        "loto_chosen": loto.chosen,
        "variants": {m: bcubed(gold, c).f1 for m, c in methods.items()},
        "by_topic": {
            t: bcubed({k: v for k, v in gold.items() if k[0] in names}, {k: system[k] for k in gold if k[0] in names}).f1
            for t in topics
            for names in [{d.name for d in docs if d.topic == t}]
        },
    }
