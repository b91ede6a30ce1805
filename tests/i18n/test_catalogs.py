"""The catalogs against the code: every message the code marks with localized("...") is translated into Chinese,
with the same placeholders; and how a request names its language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.pofile import read_po

import mailconsole
from mailconsole.i18n import EN_US, ZH_CN, LocalizedValueError, gettext, language_of_request, localized, translated

PACKAGE = Path(mailconsole.__file__).parent
ROOT = PACKAGE.parent
KEYWORDS: dict[str, None] = {"localized": None, "_": None}
ZH_CATALOG = PACKAGE / "locales" / "zh_CN" / "LC_MESSAGES" / "messages.po"


def messages_in_code() -> set[str]:
    """What scripts/update_catalogs.sh extracts: the library's ``localized("...")`` and the console's ``_("...")``."""
    found: set[str] = set()
    for folder in (PACKAGE, ROOT / "components", ROOT / "app_pages"):
        extracted = extract_from_dir(str(folder), method_map=[("**.py", "python")], keywords=KEYWORDS)
        found |= {message for _, _, message, _, _ in extracted if isinstance(message, str)}
    with (ROOT / "console_app.py").open("rb") as entry:
        found |= {message for _, _, message, _ in extract_python(entry, KEYWORDS, [], {}) if isinstance(message, str)}
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_in_the_code_is_translated_into_chinese() -> None:
    with ZH_CATALOG.open("rb") as po:
        catalog = read_po(po)
    translated_ids = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    in_code = messages_in_code()
    assert len(in_code) > 100  # the extraction found the service's messages, not nothing
    missing = sorted(in_code - translated_ids)
    assert missing == [], "untranslated: run scripts/update_catalogs.sh and translate these in " + str(ZH_CATALOG)


def test_translations_keep_their_placeholders_and_speak_chinese() -> None:
    with ZH_CATALOG.open("rb") as po:
        catalog = read_po(po)
    for message in catalog:
        if not message.id:
            continue
        msgid, msgstr = str(message.id), str(message.string)
        assert placeholders(msgstr) == placeholders(msgid), msgid
        words = re.sub(r"\{\w*\}", "", msgid)
        if re.search("[A-Za-z]{2}", words):  # not only punctuation around placeholders
            assert re.search("[\u4e00-\u9fff]", msgstr), f"not Chinese: {msgstr!r}"


def test_a_message_is_put_into_words_in_the_language_asked_for() -> None:
    text = localized("{field} is required.", field="smtpConfig.smtp_host")
    assert text.in_language(EN_US) == "smtpConfig.smtp_host is required."
    assert text.in_language(ZH_CN) == "smtpConfig.smtp_host 为必填项。"
    assert str(text) == "smtpConfig.smtp_host is required."
    nested = localized("{field}: {problem}.", field="email", problem=LocalizedValueError(localized("a line break")))
    assert translated(nested, ZH_CN) == "email：换行符。"
    assert gettext(ZH_CN, "no such message") == "no such message"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, ZH_CN),
        ({"x-authing-lang": "en-US"}, EN_US),
        ({"x-authing-lang": "zh-CN"}, ZH_CN),
        ({"x-genauth-lang": "en_us"}, EN_US),
        ({"x-authing-lang": ""}, ZH_CN),  # what the official Python SDKs send when not told a language
        ({"x-authing-lang": "fr-FR", "accept-language": "en"}, EN_US),
        ({"accept-language": "en-GB,en;q=0.9"}, EN_US),
        ({"accept-language": "fr;q=1, zh-TW;q=0.8, en;q=0.5"}, ZH_CN),
        ({"accept-language": "de, en;q=0"}, ZH_CN),
        ({"accept-language": "zh;q=0.3, en-US;q=0.7"}, EN_US),
        ({"x-authing-lang": "zh-CN", "accept-language": "en-US"}, ZH_CN),
    ],
)
def test_the_language_a_request_asks_for(headers: dict[str, str], expected: str) -> None:
    assert language_of_request(headers) == expected
