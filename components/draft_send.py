"""'Send this draft to…' in the template editor: the template as it is in the editor, unsaved, sent as a real send
of its type would be (the backend's send-draft), to the signed-in admin's mailbox unless another is typed. The
result shows as on the test-send page: who delivered it, or the once-a-minute countdown."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.feedback import explain
from components.language import _, say
from components.send_log import countdown, send_log
from components.sign_in import current_admin_email
from mailconsole import MailConsoleError, ThrottledError
from mailconsole.addresses import mailbox_key, normalize_email
from mailconsole.catalog import draft_slot
from mailconsole.console.drafts import Draft
from mailconsole.console.markdown import plain
from mailconsole.console.records import without_wait
from mailconsole.console.session import Connection
from mailconsole.models import DRAFT_CHANNEL, Extension


def draft_send(connection: Connection, draft: Draft, context: dict[str, Any], *, broken: bool) -> None:
    """The form in an expander; ``broken``: the draft does not compile (nothing to send until it does)."""
    kind = draft.template_type.value
    with st.expander(_("Send this draft to…"), icon=":material/forward_to_inbox:"):
        if connection.management is None or Extension.SEND_DRAFT not in connection.extensions():
            st.caption(
                _(
                    "This backend cannot send an unsaved template (only the embedded mailconsole service can): save "
                    "it, then use Test sends."
                )
            )
            return
        to_key, last_key = f"draft_send.{kind}.to", f"draft_send.{kind}.last"
        if to_key not in st.session_state:  # first time: to the administrator's own mailbox
            st.session_state[to_key] = current_admin_email() or ""
        with st.form(f"draft_send.{kind}.form", border=False, enter_to_submit=True):
            typed = st.text_input(_("Recipient"), key=to_key, placeholder="you@example.com")
            with_sample = st.checkbox(
                _("Fill it with the preview's sample context"),
                key=f"draft_send.{kind}.sample",
                help=_(
                    "Off, the mail gets what a real send puts in: a fresh code, the recipient's address, your "
                    "application's name. On, the values of the sample context replace them."
                ),
            )
            pressed = st.form_submit_button(
                _("Send this draft"), key=f"draft_send.{kind}.button", icon=":material/send:", disabled=broken
            )
        mailbox = _send(connection, draft, typed, context if with_sample else None, last_key) if pressed else None
        last: dict[str, str] | None = st.session_state.get(last_key)
        if last:
            {"success": st.success, "throttled": st.warning, "error": st.error}[last["kind"]](last["message"])
        if mailbox is None and typed.strip():
            try:
                mailbox = mailbox_key(normalize_email(typed))
            except ValueError:
                mailbox = None
        if mailbox:
            countdown(connection.tenant.name, draft_slot(draft.template_type), mailbox)
        if broken:
            st.caption(_("Fix the template error first: a draft that does not compile cannot be sent."))


def _send(
    connection: Connection, draft: Draft, typed: str, profile: dict[str, Any] | None, last_key: str
) -> str | None:
    """Send, and keep the result for this and the next runs; returns the mailbox, None when the address is wrong."""
    management = connection.management
    assert management is not None
    try:
        address = normalize_email(typed)
    except ValueError as err:
        st.session_state[last_key] = {
            "kind": "error",
            "message": _("Nothing was sent: {error}.", error=plain(say(err))),
        }
        return None
    tenant, slot, mailbox = connection.tenant.name, draft_slot(draft.template_type), mailbox_key(address)
    if send_log().seconds_left(tenant, slot, mailbox) > 0:
        return mailbox  # the countdown says when
    try:
        with st.spinner(_("Sending the draft to {address}…", address=address)):
            reply = management.send_draft(
                type=draft.template_type, email=address, context=profile, **draft.saved_fields()
            )
    except ThrottledError as err:
        send_log().refused(tenant, slot, mailbox, err.retry_after)
        send_log().record(tenant, DRAFT_CHANNEL, address, "Refused: once a minute")
        message = without_wait(err.message).rstrip(".")
        st.session_state[last_key] = {"kind": "throttled", "message": _("Not sent: {reason}.", reason=plain(message))}
    except MailConsoleError as err:
        send_log().record(tenant, DRAFT_CHANNEL, address, f"Failed: {getattr(err, 'message', str(err))}")
        st.session_state[last_key] = {"kind": "error", "message": explain(err)}
    else:
        send_log().record(tenant, DRAFT_CHANNEL, address, "Sent")
        st.session_state[last_key] = {
            "kind": "success",
            "message": _(
                "Sent the draft “{subject}” to {address}, delivered by {provider}. Nothing was saved.",
                subject=plain(reply.subject),
                address=plain(address),
                provider=plain(reply.delivered_by),
            ),
        }
    return mailbox
