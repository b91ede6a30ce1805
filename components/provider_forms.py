"""Provider settings: the state at a glance, a form per provider type, and the form of the SMTP set-up API.

The ``build_*`` functions turn what was typed into the client's request models and say what is wrong with it; they
need no UI (they could move to the library). The rest are widgets. Every widget is keyed, so nothing typed is lost
when the backend refuses a save.
"""

from __future__ import annotations

import ssl as tls
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import streamlit as st

from components.conflicts import (
    OVERWRITE,
    RELOAD,
    Conflict,
    conflict_panel,
    last_change,
    provider_differences,
    show_lines,
    who_changed,
)
from components.connection import Connection
from components.connection_check import connection_test_panel
from components.email_preview import inert
from components.feedback import attempt, call, flash, show_error, show_flash
from components.secret_field import choose_secret, secret_input
from mailconsole import ConflictError, MailConsoleError
from mailconsole.addresses import check_host, check_port, normalize_email
from mailconsole.changes import provider_changes
from mailconsole.models import (
    PROVIDER_CONFIGS,
    AuditKind,
    EmailProvider,
    ExmailConfig,
    ProviderType,
    SendGridConfig,
    SmtpConfig,
    SmtpSetupRequest,
)

PROVIDER_LABELS: dict[ProviderType, str] = {
    ProviderType.CUSTOM: "Custom SMTP server",
    ProviderType.ALI: "Alibaba enterprise mail",
    ProviderType.QQ: "Tencent enterprise mail",
    ProviderType.SENDGRID: "SendGrid",
}
# The servers the platform uses for the enterprise-mail presets (the API takes only the mailbox and password).
PRESET_SERVERS: dict[ProviderType, str] = {
    ProviderType.ALI: "smtp.qiye.aliyun.com:465 (SSL)",
    ProviderType.QQ: "smtp.exmail.qq.com:465 (SSL)",
}
SMTP_EXTRAS = "smtp-extras"
# This session's conflict with a save by someone else (a ``Conflict``), until reloaded or overwritten.
CONFLICT_KEY = "prov.conflict"
NO_EXTRAS_REASON = (
    "This backend does not store From, Reply-To, Envelope-From or STARTTLS (GenAuth cloud has no such fields; only "
    "the embedded mailconsole service keeps them), so they are switched off here. Mail goes out From the user name."
)
UNVERIFIED_WARNING = (
    "Certificate verification is off: anyone on the network path could pose as this server and read the password. "
    "Use it only for a self-signed test server; for a private CA, paste the CA's certificate instead."
)
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "plain": 25}

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
SENDGRID_FIELDS = ("sender", "apikey")


@dataclass(frozen=True)
class FieldError:
    message: str
    # A required field left empty: reported only once the administrator tries to save.
    missing: bool = False


@dataclass
class Built:
    """A request built from a form: ``config`` when it can be sent, else the ``errors`` by field."""

    config: Any | None
    errors: dict[str, FieldError] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


# ---- checking and building (no UI) ------------------------------------------------------------------------------


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return str(value).strip() if value is not None else ""


