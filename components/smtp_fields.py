"""The widgets of an SMTP server's settings, shared by the provider form and the SMTP set-up API's form: keyed
fields that keep what was typed across reruns, each with a slot under it for its error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.language import _, say
from components.provider_state import unverified_warning
from components.secret_field import secret_input
from mailconsole.console.provider_form import DEFAULT_PORTS, Built, mode_for_port
from mailconsole.models import SmtpConfig


def field_key(prefix: str, name: str) -> str:
    return f"{prefix}.{name}"


def init_state(values: Mapping[str, Any], *, marker: str, version: Any) -> None:
    """Put the stored values into the keyed widgets: all of them after a (re)load, else only the missing ones
    (a page left and re-entered), so that what was typed survives every rerun."""
    force = st.session_state.get(marker) != version
    for key, value in values.items():
        if force or key not in st.session_state:
            st.session_state[key] = value
    st.session_state[marker] = version


def _on_port(prefix: str, extras: bool) -> None:
    """A usual port (465, 587, 25) switches SSL and STARTTLS to its mode; any other port leaves them."""
    mode = mode_for_port(st.session_state.get(field_key(prefix, "port")))
    if mode is None:
        return
    st.session_state[field_key(prefix, "ssl")] = mode == "ssl"
    if extras:  # else STARTTLS cannot be stored, and its switch stays off
        st.session_state[field_key(prefix, "starttls")] = mode == "starttls"


def _on_ssl(prefix: str) -> None:
    """SSL on: STARTTLS off, and the usual SSL port when the port was another mode's default."""
    if st.session_state.get(field_key(prefix, "ssl")):
        st.session_state[field_key(prefix, "starttls")] = False
        if st.session_state.get(field_key(prefix, "port")) in (DEFAULT_PORTS["starttls"], DEFAULT_PORTS["plain"]):
            st.session_state[field_key(prefix, "port")] = DEFAULT_PORTS["ssl"]


def _on_starttls(prefix: str) -> None:
    if st.session_state.get(field_key(prefix, "starttls")):
        st.session_state[field_key(prefix, "ssl")] = False
        if st.session_state.get(field_key(prefix, "port")) in (DEFAULT_PORTS["ssl"], DEFAULT_PORTS["plain"]):
            st.session_state[field_key(prefix, "port")] = DEFAULT_PORTS["starttls"]


def show_errors(slots: Mapping[str, Any], built: Built, *, attempted: bool) -> int:
    """Each field's error under the field; a missing required value only once a save was attempted."""
    shown = 0
    for name, error in built.errors.items():
        if name in slots and (attempted or not error.missing):
            slots[name].error(say(error.text), icon=":material/warning:")
            shown += 1
    for name, note in built.hints.items():
        if name in slots and name not in built.errors:
            slots[name].caption(f":orange[{say(note)}]")
    return shown


def smtp_fields(prefix: str, stored: SmtpConfig | None, *, extras: bool) -> dict[str, Any]:
    """The custom SMTP server's widgets; returns the error slots by field."""
    slots: dict[str, Any] = {}
    host_col, port_col = st.columns([3, 1])
    with host_col:
        st.text_input(_("SMTP host"), key=field_key(prefix, "host"), placeholder="smtp.example.com")
        slots["host"] = st.empty()
    with port_col:
        st.number_input(
            _("Port"),
            key=field_key(prefix, "port"),
            step=1,
            format="%d",
            help=_("465 with SSL, 587 with STARTTLS, 25 without: the switches follow these ports."),
            on_change=_on_port,
            args=(prefix, extras),
        )
        slots["port"] = st.empty()
    ssl_col, tls_col = st.columns(2)
    with ssl_col:
        st.toggle(_("SSL/TLS (port 465)"), key=field_key(prefix, "ssl"), on_change=_on_ssl, args=(prefix,))
    with tls_col:
        st.toggle(
            _("STARTTLS (port 587)"),
            key=field_key(prefix, "starttls"),
            on_change=_on_starttls,
            args=(prefix,),
            disabled=not extras,
            help=None if extras else _("This backend does not store STARTTLS."),
        )
    slots["starttls"] = st.empty()
    user_col, pass_col = st.columns(2)
    with user_col:
        st.text_input(
            _("User name"), key=field_key(prefix, "user"), help=_("The login on the SMTP server, often a mailbox.")
        )
        slots["user"] = st.empty()
    with pass_col:
        secret_input(_("Password"), key=field_key(prefix, "password"), stored=stored.sender_pass if stored else None)
        slots["password"] = st.empty()
    st.markdown(_("**Sender**"))
    if not extras:
        st.caption(
            _(
                "This backend does not store From, Reply-To, Envelope-From or STARTTLS (GenAuth cloud has no such "
                "fields; only the embedded mailconsole service keeps them), so they are switched off here. Mail goes "
                "out From the user name."
            )
        )
    from_col, name_col = st.columns(2)
    with from_col:
        st.text_input(
            _("From address"), key=field_key(prefix, "from"), disabled=not extras, placeholder="no-reply@example.com"
        )
        slots["from"] = st.empty()
    with name_col:
        st.text_input(_("From display name"), key=field_key(prefix, "from_name"), disabled=not extras)
        slots["from_name"] = st.empty()
    reply_col, reply_name_col = st.columns(2)
    with reply_col:
        st.text_input(_("Reply-To address"), key=field_key(prefix, "reply_to"), disabled=not extras)
        slots["reply_to"] = st.empty()
    with reply_name_col:
        st.text_input(_("Reply-To display name"), key=field_key(prefix, "reply_to_name"), disabled=not extras)
        slots["reply_to_name"] = st.empty()
    st.text_input(
        _("Envelope-From (bounce address)"),
        key=field_key(prefix, "envelope_from"),
        disabled=not extras,
        help=_("Where bounces go (MAIL FROM); empty: the From address."),
    )
    slots["envelope_from"] = st.empty()
    _trust_fields(prefix, extras=extras, slots=slots)
    return slots


def _trust_fields(prefix: str, *, extras: bool, slots: dict[str, Any]) -> None:
    """Certificate checks: on by default; a CA bundle for private servers; off only on purpose, with a warning."""
    if not extras:
        return
    st.markdown(_("**Certificate checks**"))
    st.toggle(
        _("Verify the server's certificate"),
        key=field_key(prefix, "tls_verify"),
        help=_("Checked against the system's trusted CAs and the CA bundle below."),
    )
    if not st.session_state.get(field_key(prefix, "tls_verify"), True):
        st.warning(unverified_warning(), icon=":material/gpp_maybe:")
    with st.expander(_("Private certificate authority (CA bundle)")):
        st.text_area(
            _("CA certificates (PEM)"),
            key=field_key(prefix, "ca_bundle"),
            height=120,
            placeholder="-----BEGIN CERTIFICATE-----",
            help=_("Trusted beside the system's CAs, for servers whose certificate a company CA issued."),
        )
    slots["ca_bundle"] = st.empty()


def form_values_of(prefix: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: st.session_state.get(field_key(prefix, name)) for name in names}
