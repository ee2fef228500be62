"""MEANTIME's CAT XML (NewsReader): the article text rebuilt from its tokens, with each token's offsets.

A CAT file lists the tokens (``<token t_id sentence>``) and, under ``<Markables>``, annotations that
anchor to token ids. The text is rebuilt as the tokens joined by a space, with a new line between
sentences, so that every markable has character offsets in it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import InputError


@dataclass(frozen=True)
class CatText:
    """A CAT document's root element, its rebuilt text, and the (start, end) of each token id."""

    root: ET.Element
    text: str
    offsets: dict[str, tuple[int, int]]

    def extent(self, anchors: list[str]) -> tuple[int, int] | None:
        """The (start, end) covering the tokens ``anchors``, or ``None`` when none is known."""
        spans = [self.offsets[t] for t in anchors if t in self.offsets]
        return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def read_cat(path: Path) -> CatText:
    """Parse one CAT XML file; raises :class:`InputError` when it cannot be read."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise InputError(str(path), f"not a readable CAT XML file ({exc})") from exc
    pieces: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    pos, sentence = 0, None
    for tok in root.iter("token"):
        if sentence is not None and tok.get("sentence") != sentence:
            pieces.append("\n")
            pos += 1
        elif pieces:
            pieces.append(" ")
            pos += 1
        word = tok.text or ""
        offsets[tok.get("t_id", "")] = (pos, pos + len(word))
        pieces.append(word)
        pos += len(word)
        sentence = tok.get("sentence")
    return CatText(root, "".join(pieces), offsets)


def anchors(element: ET.Element) -> list[str]:
    """The token ids a markable anchors to."""
    return [a.get("t_id", "") for a in element.iter("token_anchor")]
