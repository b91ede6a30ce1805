"""The GenAuth V3 email API's wire contract, one pydantic model per DTO.

Field names on the wire are exact (see ``shared/api/genauth-v3-email.md``): ``smtp_host`` and ``smtp_port`` are
snake_case, everything else camelCase, SendGrid's key is ``apikey`` and the engine value is ``handlebar``.
Python attributes are snake_case; dump with ``by_alias=True`` (``WireModel.to_wire``) to speak the wire.

Reply models are tolerant: an enum value the platform adds later arrives as a plain ``str`` instead of crashing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from mailconsole.i18n import EN_US, Language, parse_language


class ProviderType(StrEnum):
    """Who sends the tenant's mail when the provider is enabled."""

    CUSTOM = "custom"
    ALI = "ali"
    QQ = "qq"
    SENDGRID = "sendgrid"


class TemplateEngine(StrEnum):
    HANDLEBAR = "handlebar"
    EJS = "ejs"


class TemplateType(StrEnum):
    WELCOME_EMAIL = "WELCOME_EMAIL"
    FIRST_CREATED_USER = "FIRST_CREATED_USER"
    REGISTER_VERIFY_CODE = "REGISTER_VERIFY_CODE"
    LOGIN_VERIFY_CODE = "LOGIN_VERIFY_CODE"
    MFA_VERIFY_CODE = "MFA_VERIFY_CODE"
    INFORMATION_COMPLETION_VERIFY_CODE = "INFORMATION_COMPLETION_VERIFY_CODE"
    FIRST_EMAIL_LOGIN_VERIFY = "FIRST_EMAIL_LOGIN_VERIFY"
    CONSOLE_CONDUCTED_VERIFY = "CONSOLE_CONDUCTED_VERIFY"
    USER_PASSWORD_UPDATE_REMIND = "USER_PASSWORD_UPDATE_REMIND"
    ADMIN_RESET_USER_PASSWORD_NOTIFICATION = "ADMIN_RESET_USER_PASSWORD_NOTIFICATION"
    USER_PASSWORD_RESET_NOTIFICATION = "USER_PASSWORD_RESET_NOTIFICATION"
    RESET_PASSWORD_VERIFY_CODE = "RESET_PASSWORD_VERIFY_CODE"
    SELF_UNLOCKING_VERIFY_CODE = "SELF_UNLOCKING_VERIFY_CODE"
    EMAIL_BIND_VERIFY_CODE = "EMAIL_BIND_VERIFY_CODE"
    EMAIL_UNBIND_VERIFY_CODE = "EMAIL_UNBIND_VERIFY_CODE"


class Channel(StrEnum):
    """The purpose of a send-email call; each picks a template (see ``catalog.CHANNELS``)."""

    LOGIN = "CHANNEL_LOGIN"
    REGISTER = "CHANNEL_REGISTER"
    RESET_PASSWORD = "CHANNEL_RESET_PASSWORD"
    VERIFY_EMAIL_LINK = "CHANNEL_VERIFY_EMAIL_LINK"
    UPDATE_EMAIL = "CHANNEL_UPDATE_EMAIL"
    BIND_EMAIL = "CHANNEL_BIND_EMAIL"
    UNBIND_EMAIL = "CHANNEL_UNBIND_EMAIL"
    VERIFY_MFA = "CHANNEL_VERIFY_MFA"
    UNLOCK_ACCOUNT = "CHANNEL_UNLOCK_ACCOUNT"
    COMPLETE_EMAIL = "CHANNEL_COMPLETE_EMAIL"
    DELETE_ACCOUNT = "CHANNEL_DELETE_ACCOUNT"


# In replies, a value the platform added after this release stays a plain string.
OpenProviderType = Annotated[ProviderType | str, Field(union_mode="left_to_right")]
OpenTemplateType = Annotated[TemplateType | str, Field(union_mode="left_to_right")]
OpenTemplateEngine = Annotated[TemplateEngine | str, Field(union_mode="left_to_right")]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a well-formed str holds none: pairs are one code point


