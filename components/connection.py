"""Which backend and tenant this browser session speaks to, and the typed clients for it.

Where the tenants come from, first match wins for the default:

1. The environment: ``MAILCONSOLE_API_HOST``, ``MAILCONSOLE_USERPOOL_ID``, ``MAILCONSOLE_USERPOOL_SECRET``,
   ``MAILCONSOLE_APP_ID``, ``MAILCONSOLE_APP_HOST`` (a GenAuth-compatible backend: GenAuth cloud, a private
   deployment, a team's ``mailconsole serve``); or ``MAILCONSOLE_SMTP_SETUP_FORM`` (``ssms`` | ``shift``),
   ``MAILCONSOLE_SMTP_SETUP_HOST``, ``MAILCONSOLE_SMTP_SETUP_TENANT``, ``MAILCONSOLE_SMTP_SETUP_TOKEN`` (an SMTP
   set-up backend). ``MAILCONSOLE_TENANT_NAME`` names it (default ``default``); ``MAILCONSOLE_ALLOW_INSECURE_HTTP=1``
   allows plain http to a host that is not loopback.
2. ``.streamlit/secrets.toml``: the same ``MAILCONSOLE_*`` keys at the top level, and any number of named tenants::

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

3. Nothing configured: the embedded service is started inside this process on a loopback port (once per process,
   ``st.cache_resource``), with its data under ``MAILCONSOLE_DATA_DIR`` (default ``.mailconsole`` in the working
   directory), and the console connects to it like to any remote.

The clients of a tenant live in ``st.session_state`` (one set per browser session), never in a shared cache. The
management client names the session's signed-in administrator (``actor``) in every call, for the backend's audit
trail; another administrator in the session gets new clients.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from mailconsole import (
    APIConnectionError,
    AuthenticationClient,
    MailConsoleError,
    ManagementClient,
    SmtpSetupClient,
)
from mailconsole.models import ServiceInfo
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings

KIND_GENAUTH = "genauth"
KIND_SMTP_SETUP = "smtp_setup"
KIND_EMBEDDED = "embedded"
KINDS = (KIND_GENAUTH, KIND_SMTP_SETUP, KIND_EMBEDDED)

EMBEDDED_NAME = "built-in"
UNREACHABLE_PAUSE = 15.0  # seconds before asking a backend that did not answer what it is again
DEFAULT_DATA_DIR = ".mailconsole"

# Session-state keys of the pages; dropped when the session switches to another tenant.
PAGE_STATE_PREFIXES = ("prov.", "setup.", "tpl.", "send.", "outbox.", "audit.", "mc.flash")

_CONNECTION_KEY = "mc.connection"
_TENANT_KEY = "mc.tenant"
_CHOSEN_KEY = "mc.tenant_chosen"


class ConfigError(ValueError):
    """A tenant's settings are incomplete or contradictory; the message says what to set."""


@dataclass(frozen=True)
class TenantConfig:
    """One configured tenant. Secrets are kept out of ``repr`` so that a log line never carries them."""

    name: str
    kind: str
    source: str
    api_host: str = ""
    userpool_id: str = ""
    userpool_secret: str = field(default="", repr=False)
    app_id: str = ""
    app_host: str = ""
    form: str = ""
    host: str = ""
    tenant_id: str = ""
    token: str = field(default="", repr=False)
    allow_insecure_http: bool = False


# ---- reading the configuration (no UI) --------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _text(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    return str(value).strip() if value is not None else ""


def _flat_tenant(values: Mapping[str, Any], source: str) -> TenantConfig | None:
    """The tenant described by ``MAILCONSOLE_*`` keys (the environment, or the top level of secrets.toml)."""
    name = _text(values, "MAILCONSOLE_TENANT_NAME") or "default"
    insecure = _truthy(values.get("MAILCONSOLE_ALLOW_INSECURE_HTTP", False))
    if _text(values, "MAILCONSOLE_API_HOST"):
        return TenantConfig(
            name=name,
            kind=KIND_GENAUTH,
            source=source,
            api_host=_text(values, "MAILCONSOLE_API_HOST"),
            userpool_id=_text(values, "MAILCONSOLE_USERPOOL_ID"),
            userpool_secret=_text(values, "MAILCONSOLE_USERPOOL_SECRET"),
            app_id=_text(values, "MAILCONSOLE_APP_ID"),
            app_host=_text(values, "MAILCONSOLE_APP_HOST"),
            allow_insecure_http=insecure,
        )
    if _text(values, "MAILCONSOLE_SMTP_SETUP_HOST"):
        return TenantConfig(
            name=name,
            kind=KIND_SMTP_SETUP,
            source=source,
            form=_text(values, "MAILCONSOLE_SMTP_SETUP_FORM").lower() or "shift",
            host=_text(values, "MAILCONSOLE_SMTP_SETUP_HOST"),
            tenant_id=_text(values, "MAILCONSOLE_SMTP_SETUP_TENANT"),
            token=_text(values, "MAILCONSOLE_SMTP_SETUP_TOKEN"),
            allow_insecure_http=insecure,
        )
    return None


