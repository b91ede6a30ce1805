"""/audit : who changed the provider settings and templates, when, and what, newest first."""

import streamlit as st

from components.audit_view import audit_view
from components.connection import current_connection

connection = current_connection()
st.title("Audit trail")
st.caption("Every change of the provider settings and templates, through the console, the API or an SDK.")
audit_view(connection)