def refuse_lone_surrogates(data: Any) -> None:
    """JSON's "\\ud800" decodes to half of a surrogate pair: not text, it cannot be stored or sent as UTF-8.
    Walked with a stack, not recursion: the body may be nested as deep as the JSON decoder allows."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                raise ValueError("a value holds half of a UTF-16 surrogate pair, which is not text: remove it")
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


class TextModel(BaseModel):
    """A body of untrusted JSON whose strings must be text (storable, sendable as UTF-8)."""

    @model_validator(mode="before")
    @classmethod
    def _text_only(cls, data: Any) -> Any:
        refuse_lone_surrogates(data)
        return data


class WireModel(TextModel):
    """Base of every DTO: camelCase on the wire, snake_case in Python, unknown keys ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def to_wire(self) -> dict[str, Any]:
        """The JSON body the API expects: wire names, unset optional fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# ---- provider settings ---------------------------------------------------------------------------------------


class SmtpConfig(WireModel):
    """``smtpConfig``. The fields after ``secure`` are extensions; GenAuth cloud ignores them, the embedded service
    stores them. ``starttls``: True requires it, False means plain text, None (not sent, as by the official SDKs)
    upgrades when the server offers it. ``tls_verify`` False accepts any certificate (self-signed test servers);
    ``ca_bundle`` is PEM text of CAs trusted beside the system's, for private servers."""

    smtp_host: str = Field(alias="smtp_host")
    smtp_port: int = Field(alias="smtp_port")
    sender: str | None = None
    sender_pass: str | None = None
    secure: bool = False
    from_address: str | None = Field(default=None, alias="from")
    from_display_name: str | None = None
    reply_to: str | None = None
    reply_to_display_name: str | None = None
    envelope_from: str | None = None
    starttls: bool | None = None
    tls_verify: bool | None = None
    ca_bundle: str | None = None


class SendGridConfig(WireModel):
    """``sendGridConfig``: a verified From address and the API key (wire name ``apikey``)."""

    sender: str
    apikey: str | None = Field(default=None, alias="apikey")
    # Extension of the embedded service: the API the stored key goes to, when not SendGrid's public one. The service
    # sets it on save (a request cannot choose it) and uses a stored key only with this base.
    api_base: str | None = None


class ExmailConfig(WireModel):
    """``aliExmailConfig`` and ``tencentExmailConfig``: the mailbox address, which is also the login."""

    sender: str
    sender_pass: str | None = None


class EmailProvider(WireModel):
    """``EmailProviderDto``: what get-email-provider and config-email-provider answer."""

    enabled: bool
    type: OpenProviderType | None = None
    smtp_config: SmtpConfig | None = None
    send_grid_config: SendGridConfig | None = None
    ali_exmail_config: ExmailConfig | None = None
    tencent_exmail_config: ExmailConfig | None = None
    # Extension of the embedded service: grows by one with each change (0: never saved). GenAuth cloud sends none.
    version: int | None = None

    def map_secrets(self, transform: Callable[[str], str]) -> EmailProvider:
        """A copy with every stored secret (password, API key) passed through ``transform``; empty ones stay."""
        updates: dict[str, Any] = {}
        for config_name, secret_name in PROVIDER_SECRETS.items():
            config = getattr(self, config_name)
            secret = getattr(config, secret_name, None) if config is not None else None
            if secret:
                updates[config_name] = config.model_copy(update={secret_name: transform(secret)})
        return self.model_copy(update=updates)


# The attribute (and request argument) that carries each provider type's configuration.
PROVIDER_CONFIGS: dict[ProviderType, str] = {
    ProviderType.CUSTOM: "smtp_config",
    ProviderType.SENDGRID: "send_grid_config",
    ProviderType.ALI: "ali_exmail_config",
    ProviderType.QQ: "tencent_exmail_config",
}
# The secret of each provider configuration, by attribute name.
PROVIDER_SECRETS = {
    "smtp_config": "sender_pass",
    "send_grid_config": "apikey",
    "ali_exmail_config": "sender_pass",
    "tencent_exmail_config": "sender_pass",
}
# What the embedded service answers in place of a stored secret. Sent back unchanged, it means "keep the stored one"
# (for the same server and login only).
SECRET_MASK = "**********"


class ConfigEmailProviderRequest(WireModel):
    """``ConfigEmailProviderDto``: the body of config-email-provider. ``version`` (an extension) is the version the
    change was based on: the embedded service refuses it with 409 once the settings changed since; left out, the
    change is applied whatever was saved meanwhile (as GenAuth does)."""

    type: ProviderType
    enabled: bool
    smtp_config: SmtpConfig | None = None
    send_grid_config: SendGridConfig | None = None
    ali_exmail_config: ExmailConfig | None = None
    tencent_exmail_config: ExmailConfig | None = None
    version: int | None = Field(default=None, ge=0)


class ProviderTestRequest(ConfigEmailProviderRequest):
    """``POST /local/v1/test-email-provider``: the settings being edited, and optionally a recipient that the
    test announces with RCPT TO (nothing is sent). ``enabled`` does not matter here."""

    enabled: bool = True
    probe_recipient: str | None = None


class ConnectionStep(WireModel):
    """One step of a connection test: resolve, connect, tls, greeting, ehlo, starttls, auth, mail_from, rcpt_to,
    api_key. ``reply`` is the server's own code and text, ``hint`` one sentence on what to do."""

    name: str
    ok: bool
    detail: str
    reply: str | None = None
    hint: str | None = None


class ConnectionReport(WireModel):
    ok: bool
    steps: list[ConnectionStep]


