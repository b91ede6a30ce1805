"""/templates : the 15 templates, edited beside their live preview."""

import streamlit as st

from components.connection import current_connection
from components.engine_notes import engine_differences
from components.language import _
from components.leave_guard import leave_guard
from components.live_workbench import live_workbench
from components.template_list import pick_template, template_table, templates_snapshot, waiting_drafts
from components.template_state import session_drafts

connection = current_connection()
st.title(_("Templates"))

templates = templates_snapshot(connection)
drafts = session_drafts(connection)
with st.expander(_("All templates, by group"), expanded=False):
    template_table(templates, drafts)
template = pick_template(templates)
drafts_line = st.empty()  # filled after the workbench has seen this run's edit
if template is not None:
    live_workbench(connection, template)
    engine_differences()
waiting_drafts(drafts_line, drafts)
leave_guard(bool(drafts.waiting()))
