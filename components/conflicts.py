"""No lost edits: when someone else saved an item after this admin loaded it, show what changed and let the admin
choose between reloading (discarding their edits) and saving over the change.

How a conflict is found is the core's (``mailconsole.console.saving.save_checked``); a backend without versions
needs an explicit "Save anyway". Either way nothing the admin typed is touched: the form's widgets keep their
values, and the panel only adds itself below the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from components.language import _, session_language
from components.times import session_zone
from mailconsole.console.markdown import inert
from mailconsole.console.saving import Conflict, last_change, who_changed
from mailconsole.console.session import Connection
from mailconsole.models import AuditKind, Extension

RELOAD = "reload"
OVERWRITE = "overwrite"


def changed_by(connection: Connection, kind: AuditKind, item: str) -> str | None:
    """Who changed an item last, and when, where the backend keeps an audit trail (else None, silently)."""
    if connection.management is None or Extension.AUDIT not in connection.extensions():
        return None
    return who_changed(last_change(connection.management, kind, item), session_zone(), session_language())


def conflict_panel(conflict: Conflict[Any], *, what: str, key: str, details: Callable[[], None]) -> str | None:
    """The warning, what changed (``details`` draws it), and the two ways on; returns RELOAD, OVERWRITE or None."""
    with st.container(border=True):
        # The label is whatever the other caller sent: inert, so it cannot become an image or a link here.
        by = _(" (last change: {who})", who=inert(conflict.changed_by)) if conflict.changed_by else ""
        if conflict.versioned:
            version = getattr(conflict.current, "version", None)
            st.warning(
                _(
                    "{what} changed since you loaded it{by}; nothing was saved, and your edits are still in the "
                    "form. This is what changed (now version {version}):",
                    what=what,
                    by=by,
                    version=version,
                ),
                icon=":material/sync_problem:",
            )
        else:
            st.warning(
                _(
                    "{what} changed on the backend since you loaded it{by}. This backend keeps no versions, so "
                    "saving would overwrite that change; your edits are still in the form. This is what changed:",
                    what=what,
                    by=by,
                ),
                icon=":material/sync_problem:",
            )
        details()
        reload_col, overwrite_col, _spare = st.columns([1.3, 1.3, 2])
        reload = reload_col.button(_("Reload (discard my edits)"), key=f"{key}.reload", icon=":material/refresh:")
        overwrite = overwrite_col.button(
            _("Overwrite with my version") if conflict.versioned else _("Save anyway"),
            key=f"{key}.overwrite",
            icon=":material/save_as:",
            help=_("Save what is in the form now, replacing the change shown above."),
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
