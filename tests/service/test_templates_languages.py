"""Issue 16: a template fault that this project's renderer words itself is answered in the request's language when
a template is saved, previewed or sent (over real HTTP; the sentence crosses the render worker's pipe), and in
English as before when the request asks for English."""

from __future__ import annotations

import httpx
import pytest

from mailconsole import InvalidArgumentError, ManagementClient
from mailconsole.service.embedded import RunningService
from tests.conftest import SmtpServer
from tests.service.test_delivery import use_smtp

LOGIN = "LOGIN_VERIFY_CODE"
UNCLOSED = "<p>{{verify_code}}</p>\n{{#if verify_code}}"
# Compiles (the service is given no partials to check against), so it saves; it fails where it renders.
MISSING_PARTIAL = "<p>{{verify_code}}</p>{{> footer}}"
ANSWERS = {
    "zh-CN": {
        UNCLOSED: "content：第 2 行第 1 列：块 {{#if}} 未关闭：请添加 {{/if}}",
        MISSING_PARTIAL: "content：第 1 行第 23 列：局部模板 'footer' 不存在",
    },
    "en-US": {
        UNCLOSED: "content: line 2, column 1: unclosed block {{#if}}: add {{/if}}",
        MISSING_PARTIAL: "content: line 1, column 23: the partial 'footer' does not exist",
    },
}


def client(service: RunningService, lang: str) -> ManagementClient:
    return ManagementClient(service.base_url, service.userpool.id, service.userpool.secret, lang=lang)


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_save_and_preview_of_an_unclosed_block_answer_in_the_requests_language(
    service: RunningService, lang: str
) -> None:
    with client(service, lang) as management:
        with pytest.raises(InvalidArgumentError) as refused:
            management.update_email_template(
                type=LOGIN, customize_enabled=True, name="x", subject="s", sender="a", content=UNCLOSED
            )
        assert refused.value.message == ANSWERS[lang][UNCLOSED]
        with pytest.raises(InvalidArgumentError) as refused:
            management.preview_email_template(type=LOGIN, content=UNCLOSED)
        assert refused.value.message == ANSWERS[lang][UNCLOSED]


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
def test_preview_and_send_of_a_missing_partial_answer_in_the_requests_language(
    service: RunningService, smtp_server: SmtpServer, lang: str
) -> None:
    with client(service, lang) as management:
        use_smtp(management, smtp_server)
        management.update_email_template(
            type=LOGIN, customize_enabled=True, name="x", subject="s", sender="a", content=MISSING_PARTIAL
        )
        with pytest.raises(InvalidArgumentError) as refused:
            management.preview_email_template(type=LOGIN, content=MISSING_PARTIAL)
        assert refused.value.message == ANSWERS[lang][MISSING_PARTIAL]
    sent = httpx.post(
        service.base_url + "/api/v3/send-email",
        json={"channel": "CHANNEL_LOGIN", "email": f"someone-{lang}@example.com"},
        headers={"x-authing-app-id": service.userpool.app_id, "x-authing-lang": lang},
    ).json()
    assert sent["message"] == ANSWERS[lang][MISSING_PARTIAL], sent
