"""The GenAuth provider settings: the state at a glance, the provider type and its form, the connection test, and
save / clear / reload with the panel shown when someone else saved first.

What the form holds and how it becomes a request is the core's (``mailconsole.console.provider_form``); saving is
``save_checked``. Every widget is keyed, so nothing typed is lost when the backend refuses a save.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NoReturn

import streamlit as st

from components.conflicts import OVERWRITE, RELOAD, changed_by, conflict_panel, show_lines
from components.connection_check import connection_test_panel
from components.feedback import attempt, flash, show_flash
from components.language import _, session_language
from components.provider_state import provider_snapshot, remember_provider, show_provider_state
from components.secret_field import secret_input
from components.smtp_fields import form_values_of, init_state, show_errors, smtp_fields
from mailconsole.changes import provider_changes
from mailconsole.console.provider_form import (
    FORM_FIELDS,
    FORM_NAMES,
    PRESET_SERVERS,
    PROVIDER_LABELS,
    FormIncomplete,
    build_provider,
    describe_provider,
    initial_fields,
    is_blank,
    provider_request,
    stored_config,
)
from mailconsole.console.saving import Conflict, provider_differences, save_checked
from mailconsole.console.session import Connection
from mailconsole.i18n import translated
from mailconsole.models import AuditKind, EmailProvider, Extension, ProviderType

PREFIX = "prov"
# This session's conflict with a save by someone else (a ``Conflict``), until reloaded or overwritten.
CONFLICT_KEY = "prov.conflict"


def provider_editor(connection: Connection) -> None:
    """The GenAuth provider settings: current state, type, enabled switch, the type's form, save and clear."""
    assert connection.management is not None
    show_flash()
    provider = provider_snapshot(connection)
    extras = Extension.SMTP_EXTRAS in connection.extensions()
    show_provider_state(provider)
    start = {f"{PREFIX}.{name}": value for name, value in initial_fields(provider).items()}
    init_state(start, marker="prov.version", version=connection.data.provider_loads)

    st.subheader(_("Settings"))
    # The language of this run, fixed in the options' names: AppTest calls format_func outside the run too.
    language = session_language()
    provider_type = (
        st.radio(
            _("Who sends this tenant's mail"),
            options=list(ProviderType),
            format_func=lambda kind: translated(PROVIDER_LABELS[kind], language),
            key="prov.type",
            horizontal=True,
        )
        or ProviderType.CUSTOM
    )
    enabled = st.toggle(
        _("Send with this provider"),
        key="prov.enabled",
        help=_("Off: the platform's built-in mail service sends this tenant's mail; the settings below are kept."),
    )
    if not enabled:
        st.caption(_("Switched off: the platform's built-in mail service sends; what you save here is kept for later."))
    attempted = bool(st.session_state.get("prov.save"))
    stored = stored_config(provider, provider_type)
    form = f"{PREFIX}.{FORM_NAMES[provider_type]}"

    with st.container(border=True):
        slots = _type_fields(provider_type, form, stored, extras=extras)
        values = form_values_of(form, FORM_FIELDS[provider_type])
        built = build_provider(provider_type, values, stored, extras=extras)
        blank_and_off = not enabled and is_blank(provider_type, values)
        show_errors(slots, built, attempted=attempted and not blank_and_off)

    save_col, clear_col, reload_col = st.columns([1, 1, 1])
    save = save_col.button(_("Save"), key="prov.save", type="primary", icon=":material/save:")
    can_clear = (
        provider_type == ProviderType.CUSTOM
        and provider.type == ProviderType.CUSTOM
        and provider.smtp_config is not None
        and bool(provider.smtp_config.sender_pass)
    )
    clear = clear_col.button(
        _("Clear stored password"),
        key="prov.clear",
        disabled=not can_clear,
        help=_("Remove the stored SMTP password (the server is then used without authentication).")
        if can_clear
        else _(
            "Only a stored password of the active custom SMTP server can be cleared; the other providers "
            "require one (type a new one to replace it)."
        ),
    )
    reload = reload_col.button(_("Reload from the backend"), key="prov.reload", icon=":material/refresh:")

    conflict: Conflict[EmailProvider] | None = st.session_state.get(CONFLICT_KEY)
    choice = (
        conflict_panel(
            conflict,
            what=_("The provider settings"),
            key=CONFLICT_KEY,
            details=lambda: show_lines(
                provider_differences(conflict.loaded, conflict.current),
                empty=_("No field you can see differs (a stored secret may have changed)."),
            ),
        )
        if conflict is not None
        else None
    )

    connection_test_panel(connection, provider_type, built.config)

    if reload or choice == RELOAD:
        st.session_state.pop(CONFLICT_KEY, None)
        if conflict is not None and choice == RELOAD:
            remember_provider(connection, conflict.current)
            flash(_("Reloaded the stored provider settings; your edits were discarded."))
        else:
            provider_snapshot(connection, refresh=True)
        st.rerun()
    if clear:
        _clear_smtp_password(connection)
    if save or choice == OVERWRITE:
        if built.errors and not blank_and_off:
            st.error(_("Nothing was saved: fix the fields marked above."), icon=":material/warning:")
            return
        # The edit is based on what was loaded; after "Overwrite" / "Save anyway", on what the panel showed.
        baseline = conflict.current if conflict is not None and choice == OVERWRITE else provider
        _save(connection, provider_type, enabled, values, extras=extras, blank_and_off=blank_and_off, baseline=baseline)


