"""Errors that name the input and the problem."""

from __future__ import annotations


class StorylineError(Exception):
    """Base class of the errors storyline reports to users."""


class InputError(StorylineError):
    """An input (file, URL, record) that cannot be read, with the reason."""

    def __init__(self, origin: str, reason: str):
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason
