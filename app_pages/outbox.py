"""/outbox : the mails the embedded service's built-in mail service delivered, newest first."""

import streamlit as st

from components.connection import current_connection
from components.outbox_view import outbox_view

connection = current_connection()
st.title("Outbox")
st.caption("Mails the built-in mail service delivered while no provider was switched on, newest first.")
outbox_view(connection)
