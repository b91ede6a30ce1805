"""Handlebars through pybars3, hardened: a template is tenant-authored and must never run code.

pybars3 turns a template into Python source and exec()s it. Names from ``[...]`` segment literals (in paths,
helper arguments, hash values, sub-expressions, ``#each``, partial arguments) are pasted into that source
unescaped, and with a newline inside the brackets the pasted text even runs at compile time. So this module uses
pybars3's grammar and code generator but not its ``Compiler.compile``:

1. ``handlebars_scan`` checks the tags (block stack, unknown helpers) and lists rewrites for pybars3;
2. pybars3's grammar parses the rewritten text into a tree;
3. every name and literal in the tree is checked (names) or re-quoted with ``repr`` (strings) before code
   generation, so no template text reaches the generated code except as a well-formed string literal;
4. the code runs in a namespace of our own (``handlebars_runtime``): no module in ``sys.modules``, builtins cut
   down, a runtime that never uses getattr, escaping as in handlebars.js.

Compiling goes through one lock (pybars3's code generator is shared state); compiled templates are cached by
source and render concurrently.
"""

from __future__ import annotations

import ast
import functools
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pybars import Compiler

from mailconsole.models import TemplateEngine
from mailconsole.rendering import handlebars_scan
from mailconsole.rendering.data import plain_context
from mailconsole.rendering.errors import TemplateError, line_and_column
from mailconsole.rendering.handlebars_runtime import NAMESPACE
from mailconsole.rendering.handlebars_scan import Edit

Render = Callable[..., Any]

# A mail is a few KB (Gmail clips those over 102 KB). pybars3 compiles about 50 KB a second, under the lock.
MAX_SOURCE = 128 * 1024
CACHE_SIZE = 256

_COMPILE_LOCK = threading.Lock()
_ENGINE = TemplateEngine.HANDLEBAR

# pybars3's whitespace control (Compiler.whitespace_control), redone here to keep track of offsets, and closer to
# handlebars.js: a line that holds only block tags, {{else}}, {{^}} or comments goes, up to and with its line
# break, also on the last line (pybars3 takes the break before it instead) and for {{^}}, which pybars3 forgets.
_STANDALONE_TAGS = r"([ \t]*{{(#[^{}]+|/[^{}]+|![^{}]+|\^[^{}]*|else|else [^{}]+)}}[ \t]*)+"
_WHITESPACE = re.compile(rf"~}}}}\s*|\s*{{{{~|(?<=\n){_STANDALONE_TAGS}(\r?\n|\Z)|\A{_STANDALONE_TAGS}\r?\n")
_TIDY = re.compile(r"(?<={{)~|~(?=}})|(?<=}})[ \t]+(?={{)")


@dataclass(frozen=True)
class CompiledTemplate:
    render: Render
    partials: tuple[tuple[str, int], ...]  # static partial names, each with the offset of its tag
    source: str


class _Rejected(Exception):
    """A name or literal in the parsed tree that must not reach generated code."""


# ---- public ----------------------------------------------------------------------------------------------------


def check(source: str, partials: Mapping[str, str] | None = None) -> None:
    """Compile ``source`` (and ``partials``) and, when ``partials`` is given, check that each partial exists."""
    template = compile_template(source)
    if partials is not None:
        _check_partials(template, partials)
        for name, text in partials.items():
            _compile_partial(name, text)


def render(source: str, context: Mapping[str, Any], partials: Mapping[str, str] | None = None) -> str:
    template = compile_template(source)
    known = dict(partials or {})
    _check_partials(template, known)
    compiled = {name: _compile_partial(name, text).render for name, text in known.items()}
    data = plain_context(context, _ENGINE)
    try:
        return str(template.render(data, partials=compiled))
    except RecursionError:
        raise TemplateError("partials include each other without end", engine=_ENGINE) from None
    except Exception as err:  # a helper's complaint, a missing dynamic partial, ...
        raise TemplateError(str(err) or type(err).__name__, engine=_ENGINE) from None


