"""Saving a tenant's provider settings: validate the request, then merge it into what is stored.

Each provider type keeps its own configuration, so switching from SMTP to SendGrid and back loses nothing.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

from pydantic.alias_generators import to_camel

from mailconsole.addresses import check_header_value, check_host, check_port, normalize_email, sender_address
from mailconsole.changes import provider_changes
from mailconsole.destinations import DestinationPolicy, DestinationRefused
from mailconsole.i18n import Text, localized
from mailconsole.models import (
    PROVIDER_CONFIGS,
    PROVIDER_SECRETS,
    SECRET_MASK,
    AuditKind,
    ConfigEmailProviderRequest,
    EmailProvider,
    ExmailConfig,
    ProviderType,
    SendGridConfig,
    SmtpConfig,
    SmtpSetupRequest,
)
from mailconsole.secret_reuse import (
    DEFAULT_SENDGRID_API_BASE,
    bound_to_api_base,
    reuse_refusal,
    reuse_refusal_text,
)
from mailconsole.service.envelope import ServiceError
from mailconsole.service.store import AuditRecord, Store
from mailconsole.service.versioning import check_version, versioned_write

# The request field that carries each type's configuration, by its wire name and its attribute.
CONFIG_FIELDS: dict[ProviderType, tuple[str, str]] = {
    kind: (to_camel(attribute), attribute) for kind, attribute in PROVIDER_CONFIGS.items()
}


def save_provider_settings(
    store: Store,
    userpool_id: str,
    change: Callable[[EmailProvider], EmailProvider],
    *,
    expected_version: int | None,
    actor: str,
    destinations: DestinationPolicy,
) -> tuple[EmailProvider, int]:
    """Apply ``change`` to the stored settings and save them with their audit record; returns the settings and
    their version. ``expected_version``: ServiceError 409 unless it is the stored one. A change that changes
    nothing is not written: no new version, no audit record. A custom SMTP host that ``destinations`` refuses
    (as far as can be told without resolving it) is refused with 400."""

    def attempt() -> tuple[EmailProvider, int]:
        current, version = store.versioned_provider(userpool_id)
        check_version("The provider settings", expected_version, version)
        updated = change(current)
        _check_destination(updated, destinations)
        changes = provider_changes(current, updated)
        if not changes:
            return current, version
        record = AuditRecord(actor=actor, kind=AuditKind.PROVIDER, item=str(updated.type or ""), changes=changes)
        return updated, store.save_provider(userpool_id, updated, base_version=version, audit=record)

    return versioned_write(localized("The provider settings"), expected_version, attempt)


def _check_destination(provider: EmailProvider, destinations: DestinationPolicy) -> None:
    if provider.smtp_config is None:
        return
    try:
        destinations.check_host(provider.smtp_config.smtp_host)
    except DestinationRefused as err:
        raise ServiceError(400, localized("{field}: {problem}.", field="smtpConfig.smtp_host", problem=err)) from None


def apply_provider_request(
    current: EmailProvider, request: ConfigEmailProviderRequest, *, sendgrid_api_base: str
) -> EmailProvider:
    """The settings after this request, or ServiceError 400 naming the first bad field (nothing is changed).

    A secret sent back as the mask keeps the stored one, only where ``reuse_refusal`` allows it. A SendGrid key is
    bound to ``sendgrid_api_base``, the API this service sends it to."""
    wire_name, attribute = CONFIG_FIELDS[request.type]
    config = getattr(request, attribute)
    if config is None and request.enabled:
        raise ServiceError(400, _required_for_type(wire_name, request.type))
    if config is not None:
        config = _unmask(_bound(config, sendgrid_api_base), current, request.type, missing_means_stored=False)
        _VALIDATORS[request.type](wire_name, config)
    updated = current.model_copy(update={"enabled": request.enabled, "type": request.type})
    if config is not None:
        updated = updated.model_copy(update={attribute: config})
    return updated


def config_to_test(request: ConfigEmailProviderRequest, stored: EmailProvider, *, sendgrid_api_base: str) -> Any:
    """The checked configuration of the request's type (enabled or not). The mask means the stored secret, where
    ``reuse_refusal`` allows it (else 400); an empty secret means the stored one where allowed, else no login."""
    wire_name, attribute = CONFIG_FIELDS[request.type]
    config = getattr(request, attribute)
    if config is None:
        raise ServiceError(400, _required_for_type(wire_name, request.type))
    config = _unmask(_bound(config, sendgrid_api_base), stored, request.type, missing_means_stored=True)
    if isinstance(config, SmtpConfig) and config.sender_pass is None:
        config = config.model_copy(update={"sender_pass": ""})
    _VALIDATORS[request.type](wire_name, config)
    return config


def _required_for_type(wire_name: str, provider_type: ProviderType) -> Text:
    return localized("{field} is required when type is {type}.", field=wire_name, type=provider_type.value)


def masked(provider: EmailProvider) -> EmailProvider:
    """What replies carry: every stored secret replaced by the mask."""
    return provider.map_secrets(lambda _: SECRET_MASK)


def _bound(config: Any, sendgrid_api_base: str) -> Any:
    """Where a secret will go is the service's choice for SendGrid, whatever the request says."""
    return bound_to_api_base(config, sendgrid_api_base) if isinstance(config, SendGridConfig) else config


