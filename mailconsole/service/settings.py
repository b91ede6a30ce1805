"""Settings of the embedded service, from the environment (``MAILCONSOLE_*``) or given by the caller."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from mailconsole.addresses import is_loopback
from mailconsole.destinations import AllowPrivate, DestinationPolicy, destination_policy, parse_allow_private
from mailconsole.i18n import DEFAULT_LANGUAGE, Language, parse_language

# The embedded service's state, relative to the working directory; the console's embedded default uses it too.
DEFAULT_DATA_DIR = Path(".mailconsole")


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILCONSOLE_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    # The key that seals stored secrets; unset: a key file made in data_dir (owner-only) on first start.
    secret_key: SecretStr | None = None
    # A PostgreSQL database that replicas share (postgresql://user:password@host:port/database); unset: SQLite in
    # data_dir. With it, secret_key must be set (every replica seals with the same key; none makes a key file).
    database_url: SecretStr | None = None
    # The first user pool and its application; generated and kept in the data dir when unset.
    userpool_id: str | None = None
    userpool_secret: str | None = None
    app_id: str | None = None
    app_name: str = "Mail Console"
    # The language of the built-in mails of a pool this service creates (kept with the pool; an existing pool keeps
    # its own). zh-CN as on the platform; the console's embedded service takes the console's language.
    pool_language: Language = DEFAULT_LANGUAGE

    token_ttl: int = 7200  # seconds, as GenAuth's management tokens
    send_interval: int = 60  # one mail per mailbox per channel per this many seconds
    # Ten wrong access key secrets from one address within this many seconds lock that address out for the rest.
    secret_failure_window: float = 60.0
    smtp_timeout: float = 10.0
    # Connection tests per tenant per minute: each one connects where the tenant says.
    connection_tests_per_minute: int = 10

    # Where the service listens; ``mailconsole serve`` and ``start_service`` fill it in. Unknown counts as public.
    listen_host: str | None = None
    # Mail servers at loopback, private, link-local and other special addresses: true, false, or a comma-separated
    # list of allowed hosts and networks. Unset: allowed only while the service listens on loopback.
    smtp_allow_private: Annotated[AllowPrivate, NoDecode] = None
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses or networks);
    # unset, the client address is the socket's peer, so no caller can choose its own.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    # /docs, /redoc and /openapi.json; unset, served only while the service listens on loopback.
    api_docs: bool | None = None
    # Vendor presets; overridable so that tests can point them at a local server.
    ali_smtp_host: str = "smtp.qiye.aliyun.com"
    ali_smtp_port: int = 465
    qq_smtp_host: str = "smtp.exmail.qq.com"
    qq_smtp_port: int = 465
    sendgrid_api_base: str = "https://api.sendgrid.com"
    # From address of the built-in mail service (it only writes to the local outbox).
    builtin_from: str = "no-reply@mailconsole.localhost"

    @field_validator("smtp_allow_private", mode="before")
    @classmethod
    def _allow_private(cls, value: object) -> AllowPrivate:
        return parse_allow_private(value)

    @field_validator("pool_language", mode="before")
    @classmethod
    def _pool_language(cls, value: object) -> Language:
        language = parse_language(str(value))
        if language is None:
            raise ValueError(
                f"MAILCONSOLE_POOL_LANGUAGE: {value!r} is not a language of the platform; use zh-CN or en-US"
            )
        return language

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ValueError("MAILCONSOLE_TRUSTED_PROXIES: give addresses or networks, separated by commas")
        proxies = tuple(str(item).strip() for item in items if str(item).strip())
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    f"MAILCONSOLE_TRUSTED_PROXIES: {proxy!r} is not an address or network (such as 10.0.0.2 or "
                    "10.0.0.0/24)"
                ) from None
        return proxies

    @property
    def listens_on_loopback(self) -> bool:
        return self.listen_host is not None and is_loopback(self.listen_host)

    @property
    def destinations(self) -> DestinationPolicy:
        return destination_policy(self.smtp_allow_private, loopback_only=self.listens_on_loopback)

    @property
    def serves_api_docs(self) -> bool:
        return self.listens_on_loopback if self.api_docs is None else self.api_docs

    def uvicorn_options(self) -> dict[str, Any]:
        """How uvicorn finds the client address: X-Forwarded-* only from the named proxies (uvicorn's own default
        believes anyone on loopback, so a local caller could choose its address and dodge the throttles)."""
        if not self.trusted_proxies:
            return {"proxy_headers": False}
        return {"proxy_headers": True, "forwarded_allow_ips": list(self.trusted_proxies)}

    @property
    def database_path(self) -> Path:
        return self.data_dir / "mailconsole.sqlite3"

    @property
    def database(self) -> Path | str:
        """What the store opens: the database URL when one is set, else the SQLite file in the data dir."""
        return self.database_url.get_secret_value() if self.database_url else self.database_path


def console_service_settings(data_dir: Path, console_language: Language) -> ServiceSettings:
    """The settings of the console's embedded service: a pool it creates writes its mails in the console's
    language, unless MAILCONSOLE_POOL_LANGUAGE names another."""
    settings = ServiceSettings(data_dir=data_dir)
    if "pool_language" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"pool_language": console_language})
