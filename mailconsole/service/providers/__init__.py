"""Adapters to the mail providers a tenant can configure: SMTP (custom, Alibaba and Tencent presets) and SendGrid.

Delivery and the connection test share them, so a passing test means a send takes the same path. Every failure
is a ``DeliveryError``: 601 when the provider could not be reached or refused us (connect, TLS, login, API key),
602 when it refused this message (MAIL FROM, RCPT TO, DATA, or the API's answer to the mail).
"""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.i18n import EN_US, Language, Text, localized, translated
from mailconsole.models import ConnectionStep

UNREACHABLE = 601
REFUSED = 602


class DeliveryError(Exception):
    """A provider failure, in one sentence that says what happened and, where we can tell, what to do."""

    def __init__(self, status_code: int, message: str | Text) -> None:
        super().__init__(str(message))
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True)
class StepRecord:
    """A step of a conversation with a provider, its sentences waiting for the language of whoever reads the
    report; the server's own reply stays as it was."""

    name: str
    ok: bool
    detail: Text | str
    reply: str | None = None
    hint: Text | str | None = None

    def in_language(self, language: Language = EN_US) -> ConnectionStep:
        hint = None if self.hint is None else translated(self.hint, language)
        return ConnectionStep(
            name=self.name, ok=self.ok, detail=translated(self.detail, language), reply=self.reply, hint=hint
        )


def failure_message(detail: Text | str, reply: str | None, hint: Text | str | None) -> Text:
    """The sentence a failed step gives to the API reply: what happened, the server's own reply (as it was), the
    hint; in the language of the request that gets it."""
    if isinstance(detail, str):
        detail = detail.rstrip(".")
    if isinstance(hint, Text) and not hint.msgid:
        hint = None
    if reply and hint:
        return localized("{detail}. The server said: {reply}. {hint}", detail=detail, reply=reply, hint=hint)
    if reply:
        return localized("{detail}. The server said: {reply}.", detail=detail, reply=reply)
    if hint:
        return localized("{detail}. {hint}", detail=detail, hint=hint)
    return localized("{detail}.", detail=detail)
