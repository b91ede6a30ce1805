"""The context of a render reduced to JSON's shapes, so both engines see the same plain data."""

from __future__ import annotations

import math
from collections.abc import Mapping, Set
from typing import Any

from mailconsole.i18n import LocalizedValueError, localized
from mailconsole.models import TemplateEngine
from mailconsole.rendering.errors import TemplateError

MAX_DEPTH = 64


def plain_context(context: Mapping[str, Any], engine: TemplateEngine) -> dict[str, Any]:
    """A copy of ``context`` made of dicts, lists, str, int, float, bool and None only.

    Values of other types become their ``str()`` (as JSON encoders commonly do with ``default=str``) and
    non-finite floats become None (as JSON.stringify does), so no engine ever sees an object with behaviour.
    """
    if not isinstance(context, Mapping):
        raise TemplateError(
            localized("the context must be a mapping, not {kind}", kind=type(context).__name__), engine=engine
        )
    plain = plain_data(context, engine)
    assert isinstance(plain, dict)
    return plain


def plain_data(value: Any, engine: TemplateEngine) -> Any:
    """``value`` (any JSON-like value, not only a mapping) made of JSON's shapes, as ``plain_context`` does."""
    try:
        return _plain(value, 0)
    except Exception as err:  # too deep, or a str() or mapping of the caller's that fails
        problem = err.text if isinstance(err, LocalizedValueError) else str(err)
        raise TemplateError(localized("the context cannot be used: {problem}", problem=problem), engine=engine) from err


def _plain(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        # Also the way out of a context that contains itself.
        raise LocalizedValueError(localized("it is nested more than {depth} levels deep", depth=MAX_DEPTH))
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Mapping):
        return {str(key): _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | Set):
        return [_plain(item, depth + 1) for item in value]
    return str(value)
