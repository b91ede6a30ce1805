"""The console's frame, overview, provider settings and sign-in in Chinese and in English (issue 16).

Every state an administrator reaches on these pages is walked in zh-CN against a service whose pool writes Chinese
mails (nothing left in English) and in en-US against the English pool (nothing in Chinese). The language switch in
the sidebar names each language in itself ("中文", "English"); the reader (shown_text) leaves those out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from mailconsole import ManagementClient
from mailconsole.console.access import auth_faults
from mailconsole.console.provider_form import build_exmail, build_setup, build_smtp, describe_provider
from mailconsole.console.secret_fields import masked
from mailconsole.console.tenants import tenants_and_problems
from mailconsole.destinations import DestinationPolicy, DestinationRefused
from mailconsole.i18n import EN_US, ZH_CN, translated
from mailconsole.models import EmailProvider, ExmailConfig, ProviderType, SmtpConfig
from mailconsole.secret_reuse import reuse_refusal_text
from mailconsole.service.embedded import RunningService
from tests.console.shown_text import chinese, english_words, untranslated
from tests.mail_servers import MailServer, ThrowawayCA, mail_server

OVERVIEW = "app_pages/overview.py"
PROVIDER = "app_pages/provider.py"


@dataclass(frozen=True)
class Walk:
    """One language's walk: the session's language and the service it speaks to (a Chinese pool for zh-CN)."""

    language: str
    service: RunningService

    def management(self) -> ManagementClient:
        return ManagementClient(self.service.base_url, self.service.userpool.id, self.service.userpool.secret)


@pytest.fixture(params=[ZH_CN, EN_US])
def walk(request: pytest.FixtureRequest) -> Walk:
    service = request.getfixturevalue("chinese_remote" if request.param == ZH_CN else "remote")
    return Walk(request.param, service)


@pytest.fixture
def builtin(walk: Walk) -> Walk:
    """The walk's tenant sending with the built-in mail service (earlier tests' settings switched off)."""
    with walk.management() as management:
        management.config_email_provider(type=ProviderType.CUSTOM, enabled=False)
    return walk


def left_in_english(at: AppTest) -> list[str]:
    return untranslated(at)


def in_chinese(at: AppTest) -> list[str]:
    return chinese(at)


def assert_speaks(at: AppTest, language: str) -> None:
    """Everything the page shows is in ``language``: no English left on a Chinese page, no Chinese on an English
    one."""
    assert not at.exception, [item.value for item in at.exception]
    if language == ZH_CN:
        assert left_in_english(at) == []
        assert in_chinese(at) != []
    else:
        assert in_chinese(at) == []


def titles(at: AppTest) -> list[str]:
    return [item.value for item in at.title]


def errors(at: AppTest) -> list[str]:
    return [item.value for item in at.error]


# ---- the overview ---------------------------------------------------------------------------------------------


def test_the_overview_of_a_fresh_tenant(builtin: Walk, console) -> None:
    at = console.open(OVERVIEW, language=builtin.language)
    assert_speaks(at, builtin.language)
    assert titles(at) == (["邮件控制台"] if builtin.language == ZH_CN else ["Email console"])
    sidebar = "\n".join(str(item.value) for item in at.sidebar.markdown)
    assert ("**后端** mailconsole 邮件服务" if builtin.language == ZH_CN else "**Backend** mailconsole") in sidebar


def test_the_overview_after_a_template_was_customised(builtin: Walk, console) -> None:
    with builtin.management() as management:
        management.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name="Welcome",
            subject="Welcome {{app_name}}",
            sender="{{app_name}}",
            content="<p>Hello {{nickname}}</p>",
        )
    at = console.open(OVERVIEW, language=builtin.language)
    assert_speaks(at, builtin.language)
    customised = next(item for item in at.metric if item.label in ("已自定义的模板", "Customised templates"))
    assert ("个（共" if builtin.language == ZH_CN else " of ") in customised.value
    assert not customised.value.startswith("0")


@pytest.mark.parametrize("language", [ZH_CN, EN_US])
def test_the_overview_of_an_unreachable_backend(down: str, console, language: str) -> None:
    at = console.open(OVERVIEW, language=language)
    assert not at.exception
    [error] = errors(at)
    assert "127.0.0.1" in error
    # The error display's sentence, the sidebar's badge and spinner included.
    shown = untranslated(at)
    if language == ZH_CN:
        assert shown == []
        sidebar = "\n".join(str(item.value) for item in at.sidebar.markdown)
        assert "兼容 GenAuth 的 API（私有化部署）" in sidebar
    else:
        assert in_chinese(at) == []


# ---- the provider settings --------------------------------------------------------------------------------------

KIND_TITLES = {
    ProviderType.CUSTOM: ("自定义 SMTP 服务器", "Custom SMTP server"),
    ProviderType.ALI: ("阿里企业邮箱", "Alibaba enterprise mail"),
    ProviderType.QQ: ("腾讯企业邮箱", "Tencent enterprise mail"),
    ProviderType.SENDGRID: ("SendGrid", "SendGrid"),
}


def choose(at: AppTest, kind: ProviderType, language: str) -> None:
    """Pick a provider kind by its label, as the browser does (AppTest's own lookup runs the page's format_func
    outside the session, so in English)."""
    at.radio(key="prov.type").set_value(KIND_TITLES[kind][language != ZH_CN]).run()


def test_the_provider_page_with_each_provider_kind(builtin: Walk, console) -> None:
    at = console.open(PROVIDER, language=builtin.language)
    assert_speaks(at, builtin.language)  # the built-in mail service sends
    assert titles(at) == (["邮件服务配置"] if builtin.language == ZH_CN else ["Provider settings"])
    radio = at.radio(key="prov.type")
    assert radio.options == [KIND_TITLES[kind][builtin.language != ZH_CN] for kind in ProviderType]
    for kind in ProviderType:
        choose(at, kind, builtin.language)
        assert at.radio(key="prov.type").value == kind
        assert_speaks(at, builtin.language)
        at.toggle(key="prov.enabled").set_value(True).run()
        assert_speaks(at, builtin.language)
        at.toggle(key="prov.enabled").set_value(False).run()
    # The custom server's certificate switch turned off warns.
    choose(at, ProviderType.CUSTOM, builtin.language)
    at.toggle(key="prov.custom.tls_verify").set_value(False).run()
    assert_speaks(at, builtin.language)
    assert any(
        ("证书校验已关闭" if builtin.language == ZH_CN else "verification is off") in w.value for w in at.warning
    )


def test_validation_errors_on_save(builtin: Walk, console) -> None:
    at = console.open(PROVIDER, language=builtin.language)
    at.text_input(key="prov.custom.host").input("smtp.example.com/").run()
    # What an administrator of the language would mistype (a Chinese page shows no English but the console's).
    at.text_input(key="prov.custom.from").input("发件人" if builtin.language == ZH_CN else "not an address").run()
    at.text_area(key="prov.custom.ca_bundle").input("not a certificate").run()
    at.button(key="prov.save").click().run()
    assert_speaks(at, builtin.language)
    shown = errors(at)
    if builtin.language == ZH_CN:
        assert "未保存：请修正上方标出的字段。" in shown
        assert any(error.startswith("'smtp.example.com/' 不是主机名") for error in shown)
    else:
        assert "Nothing was saved: fix the fields marked above." in shown
        assert any(error.startswith("'smtp.example.com/' is not a host name") for error in shown)
    # Every kind's required fields, once a save was attempted.
    for kind in ProviderType:
        choose(at, kind, builtin.language)
        at.toggle(key="prov.enabled").set_value(True).run()
        at.button(key="prov.save").click().run()
        assert_speaks(at, builtin.language)
        assert len(at.error) >= 2, kind  # the fields' errors and the sentence under the buttons


SECRET = "zh-walk-pass-4Q"


def test_a_stored_password_asked_again_for_another_server(builtin: Walk, console) -> None:
    with builtin.management() as management:
        management.config_email_provider(
            type=ProviderType.CUSTOM,
            enabled=True,
            smtp_config=SmtpConfig(
                smtp_host="smtp.stored.example", smtp_port=465, sender="box@stored.example", sender_pass=SECRET
            ),
        )
    at = console.open(PROVIDER, language=builtin.language)
    assert_speaks(at, builtin.language)
    at.text_input(key="prov.custom.host").input("smtp.elsewhere.example").run()
    assert_speaks(at, builtin.language)
    expected = (
        "保存密钥之后服务器或登录名已更改：请重新输入密码。" if builtin.language == ZH_CN else "type the password"
    )
    assert any(expected in error for error in errors(at))


def test_a_successful_save(builtin: Walk, console) -> None:
    at = console.open(PROVIDER, language=builtin.language)
    at.text_input(key="prov.custom.host").input("smtp.saved.example").run()
    at.number_input(key="prov.custom.port").set_value(465).run()
    at.toggle(key="prov.custom.ssl").set_value(True).run()
    at.text_input(key="prov.custom.user").input("mailer@saved.example").run()
    at.text_input(key="prov.custom.password").input("saved-pass-9Z").run()
    at.toggle(key="prov.enabled").set_value(True).run()
    at.button(key="prov.save").click().run()
    assert_speaks(at, builtin.language)
    [success] = [item.value for item in at.success]
    if builtin.language == ZH_CN:
        assert success == "邮件服务配置已保存。发送该租户邮件的是：自定义 SMTP 服务器 smtp.saved.example:465（SSL）。"
    else:
        assert (
            success
            == "Provider settings saved. Custom SMTP server smtp.saved.example:465 (SSL) sends this tenant's mail."
        )


def test_clearing_the_stored_password(builtin: Walk, console) -> None:
    with builtin.management() as management:
        management.config_email_provider(
            type=ProviderType.CUSTOM,
            enabled=True,
            smtp_config=SmtpConfig(smtp_host="smtp.clear.example", smtp_port=465, secure=True, sender_pass=SECRET),
        )
    at = console.open(PROVIDER, language=builtin.language)
    at.button(key="prov.clear").click().run()
    assert_speaks(at, builtin.language)
    cleared = "已清除保存的 SMTP 密码。" if builtin.language == ZH_CN else "The stored SMTP password was cleared."
    assert [item.value for item in at.success] == [cleared]
    stored = "已保存的密码：未设置" if builtin.language == ZH_CN else "Stored password: not set"
    assert stored in [item.value for item in at.caption]


@pytest.mark.parametrize("language", [ZH_CN, EN_US])
def test_the_provider_page_on_a_backend_like_genauth_cloud(remote_without_versions: str, console, language) -> None:
    """No extra SMTP fields, no connection test: the page says so (the backend's pool data is not shown here)."""
    at = console.open(PROVIDER, language=language)
    assert_speaks(at, language)
    captions = "\n".join(item.value for item in at.caption)
    if language == ZH_CN:
        assert "该后端不保存发件地址" in captions and "连接测试需要内嵌的 mailconsole 邮件服务" in captions
    else:
        assert "This backend does not store From" in captions and "The connection test needs" in captions


@pytest.fixture
def tls_server(ca: ThrowawayCA) -> Iterator[MailServer]:
    with mail_server(ca, "ssl") as server:
        yield server


def edit_smtp(at: AppTest, server: MailServer, *, password: str) -> None:
    at.text_input(key="prov.custom.host").input(server.host)
    at.number_input(key="prov.custom.port").set_value(server.port)
    at.toggle(key="prov.custom.ssl").set_value(True)
    at.toggle(key="prov.custom.starttls").set_value(False)
    at.toggle(key="prov.custom.tls_verify").set_value(True)
    at.text_input(key="prov.custom.user").input(server.user)
    at.text_input(key="prov.custom.password").input(password)
    at.text_area(key="prov.custom.ca_bundle").input(server.ca_pem)
    at.run()


# What the test mail server says of itself, quoted in the report's sentences: the TLS version, its certificate's
# names (trustme's), its EHLO extensions, the login it accepted (Markdown-escaped, so not read as an address).
SERVER_WORDS = frozenset(
    {"TLSv", "OU", "Testing", "cert", "trustme", "SIZE", "BITMIME", "SMTPUTF", "LOGIN", "PLAIN", "attempts", "HELP"}
    | {"mailer", "example", "com"}
)


def assert_report_speaks(at: AppTest, language: str) -> None:
    """As ``assert_speaks``, the server's own words in the steps' sentences aside."""
    assert not at.exception, [item.value for item in at.exception]
    if language == EN_US:
        assert in_chinese(at) == []
        return
    # trustme's certificates carry a random serial ("OU=Testing cert #xnF7lr9z..."): no words either.
    left = [
        text for text in left_in_english(at) if not set(english_words(re.sub(r"#[^,]*", " ", text))) <= SERVER_WORDS
    ]
    assert left == []
    steps = [item.value for item in at.markdown if "**" in item.value and ":material/" in item.value]
    assert steps and all(step.count("：") >= 1 for step in steps)  # each step's sentence is the Chinese one


def test_the_connection_tests_result(builtin: Walk, console, tls_server: MailServer) -> None:
    at = console.open(PROVIDER, language=builtin.language)
    edit_smtp(at, tls_server, password=tls_server.password)
    at.button(key="prov.test").click().run()
    assert_report_speaks(at, builtin.language)
    steps = "\n".join(item.value for item in at.markdown)
    assert "235" in steps  # the server's own reply, as it came
    passed = (
        "所有步骤均已通过；未发送任何邮件。" if builtin.language == ZH_CN else "Every step passed; nothing was sent."
    )
    assert [item.value for item in at.success] == [passed]
    # A wrong password: the step, the server's reply and the service's hint, in the session's language.
    edit_smtp(at, tls_server, password="wrong")
    at.button(key="prov.test").click().run()
    assert_report_speaks(at, builtin.language)
    [error] = errors(at)
    stopped = (
        "测试在 **登录（AUTH）** 处停止。" if builtin.language == ZH_CN else "The test stopped at **Log in (AUTH)**."
    )
    assert error.startswith(stopped)
    assert "535" in "\n".join(item.value for item in at.markdown)


def _token(service: RunningService) -> str:
    reply = httpx.post(
        f"{service.base_url}/api/v3/get-management-token",
        json={"accessKeyId": service.userpool.id, "accessKeySecret": service.userpool.secret},
    )
    return str(reply.json()["data"]["access_token"])


def smtp_setup_secrets(walk: Walk, **extra: Any) -> dict[str, Any]:
    """A tenant of the SMTP set-up API on the walk's service (named as its administrators would name it)."""
    service = walk.service
    tenant = {
        "kind": "smtp_setup",
        "form": "shift",
        "host": service.base_url,
        "tenant_id": service.userpool.id,
        "token": _token(service),
    }
    return {"tenants": {"华东" if walk.language == ZH_CN else "eu-setup": tenant | extra}}


def test_the_smtp_set_up_backends_page(walk: Walk, console, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith("MAILCONSOLE_")]:
        monkeypatch.delenv(name)
    at = console.open(secrets=smtp_setup_secrets(walk), language=walk.language)
    assert_speaks(at, walk.language)
    assert titles(at) == (["SMTP 设置"] if walk.language == ZH_CN else ["SMTP settings"])
    at.button(key="setup.save").click().run()
    assert_speaks(at, walk.language)
    required = "主机为必填项。" if walk.language == ZH_CN else "The host is required."
    assert required in errors(at)
    at.text_input(key="setup.host").input("smtp.eu.example")
    at.text_input(key="setup.user").input("relay")
    at.text_input(key="setup.password").input("relay-pass-word-7K")
    at.text_input(key="setup.from").input("no-reply@eu.example")
    at.run()
    at.button(key="setup.save").click().run()
    assert_speaks(at, walk.language)
    # The API's own reply, as its contract documents it (quoted in Chinese).
    assert any("Successfully updated SMTP Details" in item.value for item in at.success)
    assert any(
        ("本次会话中已保存" if walk.language == ZH_CN else "Saved in this session") in c.value for c in at.caption
    )


# ---- the frame: sign-in, not found, configuration problems ------------------------------------------------------

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-long-enough-for-hs256",
    "client_id": "mail-console",
    "client_secret": "client-secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
ADMIN = {"is_logged_in": True, "email": "alice@example.com"}
STRANGER = {"is_logged_in": True, "email": "mallory@example.com"}
UNVERIFIED = {"is_logged_in": True, "email": "alice@example.com", "email_verified": False}


def signed_in_page(
    console, language: str, secrets: dict[str, Any], user: dict[str, Any] | None, address: str = "127.0.0.1"
) -> AppTest:
    at = AppTest.from_file("../../console_app.py", default_timeout=30)
    console.opened.append(at)
    at.secrets = secrets
    at.session_state["mc.language"] = language
    if user is not None:
        at.user = user
    with patch_config_options({"server.address": address}):
        at.run()
    return at


SIGN_IN_STATES = {
    "sign in": ({"auth": AUTH, "console": {"admins": ["alice@example.com"]}}, {"is_logged_in": False}, "127.0.0.1"),
    "not an admin": ({"auth": AUTH, "console": {"admins": ["alice@example.com"]}}, STRANGER, "127.0.0.1"),
    "not verified": ({"auth": AUTH, "console": {"admins": ["alice@example.com"]}}, UNVERIFIED, "127.0.0.1"),
    "nobody listed": ({"auth": AUTH}, ADMIN, "127.0.0.1"),
    "incomplete": ({"auth": {"client_id": "x"}, "console": {"admins": ["alice@example.com"]}}, ADMIN, "127.0.0.1"),
    "not configured": ({"console_tests": True}, None, "0.0.0.0"),
    "signed in": ({"auth": AUTH, "console": {"admins": ["alice@example.com"]}}, ADMIN, "127.0.0.1"),
}


@pytest.mark.parametrize("state", list(SIGN_IN_STATES))
@pytest.mark.parametrize("language", [ZH_CN, EN_US])
def test_the_sign_in_pages(down: str, console, language: str, state: str) -> None:
    secrets, user, address = SIGN_IN_STATES[state]
    at = signed_in_page(console, language, secrets, user, address)
    if state == "signed in":  # the backend is down: only the sidebar is this area's, the error is the display's
        assert not at.exception
        if language == ZH_CN:
            assert untranslated(at) == []
        else:
            assert in_chinese(at) == []
        assert [button.label for button in at.sidebar.button] == (["退出登录"] if language == ZH_CN else ["Sign out"])
        return
    assert_speaks(at, language)
    assert at.session_state.get("mc.connection") is None  # nothing of the tenant before sign-in


def test_the_not_found_page() -> None:
    def page() -> None:
        import streamlit as st

        from components.language import _
        from components.not_found import not_found_page

        pages = [st.Page(lambda: None, title=_("Test sends"), url_path="send-test")]
        not_found_page("send_test", pages)()

    for language in (ZH_CN, EN_US):
        at = AppTest.from_function(page, default_timeout=30)
        at.session_state["mc.language"] = language
        at.run()
        assert not at.exception
        # The list of pages is HTML (anchors that stay in the tab): its markup is not words, its titles are.
        [links] = [element.proto.body for element in at.get("html")]
        shown = [text for text in untranslated(at) if text != links]
        if language == ZH_CN:
            assert shown == [] and ">测试发送</a>" in links
        else:
            assert in_chinese(at) == [] and ">Test sends</a>" in links
        assert titles(at) == (["页面不存在"] if language == ZH_CN else ["Page not found"])
        assert "`/send_test`" in errors(at)[0]


def test_configuration_problems_in_the_sidebar_and_on_the_page(walk: Walk, console, monkeypatch) -> None:
    for name in [name for name in os.environ if name.startswith("MAILCONSOLE_")]:
        monkeypatch.delenv(name)
    secrets = smtp_setup_secrets(walk) | {"default_tenant": "x1"}
    at = console.open(secrets=secrets, language=walk.language)
    assert_speaks(at, walk.language)
    [warning] = [item.value for item in at.sidebar.warning]
    assert ("不是已配置的租户" if walk.language == ZH_CN else "names no configured tenant") in warning
    # A tenant that cannot be used stops the page with what to set.
    at = console.open(secrets=smtp_setup_secrets(walk, token=""), language=walk.language)
    assert_speaks(at, walk.language)
    [error] = errors(at)
    assert ("还需要设置 `token`" if walk.language == ZH_CN else "needs token as well") in error


# ---- the language switch -----------------------------------------------------------------------------------------


def test_the_switch_changes_the_words_and_keeps_what_was_typed(remote, console) -> None:
    at = console.open(PROVIDER, language=EN_US)
    at.text_input(key="prov.custom.host").input("smtp.typed.example").run()
    at.text_input(key="prov.custom.user").input("typist@typed.example").run()
    assert titles(at) == ["Provider settings"]

    at.sidebar.segmented_control(key="mc.language").set_value(ZH_CN).run()
    assert titles(at) == ["邮件服务配置"]
    assert at.text_input(key="prov.custom.host").value == "smtp.typed.example"
    assert at.text_input(key="prov.custom.user").value == "typist@typed.example"
    assert at.text_input(key="prov.custom.host").label == "SMTP 主机"
    assert left_in_english(at) == []

    at.sidebar.segmented_control(key="mc.language").set_value(EN_US).run()
    assert titles(at) == ["Provider settings"]
    assert at.text_input(key="prov.custom.host").value == "smtp.typed.example"
    assert at.text_input(key="prov.custom.host").label == "SMTP host"

    # The provider kind chosen (options named in the language) and its form keep through a switch as well.
    choose(at, ProviderType.QQ, EN_US)
    at.text_input(key="prov.qq.sender").input("box@typed.example").run()
    at.sidebar.segmented_control(key="mc.language").set_value(ZH_CN).run()
    assert at.radio(key="prov.type").value == ProviderType.QQ
    assert at.radio(key="prov.type").options[list(ProviderType).index(ProviderType.QQ)] == "腾讯企业邮箱"
    assert at.text_input(key="prov.qq.sender").value == "box@typed.example"


def test_a_fixed_language_shows_no_switch(chinese_remote, console, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCONSOLE_LANGUAGE", "zh-CN")
    at = console.open(PROVIDER)  # no language chosen by the session
    assert not at.exception
    assert titles(at) == ["邮件服务配置"]
    assert len(at.sidebar.get("button_group")) == 0  # no segmented control: the language cannot be switched
    assert untranslated(at) == []


def test_the_backends_messages_follow_the_switch(remote, console) -> None:
    at = console.open(PROVIDER, language=EN_US)
    at.text_input(key="prov.custom.host").input("127.0.0.1")
    at.text_input(key="prov.custom.password").input("typed-so-nothing-stored-is-reused")
    at.text_input(key="prov.test.recipient").input("a=?x?=@example.com")
    at.run()
    at.button(key="prov.test").click().run()
    [english] = errors(at)
    assert "probeRecipient" in english and "MIME encoded-word" in english

    at.sidebar.segmented_control(key="mc.language").set_value(ZH_CN).run()
    at.button(key="prov.test").click().run()
    [chinese_error] = errors(at)
    # The service's own sentence (a 400 naming the field), asked in the session's new language.
    assert "probeRecipient" in chinese_error and "MIME 编码字" in chinese_error
    assert at.session_state["mc.connection"].management.lang == ZH_CN


# ---- the library's sentences, in both languages -----------------------------------------------------------------


def test_the_provider_forms_sentences_in_both_languages() -> None:
    built = build_smtp({"host": "", "port": None, "ssl": True, "starttls": True}, None, extras=True)
    assert translated(built.errors["host"].text, EN_US) == "The host is required."
    assert translated(built.errors["host"].text, ZH_CN) == "主机为必填项。"
    assert translated(built.errors["starttls"].text, ZH_CN) == "SSL 与 STARTTLS 只能选择其一。"
    local = build_smtp({"host": "smtp.example.com", "port": 465, "from": "a@b.test"}, None, extras=True)
    assert translated(local.errors["from"].text, EN_US).startswith("'a@b.test' is under a domain reserved for tests")
    assert "保留" in translated(local.errors["from"].text, ZH_CN)
    stored = ExmailConfig(sender="box@acme.example", sender_pass="p")
    moved = build_exmail({"sender": "other@acme.example"}, stored)
    assert translated(moved.errors["password"].text, EN_US) == (
        "The mailbox changed since the secret was saved: type the password again."
    )
    assert translated(moved.errors["password"].text, ZH_CN) == "保存密钥之后邮箱已更改：请重新输入密码。"
    setup = build_setup({"host": "smtp.x.example", "from": ""}, saved=None)
    assert translated(setup.errors["from"].text, ZH_CN) == "发件地址为必填项。"
    assert (translated(masked(None), ZH_CN), translated(masked("long-secret-xy"), ZH_CN)) == (
        "未设置",
        "已设置，结尾为 ••xy",
    )


def test_the_provider_state_in_both_languages() -> None:
    off = EmailProvider(type=ProviderType.ALI, enabled=False, ali_exmail_config=ExmailConfig(sender="a@b.example"))
    assert str(describe_provider(off)) == (
        "The platform's built-in mail service sends this tenant's mail (Alibaba enterprise mail is configured but "
        "switched off)."
    )
    assert (
        translated(describe_provider(off), ZH_CN)
        == "由平台的内置邮件服务发送该租户的邮件（已配置“阿里企业邮箱”，但未启用）。"
    )
    smtp = SmtpConfig(smtp_host="smtp.x.example", smtp_port=587, starttls=True, secure=False, tls_verify=False)
    on = EmailProvider(type=ProviderType.CUSTOM, enabled=True, smtp_config=smtp)
    assert str(describe_provider(on)) == (
        "Custom SMTP server smtp.x.example:587 (STARTTLS, certificate not verified) sends this tenant's mail."
    )
    assert translated(describe_provider(on), ZH_CN) == (
        "发送该租户邮件的是：自定义 SMTP 服务器 smtp.x.example:587（STARTTLS，不校验证书）。"
    )
    weaker = smtp.model_copy(update={"starttls": False, "tls_verify": None})
    refusal = reuse_refusal_text(weaker, smtp.model_copy(update={"tls_verify": None}))
    assert refusal is not None
    assert str(refusal) == "the connection would be plain text; the secret was saved for STARTTLS required"
    assert translated(refusal, ZH_CN) == "连接方式将变为：明文；而该密钥保存时的连接方式为：强制 STARTTLS"


def test_configuration_sentences_in_both_languages() -> None:
    _, problems = tenants_and_problems({}, {"tenants": {"odd": {"kind": "pigeon"}}})
    [problem] = problems
    assert str(problem) == "Tenant 'odd' has kind 'pigeon'; use one of genauth, smtp_setup, embedded."
    assert translated(problem, ZH_CN) == "租户 'odd'：kind 为 'pigeon'；请使用以下之一：genauth, smtp_setup, embedded。"
    [fault] = auth_faults({**AUTH, "cookie_secret": ""})
    assert (str(fault), translated(fault, ZH_CN)) == ("[auth] needs cookie_secret.", "`[auth]` 需要 cookie_secret。")
    with pytest.raises(DestinationRefused) as refused:
        DestinationPolicy(allow_all=False).check_host("10.1.2.3")
    assert str(refused.value).startswith("10.1.2.3 is not a public internet address")
    assert translated(refused.value, ZH_CN).startswith("10.1.2.3 不是公网地址")
