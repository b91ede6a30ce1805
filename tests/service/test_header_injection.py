"""No input of any API puts an extra header or a body of its own on the wire (issue 11).

Python 3.11.7's email package decodes an RFC 2047 encoded word into raw CR/LF when it writes a header
(CVE-2024-6923), and a raw line break or Unicode line separator in a header value ends the header early. Each
vector goes through each field that becomes a header, over real HTTP, into a real SMTP server that keeps the DATA
as it came over the wire: every attempt is refused with a clear error, and nothing arrives.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mailconsole import (
    APIError,
    AuthenticationClient,
    InvalidArgumentError,
    ManagementClient,
    ProviderError,
)
from mailconsole.addresses import check_header_value
from mailconsole.models import SmtpConfig
from mailconsole.service.embedded import RunningService
from tests.conftest import SmtpServer
from tests.service.test_api import management_token
from tests.service.test_smtp_setup_api import post

ATTACK = "\r\nX-Injected: yes\r\n\r\nBODY"
VECTORS = {
    "encoded word (Q)": "=?utf-8?q?=0D=0AX-Injected=3A_yes=0D=0A=0D=0ABODY?=",
    "encoded word (B)": f"=?utf-8?b?{base64.b64encode(ATTACK.encode()).decode()}?=",
    "CR LF": ATTACK,
    "LF": "\nX-Injected: yes",
    "CR": "\rX-Injected: yes",
    "NEL": "\x85X-Injected: yes",
    "U+2028": "\u2028X-Injected: yes",
    "U+2029": "\u2029X-Injected: yes",
    "NUL": "\x00X-Injected: yes",
}
# The headers compose() writes, and nothing else may appear.
HEADERS = {"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "Content-Type", "MIME-Version"}
RAW = {"handlebar": "{{{%s}}}", "ejs": "<%%- %s %%>"}


def use_smtp(management: ManagementClient, server: SmtpServer, **overrides: Any) -> None:
    config = {
        "smtp_host": server.host,
        "smtp_port": server.port,
        "sender": server.user,
        "sender_pass": server.password,
        "from_address": "no-reply@acme.example.com",
        "reply_to": "help@acme.example.com",
        **overrides,
    }
    management.config_email_provider(type="custom", enabled=True, smtp_config=SmtpConfig.model_validate(config))


def save_template(management: ManagementClient, engine: str, **fields: Any) -> None:
    values = {"subject": "Your code", "sender": "Acme", "content": "<p>code</p>", **fields}
    management.update_email_template(
        type="LOGIN_VERIFY_CODE", customize_enabled=True, name="n", tpl_engine=engine, **values
    )


def js_string(value: str) -> str:
    """A JavaScript string literal of ``value`` whose source holds no encoded word and no raw control character:
    the value only appears once EJS renders it."""
    return json.dumps(value).replace("=?", '=" + "?').replace("\x85", "\\u0085")


@dataclass
class Scene:
    management: ManagementClient
    auth: AuthenticationClient
    server: SmtpServer
    engine: str


Attack = Callable[[Scene, str], None]


def by_recipient(scene: Scene, vector: str) -> None:
    use_smtp(scene.management, scene.server)
    save_template(scene.management, scene.engine, subject="Code for " + RAW[scene.engine] % "user_email")
    scene.auth.send_email("CHANNEL_LOGIN", f"x{vector}@example.com")


def by_from_display_name(scene: Scene, vector: str) -> None:
    use_smtp(scene.management, scene.server, from_display_name=f"Acme{vector}")
    save_template(scene.management, scene.engine, sender="")
    scene.auth.send_email("CHANNEL_LOGIN", "alice@example.com")


def by_reply_to_display_name(scene: Scene, vector: str) -> None:
    use_smtp(scene.management, scene.server, reply_to_display_name=f"Help{vector}")
    save_template(scene.management, scene.engine)
    scene.auth.send_email("CHANNEL_LOGIN", "alice@example.com")


def by_subject(scene: Scene, vector: str) -> None:
    use_smtp(scene.management, scene.server)
    save_template(scene.management, scene.engine, subject=f"Code{vector}")
    scene.auth.send_email("CHANNEL_LOGIN", "alice@example.com")


def by_sender(scene: Scene, vector: str) -> None:
    use_smtp(scene.management, scene.server)
    save_template(scene.management, scene.engine, sender=f"Acme{vector}")
    scene.auth.send_email("CHANNEL_LOGIN", "alice@example.com")


def by_rendered_subject(scene: Scene, vector: str) -> None:
    """A subject whose source is clean and whose output is not: from an EJS expression, or from a variable."""
    use_smtp(scene.management, scene.server)
    subject = "<%- " + js_string(f"Code{vector}") + " %>" if scene.engine == "ejs" else "{{{verify_link}}}"
    scene.management.update_email_template(
        type="FIRST_EMAIL_LOGIN_VERIFY",
        customize_enabled=True,
        name="n",
        subject=subject,
        sender="Acme",
        content="<a href='{{verify_link}}'>verify</a>" if scene.engine == "handlebar" else "<%= verify_link %>",
        redirect_to=f"https://acme.example/{vector}",
        tpl_engine=scene.engine,
    )
    scene.auth.send_email("CHANNEL_VERIFY_EMAIL_LINK", "alice@example.com")


def by_rendered_sender(scene: Scene, vector: str) -> None:
    use_smtp(scene.management, scene.server)
    sender = "<%- " + js_string(f"Acme{vector}") + " %>" if scene.engine == "ejs" else "{{{verify_link}}}"
    scene.management.update_email_template(
        type="FIRST_EMAIL_LOGIN_VERIFY",
        customize_enabled=True,
        name="n",
        subject="Verify",
        sender=sender,
        content="verify",
        redirect_to=f"https://acme.example/{vector}",
        tpl_engine=scene.engine,
    )
    scene.auth.send_email("CHANNEL_VERIFY_EMAIL_LINK", "alice@example.com")


ATTACKS: dict[str, Attack] = {
    "recipient": by_recipient,
    "fromDisplayName": by_from_display_name,
    "replyToDisplayName": by_reply_to_display_name,
    "subject": by_subject,
    "sender": by_sender,
    "rendered subject": by_rendered_subject,
    "rendered sender": by_rendered_sender,
}


@pytest.mark.parametrize("engine", ["handlebar", "ejs"])
@pytest.mark.parametrize("vector", VECTORS.values(), ids=VECTORS.keys())
@pytest.mark.parametrize("field", ATTACKS)
def test_no_input_puts_a_header_or_a_body_on_the_wire(
    management: ManagementClient,
    authentication: AuthenticationClient,
    smtp_server: SmtpServer,
    field: str,
    vector: str,
    engine: str,
) -> None:
    with pytest.raises(APIError) as caught:
        ATTACKS[field](Scene(management, authentication, smtp_server, engine), vector)
    assert isinstance(caught.value, InvalidArgumentError | ProviderError)
    assert smtp_server.inbox.raw == []  # nothing was sent


def test_the_wire_check_sees_every_header(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer
) -> None:
    """The control: a clean send through the same fields arrives with exactly the headers compose() writes, and
    text that only looks like an encoded word's start (no end) passes unchanged."""
    use_smtp(management, smtp_server, from_display_name="Acme", reply_to_display_name="Help desk")
    save_template(management, "handlebar", subject="Is 1+1=? Code for {{{user_email}}}", sender="")
    authentication.send_email("CHANNEL_LOGIN", "x=y@example.com")
    [raw] = smtp_server.inbox.raw
    head, _, parts = raw.partition(b"\r\n\r\n")
    names = {line.split(b":", 1)[0].decode() for line in head.split(b"\r\n") if not line.startswith((b" ", b"\t"))}
    assert names == HEADERS
    assert b"Subject: Is 1+1=? Code for x=y@example.com\r\n" in head
    assert parts.startswith(b"--") and b"X-Injected" not in raw and b"BODY" not in raw


