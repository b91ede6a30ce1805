"""How the console waits on the backend and reports the outcome: a spinner while it waits, a short confirmation on
success, and on failure one sentence that says what went wrong plus a hint of what to do, never a traceback.

``explain`` is the single place that turns the client's typed errors into words; the entry file catches every
``MailConsoleError`` a page lets through and shows it with ``show_error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from components.language import _, say
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
    return _(" (requestId {id})", id=err.request_id) if err.request_id else ""


def explain(err: MailConsoleError) -> str:
    """One sentence about what went wrong, then a hint about what to do, as Markdown, in the session's language:
    what the backend said (which may quote a mail server; already in the language the client asked for) is escaped,
    so it shows as plain text and never as an image or a link."""
    if isinstance(err, APITimeoutError):
        return _(
            "The email backend at {host} did not answer in time. "
            "Check that it is running and reachable from the console, then try again.",
            host=inert(err.host),
        )
    if isinstance(err, APIConnectionError):
        return _(
            "The console could not reach the email backend at {host} ({reason}). "
            "Start the backend or correct its API host (MAILCONSOLE_API_HOST or the tenant's api_host), then reload.",
            host=inert(err.host),
            reason=inert(say(err.reason_text)),
        )
    if not isinstance(err, APIError):
        return _("{problem} Try again, or reload the page.", problem=inert(_sentence(say(err))))
    params = {"message": inert(say(err.text).strip().rstrip(".。")), "request_id": _request_id(err)}
    if isinstance(err, UnauthorizedError):
        return _(
            "The backend refused the console's credentials: {message}{request_id}. "
            "Check the user pool id and secret (or the token) configured for this tenant.",
            **params,
        )
    if isinstance(err, ForbiddenError):
        return _(
            "The backend does not allow this tenant to do that: {message}{request_id}. "
            "Check that the credentials belong to this user pool.",
            **params,
        )
    if isinstance(err, ThrottledError):
        if err.retry_after:
            return _(
                "The backend refused for now: {message}{request_id}. Wait {seconds} seconds and try again.",
                seconds=err.retry_after,
                **params,
            )
        return _("The backend refused for now: {message}{request_id}. Wait a moment and try again.", **params)
    if isinstance(err, ConflictError):
        return _(
            "Someone else changed this since you loaded it: {message}{request_id}. "
            "Reload it to see their change, then make yours again.",
            **params,
        )
    if isinstance(err, NotFoundError):
        return _(
            "The backend does not offer this: {message}{request_id}. "
            "It may be another kind of backend; check the tenant's API host.",
            **params,
        )
    if isinstance(err, InvalidArgumentError):
        return _(
            "The backend refused the request: {message}{request_id}. Correct the value it names and try again.",
            **params,
        )
    if isinstance(err, ProviderError):
        return _(
            "The mail provider failed: {message}{request_id}. "
            "Check the provider settings, or switch the provider off to use the built-in mail service.",
            **params,
        )
    return _(
        "The backend failed: {message}{request_id}. "
        "Try again; if it keeps failing, give the requestId to its operator.",
        **params,
    )


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
