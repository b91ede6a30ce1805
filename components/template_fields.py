"""The fields of the template being edited above its body: name, customisation, subject, sender (with what a
recipient really sees), validity, engine and redirect; and the warning when the body is written for the other
engine."""

from __future__ import annotations

import streamlit as st

from components.language import _
from components.template_list import ENGINE_LABELS
from components.template_state import load_draft
from mailconsole.catalog import REDIRECT_TYPES, VERIFICATION_TYPES
from mailconsole.console.drafts import Draft, Preview, engine_mismatch, with_builtin
from mailconsole.console.session import Connection


def _sender_help() -> str:
    return _(
        "The From name recipients see. It wins over the provider's From display name (Provider page), which is used "
        "only when this renders empty; the From address always comes from the provider settings. In a real send "
        "{client_name} and {app_name} are your application's name: the preview uses it on the embedded service, "
        "and the sample context's values elsewhere.",
        client_name="{{client_name}}",
        app_name="{{app_name}}",
    )


def template_fields(keys: dict[str, str], saved: Draft, preview: Preview) -> None:
    name_col, switch_col = st.columns([3, 2])
    name_col.text_input(_("Name"), key=keys["name"])
    with switch_col:
        st.toggle(
            _("Customised"),
            key=keys["customize_enabled"],
            help=_("customizeEnabled. Off: the platform sends its built-in mail for this type."),
        )
    st.text_input(_("Subject"), key=keys["subject"])
    subject_error = st.empty()
    if "subject" in preview.errors:
        subject_error.error(
            _("Subject: {error}", error=preview.errors["subject"].described()), icon=":material/code_off:"
        )
    st.text_input(_("Sender display name (the From name)"), key=keys["sender"], help=_sender_help())
    sender_error = st.empty()
    if "sender" in preview.errors:
        sender_error.error(_("Sender: {error}", error=preview.errors["sender"].described()), icon=":material/code_off:")
    engine_col, extra_col = st.columns(2)
    if saved.template_type in VERIFICATION_TYPES:
        with extra_col:
            st.number_input(
                _("Valid for (seconds, expiresIn)"),
                key=keys["expires_in"],
                min_value=1,
                step=60,
                help=_(
                    "How long the code or link works. Templates print it in minutes ({expires_in}).",
                    expires_in="{{expires_in}}",
                ),
            )
    with engine_col:
        st.radio(
            _("Engine"),
            options=list(ENGINE_LABELS),
            format_func=lambda value: ENGINE_LABELS[value],
            key=keys["tpl_engine"],
            horizontal=True,
        )
    if saved.template_type in REDIRECT_TYPES:
        st.text_input(
            _("Redirect after verification (redirectTo)"),
            key=keys["redirect_to"],
            placeholder="https://example.com/welcome",
        )


def engine_warning(connection: Connection, keys: dict[str, str], draft: Draft) -> bool:
    """Under the editor: a body written for the other engine prints its tags as text. Offer the built-in body in
    the chosen engine, or keeping the text. True when the warning is shown."""
    written = engine_mismatch(draft)
    if written is None or st.session_state.get(keys["keep_text"]) == draft.tpl_engine:
        return False
    engine = ENGINE_LABELS[draft.tpl_engine]
    st.warning(
        _(
            "The body is written for {written}, but the engine is {engine}: {engine} prints its tags as plain text, "
            "and the checks cannot see them.",
            written=ENGINE_LABELS[written],
            engine=engine,
        ),
        icon=":material/swap_horiz:",
    )
    load_col, keep_col = st.columns(2)
    if load_col.button(
        _("Load the built-in body in {engine}", engine=engine),
        key=f"tpl.{draft.template_type.value}.load_builtin_engine",
        help=_("Replaces subject, sender and body with this product's built-in ones, as an unsaved draft."),
    ):
        load_draft(connection, with_builtin(draft, draft.tpl_engine, connection.mail_language()))
        st.rerun()
    if keep_col.button(_("Keep my text"), key=f"tpl.{draft.template_type.value}.keep_text"):
        st.session_state[keys["keep_text"]] = draft.tpl_engine
        st.rerun()
    return True
