"""The outbox of the embedded service's built-in mail service: the list, and one mail opened (its HTML sandboxed,
its text part, its headers parsed from the raw message, and the raw source)."""

from __future__ import annotations

from email import policy
from email.parser import Parser

import streamlit as st

from components.email_preview import show_mail
from components.feedback import call
from components.language import _, say
from components.times import local_moment, session_zone, utc_moment
from mailconsole.console.markdown import plain
from mailconsole.console.records import parse_utc, time_column, zone_label
from mailconsole.console.session import Connection
from mailconsole.models import Extension, OutboxMessage

LIMIT = 100


def parse_headers(raw: str) -> list[tuple[str, str]]:
    """The headers of a raw message, decoded (RFC 2047 words become text), in their order."""
    message = Parser(policy=policy.default).parsestr(raw, headersonly=True)
    return [(name, str(value)) for name, value in message.items()]


def outbox_view(connection: Connection) -> None:
    if Extension.OUTBOX not in connection.extensions():
        st.info(
            _(
                "This backend keeps no outbox: only the embedded mailconsole service shows the mails its built-in "
                "service delivered."
            ),
            icon=":material/info:",
        )
        return
    assert connection.management is not None
    st.button(_("Refresh"), key="outbox.refresh", icon=":material/refresh:")
    messages = call(_("Reading the outbox"), connection.management.list_outbox, limit=LIMIT)
    if not messages:
        st.info(
            _("No mail yet. The built-in service delivers here while no provider is switched on; send a test mail."),
            icon=":material/inbox:",
        )
        return
    times = {message.id: local_moment(parse_utc(message.created_at)) for message in messages}
    time, channel, to, subject = say(time_column(session_zone())), _("Channel"), _("To"), _("Subject")
    rows = [
        {time: times[message.id], channel: message.channel or "", to: message.to, subject: message.subject}
        for message in messages
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={time: st.column_config.TextColumn(help=_("In your browser's time zone."))},
    )
    ids = [message.id for message in messages]
    by_id = {message.id: message for message in messages}
    if st.session_state.get("outbox.open") not in by_id:
        st.session_state["outbox.open"] = ids[0]
    chosen = st.selectbox(
        _("Open a mail"),
        options=ids,
        format_func=lambda item: f"{times[item]} · {by_id[item].to} · {by_id[item].subject}",
        key="outbox.open",
    )
    show_outbox_mail(by_id[chosen])


def show_outbox_mail(message: OutboxMessage) -> None:
    """One mail of the outbox: subject, to and when, then its HTML (sandboxed), text, headers and raw source."""
    at = parse_utc(message.created_at)
    # Every string here comes from the backend: plain text, never Markdown (a subject ![t](http://host/pixel.png)
    # would make the console fetch that image).
    st.markdown(f"**{plain(message.subject)}**")
    st.caption(
        _(
            "To {to} · {channel} · {moment} ({zone})",
            to=plain(message.to),
            channel=plain(message.channel) if message.channel else _("no channel"),
            moment=local_moment(at),
            zone=zone_label(session_zone()),
        ),
        help=_("Delivered at {moment}.", moment=utc_moment(at)),
    )
    html_tab, text_tab, headers_tab, raw_tab = st.tabs(["HTML", _("Text"), _("Headers"), _("Raw source")])
    with html_tab:
        mobile = st.toggle(_("Mobile width (375 px)"), key="outbox.mobile")
        show_mail(message.html, key=f"outbox.{message.id}", mobile=mobile, height=560)
    with text_tab:
        st.code(message.text, language="text", wrap_lines=True)
    with headers_tab:
        # A data frame, not st.table: st.table renders Markdown in its cells.
        headers = [{_("Header"): name, _("Value"): value} for name, value in parse_headers(message.raw)]
        st.dataframe(headers, hide_index=True)
    with raw_tab:
        st.code(message.raw, language="text")
