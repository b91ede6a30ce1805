"""The typed errors of the client.

    MailConsoleError
    ├── APIError                 the backend answered, with a statusCode other than 200
    │   ├── InvalidArgumentError     400, 413, 422
    │   ├── UnauthorizedError        401
    │   ├── ForbiddenError           403
    │   ├── NotFoundError            404
    │   ├── ConflictError            409 (``current_version``: the item's version now, when the backend says)
    │   ├── ThrottledError           429 (``retry_after`` in seconds, when the backend says)
    │   ├── ServerError              500-599, and a reply that is not the API's envelope
    │   └── ProviderError            601, 602: the mail provider behind the backend failed
    └── APIConnectionError       no answer: refused, unknown host, TLS failure (names the host)
        └── APITimeoutError          no answer in time

Every API error carries ``status_code``, ``api_code``, ``message`` and ``request_id`` as the envelope gave them.
A sentence of the client's own (no answer, a reply that is not the API's) is also kept as ``text``, a ``Text`` that
the console puts into its session's language; ``message`` and ``str()`` stay English for Python callers.
"""

from __future__ import annotations

import re

from mailconsole.i18n import Text, localized


class MailConsoleError(Exception):
    """Base of every error this library raises on purpose."""


class APIError(MailConsoleError):
    def __init__(
        self,
        message: str | Text,
        *,
        status_code: int,
        api_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        # The client's own sentence, to translate; a backend's message is already in the language asked for.
        self.text: str | Text = message
        self.status_code = status_code
        self.api_code = api_code
        self.request_id = request_id

    def __str__(self) -> str:
        suffix = f" (requestId {self.request_id})" if self.request_id else ""
        return f"{self.message}{suffix}"


class InvalidArgumentError(APIError):
    pass


class UnauthorizedError(APIError):
    pass


class ForbiddenError(APIError):
    pass


class NotFoundError(APIError):
    pass


class ConflictError(APIError):
    """The item changed since the version the request was based on (the embedded service's ``version``)."""

    def __init__(self, message: str | Text, *, current_version: int | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.current_version = current_version


class ThrottledError(APIError):
    def __init__(self, message: str | Text, *, retry_after: int | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after if retry_after is not None else _seconds_in(str(message))


class ServerError(APIError):
    pass


class ProviderError(APIError):
    pass


class APIConnectionError(MailConsoleError):
    def __init__(self, host: str, reason: str | Text) -> None:
        self.text = localized("Could not reach {host}: {reason}", host=host, reason=reason)
        super().__init__(str(self.text))
        self.host = host
        self.reason = str(reason)
        self.reason_text = reason  # in either language (a transport's own words stay as they are)


class APITimeoutError(APIConnectionError):
    def __init__(self, host: str, timeout: float | None) -> None:
        reason = (
            localized("no answer within {seconds} s", seconds=f"{timeout:g}") if timeout else localized("no answer")
        )
        super().__init__(host, reason)


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: InvalidArgumentError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    413: InvalidArgumentError,
    422: InvalidArgumentError,
    429: ThrottledError,
    601: ProviderError,
    602: ProviderError,
}


def error_class_for(status_code: int) -> type[APIError]:
    """The error class of a statusCode: exact codes first, then by hundreds."""
    if status_code in _STATUS_CLASSES:
        return _STATUS_CLASSES[status_code]
    if 400 <= status_code < 500:
        return InvalidArgumentError
    if 600 <= status_code < 700:
        return ProviderError
    return ServerError


def _seconds_in(message: str) -> int | None:
    """Platforms put the wait in the message ("... try again in 42 seconds")."""
    match = re.search(r"(\d+)\s*(?:s\b|sec|second|秒)", message)
    return int(match.group(1)) if match else None
