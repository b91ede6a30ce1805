"""Which tenants the console can administer, read from the environment and ``.streamlit/secrets.toml``.

The same ``MAILCONSOLE_*`` keys describe a tenant in the environment and at the top level of secrets.toml
(``TenantVariables``); any number of named tenants are tables of secrets.toml::

    default_tenant = "acme"            # optional: which one a new session starts with

    [tenants.acme]
    kind = "genauth"                   # GenAuth cloud, a private deployment or `mailconsole serve`
    api_host = "https://api.genauth.ai"
    userpool_id = "..."
    userpool_secret = "..."
    app_id = "..."                     # optional: needed for test sends
    app_host = "https://acme.genauth.ai"   # optional: defaults to api_host
    allow_insecure_http = false        # optional

    [tenants.eu-shift]
    kind = "smtp_setup"                # only the SMTP settings page applies
    form = "shift"                     # or "ssms"
    host = "https://idp.example.com"
    tenant_id = "..."
    token = "..."

Precedence: secrets.toml > the environment > the default. A session starts with ``default_tenant`` of secrets.toml,
else the tenant of secrets.toml's flat keys, else its first table, else the environment's tenant; a name given by
both keeps secrets.toml's. With none configured, the embedded service (``EMBEDDED``), whose user pool is the one
``MAILCONSOLE_USERPOOL_ID`` names or the one it generated (as for ``mailconsole serve``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mailconsole.i18n import Text, localized
from mailconsole.service.settings import DEFAULT_DATA_DIR

SECRETS_FILE = ".streamlit/secrets.toml"


class TenantKind(StrEnum):
    GENAUTH = "genauth"  # GenAuth cloud, a private deployment, or a team's `mailconsole serve`
    SMTP_SETUP = "smtp_setup"  # the SMTP set-up API of the second backend: its SMTP settings only
    EMBEDDED = "embedded"  # the email service started inside the console's own process


class ConfigError(ValueError):
    """A tenant's settings are incomplete or contradictory; the message says what to set (``text``: in either
    language when the console raised it, plain English from the command line's checks)."""

    def __init__(self, message: str | Text) -> None:
        super().__init__(str(message))
        self.text = message


class ConsoleSettings(BaseSettings):
    """The console's own settings, from ``MAILCONSOLE_*`` in the environment; defaults shared with the service."""

    model_config = SettingsConfigDict(env_prefix="MAILCONSOLE_", extra="ignore", env_ignore_empty=True)

    # Where the embedded service keeps its state, when the console starts it.
    data_dir: Path = DEFAULT_DATA_DIR


def _flag(value: Any) -> Any:
    """An unset or empty flag is off; otherwise pydantic's reading of a bool (true/false, 1/0, yes/no, on/off)."""
    return False if value is None or value == "" else value


Flag = Annotated[bool, BeforeValidator(_flag)]
_TEXT = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True, coerce_numbers_to_str=True)


