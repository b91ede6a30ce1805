"""Turning a rendered mail into a MIME message and handing it to the tenant's provider.

Adapters: the local outbox (the built-in mail service, provider disabled), SMTP (custom, and the Alibaba and
Tencent presets), and SendGrid's v3 Web API. Every failure becomes a ``DeliveryError`` with the provider's own
reply: 601 when the provider could not be reached or refused us, 602 when it refused this message.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import httpx

from mailconsole.models import EmailProvider, OutboxMessage, ProviderType, RenderedEmail
from mailconsole.rendering import html_to_text
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store

UNREACHABLE = 601  # connect, TLS, authentication: nothing was accepted
REFUSED = 602  # the provider answered MAIL, RCPT or DATA (or the API call) with a refusal


class DeliveryError(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True)
class Envelope:
    """Who the mail is from and to, as the provider settings and the template decide it."""

    from_address: str
    from_name: str
    to: str
    reply_to: str | None = None
    reply_to_name: str | None = None
    envelope_from: str | None = None


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    ssl: bool
    starttls: bool
    user: str | None
    password: str | None


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
    message = compose(envelope_for, mail)
    if not provider.enabled:
        store.add_to_outbox(userpool_id, _outbox_entry(message, envelope_for, mail, channel))
    elif provider.type == ProviderType.SENDGRID:
        _send_with_sendgrid(provider, envelope_for, mail, settings)
    else:
        _send_over_smtp(smtp_target(provider, settings), envelope_for, message, settings.smtp_timeout)
    return message


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
        smtp = provider.smtp_config
        return SmtpTarget(
            smtp.smtp_host, smtp.smtp_port, smtp.secure, bool(smtp.starttls), smtp.sender, smtp.sender_pass
        )
    presets = {
        ProviderType.ALI: (settings.ali_smtp_host, settings.ali_smtp_port, provider.ali_exmail_config),
        ProviderType.QQ: (settings.qq_smtp_host, settings.qq_smtp_port, provider.tencent_exmail_config),
    }
    if provider.type in presets:
        host, port, exmail = presets[ProviderType(provider.type)]
        if exmail is not None:
            return SmtpTarget(host, port, True, False, exmail.sender, exmail.sender_pass)
    raise DeliveryError(UNREACHABLE, f"The provider {provider.type} has no configuration to send with.")


def _send_over_smtp(target: SmtpTarget, envelope: Envelope, message: EmailMessage, timeout: float) -> None:
    where = f"{target.host}:{target.port}"
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if target.ssl:
            smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
        with smtp:
            if target.starttls:
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(
                        UNREACHABLE,
                        f"{where} does not offer STARTTLS; the password was not sent. Turn STARTTLS off only if "
                        "this server is meant to be used without encryption.",
                    )
                smtp.starttls(context=context)
            if target.password:
                smtp.login(target.user or "", target.password)
            mail_from = envelope.envelope_from or envelope.from_address
            smtp.send_message(message, from_addr=mail_from, to_addrs=[envelope.to])
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as err:
        raise DeliveryError(UNREACHABLE, f"{where} refused the login: {_reply(err.smtp_code, err.smtp_error)}") from err
    except smtplib.SMTPRecipientsRefused as err:
        code, text = next(iter(err.recipients.values()))
        raise DeliveryError(REFUSED, f"{where} refused the recipient: {_reply(code, text)}") from err
    except smtplib.SMTPResponseException as err:
        raise DeliveryError(REFUSED, f"{where} refused the message: {_reply(err.smtp_code, err.smtp_error)}") from err
    except smtplib.SMTPServerDisconnected as err:
        raise DeliveryError(UNREACHABLE, f"{where} closed the connection: {err or 'no reason given'}.") from err
    except ssl.SSLError as err:
        raise DeliveryError(UNREACHABLE, f"TLS with {where} failed: {err.reason or err}.") from err
    except TimeoutError as err:
        raise DeliveryError(UNREACHABLE, f"{where} did not answer within {timeout:g} s.") from err
    except socket.gaierror as err:
        raise DeliveryError(UNREACHABLE, f"The host {target.host} is unknown: {err.strerror}.") from err
    except OSError as err:
        raise DeliveryError(UNREACHABLE, f"Could not connect to {where}: {err.strerror or err}.") from err


def _reply(code: int, text: bytes | str) -> str:
    decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {decoded}".strip()


def _send_with_sendgrid(
    provider: EmailProvider, envelope: Envelope, mail: RenderedEmail, settings: ServiceSettings
) -> None:
    config = provider.send_grid_config
    if config is None or not config.apikey:
        raise DeliveryError(UNREACHABLE, "SendGrid has no API key configured.")
    payload: dict[str, Any] = {
        "personalizations": [{"to": [{"email": envelope.to}]}],
        "from": {"email": envelope.from_address, **({"name": envelope.from_name} if envelope.from_name else {})},
        "subject": mail.subject,
        "content": [
            {"type": "text/plain", "value": html_to_text(mail.content)},
            {"type": "text/html", "value": mail.content},
        ],
    }
    url = settings.sendgrid_api_base.rstrip("/") + "/v3/mail/send"
    try:
        response = httpx.post(
            url, json=payload, headers={"authorization": f"Bearer {config.apikey}"}, timeout=settings.smtp_timeout
        )
    except httpx.HTTPError as err:
        raise DeliveryError(UNREACHABLE, f"SendGrid could not be reached: {err}.") from err
    if response.status_code != 202:
        status = UNREACHABLE if response.status_code in (401, 403) else REFUSED
        raise DeliveryError(status, f"SendGrid answered HTTP {response.status_code}: {response.text[:500]}")