# ---- templates -----------------------------------------------------------------------------------------------


class EmailTemplate(WireModel):
    """``EmailTemplateDto``."""

    customize_enabled: bool
    type: OpenTemplateType
    name: str
    subject: str
    sender: str
    content: str
    expires_in: int | None = None
    redirect_to: str | None = None
    tpl_engine: OpenTemplateEngine = TemplateEngine.HANDLEBAR
    # Extension of the embedded service: grows by one with each change (0: the built-in default, never saved).
    version: int | None = None


class EmailTemplateCategory(WireModel):
    """``EmailTemplateCategoryDto``."""

    title: str
    title_en: str
    desc: str
    desc_en: str


class EmailTemplates(WireModel):
    """The ``data`` of get-email-templates."""

    templates: list[EmailTemplate]
    categories: list[EmailTemplateCategory] = []


class UpdateEmailTemplateRequest(WireModel):
    """``UpdateEmailTemplateDto``: the same fields as the template, with the same required ones. ``version`` (an
    extension) works as in ``ConfigEmailProviderRequest``."""

    type: TemplateType
    customize_enabled: bool
    name: str
    subject: str
    sender: str
    content: str
    expires_in: int | None = Field(default=None, ge=1)
    redirect_to: str | None = None
    tpl_engine: TemplateEngine | None = None
    version: int | None = Field(default=None, ge=0)


class PreviewEmailTemplateRequest(WireModel):
    """``PreviewEmailTemplateDto``: every field but ``type`` falls back to the stored template."""

    type: TemplateType
    content: str | None = None
    subject: str | None = None
    sender: str | None = None
    expires_in: int | None = Field(default=None, ge=1)
    tpl_engine: TemplateEngine | None = None


class RenderedEmail(WireModel):
    """``PreviewEmailTemplateDataDto``: the rendered content (HTML), subject and sender."""

    content: str
    subject: str
    sender: str


# ---- tokens and end-user calls -------------------------------------------------------------------------------


class ManagementToken(BaseModel):
    """``AccessTokenResDto`` (snake_case on the wire already)."""

    access_token: str
    expires_in: int


class SendEmailRequest(WireModel):
    """``SendEmailDto``."""

    channel: Channel
    email: str


# ---- extensions of the embedded service ----------------------------------------------------------------------


class SendEmailReply(WireModel):
    """send-email's ``data``: GenAuth sends none; the embedded service says who delivered the mail."""

    delivered_by: str | None = None


class OutboxMessage(WireModel):
    """A mail delivered by the embedded service's built-in mail service (``GET /local/v1/outbox``)."""

    id: str
    created_at: str = Field(validation_alias=AliasChoices("createdAt", "created_at"))
    channel: str | None = None
    to: str
    subject: str
    html: str
    text: str
    raw: str


class AuditKind(StrEnum):
    PROVIDER = "provider"
    TEMPLATE = "template"
    TEST_SEND = "test-send"  # a draft sent to a recipient (``POST /local/v1/send-draft``): not a change


class AuditChange(WireModel):
    """One field that changed, by its wire name (``smtpConfig.smtp_host``, ``subject``). A secret's value is never
    given: its ``before`` is left out and its ``after`` is ``"changed"``. A long or multi-line text (a template body)
    also comes as a unified ``diff`` of the whole values (an extension; records made before it have none)."""

    field: str
    before: Any = None
    after: Any = None
    # Left out when absent: a change without a diff keeps the shape it always had.
    diff: str | None = Field(default=None, exclude_if=lambda value: value is None)


class AuditEntry(WireModel):
    """A change of provider settings or of a template (``GET /local/v1/audit``). ``at`` is UTC in ISO 8601;
    ``actor`` the signed-in admin's email the console sent, else ``access key <id>`` or ``SMTP set-up API token``;
    ``item`` the provider type or the template type."""

    id: int
    at: str
    actor: str
    kind: Annotated[AuditKind | str, Field(union_mode="left_to_right")]
    item: str
    changes: list[AuditChange] = []


class Extension(StrEnum):
    """What the embedded service offers beyond the GenAuth contract, announced by ``GET /local/v1/info``."""

    SMTP_EXTRAS = "smtp-extras"  # smtpConfig keeps From, Reply-To, Envelope-From, STARTTLS, certificate checks
    OUTBOX = "outbox"  # GET /local/v1/outbox: the mails the built-in mail service delivered
    CONNECTION_TEST = "connection-test"  # POST /local/v1/test-email-provider
    AUDIT = "audit"  # GET /local/v1/audit: who changed what, and when
    VERSIONS = "versions"  # provider settings and templates carry a version; a stale save is refused with 409
    SECRET_COMPARISON = "secret-comparison"  # POST /local/v1/compare-provider-secrets: same as stored, or not
    SEND_DRAFT = "send-draft"  # POST /local/v1/send-draft: an unsaved template sent as a real send would be
    HISTORY = "history"  # GET /local/v1/templates/{type}/history and POST .../restore: saved versions
    DELIVERIES = "deliveries"  # GET /local/v1/deliveries: every mail the service sent or tried to send


