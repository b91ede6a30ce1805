"""The sample profiles the editor's preview offers: the built-in ones (``mailconsole.rendering.profiles``) and the
admin's own, saved for the session per template type (a type's variables are its own).

A choice travels as a string: a built-in profile's value (``"chinese"``), or ``"own:"`` and the name of a saved one.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mailconsole.i18n import EN_US, ZH_CN, Language, LocalizedValueError, localized
from mailconsole.models import TemplateType
from mailconsole.rendering.profiles import PROFILES, SampleProfile, profile_context

OWN_PREFIX = "own:"
MAX_NAME = 60


@dataclass
class OwnProfiles:
    """The admin's own sample contexts of this session, by template type and name (in the order saved)."""

    by_type: dict[TemplateType, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def names(self, template_type: TemplateType) -> list[str]:
        return list(self.by_type.get(template_type, {}))

    def save(self, template_type: TemplateType, name: str, context: Mapping[str, Any]) -> str:
        """Keep ``context`` as ``name`` (a profile of that name is replaced); returns the choice that picks it.
        ValueError with what to do when the name is empty, too long or a built-in profile's."""
        name = " ".join(name.split())
        if not name:
            raise LocalizedValueError(localized("Give the profile a name, then save it."))
        if len(name) > MAX_NAME:
            raise LocalizedValueError(
                localized("A profile name has at most {count} characters; shorten it.", count=MAX_NAME)
            )
        built_in = {
            label.casefold() for info in PROFILES.values() for label in (info.label, info.title.in_language(ZH_CN))
        }
        if name.casefold() in built_in:
            raise LocalizedValueError(localized("“{name}” is a built-in profile; choose another name.", name=name))
        self.by_type.setdefault(template_type, {})[name] = copy.deepcopy(dict(context))
        return OWN_PREFIX + name


def profile_choices(template_type: TemplateType, own: OwnProfiles) -> list[str]:
    """The built-in profiles, then the admin's own for this type."""
    return [item.value for item in SampleProfile] + [OWN_PREFIX + name for name in own.names(template_type)]


def choice_label(choice: str, language: Language = EN_US) -> str:
    if choice.startswith(OWN_PREFIX):
        return localized("{name} (yours)", name=choice.removeprefix(OWN_PREFIX)).in_language(language)
    return PROFILES[SampleProfile(choice)].title.in_language(language)


def choice_description(choice: str, language: Language = EN_US) -> str:
    if choice.startswith(OWN_PREFIX):
        return localized("Your own values, saved for this session.").in_language(language)
    return PROFILES[SampleProfile(choice)].summary.in_language(language)


def choice_context(
    choice: str, template_type: TemplateType, base: Mapping[str, Any], own: OwnProfiles
) -> dict[str, Any]:
    """A fresh copy of the context ``choice`` stands for; a built-in profile derives from ``base``."""
    if choice.startswith(OWN_PREFIX):
        name = choice.removeprefix(OWN_PREFIX)
        saved = own.by_type.get(template_type, {}).get(name)
        if saved is None:
            raise LocalizedValueError(
                localized("There is no profile “{name}” for this template in this session.", name=name)
            )
        return copy.deepcopy(saved)
    return profile_context(choice, template_type, base)
