"""The management endpoints of the GenAuth V3 email API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mailconsole.models import (
    ConfigEmailProviderRequest,
    PreviewEmailTemplateRequest,
    UpdateEmailTemplateRequest,
)
from mailconsole.service import templates
from mailconsole.service.auth import check_access_key
from mailconsole.service.dependencies import IssuerDep, ManagedPool, ManagementActor, SettingsDep, StoreDep
from mailconsole.service.envelope import ok
from mailconsole.service.provider_settings import apply_provider_request, masked, save_provider_settings

router = APIRouter(prefix="/api/v3", tags=["management"])


class ManagementTokenRequest(BaseModel):
    access_key_id: str = Field(alias="accessKeyId", min_length=1)
    access_key_secret: str = Field(alias="accessKeySecret", min_length=1)


@router.post("/get-management-token")
def get_management_token(body: ManagementTokenRequest, store: StoreDep, issuer: IssuerDep) -> dict[str, Any]:
    userpool = check_access_key(store, body.access_key_id, body.access_key_secret)
    return ok({"access_token": issuer.issue(userpool), "expires_in": issuer.ttl})


# The reads skip FastAPI's response model (response_model=None): ok() builds the wire envelope already, and checking
# that dict against dict[str, Any] cost one more worker-thread hop per request (issue 17's read scaling).
@router.get("/get-email-provider", response_model=None)
def get_email_provider(userpool: ManagedPool, store: StoreDep) -> dict[str, Any]:
    provider, version = store.versioned_provider(userpool.id)
    return ok(masked(provider).model_copy(update={"version": version}).to_wire())


@router.post("/config-email-provider")
def config_email_provider(
    body: ConfigEmailProviderRequest,
    userpool: ManagedPool,
    store: StoreDep,
    actor: ManagementActor,
    settings: SettingsDep,
) -> dict[str, Any]:
    updated, version = save_provider_settings(
        store,
        userpool.id,
        lambda current: apply_provider_request(current, body, sendgrid_api_base=settings.sendgrid_api_base),
        expected_version=body.version,
        actor=actor,
        destinations=settings.destinations,
    )
    return ok(masked(updated).model_copy(update={"version": version}).to_wire())


@router.get("/get-email-templates", response_model=None)
def get_email_templates(userpool: ManagedPool, store: StoreDep) -> dict[str, Any]:
    return ok(templates.list_templates(store, userpool.id).to_wire())


@router.post("/update-email-template")
def update_email_template(
    body: UpdateEmailTemplateRequest, userpool: ManagedPool, store: StoreDep, actor: ManagementActor
) -> dict[str, Any]:
    return ok(templates.update_template(store, userpool.id, body, actor=actor).to_wire())


@router.post("/preview-email-template")
def preview_email_template(body: PreviewEmailTemplateRequest, userpool: ManagedPool, store: StoreDep) -> dict[str, Any]:
    return ok(templates.preview_template(store, userpool.id, body).to_wire())
