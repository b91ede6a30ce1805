"""Beside the body: the variables of the template's type, with their meaning and the value the preview uses, and
one of them ready to copy.

Inserting at the cursor is not offered: the Ace editor (streamlit-ace) runs in its own frame and takes no command
from Python (a new ``value`` only shows when the editor is mounted again, which would lose the cursor and the undo
history). ``st.code`` has a copy button, so the list copies and says so.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from mailconsole.catalog import VARIABLE_MEANINGS, variable_tag, variables_for
from mailconsole.models import TemplateEngine, TemplateType

SHOWN_VALUE = 80  # characters of a sample value in the list (a logo is a long data: URL)


def variable_rows(template_type: TemplateType, engine: TemplateEngine, context: dict[str, Any]) -> list[dict[str, str]]:
    """One row per variable of the type: how to write it in ``engine``, what it means, the sample value."""
    rows = []
    for name in variables_for(template_type):
        value = str(context.get(name, ""))
        shown = value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"
        rows.append({"Variable": variable_tag(name, engine), "Meaning": VARIABLE_MEANINGS[name], "Sample value": shown})
    return rows


def variable_list(template_type: TemplateType, engine: str, context: dict[str, Any]) -> None:
    names = variables_for(template_type)
    in_engine = TemplateEngine(engine)
    with st.expander(f"Variables of this template ({len(names)})", icon=":material/data_object:"):
        st.table(variable_rows(template_type, in_engine, context))  # not a dataframe: the page has one, the list
        name = st.selectbox(
            "Variable to copy",
            names,
            format_func=lambda item: f"{item}: {VARIABLE_MEANINGS[item]}",
            key=f"tpl.{template_type.value}.variable",
        )
        st.code(variable_tag(name or names[0], in_engine), language=None)
        st.caption(
            "Copy it with the button at the right of the box, then paste it at the cursor: the editor cannot be "
            "driven from the console, so the list copies instead of inserting."
        )
