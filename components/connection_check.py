"""The connection test on the provider page: the settings being edited, tried step by step, nothing sent.

Each step shows pass or fail, the server's own reply and a one-sentence hint. The last report stays on the page
(in this session) until the settings are tested again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.feedback import attempt
from components.language import _
from mailconsole.console.markdown import inert
from mailconsole.console.session import Connection
from mailconsole.models import PROVIDER_CONFIGS, ConnectionReport, ConnectionStep, Extension, ProviderType


def step_labels() -> dict[str, str]:
    """The steps' names in the session's language (a step the console does not know shows its id)."""
    return {
        "resolve": _("Resolve the host"),
        "connect": _("Connect"),
        "tls": _("TLS handshake"),
        "greeting": _("Server greeting"),
        "ehlo": "EHLO",
        "starttls": "STARTTLS",
        "auth": _("Log in (AUTH)"),
        "mail_from": "MAIL FROM",
        "rcpt_to": "RCPT TO",
        "api_key": _("API key"),
    }


_REPORT_KEY = "prov.test.report"


def connection_test_panel(connection: Connection, provider_type: ProviderType, config: Any | None) -> None:
    """``config``: the request model built from the form, or None while the form has errors."""
    if Extension.CONNECTION_TEST not in connection.extensions():
        st.caption(_("The connection test needs the embedded mailconsole service; this backend does not offer it."))
        return
    with st.container(border=True):
        st.markdown(_("**Connection test**"))
        st.caption(_("Tries the settings above as they are now, saved or not. Nothing is sent."))
        recipient = ""
        if provider_type != ProviderType.SENDGRID:
            recipient = st.text_input(
                _("Also check a recipient (optional)"),
                key="prov.test.recipient",
                placeholder="someone@example.com",
                help=_("Says MAIL FROM and RCPT TO for this address, then RSET: the server's answer, no mail."),
            )
        if st.button(_("Test connection"), key="prov.test", icon=":material/network_check:"):
            _run(connection, provider_type, config, recipient.strip())
        report = st.session_state.get(_REPORT_KEY)
        if isinstance(report, ConnectionReport):
            show_report(report)


def _run(connection: Connection, provider_type: ProviderType, config: Any | None, recipient: str) -> None:
    st.session_state.pop(_REPORT_KEY, None)
    if config is None:
        st.error(
            _("Fix the fields marked above first: there is nothing complete to test yet."), icon=":material/warning:"
        )
        return
    management = connection.management
    assert management is not None
    report = attempt(
        _("Testing the connection"),
        management.test_email_provider,
        type=provider_type,
        probe_recipient=recipient or None,
        **{PROVIDER_CONFIGS[provider_type]: config},
    )
    if report is not None:
        st.session_state[_REPORT_KEY] = report


def show_report(report: ConnectionReport) -> None:
    for step in report.steps:
        _show_step(step)
    if report.ok:
        st.success(_("Every step passed; nothing was sent."), icon=":material/check_circle:")
    else:
        failed = report.steps[-1] if report.steps else None
        hint = inert(failed.hint) if failed and failed.hint else ""  # the backend's words, in the session's language
        if failed is None:
            st.error(_("The test stopped at the start. {hint}", hint=hint).strip())
        else:
            where = step_labels().get(failed.name, failed.name)
            st.error(_("The test stopped at **{step}**. {hint}", step=where, hint=hint).strip())


def _show_step(step: ConnectionStep) -> None:
    icon = ":green[:material/check_circle:]" if step.ok else ":red[:material/cancel:]"
    label = step_labels().get(step.name, step.name)
    lines = [f"{icon} " + _("**{step}**: {detail}", step=label, detail=_plain(step.detail))]
    if step.reply:
        lines.append(_("server replied `{reply}`", reply=_code(step.reply)))
    st.markdown("  \n".join(lines))
    if step.hint:
        st.caption(("" if step.ok else ":red[") + _plain(step.hint) + ("" if step.ok else "]"))


def _plain(text: str) -> str:
    """Server text is untrusted: shown literally, never as Markdown or HTML."""
    for character in "\\`*_{}[]<>()#+-.!|~:$":
        text = text.replace(character, "\\" + character)
    return text


def _code(text: str) -> str:
    return text.replace("`", "'")