def _table_tenant(name: str, table: Mapping[str, Any], source: str) -> TenantConfig:
    kind = _text(table, "kind").lower() or KIND_GENAUTH
    if kind not in KINDS:
        raise ConfigError(f"Tenant {name!r} has kind {kind!r}; use one of {', '.join(KINDS)}.")
    return TenantConfig(
        name=name,
        kind=kind,
        source=source,
        api_host=_text(table, "api_host"),
        userpool_id=_text(table, "userpool_id"),
        userpool_secret=_text(table, "userpool_secret"),
        app_id=_text(table, "app_id"),
        app_host=_text(table, "app_host"),
        form=_text(table, "form").lower() or ("shift" if kind == KIND_SMTP_SETUP else ""),
        host=_text(table, "host"),
        tenant_id=_text(table, "tenant_id"),
        token=_text(table, "token"),
        allow_insecure_http=_truthy(table.get("allow_insecure_http", False)),
    )


def tenants_from(env: Mapping[str, str], secrets: Mapping[str, Any]) -> tuple[list[TenantConfig], list[str]]:
    """Every configured tenant, in order (environment, flat secrets, ``[tenants.*]``), and the problems found.

    An empty list means nothing is configured: the console then uses the embedded service.
    """
    tenants: list[TenantConfig] = []
    problems: list[str] = []
    for values, source in ((env, "environment"), (secrets, ".streamlit/secrets.toml")):
        tenant = _flat_tenant(values, source)
        if tenant is not None:
            tenants.append(tenant)
    tables = secrets.get("tenants")
    if tables is not None and not isinstance(tables, Mapping):
        problems.append("secrets.toml: 'tenants' must be a table of tables, such as [tenants.acme].")
    for name, table in (tables or {}).items() if isinstance(tables, Mapping) else ():
        if not isinstance(table, Mapping):
            problems.append(f"secrets.toml: tenants.{name} must be a table.")
            continue
        try:
            tenants.append(_table_tenant(str(name), table, ".streamlit/secrets.toml"))
        except ConfigError as err:
            problems.append(str(err))
    seen: dict[str, TenantConfig] = {}
    unique: list[TenantConfig] = []
    for tenant in tenants:
        first = seen.get(tenant.name)
        if first is not None:
            # Streamlit copies top-level secrets into the environment: the same tenant twice is no conflict.
            if replace(first, source="") != replace(tenant, source=""):
                problems.append(f"Two tenants are named {tenant.name!r}; the first one ({first.source}) is used.")
            continue
        seen[tenant.name] = tenant
        unique.append(tenant)
    default = _text(secrets, "default_tenant")
    if default:
        chosen = [tenant for tenant in unique if tenant.name == default]
        if chosen:
            unique = chosen + [tenant for tenant in unique if tenant.name != default]
        else:
            problems.append(f"secrets.toml: default_tenant {default!r} names no configured tenant.")
    return unique, problems


def read_secrets() -> tuple[dict[str, Any], str | None]:
    """The content of ``st.secrets`` as a plain dict, and a problem when the file exists but cannot be read.

    ``st.secrets`` raises when no secrets file exists; that simply means "nothing configured there".
    """
    try:
        return dict(st.secrets.to_dict()), None
    except Exception as err:
        if str(err).startswith("No secrets found"):
            return {}, None
        # Never echo the file: it holds secrets. Its path and the kind of fault are enough.
        return {}, "The secrets file (.streamlit/secrets.toml) could not be read; check that it is valid TOML."


def configured_tenants() -> tuple[list[TenantConfig], list[str]]:
    secrets, problem = read_secrets()
    tenants, problems = tenants_from(os.environ, secrets)
    if problem:
        problems.insert(0, problem)
    if not tenants:
        tenants = [TenantConfig(name=EMBEDDED_NAME, kind=KIND_EMBEDDED, source="embedded default")]
    return tenants, problems


