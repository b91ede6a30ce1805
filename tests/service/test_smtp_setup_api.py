"""The SMTP set-up API (SSMS and SHIFT URL forms) served by the embedded service, over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mailconsole import InvalidArgumentError, ManagementClient, SmtpSetupClient, UnauthorizedError
from mailconsole.models import SECRET_MASK, SmtpSetupRequest
from mailconsole.service.embedded import RunningService
from tests.service.test_api import management_token

# The seed's own sample: port and booleans as strings.
SEED_SAMPLE = {
    "replyToDisplayName": "Receiver",
    "starttls": "true",
    "port": "587",
    "host": "smtp.gmail.com",
    "replyTo": "reply@example.com",
    "from": "sender@example.com",
    "fromDisplayName": "From KC Test team",
    "envelopeFrom": "",
    "ssl": "false",
    "user": "sender@example.com",
    "password": "app-password-1",
}


def post(service: RunningService, form: str, body: Any, token: str | None, tenant: str | None = None) -> httpx.Response:
    tenant = tenant or service.userpool.id
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=service.base_url) as http:
        if form == "shift":
            return http.post(f"/auth/realms/{tenant}/mail/setup", json=body, headers=headers)
        port = service.base_url.rsplit(":", 1)[1]
        return http.post(
            "/digitanium/v4/mail/config", json=body, headers={**headers, "host": f"{tenant}.localhost:{port}"}
        )


@pytest.mark.parametrize("form", ["shift", "ssms"])
def test_seed_sample_sets_the_tenants_smtp_settings(
    service: RunningService, management: ManagementClient, form: str
) -> None:
    response = post(service, form, SEED_SAMPLE, management_token(service))
    assert response.status_code == 200
    assert response.json() == {"message": "Successfully updated SMTP Details", "status": "OK", "subSystem": 8}
    assert management.get_email_provider().smtp_config.sender_pass == SECRET_MASK  # replies never carry it
    provider = service.store.provider(service.userpool.id)
    assert provider.enabled is True and provider.type == "custom"
    smtp = provider.smtp_config
    assert smtp is not None
    assert (smtp.smtp_host, smtp.smtp_port, smtp.secure, smtp.starttls) == ("smtp.gmail.com", 587, False, True)
    assert (smtp.sender, smtp.sender_pass, smtp.from_address) == (
        "sender@example.com",
        "app-password-1",
        "sender@example.com",
    )
    assert (smtp.from_display_name, smtp.reply_to, smtp.reply_to_display_name) == (
        "From KC Test team",
        "reply@example.com",
        "Receiver",
    )
    assert smtp.envelope_from is None  # "" means not set


@pytest.mark.parametrize("form", ["shift", "ssms"])
def test_host_and_from_are_mandatory(service: RunningService, management: ManagementClient, form: str) -> None:
    before = management.get_email_provider()
    response = post(service, form, {"host": "smtp.example.com"}, management_token(service))
    assert response.status_code == 400
    assert response.json() == {
        "status": "BAD_REQUEST",
        "message": "Host and From is mandatory to update Email Configuration.",
    }
    assert management.get_email_provider() == before


@pytest.mark.parametrize("form", ["shift", "ssms"])
def test_without_a_valid_token_for_that_tenant(service: RunningService, form: str) -> None:
    for token, tenant in ((None, None), ("forged", None), (management_token(service), "another-tenant")):
        response = post(service, form, SEED_SAMPLE, token, tenant)
        assert response.status_code == 401
        assert response.text == "HTTP 401 Unauthorized."


def test_bad_values_are_refused(service: RunningService) -> None:
    token = management_token(service)
    for change, named in (
        ({"port": "http"}, "port"),
        ({"port": "70000"}, "port"),
        ({"from": "nobody"}, "from"),
        ({"host": "smtp.example.com/path"}, "host"),
        ({"ssl": "true", "starttls": "true"}, "not both"),
    ):
        response = post(service, "shift", {**SEED_SAMPLE, **change}, token)
        assert response.status_code == 400
        assert response.json()["status"] == "BAD_REQUEST"
        assert named in response.json()["message"]
        assert "smtpConfig" not in response.json()["message"]


def test_a_password_is_kept_only_for_the_same_server_and_user(
    service: RunningService, management: ManagementClient
) -> None:
    token = management_token(service)
    post(service, "shift", SEED_SAMPLE, token)
    without_password = {key: value for key, value in SEED_SAMPLE.items() if key != "password"}
    post(service, "shift", without_password, token)
    smtp = service.store.provider(service.userpool.id).smtp_config
    assert smtp is not None and smtp.sender_pass == "app-password-1"
    post(service, "shift", {**without_password, "host": "smtp.elsewhere.example.com"}, token)
    smtp = service.store.provider(service.userpool.id).smtp_config
    assert smtp is not None and smtp.sender_pass == ""


@pytest.mark.parametrize("form", ["shift", "ssms"])
def test_the_typed_client_speaks_both_forms(service: RunningService, management: ManagementClient, form: Any) -> None:
    token = management_token(service)
    with SmtpSetupClient(form=form, host=service.base_url, tenant_id=service.userpool.id, token=token) as client:
        reply = client.configure_smtp(SmtpSetupRequest.model_validate({**SEED_SAMPLE, "host": f"{form}.example.com"}))
        assert reply.status == "OK"
        smtp = management.get_email_provider().smtp_config
        assert smtp is not None and smtp.smtp_host == f"{form}.example.com"
        with pytest.raises(InvalidArgumentError, match="mandatory"):
            client.configure_smtp(SmtpSetupRequest.model_validate({"host": "", "from": "a@example.com"}))
    with (
        SmtpSetupClient(form=form, host=service.base_url, tenant_id=service.userpool.id, token="forged") as forged,
        pytest.raises(UnauthorizedError),
    ):
        forged.configure_smtp(SmtpSetupRequest.model_validate(SEED_SAMPLE))
