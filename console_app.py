"""The console's entry file, the picture frame of every page: page config, the connection to the tenant's backend
(with the tenant switch in the sidebar), the navigation, and the one place where a backend error a page lets
through becomes a sentence instead of a traceback.

Run it with ``streamlit run console_app.py``. With no backend configured it starts the embedded email service in
this process; see ``components/connection.py`` for remote backends and several tenants, and
``components/sign_in.py`` for sign-in, which is checked first so that nothing of the tenant loads before it.
"""

import streamlit as st
from streamlit import config

from components.connection import setup_connection
from components.feedback import show_error
from components.language import _, choose_language
from components.not_found import not_found_page
from components.sign_in import require_admin
from components.tenant_compare import comparable_tenants
from components.warm_up import warm_up_later
from mailconsole import MailConsoleError
from mailconsole.actor import LOCAL_ADMIN
from mailconsole.console.navigation import unknown_page
from mailconsole.models import Extension

# Before anything is shown, sign-in included: the language of the session's words (and of the backend's messages).
choose_language()
st.set_page_config(page_title=_("Mail console"), page_icon=":material/mail:", layout="wide")

# Stops the run for anyone who may not see the tenant, before any backend is contacted; returns the signed-in
# administrator (current_admin_email()), whom the backend's audit trail names for this session's changes, or None
# on a loopback console without sign-in.
admin = require_admin()
connection = setup_connection(actor=admin or LOCAL_ADMIN)

if connection.is_smtp_setup:
    # The SMTP set-up API has one operation: only the SMTP settings apply. "/" forwards to /provider.
    pages = [
        st.Page("app_pages/overview.py", title=_("Overview"), icon=":material/dashboard:", default=True),
        st.Page("app_pages/provider.py", title=_("SMTP settings"), icon=":material/dns:", url_path="provider"),
    ]
else:
    pages = [
        st.Page("app_pages/overview.py", title=_("Overview"), icon=":material/dashboard:", default=True),
        st.Page("app_pages/provider.py", title=_("Provider settings"), icon=":material/dns:", url_path="provider"),
        st.Page("app_pages/templates.py", title=_("Templates"), icon=":material/edit_note:", url_path="templates"),
        st.Page("app_pages/send_test.py", title=_("Test sends"), icon=":material/send:", url_path="send-test"),
    ]
    # The review gallery: every template rendered at once (issue 14).
    pages.insert(
        3, st.Page("app_pages/gallery.py", title=_("Gallery"), icon=":material/grid_view:", url_path="gallery")
    )
    extensions = connection.extensions()
    if Extension.OUTBOX in extensions:
        pages.append(st.Page("app_pages/outbox.py", title=_("Outbox"), icon=":material/inbox:", url_path="outbox"))
    if Extension.AUDIT in extensions:
        pages.append(st.Page("app_pages/audit.py", title=_("Audit trail"), icon=":material/history:", url_path="audit"))
    if len(comparable_tenants()) >= 2:
        pages.append(st.Page("app_pages/compare.py", title=_("Compare and promote"), icon=":material/compare_arrows:"))

# Streamlit runs the overview for an address no page has: say "Page not found" there instead (a nested path, which
# no st.Page can hold, still gets Streamlit's own notice).
requested = unknown_page(
    st.context.url, [item.url_path for item in pages], base_path=config.get_option("server.baseUrlPath")
)
if requested and "/" not in requested:
    missing = st.Page(not_found_page(requested, pages), title=_("Page not found"), url_path=requested)
    page = st.navigation([pages[0], missing], position="hidden")
else:
    page = st.navigation(pages, position="hidden" if connection.is_smtp_setup else "sidebar")

try:
    page.run()
except MailConsoleError as err:
    show_error(err)
warm_up_later()
