"""Times as the console shows them (mailconsole.console.records): in the browser's time zone, UTC beside them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from mailconsole.console.records import (
    audit_rows,
    browser_zone,
    parse_utc,
    shown_time,
    utc_time,
    zone_label,
)
from mailconsole.models import AuditEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")


def entry(at: str = "2026-11-05T10:00:00.123Z") -> AuditEntry:
    return AuditEntry(id=1, at=at, actor="alice@example.com", kind="template", item="WELCOME_EMAIL", changes=[])


def test_the_browsers_zone_is_used_and_an_unknown_one_falls_back_to_utc() -> None:
    assert browser_zone("Asia/Shanghai") == SHANGHAI
    for name in (None, "", "Mars/Olympus_Mons", "../etc/passwd"):
        assert browser_zone(name) is UTC, name
    assert (zone_label(SHANGHAI), zone_label(UTC)) == ("Asia/Shanghai", "UTC")


def test_a_backend_time_shows_in_the_zone_with_utc_beside_it() -> None:
    at = parse_utc("2026-11-05T10:00:00.123Z")
    assert at == datetime(2026, 11, 5, 10, 0, 0, 123000, tzinfo=UTC)
    assert parse_utc("2026-11-05T10:00:00") == datetime(2026, 11, 5, 10, tzinfo=UTC)  # no zone given: UTC
    assert shown_time(at, SHANGHAI) == "2026-11-05 18:00:00"
    assert shown_time(at, ZoneInfo("America/New_York")) == "2026-11-05 05:00:00"
    assert utc_time(at) == "2026-11-05 10:00:00 UTC"


def test_audit_rows_in_the_browsers_zone_keep_utc_as_their_last_column() -> None:
    (row,) = audit_rows([entry()], SHANGHAI)
    assert list(row) == ["Time (Asia/Shanghai)", "Who", "Kind", "Item", "Changes", "Time (UTC)"]
    assert (row["Time (Asia/Shanghai)"], row["Time (UTC)"]) == ("2026-11-05 18:00:00", "2026-11-05 10:00:00")
    (row,) = audit_rows([entry()], UTC)
    assert list(row) == ["Time (UTC)", "Who", "Kind", "Item", "Changes"]


def test_the_conflict_panel_names_who_and_when_in_the_browsers_zone() -> None:
    from mailconsole.console.saving import who_changed

    assert who_changed(entry(), SHANGHAI) == "alice@example.com, 2026-11-05 18:00:00 Asia/Shanghai"
    assert who_changed(entry()) == "alice@example.com, 2026-11-05 10:00:00 UTC"
    assert who_changed(None, SHANGHAI) is None
