"""Who is calling: management tokens (signed JWTs scoped to one user pool) and application ids."""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt

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


def check_access_key(store: Store, access_key_id: str, access_key_secret: str) -> Userpool:
    userpool = store.userpool(access_key_id)
    if userpool is None or not secrets.compare_digest(userpool.secret, access_key_secret):
        raise ServiceError(401, "Wrong accessKeyId or accessKeySecret.")
    return userpool
