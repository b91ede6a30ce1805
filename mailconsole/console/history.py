"""What the editor's history panel compares: the saved versions of a template (the backend's ``history``
extension), the built-in default and the draft in the editor, any two of them, as a diff by field."""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.changes import text_diff
from mailconsole.console.drafts import Draft
from mailconsole.console.saving import DIFFED_FIELDS, other_template_changes
from mailconsole.i18n import EN_US, Language, Text, localized
from mailconsole.models import EmailTemplate, TemplateRevision
from mailconsole.service.defaults import default_template

DRAFT, BUILTIN = "draft", "builtin"


@dataclass(frozen=True)
class Side:
    """One thing to compare: ``key`` is ``draft``, ``builtin`` or ``v<version>``; ``label`` names it inside a
    sentence (``version 3``), ``title`` at the start of one (``Version 3``)."""

    key: str
    label: Text
    title: Text
    template: EmailTemplate
    version: int | None = None  # the saved version this side is
    at: str | None = None  # when it was saved (UTC, ISO 8601), and by whom
    actor: str | None = None


def draft_template(draft: Draft) -> EmailTemplate:
    return EmailTemplate(type=draft.template_type, **draft.saved_fields())


def as_edited(template: EmailTemplate) -> EmailTemplate:
    """A template with the fields the editor has, as the editor fills them (a validity where the type has one):
    so that two sides differ only where an admin would see a difference."""
    return draft_template(Draft.of(template))


def sides(
    revisions: list[TemplateRevision], draft: Draft, current_version: int | None, language: Language = EN_US
) -> list[Side]:
    """The versions newest first, then the draft and the built-in default. ``current_version``: the one stored."""
    saved = [
        Side(
            f"v{revision.version}",
            *_version_names(revision.version, current=revision.version == current_version),
            as_edited(revision),
            revision.version,
            revision.at or None,
            revision.actor,
        )
        for revision in revisions
    ]
    builtin = as_edited(default_template(draft.template_type, draft.tpl_engine, language))
    return [
        *saved,
        Side(DRAFT, localized("your draft"), localized("Your draft"), draft_template(draft)),
        Side(BUILTIN, localized("the built-in default"), localized("The built-in default"), builtin),
    ]


def _version_names(version: int | None, *, current: bool) -> tuple[Text, Text]:
    if current:
        return (
            localized("version {version} (current)", version=version),
            localized("Version {version} (current)", version=version),
        )
    return localized("version {version}", version=version), localized("Version {version}", version=version)


def side_diff(left: Side, right: Side) -> str:
    """Subject, sender and body as a unified diff from ``left`` to ``right`` ("" when equal)."""
    labels = (f"({left.label})", f"({right.label})")  # the diff's file names: data, in English
    diffs = (
        text_diff(name, str(getattr(left.template, name)), str(getattr(right.template, name)), labels=labels)
        for name in DIFFED_FIELDS
    )
    return "\n".join(diff for diff in diffs if diff)


def other_differences(left: Side, right: Side) -> list[str]:
    """Engine and settings (name, customisation, validity, redirect) that differ, one line each."""
    return other_template_changes(left.template, right.template)
