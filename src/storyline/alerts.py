"""Alerts out: signed webhooks when a followed story gets a new event or a new correction.

:meth:`Alerts.check` looks at every followed thread for what arrived since the last
alert (events started, corrections whose later article is new) and queues one JSON
payload per thread; a background thread POSTs it to each target with an
``X-Storyline-Signature: sha256=<hex HMAC-SHA256 of the body>`` header (the key is the
configured secret), retrying with exponential backoff. Checking never waits for
delivery, so ingest is never blocked by a slow or failing receiver. Targets obey the
fetching rule: loopback and private addresses are refused unless allowed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

SIGNATURE_HEADER = "X-Storyline-Signature"


def sign(secret: str, body: bytes) -> str:
    """The signature header value of ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def alerts_for(store: "Store") -> list[dict[str, Any]]:
    """One payload per followed thread with new events or corrections since its last alert (marks them sent)."""
    from .views.news import thread_news

    latest = store.latest_seq()
    out = []
    for follow in store.follows():
        if follow["notified_seq"] >= latest:
            continue
        news = thread_news(store, follow["thread_id"], follow["notified_seq"])
        store.mark_notified(follow["thread_id"], latest)
        if news is None or not (news["events"] or news["corrections"]):
            continue
        out.append({
            "type": "story.updated",
            "sent_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "thread_id": news["thread_id"],
            "title": news["title"],
            "events": news["events"],
            "articles": news["articles"],
            "corrections": news["corrections"],
        })
    return out


@dataclass(frozen=True)
class Webhooks:
    """Where alerts go and how they are signed: what ``serve`` and ``watch`` are configured with."""

    targets: tuple[str, ...]
    secret: str
    allow_private: bool = False

    def alerts(self, log: Callable[[str], None] = print) -> "Alerts":
        return Alerts(list(self.targets), self.secret, allow_private=self.allow_private, log=log)


@dataclass
class Delivery:
    """The outcome of one payload to one target."""

    target: str
    attempts: int = 0
    status: int | None = None
    error: str | None = None
    ok: bool = False


@dataclass
class Alerts:
    """Webhook targets, the signing secret, and the delivery worker."""

    targets: list[str]
    secret: str
    allow_private: bool = False
    retries: int = 4
    backoff: float = 1.0
    timeout: float = 10.0
    log: Callable[[str], None] = print
    deliveries: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue()
        self._worker: threading.Thread | None = None

    def check(self, store: "Store") -> int:
        """Queue the alerts of ``store``'s followed threads; returns how many payloads were queued."""
        payloads = alerts_for(store) if self.targets else []
        for payload in payloads:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            for target in self.targets:
                self._queue.put((target, body))
        if payloads:
            self._start()
        return len(payloads)

    def _start(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._run, name="storyline-webhooks", daemon=True)
            self._worker.start()

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=1.0)
            except queue.Empty:
                return
            if item is None:
                self._queue.task_done()
                return
            self.deliveries.append(self._deliver(*item))
            self._queue.task_done()

    def _deliver(self, target: str, body: bytes) -> Delivery:
        import httpx

        from .ingest.common import Unreadable
        from .ingest.fetch import USER_AGENT, check_public

        result = Delivery(target)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, SIGNATURE_HEADER: sign(self.secret, body)}
        for attempt in range(1, self.retries + 2):
            result.attempts = attempt
            try:
                if not self.allow_private:
                    check_public(target)
                r = httpx.post(target, content=body, headers=headers, timeout=self.timeout, follow_redirects=False, trust_env=False)
                result.status = r.status_code
                if 200 <= r.status_code < 300:
                    result.ok, result.error = True, None
                    break
                result.error = f"HTTP {r.status_code}"
            except Unreadable as exc:
                result.error = exc.reason
                break  # a refused address does not get better by retrying
            except httpx.HTTPError as exc:
                result.error = f"{type(exc).__name__}: {exc}"
            if attempt <= self.retries:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        self.log(f"webhook {target}: " + ("delivered" if result.ok else f"failed after {result.attempts} attempts: {result.error}"))
        return result

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until every queued payload was delivered or given up (for tests and ``--once``)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._queue.unfinished_tasks
