"""Remote images and backend strings in the console (issue 11): the rewrite on hostile HTML, then the outbox, the
template preview and a provider's error under AppTest against a real service and a real SMTP server (Chromium:
tests/browser/test_remote_images_in_chromium.py)."""

from __future__ import annotations

import html
import uuid

import pytest

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.models import Channel, ProviderType, SmtpConfig, TemplateType
from mailconsole.remote_images import block_remote_images, content_security_policy
from mailconsole.service.embedded import RunningService
from tests.console.templates_page import mail_documents
from tests.mail_servers import Mailbox, mail_server

EVIL = "evil.example"

HOSTILE = {
    "img src": f'<img src="http://{EVIL}/p.png" alt="logo">',
    "upper case, unquoted": f"<IMG SRC=https://{EVIL}/p.png>",
    "entity-encoded scheme": f"<img src='&#104;ttps://{EVIL}/p.png'>",
    "protocol-relative": f'<img src="//{EVIL}/p.png">',
    "slash instead of a space": f"<img/src=http://{EVIL}/p.png>",
    "srcset": f'<img srcset="https://{EVIL}/1x.png 1x, https://{EVIL}/2x.png 2x">',
    "picture source": f'<picture><source srcset="https://{EVIL}/a.webp"><img src="cid:logo"></picture>',
    "table background": f'<table background="http://{EVIL}/t.png"><tr><td>x</td></tr></table>',
    "video poster": f'<video poster="http://{EVIL}/v.png"></video>',
    "input image": f'<input type="image" src="http://{EVIL}/i.png">',
    "svg image": f'<svg><image href="http://{EVIL}/s.svg"/><use xlink:href="http://{EVIL}/u.svg#a"/></svg>',
    "style attribute": f"<td style=\"background:url('http://{EVIL}/b.png') no-repeat\">x</td>",
    "style attribute, entity-encoded": f'<td style="background:url(&quot;http://{EVIL}/b.png&quot;)">x</td>',
    "style element": f"<style>td {{ background-image: URL( http://{EVIL}/c.png ) }}</style>",
    "css import": f'<style>@import "https://{EVIL}/x.css";</style>',
    "image-set": f"<style>p {{ background: image-set('https://{EVIL}/1.png' 1x) }}</style>",
    "meta refresh": f'<meta http-equiv="refresh" content="0;url=http://{EVIL}/">',
    "comment ended the browser's way": f"<!-- --!><img src=http://{EVIL}/p.png> -->",
    "empty comment": f"<!--><img src=http://{EVIL}/p.png>",
    "object data": f'<object data="http://{EVIL}/o.svg"></object>',
}


@pytest.mark.parametrize("vector", HOSTILE.values(), ids=HOSTILE.keys())
def test_no_remote_image_survives_the_rewrite(vector: str) -> None:
    rewritten = block_remote_images(f"<p>before</p>{vector}<p>after</p>")
    assert EVIL not in rewritten.html
    assert rewritten.blocked >= 1
    assert rewritten.html.startswith("<p>before</p>") and rewritten.html.endswith("<p>after</p>")


def test_inline_images_links_and_text_stay() -> None:
    mail = (
        '<!DOCTYPE html><html><head><style>p{color:#333;background:url("data:image/png;base64,AAAA")}</style></head>'
        '<body><img src="data:image/png;base64,iVBORw0KGgo=" alt="a"><img src="cid:logo@acme">'
        '<a href="https://acme.example/verify?a=1&amp;b=2">Verify &amp; go</a>&nbsp;<!-- note --></body></html>'
    )
    assert block_remote_images(mail) == (mail, 0)


def test_the_frames_policy_allows_remote_images_only_on_request() -> None:
    assert (
        content_security_policy(remote_images=False)
        == "default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:"
    )
    assert "img-src data: cid: http: https:" in content_security_policy(remote_images=True)


# ---- the pages ----------------------------------------------------------------------------------------------------

OUTBOX = "app_pages/outbox.py"
PIXEL_SUBJECT = f"![t](http://{EVIL}/pixel.png)"
REMOTE_BODY = f'<p>Code {{{{verify_code}}}}</p><img src="http://{EVIL}/logo.png" alt="logo">'


