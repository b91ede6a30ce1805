"""A clause made the start of a sentence, in whichever language it is put into words later."""

from __future__ import annotations

from mailconsole.i18n import Language, Text, translated


class _Capitalized(Text):
    def in_language(self, language: Language) -> str:
        text = translated(self.params["clause"], language)
        return text[:1].upper() + text[1:]


def capitalized(clause: object) -> Text:
    """``clause`` (a Text, a LocalizedValueError, or plain words) with its first letter upper case: the library's
    check messages are clauses ("the host is required") that the form shows as sentences. Chinese has no case."""
    return _Capitalized("{clause}", {"clause": clause})
