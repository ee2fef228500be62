"""Time expressions: find them in a text and resolve each against the publication date.

``tagger`` finds and resolves (TIMEX3 types and values), ``calendar`` does the
date arithmetic, ``lexicon`` holds the words. :func:`find_timexes` is the entry point.
"""

from .tagger import find_timexes

__all__ = ["find_timexes"]
