"""PolNeAR attribution corpus: loading and the quote-attribution scorer.

PolNeAR (Newell et al., 2018) annotates news articles in brat standoff
format: ``text/<name>.txt`` and ``attributions/<name>_<annotator>.ann``. Each
attribution is an event line ``E`` that ties an ``Attribution`` trigger to a
``Content``, a ``Cue`` and (optionally) a ``Source`` text-bound annotation; a
text-bound annotation may be discontinuous (``start end;start end``). Where an
article has several annotators, the first ``.ann`` file in sorted order is used.

Predicted quotes that share a source and a cue are one attribution (PolNeAR
puts all fragments of one attribution in one content). The scorer matches
predicted and gold attributions one-to-one, best first,
when their content spans overlap with a character Jaccard of at least 0.5,
and reports content P/R/F1, source accuracy and cue P/R/F1 over matched pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.errors import InputError
from storyline.model import Quote, Span
from .harness import PRF

if TYPE_CHECKING:
    from spacy.tokens import Doc

Fragments = tuple[Span, ...]

MATCH_JACCARD = 0.5


@dataclass
class GoldAttribution:
    """One annotated attribution: content, cue and source as fragment lists."""

    content: Fragments
    cue: Fragments = ()
    source: Fragments = ()


@dataclass
class PolnearDoc:
    """One article text with its gold attributions."""

    name: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)


def _parse_fragments(field_text: str) -> Fragments:
    """``"12 20;25 30"`` → ``(Span(12, 20), Span(25, 30))``."""
    frags = []
    for part in field_text.split(";"):
        start, end = part.split()
        frags.append(Span(int(start), int(end)))
    return tuple(frags)


def parse_ann(ann_text: str) -> list[GoldAttribution]:
    """The attributions of one brat ``.ann`` file (those without content are skipped)."""
    textbound: dict[str, Fragments] = {}
    events: list[list[tuple[str, str]]] = []
    for line in ann_text.splitlines():
        parts = line.split("\t")
        if not parts or not parts[0]:
            continue
        if parts[0].startswith("T") and len(parts) >= 2:
            _label, _, frag_text = parts[1].partition(" ")
            textbound[parts[0]] = _parse_fragments(frag_text)
        elif parts[0].startswith("E") and len(parts) >= 2:
            events.append([tuple(arg.split(":", 1)) for arg in parts[1].split() if ":" in arg])  # type: ignore[misc]
    out = []
    for args in events:
        roles: dict[str, list[Span]] = {}
        for role, ref in args:
            role = role.rstrip("0123456789")  # Content2 → Content
            roles.setdefault(role, []).extend(textbound.get(ref, ()))
        content = tuple(sorted(roles.get("Content", [])))
        if content:
            out.append(
                GoldAttribution(
                    content=content,
                    cue=tuple(sorted(roles.get("Cue", []))),
                    source=tuple(sorted(roles.get("Source", []))),
                )
            )
    return out


def load_split(data_dir: Path, split: str = "dev") -> list[PolnearDoc]:
    """All documents of one split (``train``/``dev``/``test``) under ``data_dir``."""
    root = Path(data_dir) / split
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(str(root), "not a PolNeAR split (expected text/ and attributions/)")
    anns: dict[str, Path] = {}
    for path in sorted(ann_dir.glob("*.ann")):
        name = path.stem.rsplit("_", 1)[0]
        anns.setdefault(name, path)
    docs = []
    for txt in sorted(text_dir.glob("*.txt")):
        ann = anns.get(txt.stem)
        if ann is None:
            continue
        text = txt.read_text(encoding="utf-8")
        docs.append(PolnearDoc(txt.stem, text, parse_ann(ann.read_text(encoding="utf-8"))))
    return docs


def _chars(frags: Iterable[Span]) -> set[int]:
    out: set[int] = set()
    for s in frags:
        out.update(range(s.start, s.end))
    return out


def _overlaps(a: Span | None, frags: Fragments) -> bool:
    return a is not None and any(a.overlaps(f) for f in frags)


@dataclass
class Counts:
    """Running totals for the attribution scores."""

    pred: int = 0
    gold: int = 0
    matched: int = 0
    source_total: int = 0
    source_ok: int = 0
    cue_pred: int = 0
    cue_gold: int = 0
    cue_ok: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind → [predicted, matched]

    def add(self, other: "Counts") -> None:
        for name in ("pred", "gold", "matched", "source_total", "source_ok", "cue_pred", "cue_gold", "cue_ok"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, (p, m) in other.by_kind.items():
            tot = self.by_kind.setdefault(kind, [0, 0])
            tot[0] += p
            tot[1] += m


@dataclass
class PredictedAttribution:
    """Predicted quotes that share one source and cue, taken together as one attribution.

    PolNeAR annotates "“A,” she said. “B.”" as one attribution whose content has two
    fragments; :func:`~storyline.analyze.quotes.find_quotes` reports two quotes with
    the same source and cue. Grouping them puts both sides in the same terms.
    """

    content: Fragments
    kind: str
    cue: Span | None
    source: Span | None


def group_quotes(preds: list[Quote]) -> list[PredictedAttribution]:
    """Predicted attributions: quotes with equal (source, cue) spans merged, others alone.

    A cue without a source still groups its own pieces (a content split around the cue).
    """
    groups: dict[object, list[Quote]] = {}
    for n, q in enumerate(preds):
        key = (q.source, q.cue) if q.cue is not None else n
        groups.setdefault(key, []).append(q)
    return [
        PredictedAttribution(tuple(sorted(q.content for q in qs)), qs[0].kind, qs[0].cue, qs[0].source)
        for qs in groups.values()
    ]


def match(preds: list[PredictedAttribution], gold: list[GoldAttribution]) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs with content Jaccard ≥ 0.5, best first."""
    gold_chars = [_chars(g.content) for g in gold]
    cands = []
    for i, p in enumerate(preds):
        pc = _chars(p.content)
        if not pc:
            continue
        for j, gc in enumerate(gold_chars):
            inter = len(pc & gc)
            if inter:
                jac = inter / len(pc | gc)
                if jac >= MATCH_JACCARD:
                    cands.append((jac, i, j))
    cands.sort(key=lambda c: -c[0])
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _jac, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def score_doc(quotes: list[Quote], gold: list[GoldAttribution]) -> Counts:
    """Counts for one document."""
    preds = group_quotes(quotes)
    c = Counts(pred=len(preds), gold=len(gold))
    pairs = match(preds, gold)
    c.matched = len(pairs)
    matched_preds = {i for i, _ in pairs}
    for i, p in enumerate(preds):
        tot = c.by_kind.setdefault(p.kind, [0, 0])
        tot[0] += 1
        tot[1] += i in matched_preds
    for i, j in pairs:
        p, g = preds[i], gold[j]
        if g.source:
            c.source_total += 1
            c.source_ok += _overlaps(p.source, g.source)
        c.cue_pred += p.cue is not None
        c.cue_gold += bool(g.cue)
        c.cue_ok += bool(g.cue) and _overlaps(p.cue, g.cue)
    return c