def compile_template(source: str) -> CompiledTemplate:
    if not isinstance(source, str):
        raise TemplateError("the template must be text", engine=_ENGINE)
    if len(source) > MAX_SOURCE:
        raise TemplateError(f"the template is longer than {MAX_SOURCE // 1024} KB", engine=_ENGINE)
    return _compile_cached(source)


# ---- the pipeline ----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile_cached(source: str) -> CompiledTemplate:
    try:
        return _compile(source)
    except TemplateError:
        raise
    except _Rejected as err:
        raise _rejection(source, str(err)) from None
    except RecursionError:
        raise TemplateError("the template nests blocks too deeply", engine=_ENGINE) from None
    except Exception as err:  # the checks should leave nothing for this; a TemplateError all the same
        raise TemplateError(f"the template cannot be compiled: {err}", engine=_ENGINE) from None


def _compile(source: str) -> CompiledTemplate:
    if "\x00" in source:
        raise TemplateError.at(source, source.index("\x00"), "the template contains a NUL character", _ENGINE)
    outline = handlebars_scan.outline(source)
    text, origin = _rewrite(source, list(range(len(source) + 1)), list(outline.edits))
    text, origin = _rewrite(text, origin, _whitespace_edits(text))
    with _COMPILE_LOCK:
        tree = _parse(text, origin, source, outline.probes)
        code, name = _generate(_checked(tree))
    namespace = dict(NAMESPACE)
    exec(compile(code, "<handlebars template>", "exec", dont_inherit=True), namespace)  # noqa: S102
    return CompiledTemplate(namespace[name], outline.partials, source)


def _rewrite(text: str, origin: list[int], edits: list[Edit]) -> tuple[str, list[int]]:
    """Apply ``edits`` (sorted, disjoint) to ``text``; ``origin[i]`` is the source offset of character i.

    A replacement made only of characters it replaces (whitespace control deletes) keeps their offsets; other
    characters point at the start of their edit.
    """
    pieces: list[str] = []
    offsets: list[int] = []
    last = 0
    for edit in edits:
        pieces.append(text[last : edit.start])
        offsets.extend(origin[last : edit.start])
        cursor = edit.start
        for char in edit.text:
            found = text.find(char, cursor, edit.end)
            offsets.append(origin[found] if found >= 0 else origin[edit.start])
            cursor = found + 1 if found >= 0 else cursor
        pieces.append(edit.text)
        last = edit.end
    pieces.append(text[last:])
    offsets.extend(origin[last:])
    return "".join(pieces), offsets


def _whitespace_edits(text: str) -> list[Edit]:
    return [Edit(m.start(), m.end(), _TIDY.sub("", m[0].strip())) for m in _WHITESPACE.finditer(text)]


def _parse(text: str, origin: list[int], source: str, probes: tuple[tuple[int, str], ...]) -> Any:
    parser = Compiler._handlebars(text)
    tree, error = parser.apply("template")
    stopped = parser.input.position
    if stopped >= len(text):
        return tree
    if error.position == len(text) and (culprit := _unreadable_tag(probes, origin[stopped])):
        # It read on to the end from the block at `stopped`: the tag in that block at fault says more.
        raise TemplateError.at(source, culprit[0], f"cannot read the tag {culprit[1][:60]}", _ENGINE)
    # pybars3 would say "Error at character C of line L": L counts all lines, C is the column (0-based on the
    # first line) of the furthest point the parser reached, which comes here as an offset: report that point.
    furthest = error.position if isinstance(error.position, int) else stopped
    at = furthest if stopped <= furthest < len(text) else stopped
    tag_start = max(text.rfind("{{", stopped, at + 1), stopped)
    tag_end = text.find("}}", at)
    tag = text[tag_start : tag_end + 2 if 0 <= tag_end < tag_start + 80 else tag_start + 40].split("\n", 1)[0]
    line, column = line_and_column(source, origin[at])
    raise TemplateError(f"cannot read the tag {tag}", line, column, _ENGINE)


def _unreadable_tag(probes: tuple[tuple[int, str], ...], start: int) -> tuple[int, str] | None:
    for offset, probe in probes:
        if offset >= start:
            reader = Compiler._handlebars(probe)
            reader.apply("template")
            if reader.input.position < len(probe):
                return offset, probe
    return None


