"""Issue 16, the templates page in Chinese and English: every state an admin reaches there (the list, a template of
each group, findings, a template that does not compile or runs over the limit, history, restore, draft send,
variables, profiles, engine notes, a save conflict) shows no English in zh-CN (on a Chinese pool) and no Chinese in
en-US (on an English pool); the language switch keeps the unsaved draft; and the library's sentences of this area
(catalog names, linter findings, limit messages) come out in both languages.

What a page shows of the tenant's data (the sample context's values, the mail's plain text, who saved a version)
is data, not the console's words: it is taken out before looking. The sidebar is the frame's and sign-in's."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from mailconsole import InvalidArgumentError, ManagementClient
from mailconsole.catalog import CHANNELS, TEMPLATE_GROUPS, TEMPLATE_TITLES, VARIABLE_MEANINGS
from mailconsole.i18n import EN_US, ZH_CN, Language, gettext
from mailconsole.models import Channel, ProviderType, TemplateEngine, TemplateType
from mailconsole.rendering import TemplateError, TemplateLimitError, lint_template, render_template
from mailconsole.rendering.profiles import PROFILES
from mailconsole.rendering.workers import decode_reply, encode_reply
from mailconsole.service.embedded import RunningService
from tests.console.shown_text import english_words, shown_strings
from tests.console.templates_page import PAGE, key

LOGIN = TemplateType.LOGIN_VERIFY_CODE.value
MFA = TemplateType.MFA_VERIFY_CODE.value
UNLOCK = TemplateType.SELF_UNLOCKING_VERIFY_CODE.value
RESET = TemplateType.RESET_PASSWORD_VERIFY_CODE.value
CHINESE = re.compile("[\u4e00-\u9fff]")
FINDINGS = (
    '<p>{{verify_code}}</p>\n<p>Hi {{usr_name}}</p>\n<a href="http://example.com">site</a>\n'
    '<img src="cid:logo">\n<script>x()</script>'
)
# A template that ran out of time is refused without running for a minute: each use gets a source of its own.
RUNAWAY_EJS = "<%# {use} %><% while (true) {{}} %>"


@pytest.fixture(params=[ZH_CN, EN_US])
def language(request: pytest.FixtureRequest) -> Language:
    language: Language = request.param
    return language


@pytest.fixture
def pool(language: Language, request: pytest.FixtureRequest) -> RunningService:
    """A Chinese pool for a Chinese page, an English one for an English page (the console set up for it)."""
    service: RunningService = request.getfixturevalue("chinese_remote" if language == ZH_CN else "remote")
    return service


@pytest.fixture
def admin(pool: RunningService) -> Iterator[ManagementClient]:
    with ManagementClient(pool.base_url, pool.userpool.id, pool.userpool.secret) as client:
        yield client


def open_page(console: Any, language: Language, template_type: str | None = None) -> AppTest:
    at = console.open(PAGE, language=language)
    if template_type is not None:
        at.selectbox(key="tpl.type").set_value(template_type).run()
    console.no_exception(at)
    return at


def data_of(at: AppTest, pool: RunningService, extra: tuple[str, ...] = ()) -> list[str]:
    """What the page shows of the tenant's data: the sample context's values, the mails' plain text (``st.text``),
    who saved (the audit's actor), and ``extra``; longest first, so that a value inside another goes with it."""
    values = [f"access key {pool.userpool.id}", *extra, *(element.value for element in at.main.text)]
    for kind in TemplateType:
        typed = at.session_state.get(f"tpl.{kind.value}.context", "")
        try:
            context = json.loads(typed)
        except ValueError:
            continue
        values += [str(item) for item in context.values() if str(item)]
    return sorted({value for value in values if value}, key=len, reverse=True)


def out_of_language(at: AppTest, language: Language, pool: RunningService, extra: tuple[str, ...] = ()) -> list[str]:
    """The strings of the page's main area in the other language: English words on a Chinese page, Chinese
    characters on an English one (the tenant's data taken out)."""
    data = data_of(at, pool, extra)
    found = []
    for text in shown_strings(at, at.main):
        words = text.replace("\\", "")  # the escapes that keep Markdown out of data
        for value in data:
            words = words.replace(value, " ")
        if english_words(words) if language == ZH_CN else CHINESE.search(words):
            found.append(text)
    return found


def check(at: AppTest, console: Any, language: Language, pool: RunningService, *extra: str) -> None:
    console.no_exception(at)
    assert out_of_language(at, language, pool, extra) == []


def in_language(language: Language, chinese: str, english: str) -> str:
    return chinese if language == ZH_CN else english


# ---- the states of the page, in both languages ------------------------------------------------------------------


def test_the_list_and_a_template_of_each_group_in_both_engines(console, language, pool) -> None:
    at = open_page(console, language)
    check(at, console, language, pool)
    (table,) = at.main.dataframe
    assert len(table.value) == 15
    titles = {str(title) for title in TEMPLATE_TITLES.values()}
    assert (titles & set(table.value["Template"])) == (titles if language == EN_US else set())
    for group in TEMPLATE_GROUPS:
        kind = group.types[0].value
        at.selectbox(key="tpl.type").set_value(kind).run()
        check(at, console, language, pool)
        assert at.selectbox(key="tpl.type").value == kind
    # EJS: first the warning that the body is written for Handlebars, then the built-in body in EJS.
    kind = TEMPLATE_GROUPS[-1].types[0].value
    at.radio(key=key(at, kind, "tpl_engine")).set_value(TemplateEngine.EJS.value).run()
    check(at, console, language, pool)
    assert len(at.warning) == 2  # under the editor, and in the checks
    at.button(key=f"tpl.{kind}.load_builtin_engine").click().run()
    check(at, console, language, pool)
    (editor,) = [element for element in at.get("component_instance") if "code_editor" in element.proto.component_name]
    assert "<%=" in json.loads(editor.proto.json_args)["defaultValue"] and not at.warning


def test_findings_a_template_that_does_not_compile_and_one_over_the_time_limit(console, language, pool) -> None:
    at = open_page(console, language, LOGIN)
    at.session_state[key(at, LOGIN, "content")] = FINDINGS
    at.run()
    check(at, console, language, pool)
    assert len(at.warning) == 4  # the typo, the http link, the image without alt, the script
    assert any(
        in_language(language, "你是想用 `{{user_name}}` 吗？", "did you mean `{{user_name}}`?")
        in w.value.replace("\\", "")  # the escapes that keep Markdown out
        for w in at.warning
    )

    broken = "<p>{{verify_code}}</p>\n{{#if verify_code}}"
    at.session_state[key(at, LOGIN, "content")] = broken
    at.run()
    # The renderer's own sentence is the page's language too: nothing of it is allowed as data here.
    check(at, console, language, pool)
    (error,) = console.errors(at)
    assert error == in_language(
        language,
        "正文无法编译：第 2 行第 1 列：块 {{#if}} 未关闭：请添加 {{/if}}",
        "The body does not compile: line 2, column 1: unclosed block {{#if}}: add {{/if}}",
    )
    # The editor's gutter marker says it in the page's language too.
    (editor,) = [element for element in at.get("component_instance") if "code_editor" in element.proto.component_name]
    (marker,) = json.loads(editor.proto.json_args)["annotations"]
    assert marker["text"] == in_language(
        language, "块 {{#if}} 未关闭：请添加 {{/if}}", "unclosed block {{#if}}: add {{/if}}"
    )

    at.radio(key=key(at, LOGIN, "tpl_engine")).set_value(TemplateEngine.EJS.value).run()
    at.session_state[key(at, LOGIN, "content")] = RUNAWAY_EJS.format(use=f"console {language}")
    at.run(timeout=60)
    check(at, console, language, pool)
    # QuickJS's own second, or the worker's deadline on a busy machine: a limit, said in the page's language.
    (stopped,) = [text for text in console.errors(at) if "MAILCONSOLE_RENDER_TIMEOUT" in text or " 1 " in text]
    assert stopped.startswith(
        in_language(language, "正文渲染被中止：模板运行超过 ", "The body was stopped: the template ")
    )


def test_history_with_a_diff_and_the_restore_confirmation(console, language, pool, admin) -> None:
    first, second = (
        admin.update_email_template(
            type=UNLOCK,
            customize_enabled=True,
            name=f"N{n}",
            subject=f"S{n} {{{{verify_code}}}}",
            sender="Acme",
            content=f"<p>{n}: {{{{verify_code}}}}</p>",
        ).version
        for n in (1, 2)
    )
    at = open_page(console, language, UNLOCK)
    at.toggle(key=f"history.{UNLOCK}.open").set_value(True).run()
    check(at, console, language, pool)
    at.selectbox(key=f"history.{UNLOCK}.left").set_value(f"v{first}").run()
    at.selectbox(key=f"history.{UNLOCK}.right").set_value(f"v{second}").run()
    check(at, console, language, pool)
    assert [block for block in at.code if block.language == "diff"]

    at.selectbox(key=f"history.{UNLOCK}.restore").set_value(f"v{first}").run()
    at.button(key=f"history.{UNLOCK}.load").click().run()
    check(at, console, language, pool)
    assert in_language(
        language, f"将版本 {first}载入编辑器？", f"Load version {first} into the editor?"
    ) in console.text(at)
    at.button(key=f"history.{UNLOCK}.restore_confirm_yes").click().run()
    check(at, console, language, pool)
    assert at.session_state[key(at, UNLOCK, "subject")] == "S1 {{verify_code}}"


def test_the_draft_send_form_and_its_results(console, language, pool, admin) -> None:
    admin.config_email_provider(type=ProviderType.CUSTOM, enabled=False)  # the built-in service: to the outbox
    at = open_page(console, language, RESET)
    check(at, console, language, pool)
    at.text_input(key=f"draft_send.{RESET}.to").input("")
    at.button(key=f"draft_send.{RESET}.button").click().run()
    check(at, console, language, pool)
    assert console.errors(at)[0].startswith(in_language(language, "未发送任何邮件：", "Nothing was sent: "))

    to = f"draft-{uuid.uuid4().hex[:8]}@example.com"
    at.text_input(key=f"draft_send.{RESET}.to").input(to)
    at.button(key=f"draft_send.{RESET}.button").click().run()
    (success,) = at.success
    # Data: the mail's subject, and the service's name of who delivered it (deliveredBy, the service's data).
    subject = success.value.replace("\\", "").split("“")[1].split("”")[0]
    check(at, console, language, pool, to, subject, "the built-in mail service (outbox)")
    assert success.value.startswith(in_language(language, "已将草稿“", "Sent the draft “"))


def test_the_variable_list_each_profile_and_the_engine_notes(console, language, pool) -> None:
    at = open_page(console, language, LOGIN)
    check(at, console, language, pool)
    assert "{{verify_code}}" in json.dumps(at.table[0].value.to_dict())
    choice = f"tpl.{LOGIN}.profile"
    for profile in PROFILES:
        at.selectbox(key=choice).set_value(profile.value).run()
        check(at, console, language, pool)
        caption = PROFILES[profile].summary.in_language(language)
        assert any(element.value == caption for element in at.caption)
    at.button(key=f"tpl.{LOGIN}.profile_name.save").click().run()  # no name: what to do, in the language
    check(at, console, language, pool)
    assert in_language(
        language, "请先为示例数据命名，再保存。", "Give the profile a name, then save it."
    ) in console.errors(at)
    notes = in_language(language, "预览可能与平台不同之处", "Where the preview can differ from the platform")
    assert [expander for expander in at.expander if expander.label == notes]


def test_a_save_conflict(console, language, pool, admin) -> None:
    admin.update_email_template(
        type=MFA, customize_enabled=True, name="MFA", subject="A {{verify_code}}", sender="x", content="{{verify_code}}"
    )
    at = open_page(console, language, MFA)
    at.text_input(key=key(at, MFA, "subject")).input("Mine {{verify_code}}").run()
    admin.update_email_template(
        type=MFA, customize_enabled=True, name="MFA", subject="B {{verify_code}}", sender="x", content="{{verify_code}}"
    )
    at.button(key=f"tpl.{MFA}.save").click().run()
    check(at, console, language, pool, "Mine")
    assert [button for button in at.button if button.key.endswith(".conflict.reload")]
    (warning,) = [item.value for item in at.warning if in_language(language, "当前为版本", "now version") in item.value]
    # Who changed it and when, the moment as the language writes it (2026年12月3日 13:50:00 / Dec 3, 2026, ...).
    assert re.search(in_language(language, r"\d{4}年\d{1,2}月\d{1,2}日 ", r"[A-Z][a-z]{2} \d{1,2}, \d{4}, "), warning)
    assert at.text_input(key=key(at, MFA, "subject")).value == "Mine {{verify_code}}"


def test_switching_the_language_keeps_the_unsaved_draft_and_the_template(remote, console) -> None:
    at = open_page(console, EN_US, MFA)
    at.text_input(key=key(at, MFA, "subject")).input("Draft subject {{verify_code}}").run()
    at.session_state[key(at, MFA, "content")] = "<p>Draft body {{verify_code}}</p>"
    at.segmented_control(key="tpl.layout.en-US").set_value("Editor wide").run()
    at.run()
    for language in (ZH_CN, EN_US):
        at.segmented_control(key="mc.language").set_value(language).run()
        console.no_exception(at)
        assert at.title[0].value == gettext(language, "Templates")
        assert at.selectbox(key="tpl.type").value == MFA
        assert at.segmented_control(key=f"tpl.layout.{language}").value == "Editor wide"
        assert at.text_input(key=key(at, MFA, "subject")).value == "Draft subject {{verify_code}}"
        assert at.session_state[key(at, MFA, "content")] == "<p>Draft body {{verify_code}}</p>"


# ---- the library's sentences of this area, in both languages -----------------------------------------------------


def test_catalog_names_come_out_in_both_languages() -> None:
    assert TEMPLATE_TITLES[TemplateType.MFA_VERIFY_CODE].in_language(ZH_CN) == "MFA 验证码"
    assert TEMPLATE_TITLES[TemplateType.MFA_VERIFY_CODE].in_language(EN_US) == "MFA code"
    assert [group.name.in_language(ZH_CN) for group in TEMPLATE_GROUPS][:2] == ["通知模板", "验证码模板"]
    assert [str(group.name) for group in TEMPLATE_GROUPS] == [group.category.title_en for group in TEMPLATE_GROUPS]
    assert CHANNELS[Channel.LOGIN].description.in_language(ZH_CN) == "邮箱登录验证码"
    assert VARIABLE_MEANINGS["user_email"].in_language(ZH_CN) == "收件人的邮箱地址。"
    names = [*TEMPLATE_TITLES.values(), *(g.name for g in TEMPLATE_GROUPS), *VARIABLE_MEANINGS.values()]
    assert all(english_words(name.in_language(ZH_CN)) == [] for name in names)


def test_lint_findings_come_out_in_both_languages() -> None:
    findings = lint_template(FINDINGS, "handlebar", TemplateType.LOGIN_VERIFY_CODE)
    assert [finding.rule for finding in findings] == ["unknown-variable", "insecure-link", "img-alt", "script-tag"]
    assert findings[0].message == (
        "`{{usr_name}}` is not a variable of “Login code” mails: did you mean `{{user_name}}`?"
    )
    assert (
        findings[0].text.in_language(ZH_CN)
        == "`{{usr_name}}` 不是“登录验证码”邮件的变量：你是想用 `{{user_name}}` 吗？"
    )
    assert all(english_words(finding.text.in_language(ZH_CN)) == [] for finding in findings)
    (broken,) = lint_template("{{#if verify_code}}", "handlebar", TemplateType.LOGIN_VERIFY_CODE)
    # The renderer's own sentence is translated with the sentence around it (issue 16, engine words).
    assert broken.message == "The body does not compile: unclosed block {{#if}}: add {{/if}}."
    assert broken.text.in_language(ZH_CN) == "正文无法编译：块 {{#if}} 未关闭：请添加 {{/if}}。"
    (said,) = lint_template("<% if ( %>", "ejs", TemplateType.LOGIN_VERIFY_CODE)
    # What the JavaScript engine says itself stays as it says it; the sentence around it is translated.
    assert said.text.in_language(ZH_CN) == "正文无法编译：" + said.message.removeprefix("The body does not compile: ")


def test_limit_messages_come_out_in_both_languages_also_across_the_workers_pipe() -> None:
    with pytest.raises(TemplateLimitError) as stopped:
        render_template(RUNAWAY_EJS.format(use="unit"), {}, "ejs")
    # QuickJS's own second, or the worker's deadline on a busy machine.
    assert str(stopped.value).startswith(("the template ran longer than 1 s", "the template took longer than 2 s"))
    assert stopped.value.text.in_language(ZH_CN).startswith("模板运行超过 ")
    assert english_words(stopped.value.text.in_language(ZH_CN)) == []
    again = decode_reply(encode_reply(stopped.value))
    assert isinstance(again, TemplateLimitError) and again.text == stopped.value.text
    plain = decode_reply(encode_reply(TemplateError("bad tag {{x}}", 1, 2)))
    assert not isinstance(plain, TemplateLimitError) and str(plain) == "line 1, column 2: bad tag {{x}}"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-CN", "content：模板中的块重复超过 100,000 次"), ("en-US", "content: the template repeats")],
)
def test_the_service_answers_a_limit_in_the_requests_language(
    service: RunningService, lang: str, expected: str
) -> None:
    runaway = "{{#each @root}}" * 5 + "x" + "{{/each}}" * 5
    client = ManagementClient(service.base_url, service.userpool.id, service.userpool.secret, lang=lang)
    with client, pytest.raises(InvalidArgumentError) as refused:
        client.preview_email_template(type=LOGIN, content=runaway)
    assert str(refused.value.message).startswith(expected)
