"""The provider settings form, without drawing it: the fields of each provider type, what was typed turned into the
client's request models (``build_*``), and what is wrong with it by field.

A secret field left empty keeps the stored secret only where ``mailconsole.secret_reuse`` allows it (the same rule
the service enforces), and never reveals it (``secret_fields``).
"""

from __future__ import annotations

import ssl as tls
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mailconsole.addresses import (
    LOCAL_ONLY_NOTE,
    check_header_value,
    check_host,
    check_port,
    is_local_only,
    normalize_email,
    sender_address,
)
from mailconsole.console.markdown import inert
from mailconsole.console.secret_fields import choose_secret, type_again
from mailconsole.console.sentences import capitalized
from mailconsole.i18n import LocalizedValueError, Text, localized
from mailconsole.models import (
    PROVIDER_CONFIGS,
    EmailProvider,
    ExmailConfig,
    ProviderType,
    SendGridConfig,
    SmtpConfig,
    SmtpSetupRequest,
)
from mailconsole.secret_reuse import reuse_refusal_text
from mailconsole.service.settings import ServiceSettings

# Names that stay as they are in every language are plain strings.
PROVIDER_LABELS: dict[ProviderType, Text | str] = {
    ProviderType.CUSTOM: localized("Custom SMTP server"),
    ProviderType.ALI: localized("Alibaba enterprise mail"),
    ProviderType.QQ: localized("Tencent enterprise mail"),
    ProviderType.SENDGRID: "SendGrid",
}


def _preset(host_field: str, port_field: str) -> str:
    """A preset server as the service's settings define it by default (the API takes only mailbox and password)."""
    fields = ServiceSettings.model_fields
    return f"{fields[host_field].default}:{fields[port_field].default} (SSL)"


PRESET_SERVERS: dict[ProviderType, str] = {
    ProviderType.ALI: _preset("ali_smtp_host", "ali_smtp_port"),
    ProviderType.QQ: _preset("qq_smtp_host", "qq_smtp_port"),
}
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "plain": 25}


def mode_for_port(port: int | None) -> str | None:
    """The mode a usual port implies ("ssl", "starttls" or "plain"), as mail clients suggest it; None for others."""
    return next((mode for mode, usual in DEFAULT_PORTS.items() if usual == port), None)


SMTP_FIELDS = (
    "host",
    "port",
    "ssl",
    "starttls",
    "user",
    "password",
    "from",
    "from_name",
    "reply_to",
    "reply_to_name",
    "envelope_from",
    "tls_verify",
    "ca_bundle",
)
EXMAIL_FIELDS = ("sender", "password")
# The form's fields per provider type, and where each keeps its settings in the widgets' keys.
FORM_FIELDS: dict[ProviderType, tuple[str, ...]] = {
    ProviderType.CUSTOM: SMTP_FIELDS,
    ProviderType.ALI: EXMAIL_FIELDS,
    ProviderType.QQ: EXMAIL_FIELDS,
    ProviderType.SENDGRID: ("sender", "apikey"),
}
FORM_NAMES: dict[ProviderType, str] = {
    ProviderType.CUSTOM: "custom",
    ProviderType.ALI: "ali",
    ProviderType.QQ: "qq",
    ProviderType.SENDGRID: "sendgrid",
}


class FormIncomplete(LocalizedValueError):
    """The form cannot be sent; the message is its first fault."""


@dataclass(frozen=True)
class FieldError:
    text: Text
    # A required field left empty: reported only once the administrator tries to save.
    missing: bool = False

    @property
    def message(self) -> str:
        """In English (the console shows ``text`` in the session's language)."""
        return str(self.text)


@dataclass
class Built:
    """A request built from a form: ``config`` when it can be sent, else the ``errors`` by field, and ``hints``
    (notes beside fields that are not errors)."""

    config: Any | None
    errors: dict[str, FieldError] = field(default_factory=dict)
    hints: dict[str, Text] = field(default_factory=dict)

    @property
    def notes(self) -> dict[str, str]:
        """The hints in English."""
        return {name: str(hint) for name, hint in self.hints.items()}


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return str(value).strip() if value is not None else ""


