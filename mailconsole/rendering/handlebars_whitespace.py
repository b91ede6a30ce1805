"""Whitespace control exactly as handlebars.js 4.7 does it: its ``compiler/whitespace-control.js``, ported.

pybars3 approximates it with regular expressions, and the approximation shows in mails: two block tags on one line
were taken for a standalone line, ``{{#if a~}}`` on the first line lost its "~", a standalone ``{{> partial}}``
was not indented. Here the tags that ``handlebars_scan`` marked are built into the tree handlebars.js builds
(programs of text, mustaches, comments, partials and blocks, ``{{else if}}`` chains nested as handlebars.js nests
them, ``{{^x}}`` with its programs swapped) and handlebars.js' algorithm runs on that tree unchanged:

- "~" strips all whitespace on its side, line breaks included;
- a block tag, ``{{else}}``, comment or partial alone on its line takes the line's indentation and break with it;
- a standalone partial keeps the indentation it took, to put it before every line the partial prints.

The result is what is left of each text between tags, and the indentation of each partial tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mailconsole.rendering.handlebars_runtime import JS_SPACE as _JS_SPACE
from mailconsole.rendering.handlebars_scan import Mark

_LINE_START = re.compile(r"[ \t]*\r?\n?")


@dataclass
class _Content:
    """Text between tags: ``source[start:end]`` is its original, ``source[lo:hi]`` what is left of it."""

    start: int
    end: int
    lo: int
    hi: int
    left_stripped: bool = False
    right_stripped: bool = False


@dataclass
class _Program:
    body: list[_Node] = field(default_factory=list)
    chained: bool = False  # holds just the block of an {{else if}}


@dataclass
class _Inline:
    """A mustache, comment or partial."""

    mark: Mark
    indent: str = ""


@dataclass
class _Block:
    open_strip: Mark
    program: _Program | None = field(default_factory=_Program)
    inverse: _Program | None = None
    inverse_strip: Mark | None = None
    close_strip: Mark | None = None


_Node = _Content | _Inline | _Block


@dataclass
class _Strip:
    open: bool = False
    close: bool = False
    open_standalone: bool = False
    close_standalone: bool = False
    inline_standalone: bool = False


@dataclass(frozen=True)
class Text:
    """The text ``source[start:end]`` between tags, of which ``kept`` is left."""

    start: int
    end: int
    kept: str


@dataclass(frozen=True)
class Whitespace:
    texts: tuple[Text, ...]  # in source order
    indents: tuple[str, ...]  # per partial tag, in source order: "" unless it stands alone on an indented line


def control(source: str, marks: Sequence[Mark]) -> Whitespace:
    """What handlebars.js leaves of the text of ``source``, whose tags are ``marks`` (checked and balanced)."""
    root, contents, partials = _tree(source, marks)
    _Control(source).program(root)
    texts = tuple(Text(content.start, content.end, source[content.lo : content.hi]) for content in contents)
    return Whitespace(texts, tuple(partial.indent for partial in partials))


# ---- the tree, as handlebars.js' parser builds it ------------------------------------------------------------


@dataclass
class _Frame:
    block: _Block
    body: list[_Node]  # where the next node goes
    chain: bool = False  # the block of an {{else if}}: it ends with the block it is chained to
    inverted: bool = False


def _tree(source: str, marks: Sequence[Mark]) -> tuple[_Program, list[_Content], list[_Inline]]:
    root = _Program()
    stack: list[_Frame] = []
    contents: list[_Content] = []
    partials: list[_Inline] = []
    position = 0
    for mark in [*marks, Mark("cut", len(source), len(source))]:
        body = stack[-1].body if stack else root.body
        if mark.start > position:  # handlebars.js makes no node of empty text
            content = _Content(position, mark.start, position, mark.start)
            contents.append(content)
            body.append(content)
        position = mark.end
        if mark.kind in ("mustache", "comment", "partial"):
            inline = _Inline(mark)
            body.append(inline)
            if mark.kind == "partial":
                partials.append(inline)
        elif mark.kind in ("open", "open_inverse", "raw_open"):
            block = _Block(mark)
            body.append(block)
            assert block.program is not None
            stack.append(_Frame(block, block.program.body, inverted=mark.kind == "open_inverse"))
        elif mark.kind == "else":
            frame = stack[-1]
            frame.block.inverse, frame.block.inverse_strip = _Program(), mark
            frame.body = frame.block.inverse.body
        elif mark.kind == "else_chain":
            frame = stack[-1]
            chained = _Block(mark)
            frame.block.inverse, frame.block.inverse_strip = _Program([chained], chained=True), mark
            assert chained.program is not None
            stack.append(_Frame(chained, chained.program.body, chain=True))
        elif mark.kind in ("close", "raw_close"):
            _close(stack, mark)
    return root, contents, partials


def _close(stack: list[_Frame], close: Mark) -> None:
    """handlebars.js' prepareBlock, for a block and the {{else if}} blocks chained to it."""
    while stack[-1].chain:
        # The closing strip of a chained block is that of what ends it in handlebars.js' grammar, as corrected by
        # the block around it: the first chained block gets the real closing tag's, the others their own opening's.
        chained = stack.pop().block
        chained.close_strip = close if not stack[-1].chain else chained.open_strip
    frame = stack.pop()
    frame.block.close_strip = close
    if frame.inverted:
        frame.block.program, frame.block.inverse = frame.block.inverse, frame.block.program


# ---- the algorithm, as handlebars.js runs it -------------------------------------------------------------------


