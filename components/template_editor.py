"""The workbench of one template: the action bar, its fields, the body in an Ace editor, and beside it the live
preview (``template_preview``), in the layout the admin chose. What is edited and how it renders is the core's
(``mailconsole.console.drafts``); this module only draws it."""

from __future__ import annotations

import streamlit as st

from components.code_editor import code_editor
from components.draft_send import draft_send
from components.feedback import show_flash
from components.language import _, say, session_language
from components.template_actions import action_bar, template_actions
from components.template_fields import engine_warning, template_fields
from components.template_history import history_panel
from components.template_list import ENGINE_LABELS
from components.template_preview import checks, previews
from components.template_state import (
    current_draft,
    editor_keys,
    sample_context_of,
    session_drafts,
    start_widgets,
)
from components.variable_list import variable_list
from mailconsole.catalog import TEMPLATE_TITLES
from mailconsole.console.drafts import Draft, Preview, annotations_for, render_draft
from mailconsole.console.session import Connection
from mailconsole.models import EmailTemplate, TemplateEngine
from mailconsole.rendering import LintFinding, TemplateLimitError, lint_template

ACE_LANGUAGES = {TemplateEngine.HANDLEBAR.value: "handlebars", TemplateEngine.EJS.value: "ejs"}
# Editor and preview column widths by layout (the keys are the layouts' English names; shown with _()).
LAYOUTS = {"Side by side": (1.0, 1.0), "Editor wide": (2.2, 1.0), "Preview wide": (1.0, 2.2)}
# The layout chosen: a value of its own, which the switch (one per language, see _layout_switch) sets.
LAYOUT_KEY, DEFAULT_LAYOUT = "tpl.layout", "Side by side"
ACTIONS_KEY = "tpl-actions"  # Streamlit gives the container the class st-key-tpl-actions
# Sticky on the container's wrapper, which is what its parent block lays out.
STICKY_ACTIONS = (
    f"<style>div:has(> .st-key-{ACTIONS_KEY}){{position:sticky;top:3.75rem;z-index:100;"
    "background:var(--background-color,#fff);padding:0.4rem 0;}</style>"
)


def template_workbench(connection: Connection, template: EmailTemplate) -> None:
    management = connection.management
    assert management is not None
    saved = Draft.of(template)
    template_type = saved.template_type
    keys = editor_keys(template_type)
    drafts = session_drafts(connection)
    start = drafts.get(template_type) or saved
    start_widgets(keys, start)

    draft = current_draft(start, keys)
    drafts.keep(saved, draft)
    context, context_error = sample_context_of(keys, saved, connection.app_name)
    preview = render_draft(draft, context)
    if preview.ok:
        st.session_state[keys["last_good"]] = preview
    findings = lint_template(draft.content, draft.tpl_engine, template_type, subject=draft.subject, sender=draft.sender)
    dirty = draft != saved

    show_flash()
    # The heading and the action bar are filled after the preview (below): the browser then gets a keystroke's new
    # preview among the first deltas of the run. Their places on the page are taken here.
    heading = st.container()
    actions = st.container(key=ACTIONS_KEY)
    # The console's own rule (no mail content in it): the action bar stays in view while the page scrolls.
    st.html(STICKY_ACTIONS)

    layout = st.session_state.get(LAYOUT_KEY) or DEFAULT_LAYOUT  # its switch is drawn in the heading, below
    edit_col, preview_col = st.columns(list(LAYOUTS[layout]), gap="large")
    with preview_col:
        previews(connection, keys, draft, preview, context_error)
    with heading:
        st.markdown(f"#### {say(TEMPLATE_TITLES[template_type])}")
        status = _("customised") if template.customize_enabled else _("default (built-in mail)")
        st.caption(f"`{template_type.value}` · {status} · {ENGINE_LABELS[saved.tpl_engine]}")
        # Slots that exist on every run, filled or not, keep the editor where it is (see feedback.show_flash).
        marker_col, layout_col = st.columns([3, 2], vertical_alignment="center")
        marker = marker_col.empty()
        if dirty:
            marker.markdown(_(":orange[**● Unsaved changes**]"))
        _layout_switch(layout_col, layout)
    with actions:
        pressed = action_bar(keys, template, dirty)
    with edit_col:
        template_fields(keys, saved, preview)
        _body(keys, draft, preview, findings)
        variable_list(template_type, draft.tpl_engine, context)  # issue 14: the type's variables, to insert or copy
        mismatch = engine_warning(connection, keys, draft)
        if not draft.customize_enabled:
            st.caption(
                _(
                    "Customisation is off: the platform sends its built-in mail for this type. "
                    "Turn it on to send this one."
                )
            )
        if not _ours(connection):
            st.caption(
                _(
                    "“Load the built-in body” loads this product's built-in mail; the default mail of this backend "
                    "(GenAuth cloud's, say) may differ."
                )
            )

    with preview_col:
        checks(findings, preview, engine_mismatch_shown=mismatch)

    template_actions(connection, keys, template, saved, draft, preview, pressed)
    # Below everything (nothing above the editor moves): the draft sent as a real send, and the saved versions.
    draft_send(connection, draft, context, broken=bool(preview.compile_errors))
    history_panel(connection, template, draft, context)


def _layout_switch(column: st.delta_generator.DeltaGenerator, layout: str) -> None:
    """One switch per language: in a browser a segmented control whose labels changed with the language kept
    sending its old label and fell back to its default, so the switch of the new language starts from the layout
    chosen instead (the Chromium language test)."""
    switch = f"{LAYOUT_KEY}.{session_language()}"
    column.segmented_control(
        _("Layout"),
        list(LAYOUTS),
        format_func=_layout_names().__getitem__,
        key=switch,
        default=layout,
        on_change=_remember_layout,
        args=(switch,),
        label_visibility="collapsed",
    )


def _remember_layout(switch: str) -> None:
    st.session_state[LAYOUT_KEY] = st.session_state.get(switch) or DEFAULT_LAYOUT


def _layout_names() -> dict[str, str]:
    return {"Side by side": _("Side by side"), "Editor wide": _("Editor wide"), "Preview wide": _("Preview wide")}


def _body(keys: dict[str, str], draft: Draft, preview: Preview, findings: list[LintFinding]) -> None:
    st.markdown(_("**Body** ({engine} HTML)", engine=ENGINE_LABELS[draft.tpl_engine]))
    content_error = preview.errors.get("content")
    error_slot = st.empty()  # above the editor, present on every run (see feedback.show_flash)
    if content_error is not None:
        if isinstance(content_error, TemplateLimitError):
            message = _("The body was stopped: {error}", error=content_error.described())
        elif "content" in preview.compile_errors:
            message = _("The body does not compile: {error}", error=content_error.described())
        else:
            message = _("The body fails to render: {error}", error=content_error.described())
        error_slot.error(message, icon=":material/code_off:")
    code_editor(
        # Read only when the editor is mounted (a template shown again, another layout): the text as it is now.
        draft.content,
        language=ACE_LANGUAGES[draft.tpl_engine],
        annotations=annotations_for(
            content_error if "content" in preview.compile_errors else None, findings, session_language()
        ),
        key=keys["content"],
    )


def _ours(connection: Connection) -> bool:
    """Whether the backend is this product's email service, whose built-in mails are the ones the editor loads."""
    info = connection.data.service_info
    return connection.embedded_data_dir is not None or (connection.data.service_info_known and info is not None)
