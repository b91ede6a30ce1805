"""What a configuration directory asks for: its files read into the API's own models, every fault found named by
file and line. A secret is read from the environment variable its reference names (``${SMTP_PASSWORD}``); the
directory never holds one, and a value or the mask in a secret field is refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from mailconsole.config_files.export import SERVICE_CHOSEN
from mailconsole.config_files.files import (
    BODY_SUFFIXES,
    PROVIDER_FILE,
    SECRET_VARIABLES,
    TEMPLATE_FIELDS,
    TEMPLATES_DIR,
    ConfigFileError,
    YamlFile,
    load_yaml,
    referenced_variable,
    template_paths,
)
from mailconsole.models import (
    PROVIDER_CONFIGS,
    SECRET_MASK,
    EmailProvider,
    EmailTemplate,
    ExmailConfig,
    SendGridConfig,
    SmtpConfig,
    TemplateEngine,
    TemplateType,
)

_CONFIG_MODELS: dict[str, type[BaseModel]] = {
    "smtpConfig": SmtpConfig,
    "sendGridConfig": SendGridConfig,
    "aliExmailConfig": ExmailConfig,
    "tencentExmailConfig": ExmailConfig,
}
PROVIDER_KEYS = ("enabled", "type", *_CONFIG_MODELS)
assert len(_CONFIG_MODELS) == len(PROVIDER_CONFIGS)


@dataclass
class DesiredProvider:
    file: YamlFile
    provider: EmailProvider  # a secret whose variable is not set is None here
    variables: dict[str, str] = field(default_factory=dict)  # secret field -> the variable it is read from
    unset: list[str] = field(default_factory=list)  # secret fields whose variable is not set


@dataclass
class DesiredTemplate:
    file: YamlFile
    body_path: str
    template: EmailTemplate


@dataclass
class DesiredConfig:
    provider: DesiredProvider | None = None
    templates: dict[TemplateType, DesiredTemplate] = field(default_factory=dict)


def load_config(files: Mapping[str, str], env: Mapping[str, str]) -> tuple[DesiredConfig, list[str]]:
    """The directory's desired state and every problem found in it (an empty list: it can be planned)."""
    problems: list[str] = []
    config = DesiredConfig()
    if PROVIDER_FILE in files:
        config.provider = _guarded(problems, lambda: _load_provider(files[PROVIDER_FILE], env, problems))
    for path in sorted(files):
        folder, _, name = path.partition("/")
        if folder == TEMPLATES_DIR and name.endswith(".yaml"):
            loaded = _guarded(problems, lambda path=path: _load_template(path, files, problems))
            if loaded is not None:
                config.templates[TemplateType(loaded.template.type)] = loaded
    _orphan_bodies(files, problems)
    return config, problems


def _guarded(problems: list[str], load: Any) -> Any:
    try:
        return load()
    except ConfigFileError as err:
        problems.append(str(err))
        return None


# ---- provider.yaml -------------------------------------------------------------------------------------------


def _load_provider(text: str, env: Mapping[str, str], problems: list[str]) -> DesiredProvider | None:
    file = load_yaml(PROVIDER_FILE, text)
    data = file.data
    found = len(problems)
    _unknown_keys(file, data, PROVIDER_KEYS, "", problems)
    for config_name, model in _CONFIG_MODELS.items():
        config = data.get(config_name)
        if isinstance(config, dict):
            known = [name for name in _wire_names(model) if f"{config_name}.{name}" not in SERVICE_CHOSEN]
            _unknown_keys(file, config, known, f"{config_name}.", problems)
    desired = DesiredProvider(file, EmailProvider(enabled=False))
    resolved = {name: dict(value) if isinstance(value, dict) else value for name, value in data.items()}
    for secret_field, suggested in SECRET_VARIABLES.items():
        config_name, secret_name = secret_field.split(".")
        config = resolved.get(config_name)
        if not isinstance(config, dict) or secret_name not in config or config[secret_name] in ("", None):
            continue
        variable = referenced_variable(config[secret_name])
        if variable is None:
            what = "the mask the backend shows" if config[secret_name] == SECRET_MASK else "a value"
            problems.append(
                f"{file.where(secret_field)}: {secret_field} holds {what}; write a reference to an environment "
                f"variable instead (${{{suggested}}}), so that no secret is kept in the files."
            )
            continue
        desired.variables[secret_field] = variable
        config[secret_name] = env.get(variable) or None
        if config[secret_name] is None:
            desired.unset.append(secret_field)
    if len(problems) > found:
        return None
    try:
        desired.provider = EmailProvider.model_validate(resolved)
    except ValidationError as err:
        problems.extend(validation_problems(file, err))
        return None
    return desired


