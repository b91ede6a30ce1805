"""Handlebars through pybars3, hardened: a template is tenant-authored and must never run code.

pybars3 turns a template into Python source and exec()s it. Names from ``[...]`` segment literals (in paths,
helper arguments, hash values, sub-expressions, ``#each``, partial arguments) are pasted into that source
unescaped, and with a newline inside the brackets the pasted text even runs at compile time. So this module uses
pybars3's grammar and code generator but not its ``Compiler.compile``:

1. ``handlebars_scan`` checks the tags (block stack, unknown helpers) and lists rewrites for pybars3, and
   ``handlebars_whitespace`` strips whitespace as handlebars.js does (pybars3's own whitespace control is not used);
2. pybars3's grammar, mended where it parts from handlebars.js', parses each rewritten tag, and the tree of the
   template is put together from those and the texts;
3. every name and literal in the tree is checked (names) or re-quoted with ``repr`` (strings) before code
   generation, so no template text reaches the generated code except as a well-formed string literal;
4. the code runs in a namespace of our own (``handlebars_runtime``): no module in ``sys.modules``, builtins cut
   down, a runtime that never uses getattr, escaping as in handlebars.js.

Parsing goes through one lock (pybars3's parser has shared state); code generation (``handlebars_codegen``)
does not need it. Compiled templates are cached by source and render concurrently; the code of each section of a
template is cached too, so an edit recompiles only what it changed.

The output is handlebars.js 4.7's, byte for byte (``tests/rendering/corpus``), except for ``KNOWN_DIFFERENCES``.
"""

from __future__ import annotations

import ast
import bisect
import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pybars._compiler import OMeta, handlebars_grammar

from mailconsole.i18n import Text, localized
from mailconsole.models import TemplateEngine
from mailconsole.rendering import handlebars_codegen, handlebars_scan, handlebars_whitespace
from mailconsole.rendering.data import plain_data
from mailconsole.rendering.errors import TemplateError
from mailconsole.rendering.handlebars_runtime import (
    BLOCK_PARAMS_HELPER,
    FAULT_HELPER,
    INDENT_HELPER,
    INLINE_HELPER,
    PARTIAL_BLOCK_HELPER,
    SECTION_HELPER,
    Render,
    end_render,
    start_render,
)
from mailconsole.rendering.handlebars_scan import Edit, Mark

# A mail is a few KB (Gmail clips those over 102 KB); one of 110 KB compiles in about 0.1 s (0.3 s before sections).
MAX_SOURCE = 128 * 1024
CACHE_SIZE = 256

_COMPILE_LOCK = threading.Lock()
_ENGINE = TemplateEngine.HANDLEBAR

# pybars3's grammar differs from handlebars.js' in a few places, mended in a copy of it: a hash key needs two
# characters there ({{> card x=1}} does not parse) and no spaces around its "=", a name may not hold "$", ":" or
# "?", a line break at the start of a text keeps only the "\n" of "\r\n", ".." alone is not the parent context,
# and a segment literal loses its brackets ({{[this]}} is the key "this" in handlebars.js, not the context): it
# keeps them here, for the runtime's resolve() to look the key up as it is.
_KEY = "(<letterOrDigit>|'_')+:symbol ']'? => start"
_KEY_VALUE = "<safesymbol>:s '=' (<literal>"
_NAME_CHARS = "(<letterOrDigit>|'-'|'@')+:symbol"
_PARENT = "('.' '.' '/') => u'@_parent'"
_SEGMENT_LITERAL = "'[' <notclosebracket>+:symbol ']' => u''.join(symbol)"
# A partial's name may be a segment literal or a string in handlebars.js ({{> [my partial]}}, {{> 'x'}}); pybars3
# reads neither (a name stops at a space there, and keeps its single quotes).
_PARTIAL_NAME = "partialname ::= <subexpression>:s => s\n"
_PARTIAL_NAMES = (
    "    | '[' <notclosebracket>+:symbol ']' => ('literalparam', '\"' + u''.join(symbol) + '\"')\n"
    "    | <string>:s => ('literalparam', s)\n"
)
_GRAMMAR_FIXES = {
    _KEY: _KEY.replace(")+", ")*"),
    _KEY_VALUE: _KEY_VALUE.replace("'='", "<spaces> '=' <spaces>"),
    _NAME_CHARS: _NAME_CHARS.replace("'@'", "'@'|'$'|':'|'?'"),
    "('\\r'?'\\n'):char": "'\\n':char",
    _PARENT: _PARENT.replace("'/')", "'/'?)"),
    _SEGMENT_LITERAL: _SEGMENT_LITERAL.replace("u''.join(symbol)", "u'[' + u''.join(symbol) + u']'"),
    _PARTIAL_NAME: _PARTIAL_NAME + _PARTIAL_NAMES,
}

