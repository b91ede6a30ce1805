"""Limits: a ceiling on request bodies (one over ``MAX_BODY_BYTES`` is refused with 413 before it is read into
memory), and a sliding-window count of events per key (wrong secrets per address, connection tests per tenant)."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailconsole.i18n import Text, language_of_request, localized
from mailconsole.service.envelope import error_body

MAX_BODY_BYTES = 1024 * 1024


def too_large_message(max_bytes: int) -> Text:
    mib, rest = divmod(max_bytes, 1024 * 1024)
    if mib and not rest:
        return localized(
            "The request body is over the {mib} MB ({count} bytes) limit; send a smaller one.", mib=mib, count=max_bytes
        )
    return localized("The request body is over the {count} bytes limit; send a smaller one.", count=max_bytes)


class _BodyTooLarge(Exception):
    """Raised into the app by ``receive`` once a streamed body passes the limit (after sending the 413, unless the
    app had already started its reply)."""


class BodySizeLimit:
    """Pure ASGI middleware. A declared ``Content-Length`` over the limit is answered at once, without calling the
    app; a body without one (chunked) is counted as the app reads it and cut off the moment it passes the limit.

    The GenAuth routes answer in their envelope (HTTP 200, statusCode 413); a path matching ``plain_status_paths``
    (the SMTP set-up API, which speaks real HTTP statuses) gets HTTP 413 in that API's error shape.
    """

    def __init__(
        self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES, plain_status_paths: Sequence[re.Pattern[str]] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.plain_status_paths = tuple(plain_status_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return

        received = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if not started:
                        refused = True
                        await self._refuse(scope, receive, send)
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                # The 413 is the answer; whatever the app makes of the cut-off body (FastAPI: a 400) is dropped.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        # Answered in limited_receive; or the app had already started its reply, and cutting the body off is all
        # that can be done.
        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, limited_receive, guarded_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = too_large_message(self.max_bytes)
        path = scope.get("path", "")
        if any(pattern.match(path) for pattern in self.plain_status_paths):
            response = JSONResponse({"status": "PAYLOAD_TOO_LARGE", "message": str(message)}, status_code=413)
        else:
            response = JSONResponse(error_body(413, message.in_language(language_of_request(Headers(scope=scope)))))
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        # uvicorn refuses a malformed Content-Length itself; if one gets here, counting still applies.
        return None


class WindowLimit(Protocol):
    """Events per key in a sliding window. In memory and per process: ``SlidingWindowLimit``; in the database,
    shared by replicas: ``shared_limits.SharedWindowLimit`` (what the service uses)."""

    limit: int
    window: float

    def wait(self, key: str) -> float | None: ...
    def record(self, key: str) -> None: ...
    def take(self, key: str) -> float | None: ...


class SlidingWindowLimit:
    """Events per key in a sliding window: once ``limit`` of them fall within ``window`` seconds, the key must wait
    until the oldest ages out. In memory and per app (a restart forgets)."""

    def __init__(self, *, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # routes run on the server's worker threads
        self._swept_at = clock()

    def wait(self, key: str) -> float | None:
        """Seconds until ``key`` is under the limit again, or None if it is under it now."""
        with self._lock:
            return self._wait(key, self.clock())

    def record(self, key: str) -> None:
        with self._lock:
            self._record(key, self.clock())

    def take(self, key: str) -> float | None:
        """Record an event if ``key`` is under the limit (and return None), else the wait; check and record are one
        step, so concurrent callers cannot all slip under the limit together."""
        with self._lock:
            now = self.clock()
            wait = self._wait(key, now)
            if wait is None:
                self._record(key, now)
            return wait

    def _wait(self, key: str, now: float) -> float | None:
        events = self._recent(key, now)
        if len(events) < self.limit:
            return None
        # Concurrent requests may have put more than ``limit`` in; the key is free once it is under again.
        return events[-self.limit] + self.window - now

    def _record(self, key: str, now: float) -> None:
        events = self._recent(key, now)
        events.append(now)
        self._events[key] = events
        if now - self._swept_at >= self.window:
            # Once a window, forget the keys whose events all aged out: the map holds only keys seen within the
            # last two windows, however many come and go.
            self._swept_at = now
            for stale in [stale for stale, stamps in self._events.items() if stamps[-1] <= now - self.window]:
                del self._events[stale]

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's events within the window (the lock is held); a key with none is dropped from the map."""
        events = self._events.get(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            self._events.pop(key, None)
        return events
