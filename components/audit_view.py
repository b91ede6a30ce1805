"""The audit trail of the backend (embedded service, extension "audit"): who changed the provider settings and the
templates, when, and what, newest first, filterable by kind. Secrets appear only as "changed"; the backend never
records their values (rows: ``mailconsole.console.records``)."""

from __future__ import annotations

import streamlit as st

from components.feedback import call
from components.language import _, say, session_language
from components.times import session_zone, utc_moment
from mailconsole.actor import LOCAL_ADMIN
from mailconsole.changes import change_in_words
from mailconsole.console.records import audit_rows, parse_utc, time_column, when
from mailconsole.console.session import Connection
from mailconsole.i18n import Text, localized
from mailconsole.models import AuditKind, Extension

# The option values stay the English labels (what the tests and a session's state hold); they show translated.
KINDS: dict[str, AuditKind | None] = {
    "Everything": None,
    "Provider settings": AuditKind.PROVIDER,
    "Templates": AuditKind.TEMPLATE,
    "Draft sends": AuditKind.TEST_SEND,
}
KIND_LABELS: dict[str, Text] = {
    "Everything": localized("Everything"),
    "Provider settings": localized("Provider settings"),
    "Templates": localized("Templates"),
    "Draft sends": localized("Draft sends"),
}
LIMITS = (50, 100, 500)


def audit_view(connection: Connection) -> None:
    if connection.management is None or Extension.AUDIT not in connection.extensions():
        st.info(
            _("This backend keeps no audit trail: only the embedded mailconsole service records who changed what."),
            icon=":material/info:",
        )
        return
    filter_col, limit_col, refresh_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    label = filter_col.segmented_control(
        _("Show"),
        options=list(KINDS),
        format_func={
            kind: say(label) for kind, label in KIND_LABELS.items()
        }.__getitem__,  # words fixed now: AppTest formats outside the run
        default="Everything",
        key="audit.kind",
    )
    limit = limit_col.selectbox(_("Latest"), options=LIMITS, index=1, key="audit.limit")
    refresh_col.button(_("Refresh"), key="audit.refresh", icon=":material/refresh:")
    entries = call(
        _("Reading the audit trail"), connection.management.list_audit, kind=KINDS[label or "Everything"], limit=limit
    )
    if not entries:
        st.info(_("No changes recorded yet."), icon=":material/history:")
        return
    zone, language = session_zone(), session_language()
    st.dataframe(
        audit_rows(entries, zone, language),
        hide_index=True,
        width="stretch",
        column_config={
            say(time_column(zone)): st.column_config.TextColumn(help=_("In your browser's time zone.")),
            _("Changes"): st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(
        _(
            'Changes shown: {count}, newest first. "Who" is the signed-in administrator the console named ("{local}" '
            "on a console without sign-in), else the access key or token the change came with.",
            count=len(entries),
            local=LOCAL_ADMIN,
        )
    )
    # A long list of changes does not fit a table cell: one entry at a time, a line per field, a diff per text.
    by_id = {entry.id: entry for entry in entries}
    if st.session_state.get("audit.open") not in by_id:
        st.session_state["audit.open"] = entries[0].id
    chosen = st.selectbox(
        _("Open an entry"),
        options=list(by_id),
        format_func=lambda item: f"{when(by_id[item], zone, language)} · {by_id[item].actor} · {by_id[item].item}",
        key="audit.open",
        help=_("Times in your browser's time zone."),
    )
    entry = by_id[chosen]
    st.caption(_("At {moment}.", moment=utc_moment(parse_utc(entry.at))))
    lines = [say(change_in_words(change, inline=200)) for change in entry.changes]
    st.code("\n".join(lines) or _("no field changed"), language=None, wrap_lines=True)
    for change in entry.changes:
        if change.diff:
            with st.expander(
                _("What changed in `{field}`", field=change.field), icon=":material/difference:", expanded=True
            ):
                st.code(change.diff, language="diff")