# ---- templates/<TYPE>.yaml and its body ----------------------------------------------------------------------


def _load_template(path: str, files: Mapping[str, str], problems: list[str]) -> DesiredTemplate | None:
    type_name = path.removeprefix(f"{TEMPLATES_DIR}/").removesuffix(".yaml")
    if type_name not in TemplateType.__members__:
        raise ConfigFileError(
            f"{path}: no template type is called {type_name!r}; the file names are the types, such as "
            f"{TEMPLATES_DIR}/LOGIN_VERIFY_CODE.yaml."
        )
    file = load_yaml(path, files[path])
    found = len(problems)
    _unknown_keys(file, file.data, TEMPLATE_FIELDS, "", problems)
    engine_value = file.data.get("tplEngine", TemplateEngine.HANDLEBAR.value)
    if engine_value not in set(TemplateEngine):
        raise ConfigFileError(
            f"{file.where('tplEngine')}: tplEngine is {engine_value!r}; use "
            f"{' or '.join(engine.value for engine in TemplateEngine)}."
        )
    _, body_path = template_paths(type_name, engine_value)
    if body_path not in files:
        raise ConfigFileError(f"{path}: its body {body_path} is missing (tplEngine is {engine_value}).")
    if len(problems) > found:
        return None
    fields = {"type": type_name, "content": files[body_path], **file.data}
    try:
        template = EmailTemplate.model_validate(fields)
    except ValidationError as err:
        problems.extend(validation_problems(file, err))
        return None
    return DesiredTemplate(file, body_path, template)


def _orphan_bodies(files: Mapping[str, str], problems: list[str]) -> None:
    """A body whose field file is missing or names the other engine would be silently ignored: say so."""
    for path in sorted(files):
        stem, _, suffix = path.rpartition(".")
        if not path.startswith(f"{TEMPLATES_DIR}/") or suffix not in BODY_SUFFIXES.values():
            continue
        yaml_path = f"{stem}.yaml"
        if yaml_path not in files:
            problems.append(f"{path}: no {yaml_path} beside it; write one (name, subject, sender...) or remove it.")
            continue
        try:
            engine = load_yaml(yaml_path, files[yaml_path]).data.get("tplEngine", TemplateEngine.HANDLEBAR.value)
        except ConfigFileError:
            continue  # reported with the field file
        if engine in set(TemplateEngine) and BODY_SUFFIXES[TemplateEngine(engine)] != suffix:
            problems.append(
                f"{path}: {yaml_path} says tplEngine {engine}, whose body is .{BODY_SUFFIXES[TemplateEngine(engine)]}:"
                " remove one of the two bodies, or change tplEngine."
            )


# ---- shared --------------------------------------------------------------------------------------------------


def _wire_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _unknown_keys(file: YamlFile, data: Mapping[Any, Any], known: Any, prefix: str, problems: list[str]) -> None:
    for key in data:
        if key not in known:
            problems.append(
                f"{file.where(f'{prefix}{key}')}: unknown field {prefix}{key}; the fields are {', '.join(known)}."
            )


def validation_problems(file: YamlFile, err: ValidationError) -> list[str]:
    """Pydantic's faults, each with the file and line of its field (wire names, as in the file)."""
    problems = []
    for fault in err.errors():
        dotted = ".".join(str(part) for part in fault["loc"] if not isinstance(part, int))
        message = fault["msg"].removeprefix("Value error, ")
        problems.append(f"{file.where(dotted)}: {dotted or 'value'}: {message[:1].lower()}{message[1:]}.")
    return problems