def _type_fields(provider_type: ProviderType, form: str, stored: Any | None, *, extras: bool) -> dict[str, Any]:
    """The widgets of one provider type's form; returns the error slots by field."""
    if provider_type == ProviderType.CUSTOM:
        return smtp_fields(form, stored, extras=extras)
    slots: dict[str, Any] = {}
    if provider_type == ProviderType.SENDGRID:
        st.caption(_("Mail goes through SendGrid's Web API (api.sendgrid.com) with this API key."))
        st.text_input(_("Verified From address"), key=f"{form}.sender", placeholder="no-reply@example.com")
        slots["sender"] = st.empty()
        secret_input(_("API key"), key=f"{form}.apikey", stored=stored.apikey if stored else None, api_key=True)
        slots["apikey"] = st.empty()
        return slots
    st.info(_("Server: {server}, set by the platform.", server=PRESET_SERVERS[provider_type]), icon=":material/dns:")
    st.text_input(_("Mailbox address"), key=f"{form}.sender", placeholder="no-reply@example.com")
    slots["sender"] = st.empty()
    secret_input(_("Password"), key=f"{form}.password", stored=stored.sender_pass if stored else None)
    slots["password"] = st.empty()
    return slots


def _save(
    connection: Connection,
    provider_type: ProviderType,
    enabled: bool,
    values: dict[str, Any],
    *,
    extras: bool,
    blank_and_off: bool,
    baseline: EmailProvider,
) -> None:
    management = connection.management
    assert management is not None

    def save(stored_now: EmailProvider | None) -> EmailProvider:
        assert stored_now is not None  # read first: the request is built against what is stored now
        request = provider_request(provider_type, values, stored_now, extras=extras, blank_and_off=blank_and_off)
        return management.config_email_provider(
            type=provider_type, enabled=enabled, version=baseline.version, **request
        )

    try:
        outcome: EmailProvider | Conflict[EmailProvider] | None = attempt(
            _("Saving the provider settings"),
            save_checked,
            loaded=provider_snapshot(connection),
            baseline=baseline,
            read=management.get_email_provider,
            changed=lambda before, after: bool(provider_changes(before, after)),
            save=save,
            read_first=True,
        )
    except FormIncomplete as err:
        st.error(_("Nothing was saved: {problem}", problem=err), icon=":material/warning:")
        return
    if outcome is None:
        return
    if isinstance(outcome, Conflict):
        _conflict(connection, outcome)
    st.session_state.pop(CONFLICT_KEY, None)
    remember_provider(connection, outcome)
    flash(_("Provider settings saved. {state}", state=describe_provider(outcome)))
    st.rerun()


def _conflict(connection: Connection, conflict: Conflict[EmailProvider]) -> NoReturn:
    """Keep the conflict for the panel and run the page again; every widget keeps what was typed."""
    by = changed_by(connection, AuditKind.PROVIDER, str(conflict.current.type or ""))
    st.session_state[CONFLICT_KEY] = replace(conflict, changed_by=by)
    st.rerun()


def _clear_smtp_password(connection: Connection) -> None:
    management = connection.management
    assert management is not None
    fresh = attempt(_("Reading the stored settings"), management.get_email_provider)
    if fresh is None:
        return
    smtp = fresh.smtp_config
    if fresh.type != ProviderType.CUSTOM or smtp is None or not smtp.sender_pass:
        st.info(_("No SMTP password is stored; nothing to clear."))
        return
    saved = attempt(
        _("Clearing the stored password"),
        management.config_email_provider,
        type=ProviderType.CUSTOM,
        enabled=fresh.enabled,
        smtp_config=smtp.model_copy(update={"sender_pass": ""}),
        version=fresh.version,  # what was just read, and nothing else, is what is changed
    )
    if saved is not None:
        remember_provider(connection, saved)
        flash(_("The stored SMTP password was cleared."))
        st.rerun()
