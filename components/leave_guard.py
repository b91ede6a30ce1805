"""The browser asks before a reload or a closed tab throws away unsaved drafts: they live in this session only.

A script in a zero-height frame of Streamlit's own (same origin) sets the page's ``onbeforeunload`` while there
are drafts, and clears it when there are none. The handler is made in the page's own realm, so it keeps working
after the frame is gone (on another page of the console, the drafts are still at stake)."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

GUARDED_KEY = "tpl.leave_guarded"  # whether the page's handler is set now

_SCRIPT = """<script>
const page = window.parent;
page.onbeforeunload = %s
  ? new page.Function("event", "event.preventDefault(); event.returnValue = ''; return '';")
  : null;
</script>"""


def leave_guard(unsaved: bool) -> None:
    """Ask before leaving while ``unsaved``; call at the end of a page (its frame must not move the editor). The
    frame is drawn only to set or clear the handler: none while there was never anything to guard."""
    if unsaved or st.session_state.get(GUARDED_KEY):
        components.html(_SCRIPT % ("true" if unsaved else "false"), height=0)
    st.session_state[GUARDED_KEY] = unsaved
