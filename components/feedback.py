"""How the console waits on the backend and reports the outcome: a spinner while it waits, a short confirmation on
success, and on failure one sentence that says what went wrong plus a hint of what to do, never a traceback.

``explain`` is the single place that turns the client's typed errors into words; the entry file catches every
``MailConsoleError`` a page lets through and shows it with ``show_error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from mailconsole import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    MailConsoleError,
    NotFoundError,
    ProviderError,
    ThrottledError,
    UnauthorizedError,
)
from mailconsole.console.markdown import inert

T = TypeVar("T")

_FLASH_KEY = "mc.flash"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "。")) else f"{text}."


def _request_id(err: APIError) -> str:
    return f" (requestId {err.request_id})" if err.request_id else ""


def explain(err: MailConsoleError) -> str:
    """One sentence about what went wrong, then a hint about what to do, as Markdown: what the backend said (which
    may quote a mail server) is escaped, so it shows as plain text and never as an image or a link."""
    if isinstance(err, APITimeoutError):
        return (
            f"The email backend at {inert(err.host)} did not answer in time. "
            "Check that it is running and reachable from the console, then try again."
        )
    if isinstance(err, APIConnectionError):
        return (
            f"The console could not reach the email backend at {inert(err.host)} ({inert(err.reason)}). "
            "Start the backend or correct its API host (MAILCONSOLE_API_HOST or the tenant's api_host), then reload."
        )
    if not isinstance(err, APIError):
        return inert(_sentence(str(err))) + " Try again, or reload the page."
    message = inert(err.message.strip().rstrip("."))
    rid = _request_id(err)
    if isinstance(err, UnauthorizedError):
        return (
            f"The backend refused the console's credentials: {message}{rid}. "
            "Check the user pool id and secret (or the token) configured for this tenant."
        )
    if isinstance(err, ForbiddenError):
        return (
            f"The backend does not allow this tenant to do that: {message}{rid}. "
            "Check that the credentials belong to this user pool."
        )
    if isinstance(err, ThrottledError):
        wait = f"Wait {err.retry_after} seconds" if err.retry_after else "Wait a moment"
        return f"The backend refused for now: {message}{rid}. {wait} and try again."
    if isinstance(err, ConflictError):
        return (
            f"Someone else changed this since you loaded it: {message}{rid}. "
            "Reload it to see their change, then make yours again."
        )
    if isinstance(err, NotFoundError):
        return (
            f"The backend does not offer this: {message}{rid}. "
            "It may be another kind of backend; check the tenant's API host."
        )
    if isinstance(err, InvalidArgumentError):
        return f"The backend refused the request: {message}{rid}. Correct the value it names and try again."
    if isinstance(err, ProviderError):
        return (
            f"The mail provider failed: {message}{rid}. "
            "Check the provider settings, or switch the provider off to use the built-in mail service."
        )
    return f"The backend failed: {message}{rid}. Try again; if it keeps failing, give the requestId to its operator."


def show_error(err: MailConsoleError) -> None:
    st.error(explain(err), icon=":material/error:")


def call(doing: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a backend call under a spinner; errors propagate (the entry file shows them in one sentence)."""
    with st.spinner(f"{doing}…"):
        return function(*args, **kwargs)


def attempt(doing: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run a backend call under a spinner; on failure show the error right here and return None.

    For actions (save, send, test): the page goes on, and every keyed widget keeps what the administrator typed.
    (``call`` is for reads the page cannot go on without: its errors reach the entry file.)
    """
    try:
        with st.spinner(f"{doing}…"):
            return function(*args, **kwargs)
    except MailConsoleError as err:
        show_error(err)
        return None


def flash(message: str) -> None:
    """A confirmation to show after the rerun that follows a successful action."""
    st.session_state[_FLASH_KEY] = message


def show_flash() -> None:
    """The confirmation of the last action, in a slot that is there on every run: elements that come and go shift
    the ones after them, and a custom component that moves is mounted afresh (the Ace editor would lose its text)."""
    slot = st.empty()
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.toast(message, icon=":material/check_circle:")
        slot.success(message, icon=":material/check_circle:")
