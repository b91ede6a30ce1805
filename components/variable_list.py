"""Beside the body: the variables of the template's type, with their meaning and the value the preview uses; a
button per variable inserts it at the editor's cursor, and one of them is ready to copy.

The editor (``code_editor``) takes no command from Python (a new ``value`` only shows when the editor is mounted
again, which would lose the cursor and the undo history), so the insertion happens in the browser: the console's
own script, in the page, finds the Ace editor's frame (same origin, as every Streamlit frame) and calls
``editor.insert()``; Ace then reports the change like a keystroke. When the editor cannot be reached, the buttons
say so, and the copy box below still works (``st.code`` has a copy button).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.language import _, say
from components.template_state import keep_choice
from mailconsole.catalog import VARIABLE_MEANINGS, variable_tag, variables_for
from mailconsole.models import TemplateEngine, TemplateType

SHOWN_VALUE = 80  # characters of a sample value in the list (a logo is a long data: URL)

# The console's own script (no mail content in it), run in the page by an ``st.components.v2`` component: no frame
# of its own, so the page's frames stay the editor and the previews. The buttons take their text as text, never as
# HTML. An Ace element keeps its editor in ``env.editor``. Its words come translated from Python (``data``).
_INSERT_JS = """
export default function (component) {
  const { data, parentElement } = component;
  const buttons = parentElement.querySelector(".buttons");
  const note = parentElement.querySelector(".note");
  function editor() {
    try {
      const frame = document.querySelector("iframe[title*='code_editor']");
      const element = frame && frame.contentDocument.querySelector(".ace_editor");
      return (element && element.env && element.env.editor) || null;
    } catch (err) {
      return null;
    }
  }
  buttons.replaceChildren();
  for (const item of data.variables) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = item.tag;
    button.title = item.meaning;
    button.onclick = () => {
      const target = editor();
      if (!target) {
        note.textContent = data.unreachable;
        return;
      }
      target.insert(item.tag);
      target.focus();
      note.textContent = data.inserted.replace("%s", item.tag);
    };
    buttons.appendChild(button);
  }
}
"""
_INSERT_CSS = """
button { margin: 0 4px 4px 0; padding: 2px 8px; border: 1px solid #d0d4da; border-radius: 6px; background: #fff;
  font: 12px monospace; color: #31333f; cursor: pointer; }
button:hover { border-color: #2563eb; color: #2563eb; }
.note { font-size: 13px; color: #6b7280; min-height: 1.4em; }
"""
_insert_buttons = st.components.v2.component(
    "mailconsole.variable_insert",
    html="<div class='buttons'></div><div class='note' aria-live='polite'></div>",
    css=_INSERT_CSS,
    js=_INSERT_JS,
)


def variable_rows(template_type: TemplateType, engine: TemplateEngine, context: dict[str, Any]) -> list[dict[str, str]]:
    """One row per variable of the type: how to write it in ``engine``, what it means, the sample value (the
    columns named in the session's language: a table shows its keys as its headings)."""
    rows = []
    for name in variables_for(template_type):
        value = str(context.get(name, ""))
        shown = value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"
        rows.append(
            {
                _("Variable"): variable_tag(name, engine),
                _("Meaning"): say(VARIABLE_MEANINGS[name]),
                _("Sample value"): shown,
            }
        )
    return rows


def variable_list(template_type: TemplateType, engine: str, context: dict[str, Any]) -> None:
    names = variables_for(template_type)
    in_engine = TemplateEngine(engine)
    with st.expander(_("Variables of this template ({count})", count=len(names)), icon=":material/data_object:"):
        st.caption(_("Click a variable to insert it at the editor's cursor."))
        variables = [{"tag": variable_tag(name, in_engine), "meaning": say(VARIABLE_MEANINGS[name])} for name in names]
        words = {
            "unreachable": _("The editor cannot be reached from here: copy the variable from the box below."),
            "inserted": _("Inserted {tag} at the cursor.", tag="%s"),  # the script puts the variable for %s
        }
        _insert_buttons(data={"variables": variables, **words}, key=f"tpl.{template_type.value}.insert")
        st.table(variable_rows(template_type, in_engine, context))  # not a dataframe: the page has one, the list
        keep_choice(f"tpl.{template_type.value}.variable")
        name = st.selectbox(
            _("Variable to copy"),
            names,
            format_func={item: f"{item}: {say(VARIABLE_MEANINGS[item])}" for item in names}.__getitem__,
            key=f"tpl.{template_type.value}.variable",
        )
        st.code(variable_tag(name or names[0], in_engine), language=None)
        st.caption(_("Or copy it with the button at the right of the box, and paste it where you want it."))
