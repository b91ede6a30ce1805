"""Which backend the configuration commands speak to: the same tenants as the console (``--tenant NAME`` of
``.streamlit/secrets.toml``, else the ``MAILCONSOLE_*`` environment), or an embedded service's data dir, which is
served in this process for the length of the command."""

from __future__ import annotations

import getpass
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from mailconsole.console.session import Connection, connect
from mailconsole.console.tenants import EMBEDDED, SECRETS_FILE, ConfigError, tenants_from
from mailconsole.service.embedded import start_service
from mailconsole.service.settings import ServiceSettings


def command_actor() -> str:
    """Who the backend's audit trail names for a command's changes."""
    try:
        return f"mailconsole apply ({getpass.getuser()})"
    except (KeyError, OSError):
        return "mailconsole apply"


@contextmanager
def open_backend(
    *, tenant: str | None, data_dir: Path | None, env: Mapping[str, str], secrets_file: Path = Path(SECRETS_FILE)
) -> Iterator[Connection]:
    """The connection to the chosen backend; ConfigError says what to set when none (or a wrong one) is chosen."""
    if data_dir is not None:
        if tenant:
            raise ConfigError("Give --tenant or --data-dir, not both.")
        service = start_service(ServiceSettings(data_dir=data_dir))
        try:
            connection = connect(EMBEDDED, actor=command_actor(), embedded=lambda: (service, data_dir))
            yield connection
            connection.close()
        finally:
            service.stop()
        return
    tenants, problems = tenants_from(env, _secrets(secrets_file))
    if tenant:
        chosen = next((item for item in tenants if item.name == tenant), None)
        if chosen is None:
            names = ", ".join(item.name for item in tenants) or "none"
            raise ConfigError(f"No tenant is named {tenant!r} (configured: {names}); see {secrets_file}.")
    elif tenants:
        chosen = tenants[0]
    else:
        hint = f" ({'; '.join(problems)})" if problems else ""
        raise ConfigError(
            "No backend is configured: give --tenant NAME (a tenant of .streamlit/secrets.toml), set "
            f"MAILCONSOLE_API_HOST and the user pool's id and secret, or give --data-dir{hint}."
        )
    connection = connect(chosen, actor=command_actor())
    try:
        yield connection
    finally:
        connection.close()


def _secrets(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        raise ConfigError(f"{path} could not be read; check that it is valid TOML.") from None
