"""Issue 16: the faults this project's renderer words itself come out in both languages, also after crossing the
render worker's pipe (``render_template``, ``check_template``), with ``str()`` the English it always was; what an
engine says itself (QuickJS, a JavaScript SyntaxError) stays as it says it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mailconsole.i18n import EN_US, ZH_CN
from mailconsole.rendering import TemplateError, check_template, render_template
from mailconsole.rendering.handlebars import MAX_SOURCE
from mailconsole.rendering.workers import decode_reply


def fault(source: Any, engine: str = "handlebar", **partials: str) -> TemplateError:
    with pytest.raises(TemplateError) as raised:
        render_template(source, {}, engine, partials=partials or None)
    return raised.value


@pytest.mark.parametrize(
    ("source", "partials", "english", "chinese"),
    [
        (
            "<p>\n{{#if verify_code}}{{verify_code}}",
            {},
            "line 2, column 1: unclosed block {{#if}}: add {{/if}}",
            "第 2 行第 1 列：块 {{#if}} 未关闭：请添加 {{/if}}",
        ),
        (
            "{{#each items}}x{{/if}}",
            {},
            "line 1, column 1: block {{#each}} is closed by {{/if}}",
            "第 1 行第 1 列：块 {{#each}} 被 {{/if}} 关闭",
        ),
        (  # a misused helper fails where its tag runs: the sentence is compiled into the tag
            "x{{#if}}y{{/if}}",
            {},
            "line 1, column 2: {{#if}} needs an argument, as in {{#if items}}",
            "第 1 行第 2 列：{{#if}} 需要一个参数，例如 {{#if items}}",
        ),
        (  # a sentence inside a sentence: both cross the pipe as msgid and values
            "{{> card}}",
            {"card": "{{#each items}}"},
            "line 1, column 1: in the partial 'card': unclosed block {{#each}}: add {{/each}}",
            "第 1 行第 1 列：局部模板 'card' 中：块 {{#each}} 未关闭：请添加 {{/each}}",
        ),
        (
            "{{> card}}",
            {},
            "line 1, column 1: the partial 'card' does not exist",
            "第 1 行第 1 列：局部模板 'card' 不存在",
        ),
        (
            "x" * (MAX_SOURCE + 1),
            {},
            f"the template is longer than {MAX_SOURCE // 1024} KB",
            f"模板超过 {MAX_SOURCE // 1024} KB",
        ),
    ],
)
def test_handlebars_faults_come_out_in_both_languages_through_the_worker(
    source: str, partials: dict[str, str], english: str, chinese: str
) -> None:
    err = fault(source, **partials)
    assert str(err) == english
    assert err.described().in_language(EN_US) == english
    assert err.described().in_language(ZH_CN) == chinese
    assert not err.in_engine_words


def test_a_compile_check_gives_the_same_sentence_in_both_languages() -> None:
    with pytest.raises(TemplateError) as raised:
        check_template("{{else}}")
    assert str(raised.value) == "line 1, column 1: {{else}} outside a block"
    assert raised.value.described().in_language(ZH_CN) == "第 1 行第 1 列：{{else}} 不在任何块中"


def test_the_ejs_wrappers_own_sentence_comes_out_in_both_languages() -> None:
    err = fault(12, "ejs")  # not text: refused before the engine sees it
    assert str(err) == "the template must be text"
    assert err.described().in_language(ZH_CN) == "模板必须是文本"


def test_the_ejs_wrappers_sentence_for_a_promise_comes_out_in_both_languages() -> None:
    with pytest.raises(TemplateError) as raised:
        render_template("<%= name %>", {"name": "N", "async": True}, "ejs")  # a Promise, not a mail
    assert str(raised.value) == "Error: the template gives no text: remove async from the context"
    assert raised.value.described().in_language(ZH_CN) == "模板没有生成文本：请从上下文中去掉 async"


def test_an_unknown_engine_is_named_in_both_languages() -> None:
    err = fault("x", "mustache")
    assert str(err) == "unknown template engine 'mustache': use one of 'handlebar', 'ejs'"
    assert err.described().in_language(ZH_CN) == "未知的模板引擎 'mustache'：请使用 'handlebar', 'ejs' 之一"


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("<%= nobody %>", "line 1: ReferenceError: 'nobody' is not defined"),
        ("<% if ( %>", "line 1: SyntaxError: unexpected token in expression: '}'"),
    ],
)
def test_what_the_javascript_engine_says_itself_stays_as_it_says_it(source: str, said: str) -> None:
    err = fault(source, "ejs")
    assert str(err) == said
    assert err.in_engine_words
    assert err.described().in_language(ZH_CN) == "第 1 行：" + err.message


@pytest.mark.parametrize(
    "msgid", ["{problem.in_language.__globals__}", "{problem[0]}", "{other}", "{problem!r}", "{problem:>9}", "{}"]
)
def test_a_sentence_from_a_worker_names_only_its_own_values_plainly(msgid: str) -> None:
    # The worker runs tenant code: str.format must not follow a placeholder into the caller's objects.
    reply = {"text": {"msgid": msgid, "params": {"problem": "x"}}, "line": None, "column": None}
    data = b"e" + json.dumps({**reply, "engine": "handlebar", "limit": False}).encode()
    with pytest.raises(ValueError, match="placeholder"):
        decode_reply(data)