@pytest.fixture
def hostile_mail(remote: RunningService, management: ManagementClient) -> None:
    """A mail in the outbox whose subject is Markdown for an image and whose body loads a remote image."""
    management.config_email_provider(type=ProviderType.CUSTOM, enabled=False)
    management.update_email_template(
        type=TemplateType.RESET_PASSWORD_VERIFY_CODE,
        customize_enabled=True,
        name="Reset",
        subject=PIXEL_SUBJECT,
        sender="Acme",
        content=REMOTE_BODY,
    )
    with AuthenticationClient(remote.userpool.app_id, remote.base_url) as app:
        app.send_email(Channel.RESET_PASSWORD, f"dana-{uuid.uuid4().hex[:8]}@example.com")  # once a minute each


def mail_frames(at: object) -> list[str]:
    """The mail as the sandboxed inner frame gets it (its srcdoc, unescaped)."""
    documents = mail_documents(at)  # type: ignore[arg-type]
    # Other frames of the page (the templates page's leave guard) hold no mail.
    mails = [document for document in documents if 'srcdoc="' in document]
    return [html.unescape(document.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0]) for document in mails]


def test_the_outbox_shows_backend_strings_as_plain_text(hostile_mail: None, console) -> None:
    at = console.open(OUTBOX)
    console.no_exception(at)
    bodies = [element.value for element in at.markdown] + [element.value for element in at.caption]
    assert not any("![t](" in body for body in bodies), "a subject must not reach Markdown as an image"
    assert "**\\!\\[t\\]\\(http\\:" in "\n".join(bodies)


def test_the_outbox_blocks_remote_images_until_asked(hostile_mail: None, console) -> None:
    at = console.open(OUTBOX)
    (frame,) = mail_frames(at)
    assert EVIL not in frame and "Code " in frame
    assert frame.startswith('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';')
    assert "1 remote image is not loaded" in console.text(at)
    (load,) = [button for button in at.button if button.label == "Load remote images"]
    load.click().run()
    console.no_exception(at)
    (frame,) = mail_frames(at)
    assert f"http://{EVIL}/logo.png" in frame and "img-src data: cid: http: https:" in frame
    assert not [button for button in at.button if button.label == "Load remote images"]


def test_the_template_preview_blocks_remote_images_until_asked(remote: RunningService, console) -> None:
    at = console.open("app_pages/templates.py")
    at.selectbox(key="tpl.type").set_value(TemplateType.LOGIN_VERIFY_CODE.value).run()
    generation = at.session_state[f"tpl.{TemplateType.LOGIN_VERIFY_CODE.value}.gen"]
    at.session_state[f"tpl.LOGIN_VERIFY_CODE.{generation}.content"] = REMOTE_BODY
    at.run()
    console.no_exception(at)
    live = mail_frames(at)[0]
    assert EVIL not in live and "Code 482913" in live
    load = next(button for button in at.button if button.label == "Load remote images")
    load.click().run()
    assert f"http://{EVIL}/logo.png" in mail_frames(at)[0]


def test_a_mail_servers_reply_in_an_error_is_plain_text(remote: RunningService, management, console, ca) -> None:
    """The provider's reply reaches the page inside the console's error sentence: it must not become an image."""
    refusing = Mailbox(rcpt_reply=f"550 ![t](http://{EVIL}/reply.png) no such user")
    with mail_server(ca, "plain", mailbox=refusing) as server:
        management.config_email_provider(
            type=ProviderType.CUSTOM,
            enabled=True,
            smtp_config=SmtpConfig(
                smtp_host=server.host,
                smtp_port=server.port,
                sender=server.user,
                sender_pass=server.password,
                secure=False,
                starttls=False,
                from_address="no-reply@example.com",
            ),
        )
        at = console.open("app_pages/send_test.py")
        at.text_input(key="send.to").input(f"fay-{uuid.uuid4().hex[:8]}@example.com")  # staged in the form until sent
        at.button(key="send.button").click().run()
    console.no_exception(at)
    (error,) = console.errors(at)
    assert "550 \\!\\[t\\](http://evil.example/reply.png) no such user" in error
    assert "![t](" not in error
