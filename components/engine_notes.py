"""Beside the editor: where the console's preview can differ from what the platform renders, engine by engine."""

from __future__ import annotations

import streamlit as st

from components.language import _, say
from mailconsole.models import TemplateEngine
from mailconsole.rendering import known_difference_texts

ENGINE_NAMES = {TemplateEngine.HANDLEBAR: "Handlebars (handlebars.js 4.7)", TemplateEngine.EJS: "EJS (ejs 3.1)"}


def engine_differences() -> None:
    with st.expander(_("Where the preview can differ from the platform")):
        st.caption(
            _(
                "The preview renders with the platform's own template semantics, checked byte for byte against "
                "handlebars.js and ejs on Node. These are the known exceptions."
            )
        )
        for engine, name in ENGINE_NAMES.items():
            st.markdown(f"**{name}**")
            sentences = known_difference_texts(engine)
            st.markdown("\n".join(f"- {as_markdown(say(sentence))}" for sentence in sentences))


def as_markdown(text: str) -> str:
    """The sentences quote template syntax ({{#each}}, <%= %>): shown as written, not as Markdown; only their
    `code spans` (output quoted as a program prints it) stay code."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("<", "&lt;")
