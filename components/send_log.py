"""Test sends: pick a channel and a recipient, send through the application's send-email call, honour the
once-a-minute rule with a countdown, and keep a log of this session's sends.

The log and the countdown deadlines are this browser session's ``SendLog`` (``mailconsole.console.records``).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.feedback import explain
from components.sign_in import current_admin_email
from components.times import session_zone
from mailconsole import MailConsoleError, ThrottledError
from mailconsole.addresses import mailbox_key, normalize_email
from mailconsole.catalog import CHANNELS, TEMPLATE_TITLES
from mailconsole.console.markdown import plain
from mailconsole.console.provider_form import describe_provider
from mailconsole.console.records import SendLog, shown_time, without_wait, zone_label
from mailconsole.console.session import SENDS_KEY, Connection
from mailconsole.models import Channel

LAST_RESULT_KEY = "send.last"


def send_log() -> SendLog:
    """This session's log of test sends (kept across tenants: it is by tenant)."""
    log: SendLog = st.session_state.setdefault(SENDS_KEY, SendLog())
    return log


def sends_table(tenant: str, *, limit: int | None = None) -> None:
    sends = send_log().of(tenant)[:limit]
    if not sends:
        st.caption("No test sends in this session yet.")
        return
    zone = session_zone()
    rows = [
        {"Time": shown_time(send.at, zone)[-8:], "Channel": send.channel, "To": send.to, "Result": send.result}
        for send in sends
    ]
    help_ = f"In your browser's time zone ({zone_label(zone)})."
    st.dataframe(
        rows, hide_index=True, width="stretch", column_config={"Time": st.column_config.TextColumn(help=help_)}
    )


def countdown(tenant: str, channel: str, mailbox: str) -> None:
    """The seconds left, ticking every second while there are any."""
    if send_log().seconds_left(tenant, channel, mailbox) <= 0:
        return

    @st.fragment(run_every=1)
    def tick() -> None:
        left = send_log().seconds_left(tenant, channel, mailbox)
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
    if "send.to" not in st.session_state:  # first visit: to the administrator's own mailbox
        st.session_state["send.to"] = current_admin_email() or ""
    with st.form("send.form", border=False, enter_to_submit=True):  # Enter in the recipient field sends
        typed = st.text_input("Recipient", key="send.to", placeholder="someone@example.com")
        address = mailbox = None
        if typed.strip():
            try:
                address = normalize_email(typed)
                mailbox = mailbox_key(address)
            except ValueError as err:
                st.error(f"{str(err)[:1].upper()}{str(err)[1:]}.", icon=":material/alternate_email:")
        # Never disabled: a form learns a newly typed address only when it is submitted, so a button disabled for
        # the refused one would lock the form; a send within the countdown is not attempted instead.
        send = st.form_submit_button("Send test mail", key="send.button", type="primary", icon=":material/send:")

    if send:
        if not typed.strip():
            st.error("Type the recipient's address; nothing was sent.", icon=":material/alternate_email:")
        elif address is None or mailbox is None:
            st.error("Nothing was sent: correct the address first.", icon=":material/alternate_email:")
        elif send_log().seconds_left(tenant, channel.value, mailbox) > 0:
            pass  # the countdown below says when
        else:
            _send(connection, client, channel, address, mailbox)
            st.rerun()

    last: dict[str, str] | None = st.session_state.get(LAST_RESULT_KEY)
    if last:
        {"success": st.success, "throttled": st.warning, "error": st.error}[last["kind"]](last["message"])
    if mailbox:
        countdown(tenant, channel.value, mailbox)

    st.subheader("Sent in this session")
    sends_table(tenant)


def _send(connection: Connection, client: Any, channel: Channel, address: str, mailbox: str) -> None:
    tenant = connection.tenant.name
    try:
        with st.spinner(f"Sending {channel.value} to {address}…"):
            delivered_by = client.send_email(channel, address)
    except ThrottledError as err:
        send_log().refused(tenant, channel.value, mailbox, err.retry_after)
        send_log().record(tenant, channel.value, address, "Refused: once a minute")
        # The countdown below says how long, and keeps saying it as the seconds pass.
        message = without_wait(err.message).rstrip(".")
        st.session_state[LAST_RESULT_KEY] = {"kind": "throttled", "message": f"Not sent: {message}."}
    except MailConsoleError as err:
        send_log().record(tenant, channel.value, address, f"Failed: {getattr(err, 'message', str(err))}")
        st.session_state[LAST_RESULT_KEY] = {"kind": "error", "message": explain(err)}
    else:
        send_log().record(tenant, channel.value, address, "Sent")
        st.session_state[LAST_RESULT_KEY] = {
            "kind": "success",
            "message": f"Sent a {channel.value} mail to {plain(address)}{_delivered_by(connection, delivered_by)}",
        }


def _delivered_by(connection: Connection, delivered_by: str | None) -> str:
    """Who delivered, as the backend says it (the embedded service does); else what the stored settings say."""
    if delivered_by:
        return f", delivered by {plain(delivered_by)}."
    if connection.management is None:
        return "."
    try:
        provider = connection.management.get_email_provider()
    except MailConsoleError:
        return "."
    return f". By the stored provider settings: {describe_provider(provider)}"
