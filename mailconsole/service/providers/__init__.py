"""Adapters to the mail providers a tenant can configure: SMTP (custom, Alibaba and Tencent presets) and SendGrid.

Delivery and the connection test share them, so a passing test means a send takes the same path. Every failure
is a ``DeliveryError``: 601 when the provider could not be reached or refused us (connect, TLS, login, API key),
602 when it refused this message (MAIL FROM, RCPT TO, DATA, or the API's answer to the mail).
"""

from __future__ import annotations

from mailconsole.models import ConnectionStep

UNREACHABLE = 601
REFUSED = 602


class DeliveryError(Exception):
    """A provider failure, in one sentence that says what happened and, where we can tell, what to do."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def failure_message(step: ConnectionStep) -> str:
    """The sentence a failed step gives to the API reply and the console: what happened, the reply, the hint."""
    parts = [step.detail.rstrip(".") + "."]
    if step.reply:
        parts.append(f"The server said: {step.reply}.")
    if step.hint:
        parts.append(step.hint)
    return " ".join(parts)
