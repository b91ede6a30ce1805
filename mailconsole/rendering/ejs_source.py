"""The JavaScript source ejs generates for a template (``Template.generateSource`` of ejs 3.1), made in Python.

ejs compiles a template in two steps: it cuts the text at its tags and writes the source of a function from the
pieces (``generateSource``), then ``compile`` wraps that source and makes a function of it with ``new Function``.
In QuickJS, an interpreter, the first step took most of a render: about 1 ms for a 4 KB mail, against 0.1 ms for
ejs on Node, in regular expressions run a character at a time. Python does it in a few hundredths of that. So
``ejs.py`` hands QuickJS the template together with the source made here, and ejs' own ``Template.compile`` does
the rest (the wrapper with ``__line`` and ``rethrow``, ``new Function``, escaping, the render) in the fresh context.

This is ejs' code, rule for rule, for the options ``ejs.py`` uses (the defaults: ``<% %>``, ``compileDebug``,
``_with``, ``localsName`` ``locals``). ``tests/rendering/test_ejs_source.py`` checks the source text for text
against the vendored library's own, over the corpus and random templates; when ``scripts/update_ejs.sh`` brings
another ejs, that test says whether this still holds.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mailconsole.rendering.handlebars_runtime import JS_SPACE

_TAGS = re.compile("(<%%|%%>|<%=|<%-|<%_|<%#|<%|%>|-%>|_%>)")  # ejs' _REGEX_STRING, for "%", "<" and ">"
_SLURP_BEFORE = re.compile("[ \t]*<%_")
_SLURP_AFTER = re.compile("_%>[ \t]*")
_TRAILING_SEMICOLON = re.compile(f";([{JS_SPACE}]*)\\Z")  # stripSemi: /;(\s*$)/ with JavaScript's \s
_LEADING_LINE_BREAK = re.compile("\\A(?:\r\n|\r|\n)")

_OPENERS = {"<%": "eval", "<%_": "eval", "<%=": "escaped", "<%-": "raw", "<%#": "comment"}
_CLOSERS = ("%>", "-%>", "_%>")
_CODE_MODES = ("eval", "escaped", "raw")

# What Template.compile puts around the generated source, for ejs.py's options.
PREPENDED = (
    '  var __output = "";\n'
    "  function __append(s) { if (s !== undefined && s !== null) __output += s }\n"
    "  with (locals || {}) {\n"
)
APPENDED = "  }\n  return __output;\n"


class Generated(NamedTuple):
    text: str  # the template text after ejs' whitespace slurping, which compile() keeps for error messages
    source: str  # Template.source as compile() sets it before wrapping it in the __line / rethrow block


class MissingCloseTag(ValueError):
    """ejs' own error for a tag without its end: the message is ejs' word for word."""


def generate(template: str) -> Generated:
    text = _SLURP_AFTER.sub("_%>", _SLURP_BEFORE.sub("<%_", template))
    pieces = [piece for piece in _TAGS.split(text) if piece]
    for index, piece in enumerate(pieces):
        if piece in _OPENERS and (index + 2 >= len(pieces) or pieces[index + 2] not in _CLOSERS):
            raise MissingCloseTag(f'Could not find matching close tag for "{piece}".')
    return Generated(text, PREPENDED + _Writer().write(pieces) + APPENDED)


class _Writer:
    """Template.scanLine and Template._addOutput, with their state: the mode, the truncation, the line."""

    def __init__(self) -> None:
        self.mode: str | None = None
        self.truncate = False
        self.line = 1
        self.source: list[str] = []

    def write(self, pieces: list[str]) -> str:
        for piece in pieces:
            self.scan(piece)
        return "".join(self.source)

    def scan(self, piece: str) -> None:
        line_breaks = piece.count("\n")
        if piece in _OPENERS:
            self.mode = _OPENERS[piece]
        elif piece in ("<%%", "%%>"):
            self.mode = "literal"
            self.source.append(f'    ; __append("{"<%" if piece == "<%%" else "%>"}")\n')
        elif piece in _CLOSERS:
            if self.mode == "literal":
                self.output(piece)
            self.mode = None
            self.truncate = piece[0] in "-_"
        elif self.mode is None or self.mode == "literal":
            self.output(piece)
        else:
            self.code(piece)
        if line_breaks:
            self.line += line_breaks
            self.source.append(f"    ; __line = {self.line}\n")

    def code(self, piece: str) -> None:
        if self.mode in _CODE_MODES and piece.rfind("//") > piece.rfind("\n"):
            piece += "\n"  # a line comment must not swallow what ejs appends
        if self.mode == "eval":
            self.source.append(f"    ; {piece}\n")
        elif self.mode == "escaped":
            self.source.append(f"    ; __append(escapeFn({_strip_semicolon(piece)}))\n")
        elif self.mode == "raw":
            self.source.append(f"    ; __append({_strip_semicolon(piece)})\n")

    def output(self, text: str) -> None:
        if self.truncate:
            text = _LEADING_LINE_BREAK.sub("", text, count=1)
            self.truncate = False
        if not text:
            return
        text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace('"', '\\"')
        self.source.append(f'    ; __append("{text}")\n')


def _strip_semicolon(code: str) -> str:
    return _TRAILING_SEMICOLON.sub(r"\1", code, count=1)
