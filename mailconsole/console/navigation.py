"""Which page an address asks for: Streamlit runs the default page for an address it does not know, so the frame
asks here first and shows "Page not found" instead of a page nobody asked for."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import unquote, urlsplit


def unknown_page(url: str | None, known: Collection[str], *, base_path: str = "") -> str | None:
    """The page name an address asks for when no page has it (``send_test`` for ``/send_test``), else None.

    ``known`` holds the pages' ``url_path`` values (the default page's is ``""``); ``base_path`` is Streamlit's
    ``server.baseUrlPath``. Without a URL (AppTest, an old browser) nothing counts as unknown."""
    if not url:
        return None
    path = unquote(urlsplit(url).path).strip("/")
    base = base_path.strip("/")
    if base and (path == base or path.startswith(f"{base}/")):
        path = path[len(base) :].strip("/")
    if path in known:
        return None
    return path