class TenantConfig(BaseModel):
    """One configured tenant. Secrets are kept out of ``repr`` so that a log line never carries them."""

    model_config = _TEXT

    name: str
    kind: TenantKind = TenantKind.GENAUTH
    source: str = ""
    api_host: str = ""
    userpool_id: str = ""
    userpool_secret: str = Field(default="", repr=False)
    app_id: str = ""
    app_host: str = ""
    form: str = ""
    host: str = ""
    tenant_id: str = ""
    token: str = Field(default="", repr=False)
    allow_insecure_http: Flag = False

    @field_validator("kind", "form", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() or None if isinstance(value, str) else value

    def model_post_init(self, context: Any) -> None:
        if self.kind is TenantKind.SMTP_SETUP and not self.form:
            object.__setattr__(self, "form", "shift")


EMBEDDED = TenantConfig(name="built-in", kind=TenantKind.EMBEDDED, source="embedded default")


class TenantVariables(BaseModel):
    """The ``MAILCONSOLE_*`` keys that describe one tenant, in the environment or at the top of secrets.toml."""

    model_config = ConfigDict(
        **_TEXT, alias_generator=lambda field: f"MAILCONSOLE_{field.upper()}", populate_by_name=True
    )

    tenant_name: str = ""
    api_host: str = ""
    userpool_id: str = ""
    userpool_secret: str = Field(default="", repr=False)
    app_id: str = ""
    app_host: str = ""
    allow_insecure_http: Flag = False
    smtp_setup_form: str = ""
    smtp_setup_host: str = ""
    smtp_setup_tenant: str = ""
    smtp_setup_token: str = Field(default="", repr=False)

    def tenant(self, source: str) -> TenantConfig | None:
        """The tenant these keys describe: a GenAuth-compatible API, an SMTP set-up API, or none."""
        common = {"name": self.tenant_name or "default", "source": source}
        if self.api_host:
            return TenantConfig(
                **common,
                kind=TenantKind.GENAUTH,
                api_host=self.api_host,
                userpool_id=self.userpool_id,
                userpool_secret=self.userpool_secret,
                app_id=self.app_id,
                app_host=self.app_host,
                allow_insecure_http=self.allow_insecure_http,
            )
        if self.smtp_setup_host:
            return TenantConfig(
                **common,
                kind=TenantKind.SMTP_SETUP,
                form=self.smtp_setup_form or "shift",
                host=self.smtp_setup_host,
                tenant_id=self.smtp_setup_tenant,
                token=self.smtp_setup_token,
                allow_insecure_http=self.allow_insecure_http,
            )
        return None


def tenants_from(env: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[list[TenantConfig], list[str]]:
    """``tenants_and_problems`` with the problems in English."""
    tenants, problems = tenants_and_problems(env, secrets)
    return tenants, [str(problem) for problem in problems]


def tenants_and_problems(env: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[list[TenantConfig], list[Text]]:
    """Every configured tenant, in order of precedence (secrets.toml's flat keys and ``[tenants.*]``, then the
    environment; ``default_tenant`` first), and the problems found. An empty list means nothing is configured: the
    console then uses the embedded service.
    """
    problems: list[Text] = []
    flat_secrets = _flat_tenant(secrets, SECRETS_FILE, problems)
    tenants = [tenant for tenant in (flat_secrets,) if tenant is not None]
    tenants += _table_tenants(secrets, problems)
    tenants += [tenant for tenant in (_flat_tenant(env, "environment", problems),) if tenant is not None]
    unique = _first_of_each_name(tenants, problems)
    return _default_first(unique, str(secrets.get("default_tenant") or "").strip(), problems), problems


def _flat_tenant(values: Mapping[str, Any], source: str, problems: list[Text]) -> TenantConfig | None:
    try:
        return TenantVariables.model_validate(values).tenant(source)
    except ValidationError as err:
        problems.append(localized("{source}: {fault}", source=source, fault=_first_fault(err)))
        return None


def _table_tenants(secrets: Mapping[str, Any], problems: list[Text]) -> list[TenantConfig]:
    tenants: list[TenantConfig] = []
    tables = secrets.get("tenants")
    if tables is not None and not isinstance(tables, Mapping):
        problems.append(
            localized("{file}: 'tenants' must be a table of tables, such as [tenants.acme].", file=SECRETS_FILE)
        )
    for name, table in tables.items() if isinstance(tables, Mapping) else ():
        if not isinstance(table, Mapping):
            problems.append(localized("{file}: tenants.{name} must be a table.", file=SECRETS_FILE, name=name))
            continue
        try:
            tenants.append(TenantConfig.model_validate({**table, "name": str(name), "source": SECRETS_FILE}))
        except ValidationError as err:
            problems.append(localized("Tenant {name} {fault}", name=repr(str(name)), fault=_first_fault(err)))
    return tenants


def _first_of_each_name(tenants: list[TenantConfig], problems: list[Text]) -> list[TenantConfig]:
    seen: dict[str, TenantConfig] = {}
    for tenant in tenants:
        first = seen.setdefault(tenant.name, tenant)
        # Streamlit copies top-level secrets into the environment: the same tenant twice is no conflict.
        if first is not tenant and first.model_copy(update={"source": ""}) != tenant.model_copy(update={"source": ""}):
            problems.append(
                localized(
                    "Two tenants are named {name}; the first one ({source}) is used.",
                    name=repr(tenant.name),
                    source=first.source,
                )
            )
    return list(seen.values())


def _default_first(tenants: list[TenantConfig], default: str, problems: list[Text]) -> list[TenantConfig]:
    if not default:
        return tenants
    chosen = [tenant for tenant in tenants if tenant.name == default]
    if not chosen:
        problems.append(
            localized(
                "{file}: default_tenant {name} names no configured tenant.", file=SECRETS_FILE, name=repr(default)
            )
        )
        return tenants
    return chosen + [tenant for tenant in tenants if tenant.name != default]


def _first_fault(err: ValidationError) -> Text:
    """The first fault in words: ``has kind 'pigeon'; use one of ...``, or ``MAILCONSOLE_X: <pydantic's words>``
    (pydantic's own words stay English)."""
    fault = err.errors()[0]
    where = ".".join(str(part) for part in fault["loc"]) or "value"
    if where == "kind":
        return localized(
            "has kind {kind}; use one of {kinds}.", kind=repr(fault.get("input")), kinds=", ".join(TenantKind)
        )
    return localized(
        "has {key} {value}: {problem}.", key=where, value=repr(fault.get("input")), problem=fault["msg"].lower()
    )
