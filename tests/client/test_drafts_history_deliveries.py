"""The client's side of send-draft, template history and the delivery log, replies played by httpx.MockTransport:
what goes on the wire (paths, query, body with wire names and nothing unset), and what a reply parses into."""

from __future__ import annotations

import json

import httpx

from mailconsole import ManagementClient
from mailconsole.models import DeliveryStatus

DELIVERY = {
    "id": 7,
    "at": "2026-12-03T10:00:00.000Z",
    "channel": "draft",
    "to": "kim@example.com",
    "subject": "Hi",
    "templateType": "WELCOME_EMAIL",
    "provider": "custom",
    "destination": "smtp.example.com:465 (SSL)",
    "status": "refused",
    "reply": "550 5.1.1 User unknown",
    "durationMs": 312,
    "somethingNewer": True,
}


class Backend:
    """Answers the token call and records every request; other calls get ``data`` in an envelope."""

    def __init__(self, data: object) -> None:
        self.data = data
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/api/v3/get-management-token":
            return httpx.Response(200, json={"statusCode": 200, "data": {"access_token": "t", "expires_in": 7200}})
        return httpx.Response(200, json={"statusCode": 200, "message": "Success", "data": self.data})

    def client(self) -> ManagementClient:
        transport = httpx.Client(transport=httpx.MockTransport(self))
        return ManagementClient("https://api.example.com", "ak", "sk", http_client=transport)


def test_send_draft_sends_the_editors_fields_and_the_profile() -> None:
    backend = Backend({"deliveredBy": "SendGrid (https://api.sendgrid.com)", "subject": "Hi Kim", "messageId": "<m@x>"})
    reply = backend.client().send_draft(
        type="WELCOME_EMAIL",
        email="kim@example.com",
        customize_enabled=False,
        name="Welcome",
        subject="Hi {{user_name}}",
        sender="Acme",
        content="<p>Hi</p>",
        context={"user_name": "Kim"},
    )
    request = backend.requests[-1]
    assert (request.method, request.url.path) == ("POST", "/local/v1/send-draft")
    assert json.loads(request.content) == {
        "type": "WELCOME_EMAIL",
        "email": "kim@example.com",
        "customizeEnabled": False,
        "name": "Welcome",
        "subject": "Hi {{user_name}}",
        "sender": "Acme",
        "content": "<p>Hi</p>",
        "context": {"user_name": "Kim"},
    }
    assert (reply.delivered_by, reply.subject, reply.message_id) == (
        "SendGrid (https://api.sendgrid.com)",
        "Hi Kim",
        "<m@x>",
    )


def test_history_and_restore_paths_and_bodies() -> None:
    revision = {
        "version": 2,
        "at": "2026-12-03T10:00:00.000Z",
        "actor": "alice@example.com",
        "customizeEnabled": True,
        "type": "LOGIN_VERIFY_CODE",
        "name": "Login",
        "subject": "s",
        "sender": "x",
        "content": "c",
    }
    backend = Backend({"versions": [revision]})
    [parsed] = backend.client().template_history(type="LOGIN_VERIFY_CODE", limit=5)
    assert (parsed.version, parsed.actor, parsed.content) == (2, "alice@example.com", "c")
    assert backend.requests[-1].url.path == "/local/v1/templates/LOGIN_VERIFY_CODE/history"
    assert dict(backend.requests[-1].url.params) == {"limit": "5"}

    backend.data = {**revision, "version": 3}
    restored = backend.client().restore_template(type="LOGIN_VERIFY_CODE", version=1, base_version=2)
    assert restored.version == 3
    assert backend.requests[-1].url.path == "/local/v1/templates/LOGIN_VERIFY_CODE/restore"
    assert json.loads(backend.requests[-1].content) == {"version": 1, "baseVersion": 2}
    backend.client().restore_template(type="LOGIN_VERIFY_CODE", version=1)
    assert json.loads(backend.requests[-1].content) == {"version": 1}


def test_the_delivery_log_is_filtered_by_query_and_parsed() -> None:
    backend = Backend({"deliveries": [DELIVERY, {**DELIVERY, "id": 6, "status": "bounced-later"}]})
    refused, newer = backend.client().list_deliveries(limit=10, to="kim@", status=DeliveryStatus.REFUSED)
    assert dict(backend.requests[-1].url.params) == {"limit": "10", "to": "kim@", "status": "refused"}
    assert (refused.status, refused.reply, refused.duration_ms, refused.template_version) == (
        DeliveryStatus.REFUSED,
        "550 5.1.1 User unknown",
        312,
        None,
    )
    assert newer.status == "bounced-later"  # a result a newer backend adds stays text
    backend.client().list_deliveries()
    assert dict(backend.requests[-1].url.params) == {"limit": "100"}
