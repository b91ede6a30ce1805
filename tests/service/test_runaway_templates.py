"""Runaway templates over real HTTP: refused with a sentence naming the limit, nothing delivered, the minute not
used up, and the service answering everyone else meanwhile (rendering runs in killable workers)."""

from __future__ import annotations

import time

import httpx
import pytest

from mailconsole import AuthenticationClient, InvalidArgumentError, ManagementClient
from tests.support import run_in_threads


def backtracking_for_mallory(request: pytest.FixtureRequest, use: str) -> str:
    """Runs away only for the attacker's own addresses, so that the save's trial render (sample data) lets it
    through. One per test and back end (the node's name has both): a template that ran out of time is refused
    without running for a minute, per process."""
    runaway = "/^(a+)+$/.test('a'.repeat(40) + 'b')"
    return f"<%# {request.node.name} {use} %><%= user_email.indexOf('mallory') === 0 ? {runaway} : 'ok' %>"


NESTED_EACH = "{{#each @root}}" * 5 + "x" + "{{/each}}" * 5


def save(management: ManagementClient, content: str, engine: str = "ejs") -> None:
    management.update_email_template(
        type="LOGIN_VERIFY_CODE",
        customize_enabled=True,
        name="Login",
        subject="Code",
        sender="Acme",
        content=content,
        tpl_engine=engine,
    )


def test_a_runaway_template_is_refused_at_save_and_preview(
    management: ManagementClient, request: pytest.FixtureRequest
) -> None:
    for field in ("content", "subject", "sender"):
        template = {"content": "<p>ok</p>", "subject": "s", "sender": "x", field: NESTED_EACH}
        with pytest.raises(InvalidArgumentError, match=f"{field}: the template repeats its blocks more than"):
            management.update_email_template(type="LOGIN_VERIFY_CODE", customize_enabled=True, name="x", **template)
        with pytest.raises(InvalidArgumentError, match=f"{field}: the template repeats its blocks"):
            management.preview_email_template(type="LOGIN_VERIFY_CODE", **template)
    with pytest.raises(InvalidArgumentError, match=r"content: .*MAILCONSOLE_RENDER_TIMEOUT"):
        save(
            management, backtracking_for_mallory(request, "save").replace("user_email.indexOf('mallory') === 0", "true")
        )
    saved = {template.type: template for template in management.get_email_templates().templates}
    assert saved["LOGIN_VERIFY_CODE"].version == 0  # nothing was saved


def test_a_send_that_runs_away_delivers_nothing_and_keeps_the_minute(
    management: ManagementClient, authentication: AuthenticationClient, request: pytest.FixtureRequest
) -> None:
    save(management, backtracking_for_mallory(request, "one send"))
    started = time.monotonic()
    with pytest.raises(InvalidArgumentError, match=r"content: the template took longer than 2 s"):
        authentication.send_email("CHANNEL_LOGIN", "mallory@example.com")
    assert time.monotonic() - started < 5
    assert management.list_outbox() == []

    save(management, "<p>{{verify_code}}</p>", engine="handlebar")  # fixed: the same mailbox may have its mail now
    authentication.send_email("CHANNEL_LOGIN", "mallory@example.com")
    assert [message.to for message in management.list_outbox()] == ["mallory@example.com"]


def test_the_service_answers_others_while_eight_runaway_sends_run(
    management: ManagementClient, authentication: AuthenticationClient, request: pytest.FixtureRequest
) -> None:
    normal = {"type": "LOGIN_VERIFY_CODE", "content": "<p>{{verify_code}}</p>", "tpl_engine": "handlebar"}
    management.preview_email_template(**normal)
    before = timed(lambda: management.preview_email_template(**normal))
    timings: dict[str, list[float]] = {"provider": [], "preview": []}

    def work(index: int) -> None:
        if index < 8:
            with httpx.Client(timeout=30) as client:  # anonymous, as an attacker would
                reply = client.post(
                    f"{management.host}/api/v3/send-email",
                    headers={"x-authing-app-id": authentication.app_id},
                    json={"channel": "CHANNEL_LOGIN", "email": f"mallory{index}@example.com"},
                ).json()
            assert reply["statusCode"] == 400, reply
            assert "MAILCONSOLE_RENDER_TIMEOUT" in reply["message"]
            return
        time.sleep(0.4)  # all eight are running by now
        for _ in range(3):
            timings["provider"].append(timed(management.get_email_provider))
            timings["preview"].append(timed(lambda: management.preview_email_template(**normal)))

    save(management, backtracking_for_mallory(request, "eight sends"))
    run_in_threads(work, 9)
    assert max(timings["provider"]) < 0.5, timings
    assert max(timings["preview"]) < 0.5, timings
    after = min(timed(lambda: management.preview_email_template(**normal)) for _ in range(3))
    assert after < max(0.1, 5 * before), (before, after)
    assert management.list_outbox() == []


def timed(action: object) -> float:
    assert callable(action)
    started = time.monotonic()
    action()
    return time.monotonic() - started
