"""Bad input over real HTTP: a body over 1 MB gets 413 on every route without being read, and malformed or
mistyped input gets 400 naming the field (the envelope's statusCode on GenAuth routes, the real HTTP status on
the SMTP set-up API). Nothing saved changes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mailconsole import InvalidArgumentError, ManagementClient
from mailconsole.models import SendGridConfig
from mailconsole.service.embedded import RunningService
from mailconsole.service.limits import MAX_BODY_BYTES, BodySizeLimit

GENAUTH_POSTS = [
    "/api/v3/get-management-token",
    "/api/v3/config-email-provider",
    "/api/v3/update-email-template",
    "/api/v3/preview-email-template",
    "/api/v3/send-email",
]
CHUNK = 64 * 1024


def headers_for(service: RunningService, content_type: str | None = "application/json") -> dict[str, str]:
    token = httpx.post(
        f"{service.base_url}/api/v3/get-management-token",
        json={"accessKeyId": service.userpool.id, "accessKeySecret": service.userpool.secret},
    ).json()["data"]["access_token"]
    # English messages, which the tests read (the service's default is Chinese, as the platform's).
    headers = {
        "authorization": f"Bearer {token}",
        "x-authing-app-id": service.userpool.app_id,
        "x-authing-lang": "en-US",
    }
    if content_type:
        headers["content-type"] = content_type
    return headers


def padded(body: dict[str, Any], size: int) -> bytes:
    """``body`` as JSON, padded with trailing whitespace to exactly ``size`` bytes: still a valid request."""
    raw = json.dumps(body).encode()
    return raw + b" " * (size - len(raw))


def chunks(raw: bytes) -> Iterator[bytes]:
    """Makes httpx send the body chunked, with no Content-Length."""
    for start in range(0, len(raw), CHUNK):
        yield raw[start : start + CHUNK]


def smtp_setup_paths(service: RunningService) -> list[tuple[str, dict[str, str]]]:
    """Both URL forms, with the Host header that names the tenant in the SSMS form."""
    return [
        (f"/auth/realms/{service.userpool.id}/mail/setup", {}),
        ("/digitanium/v4/mail/config", {"host": f"{service.userpool.id}.localhost"}),
    ]


# ---- bodies over 1 MB ----------------------------------------------------------------------------------------

KEEP = {"type": "sendgrid", "enabled": True, "sendGridConfig": {"sender": "keep@example.com", "apikey": "SG.keep"}}
CHANGE = {"type": "sendgrid", "enabled": True, "sendGridConfig": {"sender": "new@example.com", "apikey": "SG.new"}}


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_gets_413_in_the_envelope_and_saves_nothing(
    service: RunningService, management: ManagementClient, chunked: bool
) -> None:
    headers = headers_for(service)
    before = management.config_email_provider(
        type="sendgrid", enabled=True, send_grid_config=SendGridConfig(sender="keep@example.com", apikey="SG.keep")
    )
    # A valid request that would be saved, but for its size.
    raw = padded(CHANGE, MAX_BODY_BYTES + 1)
    with httpx.Client(base_url=service.base_url) as http:
        response = http.post("/api/v3/config-email-provider", content=chunks(raw) if chunked else raw, headers=headers)
    assert response.status_code == 200
    reply = response.json()
    assert reply["statusCode"] == 413
    assert "1 MB" in reply["message"]
    assert reply["requestId"]
    assert management.get_email_provider() == before


def test_a_body_of_exactly_the_limit_is_accepted(service: RunningService, management: ManagementClient) -> None:
    with httpx.Client(base_url=service.base_url) as http:
        reply = http.post(
            "/api/v3/config-email-provider", content=padded(CHANGE, MAX_BODY_BYTES), headers=headers_for(service)
        ).json()
    assert reply["statusCode"] == 200
    provider = management.get_email_provider()
    assert provider.send_grid_config is not None and provider.send_grid_config.sender == "new@example.com"


@pytest.mark.parametrize("path", [*GENAUTH_POSTS, "/api/v3/get-email-provider", "/local/v1/outbox", "/no/such/path"])
def test_every_route_refuses_an_oversized_body(service: RunningService, path: str) -> None:
    raw = padded({}, MAX_BODY_BYTES + 100)
    with httpx.Client(base_url=service.base_url) as http:
        response = http.post(path, content=raw, headers=headers_for(service))
    assert response.status_code == 200
    assert response.json()["statusCode"] == 413


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_the_smtp_setup_api_answers_a_real_413_in_its_own_format(
    service: RunningService, management: ManagementClient, chunked: bool
) -> None:
    before = management.config_email_provider(
        type="sendgrid", enabled=True, send_grid_config=SendGridConfig(sender="keep@example.com", apikey="SG.keep")
    )
    raw = padded({"host": "smtp.example.com", "from": "a@example.com", "port": "587"}, MAX_BODY_BYTES + 1)
    with httpx.Client(base_url=service.base_url) as http:
        for path, extra in smtp_setup_paths(service):
            content = chunks(raw) if chunked else raw
            response = http.post(path, content=content, headers={**headers_for(service), **extra})
            assert response.status_code == 413, path
            assert response.json()["status"] == "PAYLOAD_TOO_LARGE"
            assert "1 MB" in response.json()["message"]
    assert management.get_email_provider() == before


def test_the_client_reports_413_as_an_invalid_argument(management: ManagementClient) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        management.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name="n",
            subject="s",
            sender="x",
            content="x" * MAX_BODY_BYTES,
        )
    assert caught.value.status_code == 413
    assert "1 MB" in caught.value.message


def test_the_limit_reads_no_more_than_it_must() -> None:
    """At the ASGI level: a declared oversized body is never read; a streamed one is read up to the limit and
    one chunk more, however much the client would send."""

    async def run(headers: list[tuple[bytes, bytes]]) -> tuple[int, list[dict[str, Any]], bool]:
        pulled = 0
        sent: list[dict[str, Any]] = []
        app_called = False

        async def receive() -> dict[str, Any]:
            nonlocal pulled
            pulled += CHUNK
            return {"type": "http.request", "body": b"x" * CHUNK, "more_body": True}  # an endless body

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        async def app(scope: Any, receive: Any, send: Any) -> None:
            nonlocal app_called
            app_called = True
            while (await receive())["more_body"]:
                pass

        scope = {"type": "http", "method": "POST", "path": "/api/v3/send-email", "headers": headers}
        await BodySizeLimit(app)(scope, receive, send)  # type: ignore[arg-type]
        return pulled, sent, app_called

    pulled, sent, app_called = asyncio.run(run([(b"content-length", str(10 * MAX_BODY_BYTES).encode())]))
    assert (pulled, app_called) == (0, False)
    assert json.loads(sent[1]["body"])["statusCode"] == 413

    pulled, sent, app_called = asyncio.run(run([]))
    assert app_called
    assert MAX_BODY_BYTES < pulled <= MAX_BODY_BYTES + CHUNK
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert json.loads(sent[1]["body"])["statusCode"] == 413


# ---- malformed and mistyped bodies ---------------------------------------------------------------------------

UNDECODABLE = [
    (b"[]", "must be a JSON object"),
    (b'"x"', "must be a JSON object"),
    (b"null", "must be a JSON object"),
    (b"42", "must be a JSON object"),
    (b"{nope", "not valid JSON"),
    (b'{"type": "WELCOME_EMAIL",', "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    (b'{"expiresIn": ' + b"9" * 5000 + b"}", "more than 4300 digits"),
    (b'{"type": "\xff\xfe"}', "UTF-8"),
]


@pytest.mark.parametrize("path", GENAUTH_POSTS)
def test_bodies_that_are_not_a_json_object_get_400(service: RunningService, path: str) -> None:
    headers = headers_for(service)
    with httpx.Client(base_url=service.base_url) as http:
        for raw, says in UNDECODABLE:
            response = http.post(path, content=raw, headers=headers)
            assert response.status_code == 200
            reply = response.json()
            assert (reply["statusCode"], says in reply["message"]) == (400, True), (raw[:20], reply)


@pytest.mark.parametrize("path", GENAUTH_POSTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_not_sent_as_json_gets_400_saying_so(
    service: RunningService, path: str, content_type: str | None
) -> None:
    with httpx.Client(base_url=service.base_url) as http:
        reply = http.post(path, content=b'{"type": "WELCOME_EMAIL"}', headers=headers_for(service, content_type))
    assert reply.json()["statusCode"] == 400
    assert "content-type: application/json" in reply.json()["message"]


WRONG_TYPES = [
    ("/api/v3/get-management-token", {"accessKeyId": 5, "accessKeySecret": "x"}, "accessKeyId"),
    ("/api/v3/get-management-token", {"accessKeyId": "x", "accessKeySecret": ["x"]}, "accessKeySecret"),
    ("/api/v3/config-email-provider", {"type": "custom", "enabled": []}, "enabled"),
    ("/api/v3/config-email-provider", {"type": 1, "enabled": True}, "type"),
    ("/api/v3/config-email-provider", {"type": "sendgrid", "enabled": True, "sendGridConfig": "k"}, "sendGridConfig"),
    (
        "/api/v3/config-email-provider",
        {"type": "custom", "enabled": True, "smtpConfig": {"smtp_host": "h.example.com", "smtp_port": 10**30}},
        "smtpConfig.smtp_port",
    ),
    (
        "/api/v3/config-email-provider",
        {"type": "custom", "enabled": True, "smtpConfig": {"smtp_host": "h\x00.example.com", "smtp_port": 25}},
        "smtpConfig.smtp_host",
    ),
    (
        "/api/v3/update-email-template",
        {"type": "WELCOME_EMAIL", "customizeEnabled": {}, "name": "n", "subject": "s", "sender": "x", "content": "c"},
        "customizeEnabled",
    ),
    (
        "/api/v3/update-email-template",
        {
            "type": "LOGIN_VERIFY_CODE",
            "customizeEnabled": True,
            "name": "n",
            "subject": "s",
            "sender": "x",
            "content": "c",
            "expiresIn": "soon",
        },
        "expiresIn",
    ),
    (
        "/api/v3/update-email-template",
        {"type": "WELCOME_EMAIL", "customizeEnabled": True, "name": "n", "subject": "s", "sender": "x", "content": 7},
        "content",
    ),
    (
        "/api/v3/update-email-template",
        {
            "type": "WELCOME_EMAIL",
            "customizeEnabled": True,
            "name": "n",
            "subject": "s",
            "sender": "x",
            "content": "a\0b",
        },
        "content",
    ),
    ("/api/v3/preview-email-template", {"type": 5}, "type"),
    ("/api/v3/preview-email-template", {"type": "LOGIN_VERIFY_CODE", "expiresIn": 1.5}, "expiresIn"),
    ("/api/v3/preview-email-template", {"type": "LOGIN_VERIFY_CODE", "content": "a\0{{verify_code}}"}, "content"),
    ("/api/v3/send-email", {"channel": "CHANNEL_LOGIN", "email": 5}, "email"),
    ("/api/v3/send-email", {"channel": ["CHANNEL_LOGIN"], "email": "a@example.com"}, "channel"),
    ("/api/v3/send-email", {"channel": "CHANNEL_LOGIN", "email": "a\0@example.com"}, "email"),
]


@pytest.mark.parametrize(("path", "body", "named"), WRONG_TYPES)
def test_wrong_types_get_400_naming_the_field(
    service: RunningService, management: ManagementClient, path: str, body: dict[str, Any], named: str
) -> None:
    before = (management.get_email_provider(), management.get_email_templates())
    with httpx.Client(base_url=service.base_url) as http:
        reply = http.post(path, json=body, headers=headers_for(service)).json()
    assert reply["statusCode"] == 400
    assert reply["message"].startswith(named), reply["message"]
    assert (management.get_email_provider(), management.get_email_templates()) == before


@pytest.mark.parametrize("limit", ["abc", "0", "501", "1.5", str(10**30), "\0"])
def test_a_bad_query_parameter_gets_400_naming_it(service: RunningService, limit: str) -> None:
    with httpx.Client(base_url=service.base_url) as http:
        reply = http.get("/local/v1/outbox", params={"limit": limit}, headers=headers_for(service)).json()
    assert reply["statusCode"] == 400
    assert reply["message"].startswith("limit:")


@pytest.mark.parametrize("secret", ["é", "\0", "\ud800", "x" * 10_000])
def test_an_odd_access_key_secret_is_just_wrong(service: RunningService, secret: str) -> None:
    # compare_digest raises TypeError on str with non-ASCII characters; the secret is compared as bytes.
    # json.dumps escapes a lone surrogate, as a foreign client may send it.
    raw = json.dumps({"accessKeyId": service.userpool.id, "accessKeySecret": secret})
    with httpx.Client(base_url=service.base_url) as http:
        response = http.post("/api/v3/get-management-token", content=raw, headers={"content-type": "application/json"})
    reply = response.json()
    assert reply["statusCode"] in (400, 401), reply


SMTP_SETUP_BAD = [
    (b"{nope", "not valid JSON"),
    (b'{"host": "\xff"}', "not valid JSON"),
    (b"[]", "mandatory"),
    (b"null", "mandatory"),
    (b'{"host": "smtp.example.com", "from": "a@example.com", "port": "abc"}', "port"),
    (b'{"host": 5, "from": "a@example.com"}', "host"),
    (b'{"host": "smtp.example.com", "from": "a@example.com", "ssl": []}', "ssl"),
    (b'{"host": "smtp.example.com", "from": "a\\u0000@example.com"}', "from"),
    (b'{"host": "smtp.example.com", "from": "a@example.com", "port": ' + b"9" * 5000 + b"}", "not valid JSON"),
]


@pytest.mark.parametrize(("raw", "says"), SMTP_SETUP_BAD)
def test_the_smtp_setup_api_answers_bad_bodies_with_a_real_400(
    service: RunningService, management: ManagementClient, raw: bytes, says: str
) -> None:
    before = management.get_email_provider()
    with httpx.Client(base_url=service.base_url) as http:
        for path, extra in smtp_setup_paths(service):
            response = http.post(path, content=raw, headers={**headers_for(service), **extra})
            assert response.status_code == 400, (path, response.text)
            assert response.json()["status"] == "BAD_REQUEST"
            assert says in response.json()["message"]
    assert management.get_email_provider() == before


def test_the_smtp_setup_api_answers_deeply_nested_json_with_a_400(service: RunningService) -> None:
    with httpx.Client(base_url=service.base_url) as http:
        path, extra = smtp_setup_paths(service)[0]
        response = http.post(path, content=b"[" * 100_000, headers={**headers_for(service), **extra})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v3/preview-email-template", '{"type": "WELCOME_EMAIL", "content": "a\\ud800b"}'),
        (
            "/api/v3/preview-email-template",
            '{"type": "WELCOME_EMAIL", "content": "<%= 1 %>\\udfff", "tplEngine": "ejs"}',
        ),
        (
            "/api/v3/config-email-provider",
            '{"type": "sendgrid", "enabled": true, "sendGridConfig": {"sender": "a@b.example", "apikey": "SG\\ud83d"}}',
        ),
    ],
)
def test_half_a_surrogate_pair_is_not_text_and_gets_400(
    service: RunningService, management: ManagementClient, path: str, body: str
) -> None:
    """JSON's "\\ud800" decodes to a str no UTF-8 reply or SQLite row can hold: refused at the door, not a 500."""
    before = management.get_email_provider()
    with httpx.Client(base_url=service.base_url) as http:
        reply = http.post(path, content=body.encode(), headers=headers_for(service)).json()
    assert reply["statusCode"] == 400
    assert "half of a UTF-16 surrogate pair" in reply["message"]
    assert management.get_email_provider() == before


def test_the_smtp_setup_api_refuses_half_a_surrogate_pair_with_a_real_400(service: RunningService) -> None:
    body = '{"host": "smtp.example.com", "from": "a@example.com", "password": "pw\\ud800"}'
    with httpx.Client(base_url=service.base_url) as http:
        path, extra = smtp_setup_paths(service)[0]
        response = http.post(path, content=body.encode(), headers={**headers_for(service), **extra})
    assert response.status_code == 400
    assert "surrogate" in response.json()["message"]
