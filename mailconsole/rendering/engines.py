"""Both engines in this process, unbounded: what a render worker runs (``workers``), never a request handler.

A render here can run as long and grow as large as the template makes it; ``render_template`` and
``check_template`` of the package run these in a worker process under a deadline instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from mailconsole.i18n import localized
from mailconsole.models import TemplateEngine
from mailconsole.rendering import ejs, handlebars
from mailconsole.rendering.errors import TemplateError

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _template_errors_only(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """The last line of the promise that nothing but TemplateError comes out, whatever the arguments (memory
    running out excepted: the worker that ran out must be replaced)."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return function(*args, **kwargs)
        except (TemplateError, MemoryError):
            raise
        except Exception as err:
            raise TemplateError(localized("the template cannot be rendered: {problem}", problem=str(err))) from err

    return wrapper


@_template_errors_only
def render(
    source: str, context: Mapping[str, Any], engine: TemplateEngine, partials: Mapping[str, str] | None = None
) -> str:
    if engine is TemplateEngine.EJS:
        return ejs.render(source, context)
    return handlebars.render(source, context, partials)


@_template_errors_only
def check(source: str, engine: TemplateEngine, partials: Mapping[str, str] | None = None) -> None:
    if engine is TemplateEngine.EJS:
        ejs.check(source)
    else:
        handlebars.check(source, partials)


def engine_of(engine: TemplateEngine | str) -> TemplateEngine:
    try:
        return TemplateEngine(engine)
    except ValueError:
        known = ", ".join(repr(str(item)) for item in TemplateEngine)
        raise TemplateError(
            localized("unknown template engine {engine}: use one of {known}", engine=repr(engine), known=known)
        ) from None


def warm_up() -> None:
    """Build what each engine builds on first use (pybars3's grammar, the EJS library text), so that processes
    forked after this start warm."""
    render("{{#if a}}{{a}}{{/if}}", {"a": 1}, TemplateEngine.HANDLEBAR)
    render("<%= a %>", {"a": 1}, TemplateEngine.EJS)
