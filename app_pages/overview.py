"""/ : the backend and tenant, the provider state, how many templates are customised, the latest test sends."""

import streamlit as st

from components.config_download import config_download
from components.connection import current_connection
from components.language import _, say
from components.provider_state import provider_snapshot
from components.send_log import sends_table
from components.template_list import customised_count, templates_snapshot
from mailconsole.catalog import TEMPLATE_TITLES
from mailconsole.console.provider_form import describe_provider, sender_label

connection = current_connection()
if connection.is_smtp_setup:
    st.switch_page("app_pages/provider.py")

st.title(_("Email console"))
st.caption(
    _(
        "Tenant `{name}` on {backend} · `{host}`",
        name=connection.tenant.name,
        backend=connection.backend_name(),
        host=connection.host,
    )
)

if st.button(_("Reload from the backend"), key="overview.reload", icon=":material/refresh:"):
    connection.data.forget()
provider = provider_snapshot(connection)
templates = templates_snapshot(connection)

provider_col, templates_col = st.columns(2)
with provider_col, st.container(border=True, height="stretch"):
    st.metric(_("Who sends this tenant's mail"), say(sender_label(provider)))
    st.caption(say(describe_provider(provider)))
    st.page_link("app_pages/provider.py", label=_("Provider settings"), icon=":material/dns:")
with templates_col, st.container(border=True, height="stretch"):
    st.metric(
        _("Customised templates"),
        _("{count} of {total}", count=customised_count(templates), total=len(TEMPLATE_TITLES)),
    )
    st.caption(_("The others send the platform's built-in mail."))
    st.page_link("app_pages/templates.py", label=_("Templates"), icon=":material/edit_note:")

config_download(connection.tenant.name, provider, templates, connection.mail_language())

st.subheader(_("Latest test sends"))
sends_table(connection.tenant.name, limit=5)
st.page_link("app_pages/send_test.py", label=_("Send a test mail"), icon=":material/send:")