def _unmask(config: Any, stored: EmailProvider, provider_type: ProviderType, *, missing_means_stored: bool) -> Any:
    """``config`` with the stored secret in place of the mask (and, for the connection test, of an empty one).
    A stored secret goes only where and as its owner meant it to go (``reuse_refusal``)."""
    wire_name, attribute = CONFIG_FIELDS[provider_type]
    secret_name = PROVIDER_SECRETS[attribute]
    given = getattr(config, secret_name)
    if given != SECRET_MASK and not (missing_means_stored and not given):
        return config
    saved = getattr(stored, attribute)
    refusal = (
        reuse_refusal_text(config, saved)
        if saved is not None and getattr(saved, secret_name)
        else localized("no secret is stored")
    )
    if refusal is None:
        return config.model_copy(update={secret_name: getattr(saved, secret_name)})
    if given == SECRET_MASK:
        field = to_camel(secret_name)
        raise ServiceError(
            400,
            localized(
                "{field}: {refusal}; send the {name} itself (a stored secret is only used for the server, login and "
                "protection it was saved for).",
                field=f"{wire_name}.{field}",
                refusal=refusal,
                name=field,
            ),
        )
    return config


def _field_check(wire_name: str, field: str, check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(value)
    except ValueError as err:
        raise ServiceError(400, localized("{field}: {problem}.", field=f"{wire_name}.{field}", problem=err)) from None


def _required(wire_name: str, field: str, value: str | None) -> None:
    if not value:
        raise ServiceError(400, localized("{field} is required.", field=f"{wire_name}.{field}"))


def _check_secret(wire_name: str, field: str, value: str | None) -> None:
    """A secret goes into an SMTP command or an HTTP header: a control character there would end it early (AUTH
    PLAIN separates with NUL) or inject another line."""
    if value and any(ord(character) < 32 or ord(character) == 127 for character in value):
        raise ServiceError(
            400,
            localized("{field} contains a control character: paste the secret again.", field=f"{wire_name}.{field}"),
        )


def _validate_smtp(wire_name: str, config: SmtpConfig) -> None:
    _field_check(wire_name, "smtp_host", check_host, config.smtp_host)
    _field_check(wire_name, "smtp_port", check_port, config.smtp_port)
    if "sender_pass" not in config.model_fields_set:
        raise ServiceError(
            400,
            localized(
                "{field} is required (an empty string means no authentication).", field=f"{wire_name}.senderPass"
            ),
        )
    _check_secret(wire_name, "senderPass", config.sender_pass)
    if config.secure and config.starttls:
        raise ServiceError(400, localized("{field}: choose SSL (secure) or STARTTLS, not both.", field=wire_name))
    if config.ca_bundle:
        _check_ca_bundle(wire_name, config.ca_bundle)
    for field, value in (
        ("sender", config.sender),  # the login, and the From address when it is a mailbox
        ("fromDisplayName", config.from_display_name),
        ("replyToDisplayName", config.reply_to_display_name),
    ):
        if value:
            _field_check(wire_name, field, check_header_value, value)
    for field, value in (
        ("from", config.from_address),
        ("replyTo", config.reply_to),
        ("envelopeFrom", config.envelope_from),
    ):
        if value:
            _field_check(wire_name, field, lambda address: sender_address(address, config.smtp_host), value)


MAX_CA_BUNDLE = 256 * 1024


def _check_ca_bundle(wire_name: str, pem: str) -> None:
    if len(pem) > MAX_CA_BUNDLE:
        raise ServiceError(
            400,
            localized(
                "{field} is over {size} KB: give only the CAs needed.",
                field=f"{wire_name}.caBundle",
                size=MAX_CA_BUNDLE // 1024,
            ),
        )
    try:
        ssl.create_default_context().load_verify_locations(cadata=pem)
    except (ssl.SSLError, ValueError) as err:
        raise ServiceError(
            400,
            localized(
                "{field} holds no usable PEM certificate ({reason}): paste the CA's -----BEGIN CERTIFICATE----- block.",
                field=f"{wire_name}.caBundle",
                reason=err,
            ),
        ) from None


def _validate_sendgrid(wire_name: str, config: SendGridConfig) -> None:
    _field_check(wire_name, "sender", normalize_email, config.sender)
    _required(wire_name, "apikey", config.apikey)
    _check_secret(wire_name, "apikey", config.apikey)


def _validate_exmail(wire_name: str, config: ExmailConfig) -> None:
    _field_check(wire_name, "sender", normalize_email, config.sender)
    _required(wire_name, "senderPass", config.sender_pass)
    _check_secret(wire_name, "senderPass", config.sender_pass)


_VALIDATORS: dict[ProviderType, Callable[[str, Any], None]] = {
    ProviderType.CUSTOM: _validate_smtp,
    ProviderType.SENDGRID: _validate_sendgrid,
    ProviderType.ALI: _validate_exmail,
    ProviderType.QQ: _validate_exmail,
}


def apply_smtp_setup(current: EmailProvider, setup: SmtpSetupRequest) -> EmailProvider:
    """The SMTP set-up API writes the tenant's custom SMTP settings and turns them on.

    It has no read-back, so a request without a password keeps the stored one where ``reuse_refusal`` allows it
    (the same server and user, a channel as well protected); otherwise the settings have no password.
    """
    config = SmtpConfig(
        smtp_host=setup.host,
        smtp_port=_setup_port(setup),
        sender=setup.user,
        sender_pass=setup.password or "",
        secure=bool(setup.ssl),
        starttls=setup.starttls,
        from_address=setup.from_address,
        from_display_name=setup.from_display_name or None,
        reply_to=setup.reply_to or None,
        reply_to_display_name=setup.reply_to_display_name or None,
        envelope_from=setup.envelope_from or None,
    )
    previous = current.smtp_config
    if setup.password is None and previous is not None and reuse_refusal(config, previous) is None:
        config = config.model_copy(update={"sender_pass": previous.sender_pass})
    request = ConfigEmailProviderRequest(type=ProviderType.CUSTOM, enabled=True, smtp_config=config)
    # Custom SMTP only: no SendGrid key is touched here.
    return apply_provider_request(current, request, sendgrid_api_base=DEFAULT_SENDGRID_API_BASE)


def _setup_port(setup: SmtpSetupRequest) -> int:
    if not setup.port:
        return 465 if setup.ssl else 587 if setup.starttls else 25
    if not setup.port.strip().isdigit():
        raise ServiceError(400, localized("port: {value} is not a port number.", value=repr(setup.port)))
    return int(setup.port)
