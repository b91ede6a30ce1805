"""Backend text inside the console's Markdown: Streamlit renders Markdown in most elements, and a string a backend
sent (a subject, a mail server's reply, another admin's label) must never become an image, a link or HTML there."""

from __future__ import annotations


def inert(text: str) -> str:
    """Text quoted inside a Markdown sentence of the console's own (an error from the backend, which may quote a
    mail server): what could fetch or hide something (images, links, HTML, math) is escaped, the rest reads as it
    came. ``plain`` escapes every Markdown character, for text shown on its own."""
    for char in "\\[]!<>$":
        text = text.replace(char, "\\" + char)
    return text


def plain(text: str) -> str:
    """Text shown through st.markdown exactly as it is (no Markdown, no HTML)."""
    escaped = text
    for char in "\\`*_{}[]()#+-.!|~$:<>":
        escaped = escaped.replace(char, "\\" + char)
    return escaped or "\u2014"
