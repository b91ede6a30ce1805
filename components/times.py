"""The time zone of this session's browser, in which every page shows times (UTC beside them or on hover), and
moments written as the session's language writes them."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

import streamlit as st

from components.language import shown_moment
from mailconsole.console.records import browser_zone


def session_zone() -> tzinfo:
    """The browser's zone (``st.context.timezone``); UTC where there is no browser, such as under AppTest."""
    return browser_zone(st.context.timezone)


def local_moment(at: datetime) -> str:
    """``at`` in the browser's zone, as the session's language writes it (``2026年12月3日 13:20:05``)."""
    return shown_moment(at.astimezone(session_zone()))


def utc_moment(at: datetime) -> str:
    """``at`` in UTC, as the session's language writes it, for a hover beside a time in the browser's zone."""
    return f"{shown_moment(at.astimezone(UTC))} UTC"