@pytest.mark.parametrize("field", ["fromDisplayName", "replyToDisplayName"])
@pytest.mark.parametrize("vector", VECTORS.values(), ids=VECTORS.keys())
def test_the_smtp_setup_api_refuses_header_breakers(service: RunningService, field: str, vector: str) -> None:
    body = {"host": "smtp.acme.example", "from": "a@acme.example", "user": "a", "password": "pw", field: f"A{vector}"}
    response = post(service, "shift", body, management_token(service))
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{field}: ")
    assert service.store.provider(service.userpool.id).smtp_config is None


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"sender": "x=?utf-8?q?=0D=0A?=@acme.example"}, "smtpConfig.sender"),
        ({"from_address": "x=?utf-8?q?=0D=0A?=@acme.example"}, "smtpConfig.from"),
        ({"reply_to": "x=?utf-8?q?=0D=0A?=@acme.example"}, "smtpConfig.replyTo"),
        ({"from_display_name": "A\u2028B"}, "smtpConfig.fromDisplayName"),
        ({"reply_to_display_name": "A\x85B"}, "smtpConfig.replyToDisplayName"),
    ],
)
def test_provider_settings_name_the_field(management: ManagementClient, config: dict[str, Any], field: str) -> None:
    values = {"smtp_host": "smtp.acme.example", "smtp_port": 465, "sender": "a", "sender_pass": "pw", **config}
    with pytest.raises(InvalidArgumentError, match=rf"^{field}: ") as caught:
        management.config_email_provider(type="custom", enabled=True, smtp_config=SmtpConfig.model_validate(values))
    assert caught.value.status_code == 400


