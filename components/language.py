"""The session's language (zh-CN or en-US) and the console's words in it.

Every string a page shows goes through ``_("English sentence", name=value)``: the msgid is the English, looked up
in the catalog (``mailconsole/locales``, extracted from the code by ``scripts/update_catalogs.sh``) in the session's
language. The library marks its sentences with ``localized(...)`` (a ``Text``); ``say(text)`` puts those into the
session's language.

The language: ``MAILCONSOLE_LANGUAGE`` fixes it for a hosted console; otherwise the browser's on the first visit
(``st.context.locale``, else Accept-Language), then whatever the sidebar's switch chose for this session.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import streamlit as st

from mailconsole.console.session import LANGUAGE_KEY
from mailconsole.i18n import (
    LANGUAGES,
    Language,
    Text,
    browser_language,
    fixed_console_language,
    formatted_time,
    gettext,
    translated,
)

# How each language names itself in the switch (never translated: a reader of the other one must find it).
LANGUAGE_NAMES: dict[Language, str] = {"zh-CN": "中文", "en-US": "English"}


# The language of the script run on this thread, set by choose_language: a page asks for it hundreds of times per
# run, and reading the session state each time cost 4 µs (about 3 ms, or 10%, of a rerun of the templates page).
# A run's thread serves one session; a thread that has not run choose_language (a callback, a fragment on a new
# thread) reads the session state.
_this_run = threading.local()


def session_language() -> Language:
    """The language of this session's pages (the console's default before ``choose_language`` ran)."""
    language: Language | None = getattr(_this_run, "language", None) or st.session_state.get(LANGUAGE_KEY)
    return language or fixed_console_language() or browser_language(None)


def choose_language() -> Language:
    """For the entry file, first thing: settle this session's language, and offer the switch in the sidebar unless
    ``MAILCONSOLE_LANGUAGE`` fixes it."""
    _this_run.language = None  # until settled below: the session state's
    fixed = fixed_console_language()
    if fixed is not None:
        st.session_state[LANGUAGE_KEY] = fixed
        _this_run.language = fixed
        return fixed
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = browser_language(st.context.locale, st.context.headers.get("accept-language"))
    with st.sidebar:
        st.segmented_control(
            _("Language"),
            options=LANGUAGES,
            format_func=LANGUAGE_NAMES.__getitem__,
            key=LANGUAGE_KEY,
            label_visibility="collapsed",
            # Never empty: clicking the chosen language again would otherwise unselect it.
            on_change=_keep_a_language,
            args=(st.session_state[LANGUAGE_KEY],),
        )
    language = session_language()
    _this_run.language = language
    return language


def _keep_a_language(previous: Language) -> None:
    if st.session_state.get(LANGUAGE_KEY) is None:
        st.session_state[LANGUAGE_KEY] = previous


def _(msgid: str, /, **params: Any) -> str:
    """``msgid`` in the session's language, its ``{name}`` placeholders filled with ``params`` (which may be
    ``Text`` values themselves)."""
    language = session_language()
    # Without values a msgid is not formatted, so a sentence that quotes a template's {{ }} stays as written.
    return Text(msgid, params).in_language(language) if params else gettext(language, msgid)


def say(value: object) -> str:
    """A library sentence (``Text``, ``LocalizedValueError``) in the session's language; anything else as str()."""
    return translated(value, session_language())


def shown_moment(at: datetime) -> str:
    """A moment (already in the zone to show) as the session's language writes it."""
    return formatted_time(at, session_language())
