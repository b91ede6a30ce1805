"""Test sends: pick a channel and a recipient, send through the application's send-email call, honour the
once-a-minute rule with a countdown, and keep a log of this session's sends.

The log and the countdown deadlines live in ``st.session_state`` (this browser session only).
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from components.email_preview import plain
from components.feedback import explain
from mailconsole import MailConsoleError, ThrottledError
from mailconsole.addresses import mailbox_key, normalize_email
from mailconsole.catalog import CHANNELS, TEMPLATE_TITLES
from mailconsole.console.session import SEND_DEADLINES_KEY, SENDS_KEY, Connection
from mailconsole.models import Channel

LAST_RESULT_KEY = "send.last"
DEFAULT_WAIT = 60  # seconds: the platform's rule when a refusal does not say how long


def record_send(tenant: str, channel: str, to: str, result: str) -> None:
    sends: list[dict[str, Any]] = st.session_state.setdefault(SENDS_KEY, [])
    sends.append({"tenant": tenant, "time": datetime.now(), "channel": channel, "to": to, "result": result})


def session_sends(tenant: str) -> list[dict[str, Any]]:
    """This session's sends to ``tenant``, newest first."""
    return [send for send in reversed(st.session_state.get(SENDS_KEY, [])) if send["tenant"] == tenant]


def sends_table(tenant: str, *, limit: int | None = None) -> None:
    sends = session_sends(tenant)[:limit]
    if not sends:
        st.caption("No test sends in this session yet.")
        return
    frame = pd.DataFrame(
        [
            {
                "Time": send["time"].strftime("%H:%M:%S"),
                "Channel": send["channel"],
                "To": send["to"],
                "Result": send["result"],
            }
            for send in sends
        ]
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _deadline_key(tenant: str, channel: str, mailbox: str) -> str:
    return f"{tenant}|{channel}|{mailbox}"


def remember_refusal(tenant: str, channel: str, mailbox: str, retry_after: int | None) -> None:
    deadlines: dict[str, float] = st.session_state.setdefault(SEND_DEADLINES_KEY, {})
    deadlines[_deadline_key(tenant, channel, mailbox)] = time.time() + (retry_after or DEFAULT_WAIT)


def seconds_left(tenant: str, channel: str, mailbox: str) -> int:
    """Seconds until the backend lets this mailbox and channel be tried again (0: now)."""
    deadline = st.session_state.get(SEND_DEADLINES_KEY, {}).get(_deadline_key(tenant, channel, mailbox))
    return max(0, math.ceil(deadline - time.time())) if deadline else 0


def countdown(tenant: str, channel: str, mailbox: str) -> None:
    """The seconds left, ticking every second while there are any."""
    if seconds_left(tenant, channel, mailbox) <= 0:
        return

    @st.fragment(run_every=1)
    def tick() -> None:
        left = seconds_left(tenant, channel, mailbox)
        if left > 0:
            st.warning(
                f"Once a minute per mailbox and channel: {channel} to {plain(mailbox)} can be tried again in {left} s.",
                icon=":material/timer:",
            )
        else:
            st.rerun()  # the whole page, so that the Send button is enabled again

    tick()


def _channel_label(channel: Channel) -> str:
    return f"{channel.value} — {CHANNELS[channel].description}"


def send_form(connection: Connection) -> None:
    client = connection.authentication
    tenant = connection.tenant.name
    if client is None:
        st.info(
            "Test sends go through the application's send-email call, which needs the application id: set app_id "
            "(MAILCONSOLE_APP_ID) and app_host for this tenant.",
            icon=":material/info:",
        )
        return
    channel: Channel = st.selectbox("Channel", options=list(CHANNELS), format_func=_channel_label, key="send.channel")
    template = CHANNELS[channel].template
    st.caption(
        f"Uses the template “{TEMPLATE_TITLES[template]}” (`{template.value}`)."
        if template
        else "Uses a built-in mail of its own (account deletion has no public template type)."
    )
    typed = st.text_input("Recipient", key="send.to", placeholder="someone@example.com")
    address = mailbox = None
    address_error = None
    if typed.strip():
        try:
            address = normalize_email(typed)
            mailbox = mailbox_key(address)
        except ValueError as err:
            address_error = f"{str(err)[:1].upper()}{str(err)[1:]}."
            st.error(address_error, icon=":material/alternate_email:")
    left = seconds_left(tenant, channel.value, mailbox) if mailbox else 0
    send = st.button("Send test mail", key="send.button", type="primary", icon=":material/send:", disabled=left > 0)

    if send:
        if not typed.strip():
            st.error("Type the recipient's address; nothing was sent.", icon=":material/alternate_email:")
        elif address is None or mailbox is None:
            st.error("Nothing was sent: correct the address first.", icon=":material/alternate_email:")
        else:
            _send(client, tenant, channel, address, mailbox)
            st.rerun()

    last: dict[str, str] | None = st.session_state.get(LAST_RESULT_KEY)
    if last:
        {"success": st.success, "throttled": st.warning, "error": st.error}[last["kind"]](last["message"])
    if mailbox:
        countdown(tenant, channel.value, mailbox)

    st.subheader("Sent in this session")
    sends_table(tenant)


def _send(client: Any, tenant: str, channel: Channel, address: str, mailbox: str) -> None:
    try:
        with st.spinner(f"Sending {channel.value} to {address}…"):
            client.send_email(channel, address)
    except ThrottledError as err:
        remember_refusal(tenant, channel.value, mailbox, err.retry_after)
        record_send(tenant, channel.value, address, "Refused: once a minute")
        message = err.message.rstrip(".")
        st.session_state[LAST_RESULT_KEY] = {"kind": "throttled", "message": f"Not sent: {message}."}
    except MailConsoleError as err:
        record_send(tenant, channel.value, address, f"Failed: {getattr(err, 'message', str(err))}")
        st.session_state[LAST_RESULT_KEY] = {"kind": "error", "message": explain(err)}
    else:
        record_send(tenant, channel.value, address, "Sent")
        st.session_state[LAST_RESULT_KEY] = {
            "kind": "success",
            "message": f"Sent a {channel.value} mail to {plain(address)}.",
        }
