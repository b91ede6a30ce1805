"""Test sends: pick a channel and a recipient, send through the application's send-email call, honour the
once-a-minute rule with a countdown, and keep a log of this session's sends.

The log and the countdown deadlines are this browser session's ``SendLog`` (``mailconsole.console.records``).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import streamlit as st

from components.feedback import explain
from components.language import _, say
from components.sign_in import current_admin_email
from components.times import session_zone
from mailconsole import MailConsoleError, ThrottledError
from mailconsole.addresses import mailbox_key, normalize_email
from mailconsole.catalog import CHANNELS, TEMPLATE_TITLES
from mailconsole.console.markdown import plain
from mailconsole.console.provider_form import describe_provider
from mailconsole.console.records import SendLog, shown_time, without_wait, zone_label
from mailconsole.console.session import SENDS_KEY, Connection
from mailconsole.i18n import localized
from mailconsole.models import Channel

LAST_RESULT_KEY = "send.last"


def send_log() -> SendLog:
    """This session's log of test sends (kept across tenants: it is by tenant)."""
    log: SendLog = st.session_state.setdefault(SENDS_KEY, SendLog())
    return log


def sends_table(tenant: str, *, limit: int | None = None) -> None:
    sends = send_log().of(tenant)[:limit]
    if not sends:
        st.caption(_("No test sends in this session yet."))
        return
    zone = session_zone()
    time, channel, to, result = _("Time"), _("Channel"), _("To"), _("Result")
    rows = [
        {time: shown_time(send.at, zone)[-8:], channel: send.channel, to: send.to, result: say(send.result)}
        for send in sends
    ]
    help_ = _("In your browser's time zone ({zone}).", zone=zone_label(zone))
    st.dataframe(rows, hide_index=True, width="stretch", column_config={time: st.column_config.TextColumn(help=help_)})


def countdown(tenant: str, channel: str, mailbox: str) -> None:
    """The seconds left, ticking every second while there are any."""
    if send_log().seconds_left(tenant, channel, mailbox) <= 0:
        return

    @st.fragment(run_every=1)
    def tick() -> None:
        left = send_log().seconds_left(tenant, channel, mailbox)
        if left > 0:
            st.warning(
                _(
                    "Once a minute per mailbox and channel: {channel} to {mailbox} can be tried again in {seconds} s.",
                    channel=channel,
                    mailbox=plain(mailbox),
                    seconds=left,
                ),
                icon=":material/timer:",
            )
        else:
            st.rerun()  # the whole page, so that the Send button is enabled again

    tick()


def _channel_labels() -> dict[Channel, str]:
    # Words fixed when the widget is made: AppTest calls a format_func outside the page's run, where the session's
    # language cannot be read.
    return {channel: f"{channel.value} — {say(info.description)}" for channel, info in CHANNELS.items()}


def send_form(connection: Connection) -> None:
    client = connection.authentication
    tenant = connection.tenant.name
    if client is None:
        st.info(
            _(
                "Test sends go through the application's send-email call, which needs the application id: set app_id "
                "(MAILCONSOLE_APP_ID) and app_host for this tenant."
            ),
            icon=":material/info:",
        )
        return
    channel: Channel = st.selectbox(
        _("Channel"), options=list(CHANNELS), format_func=_channel_labels().__getitem__, key="send.channel"
    )
    template = CHANNELS[channel].template
    st.caption(
        _("Uses the template “{title}” (`{type}`).", title=TEMPLATE_TITLES[template], type=template.value)
        if template
        else _("Uses a built-in mail of its own (account deletion has no public template type).")
    )
    if "send.to" not in st.session_state:  # first visit: to the administrator's own mailbox
        st.session_state["send.to"] = current_admin_email() or ""
    with st.form("send.form", border=False, enter_to_submit=True):  # Enter in the recipient field sends
        typed = st.text_input(_("Recipient"), key="send.to", placeholder="someone@example.com")
        address = mailbox = None
        if typed.strip():
            try:
                address = normalize_email(typed)
                mailbox = mailbox_key(address)
            except ValueError as err:
                problem = say(err)
                st.error(_("{problem}.", problem=problem[:1].upper() + problem[1:]), icon=":material/alternate_email:")
        # Never disabled: a form learns a newly typed address only when it is submitted, so a button disabled for
        # the refused one would lock the form; a send within the countdown is not attempted instead.
        send = st.form_submit_button(_("Send test mail"), key="send.button", type="primary", icon=":material/send:")

    if send:
        if not typed.strip():
            st.error(_("Type the recipient's address; nothing was sent."), icon=":material/alternate_email:")
        elif address is None or mailbox is None:
            st.error(_("Nothing was sent: correct the address first."), icon=":material/alternate_email:")
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

    st.subheader(_("Sent in this session"))
    sends_table(tenant)


def _send(connection: Connection, client: Any, channel: Channel, address: str, mailbox: str) -> None:
    tenant = connection.tenant.name
    try:
        with st.spinner(_("Sending {channel} to {address}…", channel=channel.value, address=address)):
            delivered_by = client.send_email(channel, address)
    except ThrottledError as err:
        send_log().refused(tenant, channel.value, mailbox, err.retry_after)
        send_log().record(tenant, channel.value, address, localized("Refused: once a minute"))
        # The countdown below says how long, and keeps saying it as the seconds pass.
        message = without_wait(err.message).rstrip(".。")
        st.session_state[LAST_RESULT_KEY] = {"kind": "throttled", "message": _("Not sent: {reason}.", reason=message)}
    except MailConsoleError as err:
        # The client's own sentence stays a Text (said in the language the log is shown in); a backend's is a str.
        reason = getattr(err, "text", str(err))
        send_log().record(tenant, channel.value, address, localized("Failed: {reason}", reason=reason))
        st.session_state[LAST_RESULT_KEY] = {"kind": "error", "message": explain(err)}
    else:
        send_log().record(tenant, channel.value, address, localized("Sent"))
        st.session_state[LAST_RESULT_KEY] = {
            "kind": "success",
            "message": _sent(connection, channel, address, delivered_by),
        }


def _sent(connection: Connection, channel: Channel, address: str, delivered_by: str | None) -> str:
    """The confirmation, with who delivered as the backend says it (the embedded service does); else what the stored
    settings say."""
    mail = {"channel": channel.value, "address": plain(address)}
    if delivered_by:
        return _(
            "Sent a {channel} mail to {address}, delivered by {delivered_by}.", delivered_by=plain(delivered_by), **mail
        )
    provider = None
    if connection.management is not None:
        with suppress(MailConsoleError):  # the confirmation goes without the settings
            provider = connection.management.get_email_provider()
    if provider is None:
        return _("Sent a {channel} mail to {address}.", **mail)
    return _(
        "Sent a {channel} mail to {address}. By the stored provider settings: {provider}",
        provider=describe_provider(provider),
        **mail,
    )
