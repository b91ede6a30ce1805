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
from collections.abc import Iterator
from typing import NamedTuple

from mailconsole.rendering.handlebars_runtime import JS_SPACE

_TAGS = re.compile("(<%%|%%>|<%=|<%-|<%_|<%#|<%|%>|-%>|_%>)")  # ejs' _REGEX_STRING, for "%", "<" and ">"
# ejs' /[ \t]*<%_/gm, tried only where a run of blanks begins (the leftmost match starts there anyway): tried from
# each blank, a long run that no "<%_" ends cost quadratic time.
_SLURP_BEFORE = re.compile("(?<![ \t])[ \t]*<%_")
_SLURP_AFTER = re.compile("_%>[ \t]*")
_LEADING_LINE_BREAK = re.compile("\\A(?:\r\n|\r|\n)")

_OPENERS = {"<%": "eval", "<%_": "eval", "<%=": "escaped", "<%-": "raw", "<%#": "comment"}
_CLOSERS = ("%>", "-%>", "_%>")
_LITERAL_TAGS = {"<%%": '    ; __append("<%")\n', "%%>": '    ; __append("%>")\n'}
_TAG_KINDS = _OPENERS | dict.fromkeys(_CLOSERS, "close") | dict.fromkeys(_LITERAL_TAGS, "literal")

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
    text = template
    if "<%_" in text:
        text = _SLURP_BEFORE.sub("<%_", text)
    if "_%>" in text:
        text = _SLURP_AFTER.sub("_%>", text)
    pieces = [piece for piece in _TAGS.split(text) if piece]
    for index, piece in enumerate(pieces):
        if piece in _OPENERS and (index + 2 >= len(pieces) or pieces[index + 2] not in _CLOSERS):
            raise MissingCloseTag(f'Could not find matching close tag for "{piece}".')
    return Generated(text, PREPENDED + "".join(_source(pieces)) + APPENDED)


def _source(pieces: list[str]) -> Iterator[str]:
    """Template.scanLine over the pieces, with its state: the mode, the truncation (_addOutput), the line."""
    mode: str | None = None
    truncate = False
    line = 1
    for piece in pieces:
        tag = _TAG_KINDS.get(piece)
        if tag is None:  # text or code
            if mode is None or mode == "literal":
                if truncate:  # _addOutput drops one line break after -%> or _%>, then forgets it
                    text, truncate = _LEADING_LINE_BREAK.sub("", piece, count=1), False
                    if text:
                        yield _output(text)
                else:
                    yield _output(piece)
            elif mode != "comment":
                yield _code(mode, piece)
            if line_breaks := piece.count("\n"):  # tags hold none
                line += line_breaks
                yield f"    ; __line = {line}\n"
        elif tag == "close":
            if mode == "literal":
                yield _output(piece)  # no line break to drop; truncate is set anew just below
            mode, truncate = None, piece[0] in "-_"
        elif tag == "literal":
            mode = "literal"
            yield _LITERAL_TAGS[piece]
        else:
            mode = tag


def _output(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace('"', '\\"')
    return f'    ; __append("{text}")\n'


def _code(mode: str, code: str) -> str:
    if code.rfind("//") > code.rfind("\n"):
        code += "\n"  # a line comment must not swallow what ejs appends
    if mode == "eval":
        return f"    ; {code}\n"
    code = _strip_semicolon(code)
    return f"    ; __append(escapeFn({code}))\n" if mode == "escaped" else f"    ; __append({code})\n"


def _strip_semicolon(code: str) -> str:
    """stripSemi, /;(\\s*$)/: the one semicolon that only JavaScript white space follows, is the last one."""
    last = code.rfind(";")
    if last < 0 or code[last + 1 :].strip(JS_SPACE):
        return code
    return code[:last] + code[last + 1 :]