def _check(errors: dict[str, FieldError], name: str, check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(value)
    except ValueError as err:
        errors[name] = FieldError(f"{str(err)[:1].upper()}{str(err)[1:]}.")
        return None


def _required(errors: dict[str, FieldError], name: str, value: str, what: str) -> bool:
    if not value:
        errors[name] = FieldError(f"{what} is required.", missing=True)
        return False
    return True


def _optional_address(errors: dict[str, FieldError], name: str, value: str) -> str | None:
    return _check(errors, name, normalize_email, value) if value else None


def stored_config(provider: EmailProvider, provider_type: ProviderType) -> Any | None:
    return getattr(provider, PROVIDER_CONFIGS[provider_type])


def build_smtp(values: Mapping[str, Any], stored: SmtpConfig | None, *, extras: bool) -> Built:
    """``smtpConfig`` from the custom SMTP form. Without ``extras`` (GenAuth cloud) only the contract's fields."""
    errors: dict[str, FieldError] = {}
    notes: dict[str, str] = {}
    host_text = _text(values, "host")
    host = _check(errors, "host", check_host, host_text) if _required(errors, "host", host_text, "The host") else None
    port_value = values.get("port")
    port = None
    if port_value is None or port_value == "":
        errors["port"] = FieldError("The port is required (465 for SSL, 587 for STARTTLS).", missing=True)
    else:
        port = _check(errors, "port", lambda value: check_port(int(value)), port_value)
    ssl = bool(values.get("ssl"))
    starttls = bool(values.get("starttls")) if extras else False
    if ssl and starttls:
        errors["starttls"] = FieldError("Choose SSL or STARTTLS, not both.")
    user = _text(values, "user")
    same_target = stored is not None and (
        (stored.smtp_host or "").strip().lower(),
        stored.smtp_port,
        (stored.sender or "").strip(),
    ) == ((host or host_text).lower(), port, user)
    secret = choose_secret(
        str(values.get("password") or ""),
        stored.sender_pass if stored else None,
        same_target=same_target,
        required=bool(user),
        label="password",
    )
    if secret.error:
        errors["password"] = FieldError(secret.error, missing=secret.error.startswith("Type the"))
    from_address = reply_to = envelope_from = None
    ca_bundle = _text(values, "ca_bundle") if extras else ""
    if ca_bundle:
        _check(errors, "ca_bundle", _check_pem, ca_bundle)
    if extras:
        from_address = _optional_address(errors, "from", _text(values, "from"))
        reply_to = _optional_address(errors, "reply_to", _text(values, "reply_to"))
        envelope_from = _optional_address(errors, "envelope_from", _text(values, "envelope_from"))
    if host_text and not from_address and "@" not in user and "from" not in errors:
        notes["from"] = "No From address: mail cannot be sent until you set one" + (
            " or use a mailbox as the user name." if extras else "; use a mailbox as the user name."
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
        tls_verify=None if not extras or values.get("tls_verify", True) else False,
        ca_bundle=ca_bundle or None,
    )
    return Built(config, errors, notes)


def _check_pem(pem: str) -> None:
    try:
        tls.create_default_context().load_verify_locations(cadata=pem)
    except (tls.SSLError, ValueError):
        raise ValueError(
            "no usable certificate in it: paste the CA's PEM block, from -----BEGIN CERTIFICATE----- "
            "to -----END CERTIFICATE-----"
        ) from None


def build_exmail(values: Mapping[str, Any], stored: ExmailConfig | None) -> Built:
    """``aliExmailConfig`` / ``tencentExmailConfig``: the mailbox (also the login) and its password."""
    errors: dict[str, FieldError] = {}
    sender_text = _text(values, "sender")
    sender = (
        _check(errors, "sender", normalize_email, sender_text)
        if _required(errors, "sender", sender_text, "The mailbox address")
        else None
    )
    same_target = stored is not None and stored.sender.strip().lower() == (sender or sender_text).lower()
    secret = choose_secret(
        str(values.get("password") or ""),
        stored.sender_pass if stored else None,
        same_target=same_target,
        required=True,
        label="password",
    )
    if secret.error:
        errors["password"] = FieldError(secret.error, missing=secret.error.startswith("Type the"))
    if errors or sender is None or not secret.value:
        return Built(None, errors)
    return Built(ExmailConfig(sender=sender, sender_pass=secret.value), errors)


def build_sendgrid(values: Mapping[str, Any], stored: SendGridConfig | None) -> Built:
    """``sendGridConfig``: a verified From address and the API key (which always goes to SendGrid's API)."""
    errors: dict[str, FieldError] = {}
    sender_text = _text(values, "sender")
    sender = (
        _check(errors, "sender", normalize_email, sender_text)
        if _required(errors, "sender", sender_text, "The verified From address")
        else None
    )
    secret = choose_secret(
        str(values.get("apikey") or ""),
        stored.apikey if stored else None,
        same_target=True,
        required=True,
        label="API key",
    )
    if secret.error:
        errors["apikey"] = FieldError(secret.error, missing=True)
    if errors or sender is None or not secret.value:
        return Built(None, errors)
    return Built(SendGridConfig(sender=sender, apikey=secret.value), errors)


def build_setup(values: Mapping[str, Any], *, saved: Mapping[str, Any] | None, clear_password: bool = False) -> Built:
    """The body of the SMTP set-up API. It has no read-back: an empty password is left out, and the backend keeps
    the one it has for the same server and user; ``clear_password`` sends an empty one."""
    errors: dict[str, FieldError] = {}
    host_text = _text(values, "host")
    host = _check(errors, "host", check_host, host_text) if _required(errors, "host", host_text, "The host") else None
    from_text = _text(values, "from")
    from_address = (
        _check(errors, "from", normalize_email, from_text)
        if _required(errors, "from", from_text, "The From address")
        else None
    )
    port_value = values.get("port")
    port = _check(errors, "port", lambda value: check_port(int(value)), port_value) if port_value else None
    ssl, starttls = bool(values.get("ssl")), bool(values.get("starttls"))
    if ssl and starttls:
        errors["starttls"] = FieldError("Choose SSL or STARTTLS, not both.")
    user = _text(values, "user")
    typed = str(values.get("password") or "")
    if (
        not typed
        and not clear_password
        and saved is not None
        and (saved.get("host"), saved.get("port"), saved.get("user")) != (host or host_text, port, user)
    ):
        errors["password"] = FieldError(
            "The server or user changed since you saved: type the password again "
            "(a stored password is only used for the server and user it was saved for)."
        )
    reply_to = _optional_address(errors, "reply_to", _text(values, "reply_to"))
    envelope_from = _optional_address(errors, "envelope_from", _text(values, "envelope_from"))
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


def is_blank(provider_type: ProviderType, values: Mapping[str, Any]) -> bool:
    """Nothing typed in the form's main field: switching the provider off then sends no configuration."""
    return not _text(values, "host" if provider_type == ProviderType.CUSTOM else "sender")


def describe_provider(provider: EmailProvider) -> str:
    """The state at a glance, in one sentence."""
    kind = _provider_type(provider.type)
    if not provider.enabled:
        configured = kind is not None and stored_config(provider, kind) is not None
        suffix = f" ({PROVIDER_LABELS[kind]} is configured but switched off)" if configured and kind else ""
        return f"The platform's built-in mail service sends this tenant's mail{suffix}."
    if kind is None:
        return f"The provider {provider.type!r} sends this tenant's mail."
    config = stored_config(provider, kind)
    detail = ""
    if kind == ProviderType.CUSTOM and isinstance(config, SmtpConfig):
        security = "SSL" if config.secure else "STARTTLS" if config.starttls else "no TLS"
        if config.tls_verify is False and (config.secure or config.starttls is not False):
            security += ", certificate not verified"
        detail = f" {inert(config.smtp_host)}:{config.smtp_port} ({security})"  # the backend's words
    elif isinstance(config, ExmailConfig | SendGridConfig):
        detail = f" as {inert(config.sender)}"
        if kind in PRESET_SERVERS:
            detail += f" via {PRESET_SERVERS[kind]}"
    return f"{PROVIDER_LABELS[kind]}{detail} sends this tenant's mail."


def _provider_type(value: Any) -> ProviderType | None:
    try:
        return ProviderType(value) if value else None
    except ValueError:
        return None


# ---- widgets ------------------------------------------------------------------------------------------------------


def provider_snapshot(connection: Connection, *, refresh: bool = False) -> EmailProvider:
    """The stored provider settings, read once per session (and after each save or a reload).

    Held in this session's Python memory only: the secrets in it never reach a widget or the browser.
    """
    if refresh or "provider" not in connection.cache:
        assert connection.management is not None
        _remember(connection, call("Reading the provider settings", connection.management.get_email_provider))
    provider: EmailProvider = connection.cache["provider"]
    return provider


def _remember(connection: Connection, provider: EmailProvider) -> None:
    connection.cache["provider"] = provider
    connection.cache["provider_version"] = connection.cache.get("provider_version", 0) + 1


def sender_label(provider: EmailProvider) -> str:
    """Who sends the tenant's mail, in two or three words."""
    kind = _provider_type(provider.type)
    if not provider.enabled:
        return "Built-in mail service"
    return PROVIDER_LABELS[kind] if kind else str(provider.type)


def show_provider_state(provider: EmailProvider) -> None:
    left, right = st.columns(2)
    left.metric("Who sends now", sender_label(provider))
    right.metric("Own provider", "On" if provider.enabled else "Off")
    st.caption(describe_provider(provider))
    smtp = provider.smtp_config
    if provider.enabled and provider.type == ProviderType.CUSTOM and smtp and smtp.tls_verify is False:
        st.warning(UNVERIFIED_WARNING, icon=":material/gpp_maybe:")


def _key(prefix: str, name: str) -> str:
    return f"{prefix}.{name}"


def _init_state(values: Mapping[str, Any], *, marker: str, version: Any) -> None:
    """Put the stored values into the keyed widgets: all of them after a (re)load, else only the missing ones
    (a page left and re-entered), so that what was typed survives every rerun."""
    force = st.session_state.get(marker) != version
    for key, value in values.items():
        if force or key not in st.session_state:
            st.session_state[key] = value
    st.session_state[marker] = version


def _form_values(provider: EmailProvider) -> dict[str, Any]:
    smtp = provider.smtp_config
    values: dict[str, Any] = {
        "prov.type": _provider_type(provider.type) or ProviderType.CUSTOM,
        "prov.enabled": provider.enabled,
        "prov.custom.host": smtp.smtp_host if smtp else "",
        "prov.custom.port": smtp.smtp_port if smtp else DEFAULT_PORTS["ssl"],
        "prov.custom.ssl": smtp.secure if smtp else True,
        "prov.custom.starttls": bool(smtp.starttls) if smtp else False,
        "prov.custom.user": (smtp.sender or "") if smtp else "",
        "prov.custom.password": "",
        "prov.custom.from": (smtp.from_address or "") if smtp else "",
        "prov.custom.from_name": (smtp.from_display_name or "") if smtp else "",
        "prov.custom.reply_to": (smtp.reply_to or "") if smtp else "",
        "prov.custom.reply_to_name": (smtp.reply_to_display_name or "") if smtp else "",
        "prov.custom.envelope_from": (smtp.envelope_from or "") if smtp else "",
        "prov.custom.tls_verify": smtp.tls_verify is not False if smtp else True,
        "prov.custom.ca_bundle": (smtp.ca_bundle or "") if smtp else "",
        "prov.sendgrid.sender": provider.send_grid_config.sender if provider.send_grid_config else "",
        "prov.sendgrid.apikey": "",
    }
    for kind, name in ((ProviderType.ALI, "ali"), (ProviderType.QQ, "qq")):
        config = stored_config(provider, kind)
        values[f"prov.{name}.sender"] = config.sender if config else ""
        values[f"prov.{name}.password"] = ""
    return values


def _on_ssl(prefix: str) -> None:
    """SSL on: STARTTLS off, and the usual SSL port when the port was another mode's default."""
    if st.session_state.get(_key(prefix, "ssl")):
        st.session_state[_key(prefix, "starttls")] = False
        if st.session_state.get(_key(prefix, "port")) in (DEFAULT_PORTS["starttls"], DEFAULT_PORTS["plain"]):
            st.session_state[_key(prefix, "port")] = DEFAULT_PORTS["ssl"]


def _on_starttls(prefix: str) -> None:
    if st.session_state.get(_key(prefix, "starttls")):
        st.session_state[_key(prefix, "ssl")] = False
        if st.session_state.get(_key(prefix, "port")) in (DEFAULT_PORTS["ssl"], DEFAULT_PORTS["plain"]):
            st.session_state[_key(prefix, "port")] = DEFAULT_PORTS["starttls"]


def _show_errors(slots: Mapping[str, Any], built: Built, *, attempted: bool) -> int:
    """Each field's error under the field; a missing required value only once a save was attempted."""
    shown = 0
    for name, error in built.errors.items():
        if name in slots and (attempted or not error.missing):
            slots[name].error(error.message, icon=":material/warning:")
            shown += 1
    for name, note in built.notes.items():
        if name in slots and name not in built.errors:
            slots[name].caption(f":orange[{note}]")
    return shown


def _smtp_fields(prefix: str, stored: SmtpConfig | None, *, extras: bool) -> dict[str, Any]:
    """The custom SMTP server's widgets; returns the error slots by field."""
    slots: dict[str, Any] = {}
    host_col, port_col = st.columns([3, 1])
    with host_col:
        st.text_input("SMTP host", key=_key(prefix, "host"), placeholder="smtp.example.com")
        slots["host"] = st.empty()
    with port_col:
        st.number_input("Port", key=_key(prefix, "port"), step=1, format="%d", help="465 with SSL, 587 with STARTTLS.")
        slots["port"] = st.empty()
    ssl_col, tls_col = st.columns(2)
    with ssl_col:
        st.toggle("SSL/TLS (port 465)", key=_key(prefix, "ssl"), on_change=_on_ssl, args=(prefix,))
    with tls_col:
        st.toggle(
            "STARTTLS (port 587)",
            key=_key(prefix, "starttls"),
            on_change=_on_starttls,
            args=(prefix,),
            disabled=not extras,
            help=None if extras else "This backend does not store STARTTLS.",
        )
    slots["starttls"] = st.empty()
    user_col, pass_col = st.columns(2)
    with user_col:
        st.text_input("User name", key=_key(prefix, "user"), help="The login on the SMTP server, often a mailbox.")
        slots["user"] = st.empty()
    with pass_col:
        secret_input("Password", key=_key(prefix, "password"), stored=stored.sender_pass if stored else None)
        slots["password"] = st.empty()
    st.markdown("**Sender**")
    if not extras:
        st.caption(NO_EXTRAS_REASON)
    from_col, name_col = st.columns(2)
    with from_col:
        st.text_input("From address", key=_key(prefix, "from"), disabled=not extras, placeholder="no-reply@example.com")
        slots["from"] = st.empty()
    with name_col:
        st.text_input("From display name", key=_key(prefix, "from_name"), disabled=not extras)
    reply_col, reply_name_col = st.columns(2)
    with reply_col:
        st.text_input("Reply-To address", key=_key(prefix, "reply_to"), disabled=not extras)
        slots["reply_to"] = st.empty()
    with reply_name_col:
        st.text_input("Reply-To display name", key=_key(prefix, "reply_to_name"), disabled=not extras)
    st.text_input(
        "Envelope-From (bounce address)",
        key=_key(prefix, "envelope_from"),
        disabled=not extras,
        help="Where bounces go (MAIL FROM); empty: the From address.",
    )
    slots["envelope_from"] = st.empty()
    _trust_fields(prefix, extras=extras, slots=slots)
    return slots


def _trust_fields(prefix: str, *, extras: bool, slots: dict[str, Any]) -> None:
    """Certificate checks: on by default; a CA bundle for private servers; off only on purpose, with a warning."""
    if not extras:
        return
    st.markdown("**Certificate checks**")
    st.toggle(
        "Verify the server's certificate",
        key=_key(prefix, "tls_verify"),
        help="Checked against the system's trusted CAs and the CA bundle below.",
    )
    if not st.session_state.get(_key(prefix, "tls_verify"), True):
        st.warning(UNVERIFIED_WARNING, icon=":material/gpp_maybe:")
    with st.expander("Private certificate authority (CA bundle)"):
        st.text_area(
            "CA certificates (PEM)",
            key=_key(prefix, "ca_bundle"),
            height=120,
            placeholder="-----BEGIN CERTIFICATE-----",
            help="Trusted beside the system's CAs, for servers whose certificate a company CA issued.",
        )
    slots["ca_bundle"] = st.empty()


def _values(prefix: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: st.session_state.get(_key(prefix, name)) for name in names}


def provider_editor(connection: Connection) -> None:
    """The GenAuth provider settings: current state, type, enabled switch, the type's form, save and clear."""
    assert connection.management is not None
    show_flash()
    provider = provider_snapshot(connection)
    extras = SMTP_EXTRAS in connection.extensions()
    show_provider_state(provider)
    _init_state(_form_values(provider), marker="prov.version", version=connection.cache.get("provider_version"))

    st.subheader("Settings")
    provider_type: ProviderType = st.radio(
        "Who sends this tenant's mail",
        options=list(ProviderType),
        format_func=lambda kind: PROVIDER_LABELS[kind],
        key="prov.type",
        horizontal=True,
    )
    enabled = st.toggle(
        "Send with this provider",
        key="prov.enabled",
        help="Off: the platform's built-in mail service sends this tenant's mail; the settings below are kept.",
    )
    if not enabled:
        st.caption("Switched off: the platform's built-in mail service sends; what you save here is kept for later.")
    attempted = bool(st.session_state.get("prov.save"))
    stored = stored_config(provider, provider_type)

    with st.container(border=True):
        if provider_type == ProviderType.CUSTOM:
            slots = _smtp_fields("prov.custom", stored, extras=extras)
            values = _values("prov.custom", SMTP_FIELDS)
            built = build_smtp(values, stored, extras=extras)
        elif provider_type == ProviderType.SENDGRID:
            slots = {}
            st.caption("Mail goes through SendGrid's Web API (api.sendgrid.com) with this API key.")
            st.text_input("Verified From address", key="prov.sendgrid.sender", placeholder="no-reply@example.com")
            slots["sender"] = st.empty()
            secret_input(
                "API key", key="prov.sendgrid.apikey", stored=stored.apikey if stored else None, noun="API key"
            )
            slots["apikey"] = st.empty()
            values = _values("prov.sendgrid", SENDGRID_FIELDS)
            built = build_sendgrid(values, stored)
        else:
            name = "ali" if provider_type == ProviderType.ALI else "qq"
            slots = {}
            st.info(f"Server: {PRESET_SERVERS[provider_type]}, set by the platform.", icon=":material/dns:")
            st.text_input("Mailbox address", key=f"prov.{name}.sender", placeholder="no-reply@example.com")
            slots["sender"] = st.empty()
            secret_input("Password", key=f"prov.{name}.password", stored=stored.sender_pass if stored else None)
            slots["password"] = st.empty()
            values = _values(f"prov.{name}", EXMAIL_FIELDS)
            built = build_exmail(values, stored)
        blank_and_off = not enabled and is_blank(provider_type, values)
        _show_errors(slots, built, attempted=attempted and not blank_and_off)

    save_col, clear_col, reload_col = st.columns([1, 1, 1])
    save = save_col.button("Save", key="prov.save", type="primary", icon=":material/save:")
    can_clear = (
        provider_type == ProviderType.CUSTOM
        and provider.type == ProviderType.CUSTOM
        and provider.smtp_config is not None
        and bool(provider.smtp_config.sender_pass)
    )
    clear = clear_col.button(
        "Clear stored password",
        key="prov.clear",
        disabled=not can_clear,
        help="Remove the stored SMTP password (the server is then used without authentication)."
        if can_clear
        else "Only a stored password of the active custom SMTP server can be cleared; the other providers "
        "require one (type a new one to replace it).",
    )
    reload = reload_col.button("Reload from the backend", key="prov.reload", icon=":material/refresh:")

    conflict: Conflict | None = st.session_state.get(CONFLICT_KEY)
    choice = (
        conflict_panel(
            conflict,
            what="The provider settings",
            key=CONFLICT_KEY,
            details=lambda: show_lines(
                provider_differences(conflict.loaded, conflict.current),
                empty="No field you can see differs (a stored secret may have changed).",
            ),
        )
        if conflict is not None
        else None
    )

    connection_test_panel(connection, provider_type, built.config)

    if reload or choice == RELOAD:
        st.session_state.pop(CONFLICT_KEY, None)
        if conflict is not None and choice == RELOAD:
            _remember(connection, conflict.current)
            flash("Reloaded the stored provider settings; your edits were discarded.")
        else:
            provider_snapshot(connection, refresh=True)
        st.rerun()
    if clear:
        _clear_smtp_password(connection)
    if save or choice == OVERWRITE:
        if built.errors and not blank_and_off:
            st.error("Nothing was saved: fix the fields marked above.", icon=":material/warning:")
            return
        # The edit is based on what was loaded; after "Overwrite" / "Save anyway", on what the panel showed.
        baseline = conflict.current if conflict is not None and choice == OVERWRITE else provider
        _save(connection, provider_type, enabled, values, extras=extras, blank_and_off=blank_and_off, baseline=baseline)


def _is_stale(baseline: EmailProvider, fresh: EmailProvider) -> bool:
    """Whether the stored settings moved on from the ones the edit is based on: by version where the backend keeps
    them, else by content."""
    if baseline.version is not None:
        return fresh.version != baseline.version
    return bool(provider_changes(baseline, fresh))


def _conflict(connection: Connection, current: EmailProvider, *, versioned: bool) -> NoReturn:
    """Keep the conflict for the panel and run the page again; every widget keeps what was typed."""
    st.session_state[CONFLICT_KEY] = Conflict(
        loaded=provider_snapshot(connection),
        current=current,
        versioned=versioned,
        changed_by=who_changed(last_change(connection, AuditKind.PROVIDER, str(current.type or ""))),
    )
    st.rerun()


def _save(
    connection: Connection,
    provider_type: ProviderType,
    enabled: bool,
    values: Mapping[str, Any],
    *,
    extras: bool,
    blank_and_off: bool,
    baseline: EmailProvider,
) -> None:
    management = connection.management
    assert management is not None
    # Read what is stored now: to notice a change by someone else before anything is built against it, and to build
    # against it, so a stored secret is re-sent only if it is still the current one.
    ok, fresh = attempt("Reading the stored settings", management.get_email_provider)
    if not ok or fresh is None:
        return
    if _is_stale(baseline, fresh):
        _conflict(connection, fresh, versioned=baseline.version is not None)
    kwargs: dict[str, Any] = {}
    if not blank_and_off:
        stored = stored_config(fresh, provider_type)
        if provider_type == ProviderType.CUSTOM:
            built = build_smtp(values, stored, extras=extras)
        elif provider_type == ProviderType.SENDGRID:
            built = build_sendgrid(values, stored)
        else:
            built = build_exmail(values, stored)
        if built.config is None:
            first = next(iter(built.errors.values()), FieldError("The form is incomplete."))
            st.error(f"Nothing was saved: {first.message}", icon=":material/warning:")
            return
        kwargs[PROVIDER_CONFIGS[provider_type]] = built.config
    try:
        with st.spinner("Saving the provider settings…"):
            saved = management.config_email_provider(
                type=provider_type, enabled=enabled, version=baseline.version, **kwargs
            )
    except ConflictError:
        # Someone saved between the read above and this save.
        ok, current = attempt("Reading the stored settings", management.get_email_provider)
        if ok and current is not None:
            _conflict(connection, current, versioned=True)
        return
    except MailConsoleError as err:
        show_error(err)
        return
    st.session_state.pop(CONFLICT_KEY, None)
    _remember(connection, saved)
    flash(f"Provider settings saved. {describe_provider(saved)}")
    st.rerun()


def _clear_smtp_password(connection: Connection) -> None:
    management = connection.management
    assert management is not None
    ok, fresh = attempt("Reading the stored settings", management.get_email_provider)
    if not ok or fresh is None:
        return
    smtp = fresh.smtp_config
    if fresh.type != ProviderType.CUSTOM or smtp is None or not smtp.sender_pass:
        st.info("No SMTP password is stored; nothing to clear.")
        return
    ok, saved = attempt(
        "Clearing the stored password",
        management.config_email_provider,
        type=ProviderType.CUSTOM,
        enabled=fresh.enabled,
        smtp_config=smtp.model_copy(update={"sender_pass": ""}),
        version=fresh.version,  # what was just read, and nothing else, is what is changed
    )
    if ok and saved is not None:
        _remember(connection, saved)
        flash("The stored SMTP password was cleared.")
        st.rerun()


# ---- the SMTP set-up backend --------------------------------------------------------------------------------------


def _setup_values(saved: Mapping[str, Any] | None) -> dict[str, Any]:
    saved = saved or {}
    return {
        "setup.host": saved.get("host", ""),
        "setup.port": saved.get("port") or DEFAULT_PORTS["ssl"],
        "setup.ssl": saved.get("ssl", True),
        "setup.starttls": saved.get("starttls", False),
        "setup.user": saved.get("user", ""),
        "setup.password": "",
        "setup.from": saved.get("from", ""),
        "setup.from_name": saved.get("from_name", ""),
        "setup.reply_to": saved.get("reply_to", ""),
        "setup.reply_to_name": saved.get("reply_to_name", ""),
        "setup.envelope_from": saved.get("envelope_from", ""),
    }


def smtp_setup_editor(connection: Connection) -> None:
    """The SMTP set-up API (SSMS or SHIFT): one form; it has no read-back, so it starts from this session's save."""
    client = connection.smtp_setup
    assert client is not None
    show_flash()
    saved: dict[str, Any] | None = connection.cache.get("setup_saved")
    if saved:
        security = "SSL" if saved.get("ssl") else "STARTTLS" if saved.get("starttls") else "no TLS"
        st.caption(
            f"Saved in this session: {saved['host']}:{saved.get('port') or 'default port'} ({security}), "
            f"From {saved['from']}."
        )
    else:
        st.info(
            "This backend cannot show what it stores: the form starts empty. Saving sets the tenant's SMTP server "
            "and switches it on.",
            icon=":material/info:",
        )
    _init_state(_setup_values(saved), marker="setup.version", version=connection.cache.get("setup_version", 0))
    attempted = bool(st.session_state.get("setup.save"))
    with st.container(border=True):
        slots = _smtp_fields("setup", None, extras=True)
        st.caption(
            "Leave the password empty to keep the one the backend stores for this same server and user; "
            "use “Clear stored password” to remove it."
        )
        values = _values("setup", SMTP_FIELDS)
        built = build_setup(values, saved=saved)
        _show_errors(slots, built, attempted=attempted)
    save_col, clear_col, _ = st.columns(3)
    save = save_col.button("Save", key="setup.save", type="primary", icon=":material/save:")
    clear = clear_col.button(
        "Clear stored password",
        key="setup.clear",
        help="Save these settings with an empty password (the server is then used without authentication).",
    )
    if not (save or clear):
        return
    if clear:
        built = build_setup(values, saved=saved, clear_password=True)
    if built.config is None:
        st.error("Nothing was sent: fix the fields marked above.", icon=":material/warning:")
        _show_errors(slots, built, attempted=True)
        return
    ok, reply = attempt("Saving the SMTP settings", client.configure_smtp, built.config)
    if ok and reply is not None:
        connection.cache["setup_saved"] = {name: values.get(name) for name in SMTP_FIELDS if name != "password"} | {
            "host": built.config.host,
            "port": int(built.config.port) if built.config.port else None,
        }
        connection.cache["setup_version"] = connection.cache.get("setup_version", 0) + 1
        message = reply.message.rstrip(".")
        flash(f"{message}." + (" The stored password was cleared." if clear else ""))
        st.rerun()