def data_dir() -> Path:
    return Path(os.environ.get("MAILCONSOLE_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


# ---- the embedded service, once per process ---------------------------------------------------------------------


@st.cache_resource(show_spinner="Starting the built-in email service…")
def embedded_service(directory: str) -> RunningService:
    """The embedded service of this process. Every session of the process administers its one user pool, so it is
    shared; the clients that hold its credentials are still made per session."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    return start_service(ServiceSettings(data_dir=Path(directory)))


# ---- the connection of a session --------------------------------------------------------------------------------


@dataclass(eq=False)
class Connection:
    """The typed clients of one tenant, for one browser session, and that session's caches of its data."""

    tenant: TenantConfig
    actor: str | None = None
    management: ManagementClient | None = None
    authentication: AuthenticationClient | None = None
    smtp_setup: SmtpSetupClient | None = None
    embedded_data_dir: Path | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.tenant.kind

    @property
    def host(self) -> str:
        if self.management is not None:
            return self.management.host
        if self.smtp_setup is not None:
            return self.smtp_setup.host
        return ""

    @property
    def is_smtp_setup(self) -> bool:
        return self.smtp_setup is not None

    @property
    def tenant_id(self) -> str:
        return self.tenant.tenant_id if self.is_smtp_setup else (self.tenant.userpool_id or "")

    def service_info(self) -> ServiceInfo | None:
        """What the backend says it is (None: not the embedded service); raises MailConsoleError if unreachable."""
        if self.management is None:
            return None
        if "service_info" not in self.cache:
            self.cache["service_info"] = self.management.service_info()
        info: ServiceInfo | None = self.cache["service_info"]
        return info

    def extensions(self) -> frozenset[str]:
        """The backend's extensions beyond the GenAuth contract; empty when it cannot be asked right now.

        A backend that did not answer is not asked again for a few seconds, so that a page waits on it once per
        run at most (the page's own call reports the failure)."""
        if time.monotonic() < self.cache.get("unreachable_until", 0.0):
            return frozenset()
        try:
            info = self.service_info()
        except APIConnectionError:
            self.cache["unreachable_until"] = time.monotonic() + UNREACHABLE_PAUSE
            return frozenset()
        except MailConsoleError:
            return frozenset()
        return frozenset(info.extensions) if info else frozenset()

    def backend_label(self) -> str:
        if self.is_smtp_setup:
            return f"SMTP set-up API ({self.tenant.form.upper()} form)"
        if self.embedded_data_dir is not None:
            return "Built-in email service (embedded in this console)"
        host = urlsplit(self.host).hostname or ""
        if "service_info" in self.cache and self.cache["service_info"] is not None:
            return "mailconsole email service"
        if host == "api.genauth.ai" or host.endswith(".genauth.ai"):
            return "GenAuth cloud"
        if host == "api.authing.cn" or host.endswith(".authing.cn"):
            return "Authing cloud"
        return "GenAuth-compatible API (private deployment)"

    def close(self) -> None:
        for client in (self.management, self.authentication, self.smtp_setup):
            if client is not None:
                client.close()


def connect(tenant: TenantConfig, *, actor: str | None = None) -> Connection:
    """Make the clients of a tenant; ``actor`` (the signed-in admin's email) is named in every management call.
    ConfigError when the tenant's settings are incomplete; nothing is sent yet."""
    if tenant.kind == KIND_SMTP_SETUP:
        missing = [name for name in ("host", "tenant_id", "token") if not getattr(tenant, name)]
        if missing:
            raise ConfigError(f"The SMTP set-up tenant {tenant.name!r} needs {', '.join(missing)} as well.")
        if tenant.form not in ("ssms", "shift"):
            raise ConfigError(f"The SMTP set-up tenant {tenant.name!r} has form {tenant.form!r}; use ssms or shift.")
        try:
            client = SmtpSetupClient(
                form=tenant.form,  # type: ignore[arg-type]
                host=tenant.host,
                tenant_id=tenant.tenant_id,
                token=tenant.token,
                allow_insecure_http=tenant.allow_insecure_http,
            )
        except ValueError as err:
            raise ConfigError(f"Tenant {tenant.name!r}: {err}") from None
        return Connection(tenant=tenant, actor=actor, smtp_setup=client)

    embedded_dir: Path | None = None
    if tenant.kind == KIND_EMBEDDED:
        embedded_dir = data_dir()
        service = embedded_service(str(embedded_dir))
        tenant = TenantConfig(
            name=tenant.name,
            kind=KIND_EMBEDDED,
            source=tenant.source,
            api_host=service.base_url,
            userpool_id=service.userpool.id,
            userpool_secret=service.userpool.secret,
            app_id=service.userpool.app_id,
            app_host=service.base_url,
        )
    if not tenant.api_host:
        raise ConfigError(f"Tenant {tenant.name!r} needs an API host (api_host or MAILCONSOLE_API_HOST).")
    if not tenant.userpool_id or not tenant.userpool_secret:
        raise ConfigError(
            f"Tenant {tenant.name!r} needs its user pool id and secret "
            "(userpool_id and userpool_secret, or MAILCONSOLE_USERPOOL_ID and MAILCONSOLE_USERPOOL_SECRET)."
        )
    try:
        management = ManagementClient(
            tenant.api_host,
            tenant.userpool_id,
            tenant.userpool_secret,
            actor=actor,
            allow_insecure_http=tenant.allow_insecure_http,
        )
        authentication = (
            AuthenticationClient(
                tenant.app_id,
                tenant.app_host or tenant.api_host,
                allow_insecure_http=tenant.allow_insecure_http,
            )
            if tenant.app_id
            else None
        )
    except ValueError as err:
        raise ConfigError(f"Tenant {tenant.name!r}: {err}") from None
    return Connection(
        tenant=tenant,
        actor=actor,
        management=management,
        authentication=authentication,
        embedded_data_dir=embedded_dir,
    )


def _choose_tenant() -> None:
    st.session_state[_CHOSEN_KEY] = st.session_state[_TENANT_KEY]


def _drop_page_state() -> None:
    for key in list(st.session_state.keys()):
        if str(key).startswith(PAGE_STATE_PREFIXES):
            del st.session_state[key]


def setup_connection(*, actor: str | None = None) -> Connection:
    """For the entry file: the tenant switch and the backend/tenant badge in the sidebar, and this session's
    connection, whose management client names ``actor`` (the signed-in admin, ``sign_in.current_admin_email()``).
    A tenant that is configured wrongly stops the page with one sentence saying what to set."""
    tenants, problems = configured_tenants()
    by_name = {tenant.name: tenant for tenant in tenants}
    # The choice lives in a key of its own: a widget's fresh value does not survive st.switch_page, which the
    # overview uses to forward an SMTP set-up tenant to its one page.
    name = st.session_state.get(_CHOSEN_KEY)
    if name not in by_name:
        name = tenants[0].name
    st.session_state[_CHOSEN_KEY] = name
    with st.sidebar:
        if len(tenants) > 1:
            st.session_state[_TENANT_KEY] = name
            st.selectbox(
                "Tenant",
                options=list(by_name),
                key=_TENANT_KEY,
                on_change=_choose_tenant,
                help="The tenants configured in the environment and in .streamlit/secrets.toml.",
            )
        for problem in problems:
            st.warning(problem)
    chosen = by_name[name]

    connection: Connection | None = st.session_state.get(_CONNECTION_KEY)
    if (
        connection is None
        or connection.tenant.name != chosen.name
        or connection.tenant.source != chosen.source
        or connection.actor != actor
    ):
        if connection is not None:
            connection.close()
            _drop_page_state()
        try:
            connection = connect(chosen, actor=actor)
        except ConfigError as err:
            st.session_state.pop(_CONNECTION_KEY, None)
            st.error(f"{err} Then reload the page.", icon=":material/settings:")
            st.stop()
        st.session_state[_CONNECTION_KEY] = connection

    _show_badge(connection)
    return connection


def _show_badge(connection: Connection) -> None:
    """Always visible: which backend and which tenant this session is working on."""
    # Ask once what the backend is (embedded service or not); a backend that is down is reported by the page.
    if connection.management is not None and "service_info" not in connection.cache:
        with st.spinner("Connecting to the backend…"):
            connection.extensions()
    with st.sidebar:
        st.markdown(f"**Tenant** `{connection.tenant.name}`")
        if connection.tenant_id:
            label = "Tenant id" if connection.is_smtp_setup else "User pool"
            st.caption(f"{label}: `{connection.tenant_id}`")
        st.markdown(f"**Backend** {connection.backend_label()}")
        st.caption(f"`{connection.host}`")
        if connection.embedded_data_dir is not None:
            st.caption(f"Data: `{connection.embedded_data_dir}`")


def current_connection() -> Connection:
    """For pages: this session's connection, made by the entry file before it runs the page."""
    connection: Connection | None = st.session_state.get(_CONNECTION_KEY)
    assert connection is not None, "pages run through console_app.py, which connects first"
    return connection
