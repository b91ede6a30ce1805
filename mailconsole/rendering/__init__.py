"""Rendering of mail templates: Handlebars (pybars3, hardened) and EJS (the real library in QuickJS).

Whatever goes wrong in either engine, for whatever template or context, surfaces as ``TemplateError``::

    ValueError
    └── TemplateError           message, line, column (1-based, None when unknown), engine; text: the message
                                as a Text in either language (an engine's own words are shown as it says them)
        └── TemplateLimitError  stopped by a limit: time, output, memory or iterations (``workers``)

Every render and compile check runs in a worker process under a deadline and budgets (``workers``), so no
template can stop its caller. ``lint_template`` goes further than compiling: it lists what would make a poor mail
(see ``lint``).
"""

from __future__ import annotations

from mailconsole.i18n import Text
from mailconsole.models import TemplateEngine
from mailconsole.rendering import ejs, handlebars
from mailconsole.rendering.engines import engine_of
from mailconsole.rendering.errors import TemplateError, TemplateLimitError
from mailconsole.rendering.lint import LintFinding, lint_template
from mailconsole.rendering.text import html_to_text
from mailconsole.rendering.workers import check_template, render_template

__all__ = [
    "LintFinding",
    "TemplateEngine",
    "TemplateError",
    "TemplateLimitError",
    "check_template",
    "html_to_text",
    "known_difference_texts",
    "known_differences",
    "lint_template",
    "render_template",
]


def known_differences(engine: TemplateEngine | str) -> tuple[str, ...]:
    """Where this engine's output differs from the platform's (handlebars.js, ejs on Node), one sentence each."""
    return tuple(str(text) for text in known_difference_texts(engine))


def known_difference_texts(engine: TemplateEngine | str) -> tuple[Text, ...]:
    """The same sentences in either language, for the console."""
    if engine_of(engine) is TemplateEngine.EJS:
        return ejs.KNOWN_DIFFERENCE_TEXTS
    return handlebars.KNOWN_DIFFERENCE_TEXTS
