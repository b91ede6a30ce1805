"""/audit : who changed the provider settings and templates, when, and what, newest first."""

import streamlit as st

from components.audit_view import audit_view
from components.connection import current_connection
from components.language import _

connection = current_connection()
st.title(_("Audit trail"))
st.caption(_("Every change of the provider settings and templates, through the console, the API or an SDK."))
audit_view(connection)
