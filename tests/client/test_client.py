"""The typed client on its own: envelope handling, the error tree, token caching, transport failures.

Replies are played by httpx.MockTransport where the point is the client's reading of a reply; failures to connect
and time-outs are produced for real on loopback.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from mailconsole import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationClient,
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    ManagementClient,
    NotFoundError,
    ProviderError,
    ServerError,
    SmtpSetupClient,
    ThrottledError,
    UnauthorizedError,
)
from mailconsole.models import ProviderType, SmtpConfig, SmtpSetupRequest, TemplateEngine, TemplateType
from tests.support import free_port


def jwt_with(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part(claims)}.signature"


TOKEN = jwt_with({"scoped_userpool_id": "pool-from-token"})


def envelope(data: object = None, status: int = 200, **extra: object) -> dict[str, object]:
    return {"statusCode": status, "message": "Success" if status == 200 else "refused", "data": data, **extra}


class Backend:
    """A scripted GenAuth: answers the token call, records every request, replies from a handler."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response], expires_in: int = 7200) -> None:
        self.requests: list[httpx.Request] = []
        self.token_calls = 0
        self._handler = handler
        self._expires_in = expires_in

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/api/v3/get-management-token":
            self.token_calls += 1
            return httpx.Response(200, json=envelope({"access_token": TOKEN, "expires_in": self._expires_in}))
        return self._handler(request)

    def client(self) -> ManagementClient:
        return ManagementClient(
            "https://api.example.com", "ak", "sk", http_client=httpx.Client(transport=httpx.MockTransport(self))
        )


def test_reads_provider_settings_with_exact_wire_names() -> None:
    reply = envelope(
        {
            "enabled": True,
            "type": "custom",
            "smtpConfig": {"smtp_host": "smtp.example.com", "smtp_port": 465, "sender": "u", "senderPass": "p"},
            "sendGridConfig": {"sender": "a@example.com", "apikey": "SG.key"},
        }
    )
    backend = Backend(lambda request: httpx.Response(200, json=reply))
    provider = backend.client().get_email_provider()
    assert provider.type is ProviderType.CUSTOM
    assert provider.smtp_config is not None and provider.smtp_config.smtp_port == 465
    assert provider.smtp_config.sender_pass == "p"
    assert provider.send_grid_config is not None and provider.send_grid_config.apikey == "SG.key"


def test_sends_token_and_both_userpool_headers() -> None:
    backend = Backend(lambda request: httpx.Response(200, json=envelope({"enabled": False})))
    backend.client().get_email_provider()
    call = backend.requests[-1]
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    # The pool comes from the token's scoped_userpool_id claim, as the official SDKs read it.
    assert call.headers["x-authing-userpool-id"] == "pool-from-token"
    assert call.headers["x-genauth-userpool-id"] == "pool-from-token"


def test_config_body_uses_wire_names_and_leaves_unset_fields_out() -> None:
    backend = Backend(lambda request: httpx.Response(200, json=envelope({"enabled": True, "type": "custom"})))
    backend.client().config_email_provider(
        type="custom",
        enabled=True,
        smtp_config=SmtpConfig(smtp_host="smtp.example.com", smtp_port=587, sender="u", sender_pass="p"),
    )
    body = json.loads(backend.requests[-1].content)
    assert body == {
        "type": "custom",
        "enabled": True,
        "smtpConfig": {
            "smtp_host": "smtp.example.com",
            "smtp_port": 587,
            "sender": "u",
            "senderPass": "p",
            "secure": False,
        },
    }


def test_update_template_body() -> None:
    stored = {
        "customizeEnabled": True,
        "type": "LOGIN_VERIFY_CODE",
        "name": "n",
        "subject": "s",
        "sender": "{{client_name}}",
        "content": "<p>{{verify_code}}</p>",
        "expiresIn": 300,
        "tplEngine": "ejs",
    }
    backend = Backend(lambda request: httpx.Response(200, json=envelope(stored)))
    template = backend.client().update_email_template(
        type=TemplateType.LOGIN_VERIFY_CODE,
        customize_enabled=True,
        name="n",
        subject="s",
        sender="{{client_name}}",
        content="<p>{{verify_code}}</p>",
        expires_in=300,
        tpl_engine=TemplateEngine.EJS,
    )
    assert json.loads(backend.requests[-1].content) == stored
    assert template.tpl_engine is TemplateEngine.EJS


