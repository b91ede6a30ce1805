"""The time zone of this session's browser, in which every page shows times (UTC beside them or on hover)."""

from __future__ import annotations

from datetime import tzinfo

import streamlit as st

from mailconsole.console.records import browser_zone


def session_zone() -> tzinfo:
    """The browser's zone (``st.context.timezone``); UTC where there is no browser, such as under AppTest."""
    return browser_zone(st.context.timezone)
