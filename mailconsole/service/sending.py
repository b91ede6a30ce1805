"""send-email: pick the channel's template, fill it with a fresh code, deliver, honour the once-a-minute rule."""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from mailconsole.addresses import mailbox_key, normalize_email
from mailconsole.catalog import APP_NAME_VARIABLES, CHANNELS, COMMON_VARIABLES
from mailconsole.i18n import Text, localized
from mailconsole.models import Channel, DeliveryStatus, EmailProvider, EmailTemplate, ProviderType
from mailconsole.senders import from_identity
from mailconsole.service.defaults import account_deletion_template
from mailconsole.service.delivery import DeliveryError, Envelope, deliver, delivered_by
from mailconsole.service.delivery_log import Attempt, destination, provider_label
from mailconsole.service.envelope import ServiceError
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store, Userpool
from mailconsole.service.templates import minutes, render_email, sending_template


def send_email(store: Store, settings: ServiceSettings, userpool: Userpool, channel: Channel, email: str) -> Text:
    """Deliver the channel's mail to ``email``; returns who delivered it (``delivered_by``)."""
    to = recipient(email)
    template, template_type, version = _template_for(store, userpool, channel)
    outgoing = Outgoing(channel.value, channel.value, template, template_type, version)
    return send_mail(store, settings, userpool, outgoing, to).delivered_by


def recipient(email: str) -> str:
    try:
        return normalize_email(email)
    except ValueError as err:
        raise ServiceError(400, localized("{field}: {problem}.", field="email", problem=err)) from None


@dataclass(frozen=True)
class Outgoing:
    """One mail to send: its template, and the names the delivery log and the once-a-minute rule know it by."""

    channel: str  # the send-email channel, or "draft"
    rule_key: str  # the once-a-minute slot it takes: a channel's
    template: EmailTemplate
    template_type: str | None
    template_version: int | None
    profile: Mapping[str, Any] | None = None  # values that replace a real send's (a draft's sample profile)
    audit_actor: str | None = None  # a draft send is audited, under this name


class Sent(NamedTuple):
    delivered_by: Text  # said in the language of the request
    subject: str
    message_id: str


def send_mail(store: Store, settings: ServiceSettings, userpool: Userpool, outgoing: Outgoing, to: str) -> Sent:
    """Render with a real send's context, deliver through the tenant's provider, honour the once-a-minute rule, and
    log the outcome whatever it is (``delivery_log``)."""
    provider = store.provider(userpool.id)
    attempt = Attempt(
        store,
        userpool.id,
        outgoing.channel,
        to,
        provider_label(provider),
        destination(provider, settings),
        outgoing.template_type,
        outgoing.template_version,
        outgoing.audit_actor,
    )
    mailbox = mailbox_key(to)
    wait = store.reserve_send(userpool.id, outgoing.rule_key, mailbox, settings.send_interval)
    if wait is not None:
        seconds = math.ceil(wait)
        throttled = ServiceError(
            429,
            localized(
                "A mail of this channel was sent to this mailbox less than a minute ago; "
                "try again in {seconds} seconds.",
                seconds=seconds,
            ),
            data={"retryAfter": seconds},
        )
        attempt.finish(DeliveryStatus.THROTTLED, throttled.message)
        raise throttled
    try:
        context = {**_context(userpool, outgoing.template, to, settings), **(outgoing.profile or {})}
        mail = render_email(outgoing.template, context)
        attempt.subject = mail.subject
        message = deliver(
            provider,
            _envelope(provider, settings, to, mail.sender),
            mail,
            settings=settings,
            store=store,
            userpool_id=userpool.id,
            channel=outgoing.channel,
        )
    except DeliveryError as err:
        store.release_send(userpool.id, outgoing.rule_key, mailbox)
        attempt.finish(DeliveryStatus.REFUSED, err.message)
        raise ServiceError(err.status_code, err.message) from None
    except ServiceError as err:  # the template does not render
        store.release_send(userpool.id, outgoing.rule_key, mailbox)
        attempt.finish(DeliveryStatus.FAILED, err.message)
        raise
    except BaseException:
        store.release_send(userpool.id, outgoing.rule_key, mailbox)
        raise
    attempt.message_id = str(message["Message-ID"])
    attempt.finish(DeliveryStatus.DELIVERED)
    return Sent(delivered_by(provider, settings), mail.subject, attempt.message_id)


def _template_for(store: Store, userpool: Userpool, channel: Channel) -> tuple[EmailTemplate, str | None, int | None]:
    """The template a send uses, its type, and its saved version (None: a built-in mail)."""
    template_type = CHANNELS[channel].template
    if template_type is None:
        return account_deletion_template(store.pool_language(userpool.id)), None, None
    template = sending_template(store, userpool.id, template_type)
    _, version = store.versioned_template(userpool.id, template_type.value)
    return template, template_type.value, version if template.customize_enabled and version else None


def _context(userpool: Userpool, template: EmailTemplate, to: str, settings: ServiceSettings) -> dict[str, Any]:
    """The variables of a real send. Values the service cannot know (a city from an IP, say) are left empty."""
    context: dict[str, Any] = dict.fromkeys(COMMON_VARIABLES, "")
    code = f"{secrets.randbelow(1_000_000):06d}"
    context.update(dict.fromkeys(APP_NAME_VARIABLES, userpool.name))
    context.update(
        user_email=to,
        verify_code=code,
        expires_in=minutes(template.expires_in) if template.expires_in else "",
        verify_link=f"{_app_url(template)}/verify-email?token={secrets.token_urlsafe(24)}",
    )
    return context


def _app_url(template: EmailTemplate) -> str:
    return (template.redirect_to or "https://example.com").rstrip("/")


def _envelope(provider: EmailProvider, settings: ServiceSettings, to: str, sender_name: str) -> Envelope:
    """From, Reply-To and Envelope-From by provider. The From name is the template's rendered sender, else the
    tenant's From display name."""
    if not provider.enabled:
        return Envelope(from_address=settings.builtin_from, from_name=sender_name, to=to)
    if provider.type == ProviderType.CUSTOM and provider.smtp_config:
        smtp = provider.smtp_config
        from_address = smtp.from_address or (smtp.sender if smtp.sender and "@" in smtp.sender else None)
        if not from_address:
            raise DeliveryError(
                601,
                localized(
                    "The SMTP settings have no From address: set smtpConfig.from, or use a mailbox as the user name."
                ),
            )
        return Envelope(
            from_address=from_address,
            from_name=from_identity(provider, sender_name).name,
            to=to,
            reply_to=smtp.reply_to,
            reply_to_name=smtp.reply_to_display_name,
            envelope_from=smtp.envelope_from,
        )
    configs = {
        ProviderType.SENDGRID: provider.send_grid_config,
        ProviderType.ALI: provider.ali_exmail_config,
        ProviderType.QQ: provider.tencent_exmail_config,
    }
    config = configs.get(ProviderType(provider.type)) if provider.type in configs else None
    if config is None:
        raise DeliveryError(
            601, localized("The provider {provider} is enabled but has no configuration.", provider=provider.type)
        )
    return Envelope(from_address=config.sender, from_name=sender_name, to=to)
