"""Helpers for the web tests (no tests here): stores built through the real pipeline, a live server."""

from __future__ import annotations

from conftest import read_seed

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import uvicorn

from storyline.corpus import Corpus
from storyline.model import Article

ROOT = Path(__file__).resolve().parents[1]
DEMO_CORPUS = ROOT / "examples" / "wikinews-meantime.jsonl"


def seed_articles(seeds: Path) -> list[Article]:
    """The two seed articles with their publication dates from ``gold.json`` (the .txt reader has none)."""
    return [read_seed(seeds, p.name) for p in sorted(seeds.glob("*.txt"))]


def build_store(path: Path | str, seeds: Path, demo: bool = False) -> Path | str:
    """A store holding the seeds (and the demo corpus), analysed and linked by the pipeline."""
    with Corpus(str(path)) as corpus:
        corpus.add(seed_articles(seeds))
        if demo:
            report = corpus.ingest([str(DEMO_CORPUS)])
            assert report.failed == 0, report.failures
    return path


class LiveServer:
    """A uvicorn server on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, app, **config) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, **config))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@contextmanager
def serve(app, **config) -> Iterator[LiveServer]:
    with LiveServer(app, **config) as live:
        yield live
