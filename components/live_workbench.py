"""The template workbench as a fragment: a keystroke in the editor reruns only the editor and its preview, not the
page around them (title, template table, picker). The page's own marks of unsaved drafts (beside the picker, in the
table, the leave guard) are drawn outside it, so when an edit starts or ends a draft the whole page runs again."""

from __future__ import annotations

import streamlit as st

from components.template_editor import template_workbench
from components.template_state import session_drafts
from mailconsole.console.session import Connection
from mailconsole.models import EmailTemplate


@st.fragment
def live_workbench(connection: Connection, template: EmailTemplate) -> None:
    drafts = session_drafts(connection)
    waiting = drafts.waiting()
    template_workbench(connection, template)
    if drafts.waiting() != waiting:
        st.rerun()  # the page's marks of drafts are outside this fragment
