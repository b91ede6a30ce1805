"""Settings of the embedded service, from the environment (``MAILCONSOLE_*``) or given by the caller."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The embedded service's state, relative to the working directory; the console's embedded default uses it too.
DEFAULT_DATA_DIR = Path(".mailconsole")


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILCONSOLE_", extra="ignore")

    data_dir: Path = DEFAULT_DATA_DIR
    # The key that seals stored secrets; unset: a key file made in data_dir (owner-only) on first start.
    secret_key: SecretStr | None = None
    # The first user pool and its application; generated and kept in the data dir when unset.
    userpool_id: str | None = None
    userpool_secret: str | None = None
    app_id: str | None = None
    app_name: str = "Mail Console"

    token_ttl: int = 7200  # seconds, as GenAuth's management tokens
    send_interval: int = 60  # one mail per mailbox per channel per this many seconds
    # Ten wrong access key secrets from one address within this many seconds lock that address out for the rest.
    secret_failure_window: float = 60.0
    smtp_timeout: float = 10.0
    # Vendor presets; overridable so that tests can point them at a local server.
    ali_smtp_host: str = "smtp.qiye.aliyun.com"
    ali_smtp_port: int = 465
    qq_smtp_host: str = "smtp.exmail.qq.com"
    qq_smtp_port: int = 465
    sendgrid_api_base: str = "https://api.sendgrid.com"
    # From address of the built-in mail service (it only writes to the local outbox).
    builtin_from: str = "no-reply@mailconsole.localhost"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "mailconsole.sqlite3"
