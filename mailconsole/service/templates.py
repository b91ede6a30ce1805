"""A tenant's 15 templates: what is stored, what applies when sending, saving with validation, previewing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mailconsole.addresses import check_header_value
from mailconsole.catalog import LINK_TYPES, VERIFICATION_TYPES
from mailconsole.changes import template_changes
from mailconsole.i18n import localized
from mailconsole.models import (
    AuditKind,
    EmailTemplate,
    EmailTemplates,
    PreviewEmailTemplateRequest,
    RenderedEmail,
    TemplateEngine,
    TemplateType,
    UpdateEmailTemplateRequest,
    refuse_lone_surrogates,
)
from mailconsole.rendering import TemplateError, TemplateLimitError, check_template, render_template
from mailconsole.rendering.samples import sample_context
from mailconsole.service.defaults import default_categories, default_template
from mailconsole.service.envelope import ServiceError
from mailconsole.service.store import AuditRecord, Store
from mailconsole.service.versioning import check_version, versioned_write


def list_templates(store: Store, userpool_id: str) -> EmailTemplates:
    """All 15, each with its version; a type never saved is its built-in default at version 0."""
    saved = store.versioned_templates(userpool_id)
    language = store.pool_language(userpool_id)
    templates = [
        template.model_copy(update={"version": version})
        for template, version in (
            saved.get(kind.value) or (default_template(kind, language=language), 0) for kind in TemplateType
        )
    ]
    return EmailTemplates(templates=templates, categories=default_categories())


def stored_template(store: Store, userpool_id: str, template_type: TemplateType) -> EmailTemplate:
    return store.saved_templates(userpool_id).get(template_type.value) or builtin_template(
        store, userpool_id, template_type
    )


def builtin_template(store: Store, userpool_id: str, template_type: TemplateType) -> EmailTemplate:
    """The built-in template of the type, in the pool's language (the language of mails follows the pool)."""
    return default_template(template_type, language=store.pool_language(userpool_id))


def sending_template(store: Store, userpool_id: str, template_type: TemplateType) -> EmailTemplate:
    """What a send uses: the tenant's template where customisation is on, else the built-in one (with the
    tenant's validity period, which applies either way)."""
    stored = stored_template(store, userpool_id, template_type)
    if stored.customize_enabled:
        return stored
    return builtin_template(store, userpool_id, template_type).model_copy(update={"expires_in": stored.expires_in})


def update_template(
    store: Store, userpool_id: str, request: UpdateEmailTemplateRequest, *, actor: str
) -> EmailTemplate:
    """Validate and save with an audit record; a template that does not compile is refused with the line of the
    fault. The reply carries the template's version; a request with another ``version`` than the stored one is
    refused with 409. A save that changes nothing is not written (no new version, no audit record)."""
    template = checked_template(request)
    what = localized("The template {type}", type=request.type.value)

    def attempt() -> EmailTemplate:
        stored, version = store.versioned_template(userpool_id, request.type.value)
        check_version(what, request.version, version)
        changes = template_changes(stored or builtin_template(store, userpool_id, request.type), template)
        if not changes:
            return template.model_copy(update={"version": version})
        record = AuditRecord(actor=actor, kind=AuditKind.TEMPLATE, item=request.type.value, changes=changes)
        saved_version = store.save_template(userpool_id, template, base_version=version, audit=record)
        return template.model_copy(update={"version": saved_version})

    return versioned_write(what, request.version, attempt)


