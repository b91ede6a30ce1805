"""The tenant's provider settings as this session read them, and their state at a glance."""

from __future__ import annotations

import streamlit as st

from components.feedback import call
from components.language import _, say
from mailconsole.console.provider_form import describe_provider, sender_label
from mailconsole.console.session import Connection
from mailconsole.models import EmailProvider, ProviderType


def unverified_warning() -> str:
    return _(
        "Certificate verification is off: anyone on the network path could pose as this server and read the "
        "password. Use it only for a self-signed test server; for a private CA, paste the CA's certificate instead."
    )


def provider_snapshot(connection: Connection, *, refresh: bool = False) -> EmailProvider:
    """The stored provider settings, read once per session (and after each save or a reload).

    Held in this session's Python memory only: the secrets in it never reach a widget or the browser.
    """
    if refresh or connection.data.provider is None:
        assert connection.management is not None
        remember_provider(
            connection, call(_("Reading the provider settings"), connection.management.get_email_provider)
        )
    assert connection.data.provider is not None
    return connection.data.provider


def remember_provider(connection: Connection, provider: EmailProvider) -> None:
    connection.data.provider = provider
    connection.data.provider_loads += 1


def show_provider_state(provider: EmailProvider) -> None:
    left, right = st.columns(2)
    left.metric(_("Who sends now"), say(sender_label(provider)))
    right.metric(_("Own provider"), _("On") if provider.enabled else _("Off"))
    st.caption(say(describe_provider(provider)))
    smtp = provider.smtp_config
    if provider.enabled and provider.type == ProviderType.CUSTOM and smtp and smtp.tls_verify is False:
        st.warning(unverified_warning(), icon=":material/gpp_maybe:")