@pytest.mark.parametrize("field", ["subject", "sender"])
def test_a_line_break_in_a_subject_or_sender_is_refused_when_saved(management: ManagementClient, field: str) -> None:
    with pytest.raises(InvalidArgumentError, match=rf"^{field}: .*line break") as caught:
        save_template(management, "handlebar", **{field: "Hello\nworld"})
    assert caught.value.status_code == 400


def test_a_rendered_line_break_is_refused_at_preview(management: ManagementClient) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^subject: .*line break") as caught:
        management.preview_email_template(type="LOGIN_VERIFY_CODE", subject='<%- "a\\nb" %>', tpl_engine="ejs")
    assert caught.value.status_code == 400


def test_a_refused_send_does_not_use_up_the_minute(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer
) -> None:
    use_smtp(management, smtp_server)
    save_template(management, "ejs", subject='<%- "Code\\r\\nX-Injected: yes" %>')
    with pytest.raises(ProviderError, match="subject") as caught:
        authentication.send_email("CHANNEL_LOGIN", "kim@example.com")
    assert "line break" in caught.value.message
    save_template(management, "ejs", subject="Code")
    authentication.send_email("CHANNEL_LOGIN", "kim@example.com")  # not throttled
    assert len(smtp_server.inbox.raw) == 1


LONE_SURROGATE = "<%- String.fromCharCode(0xD800) %>"


@pytest.mark.parametrize("part", ["content", "subject", "sender"])
def test_a_lone_surrogate_in_the_output_is_a_clear_400(
    management: ManagementClient, authentication: AuthenticationClient, smtp_server: SmtpServer, part: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=rf"^{part}: .*surrogate") as caught:
        management.preview_email_template(type="LOGIN_VERIFY_CODE", tpl_engine="ejs", **{part: LONE_SURROGATE})
    assert caught.value.status_code == 400
    use_smtp(management, smtp_server)
    save_template(management, "ejs", **{part: LONE_SURROGATE})
    with pytest.raises(InvalidArgumentError, match=rf"^{part}: .*surrogate"):
        authentication.send_email("CHANNEL_LOGIN", "lee@example.com")
    save_template(management, "ejs")
    authentication.send_email("CHANNEL_LOGIN", "lee@example.com")  # the refused send did not use up the minute
    assert len(smtp_server.inbox.raw) == 1


# ---- the rule itself ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Is 1+1=? Yes", "a ?= b =? c", "Ünïcödé 验证码 ✉", "x=y", "=?="])
def test_text_that_is_no_encoded_word_passes(value: str) -> None:
    assert check_header_value(value) == value


@pytest.mark.parametrize("value", ["a\tb", "a\x7fb", "a\x9bb", "=?x?=", "=? utf-8 ? q ? a ?="])
def test_tab_controls_and_loose_encoded_words_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match=r"control character|encoded-word"):
        check_header_value(value)


def test_the_rule_takes_linear_time_on_a_hostile_megabyte() -> None:
    # A regular expression such as =\?.*\?= backtracks quadratically here: minutes for one request body.
    started = time.perf_counter()
    check_header_value("=?a" * 350_000)
    assert time.perf_counter() - started < 1.0
