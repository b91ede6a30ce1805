"""The audit trail of the backend (embedded service, extension "audit"): who changed the provider settings and the
templates, when, and what, newest first, filterable by kind. Secrets appear only as "changed"; the backend never
records their values (rows: ``mailconsole.console.records``)."""

from __future__ import annotations

import streamlit as st

from components.feedback import call
from components.times import session_zone
from mailconsole.actor import LOCAL_ADMIN
from mailconsole.changes import describe_change
from mailconsole.console.records import audit_rows, parse_utc, utc_time, when, zone_label
from mailconsole.console.session import Connection
from mailconsole.models import AuditKind, Extension

KINDS: dict[str, AuditKind | None] = {
    "Everything": None,
    "Provider settings": AuditKind.PROVIDER,
    "Templates": AuditKind.TEMPLATE,
    "Draft sends": AuditKind.TEST_SEND,
}
LIMITS = (50, 100, 500)


def audit_view(connection: Connection) -> None:
    if connection.management is None or Extension.AUDIT not in connection.extensions():
        st.info(
            "This backend keeps no audit trail: only the embedded mailconsole service records who changed what.",
            icon=":material/info:",
        )
        return
    filter_col, limit_col, refresh_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    label = filter_col.segmented_control("Show", options=list(KINDS), default="Everything", key="audit.kind")
    limit = limit_col.selectbox("Latest", options=LIMITS, index=1, key="audit.limit")
    refresh_col.button("Refresh", key="audit.refresh", icon=":material/refresh:")
    entries = call(
        "Reading the audit trail", connection.management.list_audit, kind=KINDS[label or "Everything"], limit=limit
    )
    if not entries:
        st.info("No changes recorded yet.", icon=":material/history:")
        return
    zone = session_zone()
    st.dataframe(
        audit_rows(entries, zone),
        hide_index=True,
        width="stretch",
        column_config={
            f"Time ({zone_label(zone)})": st.column_config.TextColumn(help="In your browser's time zone."),
            "Changes": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(
        f'{len(entries)} change{"s" if len(entries) != 1 else ""}, newest first. "Who" is the signed-in '
        f'administrator the console named ("{LOCAL_ADMIN}" on a console without sign-in), else the access key or '
        "token the change came with."
    )
    # A long list of changes does not fit a table cell: one entry at a time, a line per field, a diff per text.
    by_id = {entry.id: entry for entry in entries}
    if st.session_state.get("audit.open") not in by_id:
        st.session_state["audit.open"] = entries[0].id
    chosen = st.selectbox(
        "Open an entry",
        options=list(by_id),
        format_func=lambda item: f"{when(by_id[item], zone)} · {by_id[item].actor} · {by_id[item].item}",
        key="audit.open",
        help="Times in your browser's time zone.",
    )
    entry = by_id[chosen]
    st.caption(f"At {utc_time(parse_utc(entry.at))}.")
    lines = [describe_change(change, inline=200) for change in entry.changes]
    st.code("\n".join(lines) or "no field changed", language=None, wrap_lines=True)
    for change in entry.changes:
        if change.diff:
            with st.expander(f"What changed in {change.field}", icon=":material/difference:", expanded=True):
                st.code(change.diff, language="diff")
