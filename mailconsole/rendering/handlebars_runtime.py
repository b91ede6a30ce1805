"""What compiled Handlebars templates run against, in place of pybars3's own runtime.

pybars3's runtime falls back to getattr() when a name is not a key, so ``{{name.format}}`` calls
``str.format`` and ``{{x.[__class__]}}`` reaches Python's internals. This runtime only indexes dicts and lists of
plain data. It also escapes like handlebars.js, prints values as JavaScript's ``String()`` does, and follows
handlebars.js in the built-in helpers: ``{{else}}`` of ``#unless``, empty lists are false, ``@index`` reaches into
nested blocks, ``includeZero``, ``#each`` over an object visits its keys in JavaScript's order. A program's values
are joined with JavaScript's + (``Output``), block parameters are bound as there, a segment literal (``[this]``)
is a key as written.
"""

from __future__ import annotations

import contextvars
import decimal
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pybars import PybarsError
from pybars._compiler import resolve_subexpr

from mailconsole.i18n import Text, localized
from mailconsole.models import TemplateEngine
from mailconsole.rendering.errors import TemplateError, TemplateLimitError, text_of

Block = Callable[[Any], Any]
Render = Callable[..., Any]
Options = dict[str, Any]

# The names under which handlebars.py wraps a standalone partial and runs a section on a path ({{#a.b}}). A
# template cannot reach them: no name a template writes (block or helper name, path segment) holds "<".
INDENT_HELPER = "<indent>"
SECTION_HELPER = "<section>"
FAULT_HELPER = "<fault>"  # a helper misused: handlebars_scan's message, raised where the tag runs
BLOCK_PARAMS_HELPER = "<as>"  # a block with parameters: its helper's name, their names, the helper's arguments
PARTIAL_BLOCK_HELPER = "<partial-block>"  # {{#> name ...}}: the partial's name, then its context and hash
INLINE_HELPER = "<inline>"  # {{#*inline "name"}}: the name; the body is the partial, the inverse the rest
# The partial a partial block's partial calls its block by, and the @-data that tells it has one.
PARTIAL_BLOCK = "@partial-block"

# JSON numbers are doubles in JavaScript: integers beyond 2**53 lose digits there, as they print.
_EXACT_INTEGERS = 2**53

# JavaScript's \s, which differs from Python's: \ufeff is in, \x1c-\x1f are out.
JS_SPACE = "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"

# handlebars.js' escapeExpression table.
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;"}
_ESCAPE = re.compile("[&<>\"'`=]")


def escape(text: str) -> str:
    return _ESCAPE.sub(lambda match: ESCAPES[match[0]], text)


@dataclass(frozen=True)
class Depths:
    """handlebars.js' ``depths``: the contexts ``../`` climbs, nearest first.

    A block adds its context only when it differs (JavaScript's ``!=``) from the nearest: in
    ``{{#with a}}{{#with this}}{{../x}}`` the ``../`` skips both and reads the outer ``x``. A partial starts anew.
    """

    context: Any
    outer: Depths | None = None


class Scope:
    """What a part of a template runs in: its context, the depths ``../`` climbs, the root, the @-data, and the
    block parameters of the blocks it is in (``{{#each items as |item|}}``), which a path's first name reaches first.
    """

    def __init__(
        self, context: Any, depths: Depths, root: Any, data: dict[str, Any], params: dict[str, Any] | None = None
    ) -> None:
        self.context = context
        self.depths = depths
        self.root = root
        self.data = data  # the @-data frame: index, key, first, last, and the frame around it as "_parent"
        self.params = params or {}

    def get(self, name: str) -> Any:
        if name == "this":
            return self.context
        if name == "@root":
            return self.root
        if name == "@_parent":  # pybars3's name for "../"
            outer = self.depths.outer
            return None if outer is None else Scope(outer.context, outer, self.root, self.data)
        if name.startswith("@"):
            return self.data.get(name[1:])
        return pick(self.context, name)

    __getitem__ = get

    def block(self, context: Any, params: dict[str, Any] | None = None, **data: Any) -> Scope:
        """The scope of a block's body run with ``context``; ``data`` starts a new @-data frame (as #each does),
        ``params`` binds the block's parameters."""
        context = _unwrap(context)
        depths = self.depths if js_equal(context, self.depths.context) else Depths(context, self.depths)
        frame = {**self.data, "_parent": self.data, **data} if data else self.data
        return Scope(context, depths, self.root, frame, self.bound(params))

    def bound(self, params: dict[str, Any] | None) -> dict[str, Any]:
        return {**self.params, **params} if params else self.params

    def with_params(self, params: dict[str, Any] | None) -> Scope:
        return Scope(self.context, self.depths, self.root, self.data, self.bound(params)) if params else self


