"""Day-level dates mentioned in news text, for the callers that pass a day finder to the timeline."""

from __future__ import annotations

from ..analyze.timex import day_mentions
from .timeline import DayFinder

tagger_days = day_mentions


def default_day_finder() -> DayFinder:
    return day_mentions
