"""/compare: two tenants side by side (templates and provider settings), and templates promoted from one to the
other. Offered in the navigation when two or more GenAuth-compatible tenants are configured."""

import streamlit as st

from components.connection import current_connection
from components.language import _
from components.tenant_compare import (
    SECRETS_NOTE,
    comparable_tenants,
    forget_reads,
    provider_section,
    show_outcome,
    template_section,
    tenant_state,
)
from mailconsole.console.promotion import compare_templates, provider_differences

connection = current_connection()
st.title(_("Compare and promote"))
st.caption(_("Copy templates from one tenant to another after a look at the differences. {note}", note=SECRETS_NOTE))

tenants = {tenant.name: tenant for tenant in comparable_tenants()}
names = list(tenants)
source_col, target_col, reload_col = st.columns([2, 2, 1], vertical_alignment="bottom")
here = names.index(connection.tenant.name) if connection.tenant.name in names else 0
source_name = source_col.selectbox(_("From tenant"), names, index=here, key="compare.source")
target_names = [name for name in names if name != source_name]
target_name = target_col.selectbox(_("To tenant"), target_names, key="compare.target")
if reload_col.button(_("Reload both"), key="compare.reload", icon=":material/refresh:"):
    forget_reads()
show_outcome()

if source_name is None or target_name is None:
    st.info(_("Configure two or more tenants to compare them."))
    st.stop()
source_state = tenant_state(tenants[source_name], connection)
target_state = tenant_state(tenants[target_name], connection)

provider_section(provider_differences(source_state.provider, target_state.provider), source_name, target_name)
labels = (f"({target_name})", f"({source_name})")
template_section(
    compare_templates(source_state.templates, target_state.templates, labels), tenants[target_name], connection
)
