"""Compare two tenants and promote templates from one to the other (the console's compare-and-promote page).

Templates compare by every field the admin can see (subject, sender and body as a unified diff, the others one
line each); the provider settings by every field but the secrets, which are never compared nor copied: the admin
types them for the target. A copy is saved on the target based on the version it was compared against, so a
change made on the target meanwhile is refused (ConflictError) rather than overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.changes import change_in_words, provider_changes, template_changes, text_diff
from mailconsole.client import ManagementClient
from mailconsole.config_files.apply import save_template
from mailconsole.config_files.plan import comparable_provider
from mailconsole.console.saving import DIFFED_FIELDS
from mailconsole.i18n import Text
from mailconsole.models import EmailProvider, EmailTemplate, TemplateType
from mailconsole.service.defaults import default_template


@dataclass(frozen=True)
class TemplateComparison:
    template_type: TemplateType
    source: EmailTemplate
    target: EmailTemplate
    diff: str  # subject, sender and body, from the target's to the source's ("" when equal)
    other: tuple[Text, ...]  # the other fields that differ, one line each (in words for either language)

    @property
    def same(self) -> bool:
        return not self.diff and not self.other


def compare_templates(
    source: dict[str, EmailTemplate], target: dict[str, EmailTemplate], labels: tuple[str, str]
) -> list[TemplateComparison]:
    """Each template type: the source's and the target's (a missing one is the built-in default), and how the
    target would change if the source's were copied. ``labels`` name (target, source) in the diff."""
    comparisons = []
    for template_type in TemplateType:
        theirs = source.get(template_type.value) or default_template(template_type)
        ours = target.get(template_type.value) or default_template(template_type)
        diffs = (
            text_diff(name, str(getattr(ours, name)), str(getattr(theirs, name)), labels=labels)
            for name in DIFFED_FIELDS
        )
        other = tuple(
            change_in_words(change) for change in template_changes(ours, theirs) if change.field not in DIFFED_FIELDS
        )
        comparisons.append(
            TemplateComparison(template_type, theirs, ours, "\n".join(diff for diff in diffs if diff), other)
        )
    return comparisons


def provider_differences(source: EmailProvider, target: EmailProvider) -> list[Text]:
    """How the target's provider settings differ from the source's, secrets left out (they are never compared)."""
    changes = provider_changes(comparable_provider(target, None), comparable_provider(source, target))
    return [change_in_words(change) for change in changes]


def copy_template(target: ManagementClient, comparison: TemplateComparison) -> EmailTemplate:
    """Save the source's template on the target, based on the target's version as compared (ConflictError when
    it changed since)."""
    return save_template(target, comparison.source, version=comparison.target.version)
