"""The page shown for an address no page has (``/send_test`` instead of ``/send-test``): it says so and links to
the pages there are, instead of silently showing the overview."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import streamlit as st

from components.language import _
from components.sign_in import code_span


def not_found_page(requested: str, pages: list[st.Page]) -> Callable[[], None]:
    """A page function for ``st.Page``: the requested name and a link to each page (relative, so that a
    ``server.baseUrlPath`` is kept)."""

    def draw() -> None:
        st.title(_("Page not found"))
        st.error(_("This console has no page at {page}.", page=code_span(f"/{requested}")), icon=":material/link_off:")
        st.write(_("Its pages:"))
        # Anchors, not Markdown links, which open a new tab.
        items = "".join(f"<li><a href='./{escape(p.url_path)}' target=_self>{escape(p.title)}</a></li>" for p in pages)
        st.html(f"<ul>{items}</ul>")

    return draw
