"""Remote images in a real browser: an outbox mail whose subject is Markdown for an image and whose body loads an
image from an image server on loopback, once plainly and once hidden from the rewrite by a CSS escape. Opening the
outbox sends that server nothing; "Load remote images" loads the body's images, and the subject's never.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.models import Channel, ProviderType, TemplateType
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.browser.support import console_for, open_page, wait_until
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser

# The smallest valid PNG (1x1, transparent).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000100"
    "0d0a2db40000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def image_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on loopback that answers every GET with a PNG and keeps the paths asked for."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_response(200)
            self.send_header("content-type", "image/png")
            self.send_header("content-length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requested
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, image_server: tuple[str, list[str]]) -> Iterator[RunningService]:
    """The service with one mail in its outbox that tries both ways to reach the image server."""
    images, _ = image_server
    running = start_service(ServiceSettings(data_dir=tmp_path_factory.mktemp("service-data")))
    SECRETS_USED.add(running.userpool.secret)
    with ManagementClient(running.base_url, running.userpool.id, running.userpool.secret) as management:
        management.config_email_provider(type=ProviderType.CUSTOM, enabled=False)
        management.update_email_template(
            type=TemplateType.RESET_PASSWORD_VERIFY_CODE,
            customize_enabled=True,
            name="Reset",
            subject=f"![t]({images}/pixel.png)",
            sender="Acme",
            content=(
                f'<p>Your code: {{{{verify_code}}}}</p><img src="{images}/logo.png" alt="Acme logo">'
                # CSS escapes hide url( from the rewrite: the frame's Content-Security-Policy has to stop this one.
                f'<div style="height:20px;background-image:\\75rl({images}/escaped.png)">&nbsp;</div>'
            ),
        )
    with AuthenticationClient(running.userpool.app_id, running.base_url) as app:
        app.send_email(Channel.RESET_PASSWORD, "erin@example.com")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def console_url(service: RunningService, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with console_for(service, tmp_path_factory.mktemp("console-log")) as url:
        yield url


def test_no_request_reaches_the_image_server_until_asked(
    console_url: str, page: Page, image_server: tuple[str, list[str]]
) -> None:
    _, requested = image_server
    open_page(page, f"{console_url}/outbox", "Outbox")
    mail = page.frame_locator("iframe").first.frame_locator("iframe#mail")
    expect(mail.get_by_text("Your code:")).to_be_visible()
    page.wait_for_timeout(1500)  # time for any image the page or the mail asked for to arrive
    assert requested == []
    expect(page.get_by_text("1 remote image is not loaded")).to_be_visible()

    page.get_by_role("button", name="Load remote images").click()
    wait_until(page, lambda: {"/logo.png", "/escaped.png"} <= set(requested), "the mail's images were loaded")
    expect(mail.get_by_role("img", name="Acme logo")).to_be_visible()
    page.wait_for_timeout(500)
    assert "/pixel.png" not in requested, "the subject is text, never an image"