def _prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    return PRF.from_counts(tp, npred, ngold).as_dict()


def summarise(c: Counts) -> dict[str, object]:
    """The reported scores from accumulated counts."""
    return {
        "documents_pred": c.pred,
        "gold": c.gold,
        "predicted": c.pred,
        "matched": c.matched,
        "content": _prf(c.matched, c.pred, c.gold),
        "source_accuracy": c.source_ok / c.source_total if c.source_total else 0.0,
        "source_pairs": c.source_total,
        "cue": _prf(c.cue_ok, c.cue_pred, c.cue_gold),
        "precision_by_kind": {k: (m / p if p else 0.0, p) for k, (p, m) in sorted(c.by_kind.items())},
    }


def iter_docs(docs: list[PolnearDoc], label: str = "quotes") -> Iterator[PolnearDoc]:
    """Iterate with a progress bar on stderr."""
    from rich.progress import track

    yield from track(docs, description=f"eval {label}", transient=True)


def _is_speech_cue(doc: "Doc", cue: Fragments) -> bool:
    """Whether a gold cue is a reporting verb of the lexicon, "according to", a colon or a dash."""
    from storyline.analyze.quotes.lexicon import SPEECH_VERBS, THOUGHT_VERBS

    for frag in cue:
        span = doc.char_span(frag.start, frag.end, alignment_mode="expand")
        if span is None:
            continue
        if span.text.strip().lower() in (":", "according to", "―", "—", "–"):
            return True
        if any(t.lemma_.lower() in SPEECH_VERBS | THOUGHT_VERBS for t in span):
            return True
    return False