def test_unknown_enum_values_in_replies_do_not_crash() -> None:
    data = {
        "templates": [
            {
                "customizeEnabled": False,
                "type": "SOME_FUTURE_TYPE",
                "name": "n",
                "subject": "s",
                "sender": "x",
                "content": "c",
                "tplEngine": "liquid",
            }
        ],
        "categories": [],
    }
    backend = Backend(lambda request: httpx.Response(200, json=envelope(data)))
    templates = backend.client().get_email_templates()
    assert templates.templates[0].type == "SOME_FUTURE_TYPE"
    assert templates.templates[0].tpl_engine == "liquid"
    provider_backend = Backend(lambda request: httpx.Response(200, json=envelope({"enabled": True, "type": "mailgun"})))
    assert provider_backend.client().get_email_provider().type == "mailgun"


def test_preview_reply_without_envelope_keys_is_accepted() -> None:
    # The preview's documented schema declares only `data`.
    rendered = {"content": "<p>hi</p>", "subject": "Hi", "sender": "Acme"}
    backend = Backend(lambda request: httpx.Response(200, json={"data": rendered}))
    preview = backend.client().preview_email_template(type="WELCOME_EMAIL")
    assert preview.subject == "Hi"
    assert json.loads(backend.requests[-1].content) == {"type": "WELCOME_EMAIL"}


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, InvalidArgumentError),
        (401, UnauthorizedError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, ConflictError),
        (413, InvalidArgumentError),
        (422, InvalidArgumentError),
        (429, ThrottledError),
        (500, ServerError),
        (503, ServerError),
        (601, ProviderError),
        (602, ProviderError),
    ],
)
def test_status_codes_raise_their_class(status: int, error_class: type[Exception]) -> None:
    reply = {"statusCode": status, "message": "no luck", "apiCode": 4242, "requestId": "req-1"}
    backend = Backend(lambda request: httpx.Response(200, json=reply))
    with pytest.raises(error_class) as caught:
        backend.client().get_email_templates()
    error = caught.value
    assert (error.status_code, error.api_code, error.message, error.request_id) == (  # type: ignore[attr-defined]
        status,
        4242,
        "no luck",
        "req-1",
    )
    assert "req-1" in str(error)


def test_throttled_error_reads_the_seconds_left() -> None:
    reply = {"statusCode": 429, "message": "try again in 42 seconds", "requestId": "r"}
    backend = Backend(lambda request: httpx.Response(200, json=reply))
    with pytest.raises(ThrottledError) as caught:
        backend.client().get_email_provider()
    assert caught.value.retry_after == 42


def test_real_http_429_is_throttled_with_retry_after() -> None:
    backend = Backend(lambda request: httpx.Response(429, headers={"retry-after": "3"}, text="slow down"))
    with pytest.raises(ThrottledError) as caught:
        backend.client().get_email_provider()
    assert caught.value.retry_after == 3


def test_a_reply_that_is_not_the_envelope_is_a_server_error() -> None:
    backend = Backend(lambda request: httpx.Response(502, text="<html>Bad gateway</html>"))
    with pytest.raises(ServerError, match="not the API's JSON envelope"):
        backend.client().get_email_provider()


def test_token_is_cached_and_renewed_before_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = Backend(lambda request: httpx.Response(200, json=envelope({"enabled": False})), expires_in=7200)
    client = backend.client()
    clock = [1000.0]
    monkeypatch.setattr("mailconsole.client.time.monotonic", lambda: clock[0])
    client.get_email_provider()
    client.get_email_provider()
    assert backend.token_calls == 1
    clock[0] += 7200 - 301  # inside the refresh margin: still valid
    client.get_email_provider()
    assert backend.token_calls == 1
    clock[0] += 2  # within 300 s of expiry: renewed before the call
    client.get_email_provider()
    assert backend.token_calls == 2


def test_a_rejected_token_is_replaced_once() -> None:
    answers = iter([{"statusCode": 401, "message": "expired"}, envelope({"enabled": False})])
    backend = Backend(lambda request: httpx.Response(200, json=next(answers)))
    assert backend.client().get_email_provider().enabled is False
    assert backend.token_calls == 2


