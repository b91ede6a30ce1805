"""The one form of an SMTP set-up backend (SSMS or SHIFT URL form): it has no read-back, so it starts from this
session's save."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.feedback import attempt, flash, show_flash
from components.language import _
from components.smtp_fields import form_values_of, init_state, show_errors, smtp_fields
from mailconsole.console.provider_form import DEFAULT_PORTS, SMTP_FIELDS, build_setup
from mailconsole.console.session import Connection


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
    saved = connection.data.smtp_setup_saved
    if saved:
        security = "SSL" if saved.get("ssl") else "STARTTLS" if saved.get("starttls") else _("no TLS")
        st.caption(
            _(
                "Saved in this session: {host}:{port} ({security}), From {sender}.",
                host=saved["host"],
                port=saved.get("port") or _("default port"),
                security=security,
                sender=saved["from"],
            )
        )
    else:
        st.info(
            _(
                "This backend cannot show what it stores: the form starts empty. Saving sets the tenant's SMTP "
                "server and switches it on."
            ),
            icon=":material/info:",
        )
    init_state(_setup_values(saved), marker="setup.version", version=connection.data.smtp_setup_saves)
    attempted = bool(st.session_state.get("setup.save"))
    with st.container(border=True):
        slots = smtp_fields("setup", None, extras=True)
        st.caption(
            _(
                "Leave the password empty to keep the one the backend stores for this same server and user, over no "
                "weaker encryption; use “Clear stored password” to remove it."
            )
        )
        values = form_values_of("setup", SMTP_FIELDS)
        built = build_setup(values, saved=saved)
        show_errors(slots, built, attempted=attempted)
    save_col, clear_col, _spare = st.columns(3)
    save = save_col.button(_("Save"), key="setup.save", type="primary", icon=":material/save:")
    clear = clear_col.button(
        _("Clear stored password"),
        key="setup.clear",
        help=_("Save these settings with an empty password (the server is then used without authentication)."),
    )
    if not (save or clear):
        return
    if clear:
        built = build_setup(values, saved=saved, clear_password=True)
    if built.config is None:
        st.error(_("Nothing was sent: fix the fields marked above."), icon=":material/warning:")
        show_errors(slots, built, attempted=True)
        return
    reply = attempt(_("Saving the SMTP settings"), client.configure_smtp, built.config)
    if reply is not None:
        connection.data.smtp_setup_saved = {name: values.get(name) for name in SMTP_FIELDS if name != "password"} | {
            "host": built.config.host,
            "port": int(built.config.port) if built.config.port else None,
        }
        connection.data.smtp_setup_saves += 1
        # The SMTP set-up API's own message, in English as its contract documents it (quoted in Chinese).
        message = reply.message.rstrip(".")
        if clear:
            flash(_("{reply}. The stored password was cleared.", reply=message))
        else:
            flash(_("{reply}.", reply=message))
        st.rerun()