def partial_scope(context: Any, caller: Any, root: Any, overrides: dict[str, Any] | None = None) -> Scope:
    """The scope of a partial (pybars3's generated code calls it ``Scope``): new depths, the caller's @-data.

    With hash arguments the context is a copy of the given one with the arguments added, as handlebars.js makes it.
    """
    context = _unwrap(context)
    if overrides:
        base = context if isinstance(context, dict) else dict(enumerate(context)) if isinstance(context, list) else {}
        context = {str(key): value for key, value in base.items()} | {k: _unwrap(v) for k, v in overrides.items()}
    data = caller.data if isinstance(caller, Scope) else {}
    return Scope(context, Depths(context), root, data)


def pick(container: Any, name: str) -> Any:
    """``container[name]`` for plain data, None when absent; never an attribute."""
    if isinstance(container, Scope):
        return container.get(name)
    if isinstance(container, dict):
        return container.get(name)
    if isinstance(container, list | str):
        if name == "length":  # a string's in UTF-16 code units, as JavaScript counts
            extra = sum(ord(char) > 0xFFFF for char in container) if isinstance(container, str) else 0
            return len(container) + extra
        if name.isascii() and name.isdigit() and int(name) < len(container):
            return container[int(name)]
    return None


def resolve(context: Any, *segments: str) -> Any:
    if segments == ("",) and isinstance(context, Scope):  # a bare {{this}} or {{.}}
        return context.context
    if isinstance(context, Scope) and segments and segments[0] in context.params:  # a block parameter
        name = segments[0]
        context, segments = context.params[name], segments[1:]
        if context is UNSET:  # as in handlebars.js, which fails reading it
            raise _fault_of(
                localized(
                    "the block parameter {name} has no value: the helper of its block gives none", name=f"|{name}|"
                )
            )
    if segments[:1] == ("@@_parent",) and isinstance(context, Scope):  # "@../index": data of the frame around
        frame: Any = context.data.get("_parent")
        segments = segments[1:]
        while segments[:1] == ("@_parent",):  # "@../../index"
            frame, segments = (frame.get("_parent") if isinstance(frame, dict) else None), segments[1:]
        if not segments or not isinstance(frame, dict):
            return None
        context, segments = frame.get(segments[0]), segments[1:]
    for segment in segments:
        if context is None:
            return None
        if segment[:1] == "[":  # a segment literal, {{[this]}}: the key as written, never this, @data or ../
            context = pick(_unwrap(context), segment[1:-1])
        elif segment:
            context = pick(context, segment)
    return context


def ensure_scope(context: Any, root: Any) -> Scope:
    return context if isinstance(context, Scope) else Scope(context, Depths(context), root, {})


