"""Rendering of mail templates: Handlebars (pybars3, hardened) and EJS (the real library in QuickJS).

Whatever goes wrong in either engine, for whatever template or context, surfaces as ``TemplateError``::

    ValueError
    └── TemplateError        message, line, column (1-based, None when unknown), engine

``lint_template`` goes further than compiling: it lists what would make a poor mail (see ``lint``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from mailconsole.models import TemplateEngine
from mailconsole.rendering import ejs, handlebars
from mailconsole.rendering.errors import TemplateError
from mailconsole.rendering.lint import LintFinding, lint_template
from mailconsole.rendering.text import html_to_text

__all__ = [
    "LintFinding",
    "TemplateEngine",
    "TemplateError",
    "check_template",
    "html_to_text",
    "known_differences",
    "lint_template",
    "render_template",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _template_errors_only(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """The last line of the promise that nothing but TemplateError comes out, whatever the arguments."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return function(*args, **kwargs)
        except TemplateError:
            raise
        except Exception as err:
            raise TemplateError(f"the template cannot be rendered: {err}") from err

    return wrapper


@_template_errors_only
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
    if _engine(engine) is TemplateEngine.EJS:
        return ejs.render(source, context)
    return handlebars.render(source, context, partials)


@_template_errors_only
def check_template(
    source: str,
    engine: TemplateEngine | str = TemplateEngine.HANDLEBAR,
    *,
    partials: Mapping[str, str] | None = None,
) -> None:
    """Compile ``source`` without rendering it; raise TemplateError at the first fault.

    With ``partials`` (Handlebars only), a partial the template uses but that is not given is a fault too.
    """
    if _engine(engine) is TemplateEngine.EJS:
        ejs.check(source)
    else:
        handlebars.check(source, partials)


def _engine(engine: TemplateEngine | str) -> TemplateEngine:
    try:
        return TemplateEngine(engine)
    except ValueError:
        known = ", ".join(repr(str(item)) for item in TemplateEngine)
        raise TemplateError(f"unknown template engine {engine!r}: use one of {known}") from None


def known_differences(engine: TemplateEngine | str) -> tuple[str, ...]:
    """Where this engine's output differs from the platform's (handlebars.js, ejs on Node), one sentence each."""
    return ejs.KNOWN_DIFFERENCES if _engine(engine) is TemplateEngine.EJS else handlebars.KNOWN_DIFFERENCES
