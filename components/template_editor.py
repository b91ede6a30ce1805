"""The workbench of one template: its fields, the body in an Ace editor, and beside it the live preview
(``template_preview``); the actions below (``template_actions``). What is edited and how it renders is the core's
(``mailconsole.console.drafts``); this module only draws it."""

from __future__ import annotations

import streamlit as st
from streamlit_ace import st_ace

from components.feedback import show_flash
from components.template_actions import template_actions
from components.template_list import ENGINE_LABELS
from components.template_preview import checks, previews
from components.template_state import current_draft, editor_keys, sample_context_of
from mailconsole.catalog import DEFAULT_EXPIRES_IN, REDIRECT_TYPES, TEMPLATE_TITLES, VERIFICATION_TYPES
from mailconsole.console.drafts import Draft, Preview, annotations_for, render_draft
from mailconsole.console.session import Connection
from mailconsole.models import EmailTemplate, TemplateEngine
from mailconsole.rendering import TemplateLimitError, lint_template

ACE_LANGUAGES = {TemplateEngine.HANDLEBAR.value: "handlebars", TemplateEngine.EJS.value: "ejs"}
UNSAVED = "● Unsaved changes"


def template_workbench(connection: Connection, template: EmailTemplate) -> None:
    management = connection.management
    assert management is not None
    saved = Draft.of(template)
    template_type = saved.template_type
    keys = editor_keys(template_type)
    initial = {
        "name": saved.name,
        "subject": saved.subject,
        "sender": saved.sender,
        "customize_enabled": saved.customize_enabled,
        "expires_in": saved.expires_in or DEFAULT_EXPIRES_IN,
        "redirect_to": saved.redirect_to or "",
        "tpl_engine": saved.tpl_engine,
    }
    for name, value in initial.items():
        if keys[name] not in st.session_state:
            st.session_state[keys[name]] = value

    draft = current_draft(saved, keys)
    context, context_error = sample_context_of(keys, saved)
    preview = render_draft(draft, context)
    if preview.ok:
        st.session_state[keys["last_good"]] = preview
    findings = lint_template(draft.content, draft.tpl_engine, template_type, subject=draft.subject, sender=draft.sender)
    dirty = draft != saved

    show_flash()
    title = TEMPLATE_TITLES[template_type]
    state_line = (
        f"`{template_type.value}` · {'customised' if template.customize_enabled else 'default (built-in mail)'} · "
        f"{ENGINE_LABELS[saved.tpl_engine]}"
    )
    st.markdown(f"#### {title}")
    st.caption(state_line)
    # Slots that exist on every run, filled or not, keep the editor where it is (see feedback.show_flash).
    marker = st.empty()
    if dirty:
        marker.markdown(f":orange[**{UNSAVED}**]")

    edit_col, preview_col = st.columns([1, 1.2], gap="large")
    with edit_col:
        _fields(keys, saved, preview)
        language = ACE_LANGUAGES[draft.tpl_engine]
        st.markdown(f"**Body** ({ENGINE_LABELS[draft.tpl_engine]} HTML)")
        content_error = preview.errors.get("content")
        error_slot = st.empty()  # above the editor, present on every run (see feedback.show_flash)
        if content_error is not None:
            if isinstance(content_error, TemplateLimitError):
                kind = "The body was stopped"
            elif "content" in preview.compile_errors:
                kind = "The body does not compile"
            else:
                kind = "The body fails to render"
            error_slot.error(f"{kind}: {content_error}", icon=":material/code_off:")
        st_ace(
            value=saved.content,
            language=language,
            theme="chrome",
            keybinding="vscode",
            height=560,
            font_size=13,
            tab_size=2,
            wrap=True,
            show_gutter=True,
            annotations=annotations_for(content_error if "content" in preview.compile_errors else None, findings),
            auto_update=True,
            key=keys["content"],
        )
        if not draft.customize_enabled:
            st.caption(
                "Customisation is off: the platform sends its built-in mail for this type. Turn it on to send this one."
            )

    with preview_col:
        previews(management, keys, draft, preview, context_error)
        checks(findings, preview)

    template_actions(connection, keys, template, saved, draft, preview, dirty)


def _fields(keys: dict[str, str], saved: Draft, preview: Preview) -> None:
    name_col, switch_col = st.columns([3, 2])
    name_col.text_input("Name", key=keys["name"])
    with switch_col:
        st.toggle(
            "Customised",
            key=keys["customize_enabled"],
            help="customizeEnabled. Off: the platform sends its built-in mail for this type.",
        )
    st.text_input("Subject", key=keys["subject"])
    subject_error = st.empty()
    if "subject" in preview.errors:
        subject_error.error(f"Subject: {preview.errors['subject']}", icon=":material/code_off:")
    st.text_input("Sender display name", key=keys["sender"], help="Often {{client_name}}, the application's name.")
    sender_error = st.empty()
    if "sender" in preview.errors:
        sender_error.error(f"Sender: {preview.errors['sender']}", icon=":material/code_off:")
    verification = saved.template_type in VERIFICATION_TYPES
    engine_col, extra_col = st.columns(2)
    if verification:
        with extra_col:
            st.number_input(
                "Valid for (seconds, expiresIn)",
                key=keys["expires_in"],
                min_value=1,
                step=60,
                help="How long the code or link works. Templates print it in minutes ({{expires_in}}).",
            )
    with engine_col:
        st.radio(
            "Engine",
            options=list(ENGINE_LABELS),
            format_func=lambda value: ENGINE_LABELS[value],
            key=keys["tpl_engine"],
            horizontal=True,
        )
    if saved.template_type in REDIRECT_TYPES:
        st.text_input(
            "Redirect after verification (redirectTo)",
            key=keys["redirect_to"],
            placeholder="https://example.com/welcome",
        )