def _check(errors: dict[str, FieldError], name: str, check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(value)
    except ValueError as err:
        errors[name] = FieldError(localized("{problem}.", problem=capitalized(err)))
        return None


def _required(errors: dict[str, FieldError], name: str, value: str, required: Text, check: Callable[[Any], Any]) -> Any:
    """``check(value)``, or None with the field's error: ``required`` ("The host is required.") when empty, else
    the check's words."""
    if not value:
        errors[name] = FieldError(required, missing=True)
        return None
    return _check(errors, name, check, value)


def _optional_address(errors: dict[str, FieldError], name: str, value: str, smtp_host: str) -> str | None:
    """An address the mail goes out as, through ``smtp_host`` (a .test one only for a server on this machine)."""
    return _check(errors, name, lambda address: sender_address(address, smtp_host), value) if value else None


def _local_only_notes(notes: dict[str, Text], errors: Mapping[str, FieldError], values: Mapping[str, Any]) -> None:
    for name in ("from", "reply_to", "envelope_from"):
        if name not in errors and is_local_only(_text(values, name)):
            notes[name] = LOCAL_ONLY_NOTE


def _check_display_names(errors: dict[str, FieldError], values: Mapping[str, Any]) -> None:
    """The service's header rule, said beside the field before saving."""
    for name in ("from_name", "reply_to_name"):
        if value := _text(values, name):
            _check(errors, name, check_header_value, value)


def stored_config(provider: EmailProvider, provider_type: ProviderType) -> Any | None:
    return getattr(provider, PROVIDER_CONFIGS[provider_type])


def build_smtp(values: Mapping[str, Any], stored: SmtpConfig | None, *, extras: bool) -> Built:
    """``smtpConfig`` from the custom SMTP form. Without ``extras`` (GenAuth cloud) only the contract's fields."""
    errors: dict[str, FieldError] = {}
    notes: dict[str, Text] = {}
    host_text = _text(values, "host")
    host = _required(errors, "host", host_text, localized("The host is required."), check_host)
    port_value = values.get("port")
    port = None
    if port_value is None or port_value == "":
        errors["port"] = FieldError(localized("The port is required (465 for SSL, 587 for STARTTLS)."), missing=True)
    else:
        port = _check(errors, "port", lambda value: check_port(int(value)), port_value)
    ssl = bool(values.get("ssl"))
    starttls = bool(values.get("starttls")) if extras else False
    if ssl and starttls:
        errors["starttls"] = FieldError(localized("Choose SSL or STARTTLS, not both."))
    user = _text(values, "user")
    ca_bundle = _text(values, "ca_bundle") if extras else ""
    tls_verify = None if not extras or values.get("tls_verify", True) else False
    edited = (
        SmtpConfig(
            smtp_host=host,
            smtp_port=port,
            sender=user or None,
            secure=ssl,
            starttls=starttls if extras else None,
            tls_verify=tls_verify,
            ca_bundle=ca_bundle or None,
        )
        if host is not None and port is not None
        else None
    )
    secret = choose_secret(
        str(values.get("password") or ""),
        stored.sender_pass if stored else None,
        # With no valid host or port nothing is sent, whatever the secret: those fields say what is wrong.
        reuse_refusal=reuse_refusal_text(edited, stored) if edited is not None and stored is not None else None,
        required=bool(user),
    )
    if secret.error:
        errors["password"] = FieldError(secret.error, missing=secret.missing)
    from_address = reply_to = envelope_from = None
    if ca_bundle:
        _check(errors, "ca_bundle", _check_pem, ca_bundle)
    if extras:
        from_address = _optional_address(errors, "from", _text(values, "from"), host_text)
        reply_to = _optional_address(errors, "reply_to", _text(values, "reply_to"), host_text)
        envelope_from = _optional_address(errors, "envelope_from", _text(values, "envelope_from"), host_text)
        _check_display_names(errors, values)
        _local_only_notes(notes, errors, values)
    if host_text and not from_address and "@" not in user and "from" not in errors:
        notes["from"] = (
            localized("No From address: mail cannot be sent until you set one or use a mailbox as the user name.")
            if extras
            else localized("No From address: mail cannot be sent until you set one; use a mailbox as the user name.")
        )
    if errors or host is None or port is None or secret.value is None:
        return Built(None, errors, notes)
    config = SmtpConfig(
        smtp_host=host,
        smtp_port=port,
        sender=user or None,
        sender_pass=secret.value,
        secure=ssl,
        starttls=starttls if extras else None,
        from_address=from_address,
        from_display_name=(_text(values, "from_name") or None) if extras else None,
        reply_to=reply_to,
        reply_to_display_name=(_text(values, "reply_to_name") or None) if extras else None,
        envelope_from=envelope_from,
        tls_verify=tls_verify,
        ca_bundle=ca_bundle or None,
    )
    return Built(config, errors, notes)


def _check_pem(pem: str) -> None:
    try:
        tls.create_default_context().load_verify_locations(cadata=pem)
    except (tls.SSLError, ValueError):
        raise LocalizedValueError(
            localized(
                "no usable certificate in it: paste the CA's PEM block, from -----BEGIN CERTIFICATE----- "
                "to -----END CERTIFICATE-----"
            )
        ) from None


def build_exmail(values: Mapping[str, Any], stored: ExmailConfig | None) -> Built:
    """``aliExmailConfig`` / ``tencentExmailConfig``: the mailbox (also the login) and its password."""
    errors: dict[str, FieldError] = {}
    sender_text = _text(values, "sender")
    sender = _required(errors, "sender", sender_text, localized("The mailbox address is required."), normalize_email)
    edited = ExmailConfig(sender=sender or sender_text)
    secret = choose_secret(
        str(values.get("password") or ""),
        stored.sender_pass if stored else None,
        reuse_refusal=reuse_refusal_text(edited, stored) if stored is not None else None,
        required=True,
    )
    if secret.error:
        errors["password"] = FieldError(secret.error, missing=secret.missing)
    if errors or sender is None or not secret.value:
        return Built(None, errors)
    return Built(ExmailConfig(sender=sender, sender_pass=secret.value), errors)


def build_sendgrid(values: Mapping[str, Any], stored: SendGridConfig | None) -> Built:
    """``sendGridConfig``: a verified From address and the API key (which always goes to SendGrid's API)."""
    errors: dict[str, FieldError] = {}
    sender_text = _text(values, "sender")
    sender = _required(
        errors, "sender", sender_text, localized("The verified From address is required."), normalize_email
    )
    # The console cannot choose where the key goes: the backend's API base, as it stored it, goes back unchanged.
    api_base = stored.api_base if stored else None
    secret = choose_secret(
        str(values.get("apikey") or ""),
        stored.apikey if stored else None,
        reuse_refusal=None,
        required=True,
        api_key=True,
    )
    if secret.error:
        errors["apikey"] = FieldError(secret.error, missing=True)
    if errors or sender is None or not secret.value:
        return Built(None, errors)
    return Built(SendGridConfig(sender=sender, apikey=secret.value, api_base=api_base), errors)


def build_setup(values: Mapping[str, Any], *, saved: Mapping[str, Any] | None, clear_password: bool = False) -> Built:
    """The body of the SMTP set-up API. It has no read-back: an empty password is left out, and the backend keeps
    the one it has where ``reuse_refusal`` allows it; ``clear_password`` sends an empty one."""
    errors: dict[str, FieldError] = {}
    host_text = _text(values, "host")
    host = _required(errors, "host", host_text, localized("The host is required."), check_host)
    from_text = _text(values, "from")
    from_address = _required(
        errors,
        "from",
        from_text,
        localized("The From address is required."),
        lambda address: sender_address(address, host_text),
    )
    port_value = values.get("port")
    port = _check(errors, "port", lambda value: check_port(int(value)), port_value) if port_value else None
    ssl, starttls = bool(values.get("ssl")), bool(values.get("starttls"))
    if ssl and starttls:
        errors["starttls"] = FieldError(localized("Choose SSL or STARTTLS, not both."))
    user = _text(values, "user")
    typed = str(values.get("password") or "")
    if not typed and not clear_password and saved is not None:
        edited = _setup_target(host or host_text, port, user, ssl=ssl, starttls=starttls)
        refusal = reuse_refusal_text(edited, _setup_target_of(saved))
        if refusal is not None:
            errors["password"] = FieldError(type_again(refusal))
    reply_to = _optional_address(errors, "reply_to", _text(values, "reply_to"), host_text)
    envelope_from = _optional_address(errors, "envelope_from", _text(values, "envelope_from"), host_text)
    _check_display_names(errors, values)
    if errors or host is None or from_address is None:
        return Built(None, errors)
    request = SmtpSetupRequest.model_validate(
        {
            "host": host,
            "from": from_address,
            "port": str(port) if port else None,
            "ssl": ssl,
            "starttls": starttls,
            "user": user or None,
            "password": "" if clear_password else (typed or None),
            "fromDisplayName": _text(values, "from_name") or None,
            "replyTo": reply_to,
            "replyToDisplayName": _text(values, "reply_to_name") or None,
            "envelopeFrom": envelope_from,
        }
    )
    return Built(request, errors)


def _setup_target(host: str, port: int | None, user: str, *, ssl: bool, starttls: bool) -> SmtpConfig:
    """What the SMTP set-up API will store, as far as ``reuse_refusal`` looks (0: the default port of the mode)."""
    return SmtpConfig(smtp_host=host, smtp_port=port or 0, sender=user or None, secure=ssl, starttls=starttls)


def _setup_target_of(saved: Mapping[str, Any]) -> SmtpConfig:
    port = saved.get("port")
    return _setup_target(
        str(saved.get("host") or ""),
        int(port) if port else None,
        str(saved.get("user") or ""),
        ssl=bool(saved.get("ssl")),
        starttls=bool(saved.get("starttls")),
    )


def build_provider(
    provider_type: ProviderType, values: Mapping[str, Any], stored: Any | None, *, extras: bool
) -> Built:
    """The configuration of ``provider_type`` from its form, against what is ``stored`` for that type."""
    if provider_type == ProviderType.CUSTOM:
        return build_smtp(values, stored, extras=extras)
    if provider_type == ProviderType.SENDGRID:
        return build_sendgrid(values, stored)
    return build_exmail(values, stored)


def provider_request(
    provider_type: ProviderType,
    values: Mapping[str, Any],
    stored_now: EmailProvider,
    *,
    extras: bool,
    blank_and_off: bool,
) -> dict[str, Any]:
    """The configuration arguments of ``config_email_provider``, built against the settings stored now (so that a
    stored secret is re-sent only if it is still the current one); none for a blank form switched off.
    FormIncomplete when the form cannot be sent."""
    if blank_and_off:
        return {}
    built = build_provider(provider_type, values, stored_config(stored_now, provider_type), extras=extras)
    if built.config is None:
        first = next(iter(built.errors.values()), FieldError(localized("The form is incomplete.")))
        raise FormIncomplete(first.text)
    return {PROVIDER_CONFIGS[provider_type]: built.config}


def initial_fields(provider: EmailProvider) -> dict[str, Any]:
    """What the form starts with for the stored settings, by field ("custom.host", ...): every secret empty."""
    smtp = provider.smtp_config
    values: dict[str, Any] = {
        "type": _provider_type(provider.type) or ProviderType.CUSTOM,
        "enabled": provider.enabled,
        "custom.host": smtp.smtp_host if smtp else "",
        "custom.port": smtp.smtp_port if smtp else DEFAULT_PORTS["ssl"],
        "custom.ssl": smtp.secure if smtp else True,
        "custom.starttls": bool(smtp.starttls) if smtp else False,
        "custom.user": (smtp.sender or "") if smtp else "",
        "custom.password": "",
        "custom.from": (smtp.from_address or "") if smtp else "",
        "custom.from_name": (smtp.from_display_name or "") if smtp else "",
        "custom.reply_to": (smtp.reply_to or "") if smtp else "",
        "custom.reply_to_name": (smtp.reply_to_display_name or "") if smtp else "",
        "custom.envelope_from": (smtp.envelope_from or "") if smtp else "",
        "custom.tls_verify": smtp.tls_verify is not False if smtp else True,
        "custom.ca_bundle": (smtp.ca_bundle or "") if smtp else "",
        "sendgrid.sender": provider.send_grid_config.sender if provider.send_grid_config else "",
        "sendgrid.apikey": "",
    }
    for kind, name in ((ProviderType.ALI, "ali"), (ProviderType.QQ, "qq")):
        config = stored_config(provider, kind)
        values[f"{name}.sender"] = config.sender if config else ""
        values[f"{name}.password"] = ""
    return values


def is_blank(provider_type: ProviderType, values: Mapping[str, Any]) -> bool:
    """Nothing typed in the form's main field: switching the provider off then sends no configuration."""
    return not _text(values, "host" if provider_type == ProviderType.CUSTOM else "sender")


def describe_provider(provider: EmailProvider) -> Text:
    """The state at a glance, in one sentence."""
    kind = _provider_type(provider.type)
    if not provider.enabled:
        if kind is not None and stored_config(provider, kind) is not None:
            return localized(
                "The platform's built-in mail service sends this tenant's mail ({provider} is configured but "
                "switched off).",
                provider=PROVIDER_LABELS[kind],
            )
        return localized("The platform's built-in mail service sends this tenant's mail.")
    if kind is None:
        return localized("The provider {type} sends this tenant's mail.", type=repr(provider.type))
    config = stored_config(provider, kind)
    label = PROVIDER_LABELS[kind]
    if kind == ProviderType.CUSTOM and isinstance(config, SmtpConfig):
        return localized(
            "{provider} {host}:{port} ({security}) sends this tenant's mail.",
            provider=label,
            host=inert(config.smtp_host),  # the backend's words
            port=config.smtp_port,
            security=_security(config),
        )
    if isinstance(config, ExmailConfig | SendGridConfig):
        if kind in PRESET_SERVERS:
            return localized(
                "{provider} as {sender} via {server} sends this tenant's mail.",
                provider=label,
                sender=inert(config.sender),
                server=PRESET_SERVERS[kind],
            )
        return localized(
            "{provider} as {sender} sends this tenant's mail.", provider=label, sender=inert(config.sender)
        )
    return localized("{provider} sends this tenant's mail.", provider=label)


def _security(config: SmtpConfig) -> Text | str:
    unverified = config.tls_verify is False
    if config.secure:
        return localized("SSL, certificate not verified") if unverified else "SSL"
    if config.starttls:
        return localized("STARTTLS, certificate not verified") if unverified else "STARTTLS"
    if config.starttls is None and unverified:
        return localized("no TLS, certificate not verified")
    return localized("no TLS")


def _provider_type(value: Any) -> ProviderType | None:
    try:
        return ProviderType(value) if value else None
    except ValueError:
        return None


def sender_label(provider: EmailProvider) -> Text | str:
    """Who sends the tenant's mail, in two or three words."""
    kind = _provider_type(provider.type)
    if not provider.enabled:
        return localized("Built-in mail service")
    return PROVIDER_LABELS[kind] if kind else str(provider.type)
