"""Read and write TimeML documents (TempEval-3 style) as plain text plus TIMEX3 annotations.

Reading keeps only what time-expression work needs: the document id, the
document creation time (DCT), the raw text of ``<TEXT>`` with every tag
stripped, and the TIMEX3 annotations inside it as :class:`TimeExpression`
objects whose spans index that raw text. Writing puts TIMEX3 tags back into
the raw text so that TempEval-3 tools can read the result.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from storyline.errors import InputError
from storyline.model import Span, TimeExpression

from .cat import anchors, read_cat

_XML_HEADER = (
    '<?xml version="1.0" ?>\n<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd">\n'
)


@dataclass
class TimeMLDoc:
    """One TimeML document: id, DCT value and element, raw text and its TIMEX3 annotations."""

    doc_id: str
    dct: str | None
    text: str
    timexes: list[TimeExpression] = field(default_factory=list)
    dct_xml: str | None = None


def _walk_text(elem: ET.Element, parts: list[str], timexes: list[TimeExpression], offset: int) -> int:
    """Append ``elem``'s text content to ``parts``, recording TIMEX3 spans; returns the new offset."""
    if elem.text:
        parts.append(elem.text)
        offset += len(elem.text)
    for child in elem:
        start = offset
        offset = _walk_text(child, parts, timexes, offset)
        if child.tag == "TIMEX3":
            surface = "".join(child.itertext())
            timexes.append(
                TimeExpression(
                    span=Span(start, offset),
                    text=surface,
                    type=child.get("type", "DATE"),  # type: ignore[arg-type]
                    value=child.get("value", ""),
                )
            )
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    return offset


def read_timeml(path: Path) -> TimeMLDoc:
    """Parse a TimeML file into a :class:`TimeMLDoc`; raises :class:`InputError` when it cannot be read."""
    try:
        raw = path.read_text(encoding="utf-8")
        root = ET.fromstring(raw)
    except (OSError, UnicodeDecodeError, ET.ParseError) as exc:
        raise InputError(str(path), f"not a readable TimeML file ({exc})") from exc
    text_elem = root.find("TEXT")
    if text_elem is None:
        raise InputError(str(path), "no <TEXT> element")
    parts: list[str] = []
    timexes: list[TimeExpression] = []
    end = _walk_text(text_elem, parts, timexes, 0)
    text = "".join(parts)
    assert end == len(text)
    dct_timex = root.find("DCT/TIMEX3")
    dct = dct_timex.get("value") if dct_timex is not None else None
    dct_match = re.search(r"<DCT>.*?</DCT>", raw, re.S)
    doc_id_elem = root.find("DOCID")
    doc_id = (doc_id_elem.text or "").strip() if doc_id_elem is not None else path.stem
    return TimeMLDoc(doc_id or path.stem, dct, text, timexes, dct_match.group() if dct_match else None)


def _dct_element(doc: TimeMLDoc) -> str:
    if doc.dct_xml:
        return doc.dct_xml
    if doc.dct is None:
        return ""
    value = quoteattr(doc.dct)
    return (
        f'<DCT><TIMEX3 tid="t0" type="DATE" value={value} temporalFunction="false" '
        f'functionInDocument="CREATION_TIME">{escape(doc.dct)}</TIMEX3></DCT>'
    )


def tag_text(text: str, timexes: list[TimeExpression]) -> str:
    """``text`` XML-escaped with a TIMEX3 element around each (non-overlapping) expression."""
    out: list[str] = []
    pos = 0
    for i, t in enumerate(sorted(timexes, key=lambda t: t.span.start), start=1):
        if t.span.start < pos:
            continue
        out.append(escape(text[pos : t.span.start]))
        attrs = f'tid="t{i}" type={quoteattr(t.type)} value={quoteattr(t.value)}'
        out.append(f"<TIMEX3 {attrs}>{escape(text[t.span.start : t.span.end])}</TIMEX3>")
        pos = t.span.end
    out.append(escape(text[pos:]))
    return "".join(out)


def write_timeml(doc: TimeMLDoc, path: Path) -> None:
    """Write ``doc`` (its DCT, text and ``timexes``) as a TimeML file at ``path``."""
    body = (
        _XML_HEADER
        + f"<DOCID>{escape(doc.doc_id)}</DOCID>\n\n"
        + _dct_element(doc)
        + "\n\n<TEXT>"
        + tag_text(doc.text, doc.timexes)
        + "</TEXT>\n\n</TimeML>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


#: MEANTIME annotates time expressions in the title and the first five sentences (sentences 0 to 5) only.
MEANTIME_TIMEX_SENTENCES = 6


def read_cat_timexes(path: Path) -> TimeMLDoc:
    """A MEANTIME CAT XML file as a :class:`TimeMLDoc`: the annotated part of the text (the title and the
    first five sentences, rebuilt from the tokens), its TIMEX3 markables that anchor to tokens (the
    creation time among them: it is written in the text), and the creation time's value as the DCT."""
    cat = read_cat(path)
    ends = [cat.offsets[t.get("t_id", "")][1] for t in cat.root.iter("token") if int(t.get("sentence") or 0) < MEANTIME_TIMEX_SENTENCES]
    text = cat.text[: max(ends, default=0)]
    timexes: list[TimeExpression] = []
    dct = None
    markables = cat.root.find("Markables")
    for el in markables if markables is not None else []:
        if el.tag != "TIMEX3":
            continue
        if el.get("functionInDocument") == "CREATION_TIME":
            dct = el.get("value") or dct
        extent = cat.extent(anchors(el))
        if extent is None or extent[1] > len(text):
            continue  # an empty (implicit) expression, or one outside the annotated part
        start, end = extent
        timexes.append(
            TimeExpression(span=Span(start, end), text=text[start:end], type=el.get("type", "DATE"), value=el.get("value", ""))  # type: ignore[arg-type]
        )
    timexes.sort(key=lambda t: t.span)
    return TimeMLDoc(cat.root.get("doc_id") or path.stem, dct, text, timexes)


def read_corpus(root: Path) -> list[tuple[str, TimeMLDoc]]:
    """Every ``*.tml`` file under ``root`` (else every MEANTIME CAT ``*.xml``) with its corpus name (the
    first folder below ``root``)."""
    files = sorted(root.rglob("*.tml"))
    reader = read_timeml
    if not files:
        files, reader = sorted(root.rglob("*.xml")), read_cat_timexes
    if not files:
        raise InputError(str(root), "no .tml (TimeML) or .xml (CAT) files found")
    out = []
    for f in files:
        rel = f.relative_to(root)
        corpus = rel.parts[0] if len(rel.parts) > 1 else root.name
        out.append((corpus, reader(f)))
    return out


def annotate_directory(in_dir: Path, out_dir: Path, tagger: Callable[[str, str | None], list[TimeExpression]]) -> int:
    """Tag the raw text of every TimeML file under ``in_dir`` and write it, same relative path, under ``out_dir``.

    The DCT element is kept as it was; every other tag of the input is dropped.
    Returns the number of files written.
    """
    files = sorted(in_dir.rglob("*.tml")) if in_dir.is_dir() else []
    if not files:
        raise InputError(str(in_dir), "no .tml files found")
    for f in files:
        doc = read_timeml(f)
        tagged = TimeMLDoc(doc.doc_id, doc.dct, doc.text, tagger(doc.text, doc.dct), doc.dct_xml)
        write_timeml(tagged, out_dir / f.relative_to(in_dir))
    return len(files)