def js_equal(left: Any, right: Any) -> bool:
    """JavaScript's ``left == right`` for plain data: objects by identity, other values after conversion."""
    if isinstance(left, dict | list) and isinstance(right, dict | list):
        return left is right
    if left is None or right is None:
        return left is right
    if isinstance(left, bool) or isinstance(right, bool):
        left, right = (_js_to_number(v) if isinstance(v, bool) else v for v in (left, right))
        return js_equal(left, right)
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        left, right = (js_string(v) if isinstance(v, dict | list) else v for v in (left, right))
        return js_equal(left, right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if isinstance(left, str) or isinstance(right, str):
        return _js_to_number(left) == _js_to_number(right)
    return bool(left == right)


_JS_NUMBER = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def _js_to_number(value: Any) -> float:
    """JavaScript's ``Number(value)`` for a bool, number or string (NaN as float('nan'))."""
    if not isinstance(value, str):
        return float(value)
    text = value.strip(JS_SPACE)
    if not text:
        return 0.0
    if _JS_NUMBER.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if text[:2].lower() == prefix:
            try:
                return float(int(text[2:], base))
            except ValueError:
                break
    return float("nan")


def js_string(value: Any) -> str:
    """JavaScript's ``String(value)`` for plain data, which is what handlebars.js prints."""
    if isinstance(value, Scope):
        value = value.context
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number(value)
    if isinstance(value, list):
        return ",".join(js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def js_number(value: int | float) -> str:
    """JavaScript's Number::toString: the shortest digits that read back (as Python's repr), laid out as in JS."""
    if isinstance(value, int) and abs(value) <= _EXACT_INTEGERS:
        return str(value)
    try:
        number = float(value)
    except OverflowError:
        number = float("inf") if value > 0 else float("-inf")
    if number != number:
        return "NaN"
    if number in (float("inf"), float("-inf")):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"  # -0 too
    sign = "-" if number < 0 else ""
    shortest = decimal.Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, shortest.digits))
    assert isinstance(shortest.exponent, int)
    point = len(digits) + shortest.exponent  # the value is 0.digits * 10**point
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    exponent = f"e{'+' if point > 0 else '-'}{abs(point - 1)}"
    return sign + digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + exponent


def js_keys(mapping: dict[str, Any]) -> list[str]:
    """The keys of a JSON object in JavaScript's order: array indexes ascending first, then the others as given."""
    indexes = [key for key in mapping if _is_array_index(key)]
    return sorted(indexes, key=int) + [key for key in mapping if not _is_array_index(key)]


def _is_array_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and (key == "0" or key[0] != "0") and int(key) < 2**32 - 1


def prepare(value: Any, should_escape: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, Output):  # the output of a block: already rendered
        return value
    if not should_escape and isinstance(value, int | float):  # {{{n}}}: a number to JavaScript's + (see Output)
        return value
    text = js_string(value)
    return escape(text) if should_escape else text


class Output:
    """What a program (a template, the body of a block) gives, put together as handlebars.js' compiled code does.

    handlebars.js compiles a program to ``return a + b + c``: JavaScript's +, not a concatenation. So where a run of
    values starts with numbers or booleans (from ``{{{n}}}``, or a block that gave one), they add up: ``{{{a}}}{{{b}}}``
    with 1 and 2 prints 3, while text, escaped values and partials are strings. A section on a plain name
    (``{{#name}}``) ends a run: the run so far is added to a buffer as a whole, then the section's value; the run
    after the last such section is added to the buffer value by value. This class replays exactly that; the
    generated code calls it ``strlist`` (pybars3's name), and ``append`` (text) and ``grow`` (any value).
    """

    def __init__(self) -> None:
        self.run: list[Any] = []
        self.buffer: Any = _NO_BUFFER

    def append(self, text: str) -> None:
        self.run.append(text)

    def grow(self, value: Any) -> None:
        if isinstance(value, SectionValue):
            self.end_run(_given(value.value))
        else:
            self.run.append(_given(value))

    def end_run(self, section: Any) -> None:
        """handlebars.js' ``buffer = run`` or ``buffer += run``, then ``buffer += section``."""
        if self.buffer is _NO_BUFFER:
            self.buffer = js_sum(self.run) if self.run else ""
        elif self.run:
            self.buffer = js_add(self.buffer, js_sum(self.run))
        self.run = []
        self.buffer = js_add(self.buffer, "" if section is None else section)  # an empty inverse gives ""

    def value(self) -> Any:
        if self.buffer is _NO_BUFFER:
            return js_sum(self.run) if self.run else ""
        return js_sum([self.buffer, *self.run])

    def __bool__(self) -> bool:
        return bool(self.run) or self.buffer is not _NO_BUFFER

    def __str__(self) -> str:
        return js_string(self.value())


_NO_BUFFER = object()


def _given(value: Any) -> Any:
    """What a value gives to JavaScript's +: a program's output gives the value it sums to."""
    return value.value() if isinstance(value, Output) else value


