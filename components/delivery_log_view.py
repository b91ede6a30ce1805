"""The delivery log of the backend (embedded service, extension ``deliveries``): every mail it sent or tried to
send, newest first, filterable by recipient, channel and result; one opened with what the provider said and, for a
mail of the built-in mail service, its content from the outbox."""

from __future__ import annotations

from collections.abc import Callable
from email import policy
from email.parser import Parser

import streamlit as st

from components.feedback import call
from components.language import _, say
from components.outbox_view import show_outbox_mail
from components.times import local_moment, session_zone, utc_moment
from mailconsole.console.markdown import plain
from mailconsole.console.records import parse_utc, time_column
from mailconsole.console.session import Connection
from mailconsole.i18n import Text, localized
from mailconsole.models import (
    BUILTIN_PROVIDER,
    DRAFT_CHANNEL,
    Channel,
    Delivery,
    DeliveryStatus,
    Extension,
    OutboxMessage,
)

LIMIT = 200
ALL = "All"
RESULTS = [ALL, *(status.value for status in DeliveryStatus)]
CHANNELS = [ALL, DRAFT_CHANNEL, *(channel.value for channel in Channel)]
# How each result reads (the option values, the API's, stay as they are).
RESULT_LABELS: dict[str, Text] = {
    ALL: localized("All"),
    DeliveryStatus.DELIVERED: localized("delivered"),
    DeliveryStatus.REFUSED: localized("refused"),
    DeliveryStatus.THROTTLED: localized("throttled"),
    DeliveryStatus.FAILED: localized("failed"),
}
CHANNEL_LABELS: dict[str, Text] = {ALL: localized("All"), DRAFT_CHANNEL: localized("draft")}


def result_label(status: str) -> str:
    return say(RESULT_LABELS.get(status, status))


def channel_label(channel: str) -> str:
    return say(CHANNEL_LABELS.get(channel, channel))


def _labels(values: list[str], label: Callable[[str], str]) -> Callable[[str], str]:
    """A widget's format_func with its words fixed now: AppTest calls it outside the page's run, where the
    session's language cannot be read."""
    return {value: label(value) for value in values}.__getitem__


def delivery_log_view(connection: Connection) -> None:
    management = connection.management
    assert management is not None and Extension.DELIVERIES in connection.extensions()
    to_col, channel_col, result_col, refresh_col = st.columns([2, 1.4, 1.2, 0.8], vertical_alignment="bottom")
    to = to_col.text_input(_("Recipient contains"), key="deliveries.to", placeholder="someone@example.com")
    channel = channel_col.selectbox(
        _("Channel"), options=CHANNELS, format_func=_labels(CHANNELS, channel_label), key="deliveries.channel"
    )
    result = result_col.selectbox(
        _("Result"), options=RESULTS, format_func=_labels(RESULTS, result_label), key="deliveries.result"
    )
    refresh_col.button(_("Refresh"), key="deliveries.refresh", icon=":material/refresh:")
    deliveries = call(
        _("Reading the delivery log"),
        management.list_deliveries,
        limit=LIMIT,
        to=to.strip() or None,
        status=None if result == ALL else result,
    )
    # The API filters by recipient and result; the channel is kept here.
    deliveries = [delivery for delivery in deliveries if channel in (ALL, delivery.channel)]
    if not deliveries:
        st.info(_("No mail matches.") if (to or channel != ALL or result != ALL) else _("No mail sent yet."))
        return
    times = {delivery.id: local_moment(parse_utc(delivery.at)) for delivery in deliveries}
    time = say(time_column(session_zone()))
    headings = [time, _("Channel"), _("To"), _("Subject"), _("Result"), _("Provider"), _("Template"), "ms"]
    rows = [
        dict(
            zip(
                headings,
                (
                    times[delivery.id],
                    channel_label(delivery.channel),
                    delivery.to,
                    delivery.subject,
                    result_label(delivery.status),
                    _destination(delivery),
                    _template(delivery),
                    delivery.duration_ms,
                ),
                strict=True,
            )
        )
        for delivery in deliveries
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={time: st.column_config.TextColumn(help=_("In your browser's time zone."))},
    )
    by_id = {delivery.id: delivery for delivery in deliveries}
    titles = {
        item.id: f"{times[item.id]} · {item.to} · {result_label(item.status)} · {item.subject}" for item in deliveries
    }
    if st.session_state.get("deliveries.open") not in by_id:
        st.session_state["deliveries.open"] = deliveries[0].id
    chosen = st.selectbox(
        _("Open a mail"),
        options=list(by_id),
        format_func=titles.__getitem__,
        key="deliveries.open",
    )
    _details(connection, by_id[chosen])


def _template(delivery: Delivery) -> str:
    if delivery.template_type is None:
        return _("built-in")
    if delivery.template_version is None:
        if delivery.channel == DRAFT_CHANNEL:
            return _("{type} (draft)", type=delivery.template_type)
        return _("{type} (built-in)", type=delivery.template_type)
    return f"{delivery.template_type} v{delivery.template_version}"


def _destination(delivery: Delivery) -> str:
    """Where the mail went, as the log recorded it (a server, an API); the outbox in the session's language."""
    return _("built-in outbox") if delivery.provider == BUILTIN_PROVIDER else delivery.destination


def _details(connection: Connection, delivery: Delivery) -> None:
    """What the provider said, and the mail itself when the outbox has it. Every backend string as plain text."""
    at = parse_utc(delivery.at)
    status = str(delivery.status)
    label = result_label(status)
    line = _(
        "{result} · {channel} to {to} via {provider} · {duration} ms",
        result=label[:1].upper() + label[1:],
        channel=plain(channel_label(delivery.channel)),
        to=plain(delivery.to),
        provider=plain(_destination(delivery)),
        duration=delivery.duration_ms,
    )
    st.caption(line, help=_("At {moment}.", moment=utc_moment(at)))
    if delivery.reply:
        shown = st.error if status in (DeliveryStatus.REFUSED, DeliveryStatus.FAILED) else st.warning
        shown(plain(delivery.reply))
    if delivery.message_id:
        st.caption(f"`Message-ID` {plain(delivery.message_id)}")  # a header's name: the same in every language
    mail = _outbox_mail(connection, delivery) if status == DeliveryStatus.DELIVERED else None
    if mail is not None:
        show_outbox_mail(mail)
    elif status == DeliveryStatus.DELIVERED:
        st.caption(
            _(
                "The content of a mail handed to a provider stays with that provider and the recipient; the service "
                "keeps the content of the built-in mail service's mails only (the outbox)."
            )
        )


def _outbox_mail(connection: Connection, delivery: Delivery) -> OutboxMessage | None:
    """The outbox mail with the delivery's Message-ID, if the built-in mail service delivered it (and it is among
    the latest)."""
    if delivery.message_id is None or delivery.provider != BUILTIN_PROVIDER:
        return None
    management = connection.management
    assert management is not None
    for message in call(_("Reading the outbox"), management.list_outbox, limit=LIMIT):
        if message.to == delivery.to and _message_id(message.raw) == delivery.message_id:
            return message
    return None


def _message_id(raw: str) -> str | None:
    value = Parser(policy=policy.default).parsestr(raw, headersonly=True)["Message-ID"]
    return str(value) if value is not None else None
