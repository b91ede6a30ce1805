"""Probes for load balancers and orchestrators, with real HTTP statuses (they read the status, not a body):
liveness (the process answers) and readiness (its database answers and has the schema this version needs)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from mailconsole.service.dependencies import StoreDep

router = APIRouter(prefix="/local/v1", tags=["health"])


@router.get("/health")
def health() -> JSONResponse:
    """Liveness: 200 while the process serves requests. It does not touch the database, so a database outage does
    not get every replica restarted at once."""
    return JSONResponse({"status": "ok"})


@router.get("/ready")
def ready(store: StoreDep) -> JSONResponse:
    """Readiness: 200 when the database is reachable and its schema is current, else 503 with the reason."""
    problem = store.readiness_problem()
    if problem is not None:
        return JSONResponse({"status": "unavailable", "message": problem}, status_code=503)
    return JSONResponse({"status": "ready"})