@dataclass(frozen=True)
class SectionValue:
    """The value of a section on a plain name ({{#name}}): it ends a run of Output."""

    value: Any


def js_sum(values: list[Any]) -> Any:
    """JavaScript's ``values[0] + values[1] + ...``, left to right; once the sum is a string, the rest is text."""
    total = values[0]
    for index in range(1, len(values)):
        if isinstance(total, str):
            return total + "".join(js_string(value) for value in values[index:])
        total = js_add(total, values[index])
    return total


def js_add(left: Any, right: Any) -> Any:
    """JavaScript's ``left + right`` for the values a program gives (no null: {{{x}}} of null is "")."""
    left, right = _unwrap(left), _unwrap(right)
    if isinstance(left, str | list | dict) or isinstance(right, str | list | dict):
        return js_string(left) + js_string(right)  # objects and arrays become their strings first
    if isinstance(left, int) and isinstance(right, int) and abs(left + right) <= _EXACT_INTEGERS:
        return int(left) + int(right)  # booleans count as 0 and 1
    return float(left) + float(right)


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


def _helper_this(this: Scope) -> Scope:
    """What a built-in helper runs its blocks in: handlebars.js calls helpers on an empty object for a null context
    (its nullContext, which it adds to no depths), so there {{this}} prints "[object Object]"."""
    return this if this.context is not None else Scope({}, this.depths, this.root, this.data, this.params)


# A block parameter whose helper gives it no value (#if, #unless, a section on true): handlebars.js fails reading it.
UNSET = object()


def _params(options: Options, *values: Any) -> dict[str, Any] | None:
    """The block parameters of the block (``as |a b|``) bound to ``values``: None past their end, UNSET if none."""
    names = options.get("block_params", ())
    if not values:
        return dict.fromkeys(names, UNSET) or None
    return {name: values[i] if i < len(values) else None for i, name in enumerate(names)} or None


def _if(this: Scope, options: Options, *args: Any, **hash: Any) -> Any:
    return _branch(this, options, not _is_false(_one_argument("if", args), hash))


def _unless(this: Scope, options: Options, *args: Any, **hash: Any) -> Any:
    return _branch(this, options, _is_false(_one_argument("unless", args), hash))


def _is_false(condition: Any, hash: dict[str, Any]) -> bool:
    """What #if takes as false: JavaScript's falsy values (0 too, but with includeZero) and empty lists."""
    return (not hash.get("includeZero") and not _truthy(condition)) or _is_empty(condition)


def _branch(this: Scope, options: Options, main: bool) -> Any:
    """The main block (whose block parameters, if any, have no value) or the {{else}} block of #if or #unless."""
    this = _helper_this(this)
    return options["fn"](this.with_params(_params(options))) if main else options["inverse"](this)


def _with(this: Scope, options: Options, *args: Any, **hash: Any) -> Any:
    this = _helper_this(this)
    value = _one_argument("with", args)
    if _is_empty(value):
        return options["inverse"](this)
    return options["fn"](this.block(value, _params(options, _unwrap(value))))


def _each(this: Scope, options: Options, *args: Any, **hash: Any) -> Any:
    this = _helper_this(this)
    items = _unwrap(_one_argument("each", args))
    if isinstance(items, list):
        pairs: list[tuple[Any, Any]] = list(enumerate(items))
    elif isinstance(items, dict):
        pairs = [(key, items[key]) for key in js_keys(items)]
    else:
        pairs = []
    if not pairs:
        return options["inverse"](this)
    _charge_iterations(len(pairs))
    result = ""  # handlebars.js: ret = ret + fn(...), from ""
    last = len(pairs) - 1
    for index, (key, value) in enumerate(pairs):
        params = _params(options, value, key)
        rendered = options["fn"](this.block(value, params, index=index, key=key, first=index == 0, last=index == last))
        if rendered:
            result += str(rendered)
    return result


# Block iterations one render may run. A mail lists a few dozen things; nested loops over @root multiply the keys
# of the context at each level, and this stops them long before the deadline of the render worker would.
ITERATION_LIMIT = 100_000
_iterations_left: contextvars.ContextVar[int] = contextvars.ContextVar("iterations_left", default=ITERATION_LIMIT)


