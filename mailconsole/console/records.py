"""What the console keeps of a session's activity and shows as tables: its test sends with the once-a-minute
refusals it has seen (``SendLog``), and the backend's audit trail as rows (``audit_rows``); and how times show: in
the browser's time zone (``st.context.timezone``), with UTC beside them."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mailconsole.changes import change_in_words
from mailconsole.i18n import Language, Text, formatted_time, localized, translated
from mailconsole.models import AuditEntry, AuditKind

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_WAIT = 60  # seconds: the platform's rule when a refusal does not say how long
# How a refusal says how long to wait ("; try again in 59 seconds", "；请在 59 秒后重试"): the console's live
# countdown says it instead.
_WAIT_CLAUSE = re.compile(
    r"[;,.]?\s*(?:please\s+)?try again in \d+ seconds?|[；;，,]?\s*请在\s*\d+\s*秒后重试", re.IGNORECASE
)
AUDIT_KIND_LABELS = {
    AuditKind.PROVIDER.value: localized("Provider settings"),
    AuditKind.TEMPLATE.value: localized("Template"),
    AuditKind.TEST_SEND.value: localized("Test send of a draft"),
}


@dataclass(frozen=True)
class SentMail:
    tenant: str
    at: datetime  # UTC
    channel: str
    to: str
    result: str | Text  # a Text: the console shows it in the session's language


@dataclass
class SendLog:
    """This browser session's test sends, and when each refused mailbox and channel may be tried again; both by
    tenant name, so the log of one tenant is kept while the session works on another."""

    sends: list[SentMail] = field(default_factory=list)
    retry_at: dict[tuple[str, str, str], float] = field(default_factory=dict)  # (tenant, channel, mailbox)

    def record(self, tenant: str, channel: str, to: str, result: str | Text) -> None:
        self.sends.append(SentMail(tenant, datetime.now(UTC), channel, to, result))

    def of(self, tenant: str) -> list[SentMail]:
        """The sends to ``tenant``, newest first."""
        return [send for send in reversed(self.sends) if send.tenant == tenant]

    def refused(self, tenant: str, channel: str, mailbox: str, retry_after: int | None) -> None:
        self.retry_at[(tenant, channel, mailbox)] = time.time() + (retry_after or DEFAULT_WAIT)

    def seconds_left(self, tenant: str, channel: str, mailbox: str) -> int:
        """Seconds until the backend lets this mailbox and channel be tried again (0: now)."""
        deadline = self.retry_at.get((tenant, channel, mailbox))
        return max(0, math.ceil(deadline - time.time())) if deadline else 0


def without_wait(message: str) -> str:
    """A refusal's reason without its frozen "try again in N seconds" (the countdown beside it ticks)."""
    return _WAIT_CLAUSE.sub("", message).strip()


def browser_zone(name: str | None) -> tzinfo:
    """The zone of an IANA name the browser reports; UTC when there is none or this machine does not know it."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def zone_label(zone: tzinfo) -> str:
    return "UTC" if zone is UTC else str(zone)


def parse_utc(stamp: str) -> datetime:
    """A backend's ISO 8601 time (``2026-11-05T10:00:00.123Z``); one without a zone is UTC."""
    at = datetime.fromisoformat(stamp)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def shown_time(at: datetime, zone: tzinfo) -> str:
    """To the second in ``zone``: ``2026-11-05 18:00:00``."""
    return at.astimezone(zone).strftime(TIME_FORMAT)


def utc_time(at: datetime) -> str:
    """``2026-11-05 10:00:00 UTC``: for a hover or an export beside a time shown in the browser's zone."""
    return f"{shown_time(at, UTC)} UTC"


def when(entry: AuditEntry, zone: tzinfo = UTC, language: Language | None = None) -> str:
    """When ``entry`` was made, in ``zone``: as ``language`` writes a moment (``2026年11月5日 18:00:00``), or
    ``2026-11-05 18:00:00`` without one."""
    at = parse_utc(entry.at)
    return shown_time(at, zone) if language is None else formatted_time(at.astimezone(zone), language)


def time_column(zone: tzinfo) -> Text:
    """The heading of a column of times in ``zone``: ``Time (Asia/Shanghai)``."""
    return localized("Time ({zone})", zone=zone_label(zone))


def describe_changes(entry: AuditEntry, language: Language | None = None) -> str:
    if not entry.changes:
        return _words(localized("no field changed"), language)
    return "; ".join(_words(change_in_words(change), language) for change in entry.changes)


def _words(text: Text, language: Language | None) -> str:
    return str(text) if language is None else translated(text, language)


def audit_rows(entries: list[AuditEntry], zone: tzinfo = UTC, language: Language | None = None) -> list[dict[str, Any]]:
    """One row per change set, in the order given (the backend's: newest first); the time in ``zone``, and in UTC
    as the last column when that is another zone. In ``language`` (headings, kinds, times) when given, else in
    English with ``2026-11-05 18:00:00`` times."""
    rows: list[dict[str, Any]] = []
    for entry in entries:
        kind = AUDIT_KIND_LABELS.get(str(entry.kind))
        row = {
            _words(time_column(zone), language): when(entry, zone, language),
            _words(localized("Who"), language): entry.actor,
            _words(localized("Kind"), language): str(entry.kind) if kind is None else _words(kind, language),
            _words(localized("Item"), language): entry.item,
            _words(localized("Changes"), language): describe_changes(entry, language),
        }
        if zone is not UTC:
            row[_words(time_column(UTC), language)] = when(entry, UTC, language)
        rows.append(row)
    return rows
