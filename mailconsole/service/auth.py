"""Who is calling: management tokens (signed JWTs scoped to one user pool) and application ids."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import jwt
from starlette.types import ASGIApp, Receive, Scope, Send

from mailconsole.service.envelope import ServiceError
from mailconsole.service.store import Store, Userpool

_ISSUER = "mailconsole"


class TokenIssuer:
    """Issues and checks management tokens. The signing key lives in the store, so tokens survive a restart."""

    def __init__(self, store: Store, ttl: int) -> None:
        self._store = store
        self._key = store.service_key("token-signing-key", lambda: secrets.token_urlsafe(48))
        self.ttl = ttl

    def issue(self, userpool: Userpool) -> str:
        now = int(time.time())
        claims = {"iss": _ISSUER, "iat": now, "exp": now + self.ttl, "scoped_userpool_id": userpool.id}
        return jwt.encode(claims, self._key, algorithm="HS256")

    def userpool_of(self, authorization: str | None) -> Userpool:
        """The pool a token (``Bearer <jwt>`` or the bare JWT, as some SDKs send it) is scoped to."""
        token = (authorization or "").strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            raise ServiceError(401, "A management token is required: send authorization: Bearer <token>.")
        try:
            claims: dict[str, Any] = jwt.decode(token, self._key, algorithms=["HS256"], issuer=_ISSUER)
        except jwt.ExpiredSignatureError:
            raise ServiceError(401, "The management token has expired; get a new one.") from None
        except jwt.InvalidTokenError:
            raise ServiceError(401, "The management token is not valid for this service.") from None
        userpool = self._store.userpool(str(claims.get("scoped_userpool_id", "")))
        if userpool is None:
            raise ServiceError(401, "The management token names a user pool this service does not have.")
        return userpool


MAX_SECRET_FAILURES = 10


class SecretFailureThrottle:
    """Wrong access key secrets per source address, in a sliding window: once ``limit`` of them fall within
    ``window`` seconds, the source is refused, right secret or not, until the oldest of them ages out.

    In memory and per app (a restart forgets). Keyed on the client address the server sees: behind a reverse proxy
    every caller shares the proxy's address, and so shares its throttle.
    """

    def __init__(
        self, *, limit: int = MAX_SECRET_FAILURES, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # routes run on the server's worker threads
        self._swept_at = clock()

    def wait(self, source: str) -> float | None:
        """Seconds until ``source`` may try a secret again, or None if it may try now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(source, now)
            if len(failures) < self.limit:
                return None
            # Concurrent requests may have put more than ``limit`` in; the source is free once it is under again.
            return failures[-self.limit] + self.window - now

    def record_failure(self, source: str) -> None:
        with self._lock:
            now = self.clock()
            failures = self._recent(source, now)
            failures.append(now)
            self._failures[source] = failures
            if now - self._swept_at >= self.window:
                # Once a window, forget the sources whose failures all aged out: the map holds only sources that
                # failed within the last two windows, however many addresses come and go.
                self._swept_at = now
                for key in [key for key, stamps in self._failures.items() if stamps[-1] <= now - self.window]:
                    del self._failures[key]

    def _recent(self, source: str, now: float) -> deque[float]:
        """The source's failures within the window (the lock is held); a source with none is dropped from the map."""
        failures = self._failures.get(source, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(source, None)
        return failures


# The throttle of the app serving this request and the caller's address; set by ``CallerScope``.
_caller: ContextVar[tuple[SecretFailureThrottle, str] | None] = ContextVar("mailconsole_caller", default=None)


class CallerScope:
    """Pure ASGI middleware that tells ``check_access_key`` who is calling (the client address) and which throttle
    counts its failures, so that every route checking a secret is throttled without passing either along."""

    def __init__(self, app: ASGIApp, *, throttle: SecretFailureThrottle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _caller.set((self.throttle, str(client[0]) if client else "unknown"))
        try:
            await self.app(scope, receive, send)
        finally:
            _caller.reset(token)


def check_access_key(store: Store, access_key_id: str, access_key_secret: str) -> Userpool:
    """The pool whose secret this is. Within a request of an app with ``CallerScope``, wrong secrets count against
    the caller's address, and a throttled address is refused before the secret is even looked at."""
    caller = _caller.get()
    if caller is not None:
        throttle, source = caller
        wait = throttle.wait(source)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise ServiceError(
                429,
                f"Too many wrong access key secrets from this address; try again in {seconds} seconds.",
                data={"retryAfter": seconds},
            )
    userpool = store.userpool(access_key_id)
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, and JSON may carry lone surrogates.
    given = access_key_secret.encode("utf-8", "surrogatepass")
    if userpool is None or not secrets.compare_digest(userpool.secret.encode("utf-8", "surrogatepass"), given):
        if caller is not None:
            caller[0].record_failure(caller[1])
        raise ServiceError(401, "Wrong accessKeyId or accessKeySecret.")
    return userpool