def _generate(tree: Any) -> tuple[str, str]:
    builder = Compiler._compiler.globals["builder"]
    builder._reset()  # a failed compile may have left it half way
    container = Compiler._compiler(tree).apply("compile")[0]
    return str(container.code), str(container.name)


def _rejection(source: str, bad: str) -> TemplateError:
    shown = repr(bad if len(bad) <= 40 else bad[:37] + "...")
    message = f"the name or string {shown} is not allowed: no quotes, backslashes or line breaks in names"
    where = source.find(bad)
    if where < 0:
        return TemplateError(message, engine=_ENGINE)
    return TemplateError.at(source, where, message, _ENGINE)


# ---- the tree check --------------------------------------------------------------------------------------------


def _checked(node: Any) -> Any:
    """A copy of a pybars3 tree in which every text that reaches generated code is safe there."""
    if isinstance(node, list) and node[:1] == ["template"]:
        return ["template", *(_checked_statement(item) for item in node[1:])]
    raise _Rejected(repr(node)[:40])


def _checked_statement(node: Any) -> Any:
    kind = node[0]
    if kind in ("literal", "newline", "whitespace") and isinstance(node[1], str):
        return node  # emitted with repr()
    if kind == "comment":
        return node
    if kind in ("expand", "escapedexpand"):
        return (kind, _checked_path(node[1]), _checked_args(node[2]))
    if kind in ("block", "invertedblock"):
        body, inverse = node[3], node[4]
        return (kind, _name(node[1]), _checked_args(node[2]), _checked(body), _checked(inverse) if inverse else [])
    if kind == "rawblock" and isinstance(node[3], str):
        return (kind, _name(node[1]), _checked_args(node[2]), node[3])
    if kind == "partial":
        return (kind, _checked_partial_name(node[1]), _checked_args(node[2]))
    raise _Rejected(repr(node)[:40])


def _checked_args(args: Any) -> list[Any]:
    return [_checked_arg(arg) for arg in args]


def _checked_arg(arg: Any) -> Any:
    kind = arg[0]
    if kind == "path":
        return _checked_path(arg)
    if kind == "subexpr":
        return ("subexpr", _checked_path(arg[1]), _checked_args(arg[2]))
    if kind == "literalparam":
        return ("literalparam", _literal(arg[1]))
    if kind == "kwparam" and isinstance(arg[1], str) and arg[1].isidentifier():
        return ("kwparam", arg[1], _checked_arg(arg[2]))
    raise _Rejected(repr(arg)[:40])


def _checked_path(path: Any) -> Any:
    if path[0] != "path":
        raise _Rejected(repr(path)[:40])
    return ("path", [_name(segment) for segment in path[1]])


def _checked_partial_name(name: Any) -> Any:
    if name[0] == "literalparam":
        value = _literal(name[1])
        if not value.startswith("'") or not all(c.isalnum() or c in "_-./" for c in ast.literal_eval(value)):
            raise _Rejected(str(name[1]))
        return ("literalparam", value)
    return _checked_arg(name)  # a sub-expression: {{> (lookup . "name")}}


def _name(name: Any) -> str:
    """A name goes between quotes in generated code: no quote, backslash or non-printable character in it."""
    if isinstance(name, str) and name.isprintable() and not any(c in "'\"\\" for c in name):
        return name
    raise _Rejected(str(name))


def _literal(value: Any) -> Any:
    """A literal parameter as safe Python source: pybars3 hands over strings as quoted source text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        try:
            text = ast.literal_eval(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise _Rejected(value) from None
        if isinstance(text, str):
            return repr(text)
    raise _Rejected(str(value))


def _compile_partial(name: str, source: str) -> CompiledTemplate:
    try:
        return compile_template(source)
    except TemplateError as err:
        raise TemplateError(f"in the partial {name!r}: {err.message}", err.line, err.column, _ENGINE) from None


def _check_partials(template: CompiledTemplate, partials: Mapping[str, str]) -> None:
    for name, offset in template.partials:
        if name not in partials:
            raise TemplateError.at(template.source, offset, f"the partial {name!r} does not exist", _ENGINE)