def checked_template(request: UpdateEmailTemplateRequest) -> EmailTemplate:
    """The template of an update (or of a draft to send), once its parts compile, stay within the limits with the
    sample data, make valid headers, and its redirect is a web address: else ServiceError 400 naming the part."""
    engine = request.tpl_engine or TemplateEngine.HANDLEBAR
    context = _sample_context(request.type, request.expires_in)
    for field, source in (("subject", request.subject), ("sender", request.sender)):
        _check_header(field, source)
    for field, source in (("content", request.content), ("subject", request.subject), ("sender", request.sender)):
        _check(field, source, engine)
        _check_limits(field, source, context, engine)
    if (
        request.redirect_to
        and request.type in LINK_TYPES
        and not request.redirect_to.startswith(("https://", "http://"))
    ):
        raise ServiceError(400, localized("redirectTo must be an http(s) URL, such as https://example.com/welcome."))
    return EmailTemplate(
        customize_enabled=request.customize_enabled,
        type=request.type,
        name=request.name,
        subject=request.subject,
        sender=request.sender,
        content=request.content,
        # The official SDKs' samples send both for every type; each applies only where the platform uses it.
        expires_in=request.expires_in if request.type in VERIFICATION_TYPES else None,
        redirect_to=request.redirect_to if request.type in LINK_TYPES else None,
        tpl_engine=engine,
    )


def preview_template(store: Store, userpool_id: str, request: PreviewEmailTemplateRequest) -> RenderedEmail:
    """Render with a realistic sample context; every field the request leaves out comes from the stored one."""
    stored = stored_template(store, userpool_id, request.type)
    template = stored.model_copy(
        update={
            field: value
            for field, value in (
                ("content", request.content),
                ("subject", request.subject),
                ("sender", request.sender),
                ("expires_in", request.expires_in),
                ("tpl_engine", request.tpl_engine),
            )
            if value is not None
        }
    )
    mail = render_email(template, _sample_context(request.type, template.expires_in))
    # A send checks the same at the last moment (delivery.check_headers); the preview says it while editing.
    _check_header("subject", mail.subject, as_rendered=True)
    _check_header("sender", mail.sender, as_rendered=True)
    return mail


def render_email(template: EmailTemplate, context: Mapping[str, Any]) -> RenderedEmail:
    """Subject, sender and body of one mail; a fault is ServiceError 400 naming the part and its line, and so is
    output that is not text (half of a surrogate pair, from EJS's String.fromCharCode, say)."""
    engine = template.tpl_engine
    return RenderedEmail(
        content=_render("content", template.content, context, engine),
        subject=_render("subject", template.subject, context, engine).strip(),
        sender=_render("sender", template.sender, context, engine).strip(),
    )


def minutes(seconds: int) -> int:
    """Templates speak of validity in minutes; the API stores seconds. Round up: 90 s is "2 minutes"."""
    return max(1, -(-seconds // 60))


def _sample_context(template_type: TemplateType, expires_in: int | None) -> dict[str, Any]:
    context = sample_context(template_type)
    if expires_in:
        context["expires_in"] = minutes(expires_in)
    return context


def _check_limits(field: str, source: str, context: Mapping[str, Any], engine: TemplateEngine | str) -> None:
    """A trial render with the preview's sample data: a template that runs out of time or output there is refused
    when saved, not at its first send. (Other faults may depend on the data, and a preview shows them.)"""
    try:
        render_template(source, context, engine)
    except TemplateLimitError as err:
        raise ServiceError(400, localized("{field}: {problem}", field=field, problem=err.described())) from None
    except TemplateError:
        pass


def _check(field: str, source: str, engine: TemplateEngine | str) -> None:
    try:
        check_template(source, engine)
    except TemplateError as err:
        raise ServiceError(400, localized("{field}: {problem}", field=field, problem=err.described())) from None


def _render(field: str, source: str, context: Mapping[str, Any], engine: TemplateEngine | str) -> str:
    try:
        output = render_template(source, context, engine)
    except TemplateError as err:
        raise ServiceError(400, localized("{field}: {problem}", field=field, problem=err.described())) from None
    try:
        refuse_lone_surrogates(output)
    except ValueError as err:
        raise ServiceError(400, localized("{field}: as rendered, {problem}.", field=field, problem=err)) from None
    return output


def _check_header(field: str, value: str, *, as_rendered: bool = False) -> None:
    """A subject or sender becomes a header: 400 naming the field when it could end it (``check_header_value``)."""
    try:
        check_header_value(value)
    except ValueError as err:
        if as_rendered:
            raise ServiceError(
                400, localized("{field}: as rendered, it {problem}.", field=field, problem=err)
            ) from None
        raise ServiceError(400, localized("{field}: {problem}.", field=field, problem=err)) from None
