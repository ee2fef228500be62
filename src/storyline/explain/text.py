"""Light text helpers shared by the explain modules: sentences, words, stems.

Regex-based on purpose: stance and timeline building touch tens of thousands
of sentences, and neither needs a parser.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SENT_END = re.compile(r"(?<=[.!?])([\"'”’)]*)\s+(?=[\"'“‘(`]?[A-Z0-9])|\n+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, whitespace trimmed.

    Splits after ``.!?`` (and closing quotes) before a capital or digit, and
    at line breaks.
    """
    spans, start = [], 0
    for m in [*_SENT_END.finditer(text), None]:
        end = m.start() + len(m.group(1) or "") if m else len(text)
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        s, e = start + lead, start + len(piece.rstrip())
        if e - s > 1:
            spans.append((s, e))
        if m:
            start = m.end()
    return spans


def split_sentences(text: str, max_sentences: int | None = None) -> list[str]:
    """Sentences of ``text`` (see :func:`sentence_spans`), at most ``max_sentences``."""
    sents = [text[s:e] for s, e in sentence_spans(text)]
    return sents[:max_sentences] if max_sentences else sents


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, inner apostrophes kept)."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer("ORIGINAL_ALGORITHM")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of a lower-case word (cached: news repeats its words)."""
    return _stemmer().stem(word)


def content_stems(text: str) -> list[str]:
    """Stems of the words of ``text`` that are not stop words."""
    stop = stop_words()
    return [stem(w) for w in words(text) if w not in stop]
