"""Issue 16: the language of mails follows the user pool (its built-in templates, zh-CN or en-US, chosen when the
pool is created), the language of messages follows the request. Over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mailconsole import AuthenticationClient, ManagementClient, ThrottledError
from mailconsole.cli import main as cli_main
from mailconsole.config_files.export import export_tenant
from mailconsole.console.drafts import Draft, with_builtin
from mailconsole.i18n import EN_US, ZH_CN
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings, console_service_settings
from tests.support import schema_as_of


@contextmanager
def running(settings: ServiceSettings) -> Iterator[RunningService]:
    service = start_service(settings)
    try:
        yield service
    finally:
        service.stop()


def management_of(service: RunningService, lang: str = EN_US) -> ManagementClient:
    return ManagementClient(service.base_url, service.userpool.id, service.userpool.secret, lang=lang)


def test_a_new_pool_writes_its_mails_in_chinese_as_the_platform_does(tmp_path: Path) -> None:
    with running(ServiceSettings(data_dir=tmp_path)) as service, management_of(service) as management:
        templates = {template.type: template for template in management.get_email_templates().templates}
        login = templates["LOGIN_VERIFY_CODE"]
        assert (login.name, login.subject) == ("登录验证码", "{{app_name}} 登录验证码：{{verify_code}}")
        assert '<html lang="zh-CN">' in login.content and "输入此验证码以登录 {{app_name}}：" in login.content
        preview = management.preview_email_template(type="WELCOME_EMAIL")
        assert preview.subject == "欢迎加入 Acme Cloud"  # the preview's sample app

        with AuthenticationClient(service.userpool.app_id, service.base_url) as authentication:
            authentication.send_email("CHANNEL_LOGIN", "li@example.com")
        [mail] = management.list_outbox()
        assert mail.subject.startswith("Mail Console 登录验证码：")
        assert "此验证码 5 分钟内有效。" in mail.text


def test_the_mails_follow_the_pool_and_the_messages_the_request(tmp_path: Path) -> None:
    with (
        running(ServiceSettings(data_dir=tmp_path)) as service,
        management_of(service, lang=EN_US) as management,
        AuthenticationClient(service.userpool.app_id, service.base_url, lang=EN_US) as authentication,
    ):
        authentication.send_email("CHANNEL_DELETE_ACCOUNT", "li@example.com")
        with pytest.raises(ThrottledError) as refused:
            authentication.send_email("CHANNEL_DELETE_ACCOUNT", "li@example.com")
        assert refused.value.message.startswith("A mail of this channel was sent to this mailbox")
        [mail] = management.list_outbox()
        assert mail.subject.startswith("Mail Console 注销账号验证码：")


def test_pool_language_en_us_keeps_the_english_mails(tmp_path: Path) -> None:
    settings = ServiceSettings(data_dir=tmp_path, pool_language="en-US")
    with running(settings) as service, management_of(service, lang=ZH_CN) as management:
        login = next(t for t in management.get_email_templates().templates if t.type == "LOGIN_VERIFY_CODE")
        assert (login.name, login.subject) == (
            "Login code",
            "Your {{app_name}} login code: {{verify_code}}",
        )


def test_a_pool_keeps_its_language_when_the_setting_changes(tmp_path: Path) -> None:
    with running(ServiceSettings(data_dir=tmp_path, pool_language="en-US")):
        pass
    with running(ServiceSettings(data_dir=tmp_path, pool_language="zh-CN")) as service:
        assert service.store.pool_language(service.userpool.id) == EN_US
        with management_of(service) as management:
            assert management.preview_email_template(type="WELCOME_EMAIL").subject == "Welcome to Acme Cloud"


def test_a_pool_from_before_languages_were_kept_keeps_its_english_mails(tmp_path: Path) -> None:
    with running(ServiceSettings(data_dir=tmp_path)) as service:
        database = service.store.path
    assert database is not None
    schema_as_of(database, "0002")  # as the store was before issue 16: no pool languages
    with running(ServiceSettings(data_dir=tmp_path)) as service, management_of(service) as management:
        assert management.preview_email_template(type="WELCOME_EMAIL").subject == "Welcome to Acme Cloud"


def test_a_pool_named_by_the_environment_gets_the_language_when_first_served(tmp_path: Path) -> None:
    named = {"userpool_id": "pool-from-env", "userpool_secret": "s3cret-from-env-1"}
    with running(ServiceSettings(data_dir=tmp_path, pool_language="zh-CN", **named)) as service:
        assert service.store.pool_language("pool-from-env") == ZH_CN
    with running(ServiceSettings(data_dir=tmp_path, pool_language="en-US", **named)) as service:
        assert service.store.pool_language("pool-from-env") == ZH_CN


def test_the_console_service_takes_the_consoles_language_unless_the_pool_language_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILCONSOLE_POOL_LANGUAGE", raising=False)
    assert console_service_settings(tmp_path, EN_US).pool_language == EN_US
    assert console_service_settings(tmp_path, ZH_CN).pool_language == ZH_CN
    monkeypatch.setenv("MAILCONSOLE_POOL_LANGUAGE", "zh")
    assert console_service_settings(tmp_path, EN_US).pool_language == ZH_CN
    assert ServiceSettings().pool_language == ZH_CN


def test_an_unknown_pool_language_is_refused_with_what_to_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAILCONSOLE_POOL_LANGUAGE", "fr-FR")
    assert cli_main(["serve", "--data-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "MAILCONSOLE_POOL_LANGUAGE: 'fr-FR' is not a language of the platform; use zh-CN or en-US" in error


def test_the_service_says_its_mail_language_so_a_console_knows_which_built_in_is_the_default(tmp_path: Path) -> None:
    with running(ServiceSettings(data_dir=tmp_path)) as service, management_of(service) as management:
        info = management.service_info()
        assert info is not None and (info.pool_language, info.mail_language) == (ZH_CN, ZH_CN)
        # Untouched Chinese built-ins are the defaults: an export holds the provider alone.
        assert list(export_tenant(management)) == ["provider.yaml"]
        login = next(t for t in management.get_email_templates().templates if t.type == "LOGIN_VERIFY_CODE")
        emptied = Draft.of(login.model_copy(update={"content": ""}))
        assert with_builtin(emptied, "handlebar", info.mail_language).content == login.content
