"""Save, revert, the built-in body and the built-in mail for the template being edited (asking first where an edit
would be lost), and the panel shown when someone else saved it first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, NoReturn

import streamlit as st

from components.confirm import ask
from components.conflicts import OVERWRITE, RELOAD, changed_by, conflict_panel
from components.feedback import attempt, flash
from components.language import _, say
from components.template_list import remember_template
from components.template_state import discard_draft, load_draft
from mailconsole import ManagementClient
from mailconsole.catalog import TEMPLATE_TITLES
from mailconsole.changes import template_changes
from mailconsole.console.drafts import Draft, Preview, with_builtin
from mailconsole.console.saving import Conflict, other_template_changes, save_checked, template_diff
from mailconsole.console.session import Connection
from mailconsole.models import AuditKind, EmailTemplate, TemplateType

REVERT, BUILTIN = "revert", "builtin"  # what a confirmed discard does next


@dataclass(frozen=True)
class Pressed:
    """What the admin pressed in the action bar on this run."""

    save: bool
    load_builtin: bool


def action_bar(keys: dict[str, str], template: EmailTemplate, dirty: bool) -> Pressed:
    """Save, revert, the built-in body and the built-in mail, above the editor where they stay in view."""
    kind = str(template.type)
    save_col, revert_col, builtin_col, reset_col = st.columns([1, 1.2, 1.6, 1.6])
    save = save_col.button(
        _("Save"),
        key=f"tpl.{kind}.save",
        type="primary",
        icon=":material/save:",
        shortcut="Ctrl+S",
        help=_("Ctrl+S (Cmd+S on a Mac) saves too, also from inside the body editor."),
        width="stretch",
    )
    revert_col.button(
        _("Revert to saved…"),
        key=f"tpl.{kind}.revert",
        disabled=not dirty,
        icon=":material/undo:",
        on_click=st.session_state.__setitem__,
        args=(keys["confirm_discard"], REVERT),
        width="stretch",
    )
    load_builtin = builtin_col.button(
        _("Load the built-in body"),
        key=f"tpl.{kind}.load_builtin",
        icon=":material/file_open:",
        help=_(
            "Puts the built-in subject, sender and body (in the engine chosen) into the editor as an unsaved draft "
            "to start from. Nothing is saved until you press Save."
        ),
        width="stretch",
    )
    reset_col.button(
        _("Use the built-in mail…"),
        key=f"tpl.{kind}.reset",
        disabled=not template.customize_enabled,
        icon=":material/restart_alt:",
        on_click=st.session_state.__setitem__,
        args=(keys["confirm_reset"], True),
        help=_("Turns customisation off: the platform sends its built-in mail. Your saved content stays stored.")
        if template.customize_enabled
        else _("This type already uses the platform's built-in mail."),
        width="stretch",
    )
    return Pressed(save=save, load_builtin=load_builtin)


def template_actions(
    connection: Connection,
    keys: dict[str, str],
    template: EmailTemplate,
    saved: Draft,
    draft: Draft,
    preview: Preview,
    pressed: Pressed,
) -> None:
    """What the action bar's buttons do, the questions they ask first, and the panel of a conflicting save."""
    template_type = saved.template_type
    title = say(TEMPLATE_TITLES[template_type])
    dirty = draft != saved
    conflict: Conflict[EmailTemplate] | None = st.session_state.get(keys["conflict"])
    choice = (
        conflict_panel(
            conflict, what=_("“{title}”", title=title), key=keys["conflict"], details=lambda: _show_changes(conflict)
        )
        if conflict is not None
        else None
    )
    builtin = with_builtin(draft, draft.tpl_engine, connection.mail_language())
    if pressed.load_builtin:
        if dirty:
            st.session_state[keys["confirm_discard"]] = BUILTIN
        else:
            load_draft(connection, builtin)
            st.rerun()
    if choice == RELOAD and conflict is not None:
        st.session_state.pop(keys["conflict"], None)
        st.session_state.pop(keys["backend"], None)
        remember_template(connection, conflict.current)
        discard_draft(connection, template_type)
        flash(_("Reloaded “{title}” as stored now; your edits were discarded.", title=title))
        st.rerun()
    if pressed.save or choice == OVERWRITE:
        if preview.compile_errors:
            names = ", ".join(sorted(preview.compile_errors))
            st.error(
                _("Nothing was saved: fix the template error in {names} first.", names=names),
                icon=":material/warning:",
            )
        else:
            # The edit is based on what was loaded; after "Overwrite" / "Save anyway", on what the panel showed.
            baseline = conflict.current if conflict is not None and choice == OVERWRITE else template
            stored = _send(
                connection,
                keys,
                template,
                baseline,
                doing=_("Saving the template"),
                **draft.saved_fields(),
            )
            if stored is not None:
                _saved(connection, keys, stored, _("Saved “{title}”.", title=title))
    discarding = st.session_state.get(keys["confirm_discard"])
    if discarding in (REVERT, BUILTIN):
        then = (
            _("Revert to the saved version. What you typed is lost.")
            if discarding == REVERT
            else _("Load the built-in body instead. What you typed is lost.")
        )
        ask(
            keys["confirm_discard"],
            _("Discard unsaved changes"),
            _("Discard your unsaved changes to “{title}”?", title=title),
            then,
            yes=_("Discard my changes"),
            key=f"tpl.{template_type.value}.discard",
            on_yes=(lambda: discard_draft(connection, template_type))
            if discarding == REVERT
            else (lambda: load_draft(connection, builtin)),
        )
    if st.session_state.get(keys["confirm_reset"]):
        ask(
            keys["confirm_reset"],
            _("Use the built-in mail"),
            _("Use the platform's built-in mail for “{title}”?", title=title),
            _(
                "Customisation is turned off; the content you saved stays stored, so you can turn it back on later. "
                "Unsaved edits are discarded."
            ),
            yes=_("Yes, use the built-in mail"),
            key=f"tpl.{template_type.value}.reset",
            on_yes=lambda: _reset(connection, keys, template, saved),
        )


