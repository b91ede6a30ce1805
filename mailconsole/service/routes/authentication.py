"""The end-user endpoint: send-email."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from mailconsole.i18n import language_of_request
from mailconsole.models import SendEmailRequest
from mailconsole.service.dependencies import AppPool, SettingsDep, StoreDep
from mailconsole.service.envelope import ok
from mailconsole.service.sending import send_email as send

router = APIRouter(prefix="/api/v3", tags=["authentication"])


@router.post("/send-email")
def send_email(
    body: SendEmailRequest, request: Request, userpool: AppPool, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    # data.deliveredBy: an extension (GenAuth's reply has no data); clients that do not know it ignore it.
    delivered_by = send(store, settings, userpool, body.channel, body.email)
    return ok(
        data={"deliveredBy": delivered_by.in_language(language_of_request(request.headers))},
        message="Operation successful",
    )
