"""Extensions of the embedded service, under /local/v1 so they never collide with GenAuth's paths."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from mailconsole import __version__
from mailconsole.models import AuditKind, Extension, ProviderTestRequest, ServiceInfo
from mailconsole.service.dependencies import ManagedPool, SettingsDep, StoreDep
from mailconsole.service.envelope import ServiceError, ok
from mailconsole.service.limits import WindowLimit
from mailconsole.service.provider_check import check_provider

router = APIRouter(prefix="/local/v1", tags=["local"])


@router.get("/info")
def service_info(userpool: ManagedPool) -> dict[str, Any]:
    """Tells a console that this backend is the embedded service and what it keeps beyond the GenAuth contract."""
    return ok(ServiceInfo(service="mailconsole", version=__version__, extensions=list(Extension)).to_wire())


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
    limit: WindowLimit = request.app.state.connection_test_limit
    wait = limit.take(userpool.id)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise ServiceError(
            429,
            f"Too many connection tests: {limit.limit} a minute; try again in {seconds} seconds.",
            data={"retryAfter": seconds},
        )
    report = check_provider(body, store.provider(userpool.id), settings)
    return ok(report.to_wire())