# Where this renderer and handlebars.js 4.7 part, for admins; tests/rendering/test_fidelity.py checks each.
# The sentences for admins, in either language; the template syntax they quote is a parameter, never translated.
KNOWN_DIFFERENCE_TEXTS: tuple[Text, ...] = (
    localized(
        "Block parameters named as a helper ({example}) call the helper here, where handlebars.js reads the "
        "parameter, and {refused} is refused: name block parameters otherwise.",
        example="{{#each items as |lookup|}}{{lookup}}",
        refused="{{^each items as |x|}}",
    ),
    localized(
        "Partial blocks with a computed name ({example}) are refused: name the partial, as in {instead}.",
        example="{{#> (lookup this 'name')}}",
        instead="{{#> layout}}",
    ),
    localized(
        "Numbers with a decimal point as arguments ({example}) are refused: put such values in the context.",
        example="{{> card ratio=1.5}}",
    ),
    localized(
        "Names that hold a quote or a backslash ({example}) are refused, a safeguard of this renderer against code "
        "injection: rename such keys of the context.",
        example='{{"foo\'bar"}}, {{[a\\b]}}',
    ),
    localized(
        "Lookup and log as blocks ({example}) fail where they run, while handlebars.js prints the value unescaped: "
        "write {instead}.",
        example="{{#lookup a 'b'}}{{/lookup}}",
        instead="{{lookup a 'b'}}",
    ),
    localized(
        "A few malformed names that handlebars.js refuses are read here ({example}): write names as letters, "
        "digits, _ and -, joined by single dots.",
        example="{{.name}}, {{a.[b}}, {{a@b}}",
    ),
)
# Their English, which the fidelity tests match cases against.
KNOWN_DIFFERENCES: tuple[str, ...] = tuple(str(text) for text in KNOWN_DIFFERENCE_TEXTS)


@dataclass(frozen=True)
class CompiledTemplate:
    render: Render
    partials: tuple[tuple[str, int], ...]  # static partial names, each with the offset of its tag
    source: str
    faults: tuple[TemplateError, ...] = ()  # helpers misused: they fail where they run, check() reports them


class _Rejected(Exception):
    """A name or literal in the parsed tree that must not reach generated code."""


# ---- public ----------------------------------------------------------------------------------------------------


def check(source: str, partials: Mapping[str, str] | None = None) -> None:
    """Compile ``source`` (and ``partials``) and, when ``partials`` is given, check that each partial exists.

    Stricter than a render: a helper misused ({{foo a}}, {{#if}}) is a fault here even in a branch that never runs,
    where handlebars.js (and ``render``) fails only when it runs."""
    template = compile_template(source)
    if template.faults:
        raise template.faults[0]
    if partials is not None:
        _check_partials(template, partials)
        for name, text in partials.items():
            if faults := _compile_partial(name, text).faults:
                raise TemplateError(_in_partial(name, faults[0]), faults[0].line, faults[0].column)


