"""The client's side of the audit trail and of versions, replies played by httpx.MockTransport: the actor header on
every call (cleaned, percent-encoded), the version in request bodies only when given, the current version of a
409, and the audit list."""

from __future__ import annotations

import json

import httpx
import pytest

from mailconsole import ConflictError, ManagementClient
from mailconsole.actor import ACTOR_HEADER, decode_actor, encode_actor
from mailconsole.models import AuditChange, SmtpConfig

SMTP = SmtpConfig(smtp_host="smtp.example.com", smtp_port=465, sender_pass="p")


class Backend:
    """Answers the token call and records every request; other calls get ``reply``."""

    def __init__(self, reply: dict[str, object]) -> None:
        self.reply = reply
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/api/v3/get-management-token":
            return httpx.Response(200, json={"statusCode": 200, "data": {"access_token": "t", "expires_in": 7200}})
        return httpx.Response(200, json=self.reply)

    def client(self, actor: str | None = None) -> ManagementClient:
        transport = httpx.Client(transport=httpx.MockTransport(self))
        return ManagementClient("https://api.example.com", "ak", "sk", actor=actor, http_client=transport)


def ok(data: object) -> dict[str, object]:
    return {"statusCode": 200, "message": "Success", "data": data}


def test_the_actor_goes_in_a_header_on_every_call_and_only_when_given() -> None:
    backend = Backend(ok({"enabled": False}))
    backend.client(actor="alice@example.com").get_email_provider()
    backend.client().get_email_provider()
    with_actor, without = [request for request in backend.requests if request.url.path == "/api/v3/get-email-provider"]
    assert with_actor.headers[ACTOR_HEADER] == "alice@example.com"
    assert ACTOR_HEADER not in without.headers


def test_an_actor_with_line_breaks_or_non_ascii_characters_is_sent_safely() -> None:
    backend = Backend(ok({"enabled": False}))
    client = backend.client(actor="  zoë@exämple.com\r\nx-injected: 1 ")
    assert client.actor == "zoë@exämple.com x-injected: 1"
    client.get_email_provider()
    header = backend.requests[-1].headers[ACTOR_HEADER]
    assert header.isascii() and "\n" not in header and "x-injected" not in backend.requests[-1].headers
    assert decode_actor(header) == "zoë@exämple.com x-injected: 1"
    assert decode_actor(encode_actor("100%@example.com")) == "100%@example.com"
    assert backend.client(actor="\u202e\n").actor is None  # nothing left: no header at all


def test_versions_are_sent_only_when_given() -> None:
    backend = Backend(ok({"enabled": True, "type": "custom", "version": 4}))
    client = backend.client()
    assert client.config_email_provider(type="custom", enabled=True, smtp_config=SMTP, version=3).version == 4
    assert json.loads(backend.requests[-1].content)["version"] == 3
    client.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    assert "version" not in json.loads(backend.requests[-1].content)

    backend.reply = ok(
        {
            "customizeEnabled": True,
            "type": "WELCOME_EMAIL",
            "name": "n",
            "subject": "s",
            "sender": "x",
            "content": "c",
            "version": 8,
        }
    )
    for version in (7, None):
        saved = client.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name="n",
            subject="s",
            sender="x",
            content="c",
            version=version,
        )
        assert saved.version == 8
        assert json.loads(backend.requests[-1].content).get("version") == version


def test_a_conflict_carries_the_current_version() -> None:
    refusal = {"statusCode": 409, "message": "changed since it was loaded", "requestId": "r1", "data": {"version": 5}}
    client = Backend(refusal).client()
    with pytest.raises(ConflictError) as caught:
        client.config_email_provider(type="custom", enabled=False, version=2)
    assert (caught.value.current_version, caught.value.status_code, caught.value.request_id) == (5, 409, "r1")
    # Another backend's 409 without that data still is a ConflictError, with no version.
    with pytest.raises(ConflictError) as caught:
        Backend({"statusCode": 409, "message": "conflict"}).client().get_email_provider()
    assert caught.value.current_version is None


def test_the_audit_list_is_parsed_and_filtered_by_query() -> None:
    entry = {
        "id": 3,
        "at": "2026-11-05T10:00:00.000Z",
        "actor": "alice@example.com",
        "kind": "template",
        "item": "WELCOME_EMAIL",
        "changes": [{"field": "subject", "before": "a", "after": "b"}, {"field": "x.senderPass", "after": "changed"}],
    }
    backend = Backend(ok({"entries": [entry]}))
    (parsed,) = backend.client().list_audit(kind="template", limit=20)
    assert parsed.actor == "alice@example.com" and parsed.kind == "template"
    assert parsed.changes == [
        AuditChange(field="subject", before="a", after="b"),
        AuditChange(field="x.senderPass", after="changed"),
    ]
    assert dict(backend.requests[-1].url.params) == {"kind": "template", "limit": "20"}
    backend.client().list_audit()
    assert dict(backend.requests[-1].url.params) == {"limit": "100"}