def start_render() -> contextvars.Token[int]:
    """A fresh iteration budget for one render; hand the token back to ``end_render``."""
    return _iterations_left.set(ITERATION_LIMIT)


def end_render(token: contextvars.Token[int]) -> None:
    _iterations_left.reset(token)


def _charge_iterations(count: int) -> None:
    left = _iterations_left.get() - count
    if left < 0:
        raise TemplateLimitError(
            localized(
                "the template repeats its blocks more than {count} times: look for nested {each} loops, over {root} "
                "or over large lists",
                count=f"{ITERATION_LIMIT:,}",
                each="{{#each}}",
                root="@root",
            ),
            engine=TemplateEngine.HANDLEBAR,
        )
    _iterations_left.set(left)


def _indent(this: Any, options: Options, indent: Any) -> str:
    """handlebars.js' invokePartial with an indent: every line of the partial's output, but a last empty one."""
    if not isinstance(indent, str):
        raise _fault_of(localized("the indentation of a partial must be text"))
    lines = str(options["fn"](this)).split("\n")
    for number, line in enumerate(lines):
        if not line and number == len(lines) - 1:
            break
        lines[number] = indent + line
    return "\n".join(lines)


def _lookup(this: Any, *args: Any, **hash: Any) -> Any:
    container = _unwrap(args[0]) if args else None
    if args and not _truthy(container):
        return container  # handlebars.js returns a false object as it is, whatever else was given
    if len(args) != 2:
        raise _fault_of(
            localized("lookup takes an object and a field, as in {example}", example="{{lookup object field}}")
        )
    field = args[1]
    return pick(container, field if isinstance(field, str) else js_string(field))


def _log(this: Any, *args: Any, **hash: Any) -> None:
    return None  # a mail render has nowhere to log to


def _internal(helper: str) -> Text:
    """handlebars.js fails when a template calls its internal helpers (only when the tag runs, as here)."""
    return localized("{helper} is an internal helper of Handlebars: a template cannot use it", helper=helper)


def _fault_of(problem: Text) -> TemplateError:
    """A fault of this renderer's own helpers, in either language (the ones handlebars.js words alike stay
    PybarsError, in its words)."""
    return TemplateError(problem, engine=TemplateEngine.HANDLEBAR)


_NOTHING = object()


def _block_helper_missing(this: Scope, options: Options | None = None, value: Any = _NOTHING) -> Any:
    """``{{#name}}...{{/name}}`` where name is a value, not a helper: a section, as in handlebars.js."""
    if options is None or value is _NOTHING:  # {{blockHelperMissing}} or {{#blockHelperMissing}} in a template
        raise _fault_of(_internal("blockHelperMissing"))
    return SectionValue(_section(this, options, value))


def _section(this: Scope, options: Options, value: Any) -> Any:
    """A section on ``value``: ``{{#name}}`` (through blockHelperMissing), and as ``SECTION_HELPER``
    ``{{#a.b}}``, ``{{^../x}}``, ``{{#.}}``, which handlebars.js runs inline (they end no run of Output)."""
    value = _unwrap(value)
    if value is True:
        return options["fn"](this.with_params(_params(options)))
    if value is False or value is None or value == []:
        return options["inverse"](this)
    if isinstance(value, list):
        return _each(this, options, value)
    return options["fn"](this.block(value, _params(options, None)))  # handlebars.js gives its parameters nothing


def _with_block_params(this: Scope, options: Options, helper: str, names: str, *args: Any, **hash: Any) -> Any:
    """A block with parameters (``{{#each items as |item i|}}``): its helper, told their names."""
    return HELPERS[helper](this, dict(options, block_params=tuple(names.split())), *args, **hash)


def _inline(this: Scope, options: Options, name: str) -> Any:
    """``{{#*inline "name"}}``: the partial ``name`` is the block's body while the rest of its program runs."""
    partials = options["partials"]
    previous = partials.get(name, _NOTHING)
    partials[name] = lambda scope, **kwargs: str(options["fn"](scope))
    try:
        return options["inverse"](this)
    finally:
        _restore(partials, name, previous)


