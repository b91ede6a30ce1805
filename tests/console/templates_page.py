"""Driving the templates page under AppTest: open a template, the widget keys of its editor, the mail frames."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

PAGE = "app_pages/templates.py"


def open_template(console: Any, template_type: str) -> AppTest:
    at = console.open(PAGE)
    at.selectbox(key="tpl.type").set_value(template_type).run()
    console.no_exception(at)
    return at


def key(at: AppTest, template_type: str, name: str) -> str:
    """The session-state key of a field of the template's editor, in its current generation."""
    generation = at.session_state[f"tpl.{template_type}.gen"]
    return f"tpl.{template_type}.{generation}.{name}"


def mail_documents(at: AppTest) -> list[str]:
    """The documents of the page's frames: first the live preview's (a component that replaces the mail in place,
    its document in its arguments), then every ``st.iframe``'s (the backend preview, the outbox, the leave guard)."""
    live = [
        json.loads(element.proto.json_args)["document"]
        for element in at.get("component_instance")
        if "mail_frame" in element.proto.component_name
    ]
    return live + [element.proto.srcdoc for element in at.get("iframe")]
