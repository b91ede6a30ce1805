"""One browser session's connection to one tenant: its typed clients and what the session has read of the tenant.

The clients hold the tenant's credentials, so a connection belongs to one session (never to a cache shared by
sessions). The management client names the session's signed-in administrator (``actor``) in every call, for the
backend's audit trail; another administrator in the session gets a new connection.

Session state that is not the connection's is page state, and page state belongs to one tenant: ``is_page_state``
says which keys to drop when the session switches tenants (every key but the few the frame keeps for the session).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mailconsole import APIConnectionError, AuthenticationClient, MailConsoleError, ManagementClient, SmtpSetupClient
from mailconsole.console.tenants import ConfigError, TenantConfig, TenantKind
from mailconsole.i18n import EN_US, Language, Text, console_language, localized
from mailconsole.models import EmailProvider, EmailTemplate, ServiceInfo

if TYPE_CHECKING:
    from mailconsole.service.embedded import RunningService

UNREACHABLE_PAUSE = 15.0  # seconds before asking a backend that did not answer what it is again

# Session-state keys that outlive a switch of tenant: the frame's own, and records kept per tenant by name.
CONNECTION_KEY = "mc.connection"
TENANT_KEY = "mc.tenant"
CHOSEN_KEY = "mc.tenant_chosen"
SENDS_KEY = "mc.sends"  # a records.SendLog
# Template drafts by tenant name (``drafts.Drafts``): kept across a tenant switch, so that switching back finds them.
DRAFTS_KEY = "mc.drafts"
LANGUAGE_KEY = "mc.language"  # the session's language (components/language.py)
SESSION_KEYS = frozenset({CONNECTION_KEY, TENANT_KEY, CHOSEN_KEY, SENDS_KEY, DRAFTS_KEY, LANGUAGE_KEY})


def is_page_state(key: str) -> bool:
    """Whether a session-state key belongs to the current tenant (dropped when the session switches tenants)."""
    return key not in SESSION_KEYS


_NOT_ASKED: Any = object()


@dataclass
class TenantData:
    """What this session has read of its tenant, typed; a page reads again with ``refresh``."""

    service_info: ServiceInfo | None = _NOT_ASKED  # None: not the embedded service
    unreachable_until: float = 0.0
    templates: dict[str, EmailTemplate] | None = None  # by type
    provider: EmailProvider | None = None
    provider_loads: int = 0  # how often the provider settings were loaded: the form starts anew each time
    smtp_setup_saved: dict[str, Any] | None = None  # the SMTP set-up API has no read-back: what this session saved
    smtp_setup_saves: int = 0

    @property
    def service_info_known(self) -> bool:
        return self.service_info is not _NOT_ASKED

    def forget(self) -> None:
        """Read the provider settings and templates again on next use (the overview's "Refresh")."""
        self.provider = None
        self.templates = None


@dataclass(eq=False)
class Connection:
    """The typed clients of one tenant, for one browser session, and what that session has read of it."""

    tenant: TenantConfig
    actor: str | None = None
    management: ManagementClient | None = None
    authentication: AuthenticationClient | None = None
    smtp_setup: SmtpSetupClient | None = None
    embedded_data_dir: Path | None = None
    # The name a send prints for {{app_name}}, {{client_name}}…, when known (the embedded service's user pool).
    app_name: str | None = None
    data: TenantData = field(default_factory=TenantData)

    @property
    def kind(self) -> TenantKind:
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
        if not self.data.service_info_known:
            self.data.service_info = self.management.service_info()
        return self.data.service_info

    def mail_language(self) -> Language:
        """The language of the tenant's built-in mails (what "the built-in default" is); English where the backend
        does not say, or cannot be asked right now."""
        try:
            info = self.service_info()
        except MailConsoleError:
            return EN_US
        return info.mail_language if info is not None else EN_US

    def extensions(self) -> frozenset[str]:
        """The backend's extensions beyond the GenAuth contract (``models.Extension``); empty when it cannot be
        asked right now.

        A backend that did not answer is not asked again for a few seconds, so that a page waits on it once per
        run at most (the page's own call reports the failure)."""
        if time.monotonic() < self.data.unreachable_until:
            return frozenset()
        try:
            info = self.service_info()
        except APIConnectionError:
            self.data.unreachable_until = time.monotonic() + UNREACHABLE_PAUSE
            return frozenset()
        except MailConsoleError:
            return frozenset()
        return frozenset(info.extensions) if info else frozenset()

    def backend_label(self) -> str:
        """What the backend is, in English (``backend_name`` in either language)."""
        return str(self.backend_name())

    def backend_name(self) -> Text:
        if self.is_smtp_setup:
            return localized("SMTP set-up API ({form} form)", form=self.tenant.form.upper())
        if self.embedded_data_dir is not None:
            return localized("Built-in email service (embedded in this console)")
        host = urlsplit(self.host).hostname or ""
        if self.data.service_info_known and self.data.service_info is not None:
            return localized("mailconsole email service")
        if host == "api.genauth.ai" or host.endswith(".genauth.ai"):
            return localized("GenAuth cloud")
        if host == "api.authing.cn" or host.endswith(".authing.cn"):
            return localized("Authing cloud")
        return localized("GenAuth-compatible API (private deployment)")

    def speak(self, language: Language) -> None:
        """Ask the backend's messages in ``language`` from now on (the session switched languages)."""
        for client in (self.management, self.authentication):
            if client is not None:
                client.lang = language

    def close(self) -> None:
        for client in (self.management, self.authentication, self.smtp_setup):
            if client is not None:
                client.close()


def connect(
    tenant: TenantConfig,
    *,
    actor: str | None = None,
    embedded: Callable[[], tuple[RunningService, Path]] | None = None,
    language: Language | None = None,
) -> Connection:
    """Make the clients of a tenant; ``actor`` (the signed-in admin's email) is named in every management call.
    ``embedded`` gives the embedded service and its data dir, for the embedded tenant; ``language`` is the one the
    backend's messages are asked in (the console's default when not given). ConfigError when the
    tenant's settings are incomplete; nothing is sent yet."""
    if tenant.kind is TenantKind.SMTP_SETUP:
        return Connection(tenant=tenant, actor=actor, smtp_setup=_smtp_setup_client(tenant))
    embedded_dir: Path | None = None
    app_name: str | None = None
    if tenant.kind is TenantKind.EMBEDDED:
        if embedded is None:
            raise ConfigError(localized("The embedded service is not available here; configure a backend."))
        service, embedded_dir = embedded()
        app_name = service.userpool.name
        tenant = tenant.model_copy(
            update={
                "api_host": service.base_url,
                "userpool_id": service.userpool.id,
                "userpool_secret": service.userpool.secret,
                "app_id": service.userpool.app_id,
                "app_host": service.base_url,
            }
        )
    management, authentication = _genauth_clients(tenant, actor, language or console_language())
    return Connection(
        tenant=tenant,
        actor=actor,
        management=management,
        authentication=authentication,
        embedded_data_dir=embedded_dir,
        app_name=app_name,
    )


def _smtp_setup_client(tenant: TenantConfig) -> SmtpSetupClient:
    missing = [name for name in ("host", "tenant_id", "token") if not getattr(tenant, name)]
    if missing:
        raise ConfigError(
            localized(
                "The SMTP set-up tenant {name} needs {keys} as well.", name=repr(tenant.name), keys=", ".join(missing)
            )
        )
    if tenant.form not in ("ssms", "shift"):
        raise ConfigError(
            localized(
                "The SMTP set-up tenant {name} has form {form}; use ssms or shift.",
                name=repr(tenant.name),
                form=repr(tenant.form),
            )
        )
    try:
        return SmtpSetupClient(
            form=tenant.form,  # type: ignore[arg-type]
            host=tenant.host,
            tenant_id=tenant.tenant_id,
            token=tenant.token,
            allow_insecure_http=tenant.allow_insecure_http,
        )
    except ValueError as err:
        raise ConfigError(localized("Tenant {name}: {problem}", name=repr(tenant.name), problem=err)) from None


def _genauth_clients(
    tenant: TenantConfig, actor: str | None, language: Language
) -> tuple[ManagementClient, AuthenticationClient | None]:
    if not tenant.api_host:
        raise ConfigError(
            localized("Tenant {name} needs an API host (api_host or MAILCONSOLE_API_HOST).", name=repr(tenant.name))
        )
    if not tenant.userpool_id or not tenant.userpool_secret:
        raise ConfigError(
            localized(
                "Tenant {name} needs its user pool id and secret "
                "(userpool_id and userpool_secret, or MAILCONSOLE_USERPOOL_ID and MAILCONSOLE_USERPOOL_SECRET).",
                name=repr(tenant.name),
            )
        )
    try:
        management = ManagementClient(
            tenant.api_host,
            tenant.userpool_id,
            tenant.userpool_secret,
            actor=actor,
            allow_insecure_http=tenant.allow_insecure_http,
            lang=language,  # the backend's messages in the console's language
        )
        authentication = (
            AuthenticationClient(
                tenant.app_id,
                tenant.app_host or tenant.api_host,
                allow_insecure_http=tenant.allow_insecure_http,
                lang=language,
            )
            if tenant.app_id
            else None
        )
    except ValueError as err:
        raise ConfigError(localized("Tenant {name}: {problem}", name=repr(tenant.name), problem=err)) from None
    return management, authentication
