"""Who said what: quotes and attributions, one concern in one package.

``finder`` finds quotes and their speakers in a parsed article (:func:`find_quotes`,
with a mode: ``news`` for what was said, ``polnear`` for every attribution);
``marks`` pairs quotation marks, ``speakers`` resolves sources to people
(pronouns, titles, metonyms), ``lexicon`` holds the cue words, ``attribution``
is the learned model for reported clauses the rules miss and ``content_tagger``
its tagger of content spans.
"""

from .finder import QuoteMode, find_quotes

__all__ = ["QuoteMode", "find_quotes"]
