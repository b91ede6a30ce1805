"""Issue 16 on the send, outbox (delivery log), audit, gallery and compare pages and in the error display: every
state an administrator reaches shows no English word in zh-CN (a Chinese pool) and no Chinese in en-US (an English
pool); the client's own error sentences come in both languages while ``str()`` stays English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.template_state import DRAFTS_KEY
from mailconsole import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationClient,
    InvalidArgumentError,
    ManagementClient,
    NotFoundError,
    ProviderError,
    ServerError,
    ThrottledError,
)
from mailconsole.actor import LOCAL_ADMIN
from mailconsole.addresses import normalize_email
from mailconsole.catalog import TEMPLATE_GROUPS, TEMPLATE_TITLES
from mailconsole.changes import change_in_words, describe_change
from mailconsole.console.drafts import Draft, Drafts
from mailconsole.console.markdown import plain
from mailconsole.console.records import audit_rows
from mailconsole.i18n import EN_US, ZH_CN, LocalizedValueError, translated
from mailconsole.models import (
    AuditChange,
    AuditEntry,
    Channel,
    DeliveryStatus,
    Extension,
    ProviderType,
    SmtpConfig,
    TemplateType,
)
from mailconsole.rendering.profiles import SampleProfile
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.console import shown_text
from tests.support import SECRETS_USED, free_port

SEND = "app_pages/send_test.py"
OUTBOX = "app_pages/outbox.py"
AUDIT = "app_pages/audit.py"
GALLERY = "app_pages/gallery.py"
COMPARE = "app_pages/compare.py"
APP = "../../console_app.py"
# The JavaScript engine's own words (Markdown-escaped), after the position in the page's language.
ENGINE_ERROR = "ReferenceError\\: 'nothing' is not defined"
AT_LINE_1 = {ZH_CN: "第 1 行：", EN_US: "line 1\\: "}
BOTH = pytest.mark.parametrize("language", [ZH_CN, EN_US])
# "2026年12月3日 13:20:05" and "Dec 3, 2026, 1:20:05 PM": a moment as each language writes it (Babel, medium).
MOMENT = {
    ZH_CN: re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2}$"),
    EN_US: re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M$"),
}


def main_strings(at: AppTest) -> list[str]:
    """What the page shows in words outside the sidebar (the frame's, walked by test_language_provider): the main
    area and the dialogs."""
    return shown_text.shown_strings(at, shown_text.outside_sidebar(at))


def assert_in_language(console: Any, at: AppTest, language: str, *, data: tuple[str, ...] = ()) -> None:
    console.no_exception(at)
    if language == ZH_CN:
        assert shown_text.untranslated(at, shown_text.outside_sidebar(at), data=data) == []
    else:
        assert shown_text.chinese(at, shown_text.outside_sidebar(at), data=data) == []
    assert main_strings(at), "the page showed nothing"


@pytest.fixture
def backend(request: pytest.FixtureRequest, language: str) -> RunningService:
    """The console configured for the pool that writes mails in ``language``."""
    service: RunningService = request.getfixturevalue("chinese_remote" if language == ZH_CN else "remote")
    return service


@pytest.fixture
def admin(backend: RunningService, language: str) -> Iterator[ManagementClient]:
    pool = backend.userpool
    with ManagementClient(backend.base_url, pool.id, pool.secret, lang=language) as client:
        yield client


def send(backend: RunningService, channel: Channel, to: str) -> None:
    with AuthenticationClient(backend.userpool.app_id, backend.base_url) as app:
        app.send_email(channel, to)


def validator_reason(address: str) -> str:
    """Why the email validator (a library of its own, in English) refuses ``address``: shown as it says it."""
    with pytest.raises(LocalizedValueError) as caught:
        normalize_email(address)
    return str(caught.value.text.params["reason"])


PREVIEW_LINE = {
    ZH_CN: re.compile(r"^\*\*发件人：\*\* (.*)  \n\*\*主题：\*\* (.*)$"),
    EN_US: re.compile(r"^\*\*From:\*\* (.*)  \n\*\*Subject:\*\* (.*)$"),
}


def previews(at: AppTest, language: str) -> tuple[str, ...]:
    """The sender and subject of each mail of the gallery (the mails' words, in the pool's or the profile's
    language), after checking that each card labels them in the page's language."""
    found = [PREVIEW_LINE[language].match(item.value) for item in at.markdown]
    values = tuple(value for match in found if match for value in match.groups())
    assert len(values) == 2 * len(at.get("iframe")), [item.value for item in at.markdown]
    return values


def without_delivery_log(at: AppTest) -> None:
    """The page again, as on a backend with an outbox but no delivery log (an older service)."""
    data = at.session_state["mc.connection"].data
    extensions = [name for name in data.service_info.extensions if name != Extension.DELIVERIES]
    data.service_info = data.service_info.model_copy(update={"extensions": extensions})
    at.run()


def table_of(at: AppTest) -> Any:
    return at.dataframe[0].value


# First in the module: the module's services are fresh, so nothing is sent or changed yet.
@BOTH
def test_the_outbox_and_the_audit_trail_empty(backend: RunningService, language: str, console: Any) -> None:
    at = console.open(OUTBOX, language=language)
    assert_in_language(console, at, language)
    assert [item.value for item in at.info] == [{ZH_CN: "尚未发送任何邮件。", EN_US: "No mail sent yet."}[language]]
    # A backend with an outbox but no delivery log (an older service): the outbox alone, empty.
    without_delivery_log(at)
    empty = {
        ZH_CN: "暂无邮件。未启用邮件服务时，内置邮件服务会投递到这里；请发送一封测试邮件。",
        EN_US: "No mail yet. The built-in service delivers here while no provider is switched on; send a test mail.",
    }
    assert [item.value for item in at.info] == [empty[language]]
    assert_in_language(console, at, language)
    at.switch_page(AUDIT).run()
    assert_in_language(console, at, language)
    assert [item.value for item in at.info] == [{ZH_CN: "暂无变更记录。", EN_US: "No changes recorded yet."}[language]]


@BOTH
def test_the_send_page_before_and_after_a_send_and_a_refusal(
    backend: RunningService, admin: ManagementClient, language: str, console: Any
) -> None:
    admin.config_email_provider(type=ProviderType.CUSTOM, enabled=False)  # the built-in mail service sends
    at = console.open(SEND, language=language)
    assert_in_language(console, at, language)
    at.selectbox(key="send.channel").set_value(Channel.DELETE_ACCOUNT).run()
    assert_in_language(console, at, language)

    at.text_input(key="send.to").input("alice@@example")
    at.button(key="send.button").click().run()
    assert len(at.error) == 2  # the address, and that nothing was sent
    assert_in_language(console, at, language, data=(validator_reason("alice@@example"),))

    at.text_input(key="send.to").input("")
    at.button(key="send.button").click().run()
    assert len(at.error) == 1
    assert_in_language(console, at, language)

    at.selectbox(key="send.channel").set_value(Channel.LOGIN)
    at.text_input(key="send.to").input(f"send-{language}@example.com")
    at.button(key="send.button").click().run()
    (sent,) = at.success
    assert sent.value.startswith({ZH_CN: "已向 send\\-", EN_US: "Sent a CHANNEL_LOGIN mail to send\\-"}[language])
    assert_in_language(console, at, language)

    at.button(key="send.button").click().run()  # within the minute: refused, with the countdown
    warnings = [item.value for item in at.warning]
    assert len(warnings) == 2
    countdown = {ZH_CN: r"可在 \d+ 秒后重试。$", EN_US: r"can be tried again in \d+ s\.$"}[language]
    assert re.search(countdown, warnings[1]), warnings
    assert not re.search(r"\d", warnings[0]), warnings  # the refusal without its frozen seconds: the countdown ticks
    assert list(table_of(at)[{ZH_CN: "结果", EN_US: "Result"}[language]]) == [
        {ZH_CN: "已拒绝：每分钟限发一次", EN_US: "Refused: once a minute"}[language],
        {ZH_CN: "已发送", EN_US: "Sent"}[language],
    ]
    assert_in_language(console, at, language)


@BOTH
def test_the_delivery_log_with_each_result_its_filters_and_a_mail_opened(
    backend: RunningService, admin: ManagementClient, language: str, console: Any
) -> None:
    to = f"log-{language}@example.com"
    admin.config_email_provider(type=ProviderType.CUSTOM, enabled=False)
    send(backend, Channel.REGISTER, to)  # delivered by the built-in mail service
    with pytest.raises(ThrottledError):
        send(backend, Channel.REGISTER, to)  # within the minute
    admin.config_email_provider(
        type=ProviderType.CUSTOM,
        enabled=True,
        smtp_config=SmtpConfig(
            smtp_host="127.0.0.1", smtp_port=free_port(), sender_pass="", from_address="a@b.example"
        ),
    )
    try:
        with pytest.raises(ProviderError):
            send(backend, Channel.LOGIN, to)  # refused: nothing listens on that port
    finally:
        admin.config_email_provider(type=ProviderType.CUSTOM, enabled=False)
    with pytest.raises(InvalidArgumentError):  # failed: the draft does not render (EJS finds no such variable)
        admin.send_draft(
            type="LOGIN_VERIFY_CODE",
            email=to,
            customize_enabled=True,
            name="Broken",
            subject="Broken",
            sender="Acme",
            content="<p><%= nothing.here %></p>",
            tpl_engine="ejs",
        )
    # What the provider replied, and the mails' subjects: the provider's and the mails' own words.
    deliveries = admin.list_deliveries(limit=200)  # all the log shows, this module's earlier sends too
    # ... and where each went, as the service recorded it ("127.0.0.1:25 (STARTTLS if offered)").
    said = [item.reply for item in deliveries if item.reply] + [item.subject for item in deliveries]
    said += [item.destination for item in deliveries]
    replies = (*said, *map(plain, said))  # as they came, and as shown (Markdown-escaped)

    at = console.open(OUTBOX, language=language)
    assert_in_language(console, at, language, data=replies)
    at.text_input(key="deliveries.to").input(to).run()
    results = list(table_of(at)[{ZH_CN: "结果", EN_US: "Result"}[language]])
    assert results == [
        {ZH_CN: "失败", EN_US: "failed"}[language],
        {ZH_CN: "被拒绝", EN_US: "refused"}[language],
        {ZH_CN: "已限流", EN_US: "throttled"}[language],
        {ZH_CN: "已投递", EN_US: "delivered"}[language],
    ]
    assert all(MOMENT[language].match(moment) for moment in table_of(at).iloc[:, 0]), table_of(at).iloc[:, 0]
    # Each mail opened: the failure and the refusal with what was said, the throttled one, the delivered one with
    # its content.
    for delivery in admin.list_deliveries(to=to):
        at.selectbox(key="deliveries.open").set_value(delivery.id).run()
        assert_in_language(console, at, language, data=replies)
        if delivery.status == DeliveryStatus.DELIVERED:
            assert at.get("iframe") and len(at.tabs) == 4
            at.toggle(key="outbox.mobile").set_value(True).run()
            assert_in_language(console, at, language, data=replies)
    # Every result and channel filter, and a recipient that matches nothing.
    for result in ["All", *(status.value for status in DeliveryStatus)]:
        at.selectbox(key="deliveries.result").set_value(result).run()
        assert_in_language(console, at, language, data=replies)
    at.selectbox(key="deliveries.result").set_value("All")
    at.selectbox(key="deliveries.channel").set_value("draft").run()
    assert len(table_of(at)) == 1
    assert_in_language(console, at, language, data=replies)
    at.text_input(key="deliveries.to").input(f"nobody-{to}").run()
    assert [item.value for item in at.info] == [{ZH_CN: "没有符合条件的邮件。", EN_US: "No mail matches."}[language]]
    assert_in_language(console, at, language, data=replies)

    # A backend with an outbox but no delivery log (an older service): the outbox alone, a mail opened.
    without_delivery_log(at)
    assert at.get("iframe") and len(at.tabs) == 4
    assert_in_language(console, at, language, data=replies)


@BOTH
def test_the_audit_trail_with_entries_and_its_dates(
    backend: RunningService, admin: ManagementClient, language: str, console: Any
) -> None:
    admin.config_email_provider(
        type=ProviderType.CUSTOM,
        enabled=False,
        smtp_config=SmtpConfig(smtp_host="smtp.audit.example", smtp_port=465, sender="u", sender_pass="audit-pw-7"),
    )
    template = next(item for item in admin.get_email_templates().templates if item.type == "WELCOME_EMAIL")
    admin.update_email_template(
        type="WELCOME_EMAIL",
        customize_enabled=True,
        name=template.name,
        subject=template.subject,
        sender=template.sender,
        content=template.content + "\n<p>P.S.</p>\n",
        version=template.version,
    )
    recorded = admin.list_audit(limit=50)  # who and what, as the trail recorded them: its data
    actors = (LOCAL_ADMIN, *(entry.actor for entry in recorded), *(entry.item for entry in recorded))
    at = console.open(AUDIT, language=language)
    assert_in_language(console, at, language, data=actors)
    rows = table_of(at)
    time_column = {ZH_CN: "时间（UTC）", EN_US: "Time (UTC)"}[language]
    assert rows.columns[0] == time_column
    assert all(MOMENT[language].match(moment) for moment in rows[time_column]), list(rows[time_column])
    # The entry of the template opened: a line per field, and the body's diff in an expander.
    (entry,) = admin.list_audit(kind="template", limit=1)
    at.selectbox(key="audit.open").set_value(entry.id).run()
    assert_in_language(console, at, language, data=actors)
    assert [expander.label for expander in at.expander] == [
        {ZH_CN: "`content` 的变更", EN_US: "What changed in `content`"}[language]
    ]
    lines = at.code[0].value
    assert {ZH_CN: "content：已变更（", EN_US: "content: changed ("}[language] in lines, lines
    for kind in ["Provider settings", "Templates", "Draft sends", "Everything"]:
        at.button_group(key="audit.kind").set_value(kind).run()
        assert_in_language(console, at, language, data=actors)


@BOTH
def test_the_gallery_in_every_group_profile_and_width(backend: RunningService, language: str, console: Any) -> None:
    at = console.open(GALLERY, language=language)
    assert_in_language(console, at, language, data=previews(at, language))
    for group in TEMPLATE_GROUPS:
        at.selectbox(key="gallery.group").set_value(group.key).run()
        assert len(at.get("iframe")) == len(group.types)
        assert_in_language(console, at, language, data=previews(at, language))
    for profile in SampleProfile:
        at.selectbox(key="gallery.profile").set_value(profile.value).run()
        assert_in_language(console, at, language, data=previews(at, language))
    at.segmented_control(key="gallery.width").set_value("Mobile").run()
    assert all("width:375px" in element.proto.srcdoc for element in at.get("iframe"))
    assert_in_language(console, at, language, data=previews(at, language))


@BOTH
def test_a_gallery_mail_that_does_not_render(
    backend: RunningService, admin: ManagementClient, language: str, console: Any
) -> None:
    login = next(item for item in admin.get_email_templates().templates if item.type == "LOGIN_VERIFY_CODE")
    broken = replace(
        Draft.of(login), tpl_engine="ejs", subject="<%= nothing.here %>", content="<p><%= nothing.here %></p>"
    )
    at = AppTest.from_file(APP, default_timeout=30)
    console.opened.append(at)
    at.secrets = {"console_tests": True}
    at.session_state["mc.language"] = language
    at.session_state[DRAFTS_KEY] = {"default": Drafts({TemplateType.LOGIN_VERIFY_CODE: broken})}
    at.run()
    at.switch_page(GALLERY).run()
    at.selectbox(key="gallery.group").set_value("verify_code").run()
    sentences = {
        ZH_CN: ("正文无法渲染：", "主题无法渲染："),
        EN_US: ("The body does not render: ", "The subject does not render: "),
    }[language]
    errors = [item.value for item in at.error]
    assert [error for error in errors if error.startswith(sentences)] == [
        sentences[0] + AT_LINE_1[language] + ENGINE_ERROR,
        sentences[1] + AT_LINE_1[language] + ENGINE_ERROR,
    ]
    unsaved = {ZH_CN: "未保存的草稿", EN_US: "unsaved draft"}[language]
    title = translated(TEMPLATE_TITLES[TemplateType.LOGIN_VERIFY_CODE], language)
    assert f"**{title}** :orange[● {unsaved}]" in main_strings(at)
    # The engine's own words, and the editor's checks (the template area's, components/template_preview.py).
    findings = tuple(text for text in errors + [item.value for item in at.warning] if not text.startswith(sentences))
    assert_in_language(console, at, language, data=(*previews(at, language), ENGINE_ERROR, *findings))


@pytest.fixture
def second_tenant(tmp_path: Path, language: str) -> Iterator[RunningService]:
    running = start_service(ServiceSettings(data_dir=tmp_path / "production", pool_language=language))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


@BOTH
def test_compare_with_differences_and_the_promote_confirmation(
    backend: RunningService, second_tenant: RunningService, admin: ManagementClient, language: str, console: Any
) -> None:
    login = next(item for item in admin.get_email_templates().templates if item.type == "LOGIN_VERIFY_CODE")
    admin.update_email_template(
        type="LOGIN_VERIFY_CODE",
        customize_enabled=True,
        name=login.name,
        subject="{{verify_code}}",
        sender=login.sender,
        content=login.content,
        expires_in=600,
        version=login.version,
    )

    def tenant(running: RunningService) -> dict[str, str]:
        pool = running.userpool
        return {"kind": "genauth", "api_host": running.base_url, "userpool_id": pool.id, "userpool_secret": pool.secret}

    secrets = {"tenants": {"staging": tenant(backend), "production": tenant(second_tenant)}}
    names = ("default", "staging", "production")  # the tenants' names (the environment's, the secrets'): data
    at = console.open(COMPARE, secrets=secrets, language=language)
    assert_in_language(console, at, language, data=names)
    different = {ZH_CN: "不同", EN_US: "different"}[language]
    assert [item.label.endswith(different) for item in at.expander].count(True) >= 1
    assert any(re.search(r"expiresIn", text.value) for text in at.text)  # the field that differs, in words

    at.button(key="compare.copy.LOGIN_VERIFY_CODE").click().run()
    assert_in_language(console, at, language, data=names)  # the confirmation of one
    question = {ZH_CN: "将 LOGIN_VERIFY_CODE 复制到 production？", EN_US: "Copy LOGIN_VERIFY_CODE to production?"}
    assert any(question[language] in text for text in main_strings(at))  # the dialog is read too
    at.button(key="compare.one.LOGIN_VERIFY_CODE_no").click().run()
    at.button(key="compare.copy_all").click().run()
    assert_in_language(console, at, language, data=names)  # the confirmation of all
    at.button(key="compare.all_yes").click().run()
    (copied,) = at.success
    assert copied.value.startswith({ZH_CN: "已复制到 production：", EN_US: "Copied to production: "}[language])
    assert_in_language(console, at, language, data=names)


@BOTH
def test_a_backend_that_is_down(down: str, language: str, console: Any) -> None:
    at = console.open(SEND, language=language)
    assert_in_language(console, at, language)
    at.text_input(key="send.to").input("alice@example.com")
    at.button(key="send.button").click().run()
    (error,) = console.errors(at)
    assert error.startswith(
        {
            ZH_CN: "控制台无法连接位于 127.0.0.1 的邮件后端（连接被拒绝（服务是否在运行？））。",
            EN_US: "The console could not reach the email backend at 127.0.0.1 (connection refused",
        }[language]
    )
    failed = table_of(at).iloc[0][{ZH_CN: "结果", EN_US: "Result"}[language]]
    assert (
        failed
        == {
            ZH_CN: "失败：无法连接 127.0.0.1：连接被拒绝（服务是否在运行？）",
            EN_US: "Failed: Could not reach 127.0.0.1: connection refused (is the service running?)",
        }[language]
    )
    assert_in_language(console, at, language)
    at.switch_page(GALLERY).run()  # a page that reads the backend first: the entry file says it
    assert_in_language(console, at, language)


@BOTH
def test_refused_credentials_with_the_request_id(
    backend: RunningService, monkeypatch: pytest.MonkeyPatch, language: str, console: Any
) -> None:
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", "not-the-secret")
    at = console.open(GALLERY, language=language)  # it reads the templates first
    (error,) = console.errors(at)
    said = {
        ZH_CN: r"^后端拒绝了控制台的凭据：.+（请求 ID：[\w-]+）。请检查为该租户配置的用户池 ID 和密钥（或令牌）。$",
        EN_US: r"^The backend refused the console's credentials: .+ \(requestId [\w-]+\)\. Check the user pool id",
    }[language]
    assert re.match(said, error), error
    (request_id,) = re.findall(r"[0-9a-f]{8}-[\w-]+", error)
    assert_in_language(console, at, language, data=(request_id,))  # the backend's own words are in the language


def test_a_language_switch_keeps_what_the_widgets_hold(remote: RunningService, console: Any) -> None:
    """A label in the other language must not make a widget new (it would forget its value): every widget of the
    area has its own key."""
    at = console.open(SEND, language=EN_US)
    at.selectbox(key="send.channel").set_value(Channel.RESET_PASSWORD).run()
    at.text_input(key="send.to").input("kept@example.com")
    at.button(key="send.button").click().run()  # (a form learns what was typed when it is sent)
    at.session_state["mc.language"] = ZH_CN
    at.run()
    assert at.selectbox(key="send.channel").value == Channel.RESET_PASSWORD
    assert at.text_input(key="send.to").value == "kept@example.com"
    assert at.selectbox(key="send.channel").label == "渠道"
    at.switch_page(GALLERY).run()
    at.selectbox(key="gallery.group").set_value("verify_link").run()
    at.segmented_control(key="gallery.width").set_value("Mobile").run()
    at.session_state["mc.language"] = EN_US
    at.run()
    assert (at.selectbox(key="gallery.group").value, at.segmented_control(key="gallery.width").value) == (
        "verify_link",
        "Mobile",
    )
    assert at.selectbox(key="gallery.group").label == "Group"


# ---- the library's sentences in both languages, str() in English --------------------------------------------------


def test_the_clients_connection_errors_in_both_languages(closed_port: int) -> None:
    with (
        ManagementClient(f"http://127.0.0.1:{closed_port}", "pool", "secret") as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.get_email_provider()
    err = caught.value
    assert str(err) == "Could not reach 127.0.0.1: connection refused (is the service running?)"
    assert translated(err.text, ZH_CN) == "无法连接 127.0.0.1：连接被拒绝（服务是否在运行？）"
    timeout = APITimeoutError("api.example.com", 5)
    assert str(timeout) == "Could not reach api.example.com: no answer within 5 s"
    assert (timeout.reason, translated(timeout.reason_text, ZH_CN)) == ("no answer within 5 s", "5 秒内无响应")


def test_replies_that_are_not_the_apis_in_both_languages(service: RunningService, versionless: str) -> None:
    pool = service.userpool
    # A backend without the /local/v1 extensions answers them with a plain-text 404.
    with ManagementClient(versionless, pool.id, pool.secret) as client, pytest.raises(ServerError) as caught:
        client.list_outbox()
    assert caught.value.message == (
        "127.0.0.1 answered HTTP 404 with something that is not the API's JSON envelope; check the API host."
    )
    assert translated(caught.value.text, ZH_CN) == (
        "127.0.0.1 返回了 HTTP 404，但内容不是 API 的 JSON 信封；请检查 API 地址。"
    )
    # An envelope without a message.
    with (
        ManagementClient(f"{service.base_url}/nowhere", pool.id, pool.secret) as client,
        pytest.raises(NotFoundError) as missing,
    ):
        client.get_email_provider()
    assert (str(missing.value), translated(missing.value.text, ZH_CN)) == (
        "The API answered statusCode 404",
        "API 返回了 statusCode 404",
    )


def test_the_clients_value_errors_in_both_languages() -> None:
    with pytest.raises(LocalizedValueError) as caught:
        ManagementClient("http://mail.internal.example", "pool", "secret")
    assert str(caught.value).startswith("Refusing plain http to mail.internal.example: secrets would cross")
    assert translated(caught.value, ZH_CN).startswith("拒绝以明文 http 连接 mail.internal.example：")
    with pytest.raises(ValueError, match="needs the application's app_id") as missing:
        AuthenticationClient("", "https://app.example.com")
    assert translated(missing.value, ZH_CN) == "AuthenticationClient 需要应用的 app_id。"


def test_changes_and_audit_rows_in_both_languages() -> None:
    switched = AuditChange(field="customizeEnabled", before=False, after=True)
    assert describe_change(switched) == str(change_in_words(switched)) == "customizeEnabled: off → on"
    assert translated(change_in_words(switched), ZH_CN) == "customizeEnabled：关 → 开"
    body = AuditChange(field="content", before="<p>a</p>", after="<p>\nlong\n</p>")
    assert translated(change_in_words(body), ZH_CN) == "content：已变更（8 个字符 → 13 个字符）"
    entry = AuditEntry(
        id=1, at="2026-12-03T13:20:05Z", actor="alice@example.com", kind="template", item="WELCOME_EMAIL", changes=[]
    )
    (chinese,) = audit_rows([entry], UTC, ZH_CN)
    assert chinese == {
        "时间（UTC）": "2026年12月3日 13:20:05",
        "操作人": "alice@example.com",
        "类别": "模板",
        "对象": "WELCOME_EMAIL",
        "变更": "没有字段变更",
    }
    (english,) = audit_rows([entry], UTC, EN_US)
    assert english["Time (UTC)"] == "Dec 3, 2026, 1:20:05\u202fPM"
    assert audit_rows([entry])[0]["Time (UTC)"] == "2026-12-03 13:20:05"  # without a language: as it always was