def _partial_block(this: Scope, options: Options, name: str, *args: Any, **hash: Any) -> str:
    """``{{#> name context key=value}}``: the partial ``name`` run as ``{{> name context key=value}}`` is, which
    calls the block as ``{{> @partial-block}}``; without such a partial, the block itself, in that context."""
    if len(args) > 1:
        raise _fault_of(
            localized(
                "a partial block takes one context at most, as in {example}", example=f"{{{{#> {name} context}}}}"
            )
        )
    partials = options["partials"]
    outer = partials.get(PARTIAL_BLOCK, _NOTHING)  # the block of the partial this one is in, if any

    def block(scope: Scope, **kwargs: Any) -> str:
        """The block's body, where the partial calls it: in the context and @-data there, the depths here."""
        inner = this.block(scope.context)
        data = {**scope.data, PARTIAL_BLOCK[1:]: outer is not _NOTHING}
        _restore(partials, PARTIAL_BLOCK, outer)
        try:
            return str(options["fn"](Scope(inner.context, inner.depths, inner.root, data, inner.params)))
        finally:
            partials[PARTIAL_BLOCK] = block

    scope = partial_scope(args[0] if args else this, this, this.root, hash or None)
    scope.data = {**scope.data, PARTIAL_BLOCK[1:]: True}
    partial = partials.get(name)
    partials[PARTIAL_BLOCK] = block
    try:
        if partial is None:
            return block(scope)
        return str(partial(scope, helpers=options["helpers"], partials=partials, root=this.root))
    finally:
        _restore(partials, PARTIAL_BLOCK, outer)


def _restore(partials: dict[str, Any], name: str, previous: Any) -> None:
    if previous is _NOTHING:
        partials.pop(name, None)
    else:
        partials[name] = previous


def _fault(this: Any, *args: Any, **hash: Any) -> None:
    """The sentence handlebars_scan found (``Mark.fault``), in either language; positioned already, so it
    carries no line of its own, as before."""
    raise TemplateError(text_of(json.loads(args[-1])), engine=TemplateEngine.HANDLEBAR)


def _helper_missing(this: Any, name: Any = None, *args: Any, **hash: Any) -> None:
    if not isinstance(name, str):  # {{helperMissing}} or {{#helperMissing}} in a template
        raise _fault_of(_internal("helperMissing"))
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
    INDENT_HELPER: _indent,
    SECTION_HELPER: _section,
    FAULT_HELPER: _fault,
    BLOCK_PARAMS_HELPER: _with_block_params,
    PARTIAL_BLOCK_HELPER: _partial_block,
    INLINE_HELPER: _inline,
    "helperMissing": _helper_missing,
}


def render_sections(
    sections: tuple[Render, ...],
    context: Any,
    helpers: dict[str, Any] | None = None,
    partials: dict[str, Any] | None = None,
    root: Any = None,
) -> Any:
    """A template cut into sections (handlebars_codegen): each section's output in turn.

    The preamble of pybars3's generated ``render``: a call from outside (no ``root``) returns text, a call as a
    partial returns the parts for the caller to join.
    """
    all_helpers = dict(HELPERS)
    if helpers is not None:
        all_helpers.update(helpers)
    if partials is None:
        partials = {}
    called = root is None
    if called:
        root = context
    scope = ensure_scope(context, root)
    result = Output()
    for section in sections:
        result.grow(section(scope, helpers=all_helpers, partials=partials, root=root))
    return str(result) if called else result


# The only names the generated code gets. Builtins are cut down to what pybars3's code generator emits, so even a
# name that slipped past the checks could not import anything.
NAMESPACE: dict[str, Any] = {
    "__builtins__": {"dict": dict, "hasattr": hasattr, "str": str},
    "_pybars_": {"helpers": HELPERS},
    "strlist": Output,
    "Scope": partial_scope,
    "PybarsError": PybarsError,
    "escape": escape,
    "resolve": resolve,
    "resolve_subexpr": resolve_subexpr,
    "prepare": prepare,
    "ensure_scope": ensure_scope,
    "partial": functools.partial,
}
