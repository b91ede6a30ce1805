"""What changed between two states of the provider settings or of a template, field by field under wire names.

The embedded service records these lists in its audit trail; the console shows them when someone else saved first.
A secret (``senderPass``, ``apikey``) is compared but never given: its change reads ``"changed"`` and nothing else,
so neither a plain nor a sealed secret can reach an audit record or a screen through here.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from mailconsole.i18n import Text, localized
from mailconsole.models import AuditChange, EmailProvider, EmailTemplate

SECRET_FIELDS = frozenset(
    {"smtpConfig.senderPass", "sendGridConfig.apikey", "aliExmailConfig.senderPass", "tencentExmailConfig.senderPass"}
)
SECRET_CHANGED = "changed"  # noqa: S105 (what a secret's change reads, not a secret)
# A value longer than this (a template body, a CA bundle) is recorded cut, with the count of what was left out.
MAX_VALUE = 4000
# A text longer than this, or with a line break, is also recorded as a unified diff of the whole values, itself cut
# at MAX_DIFF: "3,795 characters → 3,799 characters" does not say what changed.
DIFF_FROM = 60
MAX_DIFF = 20_000
_NOT_COMPARED = frozenset({"version"})


def stored_secrets(provider: EmailProvider) -> dict[str, str]:
    """The provider's non-empty secrets by wire field (``smtpConfig.senderPass``): for comparing, never showing."""
    wire = provider.to_wire()
    secrets = {}
    for field in SECRET_FIELDS:
        config_name, secret_name = field.split(".")
        value = (wire.get(config_name) or {}).get(secret_name)
        if value:
            secrets[field] = value
    return secrets


def provider_changes(before: EmailProvider, after: EmailProvider) -> list[AuditChange]:
    return _changes(_flat(before.to_wire()), _flat(after.to_wire()))


def template_changes(before: EmailTemplate, after: EmailTemplate) -> list[AuditChange]:
    return _changes(_flat(before.to_wire()), _flat(after.to_wire()))


def describe_change(change: AuditChange, *, inline: int = DIFF_FROM) -> str:
    """One change as a person reads it: ``subject: "Hi" → "Hello"``; a long or multi-line value by the lines its
    diff adds and removes (by its length when it has no diff)."""
    return str(change_in_words(change, inline=inline))


def change_in_words(change: AuditChange, *, inline: int = DIFF_FROM) -> Text:
    """``describe_change`` waiting for its language (the console shows it in the session's)."""
    if change.field in SECRET_FIELDS:
        return localized("{field} changed", field=change.field)
    before, after = change.before, change.after
    if not any(isinstance(value, str) and (len(value) > inline or "\n" in value) for value in (before, after)):
        return localized("{field}: {before} → {after}", field=change.field, before=_shown(before), after=_shown(after))
    if change.diff is not None:
        added, removed = diff_counts(change.diff)
        return localized(
            "{field}: changed ({added}, {removed})",
            field=change.field,
            added=_lines(added, "+"),
            removed=_lines(removed, "−"),
        )
    return localized(
        "{field}: changed ({before} → {after})", field=change.field, before=_size(before), after=_size(after)
    )


def _flat(wire: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in wire.items():
        if not prefix and name in _NOT_COMPARED:
            continue
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[AuditChange]:
    changes = []
    for name in [*before, *(name for name in after if name not in before)]:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in SECRET_FIELDS:
            changes.append(AuditChange(field=name, after=SECRET_CHANGED))
        else:
            changes.append(AuditChange(field=name, before=_capped(old), after=_capped(new), diff=_diff(name, old, new)))
    return changes


def text_diff(name: str, before: str, after: str, *, labels: tuple[str, str] = ("before", "after")) -> str:
    """A unified diff of two texts, by line, headed with the field's name and ``labels`` ("" when equal)."""
    lines = difflib.unified_diff(
        before.splitlines(),
        after.splitlines(),
        fromfile=f"{name} {labels[0]}",
        tofile=f"{name} {labels[1]}",
        lineterm="",
    )
    return "\n".join(lines)


def diff_counts(diff: str) -> tuple[int, int]:
    """The lines a unified diff adds and removes (its ``+++``/``---`` headers not counted)."""
    lines = diff.splitlines()
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    return added, removed


def _diff(name: str, old: Any, new: Any) -> str | None:
    texts = [value if isinstance(value, str) else "" for value in (old, new)]
    if not any(isinstance(value, str) and (len(value) > DIFF_FROM or "\n" in value) for value in (old, new)):
        return None
    diff = text_diff(name, *texts)
    return diff if len(diff) <= MAX_DIFF else f"{diff[:MAX_DIFF]}\n… (diff cut at {MAX_DIFF:,} characters)"


def _lines(count: int, sign: str) -> Text:
    if count == 1:
        return localized("{sign}{count} line", sign=sign, count=count)
    return localized("{sign}{count} lines", sign=sign, count=count)


def _capped(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE:
        return f"{value[:MAX_VALUE]}… (+{len(value) - MAX_VALUE} characters)"
    return value


def _size(value: Any) -> str | Text:
    if value is None:
        return localized("none")
    if isinstance(value, str):
        return localized("{count} characters", count=f"{len(value):,}")
    return _shown(value)


def _shown(value: Any) -> str | Text:
    if value is None:
        return localized("none")
    if isinstance(value, bool):
        return localized("on") if value else localized("off")
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
