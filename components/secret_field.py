"""The widget of a secret field: it starts empty whatever is stored, and says whether a secret is stored
(``mailconsole.console.secret_fields``)."""

from __future__ import annotations

import streamlit as st

from components.language import _
from mailconsole.console.secret_fields import masked


def secret_input(
    label: str,
    *,
    key: str,
    stored: str | None,
    api_key: bool = False,
    disabled: bool = False,
    help: str | None = None,
) -> str:
    """A password field that starts empty whatever is stored; the caption says whether a secret is stored
    (a password's, or with ``api_key`` an API key's).

    Every keystroke is staged at once (``live="0ms"``), without a rerun: Streamlit takes a field's value when focus
    leaves it, except when focus moves to the field's own "Show password" button (where Tab goes), and then never;
    the password the browser shows was lost to the next Save."""
    typed = st.text_input(
        label,
        key=key,
        type="password",
        disabled=disabled,
        autocomplete="new-password",
        placeholder=_("Leave empty to keep the stored one") if stored else "",
        help=help,
        live="0ms",
        on_change="ignore",
    )
    if api_key:
        st.caption(_("Stored API key: {state}", state=masked(stored)))
    else:
        st.caption(_("Stored password: {state}", state=masked(stored)))
    return typed or ""