def render(source: str, context: Any, partials: Mapping[str, str] | None = None) -> str:
    """Render ``source`` with ``context``: a mapping as a rule, but any JSON value, as handlebars.js takes it."""
    template = compile_template(source)
    known = dict(partials or {})
    _check_partials(template, known)
    compiled = {name: _as_text(_compile_partial(name, text).render) for name, text in known.items()}
    data = plain_data(context, _ENGINE)
    budget = start_render()
    try:
        return str(template.render(data, partials=compiled))
    except (TemplateError, MemoryError):
        raise
    except RecursionError:
        raise TemplateError(localized("partials include each other without end"), engine=_ENGINE) from None
    except Exception as err:  # a helper's complaint, a missing dynamic partial, ...
        raise TemplateError(str(err) or type(err).__name__, engine=_ENGINE) from None
    finally:
        end_render(budget)


def compile_template(source: str) -> CompiledTemplate:
    if not isinstance(source, str):
        raise TemplateError(localized("the template must be text"), engine=_ENGINE)
    if len(source) > MAX_SOURCE:
        raise TemplateError(localized("the template is longer than {size} KB", size=MAX_SOURCE // 1024), engine=_ENGINE)
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
        raise TemplateError(localized("the template nests blocks too deeply"), engine=_ENGINE) from None
    except Exception as err:  # the checks should leave nothing for this; a TemplateError all the same
        raise TemplateError(
            localized("the template cannot be compiled: {problem}", problem=str(err)), engine=_ENGINE
        ) from None


def _compile(source: str) -> CompiledTemplate:
    outline, tree = _checked_tree(source)
    return CompiledTemplate(handlebars_codegen.compile_tree(tree), outline.partials, source, outline.faults)


def _checked_tree(source: str) -> tuple[handlebars_scan.Outline, list[Any]]:
    """The scan's outline of ``source`` and its pybars3 tree, checked: what code generation may see."""
    if "\x00" in source:
        where = source.index("\x00")
        raise TemplateError.at(source, where, localized("the template contains a NUL character"), _ENGINE)
    outline = handlebars_scan.outline(source)
    whitespace = handlebars_whitespace.control(source, outline.marks)
    with _COMPILE_LOCK:
        tree = _Assembly(source, outline, whitespace.texts).tree()
    return outline, _inline_partials_first(_TreeCheck(whitespace.indents).template(tree))


@dataclass
class _Block:
    """A block being put together: pybars3's ("block", name, arguments, body, inverse)."""

    kind: str
    name: Any
    arguments: Any
    body: list[Any] = field(default_factory=lambda: ["template"])
    inverse: list[Any] | None = None
    chained: bool = False  # the block of an {{else if}}: it ends with the block it is chained to
    raw: bool = False

    @property
    def current(self) -> list[Any]:
        return self.body if self.inverse is None else self.inverse

    def node(self) -> Any:
        if self.raw:  # its body is one text
            return ("rawblock", self.name, self.arguments, "".join(item[1] for item in self.body[1:]))
        return (self.kind, self.name, self.arguments, self.body, self.inverse or [])


class _Assembly:
    """pybars3's tree of a template, put together from its tags and texts.

    pybars3's parser reads a character at a time: a mail took it tens of milliseconds, most of them on text. Here it
    reads each tag alone (a block's opening as "{{#if a}}{{/if}}"), and once per distinct tag (the parses are
    cached: a live preview re-reads mostly the same tags); the scan's marks give the blocks, handlebars_whitespace
    the texts. A tag that cannot be read stops the compile at that tag.
    """

    def __init__(
        self, source: str, outline: handlebars_scan.Outline, texts: tuple[handlebars_whitespace.Text, ...]
    ) -> None:
        self.source = source
        self.outline = outline
        self.edits = sorted(outline.edits, key=lambda edit: (edit.start, edit.end))
        self.edit_starts = [edit.start for edit in self.edits]
        self.texts = {text.start: text.kept for text in texts}

    def tree(self) -> Any:
        root: list[Any] = ["template"]
        stack: list[_Block] = []
        position = 0
        for mark in (*self.outline.marks, Mark("cut", len(self.source), len(self.source))):
            body = stack[-1].current if stack else root
            if mark.start > position and (kept := self.texts[position]):
                body.append(("literal", kept))
            position = mark.end
            if mark.kind in ("mustache", "partial", "comment"):
                body.append(self.node(mark, self.tag(mark)))
            elif mark.kind in ("open", "open_inverse", "raw_open"):
                raw = mark.kind == "raw_open"
                closer = f"{{{{{{{{/{mark.name}}}}}}}}}" if raw else f"{{{{/{mark.name}}}}}"
                node = self.node(mark, self.tag(mark), closer)
                stack.append(_Block(node[0], *self.opening(mark, node), raw=raw))
            elif mark.kind == "else":
                stack[-1].inverse = ["template"]
            elif mark.kind == "else_chain":  # rewritten to {{else}}{{#helper ...}}
                text, origin = self.tag(mark)
                opening = len("{{else}}")
                node = self.node(mark, (text[opening:], origin[opening:]), f"{{{{/{mark.name}}}}}")
                stack[-1].inverse = ["template"]
                stack.append(_Block(node[0], *self.opening(mark, node), chained=True))
            elif mark.kind in ("close", "raw_close"):
                while True:
                    block = stack.pop()
                    (stack[-1].current if stack else root).append(block.node())
                    if not block.chained:
                        break
        return root

    @staticmethod
    def opening(mark: Mark, node: Any) -> tuple[Any, Any]:
        """The helper of a block and its arguments: the scan rewrote a section on a path ({{#a.b}}) to a block of
        "with" on it, and took block parameters (as |item|) out, which the runtime's helper for them is told."""
        helper, arguments = (SECTION_HELPER if mark.section else node[1]), node[2]
        if mark.partial_block or mark.inline:  # {{#with "name" ...}} from the scan
            return (PARTIAL_BLOCK_HELPER if mark.partial_block else INLINE_HELPER), arguments
        if not mark.block_params or helper == FAULT_HELPER:
            return helper, arguments
        if helper not in ("each", "with", "if", "unless", SECTION_HELPER):  # {{#users as |user|}}: a section
            helper, arguments = "blockHelperMissing", [("path", [node[1]])]
        given = [("literalparam", repr(helper)), ("literalparam", repr(mark.block_params))]
        return BLOCK_PARAMS_HELPER, given + arguments

    def tag(self, mark: Mark) -> tuple[str, list[int]]:
        """The text of the tag at ``mark`` as pybars3 gets it (the scan's rewrites done), with source offsets."""
        first = bisect.bisect_left(self.edit_starts, mark.start)
        last = bisect.bisect_left(self.edit_starts, mark.end)
        inside = [Edit(e.start - mark.start, e.end - mark.start, e.text) for e in self.edits[first:last]]
        return _rewrite(self.source[mark.start : mark.end], list(range(mark.start, mark.end + 1)), inside)

    def node(self, mark: Mark, tag: tuple[str, list[int]], closer: str = "") -> Any:
        text, origin = tag
        parsed = _parse_tag(text + closer)
        if parsed[0] == "node" and parsed[1][0] in _NODE_KINDS[mark.kind]:
            return _failing(parsed[1], mark.fault) if mark.fault else parsed[1]
        furthest = parsed[1] if parsed[0] == "error" else len(text)
        shown = self.source[mark.start : mark.end].split("\n", 1)[0]
        shown = shown if len(shown) <= 80 else shown[:40] + "..."
        if furthest >= len(text):  # it read on to the end: the tag as a whole is at fault
            raise TemplateError.at(self.source, mark.start, localized("cannot read the tag {tag}", tag=shown), _ENGINE)
        problem = localized("cannot read the tag {tag}", tag=shown)
        before = len(text[:furthest].rstrip())
        if text[before - 1 : before] == "=":  # a hash argument without its value: its "=" is the fault
            furthest, problem = before - 1, localized("cannot read the tag {tag}: a value must follow the =", tag=shown)
        # pybars3 would say "Error at character C of line L" with L the last line: this is the point it reached.
        raise TemplateError.at(self.source, origin[furthest], problem, _ENGINE)


def _inline_partials_first(program: Any) -> Any:
    """``program`` with its inline partials ({{#*inline}}) defined before the rest of it runs, as handlebars.js
    defines them (a decorator runs before its program): each becomes a block of the runtime's inline helper whose
    body is the partial and whose inverse is the rest. Those in a partial block's body are defined around the block,
    so that its partial sees them too. Later definitions of a name win."""
    definitions = [item for item in program[1:] if _is_block_of(item, INLINE_HELPER)]
    rest = [_with_inline_partials_first(item) for item in program[1:] if not _is_block_of(item, INLINE_HELPER)]
    return _defining([_with_inline_partials_first(item) for item in definitions], ["template", *rest])


def _with_inline_partials_first(statement: Any) -> Any:
    if statement[0] not in ("block", "invertedblock"):
        return statement
    kind, helper, arguments, body, inverse = statement
    if helper == PARTIAL_BLOCK_HELPER:
        inside = [item for item in body[1:] if _is_block_of(item, INLINE_HELPER)]
        if inside:
            body = ["template", *(item for item in body[1:] if not _is_block_of(item, INLINE_HELPER))]
            block = (
                kind,
                helper,
                arguments,
                _inline_partials_first(body),
                _inline_partials_first(inverse or ["template"]),
            )
            return _defining([_with_inline_partials_first(item) for item in inside], ["template", block])[1]
    return (kind, helper, arguments, _inline_partials_first(body), _inline_partials_first(inverse) if inverse else [])


def _defining(definitions: list[Any], program: list[Any]) -> list[Any]:
    for definition in reversed(definitions):  # the first defined outermost: the last one wins
        program = ["template", ("block", INLINE_HELPER, definition[2], definition[3], program)]
    return program


def _is_block_of(statement: Any, helper: str) -> bool:
    return bool(statement[0] == "block" and statement[1] == helper)


def _failing(node: Any, fault: str) -> Any:
    """``node`` (a mustache or a block's opening) with its helper replaced by one that raises ``fault``."""
    message = [("literalparam", repr(fault))]
    if node[0] in ("expand", "escapedexpand"):
        return (node[0], ("path", [FAULT_HELPER]), message)
    return (node[0], FAULT_HELPER, message, *node[3:])


# What pybars3 must read in a tag of each kind the scan marked.
_NODE_KINDS = {
    "mustache": ("expand", "escapedexpand"),
    "partial": ("partial",),
    "comment": ("comment",),
    "open": ("block",),
    "else_chain": ("block",),
    "open_inverse": ("invertedblock",),
    "raw_open": ("rawblock",),
}


@functools.lru_cache(maxsize=4096)
def _parse_tag(text: str) -> tuple[str, Any]:
    """("node", the one node pybars3 reads in ``text``) or ("error", the furthest offset it reached)."""
    parser = _grammar()(text)
    tree, error = parser.apply("template")
    if parser.input.position >= len(text) and len(tree) == 2:
        return "node", tree[1]
    return "error", error.position if isinstance(error.position, int) else 0


def _rewrite(text: str, origin: list[int], edits: list[Edit]) -> tuple[str, list[int]]:
    """Apply ``edits`` (sorted, disjoint) to ``text``; ``origin[i]`` is the source offset of character i.

    A replacement made only of characters it replaces keeps their offsets; other characters point at the start of
    their edit.
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


@functools.cache
def _grammar() -> Any:
    """pybars3's grammar, mended (built on first use: it takes about 0.1 s)."""
    grammar = handlebars_grammar
    for fault, fix in _GRAMMAR_FIXES.items():
        if fault not in grammar:
            raise RuntimeError(f"this pybars3 has another grammar: check the fix of {fault!r} in handlebars.py")
        grammar = grammar.replace(fault, fix)
    return OMeta.makeGrammar(grammar, {}, "handlebars")


def _rejection(source: str, bad: str) -> TemplateError:
    shown = repr(bad if len(bad) <= 40 else bad[:37] + "...")
    message = localized(
        "the name or string {name} is not allowed: no quotes, backslashes or line breaks in names", name=shown
    )
    where = source.find(bad)
    if where < 0:
        return TemplateError(message, engine=_ENGINE)
    return TemplateError.at(source, where, message, _ENGINE)


# ---- the tree check --------------------------------------------------------------------------------------------


def _checked(node: Any) -> Any:
    """A copy of a pybars3 tree in which every text that reaches generated code is safe there."""
    return _TreeCheck(()).template(node)


class _TreeCheck:
    """The check of one tree; it also gives each partial the indentation handlebars_whitespace found for it."""

    def __init__(self, indents: tuple[str, ...]) -> None:
        self.indents = iter(indents)

    def template(self, node: Any) -> Any:
        checked = self.body(node)
        if next(self.indents, None) is not None:
            raise _Rejected("partials")  # the scan saw more partials than pybars3: they disagree on the tags
        return checked

    def body(self, node: Any) -> Any:
        if isinstance(node, list) and node[:1] == ["template"]:
            return ["template", *(self.statement(item) for item in node[1:])]
        raise _Rejected(repr(node)[:40])

    def statement(self, node: Any) -> Any:
        kind = node[0]
        if kind in ("literal", "newline", "whitespace") and isinstance(node[1], str):
            return node  # emitted with repr()
        if kind == "comment":
            return node
        if kind in ("expand", "escapedexpand"):
            return (kind, _checked_path(node[1]), _checked_args(node[2]))
        if kind in ("block", "invertedblock"):
            body, inverse = node[3], node[4]
            return (
                kind,
                _name(node[1]),
                _checked_args(node[2]),
                self.body(body),
                self.body(inverse) if inverse else [],
            )
        if kind == "rawblock" and isinstance(node[3], str):
            # A block whose body is text, as in handlebars.js (pybars3 would print the text whatever the helper).
            return ("block", _name(node[1]), _checked_args(node[2]), ["template", ("literal", node[3])], [])
        if kind == "partial":
            partial = (kind, _checked_partial_name(node[1]), _checked_args(node[2]))
            indent = next(self.indents, "")
            if not indent:
                return partial
            # handlebars.js indents every line a standalone partial prints by the indentation of its tag.
            return ("block", INDENT_HELPER, [("literalparam", repr(indent))], ["template", partial], [])
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
        value = _literal(name[1])  # repr() of the name: safe in generated code whatever it holds
        if not isinstance(value, str) or not ast.literal_eval(value).isprintable():
            raise _Rejected(str(name[1]))
        return ("literalparam", value)
    return _checked_arg(name)  # a sub-expression: {{> (lookup . "name")}}


def _name(name: Any) -> str:
    """A name goes between quotes in generated code: no quote, backslash or non-printable character in it."""
    if isinstance(name, str) and name.isprintable() and not any(c in "'\"\\" for c in name):
        return name
    literal = isinstance(name, str) and name[:1] == "[" and name[-1:] == "]"
    raise _Rejected(name[1:-1] if literal else str(name))  # a segment literal: the name as written in brackets


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
        raise TemplateError(_in_partial(name, err), err.line, err.column, _ENGINE) from None


def _in_partial(name: str, fault: TemplateError) -> Text:
    return localized("in the partial {name}: {problem}", name=repr(name), problem=fault.text)


def _as_text(render: Render) -> Render:
    """A partial as handlebars.js invokes it: what it gives is text (a block's output may be a number there)."""
    return lambda *args, **kwargs: str(render(*args, **kwargs))


def _check_partials(template: CompiledTemplate, partials: Mapping[str, str]) -> None:
    for name, offset in template.partials:
        if name not in partials:
            missing = localized("the partial {name} does not exist", name=repr(name))
            raise TemplateError.at(template.source, offset, missing, _ENGINE)
