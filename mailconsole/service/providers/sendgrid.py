"""SendGrid's v3 Web API: ``POST /v3/mail/send`` to send (202 is success), ``GET /v3/scopes`` to check a key.

The base URL comes from the service settings, so tests point it at a local HTTP server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from mailconsole.i18n import Text, localized
from mailconsole.service.providers import REFUSED, UNREACHABLE, DeliveryError, StepRecord, failure_message

SEND_SCOPE = "mail.send"


@dataclass(frozen=True)
class SendGridMail:
    from_address: str
    from_name: str
    to: str
    subject: str
    text: str
    html: str
    reply_to: str | None = None
    reply_to_name: str | None = None


@dataclass(frozen=True)
class SendGridAccount:
    api_base: str
    api_key: str = field(repr=False)
    timeout: float = 10.0

    def url(self, path: str) -> str:
        return self.api_base.rstrip("/") + path

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}"}


def payload(mail: SendGridMail) -> dict[str, Any]:
    """The documented v3 mail/send body; text/plain must come before text/html."""
    body: dict[str, Any] = {
        "personalizations": [{"to": [{"email": mail.to}]}],
        "from": _email(mail.from_address, mail.from_name),
        "subject": mail.subject,
        "content": [{"type": "text/plain", "value": mail.text}, {"type": "text/html", "value": mail.html}],
    }
    if mail.reply_to:
        body["reply_to"] = _email(mail.reply_to, mail.reply_to_name)
    return body


def _email(address: str, name: str | None) -> dict[str, str]:
    return {"email": address, "name": name} if name else {"email": address}


def send(account: SendGridAccount, mail: SendGridMail) -> None:
    response = _call("POST", account, "/v3/mail/send", json=payload(mail))
    if response.status_code != 202:
        status = UNREACHABLE if response.status_code in (401, 403) else REFUSED
        detail, reply, hint = _refusal_texts(response)
        raise DeliveryError(status, failure_message(detail, reply, hint))


def check_key(account: SendGridAccount) -> StepRecord:
    """The key checked against the API without sending: it must be valid and allowed to send mail."""
    try:
        response = _call("GET", account, "/v3/scopes")
    except DeliveryError as err:
        return StepRecord(name="api_key", ok=False, detail=err.message)
    if response.status_code != 200:
        return _refusal("api_key", response)
    try:
        scopes = [str(scope) for scope in response.json().get("scopes", [])]
    except (ValueError, AttributeError):
        scopes = []
    if SEND_SCOPE not in scopes:
        return StepRecord(
            name="api_key",
            ok=False,
            detail=localized("The API key is valid but may not send mail"),
            reply=f"HTTP 200, scopes: {', '.join(scopes) or 'none'}",
            hint=localized("Give the key the Mail Send permission in SendGrid's API key settings."),
        )
    return StepRecord(
        name="api_key", ok=True, detail=localized("the API key is valid and may send mail"), reply="HTTP 200"
    )


def _call(method: str, account: SendGridAccount, path: str, **kwargs: Any) -> httpx.Response:
    try:
        return httpx.request(method, account.url(path), headers=account.headers, timeout=account.timeout, **kwargs)
    except httpx.TimeoutException as err:
        raise DeliveryError(
            UNREACHABLE, localized("SendGrid did not answer within {seconds} s.", seconds=f"{account.timeout:g}")
        ) from err
    except httpx.HTTPError as err:
        raise DeliveryError(
            UNREACHABLE,
            localized("SendGrid could not be reached at {where}: {reason}.", where=account.api_base, reason=err),
        ) from err


def _refusal(name: str, response: httpx.Response) -> StepRecord:
    """A failed call as a step: SendGrid's own error messages, and what to do about the usual ones."""
    detail, reply, hint = _refusal_texts(response)
    return StepRecord(name=name, ok=False, detail=detail, reply=reply, hint=hint)


def _refusal_texts(response: httpx.Response) -> tuple[Text, str, Text]:
    """What happened, SendGrid's reply (as it was), and what to do."""
    reply = f"HTTP {response.status_code}: {_error_messages(response)}"
    if response.status_code in (401, 403):
        hint = localized("Check the API key: it may be mistyped, revoked, or lack the Mail Send permission.")
        return localized("SendGrid refused the API key"), reply, hint
    if response.status_code == 429:
        hint = localized("SendGrid's rate limit was reached: try again later.")
    elif 400 <= response.status_code < 500:
        hint = localized("Check that the From address is a verified sender in SendGrid.")
    else:
        hint = localized("SendGrid had a problem on its side: try again later.")
    return localized("SendGrid refused the mail"), reply, hint


def _error_messages(response: httpx.Response) -> str:
    """SendGrid answers ``{"errors": [{"message", "field", "help"}]}``; anything else is shown as text."""
    try:
        errors = response.json().get("errors", [])
        messages = [
            f"{error.get('message')}" + (f" ({error['field']})" if error.get("field") else "") for error in errors
        ]
    except (ValueError, AttributeError, TypeError):
        messages = []
    return "; ".join(messages) or response.text[:300] or "no details"
