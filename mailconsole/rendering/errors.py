"""The one exception both template engines raise."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from mailconsole.i18n import LocalizedValueError, Text, localized
from mailconsole.models import TemplateEngine

# The msgid of an engine's own words: no catalog translates it, so the words show as the engine says them.
_AS_SAID = "{message}"


class TemplateError(ValueError):
    """A template that cannot be compiled or rendered, with the 1-based position of the fault when known.

    ``str(err)`` reads like ``line 3, column 7: unclosed block {{#if}}``.
    """

    def __init__(
        self,
        message: str | Text,
        line: int | None = None,
        column: int | None = None,
        engine: TemplateEngine = TemplateEngine.HANDLEBAR,
    ) -> None:
        # Every field goes to ValueError's args so that the error pickles (and crosses processes) intact. Not
        # super(): in TemplateLimitError that is LocalizedValueError's, which takes the text alone.
        ValueError.__init__(self, message, line, column, engine)
        # A sentence of this project is a Text, given in either language; an engine's own words (a str) are shown
        # as the engine says them.
        self.text = message if isinstance(message, Text) else Text(_AS_SAID, {"message": message})
        self.message = str(self.text)
        self.line = line
        self.column = column
        self.engine = engine

    @classmethod
    def at(cls, source: str, offset: int, message: str | Text, engine: TemplateEngine) -> TemplateError:
        """An error at character ``offset`` (0-based) of ``source``."""
        line, column = line_and_column(source, offset)
        return cls(message, line, column, engine)

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"

    @property
    def in_engine_words(self) -> bool:
        """Whether the message is an engine's own (a str, shown as it is) rather than a sentence of this project."""
        return self.text.msgid == _AS_SAID

    def described(self) -> Text:
        """``str(err)`` in either language: the position and this project's sentences in the reader's words; an
        engine's own message as it says it (like a parser's "Expecting ..., got ...")."""
        return _positioned(self, self.text)


def line_and_column(source: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` of ``source``."""
    offset = max(0, min(offset, len(source)))
    line_start = source.rfind("\n", 0, offset) + 1
    return source.count("\n", 0, offset) + 1, offset - line_start + 1


class TemplateLimitError(TemplateError, LocalizedValueError):
    """A template stopped by a limit of the renderer (time, output, memory, iterations) rather than by a fault
    the engine can point at; the message names the limit and its setting. It is a LocalizedValueError too, so
    that a caller that shows any LocalizedValueError in the reader's language shows a limit so."""


def text_fields(text: Text) -> dict[str, Any]:
    """A Text as JSON, to cross to another process or into generated code: its msgid, and its values as str, or
    as fields of their own when they are Text too."""
    params = {
        name: text_fields(value) if isinstance(value, Text) else str(value) for name, value in text.params.items()
    }
    return {"msgid": text.msgid, "params": params}


def text_of(fields: Mapping[str, Any]) -> Text:
    """The Text of ``text_fields``. It comes from a worker that runs tenant code, so its msgid may only name its own
    values, plainly: str.format would follow ``{value.attribute}`` or ``{value[key]}`` into the caller's objects."""
    msgid = str(fields["msgid"])
    params = {name: value if isinstance(value, str) else text_of(value) for name, value in fields["params"].items()}
    for _, name, spec, conversion in _FORMATTER.parse(msgid):
        if name is not None and (name not in params or spec or conversion):
            raise ValueError(f"a sentence whose placeholder {name!r} is not one of its values: {msgid[:80]!r}")
    return Text(msgid, params)


_FORMATTER = string.Formatter()


def _positioned(err: TemplateError, problem: Text) -> Text:
    if err.line is None:
        return problem
    if err.column is None:
        return localized("line {line}: {problem}", line=err.line, problem=problem)
    return localized("line {line}, column {column}: {problem}", line=err.line, column=err.column, problem=problem)
