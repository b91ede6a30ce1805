"""The list of 15 templates: read once per session, shown by group, and the picker of the one to edit."""

from __future__ import annotations

import streamlit as st

from components.feedback import call
from mailconsole.catalog import TEMPLATE_GROUPS, TEMPLATE_TITLES
from mailconsole.console.drafts import engine_of, is_customised
from mailconsole.console.session import Connection
from mailconsole.models import EmailTemplate, TemplateEngine, TemplateType

ENGINE_LABELS = {TemplateEngine.HANDLEBAR.value: "Handlebars", TemplateEngine.EJS.value: "EJS"}


def templates_snapshot(connection: Connection, *, refresh: bool = False) -> dict[str, EmailTemplate]:
    """The tenant's templates by type, read once per session (and after a save or a reload)."""
    if refresh or connection.data.templates is None:
        assert connection.management is not None
        reply = call("Reading the templates", connection.management.get_email_templates)
        connection.data.templates = {str(template.type): template for template in reply.templates}
    return connection.data.templates


def remember_template(connection: Connection, template: EmailTemplate) -> None:
    """Keep a template as stored now (after a save, a reset or a reload), for the list and the editor."""
    connection.data.templates = {**(connection.data.templates or {}), str(template.type): template}


def customised_count(templates: dict[str, EmailTemplate]) -> int:
    return sum(1 for template in templates.values() if is_customised(template))


def _status(template: EmailTemplate) -> str:
    return "Customised" if is_customised(template) else "Default"


def template_table(templates: dict[str, EmailTemplate]) -> None:
    """The 15 templates by group, each customised or default, with its engine."""
    rows = []
    for group in TEMPLATE_GROUPS:
        for template_type in group.types:
            template = templates.get(template_type.value)
            rows.append(
                {
                    "Group": group.category.title_en,
                    "Template": TEMPLATE_TITLES[template_type],
                    "Type": template_type.value,
                    "Status": _status(template) if template else "Not offered by this backend",
                    "Engine": ENGINE_LABELS.get(engine_of(template), "") if template else "",
                }
            )
    st.dataframe(rows, hide_index=True, width="stretch")


def pick_template(templates: dict[str, EmailTemplate]) -> EmailTemplate | None:
    options = [
        template_type.value
        for group in TEMPLATE_GROUPS
        for template_type in group.types
        if template_type.value in templates
    ]
    if not options:
        st.info("This backend offers no templates.")
        return None
    requested = st.query_params.get("type")
    if "tpl.type" not in st.session_state or st.session_state["tpl.type"] not in options:
        st.session_state["tpl.type"] = requested if requested in options else options[0]

    def label(value: str) -> str:
        template_type = TemplateType(value)
        group = next(group for group in TEMPLATE_GROUPS if template_type in group.types)
        template = templates[value]
        return (
            f"{group.category.title_en} › {TEMPLATE_TITLES[template_type]} · {_status(template).lower()} · "
            f"{ENGINE_LABELS.get(engine_of(template), '')}"
        )

    chosen = st.selectbox("Template", options=options, format_func=label, key="tpl.type")
    return templates[chosen]
