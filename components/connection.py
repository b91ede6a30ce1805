"""Which backend and tenant this browser session speaks to: the tenant switch and badge in the sidebar, and the
session's ``Connection`` (``mailconsole.console.session``).

Tenants come from the environment and ``.streamlit/secrets.toml`` (see ``mailconsole.console.tenants`` for the
keys and which comes first). With none configured, the embedded service is started inside this process on a
loopback port (once per process, ``st.cache_resource``), with its data under ``MAILCONSOLE_DATA_DIR`` (default
``.mailconsole`` in the working directory), and the console connects to it like to any remote.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import streamlit as st

from components.language import _, say, session_language
from mailconsole.console.session import CHOSEN_KEY, CONNECTION_KEY, TENANT_KEY, Connection, connect, is_page_state
from mailconsole.console.tenants import (
    EMBEDDED,
    SECRETS_FILE,
    ConfigError,
    ConsoleSettings,
    TenantConfig,
    tenants_and_problems,
)
from mailconsole.i18n import Language, Text
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import console_service_settings


def read_secrets() -> tuple[dict[str, Any], str | None]:
    """The content of ``st.secrets`` as a plain dict, and a problem when the file exists but cannot be read.

    ``st.secrets`` raises when no secrets file exists; that simply means "nothing configured there".
    """
    try:
        return dict(st.secrets.to_dict()), None
    except Exception as err:
        if str(err).startswith("No secrets found"):
            return {}, None
        # Never echo the file: it holds secrets. Its path and the kind of fault are enough.
        return {}, _("The secrets file ({file}) could not be read; check that it is valid TOML.", file=SECRETS_FILE)


def configured_tenants() -> tuple[list[TenantConfig], list[Text | str]]:
    secrets, problem = read_secrets()
    tenants, found = tenants_and_problems(os.environ, secrets)
    problems: list[Text | str] = [problem] if problem else []
    return tenants or [EMBEDDED], problems + list(found)


# The spinner is the caller's, in the session's language (a decorator's text is fixed at import).
@st.cache_resource(show_spinner=False)
def embedded_service(directory: str, _language: Language) -> RunningService:
    """The embedded service of this process. Every session of the process administers its one user pool, so it is
    shared; the clients that hold its credentials are still made per session. A new pool writes its mails in the
    language of the session that started the service (``_language``, not part of the cache key)."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    return start_service(console_service_settings(Path(directory), _language))


def _embedded() -> tuple[RunningService, Path]:
    directory = ConsoleSettings().data_dir.resolve()
    with st.spinner(_("Starting the built-in email service…")):
        return embedded_service(str(directory), session_language()), directory


def _choose_tenant() -> None:
    st.session_state[CHOSEN_KEY] = st.session_state[TENANT_KEY]


def _drop_page_state() -> None:
    for key in list(st.session_state.keys()):
        if is_page_state(str(key)):
            del st.session_state[key]


def setup_connection(*, actor: str | None = None) -> Connection:
    """For the entry file: the tenant switch and the backend/tenant badge in the sidebar, and this session's
    connection, whose management client names ``actor`` (the signed-in admin, ``sign_in.current_admin_email()``, or
    ``LOCAL_ADMIN`` on a loopback console without sign-in).
    A tenant that is configured wrongly stops the page with one sentence saying what to set."""
    tenants, problems = configured_tenants()
    by_name = {tenant.name: tenant for tenant in tenants}
    # The choice lives in a key of its own: a widget's fresh value does not survive st.switch_page, which the
    # overview uses to forward an SMTP set-up tenant to its one page.
    name = st.session_state.get(CHOSEN_KEY)
    if name not in by_name:
        name = tenants[0].name
    st.session_state[CHOSEN_KEY] = name
    with st.sidebar:
        if len(tenants) > 1:
            st.session_state[TENANT_KEY] = name
            st.selectbox(
                _("Tenant"),
                options=list(by_name),
                key=TENANT_KEY,
                on_change=_choose_tenant,
                help=_("The tenants configured in the environment and in .streamlit/secrets.toml."),
            )
        for problem in problems:
            st.warning(say(problem))
    chosen = by_name[name]

    connection: Connection | None = st.session_state.get(CONNECTION_KEY)
    if (
        connection is None
        or connection.tenant.name != chosen.name
        or connection.tenant.source != chosen.source
        or connection.actor != actor
    ):
        if connection is not None:
            connection.close()
            _drop_page_state()
        try:
            connection = connect(chosen, actor=actor, embedded=_embedded, language=session_language())
        except ConfigError as err:
            st.session_state.pop(CONNECTION_KEY, None)
            st.error(_("{problem} Then reload the page.", problem=err.text), icon=":material/settings:")
            st.stop()
        st.session_state[CONNECTION_KEY] = connection

    connection.speak(session_language())
    _show_badge(connection)
    return connection


def _show_badge(connection: Connection) -> None:
    """Always visible: which backend and which tenant this session is working on."""
    # Ask once what the backend is (embedded service or not); a backend that is down is reported by the page.
    if connection.management is not None and not connection.data.service_info_known:
        with st.spinner(_("Connecting to the backend…")):
            connection.extensions()
    # One element, drawn on every run of every page: five took 0.3 ms of each run. No colour directive around
    # the values: an IPv6 host's "]" would end it.
    lines = [_("**Tenant** `{name}`", name=connection.tenant.name)]
    if connection.tenant_id:
        if connection.is_smtp_setup:
            tenant_id = _("Tenant id: `{id}`", id=connection.tenant_id)
        else:
            tenant_id = _("User pool: `{id}`", id=connection.tenant_id)
        lines.append(tenant_id)
    lines.append(_("**Backend** {backend}", backend=connection.backend_name()))
    lines.append(f"`{connection.host}`")
    if connection.embedded_data_dir is not None:
        lines.append(_("Data: `{directory}`", directory=connection.embedded_data_dir))
    st.sidebar.markdown("  \n".join(lines))


def current_connection() -> Connection:
    """For pages: this session's connection, made by the entry file before it runs the page."""
    connection: Connection | None = st.session_state.get(CONNECTION_KEY)
    assert connection is not None, "pages run through console_app.py, which connects first"
    return connection
