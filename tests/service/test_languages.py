"""Issue 16: the service answers its messages in the request's language (x-authing-lang, x-genauth-lang,
Accept-Language; zh-CN when none is named, as the platform does), over real HTTP; the provider's own reply stays
as it was, and the SMTP set-up API keeps its documented English."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mailconsole import AuthenticationClient, InvalidArgumentError, ManagementClient
from mailconsole.service.embedded import RunningService
from tests.conftest import SmtpServer
from tests.service.test_delivery import use_smtp
from tests.support import free_port

ENGLISH_HEADERS = [
    {"x-authing-lang": "en-US"},
    {"x-genauth-lang": "en-US"},
    {"accept-language": "en-US,en;q=0.9"},
    {"accept-language": "fr-FR, en;q=0.5"},
]
CHINESE_HEADERS = [{}, {"x-authing-lang": "zh-CN"}, {"x-authing-lang": ""}, {"accept-language": "zh-CN,zh;q=0.9"}]


def post(service: RunningService, path: str, body: Any, **headers: str) -> dict[str, Any]:
    response = httpx.post(service.base_url + path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    envelope: dict[str, Any] = response.json()
    return envelope


def send(service: RunningService, email: str, **headers: str) -> dict[str, Any]:
    app = {"x-authing-app-id": service.userpool.app_id}
    return post(service, "/api/v3/send-email", {"channel": "CHANNEL_LOGIN", "email": email}, **app, **headers)


@pytest.mark.parametrize("headers", CHINESE_HEADERS)
def test_a_wrong_secret_is_refused_in_chinese_by_default_and_with_zh_cn(
    service: RunningService, headers: dict[str, str]
) -> None:
    body = {"accessKeyId": service.userpool.id, "accessKeySecret": "wrong"}
    reply = post(service, "/api/v3/get-management-token", body, **headers)
    assert (reply["statusCode"], reply["message"]) == (401, "accessKeyId 或 accessKeySecret 错误。")


@pytest.mark.parametrize("headers", ENGLISH_HEADERS)
def test_a_wrong_secret_is_refused_in_english_when_asked(service: RunningService, headers: dict[str, str]) -> None:
    body = {"accessKeyId": service.userpool.id, "accessKeySecret": "wrong"}
    reply = post(service, "/api/v3/get-management-token", body, **headers)
    assert (reply["statusCode"], reply["message"]) == (401, "Wrong accessKeyId or accessKeySecret.")


def test_validation_errors_name_the_field_in_both_languages(service: RunningService) -> None:
    token = post(service, "/api/v3/get-management-token", _keys(service))["data"]["access_token"]
    auth = {"authorization": f"Bearer {token}"}
    bad_port = {"type": "custom", "enabled": True, "smtpConfig": {"smtp_host": "smtp.example.com", "smtp_port": "x"}}
    zh = post(service, "/api/v3/config-email-provider", bad_port, **auth)
    en = post(service, "/api/v3/config-email-provider", bad_port, **auth, **{"x-authing-lang": "en-US"})
    assert zh["message"] == "smtpConfig.smtp_port：请填写整数。"
    assert en["message"] == "smtpConfig.smtp_port: give a whole number."

    out_of_range = {**bad_port, "smtpConfig": {"smtp_host": "smtp.example.com", "smtp_port": 0, "senderPass": ""}}
    zh = post(service, "/api/v3/config-email-provider", out_of_range, **auth)
    en = post(service, "/api/v3/config-email-provider", out_of_range, **auth, **{"accept-language": "en"})
    assert zh["message"] == "smtpConfig.smtp_port：端口 0 超出范围：请使用 1 到 65535（SSL 用 465，STARTTLS 用 587）。"
    assert (
        en["message"] == "smtpConfig.smtp_port: port 0 is out of range: use 1 to 65535 (465 for SSL, 587 for STARTTLS)."
    )

    missing = {"type": "WELCOME_EMAIL", "name": "n", "subject": "s", "sender": "s", "customizeEnabled": True}
    zh = post(service, "/api/v3/update-email-template", missing, **auth)
    en = post(service, "/api/v3/update-email-template", missing, **auth, **{"x-authing-lang": "en-US"})
    assert (zh["statusCode"], zh["message"]) == (400, "content 为必填项。")
    assert (en["statusCode"], en["message"]) == (400, "content is required.")


def test_the_once_a_minute_refusal_gives_its_seconds_in_both_languages(service: RunningService) -> None:
    assert send(service, "ann@example.com")["statusCode"] == 200
    zh = send(service, "ann@example.com")
    en = send(service, "ann@example.com", **{"x-authing-lang": "en-US"})
    assert zh["statusCode"] == en["statusCode"] == 429
    seconds = zh["data"]["retryAfter"]
    assert 0 < seconds <= 60
    assert zh["message"] == f"不到一分钟前已向该邮箱发送过此渠道的邮件；请在 {seconds} 秒后重试。"
    assert en["message"].startswith("A mail of this channel was sent to this mailbox less than a minute ago; try")
    assert en["message"].endswith(f"try again in {en['data']['retryAfter']} seconds.")


def test_a_bad_address_is_explained_in_both_languages(service: RunningService) -> None:
    zh = send(service, "ann@example.com\r\nBcc: eve@example.com")
    en = send(service, "ann@example.com\r\nBcc: eve@example.com", **{"x-authing-lang": "en-US"})
    assert zh["statusCode"] == en["statusCode"] == 400
    assert "包含换行符（U+000D），会截断邮件头：请删除它" in zh["message"]
    assert zh["message"].startswith("email：")
    assert "contains a line break (U+000D), which would end the mail header: remove it" in en["message"]


def test_a_body_over_the_limit_is_refused_in_the_requests_language(service: RunningService) -> None:
    huge = "x" * (1024 * 1024 + 1)
    zh = post(service, "/api/v3/send-email", {"channel": "CHANNEL_LOGIN", "email": huge})
    en = post(service, "/api/v3/send-email", {"channel": "CHANNEL_LOGIN", "email": huge}, **{"x-authing-lang": "en"})
    assert zh["message"] == "请求体超过了 1 MB（1048576 字节）的上限；请发送更小的请求体。"
    assert en["message"] == "The request body is over the 1 MB (1048576 bytes) limit; send a smaller one."


def test_a_delivery_failure_gives_its_hint_in_chinese_and_keeps_the_servers_reply(
    management: ManagementClient, service: RunningService, smtp_server: SmtpServer
) -> None:
    use_smtp(management, smtp_server, sender_pass="wrong-password")
    zh = send(service, "bob@example.com")
    assert zh["statusCode"] == 601
    where = f"{smtp_server.host}:{smtp_server.port}"
    assert zh["message"].startswith(f"{where} 拒绝了 {smtp_server.user} 的登录。服务器回复：535 ")
    assert zh["message"].endswith("不是邮箱登录密码。")
    # The server's own words are its own: the same in both answers.
    en = send(service, "bob@example.com", **{"x-authing-lang": "en-US"})
    reply = en["message"].split("The server said: ", 1)[1].split(". Check the user name", 1)[0]
    assert reply.startswith("535 ") and f"服务器回复：{reply}。" in zh["message"]


def test_a_server_that_is_down_is_explained_in_chinese(management: ManagementClient, service: RunningService) -> None:
    port = free_port()
    management.config_email_provider(
        type="custom",
        enabled=True,
        smtp_config={"smtp_host": "127.0.0.1", "smtp_port": port, "sender": "a@example.com", "senderPass": ""},
    )
    reply = send(service, "bob@example.com")
    assert reply["statusCode"] == 601
    assert reply["message"] == f"127.0.0.1:{port} 拒绝了连接。请检查端口：该端口没有服务在监听，或被防火墙拒绝。"


def test_the_typed_client_sends_its_language(service: RunningService) -> None:
    bad = {
        "smtp_host": "smtp.example.com",
        "smtp_port": 25,
        "sender": "a@example.com",
        "senderPass": "",
        "secure": True,
        "starttls": True,
    }
    chinese = ManagementClient(service.base_url, service.userpool.id, service.userpool.secret, lang="zh-CN")
    with chinese, pytest.raises(InvalidArgumentError) as caught:
        chinese.config_email_provider(type="custom", enabled=True, smtp_config=bad)
    assert caught.value.message == "smtpConfig：请在 SSL（secure）和 STARTTLS 中选择其一，不能同时开启。"
    default = ManagementClient(service.base_url, service.userpool.id, service.userpool.secret)
    with default, pytest.raises(InvalidArgumentError) as caught:
        default.config_email_provider(type="custom", enabled=True, smtp_config=bad)
    assert caught.value.message == "smtpConfig: choose SSL (secure) or STARTTLS, not both."


def test_the_typed_authentication_client_sends_its_language(service: RunningService) -> None:
    chinese = AuthenticationClient(service.userpool.app_id, service.base_url, lang="zh-CN")
    with chinese, pytest.raises(InvalidArgumentError) as caught:
        chinese.send_email("CHANNEL_LOGIN", "not an address")
    assert caught.value.message.startswith("email：'not an address' 不是有效的邮箱地址（")


def test_a_language_the_client_does_not_know_is_refused_with_what_to_pass() -> None:
    with pytest.raises(ValueError, match="zh-CN and en-US"):
        ManagementClient("http://127.0.0.1:1", "pool", "secret", lang="fr-FR")


def test_the_smtp_setup_api_keeps_its_documented_english(service: RunningService) -> None:
    token = post(service, "/api/v3/get-management-token", _keys(service))["data"]["access_token"]
    response = httpx.post(
        f"{service.base_url}/auth/realms/{service.userpool.id}/mail/setup",
        json={"host": "smtp.example.com"},
        headers={"authorization": f"Bearer {token}", "x-authing-lang": "zh-CN", "accept-language": "zh-CN"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": "BAD_REQUEST",
        "message": "Host and From is mandatory to update Email Configuration.",
    }


def _keys(service: RunningService) -> dict[str, str]:
    return {"accessKeyId": service.userpool.id, "accessKeySecret": service.userpool.secret}


@pytest.mark.parametrize(("lang", "expected"), [(None, "smtpConfig：请在 SSL"), ("en-US", "smtpConfig: choose SSL")])
def test_the_official_sdk_gets_the_language_it_asks_for(
    service: RunningService, lang: str | None, expected: str
) -> None:
    from genauth import ManagementClient as SdkManagement

    sdk = SdkManagement(
        access_key_id=service.userpool.id, access_key_secret=service.userpool.secret, host=service.base_url, lang=lang
    )
    smtp = {"smtp_host": "smtp.example.com", "smtp_port": 25, "senderPass": "", "secure": True, "starttls": True}
    reply = sdk.config_email_provider(type="custom", enabled=True, smtp_config=smtp)
    assert reply["statusCode"] == 400
    assert reply["message"].startswith(expected)


def test_the_connection_test_reports_in_the_requests_language(service: RunningService, smtp_server: SmtpServer) -> None:
    config = {
        "smtp_host": smtp_server.host,
        "smtp_port": smtp_server.port,
        "sender": smtp_server.user,
        "senderPass": "wrong-password",
        "starttls": False,
    }
    reports = {}
    for lang in ("zh-CN", "en-US"):
        with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret, lang=lang) as client:
            reports[lang] = client.test_email_provider(type="custom", smtp_config=config)
    zh, en = reports["zh-CN"], reports["en-US"]
    assert [step.name for step in zh.steps] == [step.name for step in en.steps]
    assert [step.reply for step in zh.steps] == [step.reply for step in en.steps]  # the server's own words
    by_name = {step.name: step for step in zh.steps}
    assert by_name["greeting"].detail == "服务器已发送问候"
    assert by_name["connect"].detail == f"已连接到 {smtp_server.host} 的 {smtp_server.port} 端口"
    assert zh.steps[-1].name == "auth" and not zh.steps[-1].ok
    assert zh.steps[-1].detail == f"{smtp_server.host}:{smtp_server.port} 拒绝了 {smtp_server.user} 的登录"
    assert zh.steps[-1].hint is not None and zh.steps[-1].hint.endswith("不是邮箱登录密码。")
    assert {step.name: step.detail for step in en.steps}["greeting"] == "the server greeted us"
