"""ASGI middleware: security headers on every response, a request body limit, a time limit."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Callable

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: No inline script at all (the pages ship none); styles from our stylesheet only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Adds the security headers, refuses bodies over ``max_body`` bytes (413), stops slow requests (504).

    The body is read here, up to the limit, before the application sees it, so
    an oversized upload is refused whether or not it announces its length.
    ``slow_paths`` get ``slow_limit`` seconds instead of ``time_limit`` (ingest
    analyses every article it is sent). A body that does not arrive within
    ``body_timeout`` seconds between chunks is answered with 408 and the connection closed.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        time_limit: float,
        slow_paths: tuple[str, ...] = (),
        slow_limit: float = 600.0,
        body_timeout: float = 10.0,
    ):
        self.app = app
        self.max_body = max_body
        self.time_limit = time_limit
        self.slow_paths = slow_paths
        self.slow_limit = slow_limit
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _send_json(send_secured, 413, f"request body over {self.max_body} bytes")
            return
        if scope["method"] in ("POST", "PUT", "PATCH"):
            chunks, size = [], 0
            while True:
                try:
                    message = await asyncio.wait_for(receive(), timeout=self.body_timeout)
                except asyncio.TimeoutError:  # a slow client: the body does not come
                    await _send_json(send_secured, 408, f"request body not received within {self.body_timeout:g} s")
                    return
                if message["type"] == "http.disconnect":
                    return
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > self.max_body:
                    await _send_json(send_secured, 413, f"request body over {self.max_body} bytes")
                    return
                if not message.get("more_body"):
                    break
            body, delivered = b"".join(chunks), False

            async def replay() -> Message:
                nonlocal delivered
                if delivered:
                    return await receive()
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}

            inner_receive: Receive = replay
        else:
            inner_receive = receive
        limit = self.slow_limit if scope["path"] in self.slow_paths else self.time_limit
        try:
            await asyncio.wait_for(self.app(scope, inner_receive, send_secured), timeout=limit)
        except asyncio.TimeoutError:
            if not started:
                await _send_json(send_secured, 504, f"request took over {limit:g} s")



#: Seconds a client has to send a request's line and headers (a slow-headers client is closed).
HEADER_TIMEOUT = 10.0


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for the request head.

    uvicorn closes an idle keep-alive connection but waits for ever on a client that
    connects and sends its headers slowly or not at all. This protocol closes a
    connection whose request line and headers have not all arrived
    :attr:`header_timeout` seconds after it opened or after its last response.
    """

    header_timeout = HEADER_TIMEOUT
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is in: the body has its own limits (Guard)
            self._cancel_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._header_deadline_passed)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _header_deadline_passed(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
