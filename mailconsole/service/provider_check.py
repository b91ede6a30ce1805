"""The connection test: the settings being edited, tried step by step against the real provider, nothing sent.

SMTP providers go through the same ``SmtpSession`` as a send, up to AUTH, then optionally MAIL FROM and RCPT TO
for a given recipient; SendGrid's key is checked against its API. The report lists every step taken, the first
failure last.
"""

from __future__ import annotations

from mailconsole.addresses import normalize_email
from mailconsole.i18n import EN_US, Language, localized
from mailconsole.models import (
    ConnectionReport,
    EmailProvider,
    ExmailConfig,
    ProviderTestRequest,
    ProviderType,
    SendGridConfig,
    SmtpConfig,
)
from mailconsole.service.delivery import custom_smtp_target, sendgrid_account
from mailconsole.service.envelope import ServiceError
from mailconsole.service.provider_settings import config_to_test
from mailconsole.service.providers import DeliveryError
from mailconsole.service.providers import sendgrid as sendgrid_api
from mailconsole.service.providers.smtp import SmtpSession, SmtpTarget
from mailconsole.service.settings import ServiceSettings


def check_provider(
    request: ProviderTestRequest, stored: EmailProvider, settings: ServiceSettings, language: Language = EN_US
) -> ConnectionReport:
    """The report, its sentences in ``language`` (the servers' own replies as they were)."""
    config = config_to_test(request, stored, sendgrid_api_base=settings.sendgrid_api_base)
    recipient = _recipient(request.probe_recipient)
    if isinstance(config, SendGridConfig):
        return _check_sendgrid(config, settings, language)
    if isinstance(config, SmtpConfig):
        target = custom_smtp_target(config)
        mail_from = config.envelope_from or config.from_address or config.sender or ""
    else:
        target = _preset_target(request.type, config, settings)
        mail_from = config.sender
    return _check_smtp(target, settings, mail_from, recipient, language)


def _recipient(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return normalize_email(address)
    except ValueError as err:
        raise ServiceError(400, localized("{field}: {problem}.", field="probeRecipient", problem=err)) from None


def _preset_target(provider_type: ProviderType, config: ExmailConfig, settings: ServiceSettings) -> SmtpTarget:
    host, port = (
        (settings.ali_smtp_host, settings.ali_smtp_port)
        if provider_type == ProviderType.ALI
        else (settings.qq_smtp_host, settings.qq_smtp_port)
    )
    return SmtpTarget(host, port, "ssl", config.sender, config.sender_pass)


def _check_smtp(
    target: SmtpTarget, settings: ServiceSettings, mail_from: str, recipient: str | None, language: Language
) -> ConnectionReport:
    with SmtpSession(
        target, settings.smtp_timeout, destinations=settings.destinations, explain_certificates=True
    ) as session:
        try:
            session.open()
            if recipient:
                if not mail_from:
                    raise ServiceError(
                        400, localized("Set a From address (or a mailbox as user name) to check a recipient.")
                    )
                session.probe(mail_from, recipient)
        except DeliveryError:
            pass  # the failed step is in the report
    steps = session.steps_in(language)
    return ConnectionReport(ok=all(step.ok for step in steps), steps=steps)


def _check_sendgrid(config: SendGridConfig, settings: ServiceSettings, language: Language) -> ConnectionReport:
    step = sendgrid_api.check_key(sendgrid_account(config, settings))
    return ConnectionReport(ok=step.ok, steps=[step.in_language(language)])
