"""The delivery log: one record for every mail the service sends or tries to send, whatever the provider and
whatever the outcome (delivered, refused with the provider's reply, throttled, or failed before any try).

``Attempt`` collects what is known as a send goes along (the subject once rendered, the message id once composed)
and writes the one record when the send ends; a draft send also leaves its audit record, in the same transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from mailconsole.i18n import Text
from mailconsole.models import (
    BUILTIN_PROVIDER,
    AuditChange,
    AuditKind,
    Delivery,
    DeliveryStatus,
    EmailProvider,
    ProviderType,
)
from mailconsole.secret_reuse import Security
from mailconsole.service.delivery import smtp_target
from mailconsole.service.providers import DeliveryError
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import AuditRecord, Store

SECURITY_LABELS: dict[Security, str] = {
    "ssl": "SSL",
    "starttls": "STARTTLS",
    "opportunistic": "STARTTLS if offered",
    "plain": "plain text",
}


def provider_label(provider: EmailProvider) -> str:
    return str(provider.type) if provider.enabled and provider.type else BUILTIN_PROVIDER


def destination(provider: EmailProvider, settings: ServiceSettings) -> str:
    """Where the provider hands the mail: ``smtp.example.com:465 (SSL)``, SendGrid's API, or the outbox."""
    if not provider.enabled:
        return "built-in outbox"
    if provider.type == ProviderType.SENDGRID:
        return f"SendGrid ({settings.sendgrid_api_base})"
    try:
        target = smtp_target(provider, settings)
    except DeliveryError:
        return "not configured"
    return f"{target.where} ({SECURITY_LABELS[target.security]})"


@dataclass
class Attempt:
    """One send as it goes; ``finish`` logs it (once)."""

    store: Store
    userpool_id: str
    channel: str
    to: str
    provider: str
    destination: str
    template_type: str | None = None
    template_version: int | None = None
    # A draft send is also in the audit trail, under this actor; a send-email call is not.
    audit_actor: str | None = None
    subject: str = ""
    message_id: str | None = None
    started: float = field(default_factory=time.monotonic)

    def finish(self, status: DeliveryStatus, reply: str | Text | None = None) -> None:
        """Write the record; a message of the service's own is logged in English (the log has no reader's language)."""
        reply = str(reply) if reply is not None else None
        delivery = Delivery(
            id=0,
            at="",
            channel=self.channel,
            to=self.to,
            subject=self.subject,
            template_type=self.template_type,
            template_version=self.template_version,
            provider=self.provider,
            destination=self.destination,
            status=status,
            reply=reply,
            message_id=self.message_id,
            duration_ms=round((time.monotonic() - self.started) * 1000),
        )
        self.store.add_delivery(self.userpool_id, delivery, audit=self._audit(status, reply))

    def _audit(self, status: DeliveryStatus, reply: str | None) -> AuditRecord | None:
        if self.audit_actor is None:
            return None
        changes = [
            AuditChange(field="to", after=self.to),
            AuditChange(field="subject", after=self.subject),
            AuditChange(field="result", after=f"{status.value}: {reply}" if reply else status.value),
        ]
        item = self.template_type or self.channel
        return AuditRecord(actor=self.audit_actor, kind=AuditKind.TEST_SEND, item=item, changes=changes)
