"""Typed clients of the GenAuth V3 email API and of the SMTP set-up API.

Each client owns (or is handed) one ``httpx.Client``; nothing is global, so several tenants can be spoken to from
one process. Every reply is checked against its envelope and parsed into the models of ``mailconsole.models``;
a statusCode other than 200 raises the matching error of ``mailconsole.errors``.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from mailconsole.actor import ACTOR_HEADER, clean_actor, encode_actor
from mailconsole.addresses import is_ip, is_loopback
from mailconsole.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    ServerError,
    ThrottledError,
    UnauthorizedError,
    error_class_for,
)
from mailconsole.i18n import EN_US, Language, LocalizedValueError, Text, localized, parse_language
from mailconsole.models import (
    AuditEntry,
    AuditKind,
    Channel,
    ConfigEmailProviderRequest,
    ConnectionReport,
    Delivery,
    DeliveryStatus,
    EmailProvider,
    EmailTemplate,
    EmailTemplates,
    ExmailConfig,
    ManagementToken,
    OutboxMessage,
    PreviewEmailTemplateRequest,
    ProviderTestRequest,
    ProviderType,
    RenderedEmail,
    RestoreTemplateRequest,
    SecretComparison,
    SendDraftReply,
    SendDraftRequest,
    SendEmailReply,
    SendEmailRequest,
    SendGridConfig,
    ServiceInfo,
    SmtpConfig,
    SmtpSetupReply,
    SmtpSetupRequest,
    TemplateEngine,
    TemplateRevision,
    TemplateType,
    UpdateEmailTemplateRequest,
)

__all__ = ["AuthenticationClient", "ManagementClient", "SmtpSetupClient"]

DEFAULT_TIMEOUT = 10.0
# Calls that wait on a mail provider (a send, a connection test): the service allows the provider 10 s per step,
# so the client waits for the service's own verdict instead of giving up first.
PROVIDER_TIMEOUT = 60.0
GENAUTH_CLOUD = "https://api.genauth.ai"
# Renew the management token this long before it expires, so no call carries a token that dies in flight.
TOKEN_REFRESH_MARGIN = 300

ModelT = TypeVar("ModelT", bound=BaseModel)

# The language the clients ask the backend's messages in, unless told otherwise. The official SDKs default to zh-CN,
# the platform's own default; this library's callers are the console (which passes its own language) and Python
# code whose logs and exceptions its developers read, so it defaults to English. Pass lang="zh-CN" for Chinese.
DEFAULT_CLIENT_LANGUAGE: Language = EN_US
LANGUAGE_HEADER = "x-authing-lang"  # as the official SDKs send it


def _client_language(lang: str) -> Language:
    language = parse_language(lang)
    if language is None:
        raise LocalizedValueError(
            localized("lang={lang}: the backend speaks zh-CN and en-US; pass one of them.", lang=repr(lang))
        )
    return language


class _HttpBackend:
    """What every client shares: the base URL, the HTTP client, and turning failures into typed errors."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        http_client: httpx.Client | None,
        allow_insecure_http: bool,
    ) -> None:
        url = urlsplit(base_url.rstrip("/"))
        if url.scheme not in ("http", "https") or not url.hostname:
            raise LocalizedValueError(
                localized("{url} is not an http(s) URL; give one like https://api.genauth.ai", url=repr(base_url))
            )
        if url.scheme == "http" and not allow_insecure_http and not is_loopback(url.hostname):
            raise LocalizedValueError(
                localized(
                    "Refusing plain http to {host}: secrets would cross the network in clear. "
                    "Use https, or pass allow_insecure_http=True if this network is trusted.",
                    host=url.hostname,
                )
            )
        self.base_url = base_url.rstrip("/")
        self.host = url.hostname
        self.timeout = timeout
        self._http = http_client or httpx.Client(timeout=timeout)
        self._owns_http = http_client is None

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        headers: Mapping[str, str],
        timeout: float | None = None,
    ) -> httpx.Response:
        timeout = max(timeout or 0.0, self.timeout)
        try:
            return self._http.request(method, url, json=json_body, headers=dict(headers), timeout=timeout)
        except httpx.TimeoutException as err:
            raise APITimeoutError(self.host, timeout) from err
        except httpx.TransportError as err:
            raise APIConnectionError(self.host, _transport_reason(err)) from err

    def envelope_data(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: Mapping[str, str],
        timeout: float | None = None,
    ) -> Any:
        """Send a GenAuth call and return the envelope's ``data``; raise the typed error of any other outcome."""
        response = self.send(method, self.base_url + path, json_body=json_body, headers=headers, timeout=timeout)
        if response.status_code == 429:
            retry_after = response.headers.get("retry-after")
            raise ThrottledError(
                localized("{host} is throttling requests; wait a moment and try again.", host=self.host),
                status_code=429,
                retry_after=int(retry_after) if retry_after and retry_after.isdigit() else None,
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ServerError(
                localized(
                    "{host} answered HTTP {status} with something that is not the API's JSON envelope; check the "
                    "API host.",
                    host=self.host,
                    status=response.status_code,
                ),
                status_code=response.status_code if response.status_code >= 400 else 502,
            )
        status = body.get("statusCode", 200 if "data" in body else response.status_code)
        if status != 200:
            raise _api_error(body, status)
        return body.get("data")


def _api_error(body: Mapping[str, Any], status: Any) -> APIError:
    status_code = status if isinstance(status, int) else 500
    message = str(body.get("message") or "") or localized("The API answered statusCode {status}", status=status)
    api_code = body.get("apiCode") if isinstance(body.get("apiCode"), int) else None
    request_id = body.get("requestId") if isinstance(body.get("requestId"), str) else None
    cls = error_class_for(status_code)
    data = body.get("data")
    if cls is ConflictError:
        version = data.get("version") if isinstance(data, dict) else None
        return ConflictError(
            message,
            status_code=status_code,
            api_code=api_code,
            request_id=request_id,
            current_version=version if isinstance(version, int) and not isinstance(version, bool) else None,
        )
    if cls is ThrottledError:
        retry_after = data.get("retryAfter") if isinstance(data, dict) else None
        return ThrottledError(
            message,
            status_code=status_code,
            api_code=api_code,
            request_id=request_id,
            retry_after=retry_after if isinstance(retry_after, int) else None,
        )
    return cls(message, status_code=status_code, api_code=api_code, request_id=request_id)


def _transport_reason(err: httpx.TransportError) -> str | Text:
    text = str(err) or type(err).__name__
    if isinstance(err, httpx.ConnectError):
        if "Name or service not known" in text or "nodename nor servname" in text:
            return localized("unknown host name")
        if "refused" in text.lower():
            return localized("connection refused (is the service running?)")
    return text


def _parse(model: type[ModelT], data: Any, host: str) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ServerError(
            localized(
                "{host} answered with data this client does not understand ({model}): {detail}",
                host=host,
                model=model.__name__,
                detail=err.errors()[0]["msg"],
            ),
            status_code=502,
        ) from err


def _jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified: the client only reads which user pool the token is scoped to."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


class ManagementClient:
    """The management side of the V3 email API: provider settings and templates, for one user pool.

    ``access_key_id`` is the user pool id (or a collaborator's key id) and ``access_key_secret`` its secret.
    The management token is fetched on first use, cached, and renewed before it expires. ``actor`` names the person
    behind the calls (an admin's email) for the embedded service's audit trail; it goes in a header on every call.
    ``lang`` (zh-CN or en-US) is the language of the backend's messages, sent as ``x-authing-lang`` on every call.
    """

    def __init__(
        self,
        host: str = GENAUTH_CLOUD,
        access_key_id: str = "",
        access_key_secret: str = "",
        *,
        actor: str | None = None,
        lang: str = DEFAULT_CLIENT_LANGUAGE,
        timeout: float = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        if not access_key_id or not access_key_secret:
            raise LocalizedValueError(
                localized("ManagementClient needs access_key_id (the user pool id) and access_key_secret.")
            )
        self._backend = _HttpBackend(
            host, timeout=timeout, http_client=http_client, allow_insecure_http=allow_insecure_http
        )
        self.access_key_id = access_key_id
        self._access_key_secret = access_key_secret
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._userpool_id = access_key_id
        self._token_lock = threading.Lock()
        self.actor = clean_actor(actor) or None
        self.lang = _client_language(lang)

    @property
    def host(self) -> str:
        return self._backend.base_url

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> ManagementClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- provider settings -------------------------------------------------------------------------------

    def get_email_provider(self) -> EmailProvider:
        return _parse(EmailProvider, self._call("GET", "/api/v3/get-email-provider"), self.host)

    def config_email_provider(
        self,
        *,
        type: ProviderType | str,
        enabled: bool,
        smtp_config: SmtpConfig | None = None,
        send_grid_config: SendGridConfig | None = None,
        ali_exmail_config: ExmailConfig | None = None,
        tencent_exmail_config: ExmailConfig | None = None,
        version: int | None = None,
    ) -> EmailProvider:
        """Save the settings. With ``version`` (the one read), ConflictError if they changed since (embedded
        service); without it, the save applies whatever was saved meanwhile."""
        request = ConfigEmailProviderRequest(
            type=ProviderType(type),
            enabled=enabled,
            smtp_config=smtp_config,
            send_grid_config=send_grid_config,
            ali_exmail_config=ali_exmail_config,
            tencent_exmail_config=tencent_exmail_config,
            version=version,
        )
        data = self._call("POST", "/api/v3/config-email-provider", request.to_wire())
        return _parse(EmailProvider, data, self.host)

    # ---- templates ---------------------------------------------------------------------------------------

    def get_email_templates(self) -> EmailTemplates:
        return _parse(EmailTemplates, self._call("GET", "/api/v3/get-email-templates"), self.host)

    def update_email_template(
        self,
        *,
        type: TemplateType | str,
        customize_enabled: bool,
        name: str,
        subject: str,
        sender: str,
        content: str,
        expires_in: int | None = None,
        redirect_to: str | None = None,
        tpl_engine: TemplateEngine | str | None = None,
        version: int | None = None,
    ) -> EmailTemplate:
        """Save a template. ``version`` works as in ``config_email_provider``."""
        body = {
            "type": type,
            "customizeEnabled": customize_enabled,
            "name": name,
            "subject": subject,
            "sender": sender,
            "content": content,
            "expiresIn": expires_in,
            "redirectTo": redirect_to,
            "tplEngine": tpl_engine,
            "version": version,
        }
        request = UpdateEmailTemplateRequest.model_validate(_without_none(body))
        data = self._call("POST", "/api/v3/update-email-template", request.to_wire())
        return _parse(EmailTemplate, data, self.host)

    def preview_email_template(
        self,
        *,
        type: TemplateType | str,
        content: str | None = None,
        subject: str | None = None,
        sender: str | None = None,
        expires_in: int | None = None,
        tpl_engine: TemplateEngine | str | None = None,
    ) -> RenderedEmail:
        request = PreviewEmailTemplateRequest.model_validate(
            {
                "type": type,
                "content": content,
                "subject": subject,
                "sender": sender,
                "expiresIn": expires_in,
                "tplEngine": tpl_engine,
            }
        )
        data = self._call("POST", "/api/v3/preview-email-template", request.to_wire())
        return _parse(RenderedEmail, data, self.host)

    # ---- extensions of the embedded service --------------------------------------------------------------

    def list_outbox(self, *, limit: int = 50) -> list[OutboxMessage]:
        """Mails the embedded service's built-in mail service delivered, newest first (not on GenAuth cloud)."""
        data = self._call("GET", f"/local/v1/outbox?limit={int(limit)}")
        messages = data.get("messages") if isinstance(data, dict) else None
        return [_parse(OutboxMessage, item, self.host) for item in messages or []]

    def list_audit(self, *, kind: AuditKind | str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Changes of the provider settings and templates, newest first; ``kind`` "provider" or "template" keeps
        one of the two. Embedded service only ("audit" extension)."""
        query: dict[str, str | int] = {"limit": int(limit)}
        if kind is not None:
            query["kind"] = str(getattr(kind, "value", kind))
        data = self._call("GET", f"/local/v1/audit?{urlencode(query)}")
        entries = data.get("entries") if isinstance(data, dict) else None
        return [_parse(AuditEntry, item, self.host) for item in entries or []]

    def test_email_provider(
        self,
        *,
        type: ProviderType | str,
        smtp_config: SmtpConfig | None = None,
        send_grid_config: SendGridConfig | None = None,
        ali_exmail_config: ExmailConfig | None = None,
        tencent_exmail_config: ExmailConfig | None = None,
        probe_recipient: str | None = None,
    ) -> ConnectionReport:
        """Try these settings (saved or not) step by step against the provider, sending nothing; a failure is in
        the report (``ok`` false), not raised. A secret left empty is the stored one, when it was saved for the
        same server and login. Embedded service only ("connection-test" extension)."""
        request = ProviderTestRequest(
            type=ProviderType(type),
            smtp_config=smtp_config,
            send_grid_config=send_grid_config,
            ali_exmail_config=ali_exmail_config,
            tencent_exmail_config=tencent_exmail_config,
            probe_recipient=probe_recipient,
        )
        data = self._call("POST", "/local/v1/test-email-provider", request.to_wire(), timeout=PROVIDER_TIMEOUT)
        return _parse(ConnectionReport, data, self.host)

    def compare_provider_secrets(self, secrets: Mapping[str, str]) -> dict[str, bool]:
        """Whether each secret (by wire field, ``smtpConfig.senderPass``) is the one stored; the service never shows
        a stored secret. Embedded service only ("secret-comparison" extension); counts as a connection test."""
        data = self._call(
            "POST", "/local/v1/compare-provider-secrets", SecretComparison(secrets=dict(secrets)).to_wire()
        )
        return _parse(SecretComparison, data, self.host).same

    def send_draft(
        self,
        *,
        type: TemplateType | str,
        email: str,
        customize_enabled: bool,
        name: str,
        subject: str,
        sender: str,
        content: str,
        expires_in: int | None = None,
        redirect_to: str | None = None,
        tpl_engine: TemplateEngine | str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> SendDraftReply:
        """Send a template as the editor holds it (unsaved) to ``email``, as a real send of its type would be;
        ``context`` (a sample profile) replaces values of a real send. ThrottledError within a minute of a send of
        the type's channel to that mailbox. Embedded service only ("send-draft" extension)."""
        body = {
            "type": type,
            "email": email,
            "customizeEnabled": customize_enabled,
            "name": name,
            "subject": subject,
            "sender": sender,
            "content": content,
            "expiresIn": expires_in,
            "redirectTo": redirect_to,
            "tplEngine": tpl_engine,
            "context": dict(context) if context is not None else None,
        }
        request = SendDraftRequest.model_validate(_without_none(body))
        data = self._call("POST", "/local/v1/send-draft", request.to_wire(), timeout=PROVIDER_TIMEOUT)
        return _parse(SendDraftReply, data, self.host)

    def template_history(self, *, type: TemplateType | str, limit: int = 50) -> list[TemplateRevision]:
        """The saved versions of a template, newest first. Embedded service only ("history" extension)."""
        kind = str(getattr(type, "value", type))
        data = self._call("GET", f"/local/v1/templates/{quote(kind, safe='')}/history?limit={int(limit)}")
        versions = data.get("versions") if isinstance(data, dict) else None
        return [_parse(TemplateRevision, item, self.host) for item in versions or []]

    def restore_template(
        self, *, type: TemplateType | str, version: int, base_version: int | None = None
    ) -> EmailTemplate:
        """Save a saved version's fields as a new version. With ``base_version`` (the version looked at),
        ConflictError if the template changed since. Embedded service only ("history" extension)."""
        kind = str(getattr(type, "value", type))
        request = RestoreTemplateRequest(version=version, base_version=base_version)
        data = self._call("POST", f"/local/v1/templates/{quote(kind, safe='')}/restore", request.to_wire())
        return _parse(EmailTemplate, data, self.host)

    def list_deliveries(
        self, *, limit: int = 100, to: str | None = None, status: DeliveryStatus | str | None = None
    ) -> list[Delivery]:
        """Every mail the backend sent or tried to send, newest first; ``to`` keeps recipients containing it,
        ``status`` one result. Embedded service only ("deliveries" extension)."""
        query: dict[str, str | int] = {"limit": int(limit)}
        if to:
            query["to"] = to
        if status is not None:
            query["status"] = str(getattr(status, "value", status))
        data = self._call("GET", f"/local/v1/deliveries?{urlencode(query)}")
        deliveries = data.get("deliveries") if isinstance(data, dict) else None
        return [_parse(Delivery, item, self.host) for item in deliveries or []]

    def service_info(self) -> ServiceInfo | None:
        """What the backend is, when it is the embedded service; None for GenAuth cloud and other backends."""
        try:
            data = self._call("GET", "/local/v1/info")
        except (NotFoundError, ServerError, InvalidArgumentError):
            return None
        return _parse(ServiceInfo, data, self.host)

    # ---- plumbing ----------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: Any = None, *, timeout: float | None = None) -> Any:
        try:
            return self._backend.envelope_data(
                method, path, json_body=body, headers=self._auth_headers(), timeout=timeout
            )
        except UnauthorizedError:
            # A token the backend no longer honours (restarted, revoked): one fresh token, one more try.
            if self._token is None:
                raise
            self._forget_token()
            return self._backend.envelope_data(
                method, path, json_body=body, headers=self._auth_headers(), timeout=timeout
            )

    def _auth_headers(self) -> dict[str, str]:
        token = self._current_token()
        headers = {
            "authorization": f"Bearer {token}",
            # GenAuth and Authing SDKs name the header differently; a server reads either.
            "x-authing-userpool-id": self._userpool_id,
            "x-genauth-userpool-id": self._userpool_id,
            LANGUAGE_HEADER: self.lang,
        }
        if self.actor:
            headers[ACTOR_HEADER] = encode_actor(self.actor)
        return headers

    def _current_token(self) -> str:
        with self._token_lock:
            if self._token is None or time.monotonic() >= self._token_expires_at:
                self._fetch_token()
            assert self._token is not None
            return self._token

    def _fetch_token(self) -> None:
        data = self._backend.envelope_data(
            "POST",
            "/api/v3/get-management-token",
            json_body={"accessKeyId": self.access_key_id, "accessKeySecret": self._access_key_secret},
            headers={LANGUAGE_HEADER: self.lang},
        )
        token = _parse(ManagementToken, data, self.host)
        margin = min(TOKEN_REFRESH_MARGIN, token.expires_in // 10)
        self._token = token.access_token
        self._token_expires_at = time.monotonic() + token.expires_in - margin
        scoped = _jwt_claims(token.access_token).get("scoped_userpool_id")
        self._userpool_id = scoped if isinstance(scoped, str) and scoped else self.access_key_id

    def _forget_token(self) -> None:
        with self._token_lock:
            self._token = None


class AuthenticationClient:
    """The end-user side: an application asks the platform to send a code or link mail. ``lang``: as for
    ``ManagementClient``."""

    def __init__(
        self,
        app_id: str,
        app_host: str,
        *,
        lang: str = DEFAULT_CLIENT_LANGUAGE,
        timeout: float = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        if not app_id:
            raise LocalizedValueError(localized("AuthenticationClient needs the application's app_id."))
        self.app_id = app_id
        self.lang = _client_language(lang)
        self._backend = _HttpBackend(
            app_host, timeout=timeout, http_client=http_client, allow_insecure_http=allow_insecure_http
        )

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> AuthenticationClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send_email(self, channel: Channel | str, email: str) -> str | None:
        """Send the channel's mail to ``email``. Raises ThrottledError within a minute of the last one. Returns who
        delivered it where the backend says so (the embedded service's ``deliveredBy``), else None."""
        request = SendEmailRequest(channel=Channel(channel), email=email)
        headers = {"x-authing-app-id": self.app_id, "x-genauth-app-id": self.app_id, LANGUAGE_HEADER: self.lang}
        data = self._backend.envelope_data(
            "POST", "/api/v3/send-email", json_body=request.to_wire(), headers=headers, timeout=PROVIDER_TIMEOUT
        )
        return SendEmailReply.model_validate(data).delivered_by if isinstance(data, dict) else None


SMTP_SETUP_PATHS = {
    "ssms": "/digitanium/v4/mail/config",
    "shift": "/auth/realms/{tenant}/mail/setup",
}


class SmtpSetupClient:
    """The SMTP set-up API of the second backend, in its SSMS or SHIFT URL form.

    SSMS names the tenant in the host (``https://{tenant}.{hostname}/...``). A loopback or IP host cannot carry
    that label in DNS, so there the client connects to the host as given and names the tenant in ``Host`` only.
    """

    def __init__(
        self,
        *,
        form: Literal["ssms", "shift"],
        host: str,
        tenant_id: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        if form not in SMTP_SETUP_PATHS:
            raise ValueError(f"form must be 'ssms' or 'shift', not {form!r}")
        if not tenant_id or not token:
            raise LocalizedValueError(localized("SmtpSetupClient needs the tenant id and a bearer token."))
        self.form = form
        self.tenant_id = tenant_id
        self._token = token
        self._backend = _HttpBackend(
            host, timeout=timeout, http_client=http_client, allow_insecure_http=allow_insecure_http
        )

    @property
    def host(self) -> str:
        return self._backend.base_url

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> SmtpSetupClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def configure_smtp(self, settings: SmtpSetupRequest) -> SmtpSetupReply:
        url, headers = self._target()
        headers["authorization"] = f"Bearer {self._token}"
        response = self._backend.send("POST", url, json_body=settings.to_wire(), headers=headers)
        if response.status_code == 200:
            return _parse(SmtpSetupReply, response.json(), self._backend.host)
        raise self._error(response)

    def _target(self) -> tuple[str, dict[str, str]]:
        base = urlsplit(self._backend.base_url)
        if self.form == "shift":
            return self._backend.base_url + SMTP_SETUP_PATHS["shift"].format(tenant=self.tenant_id), {}
        tenant_host = f"{self.tenant_id}.{base.netloc}"
        assert base.hostname is not None
        if is_loopback(base.hostname) or is_ip(base.hostname):
            return self._backend.base_url + SMTP_SETUP_PATHS["ssms"], {"host": tenant_host}
        return f"{base.scheme}://{tenant_host}{base.path}{SMTP_SETUP_PATHS['ssms']}", {}

    def _error(self, response: httpx.Response) -> APIError:
        try:
            body = response.json()
            message = str(body.get("message")) if isinstance(body, dict) else response.text
        except ValueError:
            message = response.text.strip()
        message = message or f"HTTP {response.status_code}"
        if response.status_code == 400:
            return InvalidArgumentError(message, status_code=400)
        return error_class_for(response.status_code)(message, status_code=response.status_code)


def _without_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}
