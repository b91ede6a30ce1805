"""/gallery : every template (or one group) rendered side by side in one sample profile, for a review at a glance."""

import streamlit as st

from components.connection import current_connection
from components.gallery import gallery_cache, gallery_controls, gallery_grid
from components.language import _
from components.template_list import templates_snapshot
from components.template_state import session_drafts
from mailconsole.console.gallery import gallery_entries, render_gallery

connection = current_connection()
st.title(_("Gallery"))
st.caption(
    _(
        "Every template as recipients would get it, in one sample profile, with its checks. An unsaved draft of this "
        "session is shown instead of the saved template, and marked."
    )
)
settings = gallery_controls()
entries = gallery_entries(templates_snapshot(connection), session_drafts(connection), settings.group)
if not entries:
    st.info(_("This backend offers no templates."))
else:
    result = render_gallery(entries, settings.profile, gallery_cache(), connection.app_name)
    gallery_grid(result, mobile=settings.mobile)
