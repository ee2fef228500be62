"""Linking: online event clustering and long-running threads.

``Linker(store).add(LinkItem(...))`` assigns each new article, in date order, to
an event (one happening, days) inside a thread (the long-running story, months
or years), with ids that never change once given.
"""

from .linker import Assignment, LinkConfig, Linker, LinkItem

__all__ = ["Assignment", "LinkConfig", "LinkItem", "Linker"]
