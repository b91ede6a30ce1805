"""A question before something that cannot be undone: a modal dialog that stays open (across the page's runs)
while its flag is set in the session state, so the page around it keeps its place."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.language import _


def ask(flag: str, title: str, question: str, detail: str, *, yes: str, key: str, on_yes: Callable[[], None]) -> None:
    """While ``st.session_state[flag]`` is set: ask ``question``, with ``yes`` (``key``_yes, which runs ``on_yes``)
    and Cancel (``key``_no). Either answer, or closing the dialog, clears the flag."""

    def close() -> None:
        st.session_state.pop(flag, None)

    @st.dialog(title, on_dismiss=close)
    def dialog() -> None:
        st.markdown(f"**{question}**\n\n{detail}")
        yes_col, no_col = st.columns(2)
        if yes_col.button(yes, key=f"{key}_yes", type="primary", width="stretch"):
            close()
            on_yes()
            st.rerun()
        if no_col.button(_("Cancel"), key=f"{key}_no", width="stretch"):
            close()
            st.rerun()

    dialog()
