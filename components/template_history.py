"""The history panel of the template editor (backend extension ``history``): any two of the saved versions, the
built-in default and the draft, as a diff (subject, sender, body; engine and settings by line) and as rendered
previews side by side; and a saved version loaded into the editor, after a confirmation, as an unsaved draft that
the admin then saves (a save like any other, checked against the version it is based on).

Off until the admin opens it: it reads the history once per stored version of the template, and renders two more
mails on each run while open."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.confirm import ask
from components.email_preview import show_mail
from components.feedback import call, flash
from components.language import _, say, shown_moment
from components.template_state import keep_choice, load_draft
from components.times import session_zone
from mailconsole.console.drafts import Draft, render_draft
from mailconsole.console.history import BUILTIN, DRAFT, Side, other_differences, side_diff, sides
from mailconsole.console.markdown import plain
from mailconsole.console.records import parse_utc
from mailconsole.console.session import Connection
from mailconsole.models import EmailTemplate, Extension, TemplateRevision

LIMIT = 50


def history_panel(connection: Connection, template: EmailTemplate, draft: Draft, context: dict[str, Any]) -> None:
    kind = draft.template_type.value
    if not st.toggle(_("History: compare versions and restore one"), key=f"history.{kind}.open"):
        return
    if connection.management is None or Extension.HISTORY not in connection.extensions():
        st.caption(_("This backend keeps no history of templates: only the embedded mailconsole service does."))
        return
    revisions = _revisions(connection, template)
    options = {side.key: side for side in sides(revisions, draft, template.version, connection.mail_language())}
    left_col, right_col = st.columns(2)
    newest = f"v{revisions[0].version}" if revisions else BUILTIN
    left = options[_pick(left_col, kind, "left", options, default=newest)]
    right = options[_pick(right_col, kind, "right", options, default=DRAFT)]
    if not revisions:
        st.caption(_("No saved version yet: the template has never been saved on this backend."))
    _differences(left, right)
    for column, side in zip(st.columns(2), (left, right), strict=True):
        with column:
            _rendered(kind, side, context)
    _restore(connection, kind, [side for side in options.values() if side.version is not None])


def _revisions(connection: Connection, template: EmailTemplate) -> list[TemplateRevision]:
    """The saved versions, read again only when the stored version changed (a save, a reload)."""
    management = connection.management
    assert management is not None
    cache_key = f"history.{template.type}.read"
    cached: tuple[int | None, list[TemplateRevision]] | None = st.session_state.get(cache_key)
    if cached is None or cached[0] != template.version:
        revisions = call(_("Reading the history"), management.template_history, type=str(template.type), limit=LIMIT)
        cached = (template.version, revisions)
        st.session_state[cache_key] = cached
    return cached[1]


def _pick(column: Any, kind: str, which: str, options: dict[str, Side], *, default: str) -> str:
    key = f"history.{kind}.{which}"
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    keep_choice(key)
    chosen: str = column.selectbox(
        _("Compare") if which == "left" else _("with"),
        options=list(options),
        format_func={item: _label(side) for item, side in options.items()}.__getitem__,
        key=key,
    )
    return chosen


def _label(side: Side) -> str:
    """``Version 3 (current) · Nov 5, 2026, 6:00:00 PM · alice@example.com``, the time in the browser's zone and
    as the session's language writes it."""
    label = say(side.title)
    if side.at:
        label += f" · {shown_moment(parse_utc(side.at).astimezone(session_zone()))}"
    return f"{label} · {side.actor}" if side.actor else label


def _differences(left: Side, right: Side) -> None:
    diff = side_diff(left, right)
    others = other_differences(left, right)
    if diff:
        st.code(diff, language="diff")
    if others:
        st.code("\n".join(others), language=None)
    if not diff and not others:
        st.caption(_("No difference between {left} and {right}.", left=left.label, right=right.label))


def _rendered(kind: str, side: Side, context: dict[str, Any]) -> None:
    preview = render_draft(Draft.of(side.template), context)
    if not preview.ok:
        st.error(
            _("{side} does not render: {error}", side=side.title, error=next(iter(preview.errors.values())).described())
        )
        return
    st.markdown(f"**{plain(preview.subject)}**")
    st.caption(_("From {sender}", sender=plain(preview.sender)) if preview.sender else _("No sender name"))
    show_mail(preview.html, key=f"history.{kind}.{side.key}", height=420)


def _restore(connection: Connection, kind: str, saved: list[Side]) -> None:
    if not saved:
        return
    by_key = {side.key: side for side in saved}
    pick_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    keep_choice(f"history.{kind}.restore")
    chosen = pick_col.selectbox(
        _("Restore"),
        options=list(by_key),
        format_func={item: _label(side) for item, side in by_key.items()}.__getitem__,
        key=f"history.{kind}.restore",
    )
    flag = f"history.{kind}.confirm"
    button_col.button(
        _("Load it into the editor…"),
        key=f"history.{kind}.load",
        icon=":material/restore:",
        on_click=st.session_state.__setitem__,
        args=(flag, chosen),
        width="stretch",
    )
    pending = st.session_state.get(flag)
    if pending in by_key:
        side = by_key[pending]
        ask(
            flag,
            _("Restore a version"),
            _("Load {side} into the editor?", side=side.label),
            _(
                "It replaces what is in the editor now (your unsaved edits are lost) as an unsaved draft. Nothing is "
                "saved until you press Save: then it becomes a new version."
            ),
            yes=_("Load {side}", side=side.label),
            key=f"history.{kind}.restore_confirm",
            on_yes=lambda: _load(connection, side),
        )


def _load(connection: Connection, side: Side) -> None:
    load_draft(connection, Draft.of(side.template))
    flash(_("{side} is in the editor, unsaved: press Save to make it current.", side=side.title))
