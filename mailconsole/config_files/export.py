"""``mailconsole export``: a tenant's provider settings and templates as the files of ``files``.

Secrets never reach a file: each stored secret (its value, or the mask a backend answers in its place) becomes a
reference to the environment variable ``apply`` will read it from. Templates at their built-in default are left
out (``all_templates`` keeps them): a template without a file is the built-in one.
"""

from __future__ import annotations

from typing import Any

from mailconsole.changes import template_changes
from mailconsole.client import ManagementClient
from mailconsole.config_files.files import (
    PROVIDER_FILE,
    SECRET_VARIABLES,
    TEMPLATE_FIELDS,
    dump_yaml,
    reference,
    template_paths,
)
from mailconsole.i18n import EN_US, Language
from mailconsole.models import EmailProvider, EmailTemplate, TemplateType
from mailconsole.service.defaults import default_template

# Chosen by the service when it saves (the API a SendGrid key is bound to), never by a request: not configuration.
SERVICE_CHOSEN = frozenset({"sendGridConfig.apiBase"})


def export_tenant(client: ManagementClient, *, all_templates: bool = False) -> dict[str, str]:
    """The files of a GenAuth-compatible tenant, by relative path."""
    return export_files(
        client.get_email_provider(),
        client.get_email_templates().templates,
        all_templates=all_templates,
        language=builtin_language(client),
    )


def builtin_language(client: ManagementClient) -> Language:
    """The language of the backend's built-in mails: the embedded service says; others are taken as English."""
    info = client.service_info()
    return info.mail_language if info is not None else EN_US


def export_files(
    provider: EmailProvider,
    templates: list[EmailTemplate],
    *,
    all_templates: bool = False,
    language: Language = EN_US,
) -> dict[str, str]:
    files = {PROVIDER_FILE: provider_yaml(provider)}
    for template in sorted(templates, key=lambda item: str(item.type)):
        if template.type not in set(TemplateType):
            continue  # a type this release does not know cannot be applied either
        if all_templates or not is_builtin(template, language):
            files.update(template_files(template))
    return dict(sorted(files.items()))


def is_builtin(template: EmailTemplate, language: Language = EN_US) -> bool:
    """Whether the template is exactly its built-in default in ``language`` (version aside)."""
    return not template_changes(default_template(TemplateType(template.type), language=language), template)


def provider_wire(provider: EmailProvider) -> dict[str, Any]:
    """The settings by wire name in a fixed order, without the version and what the service chooses itself."""
    wire = provider.to_wire()
    wire.pop("version", None)
    ordered: dict[str, Any] = {"enabled": wire.pop("enabled"), "type": wire.pop("type", None)}
    if ordered["type"] is None:
        del ordered["type"]
    for config_name, config in wire.items():
        ordered[config_name] = {
            name: value for name, value in config.items() if f"{config_name}.{name}" not in SERVICE_CHOSEN
        }
    return ordered


def provider_yaml(provider: EmailProvider) -> str:
    wire = provider_wire(provider)
    used: list[str] = []
    for field, variable in SECRET_VARIABLES.items():
        config_name, secret_name = field.split(".")
        config = wire.get(config_name)
        if config is not None and config.get(secret_name):  # "" (no login) is no secret
            config[secret_name] = reference(variable)
            used.append(f"  {variable}  ({field})")
    comment = "The tenant's email provider settings (mailconsole export)."
    if used:
        comment += "\nSecrets are not in this file: `mailconsole apply` reads them from these environment variables:\n"
        comment += "\n".join(used)
    return dump_yaml(wire, comment=comment)


def template_files(template: EmailTemplate) -> dict[str, str]:
    """The field file and the body file of one template."""
    yaml_path, body_path = template_paths(template.type, template.tpl_engine)
    wire = template.to_wire()
    fields = {name: wire[name] for name in TEMPLATE_FIELDS if wire.get(name) is not None}
    comment = f"{template.type}: the body is {body_path.rpartition('/')[2]} beside this file."
    return {yaml_path: dump_yaml(fields, comment=comment), body_path: template.content}
