"""Who is calling: management tokens (signed JWTs scoped to one user pool) and application ids."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import jwt
from starlette.types import ASGIApp, Receive, Scope, Send

from mailconsole.i18n import localized
from mailconsole.service.envelope import ServiceError
from mailconsole.service.limits import SlidingWindowLimit, WindowLimit
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
        claims = {
            "iss": _ISSUER,
            "iat": now,
            "exp": now + self.ttl,
            "scoped_userpool_id": userpool.id,
            "secret_check": self._secret_check(userpool),
        }
        return jwt.encode(claims, self._key, algorithm="HS256")

    def _secret_check(self, userpool: Userpool) -> str:
        """Ties a token to the secret it was issued under: once the secret changes, the token is refused. A keyed
        hash, so the token (readable by its holder) says nothing about the secret."""
        secret = userpool.secret.encode("utf-8", "surrogatepass")
        return hmac.new(self._key.encode(), secret, hashlib.sha256).hexdigest()[:32]

    def userpool_of(self, authorization: str | None) -> Userpool:
        """The pool a token (``Bearer <jwt>`` or the bare JWT, as some SDKs send it) is scoped to."""
        token = (authorization or "").strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            raise ServiceError(401, localized("A management token is required: send authorization: Bearer <token>."))
        try:
            claims: dict[str, Any] = jwt.decode(token, self._key, algorithms=["HS256"], issuer=_ISSUER)
        except jwt.ExpiredSignatureError:
            raise ServiceError(401, localized("The management token has expired; get a new one.")) from None
        except jwt.InvalidTokenError:
            raise ServiceError(401, localized("The management token is not valid for this service.")) from None
        userpool = self._store.userpool(str(claims.get("scoped_userpool_id", "")))
        if userpool is None:
            raise ServiceError(401, localized("The management token names a user pool this service does not have."))
        if not hmac.compare_digest(str(claims.get("secret_check", "")), self._secret_check(userpool)):
            raise ServiceError(
                401,
                localized("The management token was issued before the user pool secret changed; get a new one."),
            )
        return userpool


MAX_SECRET_FAILURES = 10


class SecretFailureThrottle(SlidingWindowLimit):
    """Wrong access key secrets per source address, in a sliding window: once ``limit`` of them fall within
    ``window`` seconds, the source is refused, right secret or not, until the oldest of them ages out.

    In memory and per process (a restart forgets): the service itself counts in the database, shared by its
    replicas (``shared_limits.SharedWindowLimit``, with ``MAX_SECRET_FAILURES``); this one is the rule on its own.
    Keyed on the client address the server sees: the socket's peer, or
    the X-Forwarded-For of a proxy the operator named in ``MAILCONSOLE_TRUSTED_PROXIES``.
    """

    def __init__(
        self, *, limit: int = MAX_SECRET_FAILURES, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(limit=limit, window=window, clock=clock)

    def record_failure(self, source: str) -> None:
        self.record(source)


# The throttle of the app serving this request and the caller's address; set by ``CallerScope``.
_caller: ContextVar[tuple[WindowLimit, str] | None] = ContextVar("mailconsole_caller", default=None)


class CallerScope:
    """Pure ASGI middleware that tells ``check_access_key`` who is calling (the client address) and which throttle
    counts its failures, so that every route checking a secret is throttled without passing either along."""

    def __init__(self, app: ASGIApp, *, throttle: WindowLimit) -> None:
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
                localized(
                    "Too many wrong access key secrets from this address; try again in {seconds} seconds.",
                    seconds=seconds,
                ),
                data={"retryAfter": seconds},
            )
    userpool = store.userpool(access_key_id)
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, and JSON may carry lone surrogates.
    given = access_key_secret.encode("utf-8", "surrogatepass")
    if userpool is None or not secrets.compare_digest(userpool.secret.encode("utf-8", "surrogatepass"), given):
        if caller is not None:
            caller[0].record(caller[1])
        raise ServiceError(401, localized("Wrong accessKeyId or accessKeySecret."))
    return userpool
