"""What compiled Handlebars templates run against, in place of pybars3's own runtime.

pybars3's runtime falls back to getattr() when a name is not a key, so ``{{name.format}}`` calls
``str.format`` and ``{{x.[__class__]}}`` reaches Python's internals. This runtime only indexes dicts and lists of
plain data. It also escapes like handlebars.js and follows handlebars.js in the built-in helpers: ``{{else}}`` of
``#unless``, empty lists are false, ``@index`` reaches into nested blocks, ``includeZero``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from pybars import PybarsError, strlist
from pybars._compiler import resolve_subexpr

Block = Callable[[Any], Any]
Options = dict[str, Any]

# handlebars.js' escapeExpression table.
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;"}
_ESCAPE = re.compile("[&<>\"'`=]")


def escape(text: str) -> str:
    return _ESCAPE.sub(lambda match: ESCAPES[match[0]], text)


class Scope:
    """One level of the context stack: its value, the scope around it, the root and the @-data of #each."""

    def __init__(
        self,
        context: Any,
        parent: Any,
        root: Any,
        overrides: dict[str, Any] | None = None,
        **data: Any,
    ) -> None:
        self.context = context
        self.parent = parent
        self.root = root
        self.overrides = overrides
        # @index and friends stay visible in nested blocks and partials, as in handlebars.js.
        self.data: dict[str, Any] = dict(parent.data) if isinstance(parent, Scope) else {}
        self.data.update(data)

    def get(self, name: str) -> Any:
        if name == "this":
            return self.context
        if name == "@root":
            return self.root
        if name == "@_parent":
            return self.parent
        if name.startswith("@"):
            return self.data.get(name[1:])
        if self.overrides and name in self.overrides:
            return self.overrides[name]
        return pick(self.context, name)

    __getitem__ = get


def pick(container: Any, name: str) -> Any:
    """``container[name]`` for plain data, None when absent; never an attribute."""
    if isinstance(container, Scope):
        return container.get(name)
    if isinstance(container, dict):
        return container.get(name)
    if isinstance(container, list | str):
        if name == "length":
            return len(container)
        if name.isascii() and name.isdigit() and int(name) < len(container):
            return container[int(name)]
    return None


def resolve(context: Any, *segments: str) -> Any:
    if segments == ("",) and isinstance(context, Scope):  # a bare {{this}} or {{.}}
        return context.context
    data_of_parent = False
    for segment in segments:
        if data_of_parent:  # "@../index": the @index of the parent scope
            segment, data_of_parent = "@" + segment, False
        elif segment.startswith("@@"):
            segment, data_of_parent = segment[1:], True
        if context is None:
            return None
        if segment:
            context = pick(context, segment)
    return context


def ensure_scope(context: Any, root: Any) -> Scope:
    return context if isinstance(context, Scope) else Scope(context, None, root)


def js_string(value: Any) -> str:
    """JavaScript's ``String(value)`` for plain data, which is what handlebars.js prints."""
    if isinstance(value, Scope):
        value = value.context
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list):
        return ",".join(js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def prepare(value: Any, should_escape: bool) -> Any:
    if value is None:
        return ""
    if type(value) is strlist:  # the output of a block: already rendered
        return value
    text = js_string(value)
    return escape(text) if should_escape else text


def _unwrap(value: Any) -> Any:
    return value.context if isinstance(value, Scope) else value


def _truthy(value: Any) -> bool:
    """JavaScript's truthiness: unlike Python's, an empty dict or list is true."""
    value = _unwrap(value)
    return isinstance(value, dict | list) or bool(value)


def _is_empty(value: Any) -> bool:
    """handlebars.js' Utils.isEmpty: false values except 0, and empty lists."""
    value = _unwrap(value)
    if isinstance(value, list):
        return not value
    is_zero = isinstance(value, int | float) and not isinstance(value, bool) and value == 0
    return not _truthy(value) and not is_zero


def _one_argument(helper: str, args: tuple[Any, ...]) -> Any:
    if len(args) != 1:
        raise PybarsError(f"#{helper} requires exactly one argument")
    return args[0]


def _if(this: Any, options: Options, *args: Any, **hash: Any) -> Any:
    condition = _one_argument("if", args)
    if (not hash.get("includeZero") and not _truthy(condition)) or _is_empty(condition):
        return options["inverse"](this)
    return options["fn"](this)


def _unless(this: Any, options: Options, *args: Any, **hash: Any) -> Any:
    swapped = dict(options, fn=options["inverse"], inverse=options["fn"])
    return _if(this, swapped, _one_argument("unless", args), **hash)


def _with(this: Any, options: Options, *args: Any, **hash: Any) -> Any:
    value = _one_argument("with", args)
    if _is_empty(value):
        return options["inverse"](this)
    return options["fn"](Scope(_unwrap(value), this, options["root"]))


def _each(this: Any, options: Options, *args: Any, **hash: Any) -> Any:
    items = _unwrap(_one_argument("each", args))
    if isinstance(items, list):
        pairs: list[tuple[Any, Any]] = list(enumerate(items))
    elif isinstance(items, dict):
        pairs = list(items.items())
    else:
        pairs = []
    if not pairs:
        return options["inverse"](this)
    result = strlist()
    last = len(pairs) - 1
    for index, (key, value) in enumerate(pairs):
        scope = Scope(value, this, options["root"], index=index, key=key, first=index == 0, last=index == last)
        rendered = options["fn"](scope)
        if rendered:
            result.grow(rendered)
    return result


def _lookup(this: Any, *args: Any, **hash: Any) -> Any:
    container, field = (*args, None, None)[:2]
    if field is None:
        return None
    return pick(_unwrap(container), field if isinstance(field, str) else js_string(field))


def _log(this: Any, *args: Any, **hash: Any) -> None:
    return None  # a mail render has nowhere to log to


def _block_helper_missing(this: Any, options: Options, value: Any) -> Any:
    """``{{#name}}...{{/name}}`` where name is a value, not a helper: a section, as in handlebars.js."""
    value = _unwrap(value)
    if value is True:
        return options["fn"](this)
    if value is False or value is None or value == []:
        return options["inverse"](this)
    if isinstance(value, list):
        return _each(this, options, value)
    return options["fn"](Scope(value, this, options["root"]))


def _helper_missing(this: Any, name: str, *args: Any, **hash: Any) -> None:
    if args or hash:
        raise PybarsError(f'Missing helper: "{name}"')
    return None  # a name that is not in the context prints as ""


HELPERS: dict[str, Callable[..., Any]] = {
    "if": _if,
    "unless": _unless,
    "with": _with,
    "each": _each,
    "lookup": _lookup,
    "log": _log,
    "blockHelperMissing": _block_helper_missing,
    "helperMissing": _helper_missing,
}

# The only names the generated code gets. Builtins are cut down to what pybars3's code generator emits, so even a
# name that slipped past the checks could not import anything.
NAMESPACE: dict[str, Any] = {
    "__builtins__": {"dict": dict, "hasattr": hasattr, "str": str},
    "_pybars_": {"helpers": HELPERS},
    "strlist": strlist,
    "Scope": Scope,
    "PybarsError": PybarsError,
    "escape": escape,
    "resolve": resolve,
    "resolve_subexpr": resolve_subexpr,
    "prepare": prepare,
    "ensure_scope": ensure_scope,
    "partial": functools.partial,
}
