"""Boilerplate in article bodies: lines that are not part of the story.

Extraction leaves some page furniture in the body text: photo captions and
credits, "Read more" links, bylines, newsletter and sharing prompts, copyright
lines, follow-us prompts and wire editing credits. They are marked as spans so
that later stages skip them. Only whole lines are marked, and only on evidence
from the line itself (its words, and its shape for captions), so that story
text is never lost to a guess.
"""

from __future__ import annotations

import re

from storyline.model import Span

_FLAGS = re.IGNORECASE

# Lines that are furniture whatever else they say.
_FURNITURE = [
    re.compile(p, _FLAGS)
    for p in (
        r"^(read|see|watch|listen)( more| also| next| now)?\s*[:|»>-]",
        r"^(read|see) more\b.{0,80}$",
        r"^(related|recommended|more from|most read|trending)( stories| articles| content)?\s*[:|]?\s*.{0,80}$",
        r"^share (this|on|via|the article|article)\b.{0,60}$",
        r"^(share|tweet|email|print|comments?)(\s*[|/,]\s*(share|tweet|email|print|comments?|facebook|twitter))+\s*$",
        r"^(sign up|subscribe|register)\b.{0,120}(newsletter|inbox|updates|alerts|free)\b.{0,80}$",
        r"^.{0,60}\bnewsletter\b.{0,60}(sign up|subscribe)\b.{0,40}$",
        r"^(copyright\b|©|\(c\)\s*\d{4}).{0,150}$",
        r"^.{0,120}\ball rights reserved\.?\s*$",
        r"^follow (us|\w+( \w+){0,3}) on (twitter|facebook|instagram|threads|bluesky)\b.{0,80}$",
        r"^\(?(reporting|additional reporting|writing|editing) by\b.{0,200}$",
        r"^by [A-Z][\w.'’-]+( [A-Z][\w.'’-]+){0,3}(,? (and|&) [A-Z][\w.'’-]+( [A-Z][\w.'’-]+){0,3})?\s*(\|.{0,60})?$",
        r"^(advertisement|sponsored( content)?|click here\b.{0,100}|image copyright.{0,100}|getty images)\s*$",
        r"^(photo|image|picture|photograph|video)( credit)?\s*[:|].{0,200}$",
        r"^.{0,200}\((photo|image|picture)s?\b[^)]{0,100}\)\s*$",
        r"^.{0,200}\b(photo|picture|image)\s*:\s*[A-Z][^.]{0,80}$",
        r"^.{0,160}(getty images|afp/getty|reuters/|ap photo|/ap\b|/afp\b|/reuters\b)\s*\)?\s*$",
    )
]
# Caption shape: a short, capitalised, comma-separated line without a sentence end.
_CAPTION_MAX_WORDS = 12
_SMALL_WORDS = {"of", "the", "a", "an", "and", "for", "to", "in", "on", "at", "by", "with", "de", "la"}
_SENTENCE_END = (".", "!", "?", "”", '"', ":", ";")


def _looks_like_caption(line: str) -> bool:
    """Short title-case lines listing an event and places ("Annual Meeting, Kyiv, Ukraine").

    Two commas at least: one comma alone is as often a heading or a list entry.
    """
    if line.endswith(_SENTENCE_END) or line.count(",") < 2:
        return False
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= _CAPTION_MAX_WORDS:
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return all(w[:1].isupper() or w[:1].isdigit() for w in content)


def is_boilerplate_line(line: str) -> bool:
    """Whether one stripped line of body text is page furniture."""
    if not line:
        return False
    return any(p.search(line) for p in _FURNITURE) or _looks_like_caption(line)


def find_boilerplate(text: str) -> list[Span]:
    """Spans of whole lines of ``text`` that are boilerplate (leading/trailing spaces excluded)."""
    spans = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped and is_boilerplate_line(stripped):
            start = pos + (len(raw) - len(raw.lstrip()))
            spans.append(Span(start, start + len(stripped)))
        pos += len(raw)
    return spans
