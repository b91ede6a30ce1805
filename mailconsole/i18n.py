"""The two languages GenAuth speaks (zh-CN, the platform's default, and en-US), and translation into them.

A service answers many requests in different languages at once, so nothing here holds a current language: a
message is made as ``localized(msgid, **params)``, a ``Text`` that is put into words only when the caller knows
the language (``Text.in_language``, ``translated``). The msgids are the English sentences, with ``{name}``
placeholders; ``str()`` of a Text is its English, so code that logs or compares keeps working.

The catalogs are gettext ``.po`` files under ``mailconsole/locales/<locale>/LC_MESSAGES/messages.po``, extracted
from the code by ``scripts/update_catalogs.sh`` (pybabel extract + update), and read at run time with Babel: no
compile step, so a clean clone with ``pip install -e .`` has them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, get_args

if TYPE_CHECKING:
    from babel import Locale

__all__ = [
    "CONSOLE_DEFAULT_LANGUAGE",
    "DEFAULT_LANGUAGE",
    "EN_US",
    "LANGUAGES",
    "LANGUAGE_HEADERS",
    "ZH_CN",
    "Language",
    "LocalizedValueError",
    "Text",
    "browser_language",
    "console_language",
    "fixed_console_language",
    "formatted_time",
    "gettext",
    "language_from_environment",
    "language_of_request",
    "localized",
    "parse_language",
    "translated",
]

Language: TypeAlias = Literal["zh-CN", "en-US"]
ZH_CN: Final[Language] = "zh-CN"
EN_US: Final[Language] = "en-US"
LANGUAGES: tuple[Language, ...] = get_args(Language)
# The platform answers in Chinese when a request names no language; so do its SDKs when not told otherwise.
DEFAULT_LANGUAGE: Final[Language] = ZH_CN
# What the official SDKs send (x-authing-lang), and the name GenAuth's newer SDKs may use.
LANGUAGE_HEADERS = ("x-authing-lang", "x-genauth-lang")

# The catalog's folder per language (gettext locale names); the msgids are English, so en-US needs no catalog.
_LOCALE_DIRS: dict[Language, str] = {ZH_CN: "zh_CN"}


def parse_language(value: str) -> Language | None:
    """``zh-CN``, ``zh_cn``, ``zh``, ``zh-Hans`` -> zh-CN; ``en``, ``en-GB`` -> en-US; anything else None."""
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return {"zh": ZH_CN, "en": EN_US}.get(primary)


def language_of_request(headers: Mapping[str, str], default: Language = DEFAULT_LANGUAGE) -> Language:
    """The language a request asks for: ``x-authing-lang`` / ``x-genauth-lang``, else the first language of
    Accept-Language (by its q values) that is spoken here, else ``default``. ``headers`` must be case-insensitive
    (Starlette's are)."""
    for name in LANGUAGE_HEADERS:
        named = parse_language(headers.get(name) or "")
        if named is not None:
            return named
    for tag in _accepted(headers.get("accept-language") or ""):
        accepted = parse_language(tag)
        if accepted is not None:
            return accepted
    return default


def _accepted(header: str) -> list[str]:
    """Accept-Language's tags, most wanted first (a stable sort keeps the order of equal q values)."""
    weighted: list[tuple[float, str]] = []
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((quality, tag))
    return [tag for _, tag in sorted(weighted, key=lambda pair: -pair[0])]


# Fixes the console's language for a hosted console (no switch in the sidebar then).
CONSOLE_LANGUAGE_SETTING = "MAILCONSOLE_LANGUAGE"
# Where the browser says nothing (AppTest, a script): the console speaks English, as it always did.
CONSOLE_DEFAULT_LANGUAGE: Final[Language] = EN_US


def fixed_console_language() -> Language | None:
    """The language ``MAILCONSOLE_LANGUAGE`` fixes the console to, or None when each session chooses."""
    value = os.environ.get(CONSOLE_LANGUAGE_SETTING, "").strip()
    return language_from_environment(CONSOLE_LANGUAGE_SETTING, EN_US) if value else None


def console_language() -> Language:
    """The console's language before any browser is asked (``MAILCONSOLE_LANGUAGE``, else English)."""
    return fixed_console_language() or CONSOLE_DEFAULT_LANGUAGE


def browser_language(locale: str | None, accept_language: str | None = None) -> Language:
    """A first visit's language: the browser's own (``navigator.language``, Streamlit's ``st.context.locale``),
    else the first spoken one of its Accept-Language header, else the console's default."""
    headers = {"accept-language": accept_language or ""}
    return parse_language(locale or "") or language_of_request(headers, default=console_language())


def language_from_environment(variable: str, default: Language) -> Language:
    """The language an environment variable sets (``MAILCONSOLE_POOL_LANGUAGE``, say), else ``default``."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    language = parse_language(value)
    if language is None:
        raise ValueError(f"{variable}: {value!r} is not a language this service speaks; use zh-CN or en-US.")
    return language


@cache
def _catalog(language: Language) -> Mapping[str, str]:
    """msgid -> translation; fuzzy and empty entries are left out (their English shows instead)."""
    folder = _LOCALE_DIRS.get(language)
    if folder is None:
        return {}
    # Imported here: Babel takes about 15 ms to import, which only the first Chinese message needs to pay.
    from babel.messages.pofile import read_po

    path = files("mailconsole").joinpath("locales", folder, "LC_MESSAGES", "messages.po")
    with path.open("rb") as po:
        catalog = read_po(po)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


def gettext(language: Language, msgid: str) -> str:
    """``msgid`` in ``language``; its English when the catalog has no translation of it."""
    return _catalog(language).get(msgid, msgid)


@dataclass(frozen=True)
class Text:
    """A message waiting for its language: the msgid and the values of its placeholders. A value may itself be a
    Text (or a LocalizedValueError), translated into the same language."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def in_language(self, language: Language) -> str:
        values = {name: translated(value, language) for name, value in self.params.items()}
        return gettext(language, self.msgid).format(**values)

    def __str__(self) -> str:
        return self.in_language(EN_US)


def localized(msgid: str, **params: Any) -> Text:
    """Mark ``msgid`` for the catalogs (``pybabel extract -k localized``) and keep it for translation later."""
    return Text(msgid, params)


class LocalizedValueError(ValueError):
    """A ValueError whose sentence can be given in either language; ``str()`` is its English."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


def translated(value: object, language: Language) -> str:
    """Any value in ``language``: a Text or a LocalizedValueError translated, anything else as ``str()`` has it."""
    if isinstance(value, Text):
        return value.in_language(language)
    if isinstance(value, LocalizedValueError):
        return value.text.in_language(language)
    return str(value)


def formatted_time(at: datetime, language: Language) -> str:
    """A moment as the language writes it, to the second: ``Nov 5, 2026, 6:00:00 PM`` / ``2026年11月5日 18:00:00``
    (in ``at``'s own zone: convert first)."""
    from babel.dates import format_datetime

    return format_datetime(at, "medium", tzinfo=at.tzinfo, locale=_babel_locale(language))


@cache
def _babel_locale(language: Language) -> Locale:
    """Parsed once: Babel parses a locale given by name on every call, 0.16 ms for zh_CN (a page of 200 times in
    Chinese lost 30 ms to it)."""
    from babel import Locale

    return Locale.parse(language.replace("-", "_"))
