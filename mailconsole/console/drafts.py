"""The template a console admin is editing (``Draft``), rendered as the live preview shows it (``render_draft``).

The preview renders with ``mailconsole.rendering``, the renderer the service itself uses (in its worker processes,
under the same limits), so what the admin sees while typing is what the platform will send.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from mailconsole.catalog import (
    APP_NAME_VARIABLES,
    DEFAULT_EXPIRES_IN,
    REDIRECT_TYPES,
    TEMPLATE_GROUPS,
    VERIFICATION_TYPES,
)
from mailconsole.i18n import EN_US, Language, LocalizedValueError, localized
from mailconsole.models import EmailTemplate, TemplateEngine, TemplateType
from mailconsole.rendering import LintFinding, TemplateError, TemplateLimitError, check_template, render_template
from mailconsole.rendering.samples import sample_context
from mailconsole.service.defaults import default_template

FIELDS = ("content", "subject", "sender")
ENGINES = frozenset(engine.value for engine in TemplateEngine)


def engine_of(template: EmailTemplate) -> str:
    """The template's engine; an unknown or missing one reads as Handlebars, the platform's default."""
    value = str(getattr(template.tpl_engine, "value", template.tpl_engine) or TemplateEngine.HANDLEBAR.value)
    return value if value in ENGINES else TemplateEngine.HANDLEBAR.value


@dataclass(frozen=True)
class Draft:
    """What the administrator has in the editor; compares equal to the saved template when nothing changed."""

    template_type: TemplateType
    name: str
    subject: str
    sender: str
    customize_enabled: bool
    expires_in: int | None
    redirect_to: str | None
    tpl_engine: str
    content: str

    @classmethod
    def of(cls, template: EmailTemplate) -> Draft:
        template_type = TemplateType(template.type)
        return cls(
            template_type=template_type,
            name=template.name,
            subject=template.subject,
            sender=template.sender,
            customize_enabled=template.customize_enabled,
            expires_in=(template.expires_in or DEFAULT_EXPIRES_IN) if template_type in VERIFICATION_TYPES else None,
            redirect_to=(template.redirect_to or None) if template_type in REDIRECT_TYPES else None,
            tpl_engine=engine_of(template),
            content=template.content,
        )

    def saved_fields(self) -> dict[str, Any]:
        """The fields of ``update-email-template`` that save this draft (its type aside)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "template_type"}


@dataclass
class Drafts:
    """The unsaved drafts of one tenant in this session, one per template type: an edit stays while the admin looks
    at other templates, until it is saved or deliberately discarded."""

    by_type: dict[TemplateType, Draft] = field(default_factory=dict)

    def get(self, template_type: TemplateType) -> Draft | None:
        return self.by_type.get(template_type)

    def keep(self, saved: Draft, draft: Draft) -> None:
        """Remember ``draft`` while it differs from ``saved``; one that equals it again is no draft."""
        if draft == saved:
            self.by_type.pop(draft.template_type, None)
        else:
            self.by_type[draft.template_type] = draft

    def discard(self, template_type: TemplateType) -> None:
        self.by_type.pop(template_type, None)

    def waiting(self) -> list[TemplateType]:
        """The types with a draft, in the order of the template groups."""
        return [kind for group in TEMPLATE_GROUPS for kind in group.types if kind in self.by_type]


def with_builtin(draft: Draft, engine: str, language: Language = EN_US) -> Draft:
    """``draft`` with the built-in subject, sender and body of its type written for ``engine`` in ``language`` (the
    pool's): a start to edit from. The other fields (name, customisation, validity, redirect) stay as they are."""
    builtin = default_template(draft.template_type, engine, language)
    return replace(
        draft, subject=builtin.subject, sender=builtin.sender, content=builtin.content, tpl_engine=engine_of(builtin)
    )


_HANDLEBARS_TAG = re.compile(r"{{{?\s*[#/^>!]?\s*[A-Za-z_@]")
_EJS_TAG = re.compile(r"<%[=_#-]?")


def written_for(content: str) -> str | None:
    """The engine a body's tags belong to (Handlebars ``{{…}}`` or EJS ``<%…%>``); None when it has no tags of
    either, or of both."""
    handlebars, ejs = bool(_HANDLEBARS_TAG.search(content)), bool(_EJS_TAG.search(content))
    if handlebars == ejs:
        return None
    return TemplateEngine.HANDLEBAR.value if handlebars else TemplateEngine.EJS.value


def engine_mismatch(draft: Draft) -> str | None:
    """The engine the body is written for, when it is not the draft's engine: the other engine would print its
    tags as text (and the checks would see no variables at all)."""
    engine = written_for(draft.content)
    return engine if engine is not None and engine != draft.tpl_engine else None


@dataclass
class Preview:
    """The rendered subject, sender and body, or the errors by field (``compile``: the template itself is wrong,
    as opposed to failing only with this sample context)."""

    subject: str = ""
    sender: str = ""
    html: str = ""
    errors: dict[str, TemplateError] = field(default_factory=dict)
    compile_errors: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def render_draft(draft: Draft, context: dict[str, Any]) -> Preview:
    preview = Preview()
    for name in FIELDS:
        source = getattr(draft, name)
        try:
            output = render_template(source, context, draft.tpl_engine)
        except TemplateLimitError as err:  # stopped by a limit: as wrong as a compile error, and no use to retry
            preview.errors[name] = err
            preview.compile_errors.add(name)
            continue
        except TemplateError as err:
            preview.errors[name] = err
            try:
                check_template(source, draft.tpl_engine)
            except TemplateError as compile_error:
                preview.errors[name] = compile_error
                preview.compile_errors.add(name)
            continue
        setattr(preview, "html" if name == "content" else name, output if name == "content" else output.strip())
    return preview


def annotations_for(
    error: TemplateError | None, findings: list[LintFinding] | None = None, language: Language = EN_US
) -> list[dict[str, Any]]:
    """The Ace gutter markers: a body error that stops compiling at its line (and column when known), else the
    linter's findings in the body that have a line (in ``language``; so is a compile error, but for an engine's
    own words)."""
    if error is not None:
        marked = [(error.line, error.column, "error", error.text.in_language(language))]
    else:
        marked = [
            (finding.line, finding.column, finding.severity, finding.text.in_language(language))
            for finding in findings or []
            if finding.field == "content" and finding.line is not None
        ]
    return [
        {"row": max((line or 1) - 1, 0), "column": max((column or 1) - 1, 0), "type": kind, "text": text}
        for line, column, kind, text in marked
    ]


def default_context(template_type: TemplateType, expires_in: int | None, app_name: str | None = None) -> dict[str, Any]:
    """The sample variables of a type, with the validity in minutes as the platform prints it, and the
    application's name where a send prints it, when the console knows it (``Connection.app_name``)."""
    context = sample_context(template_type)
    if expires_in and "expires_in" in context:
        context["expires_in"] = max(1, -(-expires_in // 60))
    if app_name:
        context.update({name: app_name for name in APP_NAME_VARIABLES if name in context})
    return context


def parse_context(text: str) -> dict[str, Any]:
    """The sample context typed as JSON; ValueError with the line and column of the fault."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        # The JSON parser's own words (err.msg) stay as it says them.
        where = localized("line {line}, column {column}: {problem}", line=err.lineno, column=err.colno, problem=err.msg)
        raise LocalizedValueError(where) from None
    if not isinstance(value, dict):
        example = '{"verify_code": "123456"}'
        raise LocalizedValueError(localized("it must be a JSON object, such as {example}", example=example))
    return value


def is_customised(template: EmailTemplate) -> bool:
    return bool(template.customize_enabled)
