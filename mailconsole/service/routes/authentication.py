"""The end-user endpoint: send-email."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from mailconsole.models import SendEmailRequest
from mailconsole.service.dependencies import AppPool, SettingsDep, StoreDep
from mailconsole.service.envelope import ok
from mailconsole.service.sending import send_email as send

router = APIRouter(prefix="/api/v3", tags=["authentication"])


@router.post("/send-email")
def send_email(body: SendEmailRequest, userpool: AppPool, store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    # data.deliveredBy: an extension (GenAuth's reply has no data); clients that do not know it ignore it.
    return ok(
        data={"deliveredBy": send(store, settings, userpool, body.channel, body.email)}, message="Operation successful"
    )
