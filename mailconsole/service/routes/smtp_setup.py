"""The SMTP set-up API of the second backend, in both URL forms, with its own replies (real HTTP statuses)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import ValidationError

from mailconsole.models import SmtpSetupRequest
from mailconsole.service.auth import TokenIssuer
from mailconsole.service.dependencies import IssuerDep, SettingsDep, StoreDep
from mailconsole.service.envelope import ServiceError, field_name
from mailconsole.service.provider_settings import apply_smtp_setup, save_provider_settings
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store

router = APIRouter(tags=["smtp-setup"])

MANDATORY = "Host and From is mandatory to update Email Configuration."
# Who the audit trail names for this API: whoever holds the tenant's bearer token.
ACTOR = "SMTP set-up API token"


@router.post("/auth/realms/{tenant_id}/mail/setup")
async def shift_mail_setup(
    tenant_id: str,
    request: Request,
    store: StoreDep,
    issuer: IssuerDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    return _setup(tenant_id, await request.body(), authorization, store, issuer, settings)


@router.post("/digitanium/v4/mail/config")
async def ssms_mail_config(
    request: Request,
    store: StoreDep,
    issuer: IssuerDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    tenant_id = (request.headers.get("host") or "").split(".", 1)[0]
    return _setup(tenant_id, await request.body(), authorization, store, issuer, settings)


def _setup(
    tenant_id: str, raw: bytes, authorization: str | None, store: Store, issuer: TokenIssuer, settings: ServiceSettings
) -> Response:
    try:
        userpool = issuer.userpool_of(authorization)
    except ServiceError:
        return _unauthorized()
    if userpool.id != tenant_id:
        return _unauthorized()
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return _bad_request("The body is not valid JSON.")
    except RecursionError:  # json's decoder recurses once per level of nesting
        return _bad_request("The body is nested too deeply to be the SMTP settings.")
    if not isinstance(body, dict) or not body.get("host") or not body.get("from"):
        return _bad_request(MANDATORY)
    try:
        setup = SmtpSetupRequest.model_validate(body)
        save_provider_settings(
            store,
            userpool.id,
            lambda current: apply_smtp_setup(current, setup),
            expected_version=None,
            actor=ACTOR,
            destinations=settings.destinations,
        )
    except ValidationError as err:
        first = err.errors()[0]
        return _bad_request(f"{field_name(tuple(first['loc']))}: {first['msg']}.")
    except ServiceError as err:
        return _bad_request(_in_setup_terms(str(err.message)))  # this API speaks English only, as documented
    return JSONResponse({"message": "Successfully updated SMTP Details", "status": "OK", "subSystem": 8})


# The shared validation speaks of smtpConfig's fields; this API's callers know them by these names.
_SETUP_NAMES = {
    "smtpConfig.smtp_host": "host",
    "smtpConfig.smtp_port": "port",
    "smtpConfig.senderPass": "password",
    "smtpConfig.sender": "user",
    "smtpConfig.fromDisplayName": "fromDisplayName",
    "smtpConfig.replyToDisplayName": "replyToDisplayName",
    "smtpConfig.replyTo": "replyTo",
    "smtpConfig.envelopeFrom": "envelopeFrom",
    "smtpConfig.from": "from",
    "smtpConfig": "settings",
}


def _in_setup_terms(message: str) -> str:
    for shared, own in _SETUP_NAMES.items():
        message = message.replace(shared, own)
    return message


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse({"status": "BAD_REQUEST", "message": message}, status_code=400)


def _unauthorized() -> PlainTextResponse:
    return PlainTextResponse("HTTP 401 Unauthorized.", status_code=401)