def test_wrong_access_key_is_unauthorized() -> None:
    def reject(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"statusCode": 401, "message": "bad secret", "requestId": "r9"})

    client = ManagementClient(
        "https://api.example.com", "ak", "sk", http_client=httpx.Client(transport=httpx.MockTransport(reject))
    )
    with pytest.raises(UnauthorizedError, match="bad secret"):
        client.get_email_provider()


def test_plain_http_is_refused_except_on_loopback() -> None:
    with pytest.raises(ValueError, match="Refusing plain http"):
        ManagementClient("http://api.example.com", "ak", "sk")
    ManagementClient("http://127.0.0.1:9", "ak", "sk").close()
    ManagementClient("http://localhost:9", "ak", "sk").close()
    ManagementClient("http://api.example.com", "ak", "sk", allow_insecure_http=True).close()
    with pytest.raises(ValueError, match="Refusing plain http"):
        AuthenticationClient("app", "http://10.1.2.3")


def test_connection_refused_names_the_host() -> None:
    with (
        ManagementClient(f"http://127.0.0.1:{free_port()}", "ak", "sk", timeout=2) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.get_email_provider()
    assert caught.value.host == "127.0.0.1"
    assert "127.0.0.1" in str(caught.value)
    assert not isinstance(caught.value, APITimeoutError)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_timeout_raises_its_own_class(silent_server: int) -> None:
    with (
        ManagementClient(f"http://127.0.0.1:{silent_server}", "ak", "sk", timeout=0.5) as client,
        pytest.raises(APITimeoutError, match=r"127\.0\.0\.1.*0\.5 s"),
    ):
        client.get_email_provider()


def test_send_email_sends_both_app_id_headers() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"statusCode": 200, "message": "Operation successful"})

    client = AuthenticationClient(
        "app-1", "https://app.example.com", http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    client.send_email("CHANNEL_LOGIN", "Alice@Example.com")
    assert seen[0].url.path == "/api/v3/send-email"
    assert seen[0].headers["x-authing-app-id"] == seen[0].headers["x-genauth-app-id"] == "app-1"
    assert json.loads(seen[0].content) == {"channel": "CHANNEL_LOGIN", "email": "Alice@Example.com"}
    with pytest.raises(ValueError, match="CHANNEL_NOPE"):
        client.send_email("CHANNEL_NOPE", "a@example.com")


def test_smtp_setup_urls_of_both_forms() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"message": "Successfully updated SMTP Details", "status": "OK", "subSystem": 8}
        )

    transport = httpx.MockTransport(answer)
    settings = SmtpSetupRequest.model_validate({"host": "smtp.example.com", "from": "a@example.com", "port": "587"})
    for form in ("ssms", "shift"):
        client = SmtpSetupClient(
            form=form,
            host="https://idp.example.com",
            tenant_id="acme",
            token="t0k",
            http_client=httpx.Client(transport=transport),
        )
        assert client.configure_smtp(settings).status == "OK"
    assert str(seen[0].url) == "https://acme.idp.example.com/digitanium/v4/mail/config"
    assert str(seen[1].url) == "https://idp.example.com/auth/realms/acme/mail/setup"
    assert all(request.headers["authorization"] == "Bearer t0k" for request in seen)
    assert json.loads(seen[0].content) == {"host": "smtp.example.com", "from": "a@example.com", "port": "587"}


def test_smtp_setup_errors() -> None:
    replies = iter(
        [
            httpx.Response(400, json={"status": "BAD_REQUEST", "message": "Host and From is mandatory"}),
            httpx.Response(401, text="HTTP 401 Unauthorized."),
        ]
    )
    client = SmtpSetupClient(
        form="shift",
        host="https://idp.example.com",
        tenant_id="acme",
        token="t",
        http_client=httpx.Client(transport=httpx.MockTransport(lambda request: next(replies))),
    )
    settings = SmtpSetupRequest.model_validate({"host": "h", "from": "a@example.com"})
    with pytest.raises(InvalidArgumentError, match="mandatory"):
        client.configure_smtp(settings)
    with pytest.raises(UnauthorizedError, match="401"):
        client.configure_smtp(settings)