def _reset(connection: Connection, keys: dict[str, str], template: EmailTemplate, saved: Draft) -> None:
    stored = _send(
        connection,
        keys,
        template,
        template,
        doing=_("Resetting to the built-in mail"),
        **replace(saved, customize_enabled=False).saved_fields(),  # what is stored, customisation off
    )
    if stored is not None:
        title = say(TEMPLATE_TITLES[saved.template_type])
        _saved(
            connection,
            keys,
            stored,
            _("“{title}” now uses the platform's built-in mail; your content is kept.", title=title),
        )


def _send(
    connection: Connection,
    keys: dict[str, str],
    loaded: EmailTemplate,
    baseline: EmailTemplate,
    *,
    doing: str,
    **fields: Any,
) -> EmailTemplate | None:
    """Save ``fields`` as the template, unless someone else saved it since ``baseline``: then keep the conflict
    for the panel and run the page again (the editor keeps every edit). None when nothing was saved."""
    management = connection.management
    assert management is not None
    template_type = TemplateType(loaded.type)
    outcome: EmailTemplate | Conflict[EmailTemplate] | None = attempt(
        doing,
        save_checked,
        loaded=loaded,
        baseline=baseline,
        read=lambda: _stored_now(management, template_type),
        changed=lambda before, after: bool(template_changes(before, after)),
        save=lambda _: management.update_email_template(type=template_type, version=baseline.version, **fields),
    )
    if outcome is None:
        return None
    if isinstance(outcome, Conflict):
        _conflict(connection, keys, outcome)
    return outcome


def _stored_now(management: ManagementClient, template_type: TemplateType) -> EmailTemplate | None:
    reply = management.get_email_templates()
    return next((item for item in reply.templates if str(item.type) == template_type.value), None)


def _conflict(connection: Connection, keys: dict[str, str], conflict: Conflict[EmailTemplate]) -> NoReturn:
    """Keep the conflict for the panel and run the page again; every widget keeps what was typed."""
    by = changed_by(connection, AuditKind.TEMPLATE, str(conflict.current.type))
    st.session_state[keys["conflict"]] = replace(conflict, changed_by=by)
    st.rerun()


def _saved(connection: Connection, keys: dict[str, str], stored: EmailTemplate, message: str) -> NoReturn:
    st.session_state.pop(keys["conflict"], None)
    remember_template(connection, stored)
    discard_draft(connection, TemplateType(stored.type))
    flash(message)
    st.rerun()


def _show_changes(conflict: Conflict[EmailTemplate]) -> None:
    """Subject, sender and body as a unified diff from what was loaded to what is stored now; other fields by line."""
    diff = template_diff(conflict.loaded, conflict.current)
    others = other_template_changes(conflict.loaded, conflict.current)
    if diff:
        st.code(diff, language="diff")
    if others:
        st.code("\n".join(others), language=None)
    if not diff and not others:
        st.caption(_("Nothing you can see differs."))
