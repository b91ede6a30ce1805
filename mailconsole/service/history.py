"""Every saved version of a template (kept by the store with each save), and restoring one: a save like any other
(validated, audited, versioned, refused with 409 when the version the admin looked at is no longer current)."""

from __future__ import annotations

from mailconsole.i18n import localized
from mailconsole.models import EmailTemplate, RestoreTemplateRequest, TemplateType, UpdateEmailTemplateRequest
from mailconsole.service.envelope import ServiceError
from mailconsole.service.store import Store
from mailconsole.service.templates import update_template


def restore_template(
    store: Store, userpool_id: str, template_type: TemplateType, request: RestoreTemplateRequest, *, actor: str
) -> EmailTemplate:
    """Save version ``request.version``'s fields as a new version. Restoring what is stored already changes
    nothing (no new version), as any save that changes nothing."""
    revision = store.template_revision(userpool_id, template_type.value, request.version)
    if revision is None:
        raise ServiceError(
            404,
            localized(
                "The template {type} has no saved version {version}: list its history for the versions there are.",
                type=template_type.value,
                version=request.version,
            ),
        )
    update = UpdateEmailTemplateRequest.model_validate(
        {**revision.model_dump(exclude={"version", "at", "actor"}), "version": request.base_version}
    )
    return update_template(store, userpool_id, update, actor=actor)
