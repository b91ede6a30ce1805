"""No lost edits: saving what an admin edited only if nobody else saved the item since it was loaded.

A backend with versions (extension ``versions``) carries a ``version`` on every item: the console sends the version
its edit is based on, and the backend refuses a save based on an older one (ConflictError, 409). A backend without
them (GenAuth cloud: ``version`` is None) is read again just before the save and compared with what the edit is
based on. Either way the outcome is the saved item or a ``Conflict``: what was loaded, what is stored now, and
how that was found out; the admin then reloads or overwrites on purpose (``save_checked`` again, based on the
``current`` the conflict showed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Generic, Protocol, TypeVar

from mailconsole import ConflictError, MailConsoleError, ManagementClient
from mailconsole.changes import describe_change, provider_changes, template_changes, text_diff
from mailconsole.console.records import parse_utc, when, zone_label
from mailconsole.i18n import Language, formatted_time
from mailconsole.models import AuditEntry, AuditKind, EmailProvider, EmailTemplate

DIFFED_FIELDS = ("subject", "sender", "content")
_CONFLICT_LABELS = ("(as you loaded it)", "(stored now)")


class Versioned(Protocol):
    @property
    def version(self) -> int | None: ...


Item = TypeVar("Item", bound=Versioned)


@dataclass(frozen=True)
class Conflict(Generic[Item]):
    """What the edit was loaded from, what is stored now, and how the difference was found: ``versioned`` when the
    backend refused a stale version, else by reading again (a backend without versions)."""

    loaded: Item
    current: Item
    versioned: bool
    changed_by: str | None = None


def save_checked(
    *,
    loaded: Item,
    baseline: Item,
    read: Callable[[], Item | None],
    changed: Callable[[Item, Item], bool],
    save: Callable[[Item | None], Item],
    read_first: bool = False,
) -> Item | Conflict[Item]:
    """Save the edit of ``loaded``, based on ``baseline`` (``loaded`` itself, or after "Overwrite" the ``current``
    of the conflict shown), unless the stored item moved on from ``baseline``.

    ``read`` reads the stored item; ``changed`` tells whether two states differ in what the admin can see;
    ``save`` saves, given the item as read just before (None when it was not read). The item is read first on a
    backend without versions, and always with ``read_first`` (to build the save against what is stored, such as
    a secret to keep). MailConsoleError other than a conflict is the caller's to show.
    """
    versioned = baseline.version is not None
    fresh = read() if read_first or not versioned else None
    if fresh is not None and (fresh.version != baseline.version if versioned else changed(baseline, fresh)):
        return Conflict(loaded, fresh, versioned=versioned)
    try:
        return save(fresh)
    except ConflictError:  # someone saved between the read above (if any) and this save
        current = read()
        if current is None:
            raise
        return Conflict(loaded, current, versioned=True)


def template_diff(loaded: EmailTemplate, current: EmailTemplate) -> str:
    """A unified diff of subject, sender and body, from what was loaded to what is stored now ("" when equal)."""
    diffs = (
        text_diff(name, str(getattr(loaded, name)), str(getattr(current, name)), labels=_CONFLICT_LABELS)
        for name in DIFFED_FIELDS
    )
    return "\n".join(diff for diff in diffs if diff)


def other_template_changes(loaded: EmailTemplate, current: EmailTemplate) -> list[str]:
    """The template's other fields that changed (name, customisation, validity, engine...), one line each."""
    return [
        describe_change(change) for change in template_changes(loaded, current) if change.field not in DIFFED_FIELDS
    ]


def provider_differences(loaded: EmailProvider, current: EmailProvider) -> list[str]:
    """The provider fields that differ, one line each; a secret only as "changed" (replies that carry the mask
    cannot tell a changed secret apart, so there it is not listed)."""
    return [describe_change(change) for change in provider_changes(loaded, current)]


def last_change(management: ManagementClient, kind: AuditKind, item: str) -> AuditEntry | None:
    """The latest audit record of an item on a backend with an audit trail (else None, silently)."""
    try:
        entries = management.list_audit(kind=kind, limit=50)
    except MailConsoleError:
        return None
    return next((entry for entry in entries if entry.item == item), None)


def who_changed(entry: AuditEntry | None, zone: tzinfo = UTC, language: Language | None = None) -> str | None:
    """``alice@example.com, 2026-11-05 18:00:00 Asia/Shanghai``: who, and when in ``zone`` (the browser's), the
    moment as ``language`` writes it when given (``2026年11月5日 18:00:00``)."""
    if entry is None:
        return None
    moment = when(entry, zone) if language is None else formatted_time(parse_utc(entry.at).astimezone(zone), language)
    return f"{entry.actor}, {moment} {zone_label(zone)}"
