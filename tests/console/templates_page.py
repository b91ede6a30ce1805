"""Driving the templates page under AppTest: open a template, and the widget keys of its editor."""

from __future__ import annotations

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