class SecretComparison(WireModel):
    """``POST /local/v1/compare-provider-secrets``: secrets by wire field (``smtpConfig.senderPass``) in the
    request; in the reply, whether each is the one stored (``plan`` tells "changed" from "unchanged" with it)."""

    secrets: dict[str, str] = {}
    same: dict[str, bool] = {}


class SendDraftRequest(UpdateEmailTemplateRequest):
    """``POST /local/v1/send-draft``: the template as the editor holds it (unsaved; ``version`` is ignored), the
    recipient, and optionally a sample profile whose values replace those of a real send (a long name, say)."""

    email: str
    context: dict[str, Any] | None = None


class SendDraftReply(WireModel):
    """What ``send-draft`` answers: who delivered the draft, and its subject as sent."""

    delivered_by: str
    subject: str
    message_id: str | None = None


class TemplateRevision(EmailTemplate):
    """One saved version of a template (``GET /local/v1/templates/{type}/history``): its fields as saved, the
    ``version`` the save made, when (UTC, ISO 8601) and who."""

    at: str
    actor: str


class RestoreTemplateRequest(WireModel):
    """``POST /local/v1/templates/{type}/restore``: save ``version``'s fields as a new version. ``base_version``,
    the version the admin is looking at, works as ``version`` does in ``UpdateEmailTemplateRequest``."""

    # Bounded as the store's integers are (SQLite and PostgreSQL refuse larger ones with an error, not a 404).
    version: int = Field(ge=1, le=2**31 - 1)
    base_version: int | None = Field(default=None, ge=0, le=2**31 - 1)


class DeliveryStatus(StrEnum):
    DELIVERED = "delivered"
    REFUSED = "refused"  # the provider refused or could not be reached: ``reply`` holds what it said
    THROTTLED = "throttled"  # the once-a-minute rule: nothing was tried
    FAILED = "failed"  # the mail could not be made (a template fault): nothing was tried


DRAFT_CHANNEL = "draft"  # the delivery log's channel of a draft send
BUILTIN_PROVIDER = "builtin"  # the delivery log's provider while none is switched on (the built-in mail service)


class Delivery(WireModel):
    """One mail the service sent or tried to send (``GET /local/v1/deliveries``). ``channel`` is the send-email
    channel or ``draft``; ``provider`` the provider type (``builtin`` for the built-in mail service) and
    ``destination`` where it went (``smtp.example.com:465 (SSL)``, ``SendGrid (https://api.sendgrid.com)``,
    ``built-in outbox``); ``reply`` the provider's or the service's own words when not delivered."""

    id: int
    at: str
    channel: str
    to: str
    subject: str = ""
    template_type: str | None = None
    template_version: int | None = None
    provider: str
    destination: str
    status: Annotated[DeliveryStatus | str, Field(union_mode="left_to_right")]
    reply: str | None = None
    message_id: str | None = None
    duration_ms: int = 0


class ServiceInfo(WireModel):
    """``GET /local/v1/info``: present only on the embedded service, which stores more than GenAuth cloud."""

    service: str
    version: str
    # ``Extension`` values; kept as text so that a newer backend's extensions still parse.
    extensions: list[str] = []
    # The language the pool's built-in mails are written in (zh-CN, en-US); absent from older services.
    pool_language: str | None = None

    @property
    def mail_language(self) -> Language:
        """The language of the pool's built-in mails; English where the service does not say (it was, before)."""
        return parse_language(self.pool_language or "") or EN_US


class SmtpSetupRequest(TextModel):
    """The body of the SMTP set-up API (SSMS and SHIFT forms). Its names are already camelCase."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    host: str
    from_address: str = Field(alias="from")
    # A string in the documented sample; a number is accepted too.
    port: Annotated[str | None, BeforeValidator(lambda value: str(value) if isinstance(value, int) else value)] = None
    ssl: bool | None = None
    starttls: bool | None = None
    user: str | None = None
    password: str | None = None
    from_display_name: str | None = Field(default=None, alias="fromDisplayName")
    reply_to: str | None = Field(default=None, alias="replyTo")
    reply_to_display_name: str | None = Field(default=None, alias="replyToDisplayName")
    envelope_from: str | None = Field(default=None, alias="envelopeFrom")

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class SmtpSetupReply(BaseModel):
    """``{"message": ..., "status": "OK", "subSystem": 8}``."""

    message: str
    status: str
    sub_system: int | None = Field(default=None, alias="subSystem")
