"""Extensions of the embedded service, under /local/v1 so they never collide with GenAuth's paths."""

from __future__ import annotations

import hmac
import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from mailconsole import __version__
from mailconsole.changes import SECRET_FIELDS, stored_secrets
from mailconsole.i18n import language_of_request, localized
from mailconsole.models import (
    AuditKind,
    DeliveryStatus,
    Extension,
    ProviderTestRequest,
    RestoreTemplateRequest,
    SecretComparison,
    SendDraftRequest,
    ServiceInfo,
    TemplateType,
)
from mailconsole.service import draft_sending, history
from mailconsole.service.dependencies import ManagedPool, ManagementActor, SettingsDep, StoreDep
from mailconsole.service.envelope import ServiceError, ok
from mailconsole.service.limits import WindowLimit
from mailconsole.service.provider_check import check_provider

router = APIRouter(prefix="/local/v1", tags=["local"])


@router.get("/info")
def service_info(userpool: ManagedPool, store: StoreDep) -> dict[str, Any]:
    """Tells a console that this backend is the embedded service, what it keeps beyond the GenAuth contract, and
    the language of the pool's built-in mails (what "the built-in default" is, for a diff or a reset)."""
    info = ServiceInfo(
        service="mailconsole",
        version=__version__,
        extensions=list(Extension),
        pool_language=store.pool_language(userpool.id),
    )
    return ok(info.to_wire())


@router.get("/outbox")
def list_outbox(
    userpool: ManagedPool, store: StoreDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Mails the built-in mail service delivered, newest first."""
    messages = store.outbox(userpool.id, limit)
    return ok({"messages": [message.to_wire() for message in messages]})


@router.get("/audit")
def list_audit(
    userpool: ManagedPool,
    store: StoreDep,
    kind: Annotated[AuditKind | None, Query(description="provider or template; both when left out")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Who changed the provider settings and templates, when, and what, newest first (secrets only as changed)."""
    entries = store.audit(userpool.id, kind=kind, limit=limit)
    return ok({"entries": [entry.to_wire() for entry in entries]})


@router.post("/test-email-provider")
def test_email_provider(
    body: ProviderTestRequest, userpool: ManagedPool, store: StoreDep, settings: SettingsDep, request: Request
) -> dict[str, Any]:
    """The connection test of the settings in the body (saved or not); a stored secret fills an empty one only for
    the server and login it was saved for. A failure is a report, not an error: statusCode 200 with ok false.
    Each test connects where the tenant says, so a tenant gets ``connection_tests_per_minute`` of them (429 with
    the wait beyond that)."""
    _take_connection_test(request, userpool.id)
    report = check_provider(body, store.provider(userpool.id), settings, language_of_request(request.headers))
    return ok(report.to_wire())


def _take_connection_test(request: Request, userpool_id: str) -> None:
    limit: WindowLimit = request.app.state.connection_test_limit
    wait = limit.take(userpool_id)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise ServiceError(
            429,
            localized(
                "Too many connection tests: {limit} a minute; try again in {seconds} seconds.",
                limit=limit.limit,
                seconds=seconds,
            ),
            data={"retryAfter": seconds},
        )


@router.post("/compare-provider-secrets")
def compare_provider_secrets(
    body: SecretComparison, userpool: ManagedPool, store: StoreDep, request: Request
) -> dict[str, Any]:
    """Whether each given secret is the one stored, so that ``mailconsole plan`` can say "unchanged" without the
    service ever showing a secret. It answers what a connection test would (does this password work), so it
    shares the connection tests' budget per minute."""
    _take_connection_test(request, userpool.id)
    stored = stored_secrets(store.provider(userpool.id))
    same = {
        field: field in stored and hmac.compare_digest(stored[field].encode(), value.encode())
        for field, value in body.secrets.items()
        if field in SECRET_FIELDS
    }
    return ok(SecretComparison(same=same).to_wire())


# ---- draft sends, template history, the delivery log -----------------------------------------------------------


@router.post("/send-draft")
def send_draft(
    body: SendDraftRequest, userpool: ManagedPool, store: StoreDep, settings: SettingsDep, actor: ManagementActor
) -> dict[str, Any]:
    """Send the template in the body (unsaved) to ``email`` as a real send of its type would be; nothing is saved.
    Takes the once-a-minute slot of the type's channel (429 with the wait); logged, and audited as a test send."""
    return ok(draft_sending.send_draft(store, settings, userpool, body, actor=actor).to_wire())


@router.get("/templates/{template_type}/history")
def template_history(
    template_type: TemplateType,
    userpool: ManagedPool,
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Every saved version of the template, newest first: its fields as saved, the version, when and who."""
    revisions = store.template_history(userpool.id, template_type.value, limit)
    return ok({"versions": [revision.to_wire() for revision in revisions]})


@router.post("/templates/{template_type}/restore")
def restore_template(
    template_type: TemplateType,
    body: RestoreTemplateRequest,
    userpool: ManagedPool,
    store: StoreDep,
    actor: ManagementActor,
) -> dict[str, Any]:
    """Save a saved version's fields as a new version; 409 when ``baseVersion`` is no longer the stored one."""
    return ok(history.restore_template(store, userpool.id, template_type, body, actor=actor).to_wire())


@router.get("/deliveries")
def list_deliveries(
    userpool: ManagedPool,
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    to: Annotated[str | None, Query(max_length=320, description="recipients containing this, in any case")] = None,
    status: Annotated[DeliveryStatus | None, Query(description="one result; all when left out")] = None,
) -> dict[str, Any]:
    """Every mail the service sent or tried to send, newest first."""
    deliveries = store.deliveries(userpool.id, limit=limit, to=to, status=status.value if status else None)
    return ok({"deliveries": [delivery.to_wire() for delivery in deliveries]})