def evaluate(
    data_dir: Path, split: str = "dev", limit: int | None = None, mode: str = "polnear"
) -> dict[str, object]:
    """Score the pipeline's parse (:func:`storyline.analyze.nlp.nlp`) + :func:`find_quotes` (in ``mode``) on one split.

    ``mode="polnear"`` scores every attribution (the corpus's own task);
    ``mode="news"`` scores the pipeline's default quote list. Besides the scores,
    reports recall on the gold attributions whose cue is a
    reporting verb (the part of PolNeAR that quotations are about; the rest are
    attitudes and actions such as "voted for" or "supports") and the time spent.
    """
    import time

    from storyline.analyze.nlp import nlp as pipeline_nlp
    from storyline.analyze.quotes import find_quotes

    nlp = pipeline_nlp()
    docs = load_split(data_dir, split)[:limit]
    total = Counts()
    speech_gold = speech_found = 0
    parse_s = find_s = 0.0
    for item in iter_docs(docs):
        t0 = time.perf_counter()
        doc = nlp(item.text)
        t1 = time.perf_counter()
        quotes = find_quotes(doc, mode=mode)  # type: ignore[arg-type]
        t2 = time.perf_counter()
        parse_s, find_s = parse_s + t1 - t0, find_s + t2 - t1
        total.add(score_doc(quotes, item.attributions))
        matched = {j for _, j in match(group_quotes(quotes), item.attributions)}
        for j, g in enumerate(item.attributions):
            if _is_speech_cue(doc, g.cue):
                speech_gold += 1
                speech_found += j in matched
    result = summarise(total)
    del result["documents_pred"]
    result.update(
        split=split,
        mode=mode,
        documents=len(docs),
        speech_cue_gold=speech_gold,
        speech_cue_recall=speech_found / speech_gold if speech_gold else 0.0,
        ms_per_doc_parse=1000 * parse_s / max(1, len(docs)),
        ms_per_doc_find_quotes=1000 * find_s / max(1, len(docs)),
    )
    return result


def format_report(result: dict[str, object]) -> str:
    """A short human-readable summary of :func:`evaluate`'s result."""
    c = result["content"]
    cue = result["cue"]
    assert isinstance(c, dict) and isinstance(cue, dict)
    return (
        f"PolNeAR {result['split']} (mode {result['mode']}): {result['documents']} documents, {result['gold']} gold, "
        f"{result['predicted']} predicted, {result['matched']} matched\n"
        f"content P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f}\n"
        f"source accuracy {result['source_accuracy']:.3f} over {result['source_pairs']} matched pairs\n"
        f"cue P {cue['precision']:.3f} R {cue['recall']:.3f} F1 {cue['f1']:.3f}\n"
        f"recall on {result['speech_cue_gold']} gold attributions with a reporting cue "
        f"{result['speech_cue_recall']:.3f}\n"
        f"time per document: parse {result['ms_per_doc_parse']:.1f} ms, "
        f"find_quotes {result['ms_per_doc_find_quotes']:.1f} ms"
    )
