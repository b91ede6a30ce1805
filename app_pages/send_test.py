"""/send-test : a real mail for any of the 11 channels, honouring the once-a-minute rule."""

import streamlit as st

from components.connection import current_connection
from components.language import _
from components.send_log import send_form

connection = current_connection()
st.title(_("Test sends"))
st.caption(_("A real mail, sent the way an application asks for one (send-email), to the address you choose."))
send_form(connection)
