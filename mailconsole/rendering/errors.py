"""The one exception both template engines raise."""

from __future__ import annotations

from mailconsole.i18n import LocalizedValueError, Text, localized
from mailconsole.models import TemplateEngine


class TemplateError(ValueError):
    """A template that cannot be compiled or rendered, with the 1-based position of the fault when known.

    ``str(err)`` reads like ``line 3, column 7: unclosed block {{#if}}``.
    """

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        engine: TemplateEngine = TemplateEngine.HANDLEBAR,
    ) -> None:
        # Every field goes to ValueError's args so that the error pickles (and crosses processes) intact.
        super().__init__(message, line, column, engine)
        self.message = message
        self.line = line
        self.column = column
        self.engine = engine

    @classmethod
    def at(cls, source: str, offset: int, message: str, engine: TemplateEngine) -> TemplateError:
        """An error at character ``offset`` (0-based) of ``source``."""
        line, column = line_and_column(source, offset)
        return cls(message, line, column, engine)

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"

    def described(self) -> Text:
        """``str(err)`` in either language: the position in the reader's words; the engine's own message as it
        says it (like a parser's "Expecting ..., got ...")."""
        return _positioned(self, Text("{message}", {"message": self.message}))


def line_and_column(source: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` of ``source``."""
    offset = max(0, min(offset, len(source)))
    line_start = source.rfind("\n", 0, offset) + 1
    return source.count("\n", 0, offset) + 1, offset - line_start + 1


class TemplateLimitError(TemplateError, LocalizedValueError):
    """A template stopped by a limit of the renderer (time, output, memory, iterations) rather than by a fault
    the engine can point at; the message names the limit and its setting. The message is the renderer's own, so
    it is given in either language (``text``; a plain str message is shown as it is), as a LocalizedValueError."""

    def __init__(
        self,
        message: str | Text,
        line: int | None = None,
        column: int | None = None,
        engine: TemplateEngine = TemplateEngine.HANDLEBAR,
    ) -> None:
        # Not TemplateError.__init__: its super() is LocalizedValueError's here, which takes the text alone.
        ValueError.__init__(self, message, line, column, engine)  # args: the error pickles with its Text
        self.text = message if isinstance(message, Text) else Text("{message}", {"message": message})
        self.message = str(self.text)
        self.line = line
        self.column = column
        self.engine = engine

    def described(self) -> Text:
        return _positioned(self, self.text)


def _positioned(err: TemplateError, problem: Text) -> Text:
    if err.line is None:
        return problem
    if err.column is None:
        return localized("line {line}: {problem}", line=err.line, problem=problem)
    return localized("line {line}, column {column}: {problem}", line=err.line, column=err.column, problem=problem)
