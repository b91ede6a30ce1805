"""The list of 15 templates: read once per session, shown by group, and the picker of the one to edit."""

from __future__ import annotations

import streamlit as st

from components.feedback import call
from components.language import _, say
from components.template_state import keep_choice
from mailconsole.catalog import PLATFORM_NAMES, TEMPLATE_GROUPS, TEMPLATE_TITLES
from mailconsole.console.drafts import Drafts, engine_of, is_customised
from mailconsole.console.session import Connection
from mailconsole.models import EmailTemplate, TemplateEngine, TemplateType

ENGINE_LABELS = {TemplateEngine.HANDLEBAR.value: "Handlebars", TemplateEngine.EJS.value: "EJS"}


def templates_snapshot(connection: Connection, *, refresh: bool = False) -> dict[str, EmailTemplate]:
    """The tenant's templates by type, read once per session (and after a save or a reload)."""
    if refresh or connection.data.templates is None:
        assert connection.management is not None
        reply = call(_("Reading the templates"), connection.management.get_email_templates)
        connection.data.templates = {str(template.type): template for template in reply.templates}
    return connection.data.templates


def remember_template(connection: Connection, template: EmailTemplate) -> None:
    """Keep a template as stored now (after a save, a reset or a reload), for the list and the editor."""
    connection.data.templates = {**(connection.data.templates or {}), str(template.type): template}


def customised_count(templates: dict[str, EmailTemplate]) -> int:
    return sum(1 for template in templates.values() if is_customised(template))


def _status(template: EmailTemplate) -> str:
    return _("Customised") if is_customised(template) else _("Default")


def template_table(templates: dict[str, EmailTemplate], drafts: Drafts) -> None:
    """The 15 templates by group, each customised or default, with its engine and whether a draft waits."""
    rows = []
    for group in TEMPLATE_GROUPS:
        for template_type in group.types:
            template = templates.get(template_type.value)
            rows.append(
                {
                    "Group": say(group.name),
                    "Template": say(TEMPLATE_TITLES[template_type]),
                    "Type": template_type.value,
                    "Status": _status(template) if template else _("Not offered by this backend"),
                    "Engine": ENGINE_LABELS.get(engine_of(template), "") if template else "",
                    "Draft": _("● unsaved") if drafts.get(template_type) else "",
                }
            )
    # The columns keep their English names (tests and the data read them); their headings are translated.
    headings = {
        "Group": _("Group"),
        "Template": _("Template"),
        "Type": _("Type"),
        "Status": _("Status"),
        "Engine": _("Engine"),
        "Draft": _("Draft"),
    }
    st.dataframe(rows, hide_index=True, width="stretch", column_config=headings)


def pick_template(templates: dict[str, EmailTemplate]) -> EmailTemplate | None:
    options = [
        template_type.value
        for group in TEMPLATE_GROUPS
        for template_type in group.types
        if template_type.value in templates
    ]
    if not options:
        st.info(_("This backend offers no templates."))
        return None
    requested = st.query_params.get("type")
    if "tpl.type" not in st.session_state or st.session_state["tpl.type"] not in options:
        st.session_state["tpl.type"] = requested if requested in options else options[0]
    keep_choice("tpl.type")

    chosen = st.selectbox(
        _("Template"),
        options=options,
        # Labels made in this run, in its language (a format_func called later would not know the session).
        format_func={value: picker_label(value) for value in options}.__getitem__,
        key="tpl.type",
        help=_("Type to search: by title, by the platform's full name, or by type (LOGIN_VERIFY_CODE)."),
    )
    return templates[chosen]


def picker_label(value: str) -> str:
    """A template's label in the picker. It must never change while the page is open: the picker's choice travels
    between browser and server as its label, and a label that changed would send the page to another template.
    Status, engine and drafts are therefore shown beside the picker, not in it. (A change of language changes it:
    ``keep_choice`` keeps the choice then.) The platform's full name is its English documentation name: in
    Chinese the title is the platform's own Chinese name, and the full name is left out."""
    template_type = TemplateType(value)
    group = next(group for group in TEMPLATE_GROUPS if template_type in group.types)
    title, full = say(TEMPLATE_TITLES[template_type]), PLATFORM_NAMES[template_type]
    english = title == str(TEMPLATE_TITLES[template_type])
    names = f"{title} ({full})" if english and full.lower() != title.lower() else title
    return f"{say(group.name)} › {names} · {value}"


def waiting_drafts(slot: st.delta_generator.DeltaGenerator, drafts: Drafts) -> None:
    """Fill ``slot`` (beside the picker, present on every run) with the templates that have an unsaved draft."""
    waiting = drafts.waiting()
    if waiting:
        names = ", ".join(say(TEMPLATE_TITLES[kind]) for kind in waiting)
        slot.caption(_(":orange[● Unsaved drafts: {names}] (kept while you look at other templates)", names=names))
