"""A linter for mail templates: a template that compiles can still make a poor mail.

``lint_template`` returns findings, each with a rule id, a severity, one sentence that says what to do, the field
it concerns (body, subject or sender) and the 1-based line and column in that field when known:

================  ========  ==============================================================================
rule              severity  fires on
================  ========  ==============================================================================
compile-error     error     a body, subject or sender that does not compile (the other rules then skip that
                            field: their reading of a broken template would be guesswork)
unknown-variable  warning   a variable the template type does not provide (a typo, most likely)
missing-variable  error     a code mail without ``verify_code``, a link mail without ``verify_link``
img-alt           warning   ``<img>`` without ``alt``
insecure-link     warning   ``<a href>`` that is not https (``mailto:``, ``tel:`` and relative are fine)
script-tag        warning   ``<script>``: mail clients drop it
gmail-clipping    warning   a body that renders, with the sample variables, over Gmail's 102 KB
================  ========  ==============================================================================

Every rule is conservative: it stays quiet when it cannot tell (names inside ``{{#each}}``/``{{#with}}``,
``../`` paths, EJS names declared anywhere in the template, links whose address is a template expression).

The HTML rules read the template source with its template tags blanked out (same length, so positions stay)
through a linear scan that hands one tag at a time to ``html.parser.HTMLParser`` for its attributes. Python
3.11's HTMLParser fed a whole hostile document takes quadratic time (100 KB of ``<a`` takes seconds) or raises
(``<![``); fed one complete tag it does neither.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

from mailconsole.catalog import CODE_TYPES, LINK_TYPES, TEMPLATE_TITLES, variable_tag, variables_for
from mailconsole.i18n import Text, localized
from mailconsole.models import TemplateEngine, TemplateType

# Where a tag ends and where a block's parameters (as |item|) are, read as the compiler reads them.
from mailconsole.rendering import handlebars_scan
from mailconsole.rendering.errors import TemplateError, line_and_column
from mailconsole.rendering.handlebars_scan import BLOCK_PARAMS
from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE, sample_context
from mailconsole.rendering.workers import check_template, render_template

__all__ = ["GMAIL_CLIP_BYTES", "RULES", "LintFinding", "lint_template"]

Severity = Literal["warning", "error"]
Field = Literal["content", "subject", "sender"]

# Gmail shows "[Message clipped]" instead of the rest of a mail whose HTML is over 102 KB.
GMAIL_CLIP_BYTES = 102 * 1024

RULES: dict[str, Severity] = {
    "compile-error": "error",
    "unknown-variable": "warning",
    "missing-variable": "error",
    "img-alt": "warning",
    "insecure-link": "warning",
    "script-tag": "warning",
    "gmail-clipping": "warning",
}

_FIELD_ORDER: dict[Field, int] = {"content": 0, "subject": 1, "sender": 2}


@dataclass(frozen=True)
class LintFinding:
    """One problem: ``rule`` (a key of ``RULES``), what to do in ``text`` (in either language; ``message`` is its
    English), and where, when known."""

    rule: str
    severity: Severity
    text: Text
    line: int | None = None
    column: int | None = None
    field: Field = "content"

    @property
    def message(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        return (f"line {self.line}: " if self.line is not None else "") + self.message


def lint_template(
    source: str,
    engine: TemplateEngine | str,
    template_type: TemplateType | str | None,
    *,
    subject: str = "",
    sender: str = "",
) -> list[LintFinding]:
    """The findings for a template: its body ``source``, and its ``subject`` and ``sender`` display name.

    ``template_type`` decides which variables exist and which one is required; ``None`` or a type this release
    does not know allows every known variable and requires none. Errors come first, then by field and position.
    """
    try:
        engine = TemplateEngine(engine)
    except ValueError:
        known = " or ".join(repr(item.value) for item in TemplateEngine)
        problem = localized("Unknown template engine {engine}: use {known}.", engine=repr(engine), known=known)
        return [LintFinding("compile-error", "error", problem)]
    findings: list[LintFinding] = []
    mailing = _Mailing.of(template_type)
    mentions: set[str] = set()
    body_compiles = False
    fields: tuple[tuple[Field, str], ...] = (("content", source), ("subject", subject), ("sender", sender))
    for field, text in fields:
        if field != "content" and not text:
            continue
        try:
            check_template(text, engine)
        except TemplateError as err:
            findings.append(_compile_finding(field, err))
            continue
        references = list(_references(text, engine))
        mentions.update(reference.name for reference in references)
        findings.extend(_unknown_variables(references, mailing, text, field, engine))
        body_compiles = body_compiles or field == "content"
    if body_compiles:
        findings.extend(_missing_variable(mailing, mentions, engine))
        findings.extend(_html_findings(source, engine))
        findings.extend(_size_findings(source, engine, template_type))
    return sorted(
        findings,
        key=lambda item: (item.severity != "error", _FIELD_ORDER[item.field], item.line or 0, item.column or 0),
    )


# ---- what a type of mail provides -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mailing:
    variables: tuple[str, ...]
    required: str | None  # the variable the mail exists to deliver
    title: Text  # “Login code”

    @classmethod
    def of(cls, template_type: TemplateType | str | None) -> _Mailing:
        known = _known_type(template_type)
        if known is None:
            # The account deletion mail, or a type this release does not know (every variable, none required).
            required = "verify_code" if template_type == ACCOUNT_DELETION_TYPE else None
            title = localized("“{title}”", title=template_type) if template_type else localized("the platform's")
            return cls(tuple(sample_context(template_type)), required, title)
        required = "verify_code" if known in CODE_TYPES else "verify_link" if known in LINK_TYPES else None
        return cls(variables_for(known), required, localized("“{title}”", title=TEMPLATE_TITLES[known]))


def _known_type(template_type: TemplateType | str | None) -> TemplateType | None:
    try:
        return TemplateType(template_type) if template_type is not None else None
    except ValueError:
        return None


# ---- findings ---------------------------------------------------------------------------------------------------


_SENTENCE_ENDS = (".", "?", "!")


def _compile_finding(field: Field, err: TemplateError) -> LintFinding:
    # An engine's own words, as it says them (like a provider's reply); this project's sentences in the reader's.
    error: str | Text
    if err.in_engine_words:
        words = err.message[:470].rstrip()
        error = words if words.endswith(_SENTENCE_ENDS) else words + "."
    elif err.message.rstrip().endswith(_SENTENCE_ENDS):
        error = err.text
    else:
        error = localized("{problem}.", problem=err.text)
    texts = {
        "content": localized("The body does not compile: {error}", error=error),
        "subject": localized("The subject does not compile: {error}", error=error),
        "sender": localized("The sender name does not compile: {error}", error=error),
    }
    return LintFinding("compile-error", "error", texts[field], err.line, err.column, field)


def _unknown_variables(
    references: list[_Reference], mailing: _Mailing, source: str, field: Field, engine: TemplateEngine
) -> Iterator[LintFinding]:
    reported: set[str] = set()
    every_variable = set(sample_context(None))
    for reference in references:
        name = reference.name
        if reference.local or name in mailing.variables or name in reported:
            continue
        reported.add(name)
        shown = _shown(name, engine)
        guess = _closest(name, mailing.variables)
        line, column = line_and_column(source, reference.offset)
        yield LintFinding(
            "unknown-variable",
            "warning",
            _unknown_text(shown, mailing, name in every_variable, guess, engine),
            line,
            column,
            field,
        )


def _unknown_text(shown: str, mailing: _Mailing, elsewhere: bool, guess: str | None, engine: TemplateEngine) -> Text:
    """``elsewhere``: the variable exists, for other types of mail."""
    title = mailing.title
    if guess is not None:
        better = _shown(guess, engine)
        if elsewhere:
            return localized(
                "{variable} is given to other types of mail, not to {title} mails: did you mean {guess}?",
                variable=shown,
                title=title,
                guess=better,
            )
        return localized(
            "{variable} is not a variable of {title} mails: did you mean {guess}?",
            variable=shown,
            title=title,
            guess=better,
        )
    if elsewhere:
        return localized(
            "{variable} is given to other types of mail, not to {title} mails: remove it or use one this type "
            "provides.",
            variable=shown,
            title=title,
        )
    return localized(
        "{variable} is not a variable of {title} mails: remove it or use one this type provides.",
        variable=shown,
        title=title,
    )


def _closest(name: str, known: tuple[str, ...]) -> str | None:
    by_lower = {item.lower(): item for item in known}
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=1)
    return by_lower[matches[0]] if matches else None


def _shown(name: str, engine: TemplateEngine) -> str:
    return f"`{variable_tag(name, engine)}`"


def _missing_variable(mailing: _Mailing, mentions: set[str], engine: TemplateEngine) -> Iterator[LintFinding]:
    # Anywhere counts (the subject too, a block-local path too): this rule must not cry wolf.
    if mailing.required is None or mailing.required in mentions:
        return
    shown = _shown(mailing.required, engine)
    text = (
        localized(
            "A {title} mail exists to deliver a code, and this template never shows it: add {variable} to the body.",
            title=mailing.title,
            variable=shown,
        )
        if mailing.required == "verify_code"
        else localized(
            "A {title} mail exists to deliver a link, and this template never shows it: add {variable} to the body.",
            title=mailing.title,
            variable=shown,
        )
    )
    yield LintFinding("missing-variable", "error", text)


def _size_findings(
    source: str, engine: TemplateEngine, template_type: TemplateType | str | None
) -> Iterator[LintFinding]:
    try:
        html = render_template(source, sample_context(template_type), engine)
    except TemplateError:
        return  # it fails only with the sample values; the preview says why
    size = len(html.encode("utf-8", "surrogatepass"))  # a Handlebars template may hold lone surrogates
    if size > GMAIL_CLIP_BYTES:
        yield LintFinding(
            "gmail-clipping",
            "warning",
            localized(
                "The mail is {size} KB with the sample values, over Gmail's {limit} KB limit, so Gmail will clip it "
                "and hide the rest behind a link: make it smaller.",
                size=f"{size / 1024:.0f}",
                limit=GMAIL_CLIP_BYTES // 1024,
            ),
        )


# ---- the variables a template reads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    name: str
    offset: int  # in the source
    # True when the name may be something else than a variable of the mail (an item of #each, a name the
    # template declares, an object's property): never reported, but it still counts as a mention.
    local: bool


def _references(source: str, engine: TemplateEngine) -> Iterator[_Reference]:
    if engine is TemplateEngine.EJS:
        spans = [span for span in _ejs_tags(source) if span.flag != "#"]
        token_lists = [_js_tokens(span.code, span.code_offset) for span in spans]
        declared = frozenset(name for tokens in token_lists for name in _declarations(tokens))
        for tokens in token_lists:
            yield from _ejs_references(tokens, declared)
    else:
        yield from _handlebars_references(source)


# Handlebars.

_CHANGES_CONTEXT = {"if": False, "unless": False, "each": True, "with": True}
_HELPERS = frozenset({"if", "unless", "each", "with", "lookup", "log"})
_LITERAL_WORDS = frozenset({"true", "false", "null", "undefined"})
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SEGMENT = re.compile(r"[^./\[]+")
_HBS_TOKEN = re.compile(
    r"""(?P<string>(?<![^\s=(])"(?:\\.|[^"\\])*"|(?<![^\s=(])'(?:\\.|[^'\\])*')
      | (?P<paren>[()])
      | (?P<key>[^\s()=\[\]"']+)=
      | (?P<word>(?:\[[^\]]*\]|[^\s()=\[\]])+)
      | (?P<other>\S)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _HandlebarsTag:
    start: int
    end: int
    body: str  # between the braces: "~" and spaces trimmed, "!" for comments and raw-block tags
    body_offset: int  # of ``body`` in the source


def _handlebars_tags(source: str) -> Iterator[_HandlebarsTag]:
    """Every tag as the compiler reads it (the scan's outline): comments and the tags of raw blocks as "!"."""
    try:
        marks = handlebars_scan.outline(source).marks
    except TemplateError:  # a template that does not compile has no checks beyond that
        return
    for mark in marks:
        if mark.kind in ("comment", "raw_open", "raw_close"):
            yield _HandlebarsTag(mark.start, mark.end, "!", mark.start)
        elif mark.kind != "cut":
            yield _tag_body(source, mark)


def _tag_body(source: str, mark: handlebars_scan.Mark) -> _HandlebarsTag:
    """The tag with its body: between the braces, without the "~" flags, a triple-stash's inner braces and spaces."""
    start, end = mark.start + 2 + mark.strip_open, mark.end - 2 - mark.strip_close
    if source.startswith("{", start) and source.endswith("}", start, end):  # {{{ name }}}
        start, end = start + 1, end - 1
    inner = source[start:end]
    body = inner.strip()
    return _HandlebarsTag(mark.start, mark.end, body, start + len(inner) - len(inner.lstrip()))


def _handlebars_references(source: str) -> Iterator[_Reference]:
    # One entry per open block: may names inside it be the item's or the object's rather than the mail's?
    scopes: list[bool] = []
    for tag in _handlebars_tags(source):
        body, offset = tag.body, tag.body_offset
        sigil = body[:1]
        if sigil in ("!", ">"):  # comments, raw blocks, partials (their text is not known here)
            continue
        if sigil == "/":
            if scopes:
                scopes.pop()
        elif sigil == "#" and body[1:2] in (">", "*"):  # a partial block, an inline partial: names no variable
            scopes.append(any(scopes))
        elif sigil in ("#", "^") and body[1:].strip():
            opening = BLOCK_PARAMS.sub("", body[1:])  # names inside may be its parameters: local
            yield from _expression_references(opening, offset + 1, any(scopes))
            head = body[1:].split()[0]
            scopes.append(opening != body[1:] or _CHANGES_CONTEXT.get(head, True))  # {{#name}}: may be an object
        elif body.startswith("else") and body[4:5].isspace():  # {{else if b}}: b is read where the block is
            yield from _expression_references(body[5:], offset + 5, any(scopes))
            if scopes and _CHANGES_CONTEXT.get(body[5:].split()[0], True):
                scopes[-1] = True
        elif body != "else" and sigil != "^":
            expression = body[1:] if sigil == "&" else body
            yield from _expression_references(expression, offset + (sigil == "&"), any(scopes))


def _expression_references(text: str, offset: int, local: bool) -> Iterator[_Reference]:
    """The names an expression reads: the parameters of a helper, or the expression itself when it is one name."""
    tokens = list(_HBS_TOKEN.finditer(text))
    call = len(tokens) > 1 or (bool(tokens) and tokens[0]["word"] in _HELPERS)
    after_paren = False
    for index, token in enumerate(tokens):
        word = token["word"]
        if word is None:
            after_paren = token["paren"] == "("
            continue
        if (index == 0 and call) or after_paren:  # a helper's name
            after_paren = False
            continue
        head = _path_head(word)
        if head is not None:
            name, kind = head
            yield _Reference(name, offset + token.start("word"), kind == "parent" or (local and kind != "root"))


def _path_head(path: str) -> tuple[str, Literal["plain", "root", "parent"]] | None:
    """The variable a path starts from and how it is reached; None for what is no variable (literals, @index)."""
    if path in _LITERAL_WORDS or _NUMBER.fullmatch(path):
        return None
    segments = _segments(path)
    if segments[:1] == ["@root"]:
        return (segments[1], "root") if len(segments) > 1 else None
    if not segments or segments[0].startswith("@"):
        return None
    if segments[0] == "..":  # a parent context: which one depends on how pybars3 counts, so no guess
        names = [segment for segment in segments if segment != ".."]
        return (names[0], "parent") if names else None
    if segments[0] == "this":
        segments = segments[1:]
    return (segments[0], "plain") if segments else None


def _segments(path: str) -> list[str]:
    """``a.[b c]/d``, ``this.x``, ``../x``: the names between the separators, ".." kept."""
    segments: list[str] = []
    index = 0
    while index < len(path):
        if path[index] == "[":
            close = path.find("]", index)
            close = len(path) if close < 0 else close
            segments.append(path[index + 1 : close])
            index = close + 1
        elif path.startswith("..", index):
            segments.append("..")
            index += 2
        elif path[index] in "./":
            index += 1
        else:
            match = _SEGMENT.match(path, index)
            assert match is not None  # the character is none of "./["
            segments.append(match[0])
            index = match.end()
    return segments


# EJS.

_EJS_OPEN = re.compile(r"<%([_=\-#%]?)")
# fmt: off
_JS_KEYWORDS = frozenset([
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "export",
    "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "let", "new", "null", "of",
    "return", "super", "switch", "this", "throw", "true", "try", "typeof", "undefined", "var", "void", "while",
    "with", "yield", "async", "await", "static", "get", "set", "NaN", "Infinity", "arguments",
])
# What the code of an EJS template may use besides the variables of the mail.
_JS_GLOBALS = frozenset([
    "Object", "Array", "String", "Number", "Boolean", "Math", "JSON", "Date", "RegExp", "Error", "TypeError",
    "RangeError", "SyntaxError", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent",
    "decodeURIComponent", "encodeURI", "decodeURI", "escape", "unescape", "Symbol", "Map", "Set", "WeakMap",
    "WeakSet", "Promise", "Intl", "globalThis", "console", "BigInt", "Proxy", "Reflect", "Function", "eval",
    # EJS' own, in the function it compiles a template into.
    "locals", "include", "escapeFn", "rethrow", "__output", "__append", "__line", "__lines", "__filename",
])
# fmt: on
_JS_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
      | (?P<string>"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?|`(?:\\.|[^`\\])*`?)
      | (?P<number>\.?\d[\w.]*)
      | (?P<name>(?:[^\W\d]|\$)(?:\w|\$)*)
      | (?P<punct>=>|\?\.|\.\.\.|.)""",
    re.VERBOSE | re.DOTALL,
)
_JS_REGEX = re.compile(r"/(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n\[])+/\w*")
_QUOTED_NAME = re.compile(r"""(["'])[A-Za-z_$][\w$]*\1""")
_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")


@dataclass(frozen=True)
class _EjsTag:
    start: int  # of "<%"
    end: int  # after "%>" (or the end of the source)
    flag: str  # the character after "<%": "=", "-", "_", "#" or ""
    code_offset: int
    code: str


@dataclass(frozen=True)
class _JsToken:
    kind: Literal["name", "punct", "literal"]
    text: str
    offset: int  # in the template


def _ejs_tags(source: str) -> Iterator[_EjsTag]:
    pos = 0
    while (match := _EJS_OPEN.search(source, pos)) is not None:
        if match[1] == "%":  # <%% prints "<%"
            pos = match.end()
            continue
        close = source.find("%>", match.end())
        code_end = len(source) if close < 0 else close
        end = len(source) if close < 0 else close + 2
        code = source[match.end() : code_end]
        yield _EjsTag(match.start(), end, match[1], match.end(), code[:-1] if code.endswith(("-", "_")) else code)
        pos = end


def _js_tokens(code: str, offset: int) -> list[_JsToken]:
    """Names, punctuation and literals (strings, numbers, regular expressions, template literals as a whole)."""
    tokens: list[_JsToken] = []
    pos = 0
    no_regex_before = 0  # a regular expression failed to match from before here: none on the rest of that line
    while pos < len(code):
        if code[pos] == "/" and pos >= no_regex_before and not code.startswith(("//", "/*"), pos):
            previous = tokens[-1] if tokens else None
            value_before = previous is not None and (
                previous.kind == "literal"
                or previous.text in (")", "]")
                or (previous.kind == "name" and previous.text not in _JS_KEYWORDS)
            )
            if not value_before:  # where a value may start, "/" opens a regular expression
                regex = _JS_REGEX.match(code, pos)
                if regex is not None:
                    tokens.append(_JsToken("literal", regex[0], offset + pos))
                    pos = regex.end()
                    continue
                line_end = code.find("\n", pos)
                no_regex_before = len(code) if line_end < 0 else line_end  # keeps this linear
        match = _JS_TOKEN.match(code, pos)
        assert match is not None  # the last alternative takes any character
        if match.lastgroup in ("string", "number"):
            tokens.append(_JsToken("literal", match[0], offset + pos))
        elif match.lastgroup == "name":
            tokens.append(_JsToken("name", match[0], offset + pos))
        elif match.lastgroup == "punct":
            tokens.append(_JsToken("punct", match[0], offset + pos))
        pos = match.end()
    return tokens


def _declarations(tokens: list[_JsToken]) -> Iterator[str]:
    """The names the code declares: var/let/const, function names and parameters, arrow parameters, catch.

    Scopes are not tracked: a name declared anywhere in the template is never reported anywhere.
    """
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == "name" and token.text in ("var", "let", "const"):
            yield from _bindings(tokens, index + 1)
        elif token.kind == "name" and token.text == "function":
            position = index + 1
            if following is not None and following.kind == "name":
                yield following.text
                position += 1
            if position < len(tokens) and tokens[position].text == "(":
                yield from _names_between(tokens, position, _matching(tokens, position))
        elif token.text == "catch" and following is not None and following.text == "(":
            yield from _names_between(tokens, index + 1, _matching(tokens, index + 1))
        elif token.text == "=>" and index > 0:
            before = tokens[index - 1]
            if before.kind == "name":
                yield before.text
            elif before.text == ")":
                yield from _names_between(tokens, _matching(tokens, index - 1), index - 1)


def _bindings(tokens: list[_JsToken], position: int) -> Iterator[str]:
    """The names bound by ``var a = f(x), {b, c} = d``, read from after the keyword: not the values' names."""
    expect_binding = True
    depth = 0
    while position < len(tokens):
        text = tokens[position].text
        if expect_binding:
            if tokens[position].kind == "name":
                yield text
            elif text in ("{", "["):  # a destructuring pattern: every name in it (defaults too, to be safe)
                close = _matching(tokens, position)
                yield from _names_between(tokens, position, close)
                position = close
            expect_binding = False
        elif text in _OPENERS:
            depth += 1
        elif text in _CLOSERS:
            depth -= 1
            if depth < 0:  # the end of a for (...) head
                return
        elif depth == 0 and text == ",":
            expect_binding = True
        elif depth == 0 and text in (";", "of", "in"):
            return
        position += 1


def _matching(tokens: list[_JsToken], position: int) -> int:
    """The index of the bracket that matches the one at ``position`` (forwards from an opener, backwards from a
    closer); the end of the list when it is not closed."""
    step = 1 if tokens[position].text in _OPENERS else -1
    depth = 0
    index = position
    while 0 <= index < len(tokens):
        text = tokens[index].text
        depth += (text in _OPENERS) - (text in _CLOSERS) if step == 1 else (text in _CLOSERS) - (text in _OPENERS)
        if depth == 0:
            return index
        index += step
    return len(tokens) if step == 1 else 0


def _names_between(tokens: list[_JsToken], start: int, end: int) -> Iterator[str]:
    return (token.text for token in tokens[start:end] if token.kind == "name")


def _ejs_references(tokens: list[_JsToken], declared: frozenset[str]) -> Iterator[_Reference]:
    for index, token in enumerate(tokens):
        if token.kind == "literal" and _QUOTED_NAME.fullmatch(token.text):
            # locals["verify_code"] shows the code too: a quoted name is a mention (never reported).
            yield _Reference(token.text[1:-1], token.offset + 1, local=True)
        if token.kind != "name":
            continue
        before = tokens[index - 1].text if index > 0 else ""
        after = tokens[index + 1].text if index + 1 < len(tokens) else ""
        if before in (".", "?."):
            # locals.x is the variable x; any other property is a mention only.
            local = not (index > 1 and tokens[index - 2].text == "locals")
            yield _Reference(token.text, token.offset, local)
            continue
        local = (
            token.text in _JS_KEYWORDS
            or token.text in _JS_GLOBALS
            or token.text in declared
            or before == "typeof"  # the usual guard of an optional variable
            or after == ":"  # an object's key (or a ternary's branch: no guess)
        )
        yield _Reference(token.text, token.offset, local)


# ---- the HTML rules ---------------------------------------------------------------------------------------------

# Stands in for the characters of template tags: one no mail uses, so an attribute that starts with it is known to
# come from a template expression.
_MASK = "\ue000"
_NOT_NEWLINE = re.compile(r"[^\n]")
_TAG_NAME = re.compile(r"[A-Za-z][^\s/>]*")
_TAG_END_OR_EQUALS = re.compile(r"[>=]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp"})
_SAFE_SCHEMES = frozenset({"https", "mailto", "tel"})


def _html_findings(source: str, engine: TemplateEngine) -> Iterator[LintFinding]:
    text = _masked(source, engine)
    for start, end, name in _start_tags(text):
        if name not in ("img", "a", "script"):
            continue
        line, column = line_and_column(source, start)
        if name == "script":
            advice = localized("Mail clients drop <script> (and spam filters hold it against the mail): remove it.")
            yield LintFinding("script-tag", "warning", advice, line, column)
            continue
        attributes = _attributes(text[start:end])
        if attributes is None:
            continue
        names = {key for key, _ in attributes}
        # An attribute name made by a template tag may well be alt: no guess then.
        if name == "img" and "alt" not in names and not any(_MASK in key for key in names):
            advice = localized(
                'This image has no alt text, which readers see while images are blocked: add alt="..." '
                '(alt="" for a decorative image).'
            )
            yield LintFinding("img-alt", "warning", advice, line, column)
        if name == "a":
            problem = _link_problem(next((value for key, value in attributes if key == "href"), None))
            if problem is not None:
                yield LintFinding("insecure-link", "warning", problem, line, column)


def _masked(source: str, engine: TemplateEngine) -> str:
    """``source`` with every template tag overwritten by ``_MASK`` (line breaks kept): the same positions."""
    spans = (
        [(tag.start, tag.end) for tag in _ejs_tags(source)]
        if engine is TemplateEngine.EJS
        else [(tag.start, tag.end) for tag in _handlebars_tags(source)]
    )
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        parts.append(source[pos:start])
        parts.append(_NOT_NEWLINE.sub(_MASK, source[start:end]))
        pos = end
    parts.append(source[pos:])
    return "".join(parts)


def _start_tags(text: str) -> Iterator[tuple[int, int, str]]:
    """Each start tag as (start, end, lower-case name), past comments and the text of script, style and the like.

    Linear: each search starts where the last one ended, and an unclosed comment or tag ends the scan.
    """
    pos = 0
    while (lt := text.find("<", pos)) >= 0:
        if text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            if close < 0:
                return
            pos = close + 3
            continue
        name_match = _TAG_NAME.match(text, lt + 1)
        if name_match is None:
            pos = lt + 1
            continue
        end = _tag_end(text, name_match.end())
        if end < 0:
            return
        name = name_match[0].lower()
        yield lt, end, name
        pos = end
        if name in _RAW_TEXT:
            close_tag = re.compile(rf"</{name}[\s/>]", re.IGNORECASE).search(text, end)
            if close_tag is None:
                return
            pos = close_tag.start()


def _tag_end(text: str, pos: int) -> int:
    """Where the tag whose attributes start at ``pos`` ends (after its ">"), or -1; a quoted value may hold ">"."""
    while (match := _TAG_END_OR_EQUALS.search(text, pos)) is not None:
        if match[0] == ">":
            return match.end()
        value = match.end()
        while value < len(text) and text[value] in " \t\n\r\f":
            value += 1
        if value < len(text) and text[value] in "\"'":
            close = text.find(text[value], value + 1)
            if close < 0:
                return -1
            pos = close + 1
        else:
            pos = value
    return -1


class _StartTagReader(HTMLParser):
    """Reads the attributes of the first start tag it is fed (entities decoded, names in lower case)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.attributes is None:
            self.attributes = attrs


def _attributes(tag: str) -> list[tuple[str, str | None]] | None:
    reader = _StartTagReader()
    try:
        reader.feed(tag)
        reader.close()
    except (AssertionError, ValueError):  # how HTMLParser complains about markup it cannot read
        return None
    return reader.attributes


def _link_problem(href: str | None) -> Text | None:
    if href is None:
        return None
    address = href.strip()
    if address.startswith(_MASK):
        return None  # a template expression, such as {{verify_link}}: its value is not known here
    if address.startswith("//"):
        return localized("This link has no scheme, so each mail client picks one: start it with https://.")
    scheme = _SCHEME.match(address)
    if scheme is None or scheme[1].lower() in _SAFE_SCHEMES:
        return None  # relative, a fragment, https:, mailto: or tel:
    if scheme[1].lower() == "http":
        return localized(
            "This link uses http://, which is not encrypted and which some mail clients flag: use https://."
        )
    return localized(
        "This link uses {scheme}:, which mail clients block or cannot open: link to an https:// address.",
        scheme=scheme[1].lower(),
    )
