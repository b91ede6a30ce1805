"""Which language a console session speaks before anyone chose one, and how each language writes a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mailconsole.i18n import (
    EN_US,
    ZH_CN,
    browser_language,
    console_language,
    fixed_console_language,
    formatted_time,
)


@pytest.mark.parametrize(
    ("locale", "accept_language", "expected"),
    [
        ("zh-CN", None, ZH_CN),
        ("zh", "en-US", ZH_CN),  # the browser's own language comes before its header
        ("en-GB", "zh-CN", EN_US),
        (None, "zh-CN,zh;q=0.9,en;q=0.8", ZH_CN),
        ("fr-FR", "fr, zh-TW;q=0.8", ZH_CN),  # a language the console does not speak: the next one it does
        ("de-DE", "de", EN_US),  # nothing spoken here: the console's default
        (None, None, EN_US),
    ],
)
def test_a_first_visit_takes_the_browsers_language(
    monkeypatch: pytest.MonkeyPatch, locale: str | None, accept_language: str | None, expected: str
) -> None:
    monkeypatch.delenv("MAILCONSOLE_LANGUAGE", raising=False)
    assert browser_language(locale, accept_language) == expected


def test_a_hosted_console_can_be_fixed_to_one_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAILCONSOLE_LANGUAGE", raising=False)
    assert fixed_console_language() is None
    monkeypatch.setenv("MAILCONSOLE_LANGUAGE", "zh_CN")
    assert fixed_console_language() == ZH_CN
    assert console_language() == ZH_CN
    # A browser that says nothing then gets the fixed language too.
    assert browser_language(None, None) == ZH_CN
    monkeypatch.setenv("MAILCONSOLE_LANGUAGE", "klingon")
    with pytest.raises(ValueError, match="MAILCONSOLE_LANGUAGE: 'klingon' is not a language this service speaks"):
        fixed_console_language()


def test_each_language_writes_a_moment_its_own_way() -> None:
    at = datetime(2026, 12, 3, 13, 20, 5, tzinfo=UTC)
    assert formatted_time(at, ZH_CN) == "2026年12月3日 13:20:05"
    assert formatted_time(at, EN_US).replace("\u202f", " ") == "Dec 3, 2026, 1:20:05 PM"
    # In the zone the moment is given in (the page converts to the browser's zone first).
    shanghai = at.astimezone(timezone(timedelta(hours=8)))
    assert formatted_time(shanghai, ZH_CN) == "2026年12月3日 21:20:05"
