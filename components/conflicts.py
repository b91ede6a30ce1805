"""No lost edits: when someone else saved an item after this admin loaded it, show what changed and let the admin
choose between reloading (discarding their edits) and saving over the change.

A backend with versions (the embedded service, extension "versions") carries a ``version`` on every item: the
console sends the version it loaded, and the backend refuses a save based on an older one (ConflictError, 409). A
backend without them (GenAuth cloud: ``version`` is None) is read again just before the save and compared with what
was loaded; a difference needs an explicit "Save anyway". Either way nothing the admin typed is touched: the form's
widgets keep their values, and the panel only adds itself below the form.

``template_diff`` and ``provider_differences`` need no UI.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.connection import Connection
from components.email_preview import inert
from mailconsole import MailConsoleError
from mailconsole.changes import describe_change, provider_changes, template_changes
from mailconsole.models import AuditEntry, AuditKind, EmailProvider, EmailTemplate

RELOAD = "reload"
OVERWRITE = "overwrite"
RELOAD_LABEL = "Reload (discard my edits)"
OVERWRITE_LABEL = "Overwrite with my version"
SAVE_ANYWAY_LABEL = "Save anyway"
DIFFED_FIELDS = ("subject", "sender", "content")
AUDIT = "audit"


@dataclass(frozen=True)
class Conflict:
    """What the form was loaded from, what is stored now, and how the difference was found: ``versioned`` when the
    backend refused a stale version, else by reading again (a backend without versions)."""

    loaded: Any
    current: Any
    versioned: bool
    changed_by: str | None = None


# ---- what changed (no UI) -----------------------------------------------------------------------------------------


def template_diff(loaded: EmailTemplate, current: EmailTemplate) -> str:
    """A unified diff of subject, sender and body, from what was loaded to what is stored now ("" when equal)."""
    parts: list[str] = []
    for name in DIFFED_FIELDS:
        before, after = str(getattr(loaded, name)), str(getattr(current, name))
        if before != after:
            parts.extend(
                difflib.unified_diff(
                    before.splitlines(),
                    after.splitlines(),
                    fromfile=f"{name} (as you loaded it)",
                    tofile=f"{name} (stored now)",
                    lineterm="",
                )
            )
    return "\n".join(parts)


def other_template_changes(loaded: EmailTemplate, current: EmailTemplate) -> list[str]:
    """The template's other fields that changed (name, customisation, validity, engine...), one line each."""
    return [
        describe_change(change) for change in template_changes(loaded, current) if change.field not in DIFFED_FIELDS
    ]


def provider_differences(loaded: EmailProvider, current: EmailProvider) -> list[str]:
    """The provider fields that differ, one line each; a secret only as "changed" (replies that carry the mask
    cannot tell a changed secret apart, so there it is not listed)."""
    return [describe_change(change) for change in provider_changes(loaded, current)]


def who_changed(entry: AuditEntry | None) -> str | None:
    if entry is None:
        return None
    return f"{entry.actor}, {entry.at.replace('T', ' ')[:19]} UTC"


# ---- widgets ------------------------------------------------------------------------------------------------------


def last_change(connection: Connection, kind: AuditKind, item: str) -> AuditEntry | None:
    """The latest audit record of an item, when the backend keeps an audit trail (else None, silently)."""
    if connection.management is None or AUDIT not in connection.extensions():
        return None
    try:
        entries = connection.management.list_audit(kind=kind, limit=50)
    except MailConsoleError:
        return None
    return next((entry for entry in entries if entry.item == item), None)


def conflict_panel(conflict: Conflict, *, what: str, key: str, details: Callable[[], None]) -> str | None:
    """The warning, what changed (``details`` draws it), and the two ways on; returns RELOAD, OVERWRITE or None."""
    with st.container(border=True):
        # The label is whatever the other caller sent: inert, so it cannot become an image or a link here.
        by = f" (last change: {inert(conflict.changed_by)})" if conflict.changed_by else ""
        if conflict.versioned:
            version = getattr(conflict.current, "version", None)
            st.warning(
                f"{what} changed since you loaded it{by}; nothing was saved, and your edits are still in the form. "
                f"This is what changed (now version {version}):",
                icon=":material/sync_problem:",
            )
        else:
            st.warning(
                f"{what} changed on the backend since you loaded it{by}. This backend keeps no versions, so saving "
                "would overwrite that change; your edits are still in the form. This is what changed:",
                icon=":material/sync_problem:",
            )
        details()
        reload_col, overwrite_col, _ = st.columns([1.3, 1.3, 2])
        reload = reload_col.button(RELOAD_LABEL, key=f"{key}.reload", icon=":material/refresh:")
        overwrite = overwrite_col.button(
            OVERWRITE_LABEL if conflict.versioned else SAVE_ANYWAY_LABEL,
            key=f"{key}.overwrite",
            icon=":material/save_as:",
            help="Save what is in the form now, replacing the change shown above.",
        )
    if reload:
        return RELOAD
    if overwrite:
        return OVERWRITE
    return None


def show_lines(lines: list[str], *, empty: str) -> None:
    if not lines:
        st.caption(empty)
        return
    st.code("\n".join(lines), language=None)
