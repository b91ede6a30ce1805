"""The official GenAuth and Authing Python SDKs (5.1.0), unchanged, against the embedded service."""

from __future__ import annotations

from typing import Any

import pytest

from mailconsole import ManagementClient
from mailconsole.service.embedded import RunningService


def sdk_clients(service: RunningService, flavour: str) -> tuple[Any, Any]:
    if flavour == "genauth":
        from genauth import AuthenticationClient
        from genauth import ManagementClient as SdkManagement
    else:
        from authing import AuthenticationClient  # type: ignore[no-redef]
        from authing import ManagementClient as SdkManagement
    management = SdkManagement(
        access_key_id=service.userpool.id, access_key_secret=service.userpool.secret, host=service.base_url
    )
    authentication = AuthenticationClient(app_id=service.userpool.app_id, app_host=service.base_url)
    return management, authentication


@pytest.mark.parametrize("flavour", ["genauth", "authing"])
def test_all_six_operations(service: RunningService, management: ManagementClient, flavour: str) -> None:
    sdk, sdk_auth = sdk_clients(service, flavour)

    configured = sdk.config_email_provider(
        type="custom",
        enabled=True,
        smtp_config={
            "smtp_host": "smtp.example.com",
            "smtp_port": 465,
            "sender": "test",
            "senderPass": "passw0rd",
            "secure": True,
        },
    )
    assert configured["statusCode"] == 200, configured
    provider = sdk.get_email_provider()
    assert provider["statusCode"] == 200
    assert provider["data"]["smtpConfig"]["smtp_host"] == "smtp.example.com"

    templates = sdk.get_email_templates()
    assert templates["statusCode"] == 200
    assert len(templates["data"]["templates"]) == 15
    assert templates["data"]["categories"]

    updated = sdk.update_email_template(
        content="<p>Welcome to {{app_name}}</p>",
        sender="{{client_name}}",
        subject="Welcome to {{app_name}}",
        name="Welcome email",
        customize_enabled=True,
        type="WELCOME_EMAIL",
        expires_in=300,
        redirect_to="https://example.com",
        tpl_engine="handlebar",
    )
    assert updated["statusCode"] == 200, updated
    assert updated["data"]["content"] == "<p>Welcome to {{app_name}}</p>"

    preview = sdk.preview_email_template(type="WELCOME_EMAIL")
    assert preview["statusCode"] == 200
    assert preview["data"]["content"].startswith("<p>Welcome to ")
    assert "{{" not in preview["data"]["subject"]

    # Back to the built-in service, so that the send lands in the outbox.
    assert sdk.config_email_provider(type="custom", enabled=False)["statusCode"] == 200
    sent = sdk_auth.send_email(channel="CHANNEL_LOGIN", email=f"{flavour}@example.com")
    assert sent["statusCode"] == 200, sent
    again = sdk_auth.send_email(channel="CHANNEL_LOGIN", email=f"{flavour}@example.com")
    assert again["statusCode"] == 429
    assert [m.to for m in management.list_outbox()] == [f"{flavour}@example.com"]


@pytest.mark.parametrize("flavour", ["genauth", "authing"])
def test_sdk_sees_errors_in_the_envelope(service: RunningService, flavour: str) -> None:
    sdk, _ = sdk_clients(service, flavour)
    reply = sdk.config_email_provider(
        type="custom", enabled=True, smtp_config={"smtp_host": "h.example.com", "smtp_port": 0}
    )
    assert reply["statusCode"] == 400
    assert "smtpConfig" in reply["message"]
    assert reply["requestId"]
