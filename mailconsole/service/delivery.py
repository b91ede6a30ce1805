"""Turning a rendered mail into a MIME message and handing it to the tenant's provider.

Adapters (``providers``): the local outbox (the built-in mail service, provider disabled), SMTP (custom, and the
Alibaba and Tencent presets), and SendGrid's v3 Web API. Every failure is a ``DeliveryError`` carrying the
provider's own reply and a hint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mailconsole.addresses import check_header_value
from mailconsole.i18n import Text, localized
from mailconsole.models import EmailProvider, OutboxMessage, ProviderType, RenderedEmail, SendGridConfig, SmtpConfig
from mailconsole.rendering import html_to_text
from mailconsole.secret_reuse import bound_to_api_base, reuse_refusal_text, smtp_security
from mailconsole.service.providers import REFUSED, UNREACHABLE, DeliveryError
from mailconsole.service.providers import sendgrid as sendgrid_api
from mailconsole.service.providers.smtp import SmtpSession, SmtpTarget
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store

__all__ = ["DeliveryError", "Envelope", "compose", "deliver", "sendgrid_account", "smtp_target"]


@dataclass(frozen=True)
class Envelope:
    """Who the mail is from and to, as the provider settings and the template decide it."""

    from_address: str
    from_name: str
    to: str
    reply_to: str | None = None
    reply_to_name: str | None = None
    envelope_from: str | None = None


def compose(envelope: Envelope, mail: RenderedEmail) -> EmailMessage:
    """multipart/alternative: a text part derived from the HTML, then the HTML; UTF-8 headers encoded as needed."""
    message = EmailMessage()
    message["From"] = _address(envelope.from_name, envelope.from_address)
    message["To"] = envelope.to
    if envelope.reply_to:
        message["Reply-To"] = _address(envelope.reply_to_name or "", envelope.reply_to)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=envelope.from_address.rpartition("@")[2] or None)
    message.set_content(html_to_text(mail.content))
    message.add_alternative(mail.content, subtype="html")
    return message


def check_headers(envelope: Envelope, mail: RenderedEmail) -> None:
    """The last check before the wire, of every value that becomes a header, as rendered and as stored (settings
    saved before the rule existed included): DeliveryError 602 naming it, and nothing is sent."""
    for what, value in (
        (localized("subject"), mail.subject),
        (localized("sender name"), envelope.from_name),
        (localized("From address"), envelope.from_address),
        (localized("recipient"), envelope.to),
        (localized("Reply-To address"), envelope.reply_to),
        (localized("Reply-To name"), envelope.reply_to_name),
        (localized("envelope sender"), envelope.envelope_from),
    ):
        try:
            check_header_value(value or "")
        except ValueError as err:
            raise DeliveryError(
                REFUSED,
                localized(
                    "The mail was not sent: its {what} {problem} (in the template or the provider settings).",
                    what=what,
                    problem=err,
                ),
            ) from None


def _address(display_name: str, address: str) -> Address:
    local, _, domain = address.rpartition("@")
    return Address(display_name=display_name, username=local, domain=domain)


def deliver(
    provider: EmailProvider,
    envelope_for: Envelope,
    mail: RenderedEmail,
    *,
    settings: ServiceSettings,
    store: Store,
    userpool_id: str,
    channel: str | None,
) -> EmailMessage:
    """Send through whatever the tenant configured; the built-in service writes to the local outbox."""
    check_headers(envelope_for, mail)
    message = compose(envelope_for, mail)
    if not provider.enabled:
        store.add_to_outbox(userpool_id, _outbox_entry(message, envelope_for, mail, channel))
    elif provider.type == ProviderType.SENDGRID:
        sendgrid_api.send(sendgrid_account(provider.send_grid_config, settings), _sendgrid_mail(envelope_for, mail))
    else:
        target = smtp_target(provider, settings)
        with SmtpSession(target, settings.smtp_timeout, destinations=settings.destinations) as session:
            session.open()
            session.send(message, envelope_for.envelope_from or envelope_for.from_address, envelope_for.to)
    return message


def delivered_by(provider: EmailProvider, settings: ServiceSettings) -> Text:
    """Who ``deliver`` hands the tenant's mail to, as send-email's ``deliveredBy`` extension says it (in the
    request's language)."""
    if not provider.enabled:
        return localized("the built-in mail service (outbox)")
    if provider.type == ProviderType.SENDGRID:
        return localized("SendGrid ({api})", api=settings.sendgrid_api_base)
    return localized("the SMTP server {server}", server=smtp_target(provider, settings).where)


def _outbox_entry(message: EmailMessage, envelope: Envelope, mail: RenderedEmail, channel: str | None) -> OutboxMessage:
    text_part = message.get_body(("plain",))
    return OutboxMessage(
        id=uuid.uuid4().hex,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        channel=channel,
        to=envelope.to,
        subject=mail.subject,
        html=mail.content,
        text=text_part.get_content() if text_part is not None else "",
        raw=message.as_string(),
    )


def smtp_target(provider: EmailProvider, settings: ServiceSettings) -> SmtpTarget:
    """Where an SMTP provider's mail goes; the Alibaba and Tencent presets are SSL on 465 with the mailbox as login."""
    if provider.type == ProviderType.CUSTOM and provider.smtp_config:
        return custom_smtp_target(provider.smtp_config)
    presets = {
        ProviderType.ALI: (settings.ali_smtp_host, settings.ali_smtp_port, provider.ali_exmail_config),
        ProviderType.QQ: (settings.qq_smtp_host, settings.qq_smtp_port, provider.tencent_exmail_config),
    }
    if provider.type in presets:
        host, port, exmail = presets[ProviderType(provider.type)]
        if exmail is not None:
            return SmtpTarget(host, port, "ssl", exmail.sender, exmail.sender_pass)
    raise DeliveryError(
        UNREACHABLE, localized("The provider {provider} has no configuration to send with.", provider=provider.type)
    )


def custom_smtp_target(smtp: SmtpConfig) -> SmtpTarget:
    return SmtpTarget(
        smtp.smtp_host,
        smtp.smtp_port,
        smtp_security(smtp),
        smtp.sender,
        smtp.sender_pass,
        verify=smtp.tls_verify is not False,
        ca_bundle=smtp.ca_bundle or None,
    )


def sendgrid_account(config: SendGridConfig | None, settings: ServiceSettings) -> sendgrid_api.SendGridAccount:
    if config is None or not config.apikey:
        raise DeliveryError(
            UNREACHABLE, localized("SendGrid has no API key configured: enter one in the provider settings.")
        )
    refusal = reuse_refusal_text(bound_to_api_base(config, settings.sendgrid_api_base), config)
    if refusal is not None:  # the service was pointed at another API since the key was saved
        raise DeliveryError(
            UNREACHABLE, localized("The SendGrid key was not sent: {refusal}. Enter the key again.", refusal=refusal)
        )
    return sendgrid_api.SendGridAccount(settings.sendgrid_api_base, config.apikey, settings.smtp_timeout)


def _sendgrid_mail(envelope: Envelope, mail: RenderedEmail) -> sendgrid_api.SendGridMail:
    return sendgrid_api.SendGridMail(
        from_address=envelope.from_address,
        from_name=envelope.from_name,
        to=envelope.to,
        subject=mail.subject,
        text=html_to_text(mail.content),
        html=mail.content,
        reply_to=envelope.reply_to,
        reply_to_name=envelope.reply_to_name,
    )
