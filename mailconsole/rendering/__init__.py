"""Rendering of mail templates: Handlebars (pybars3, hardened) and EJS (the real library in QuickJS).

Whatever goes wrong in either engine, for whatever template or context, surfaces as ``TemplateError``::

    ValueError
    └── TemplateError           message, line, column (1-based, None when unknown), engine
        └── TemplateLimitError  stopped by a limit: time, output, memory or iterations (``workers``)

Every render and compile check runs in a worker process under a deadline and budgets (``workers``), so no
template can stop its caller. ``lint_template`` goes further than compiling: it lists what would make a poor mail
(see ``lint``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mailconsole.models import TemplateEngine
from mailconsole.rendering import ejs, handlebars
from mailconsole.rendering.engines import engine_of
from mailconsole.rendering.errors import TemplateError, TemplateLimitError
from mailconsole.rendering.lint import LintFinding, lint_template
from mailconsole.rendering.text import html_to_text
from mailconsole.rendering.workers import Job, default_pool

__all__ = [
    "LintFinding",
    "TemplateEngine",
    "TemplateError",
    "TemplateLimitError",
    "check_template",
    "html_to_text",
    "known_differences",
    "lint_template",
    "render_template",
]


def render_template(
    source: str,
    context: Mapping[str, Any],
    engine: TemplateEngine | str = TemplateEngine.HANDLEBAR,
    *,
    partials: Mapping[str, str] | None = None,
) -> str:
    """Render ``source`` with ``context`` (plain JSON-like data; a missing Handlebars name prints as "").

    ``partials`` (Handlebars only) maps partial names to their template source.
    """
    return _run(Job(source, engine_of(engine), context, partials))


def check_template(
    source: str,
    engine: TemplateEngine | str = TemplateEngine.HANDLEBAR,
    *,
    partials: Mapping[str, str] | None = None,
) -> None:
    """Compile ``source`` without rendering it; raise TemplateError at the first fault.

    With ``partials`` (Handlebars only), a partial the template uses but that is not given is a fault too.
    """
    _run(Job(source, engine_of(engine), None, partials))


def _run(job: Job) -> str:
    try:
        return default_pool().run(job)
    except TemplateError:
        raise
    except Exception as err:  # a context or template that cannot cross to the worker, say
        raise TemplateError(f"the template cannot be rendered: {err}", engine=job.engine) from err


def known_differences(engine: TemplateEngine | str) -> tuple[str, ...]:
    """Where this engine's output differs from the platform's (handlebars.js, ejs on Node), one sentence each."""
    return ejs.KNOWN_DIFFERENCES if engine_of(engine) is TemplateEngine.EJS else handlebars.KNOWN_DIFFERENCES
