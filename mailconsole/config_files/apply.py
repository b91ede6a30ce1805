"""``mailconsole apply``: check everything a directory asks for, then write the plan.

Before anything is written, every value goes through the checks the API itself makes (the same pydantic models,
the service's provider validation, each template's compile and bounded trial render) and every referenced secret
must be set: one fault, and nothing is changed. The writes then send the version each item was planned against;
a change made meanwhile stops the apply with ``ApplyConflict``, which shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from mailconsole.client import ManagementClient, SmtpSetupClient
from mailconsole.config_files.desired import DesiredConfig, DesiredProvider, DesiredTemplate, validation_problems
from mailconsole.config_files.plan import CONFIG_NAMES, Plan, ProviderPlan, TemplatePlan, other_configs
from mailconsole.console.saving import provider_differences, template_diff
from mailconsole.errors import ConflictError
from mailconsole.models import (
    PROVIDER_SECRETS,
    ConfigEmailProviderRequest,
    EmailProvider,
    EmailTemplate,
    ProviderType,
    SmtpConfig,
    SmtpSetupRequest,
    UpdateEmailTemplateRequest,
)
from mailconsole.secret_reuse import DEFAULT_SENDGRID_API_BASE
from mailconsole.service.envelope import ServiceError
from mailconsole.service.provider_settings import CONFIG_FIELDS, apply_provider_request
from mailconsole.service.templates import checked_template

CONFIG_FIELDS_BY_NAME = {wire_name: kind for kind, (wire_name, _) in CONFIG_FIELDS.items()}
_REQUEST_FIELDS = tuple(ConfigEmailProviderRequest.model_fields)
# Stands in for a secret whose variable is not set, so that the other checks of its settings still run.
_UNSET = "unset-variable"


class ApplyConflict(Exception):
    """Someone changed an item after it was planned; the message shows what, and what was applied before."""


def check_config(desired: DesiredConfig, *, secrets_needed: bool = True) -> list[str]:
    """Every reason not to apply, by file and line; an empty list: everything passes the API's checks. An unset
    secret counts only with ``secrets_needed`` (``plan`` runs without the secrets)."""
    problems: list[str] = []
    if desired.provider is not None:
        problems += _provider_problems(desired.provider, secrets_needed)
    for item in desired.templates.values():
        problems += _template_problems(item)
    return problems


def _provider_problems(desired: DesiredProvider, secrets_needed: bool) -> list[str]:
    file = desired.file
    problems = (
        []
        if not secrets_needed
        else [
            f"{file.where(name)}: ${{{desired.variables[name]}}} is not set in the environment; set it to the secret "
            "before applying."
            for name in desired.unset
        ]
    )
    if desired.provider.type is None:
        return [*problems, f"{file.path}: type is missing; use one of {', '.join(ProviderType)}."]
    filled = desired.provider
    for name in desired.unset:  # the other checks still run, with a stand-in for the secret
        attribute = _attribute(name.split(".")[0])
        config = getattr(filled, attribute)
        filled = filled.model_copy(update={attribute: config.model_copy(update={PROVIDER_SECRETS[attribute]: _UNSET})})
    for config_name in [*other_configs(filled, desired.file.data), None]:
        problems += _request_problems(desired, filled, config_name)
    return problems


def _attribute(config_name: str) -> str:
    return next(attribute for attribute, name in CONFIG_NAMES.items() if name == config_name)


def provider_request(
    provider: EmailProvider, config_name: str | None, *, version: int | None = None
) -> ConfigEmailProviderRequest:
    """The request that writes another type's settings (``config_name``), with the provider off, since the API
    stores only the settings of the type it is given; or (None) the file's type and ``enabled`` with the active
    type's settings, the last write."""
    if config_name is None:
        body = {"type": provider.type, "enabled": provider.enabled}
        if isinstance(provider.type, ProviderType):
            wire_name, attribute = CONFIG_FIELDS[provider.type]
            config = getattr(provider, attribute)
            if config is not None:
                body[wire_name] = config.to_wire()
    else:
        body = {"type": CONFIG_FIELDS_BY_NAME[config_name], "enabled": False}
        body[config_name] = getattr(provider, _attribute(config_name)).to_wire()
    return ConfigEmailProviderRequest.model_validate({**body, "version": version})


