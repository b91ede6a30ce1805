"""/outbox : the delivery log (every mail sent or tried) with the outbox's content, or the outbox alone."""

import streamlit as st

from components.connection import current_connection
from components.delivery_log_view import delivery_log_view
from components.language import _
from components.outbox_view import outbox_view
from mailconsole.models import Extension

connection = current_connection()
st.title(_("Outbox"))
if Extension.DELIVERIES in connection.extensions():
    st.caption(
        _(
            "Every mail the service sent or tried to send, through any provider, newest first; the content of those "
            "the built-in mail service delivered."
        )
    )
    delivery_log_view(connection)
else:
    st.caption(_("Mails the built-in mail service delivered while no provider was switched on, newest first."))
    outbox_view(connection)
