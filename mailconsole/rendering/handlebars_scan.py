"""A scan over the mustache tags of a Handlebars template, before pybars3 sees it.

pybars3 silently drops everything from an unclosed ``{{#if}}`` or an unterminated ``{{name`` on, takes the wrong
branch of ``{{else if}}``, knows no ``\\{{`` escape and finds unknown helpers only at render. This scan tracks the
block stack so that such faults become a TemplateError at the tag that opens them, and lists the rewrites that
make pybars3 read escapes, comments, ``~``, chained ``{{else if}}``, literals as names, sections on paths
(``{{#a.b}}``) and block parameters (``as |item|``) the way handlebars.js does. A helper misused (``{{foo a}}``,
``{{#if}}``) is not raised: handlebars.js fails only where such a tag runs, so its mark carries the fault for the
compiled tag to raise. It also marks every tag, for ``handlebars_whitespace`` to strip whitespace as handlebars.js
does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Literal

from mailconsole.i18n import Text, localized
from mailconsole.models import TemplateEngine
from mailconsole.rendering.errors import TemplateError, text_fields

BLOCK_HELPERS = frozenset({"if", "unless", "each", "with"})
INLINE_HELPERS = frozenset({"lookup", "log"})

# Inside a tag: literals (which may hold "}}"), the tag's end, or a "{{" that shows the tag never ended.
INSIDE_TAG = re.compile(
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
# A block name pybars3 cannot read as one: a path or a literal. handlebars.js runs a section on its value.
_PATH_NAME = re.compile(r"""[./\[\]"']""")
# handlebars.js reads a number with a decimal point where a name goes ({{12.34}}) as that name.
_DECIMAL = re.compile(r"-?\d+\.\d+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Block parameters at the end of a block's opening ({{#each items as |item index|}}), literals masked.
BLOCK_PARAMS = re.compile(r"\s+as\s+\|([^|]*)\|\s*$")
_BLOCK_PARAM_NAME = re.compile(r"[^\s!\"#%-,./;->@\[-^`{-~]+")  # handlebars.js' ID
# An inline partial's opening, the only decorator handlebars.js has built in: {{#*inline "name"}}.
_INLINE = re.compile(r"""\*inline\s+("[^"\\]*"|'[^'\\]*')\s*$""")
# A number that ends a path of several segments is a number literal to handlebars.js, which cannot read it there.
_NUMBER_AT_END = re.compile(r"[./]-?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` with ``text``."""

    start: int
    end: int
    text: str


MarkKind = Literal[
    "mustache",
    "comment",
    "partial",
    "open",
    "open_inverse",
    "else",
    "else_chain",
    "close",
    "raw_open",
    "raw_close",
    "cut",
]


@dataclass(frozen=True)
class Mark:
    """A tag at ``source[start:end]`` with its "~" flags, or ("cut") a backslash that escapes, gone from the text."""

    kind: MarkKind
    start: int
    end: int
    strip_open: bool = False  # "{{~"
    strip_close: bool = False  # "~}}"
    name: str = ""  # the helper of a block's opening tag
    section: bool = False  # a section on a path or literal ({{#a.b}}): rewritten to a block of "with" on it
    fault: str = ""  # a helper misused (text_fields as JSON): handlebars.js fails when the tag runs, so does its tag
    block_params: str = ""  # the names of "as |item index|" at the end of a block's opening, taken out of it
    partial_block: bool = False  # {{#> name}}: rewritten to a block of "with" on the partial's name
    inline: bool = False  # {{#*inline "name"}}: rewritten to a block of "with" on the name


@dataclass(frozen=True)
class Outline:
    edits: tuple[Edit, ...]
    marks: tuple[Mark, ...]  # in source order
    partials: tuple[tuple[str, int], ...]  # static partial names, each with the offset of its tag
    faults: tuple[TemplateError, ...] = ()  # the helpers misused, in source order (see Mark.fault)


@dataclass
class _Open:
    name: str
    start: int
    inverted: bool = False  # {{^name}}
    chained: list[str] = field(default_factory=list)  # helpers of the {{else <helper> ...}} seen so far
    has_else: bool = False  # a plain {{else}} (or {{^}}) came: nothing else may


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    body: str  # between the braces, without "~" and outer spaces
    tilde_left: bool
    tilde_right: bool
    triple: bool = False  # {{{...}}}


class _Scanner:
    def __init__(self, source: str) -> None:
        self.source = source
        self.stack: list[_Open] = []
        self.edits: list[Edit] = []
        self.marks: list[Mark] = []
        self.partials: list[tuple[str, int]] = []
        self.faults: list[TemplateError] = []
        self.fault: TemplateError | None = None  # the first misuse of a helper in the tag being visited
        self.block_params = ""  # those of the tag being visited
        self.special = ""  # "partial_block" or "inline" when the tag being visited opens one
        self.inline_partials: set[str] = set()  # the names {{#*inline}} defines

    def fail(self, offset: int, message: str | Text) -> TemplateError:
        return TemplateError.at(self.source, offset, message, TemplateEngine.HANDLEBAR)

    def misuse(self, tag: _Tag, message: str | Text) -> None:
        """A helper misused: handlebars.js reads the template and fails only when the tag runs (not at all in a
        branch that never runs), so the tag is compiled to fail that way; ``handlebars.check`` reports it."""
        if self.fault is None:
            self.fault = self.fail(tag.start, message)
            self.faults.append(self.fault)

    def run(self) -> Outline:
        pos = 0
        while (start := self.source.find("{{", pos)) >= 0:
            pos = self.step(start)
        if self.stack:
            block = self.stack[-1]
            raise self.fail(
                block.start,
                localized(
                    "unclosed block {opener}: add {closer}",
                    opener=f"{{{{#{block.name}}}}}",
                    closer=f"{{{{/{block.name}}}}}",
                ),
            )
        # A partial named {{> @partial-block}} or defined inline need not be given (nor does a partial block's).
        given = [(name, at) for name, at in self.partials if name not in self.inline_partials | {"@partial-block"}]
        return Outline(tuple(self.edits), tuple(self.marks), tuple(given), tuple(self.faults))

    def step(self, start: int) -> int:
        """Handle what starts at the "{{" at ``start``; return where to go on scanning."""
        before = self.source[max(0, start - 2) : start]
        backslashes = len(before) - len(before.rstrip("\\"))
        if backslashes:
            # \{{ is a literal "{{" (and the text up to the next tag is text); \\{{ is one backslash and a tag.
            # Either way one backslash goes; text never reaches pybars3 (see handlebars.py), the "{{" is safe.
            self.marks.append(Mark("cut", start - 1, start))
            self.edits.append(Edit(start - 1, start, ""))
            if backslashes == 1:
                return start + 2
        after = start + 2 + self.source.startswith("~", start + 2)
        if self.source.startswith("!", after):
            return self.comment_end(start, after)
        if self.source.startswith("{{{{", start):
            return self.raw_block_end(start)
        tag = self.read_tag(start)
        self.visit(tag)
        return tag.end

    def comment_end(self, start: int, after: int) -> int:
        long_form = self.source.startswith("!--", after)
        closer = re.compile(r"--~?}}" if long_form else r"~?}}")
        found = closer.search(self.source, after + (3 if long_form else 1))
        if found is None:
            raise self.fail(
                start, localized("unclosed comment: end it with {closer}", closer="--}}" if long_form else "}}")
            )
        # pybars3 ends every comment at its first "}}" and knows no "~": an empty comment stands in for it.
        self.edits.append(Edit(start, found.end(), "{{!}}"))
        self.marks.append(Mark("comment", start, found.end(), after > start + 2, "~" in found[0]))
        return found.end()

    def raw_block_end(self, start: int) -> int:
        opener_end = self.source.find("}}}}", start)
        text = self.source[start + 4 : max(opener_end, start + 4)]
        name = (text.split() or [""])[0]
        closer = "{{{{/" + name + "}}}}"
        if not name:
            raise self.fail(
                start, localized("a raw block needs a name, as in {example}", example="{{{{raw}}}}...{{{{/raw}}}}")
            )
        if opener_end < 0 or (end := self.source.find(closer, opener_end)) < 0:
            raise self.fail(
                start,
                localized("unclosed raw block {opener}: add {closer}", opener=f"{{{{{{{{{name}}}}}}}}}", closer=closer),
            )
        # A raw block is a block whose body is text: its helper is checked as a block's is (a misuse at once).
        self.fault = None
        self.check_block_helper(_Tag(start, opener_end + 4, text.strip(), False, False), text)
        if self.fault is not None:
            raise self.fault
        self.marks.append(Mark("raw_open", start, opener_end + 4, name=name))
        self.marks.append(Mark("raw_close", end, end + len(closer)))
        return end + len(closer)

    def read_tag(self, start: int) -> _Tag:
        tilde_left = self.source.startswith("~", start + 2)
        triple = self.source.startswith("{", start + 2 + tilde_left)
        body_start = start + 2 + tilde_left + triple
        for match in INSIDE_TAG.finditer(self.source, body_start):
            if match["open"] is not None:
                break
            if match["end"] is not None:
                raw, end, tilde_right = self.source[body_start : match.start()], match.end(), match["end"][0] == "~"
                if triple and tilde_right and raw.endswith("}"):  # {{{x}~}}
                    raw = raw[:-1]
                elif triple and not tilde_right and self.source.startswith("}", end):  # {{{x}}}
                    end += 1
                elif triple:
                    raise self.fail(
                        start, localized("{tag} must end with {closer}", tag=self.excerpt(start), closer="}}}")
                    )
                elif not tilde_right and self.source.startswith("}", end):  # handlebars.js reads "}}}" as one
                    raise self.fail(
                        start,
                        localized(
                            "{tag} ends with {closer}: remove a {brace}",
                            tag=self.excerpt(start, end + 1),
                            closer="}}}",
                            brace="}",
                        ),
                    )
                body = raw.strip()
                if raw[:1].isspace() and body[:1] in ("#", "/", "^", ">", "&", "*"):
                    raise self.fail(
                        start,
                        localized(
                            "no space may come between {opener} and {sign}, as in {tag}",
                            opener="{{",
                            sign=body[0],
                            tag=self.excerpt(start),
                        ),
                    )
                return _Tag(start, end, body, tilde_left, tilde_right, triple)
        raise self.fail(
            start, localized("unterminated tag {tag}: close it with {closer}", tag=self.excerpt(start), closer="}}")
        )

    def excerpt(self, start: int, end: int | None = None) -> str:
        text = self.source[start : min(end or len(self.source), start + 40)].split("\n", 1)[0]
        return text if len(text) < 40 else text[:37] + "..."

    def visit(self, tag: _Tag) -> None:
        body = tag.body
        sigil = body[:1]
        kind: MarkKind = "mustache"
        name = ""
        section = False
        self.fault = None
        self.block_params = ""
        self.special = ""
        if sigil not in ("!", "/"):
            self.check_paths(tag, body.lstrip("#^&>{").strip())
        if tag.triple or sigil == "&":
            self.check_expression(tag, body[1:] if sigil == "&" else body)
        elif sigil == "#" and body[1:2] in (">", "*"):
            kind = "open"
            name = self.open_partial_block(tag, body[2:].strip()) if body[1] == ">" else self.open_inline(tag, body[1:])
        elif sigil == "#":
            kind = "open"
            name, section = self.open_block(tag, body[1:])
        elif sigil == "^":
            if body[1:].strip():
                kind = "open_inverse"
                name, section = self.open_block(tag, body[1:], inverted=True)
            else:
                kind = "else"
                self.check_else(tag)
        elif sigil == "/":
            self.close_block(tag, body[1:].strip())
            self.marks.append(Mark("close", tag.start, tag.end, tag.tilde_left, tag.tilde_right))
            return  # rewritten whole
        elif sigil == ">":
            kind = "partial"
            self.check_partial(tag, body[1:].strip())
        elif sigil == "*":
            raise self.fail(tag.start, localized("decorators ({example}) are not supported", example="{{* ...}}"))
        elif body == "else":
            kind = "else"
            self.check_else(tag)
        elif body.startswith("else") and body[4:5].isspace():
            name, section = self.chain_else(tag, body[5:].strip())
            self.marks.append(self.mark("else_chain", tag, name, section))
            return  # rewritten whole, without its "~"
        else:
            self.check_expression(tag, body)
        self.marks.append(self.mark(kind, tag, name, section))
        if tag.tilde_left:  # "{{~": pybars3 knows no "~"; handlebars_whitespace does what it says
            self.edits.append(Edit(tag.start + 2, tag.start + 3, ""))
        if tag.tilde_right:  # "~}}", or "}~}}" of a triple
            self.edits.append(Edit(tag.end - 3, tag.end - 2, ""))

    def mark(self, kind: MarkKind, tag: _Tag, name: str, section: bool) -> Mark:
        # The fault's sentence (with its position) as JSON: the compiled tag raises it in either language.
        fault = "" if self.fault is None else json.dumps(text_fields(self.fault.described()))
        partial_block, inline = self.special == "partial_block", self.special == "inline"
        return Mark(
            kind, tag.start, tag.end, tag.tilde_left, tag.tilde_right, name, section, fault, self.block_params,
            partial_block, inline,
        )  # fmt: skip

    def open_partial_block(self, tag: _Tag, text: str) -> str:
        """``{{#> name context key=value}}``: the partial, given the block as ``{{> @partial-block}}`` (or the block
        alone when there is no such partial). Rewritten to ``{{#with "name" context key=value}}``."""
        words = self.words(" " + text)
        if not words or words[0].startswith("("):
            raise self.fail(
                tag.start,
                localized("a partial block names its partial, as in {example}", example="{{#> layout}}...{{/layout}}"),
            )
        written = text[: len(words[0])]
        name = written[1:-1] if written[:1] in "[\"'" and written[-1:] in "]\"'" else written
        if any(char in name for char in '"\\'):
            raise self.fail(
                tag.start, localized("the partial name {name} holds a quote or a backslash", name=repr(name[:30]))
            )
        self.check_subexpressions(tag, text)
        if self.fault is not None:
            raise self.fault
        start = self.source.index(">", tag.start)
        end = self.source.index(written, start) + len(written)
        self.edits.append(Edit(start, end, f'with "{name}"'))
        self.stack.append(_Open(written, tag.start))
        self.special = "partial_block"
        return "with"

    def open_inline(self, tag: _Tag, text: str) -> str:
        """``{{#*inline "name"}}``: a partial defined in the template. Rewritten to ``{{#with "name"}}``."""
        found = _INLINE.fullmatch(text)
        if found is None:
            raise self.fail(
                tag.start,
                localized(
                    "decorators are not supported: {example} is the one handlebars.js has",
                    example='{{#*inline "name"}}',
                ),
            )
        self.inline_partials.add(found[1][1:-1])
        start = self.source.index("*inline", tag.start)
        self.edits.append(Edit(start, start + len("*inline"), "with"))
        self.stack.append(_Open("inline", tag.start))
        self.special = "inline"
        return "with"

    def words(self, text: str) -> list[str]:
        """The words of a tag's body; literals are blanked out, keeping their length."""
        masked = _masked(text)
        return masked.split()

    def check_subexpressions(self, tag: _Tag, text: str) -> None:
        masked = _masked(text)
        for match in _SUBEXPRESSION.finditer(masked):
            if match[1] not in INLINE_HELPERS:
                name = text[match.start(1) : match.end(1)][:30]
                self.misuse(
                    tag,
                    localized(
                        "unknown helper {helper} in {tag}", helper=f"({name} ...)", tag=self.excerpt(tag.start, tag.end)
                    ),
                )

    def open_block(self, tag: _Tag, text: str, inverted: bool = False) -> tuple[str, bool]:
        """The helper pybars3 is to read in the block ``text`` opens, and whether it is a section on a path."""
        if not inverted and (params := self.take_block_params(tag, text)) is not None:
            text = params  # the opening without "as |...|", which an edit takes out of the tag
            end = self.source.rindex("|", tag.start, tag.end) + 1
            start = self.source.rindex("as", tag.start, self.source.rindex("|", tag.start, end - 1))
            self.edits.append(Edit(start, end, ""))
        name = self.check_block_helper(tag, text)
        self.stack.append(_Open(name, tag.start, inverted))
        path = self.section_path(name, text)
        if path is None:
            return name, False
        start = self.source.index(name, tag.start)
        self.edits.append(Edit(start, start + len(name), f"with {path}"))
        return "with", True

    def take_block_params(self, tag: _Tag, text: str) -> str | None:
        """``text`` without its block parameters (``as |item i|``), whose names go to ``self.block_params``."""
        masked = _masked(text)
        found = BLOCK_PARAMS.search(masked)
        if found is None:
            return None
        names = found[1].split()
        if not names or not all(_BLOCK_PARAM_NAME.fullmatch(name) for name in names):
            raise self.fail(
                tag.start,
                localized(
                    "block parameters are names between bars, as in {example}", example="{{#each items as |item|}}"
                ),
            )
        self.block_params = " ".join(names)
        return text[: found.start()]

    def section_path(self, name: str, text: str) -> str | None:
        """For ``{{#a.b}}``, ``{{^../x}}``, ``{{#.}}``, ``{{#"lit"}}``: the path (as pybars3 reads it) of the value
        handlebars.js runs a section on. pybars3 reads only plain names as block names, so handlebars.py turns such
        a block into one of its section helper over that path."""
        if len(self.words(text)) > 1 or not _PATH_NAME.search(name):
            return None
        return path_of(name)

    def check_block_helper(self, tag: _Tag, text: str) -> str:
        if text[:1] in (">", "*"):
            raise self.fail(
                tag.start, localized("{sign} blocks (partial blocks, decorators) are not supported", sign=text[:1])
            )
        words = self.words(text)
        if not words:
            raise self.fail(tag.start, localized("{tag} names no helper", tag=self.excerpt(tag.start, tag.end)))
        params = words[1:]
        name = text.lstrip()[: len(words[0])]  # as written: words are masked
        if any(word.startswith("|") for word in params):
            raise self.fail(
                tag.start,
                localized(
                    "block parameters (as |item|) in {tag} need a {block} block",
                    tag=f"{{{{#{name}}}}}",
                    block="{{#...}}",
                ),
            )
        if name in BLOCK_HELPERS and not params:
            self.misuse(
                tag,
                localized(
                    "{tag} needs an argument, as in {example}", tag=f"{{{{#{name}}}}}", example=f"{{{{#{name} items}}}}"
                ),
            )
        if name in INLINE_HELPERS:  # as a block it would print its value unescaped
            self.misuse(
                tag,
                localized(
                    "{tag} is not a block helper: write {example}", tag=f"{{{{{name}}}}}", example=f"{{{{{name} ...}}}}"
                ),
            )
        if params and name not in BLOCK_HELPERS:
            # Without parameters, {{#name}} is a section over the value "name" (blockHelperMissing).
            self.misuse(tag, localized("unknown helper {helper}", helper=f"{{{{#{name}}}}}"))
        self.check_subexpressions(tag, text)
        return name

    def close_block(self, tag: _Tag, name: str) -> None:
        if not self.stack:
            raise self.fail(tag.start, localized("{tag} closes no open block", tag=f"{{{{/{name}}}}}"))
        block = self.stack.pop()
        if block.name != name:
            raise self.fail(
                block.start,
                localized(
                    "block {opener} is closed by {closer}", opener=f"{{{{#{block.name}}}}}", closer=f"{{{{/{name}}}}}"
                ),
            )
        # pybars3 reads no spaces or "~" in a closing tag; the blocks of {{else if}}s close here too.
        closers = "".join(f"{{{{/{chained}}}}}" for chained in reversed(block.chained))
        self.edits.append(Edit(tag.start, tag.end, f"{closers}{{{{/{name}}}}}"))

    def check_else(self, tag: _Tag, chained: bool = False) -> None:
        if not self.stack:
            raise self.fail(tag.start, localized("{tag} outside a block", tag="{{else}}"))
        block = self.stack[-1]
        if block.has_else:  # as in handlebars.js, which cannot read it
            raise self.fail(
                tag.start,
                localized(
                    "{opener} has had its {tag}: a block has one at the most",
                    opener=f"{{{{#{block.name}}}}}",
                    tag="{{else}}",
                ),
            )
        block.has_else = not chained

    def chain_else(self, tag: _Tag, text: str) -> tuple[str, bool]:
        """``{{else if b}}`` is ``{{else}}{{#if b}}`` with one more ``{{/if}}`` at the end of the block."""
        self.check_else(tag, chained=True)
        if self.stack[-1].inverted:  # as in handlebars.js, whose grammar has no such chain
            raise self.fail(
                tag.start,
                localized(
                    "{tag} cannot follow {inverted}: use {block}",
                    tag=f"{{{{else {text[:30]}}}}}",
                    inverted="{{^...}}",
                    block="{{#...}}",
                ),
            )
        text = self.take_block_params(tag, text) or text
        name = self.check_block_helper(tag, text)
        path = self.section_path(name, text)
        opening, helper = (text, name) if path is None else (f"with {path}", "with")
        self.stack[-1].chained.append(helper)
        self.edits.append(Edit(tag.start, tag.end, f"{{{{else}}}}{{{{#{opening}}}}}"))
        return helper, path is not None

    def check_partial(self, tag: _Tag, text: str) -> None:
        words = self.words(" " + text)  # the space lets a string at the head be seen as one
        if not words:
            raise self.fail(tag.start, localized("{tag} names no partial", tag="{{>}}"))
        self.check_subexpressions(tag, text)
        if self.fault is not None:  # a partial's tag is not compiled to fail where it runs: a fault at once
            raise self.fault
        if not words[0].startswith("("):  # the name as handlebars.js reads it: [my partial], 'x', "x" are my partial, x
            written = text[: len(words[0])]
            name = written[1:-1] if written[:1] in "[\"'" and written[-1:] in "]\"'" else written
            self.partials.append((name, tag.start))

    def check_expression(self, tag: _Tag, text: str) -> None:
        words = self.words(" " + text)  # the space lets a literal at the head be seen as one
        if not words:
            raise self.fail(tag.start, localized("empty tag {tag}", tag=self.excerpt(tag.start, tag.end)))
        head, params = words[0], words[1:]
        if head in BLOCK_HELPERS:
            self.misuse(
                tag,
                localized(
                    "{tag} is a block helper: write {example}",
                    tag=f"{{{{{head}}}}}",
                    example=f"{{{{#{head} ...}}}}...{{{{/{head}}}}}",
                ),
            )
        if params and head not in INLINE_HELPERS:
            # The context is plain data, so a tag with parameters can only be a call of a helper.
            self.misuse(tag, localized("unknown helper {helper}", helper=f"{{{{{text[: len(head)]}}}}}"))
        self.check_subexpressions(tag, text)
        written = text[: len(head)]
        if not params and (path := path_of(written)) != written:
            start = self.source.index(written, tag.start)
            self.edits.append(Edit(start, start + len(written), path))

    def check_paths(self, tag: _Tag, text: str) -> None:
        """Refuse the paths handlebars.js cannot read: a number at the end of one, this, . or .. after a name."""
        for word in self.words(" " + text):
            path = word.split("=", 1)[-1].strip("()")
            if path[:1] in "\"'[" or _NUMBER.fullmatch(path):
                continue
            if number := _NUMBER_AT_END.search(path):
                fixed = f"{path[: number.start() + 1]}[{number[0][1:]}]"
                raise self.fail(
                    tag.start,
                    localized("handlebars.js cannot read the path {path}: write {fixed}", path=path, fixed=fixed),
                )
            if _steps_back_after_a_name(path):
                raise self.fail(
                    tag.start,
                    localized(
                        "handlebars.js cannot read the path {path}: this, . and .. may only start a path", path=path
                    ),
                )


def _masked(text: str) -> str:
    """``text`` with the inside of its literals blanked out, keeping their length."""
    return _LITERALS.sub(lambda m: m[0][0] + "_" * (len(m[0]) - 2) + m[0][-1], text)


def path_of(written: str) -> str:
    """A name as written in a tag, as a path pybars3 reads the way handlebars.js reads the name.

    handlebars.js looks a literal up as a name where a name goes: ``{{"a b"}}`` is ``{{[a b]}}``, ``{{12.34}}``
    is ``{{[12.34]}}``.
    """
    if len(written) > 1 and written[0] in "\"'" and written[-1] == written[0] and "]" not in written:
        return f"[{written[1:-1]}]"
    if _DECIMAL.fullmatch(written):
        return f"[{written}]"
    return written


def _steps_back_after_a_name(path: str) -> bool:
    """Whether ``path`` has a ``this``, ``.`` or ``..`` segment after a name, as in ``a/this/b`` or ``a/../b``."""
    named = False
    for segment in re.findall(r"\[[^\]]*\]|\.\.|\.(?=[./]|$)|[^./]+", path.removeprefix("@")):
        if segment in ("this", ".", ".."):
            if named:
                return True
        else:
            named = True
    return False


def outline(source: str) -> Outline:
    """Check the tags of ``source`` and list the rewrites pybars3 needs; raise TemplateError at the first fault."""
    return _Scanner(source).run()
