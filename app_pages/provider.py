"""/provider : who sends the tenant's mail, with every stored secret masked."""

import streamlit as st

from components.connection import current_connection
from components.language import _
from components.provider_forms import provider_editor
from components.smtp_setup_form import smtp_setup_editor

connection = current_connection()

if connection.is_smtp_setup:
    st.title(_("SMTP settings"))
    smtp_setup_editor(connection)
else:
    st.title(_("Provider settings"))
    provider_editor(connection)
