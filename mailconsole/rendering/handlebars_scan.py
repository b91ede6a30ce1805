"""A scan over the mustache tags of a Handlebars template, before pybars3 sees it.

pybars3 silently drops everything from an unclosed ``{{#if}}`` or an unterminated ``{{name`` on, takes the wrong
branch of ``{{else if}}``, knows no ``\\{{`` escape and finds unknown helpers only at render. This scan tracks the
block stack so that such faults become a TemplateError at the tag that opens them, and lists the rewrites that
make pybars3 read escapes and chained ``{{else if}}`` the way handlebars.js does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mailconsole.models import TemplateEngine
from mailconsole.rendering.errors import TemplateError

BLOCK_HELPERS = frozenset({"if", "unless", "each", "with"})
INLINE_HELPERS = frozenset({"lookup", "log"})

# pybars3 prints the body of a raw block whose helper does not exist verbatim: the way to emit a literal "{{".
LITERAL_BRACES = "{{{{raw}}}}{{{{{{/raw}}}}"

# Inside a tag: literals (which may hold "}}"), the tag's end, or a "{{" that shows the tag never ended.
_INSIDE_TAG = re.compile(
    r"""\[[^\]]*\]
      | (?<=[\s=(])"(?:\\.|[^"\\])*"
      | (?<=[\s=(])'(?:\\.|[^'\\])*'
      | (?P<end>~?}})
      | (?P<open>{{)
      | [^\["'{}~]+ | .""",
    re.VERBOSE | re.DOTALL,
)
# The same literals, to blank out before a tag's body is split into words.
_LITERALS = re.compile(r"""\[[^\]]*\]|(?<=[\s=(])"(?:\\.|[^"\\])*"|(?<=[\s=(])'(?:\\.|[^'\\])*'""")
_SUBEXPRESSION = re.compile(r"\(\s*([^\s()]*)")


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Outline:
    edits: tuple[Edit, ...]
    partials: tuple[tuple[str, int], ...]  # static partial names, each with the offset of its tag
    # Each tag as a template of its own ("{{#if a}}{{/if}}" for a block), with its offset: when pybars3 cannot
    # read a block, these find the tag inside it that it cannot read.
    probes: tuple[tuple[int, str], ...]


@dataclass
class _Open:
    name: str
    start: int
    chained: list[str] = field(default_factory=list)  # helpers of the {{else <helper> ...}} seen so far


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    body: str  # between the braces, without "~" and outer spaces
    tilde_left: bool
    tilde_right: bool


class _Scanner:
    def __init__(self, source: str) -> None:
        self.source = source
        self.stack: list[_Open] = []
        self.edits: list[Edit] = []
        self.partials: list[tuple[str, int]] = []
        self.probes: list[tuple[int, str]] = []

    def fail(self, offset: int, message: str) -> TemplateError:
        return TemplateError.at(self.source, offset, message, TemplateEngine.HANDLEBAR)

    def run(self) -> Outline:
        pos = 0
        while (start := self.source.find("{{", pos)) >= 0:
            pos = self.step(start)
        if self.stack:
            block = self.stack[-1]
            raise self.fail(block.start, f"unclosed block {{{{#{block.name}}}}}: add {{{{/{block.name}}}}}")
        return Outline(tuple(self.edits), tuple(self.partials), tuple(self.probes))

    def step(self, start: int) -> int:
        """Handle what starts at the "{{" at ``start``; return where to go on scanning."""
        before = self.source[max(0, start - 2) : start]
        backslashes = len(before) - len(before.rstrip("\\"))
        if backslashes == 1:  # \{{ is a literal "{{"
            self.edits.append(Edit(start - 1, start + 2, LITERAL_BRACES))
            return start + 2
        if backslashes >= 2:  # \\{{ is one backslash and a real tag
            self.edits.append(Edit(start - 1, start, ""))
        after = start + 2 + self.source.startswith("~", start + 2)
        if self.source.startswith("!", after):
            return self.comment_end(start, after)
        if self.source.startswith("{{{{", start):
            return self.raw_block_end(start)
        tag = self.read_tag(start)
        self.visit(tag, triple=self.source.startswith("{{{", start))
        return tag.end

    def comment_end(self, start: int, after: int) -> int:
        long_form = self.source.startswith("!--", after)
        closer = re.compile(r"--~?}}" if long_form else r"~?}}")
        found = closer.search(self.source, after + (3 if long_form else 1))
        if found is None:
            raise self.fail(start, "unclosed comment: end it with " + ("--}}" if long_form else "}}"))
        if long_form and re.search("[{}]", self.source[after : found.start()]):
            # pybars3 ends every comment at its first "}}"; a short stand-in keeps the comment whole.
            left, right = "~" * (after > start + 2), "~" * ("~" in found[0])
            self.edits.append(Edit(start, found.end(), f"{{{{{left}!-{right}}}}}"))
        return found.end()

    def raw_block_end(self, start: int) -> int:
        opener_end = self.source.find("}}}}", start)
        name = (self.source[start + 4 : max(opener_end, start + 4)].split() or [""])[0]
        closer = "{{{{/" + name + "}}}}"
        if not name:
            raise self.fail(start, "a raw block needs a name, as in {{{{raw}}}}...{{{{/raw}}}}")
        if opener_end < 0 or (end := self.source.find(closer, opener_end)) < 0:
            raise self.fail(start, f"unclosed raw block {{{{{{{{{name}}}}}}}}}: add {closer}")
        if name in BLOCK_HELPERS | INLINE_HELPERS:  # a helper would get the raw text and print its result unescaped
            raise self.fail(start, f"a raw block may not use the helper {name}: write {{{{{{{{raw}}}}}}}}...")
        return end + len(closer)

    def read_tag(self, start: int) -> _Tag:
        triple = self.source.startswith("{{{", start)
        body_start = start + 2 + triple
        for match in _INSIDE_TAG.finditer(self.source, body_start):
            if match["open"] is not None:
                break
            if match["end"] is not None:
                end = match.end() + triple
                if triple and not self.source.startswith("}", match.end()):
                    raise self.fail(start, f"{self.excerpt(start)} must end with }}}}}}")
                raw = self.source[body_start : match.start()]
                body = raw.strip()
                return _Tag(start, end, body.strip("~").strip(), body.startswith("~"), match["end"][0] == "~")
        raise self.fail(start, f"unterminated tag {self.excerpt(start)}: close it with }}}}")

    def excerpt(self, start: int, end: int | None = None) -> str:
        text = self.source[start : min(end or len(self.source), start + 40)].split("\n", 1)[0]
        return text if len(text) < 40 else text[:37] + "..."

    def visit(self, tag: _Tag, triple: bool) -> None:
        body = tag.body
        sigil = body[:1]
        if triple or sigil == "&":
            self.check_expression(tag, body[1:] if sigil == "&" else body)
        elif sigil == "#":
            self.open_block(tag, body[1:])
        elif sigil == "^":
            if body[1:].strip():
                self.open_block(tag, body[1:])
            else:
                self.check_else(tag)
        elif sigil == "/":
            self.close_block(tag, body[1:].strip())
        elif sigil == ">":
            self.check_partial(tag, body[1:].strip())
        elif sigil == "*":
            raise self.fail(tag.start, "decorators ({{* ...}}) are not supported")
        elif body == "else":
            self.check_else(tag)
        elif body.startswith("else") and body[4:5].isspace():
            self.chain_else(tag, body[5:].strip())
        else:
            self.check_expression(tag, body)

    def words(self, text: str) -> list[str]:
        """The words of a tag's body; literals are blanked out, keeping their length."""
        masked = _LITERALS.sub(lambda m: m[0][0] + "_" * (len(m[0]) - 2) + m[0][-1], text)
        return masked.split()

    def check_subexpressions(self, tag: _Tag, text: str) -> None:
        masked = _LITERALS.sub(lambda m: m[0][0] + "_" * (len(m[0]) - 2) + m[0][-1], text)
        for match in _SUBEXPRESSION.finditer(masked):
            if match[1] not in INLINE_HELPERS:
                name = text[match.start(1) : match.end(1)][:30]
                raise self.fail(tag.start, f"unknown helper ({name} ...) in {self.excerpt(tag.start, tag.end)}")

    def open_block(self, tag: _Tag, text: str) -> None:
        name = self.check_block_helper(tag, text)
        self.stack.append(_Open(name, tag.start))
        self.probes.append((tag.start, f"{{{{#{text}}}}}{{{{/{name}}}}}"))

    def check_block_helper(self, tag: _Tag, text: str) -> str:
        if text[:1] in (">", "*"):
            raise self.fail(tag.start, f"{text[:1]} blocks (partial blocks, decorators) are not supported")
        words = self.words(text)
        if not words:
            raise self.fail(tag.start, f"{self.excerpt(tag.start, tag.end)} names no helper")
        name, params = words[0], words[1:]
        if any(word.startswith("|") for word in params):
            raise self.fail(tag.start, f"block parameters (as |item|) in {{{{#{name}}}}} are not supported")
        if name in BLOCK_HELPERS and not params:
            raise self.fail(tag.start, f"{{{{#{name}}}}} needs an argument, as in {{{{#{name} items}}}}")
        if name in INLINE_HELPERS:  # as a block it would print its value unescaped
            raise self.fail(tag.start, f"{{{{{name}}}}} is not a block helper: write {{{{{name} ...}}}}")
        if params and name not in BLOCK_HELPERS:
            # Without parameters, {{#name}} is a section over the value "name" (blockHelperMissing).
            raise self.fail(tag.start, f"unknown helper {{{{#{name}}}}}")
        self.check_subexpressions(tag, text)
        return name

    def close_block(self, tag: _Tag, name: str) -> None:
        if not self.stack:
            raise self.fail(tag.start, f"{{{{/{name}}}}} closes no open block")
        block = self.stack.pop()
        if block.name != name:
            raise self.fail(block.start, f"block {{{{#{block.name}}}}} is closed by {{{{/{name}}}}}")
        if block.chained:
            closers = "".join(f"{{{{/{chained}}}}}" for chained in reversed(block.chained))
            self.edits.append(Edit(tag.start, tag.start, closers))

    def check_else(self, tag: _Tag) -> None:
        if not self.stack:
            raise self.fail(tag.start, "{{else}} outside a block")

    def chain_else(self, tag: _Tag, text: str) -> None:
        """``{{else if b}}`` is ``{{else}}{{#if b}}`` with one more ``{{/if}}`` at the end of the block."""
        self.check_else(tag)
        name = self.check_block_helper(tag, text)
        self.stack[-1].chained.append(name)
        self.probes.append((tag.start, f"{{{{#{text}}}}}{{{{/{name}}}}}"))
        left, right = "~" * tag.tilde_left, "~" * tag.tilde_right
        self.edits.append(Edit(tag.start, tag.end, f"{{{{{left}else}}}}{{{{#{text}{right}}}}}"))

    def check_partial(self, tag: _Tag, text: str) -> None:
        words = self.words(text)
        if not words:
            raise self.fail(tag.start, "{{>}} names no partial")
        self.check_subexpressions(tag, text)
        self.probes.append((tag.start, "{{> " + text + "}}"))
        if not words[0].startswith("("):
            self.partials.append((text[: len(words[0])].strip("\"'[]"), tag.start))

    def check_expression(self, tag: _Tag, text: str) -> None:
        words = self.words(text)
        if not words:
            raise self.fail(tag.start, f"empty tag {self.excerpt(tag.start, tag.end)}")
        head, params = words[0], words[1:]
        if head in BLOCK_HELPERS:
            raise self.fail(tag.start, f"{{{{{head}}}}} is a block helper: write {{{{#{head} ...}}}}...{{{{/{head}}}}}")
        if params and head not in INLINE_HELPERS:
            # The context is plain data, so a tag with parameters can only be a call of a helper.
            raise self.fail(tag.start, f"unknown helper {{{{{head}}}}}")
        self.check_subexpressions(tag, text)
        self.probes.append((tag.start, "{{" + text + "}}"))


def outline(source: str) -> Outline:
    """Check the tags of ``source`` and list the rewrites pybars3 needs; raise TemplateError at the first fault."""
    return _Scanner(source).run()