class _Control:
    def __init__(self, source: str) -> None:
        self.source = source
        self.root_seen = False

    def text(self, content: _Content) -> str:
        return self.source[content.start : content.end]

    def accept(self, node: _Node) -> _Strip | None:
        if isinstance(node, _Block):
            return self.block(node)
        if isinstance(node, _Inline):
            mark = node.mark
            return _Strip(mark.strip_open, mark.strip_close, inline_standalone=mark.kind != "mustache")
        return None

    def program(self, program: _Program) -> None:
        is_root = not self.root_seen
        self.root_seen = True
        body = program.body
        for i, current in enumerate(body):
            strip = self.accept(current)
            if strip is None:
                continue
            prev_space, next_space = self.prev_space(body, i, is_root), self.next_space(body, i, is_root)
            open_standalone = strip.open_standalone and prev_space
            close_standalone = strip.close_standalone and next_space
            inline_standalone = strip.inline_standalone and prev_space and next_space
            if strip.close:
                self.omit_right(body, i, multiple=True)
            if strip.open:
                self.omit_left(body, i, multiple=True)
            if inline_standalone:
                self.omit_right(body, i)
                if self.omit_left(body, i) and isinstance(current, _Inline) and current.mark.kind == "partial":
                    before = body[i - 1]
                    assert isinstance(before, _Content)
                    text = self.text(before)
                    current.indent = text[len(text.rstrip(" \t")) :]
            if open_standalone:
                assert isinstance(current, _Block)
                self.omit_right(_body(current.program or current.inverse))
                self.omit_left(body, i)
            if close_standalone:
                assert isinstance(current, _Block)
                self.omit_right(body, i)
                self.omit_left(_body(current.inverse or current.program))

    def block(self, block: _Block) -> _Strip:
        if block.program is not None:
            self.program(block.program)
        if block.inverse is not None:
            self.program(block.inverse)
        program = block.program or block.inverse
        assert program is not None
        inverse = block.inverse if block.program else None
        first_inverse = last_inverse = inverse
        if inverse is not None and inverse.chained:
            first_inverse = _chained(inverse).program
            while last_inverse is not None and last_inverse.chained:
                last_inverse = _chained(last_inverse).program
        close_strip = block.close_strip
        strip = _Strip(
            block.open_strip.strip_open,
            close_strip is not None and close_strip.strip_close,
            open_standalone=self.next_space(program.body),
            close_standalone=self.prev_space((first_inverse or program).body),
        )
        if block.open_strip.strip_close:
            self.omit_right(program.body, multiple=True)
        if inverse is not None:
            inverse_strip = block.inverse_strip
            assert inverse_strip is not None and first_inverse is not None and last_inverse is not None
            if inverse_strip.strip_open:
                self.omit_left(program.body, multiple=True)
            if inverse_strip.strip_close:
                self.omit_right(first_inverse.body, multiple=True)
            if close_strip is not None and close_strip.strip_open:
                self.omit_left(last_inverse.body, multiple=True)
            if self.prev_space(program.body) and self.next_space(first_inverse.body):  # a standalone {{else}}
                self.omit_left(program.body)
                self.omit_right(first_inverse.body)
        elif close_strip is not None and close_strip.strip_open:
            self.omit_left(program.body, multiple=True)
        return strip

    def prev_space(self, body: list[_Node], i: int | None = None, is_root: bool = False) -> bool:
        """Whether what is before node ``i`` (the end of ``body``) is text ending in a line break and blanks."""
        i = len(body) if i is None else i
        if i - 1 < 0:
            return is_root
        before = body[i - 1]
        if not isinstance(before, _Content):
            return False
        text = self.text(before)
        blank_end = text[len(text.rstrip(_JS_SPACE)) :]
        first_of_root = is_root and i - 2 < 0
        return "\n" in blank_end or (first_of_root and len(blank_end) == len(text))

    def next_space(self, body: list[_Node], i: int | None = None, is_root: bool = False) -> bool:
        """Whether what is after node ``i`` (the start of ``body``) is text starting with blanks and a line break."""
        i = -1 if i is None else i
        if i + 1 >= len(body):
            return is_root
        after = body[i + 1]
        if not isinstance(after, _Content):
            return False
        text = self.text(after)
        blank_start = text[: len(text) - len(text.lstrip(_JS_SPACE))]
        last_of_root = is_root and i + 2 >= len(body)
        return "\n" in blank_start or (last_of_root and len(blank_start) == len(text))

    def omit_right(self, body: list[_Node], i: int | None = None, multiple: bool = False) -> None:
        """Strip the start of the text after node ``i`` (the first of ``body``)."""
        index = 0 if i is None else i + 1
        current = body[index] if index < len(body) else None
        if not isinstance(current, _Content) or (not multiple and current.right_stripped):
            return
        value = self.source[current.lo : current.hi]
        if multiple:
            cut = len(value) - len(value.lstrip(_JS_SPACE))
        else:
            found = _LINE_START.match(value)
            cut = found.end() if found else 0
        current.lo += cut
        current.right_stripped = cut > 0

    def omit_left(self, body: list[_Node], i: int | None = None, multiple: bool = False) -> bool:
        """Strip the end of the text before node ``i`` (the last of ``body``); whether anything went."""
        index = len(body) - 1 if i is None else i - 1
        current = body[index] if 0 <= index < len(body) else None
        if not isinstance(current, _Content) or (not multiple and current.left_stripped):
            return False
        value = self.source[current.lo : current.hi]
        cut = len(value) - len(value.rstrip(_JS_SPACE if multiple else " \t"))
        current.hi -= cut
        current.left_stripped = cut > 0
        return cut > 0


def _body(program: _Program | None) -> list[_Node]:
    assert program is not None
    return program.body


def _chained(program: _Program) -> _Block:
    block = program.body[-1]
    assert isinstance(block, _Block)
    return block
