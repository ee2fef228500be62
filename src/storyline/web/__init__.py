"""``storyline serve``: the REST API and the web pages over one store."""

from .app import create_app

__all__ = ["create_app"]
