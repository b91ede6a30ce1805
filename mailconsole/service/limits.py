"""A ceiling on request bodies: one over ``MAX_BODY_BYTES`` is refused with 413 before it is read into memory."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailconsole.service.envelope import error_body

MAX_BODY_BYTES = 1024 * 1024


def too_large_message(max_bytes: int) -> str:
    mib, rest = divmod(max_bytes, 1024 * 1024)
    limit = f"{mib} MB ({max_bytes} bytes)" if mib and not rest else f"{max_bytes} bytes"
    return f"The request body is over the {limit} limit; send a smaller one."


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
            response = JSONResponse({"status": "PAYLOAD_TOO_LARGE", "message": message}, status_code=413)
        else:
            response = JSONResponse(error_body(413, message))
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        # uvicorn refuses a malformed Content-Length itself; if one gets here, counting still applies.
        return None