def _request_problems(desired: DesiredProvider, provider: EmailProvider, config_name: str | None) -> list[str]:
    try:
        request = provider_request(provider, config_name)
        apply_provider_request(EmailProvider(enabled=False), request, sendgrid_api_base=DEFAULT_SENDGRID_API_BASE)
    except ValidationError as err:
        return validation_problems(desired.file, err)
    except ServiceError as err:
        dotted = str(err.message).split(" ")[0].rstrip(":.")
        # Settings the file lacks are required by its type: point there.
        where = dotted if dotted.split(".")[0] in desired.file.lines else "type"
        return [f"{desired.file.where(where)}: {err.message}"]
    return []


def _template_problems(item: DesiredTemplate) -> list[str]:
    wire = item.template.to_wire()
    wire.pop("version", None)
    try:
        checked_template(UpdateEmailTemplateRequest.model_validate(wire))
    except ValidationError as err:
        return validation_problems(item.file, err)
    except ServiceError as err:
        field, _, message = str(err.message).partition(": ")
        if field == "content":
            return [f"{item.body_path}: {message}"]
        return [f"{item.file.where(field.split(' ')[0])}: {err.message}"]
    return []


# ---- writing -------------------------------------------------------------------------------------------------


def apply_plan(client: ManagementClient, plan: Plan, report: Callable[[str], None] = print) -> None:
    """Write what the plan changes, each item based on the version it was planned against; ``report`` hears of
    each write. ApplyConflict when an item changed since (what was written before it stays written)."""
    if plan.provider is not None and plan.provider.lines:
        _apply_provider(client, plan.provider)
        report("provider: applied")
    for item in plan.templates:
        if item.lines:
            _apply_template(client, item)
            report(f"template {item.template_type.value}: applied")


def _apply_provider(client: ManagementClient, item: ProviderPlan) -> None:
    provider = item.desired.provider
    version = item.version
    for config_name in [*item.configs, None]:
        request = provider_request(provider, config_name, version=version)
        try:
            saved = client.config_email_provider(**{name: getattr(request, name) for name in _REQUEST_FIELDS})
        except ConflictError:
            current = client.get_email_provider()
            changes = "\n".join(f"  {line}" for line in provider_differences(item.current or current, current))
            raise ApplyConflict(
                f"The provider settings changed after the plan (version {item.version} was planned against, "
                f"{current.version} is stored now); nothing more was applied. What changed:\n{changes}\n"
                "Run `mailconsole plan` again."
            ) from None
        version = saved.version


def _apply_template(client: ManagementClient, item: TemplatePlan) -> None:
    try:
        save_template(client, item.desired, version=item.version)
    except ConflictError:
        current = next(t for t in client.get_email_templates().templates if t.type == item.desired.type)
        raise ApplyConflict(
            f"The template {item.template_type.value} changed after the plan (version {item.version} was planned "
            f"against, {current.version} is stored now); it and the items after it were not applied. What "
            f"changed:\n{template_diff(item.current, current)}\nRun `mailconsole plan` again."
        ) from None


def save_template(client: ManagementClient, template: EmailTemplate, *, version: int | None) -> EmailTemplate:
    """Save every field of ``template`` (of another tenant, or of the files), based on ``version``."""
    return client.update_email_template(
        type=template.type,
        customize_enabled=template.customize_enabled,
        name=template.name,
        subject=template.subject,
        sender=template.sender,
        content=template.content,
        expires_in=template.expires_in,
        redirect_to=template.redirect_to,
        tpl_engine=template.tpl_engine,
        version=version,
    )


def apply_smtp_setup(client: SmtpSetupClient, desired: DesiredProvider) -> None:
    """The SMTP set-up API takes custom SMTP settings only (and turns them on)."""
    config = desired.provider.smtp_config
    if config is None:
        raise ValueError(f"{desired.file.path}: an SMTP set-up backend takes smtpConfig only; write one.")
    client.configure_smtp(smtp_setup_request(config))


def smtp_setup_request(config: SmtpConfig) -> SmtpSetupRequest:
    return SmtpSetupRequest.model_validate(
        {
            "host": config.smtp_host,
            "port": config.smtp_port,
            "from": config.from_address or config.sender or "",
            "ssl": config.secure,
            "starttls": config.starttls,
            "user": config.sender,
            "password": config.sender_pass,
            "fromDisplayName": config.from_display_name,
            "replyTo": config.reply_to,
            "replyToDisplayName": config.reply_to_display_name,
            "envelopeFrom": config.envelope_from,
        }
    )
