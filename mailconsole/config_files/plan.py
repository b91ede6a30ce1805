"""``mailconsole plan``: what ``apply`` would change on a tenant to make it match a configuration directory.

Field by field under wire names, a body as a unified diff. A secret is "changed" or "unchanged" where the backend
can tell (one that answers secrets, or the embedded service's ``secret-comparison`` extension), else "will be set".
Each item carries the version it was planned against; ``apply`` sends it, so a change made meanwhile is refused.
A template without a file is its built-in default: a customised one is reset. Provider types the file leaves out
are left as they are (the API cannot remove them).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from mailconsole.changes import describe_change, provider_changes, stored_secrets, template_changes, text_diff
from mailconsole.client import ManagementClient
from mailconsole.config_files.desired import DesiredConfig, DesiredProvider
from mailconsole.config_files.export import builtin_language
from mailconsole.models import (
    PROVIDER_CONFIGS,
    PROVIDER_SECRETS,
    SECRET_MASK,
    EmailProvider,
    EmailTemplate,
    Extension,
    ProviderType,
    SendGridConfig,
    TemplateType,
)
from mailconsole.service.defaults import default_template
from mailconsole.service.provider_settings import CONFIG_FIELDS

LABELS = ("(now)", "(in the files)")
# Each provider type's settings: attribute -> wire name (smtp_config -> smtpConfig), in the API's order.
CONFIG_NAMES = {attribute: wire_name for wire_name, attribute in CONFIG_FIELDS.values()}
# Asks the backend whether secrets (by wire field) are the stored ones.
SecretComparer = Callable[[Mapping[str, str]], dict[str, bool]]


@dataclass(frozen=True)
class TemplatePlan:
    template_type: TemplateType
    version: int | None  # the version planned against (None: a backend without versions)
    current: EmailTemplate
    desired: EmailTemplate
    lines: tuple[str, ...]
    reset: bool = False  # no file: back to the built-in template


@dataclass(frozen=True)
class ProviderPlan:
    version: int | None
    current: EmailProvider | None  # None: a backend that cannot be read (the SMTP set-up API)
    desired: DesiredProvider
    lines: tuple[str, ...]
    configs: tuple[str, ...]  # other types' settings to write first (wire names); then the active type's


@dataclass
class Plan:
    provider: ProviderPlan | None = None
    templates: list[TemplatePlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return int(bool(self.provider and self.provider.lines)) + sum(1 for item in self.templates if item.lines)

    def render(self) -> str:
        out = list(self.notes)
        if self.provider and self.provider.lines:
            out.append(f"provider{_version(self.provider.version)}:")
            out += [f"  {line}" for line in self.provider.lines]
        for item in self.templates:
            if item.lines:
                what = " (no file: back to the built-in template)" if item.reset else ""
                out.append(f"template {item.template_type.value}{_version(item.version)}{what}:")
                out += [f"  {line}" for line in item.lines]
        if self.changes:
            out.append(f"Plan: {self.changes} item{'s' if self.changes != 1 else ''} to change.")
        else:
            out.append("No changes: the tenant matches the files.")
        return "\n".join(out)


def _version(version: int | None) -> str:
    return f" (version {version})" if version is not None else ""


def plan_tenant(client: ManagementClient, desired: DesiredConfig) -> Plan:
    plan = Plan()
    if desired.provider is not None:
        current = client.get_email_provider()
        plan.provider = plan_provider(current, desired.provider, _secret_comparer(client, current))
    templates = {str(item.type): item for item in client.get_email_templates().templates}
    language = builtin_language(client)
    for template_type in TemplateType:
        builtin = default_template(template_type, language=language)
        current_template = templates.get(template_type.value) or builtin
        wanted = desired.templates.get(template_type)
        target = wanted.template if wanted else builtin
        plan.templates.append(
            TemplatePlan(
                template_type,
                current_template.version,
                current_template,
                target,
                template_lines(current_template, target),
                reset=wanted is None,
            )
        )
    return plan


def template_lines(current: EmailTemplate, desired: EmailTemplate) -> tuple[str, ...]:
    lines: list[str] = []
    for change in template_changes(current, desired):
        if change.diff is not None:  # a long or multi-line text: the whole diff, not the audit trail's cut one
            before, after = (str(item.to_wire().get(change.field) or "") for item in (current, desired))
            lines.append(f"~ {change.field}:")
            lines += [f"    {line}" for line in text_diff(change.field, before, after, labels=LABELS).splitlines()]
        else:
            lines.append(f"~ {describe_change(change)}")
    return tuple(lines)


# ---- provider ------------------------------------------------------------------------------------------------


def plan_provider(
    current: EmailProvider | None, desired: DesiredProvider, compare: SecretComparer | None = None
) -> ProviderPlan:
    if current is None:
        return _unreadable_provider(desired)
    changes = provider_changes(comparable_provider(current, None), comparable_provider(desired.provider, current))
    lines = [f"~ {describe_change(change)}" for change in changes]
    changed_configs = {change.field.split(".")[0] for change in changes if "." in change.field}
    secret_lines, secret_configs = _secret_lines(current, desired, compare)
    lines += secret_lines
    changed_configs |= secret_configs
    configs = other_configs(desired.provider, changed_configs)
    return ProviderPlan(current.version, current, desired, tuple(lines), tuple(configs))


def other_configs(provider: EmailProvider, names: Collection[str]) -> list[str]:
    """Of ``names`` (wire names), the settings of provider types other than the active one, in a fixed order."""
    active_attribute = PROVIDER_CONFIGS.get(provider.type) if isinstance(provider.type, ProviderType) else None
    active = CONFIG_NAMES.get(active_attribute or "")
    return [name for name in CONFIG_NAMES.values() if name in names and name != active]


def comparable_provider(provider: EmailProvider, fill_from: EmailProvider | None) -> EmailProvider:
    """Without secrets, version and what the service chooses; settings of a type the file leaves out taken from
    ``fill_from`` (what is stored), since apply leaves them alone."""
    updates: dict[str, object] = {"version": None}
    for attribute in CONFIG_NAMES:
        config = getattr(provider, attribute)
        if config is None and fill_from is not None:
            config = getattr(fill_from, attribute)
        if config is not None:
            blank = {PROVIDER_SECRETS[attribute]: None}
            if isinstance(config, SendGridConfig):
                blank["api_base"] = None  # export.SERVICE_CHOSEN
            config = config.model_copy(update=blank)
        updates[attribute] = config
    return provider.model_copy(update=updates)


def _secret_lines(
    current: EmailProvider, desired: DesiredProvider, compare: SecretComparer | None
) -> tuple[list[str], set[str]]:
    stored = stored_secrets(current)
    given = stored_secrets(desired.provider)
    lines: list[str] = []
    changed: set[str] = set()
    to_ask = {name: value for name, value in given.items() if stored.get(name) == SECRET_MASK}
    answers = compare(to_ask) if to_ask and compare is not None else None
    for secret_field, variable in desired.variables.items():
        config_name = secret_field.split(".")[0]
        if secret_field not in stored:
            verdict = "will be set"
        elif secret_field in desired.unset:
            verdict = f"will be set (${{{variable}}} is not set here, so it cannot be compared)"
        elif stored[secret_field] != SECRET_MASK:
            verdict = "unchanged" if stored[secret_field] == given[secret_field] else "changed"
        elif answers is not None and secret_field in answers:
            verdict = "unchanged" if answers[secret_field] else "changed"
        else:
            verdict = "will be set (the backend does not show it, so it cannot be compared)"
        if verdict != "unchanged":
            lines.append(f"~ {secret_field}: {verdict}")
            changed.add(config_name)
    for secret_field in stored:
        config_name = secret_field.split(".")[0]
        if secret_field not in desired.variables and config_name in desired.file.data:
            lines.append(f"~ {secret_field}: will be removed (the file sets none)")
            changed.add(config_name)
    return lines, changed


def _secret_comparer(client: ManagementClient, current: EmailProvider) -> SecretComparer | None:
    """How to ask the backend whether secrets are the stored ones, when it can tell (else None)."""
    if SECRET_MASK not in stored_secrets(current).values():
        return None
    info = client.service_info()
    if info is None or Extension.SECRET_COMPARISON not in info.extensions:
        return None
    return client.compare_provider_secrets


def _unreadable_provider(desired: DesiredProvider) -> ProviderPlan:
    wire = desired.file.data.get("smtpConfig") or {}
    lines = [f"= smtpConfig.{name}: {value}" for name, value in wire.items() if "${" not in str(value)]
    lines += [f"~ {name}: will be set" for name in desired.variables]
    lines.append("(the SMTP set-up API cannot be read back: every apply sends these settings)")
    return ProviderPlan(None, None, desired, tuple(lines), ())
