"""The console as an administrator uses it: `streamlit run console_app.py` on the embedded default, driven in a real
headless Chromium (Debian's package) by Playwright.

Screenshots of every page land in tests/artifacts/ (ignored by git); the README shows copies from docs/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page, expect

from mailconsole.service.secret_box import SecretBox
from mailconsole.service.store import Store
from tests.browser.support import (
    ace_editor,
    open_page,
    settle,
    shoot,
    shown_text,
    wait_until,
)
from tests.mail_servers import ThrowawayCA, mail_server
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser

PASSWORD = "s3cret-pw-XY"
SECRETS_USED.add(PASSWORD)


def everything_shown(page: Page) -> str:
    """The HTML of the page and of every frame in it: what the browser was sent."""
    return "\n".join(frame.content() for frame in page.frames)


def test_saved_password_never_reaches_the_browser(embedded: tuple[str, Path], page: Page) -> None:
    url, data_dir = embedded
    open_page(page, f"{url}/provider", "Provider settings")
    shown_text(page, "Custom SMTP server").click()
    page.get_by_role("textbox", name="SMTP host", exact=True).fill("smtp.example.com")
    page.get_by_role("textbox", name="User name", exact=True).fill("mailer@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("textbox", name="From address", exact=True).fill("no-reply@example.com")
    page.get_by_role("button", name="Save").click()
    expect(shown_text(page, "Stored password: set")).to_be_visible()

    store = Store(data_dir / "mailconsole.sqlite3", SecretBox.for_data_dir(data_dir))
    try:
        pool = store.first_userpool()
        assert pool is not None
        smtp = store.provider(pool.id).smtp_config
    finally:
        store.close()
    assert smtp is not None and smtp.sender_pass == PASSWORD  # saved for real...
    for path in data_dir.rglob("*"):  # ...and sealed: no file of the data dir holds it
        assert not path.is_file() or PASSWORD.encode() not in path.read_bytes(), path

    page.reload()
    expect(shown_text(page, "Stored password: set")).to_be_visible()
    assert PASSWORD not in everything_shown(page)
    assert page.get_by_label("Password", exact=True).input_value() == ""
    shoot(page, "provider")


def preview_mail(page: Page) -> Frame:
    """The mail inside the sandboxed inner frame of the preview."""
    for frame in page.frames:
        if frame.parent_frame is not None and frame.parent_frame.parent_frame is not None:
            return frame
    raise AssertionError("no sandboxed preview frame on the page")


def preview_shows(page: Page, text: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return text in preview_mail(page).content()
        except (AssertionError, PlaywrightError):  # frames come and go while Streamlit reruns
            return False

    return check


def test_editing_a_template_changes_the_preview(embedded: tuple[str, Path], page: Page) -> None:
    url, _ = embedded
    open_page(page, f"{url}/templates", "Templates")
    editor = ace_editor(page)
    expect(editor.locator(".ace_content")).to_be_visible()
    wait_until(page, preview_shows(page, "Welcome to Mail Console"), "the preview shows the welcome mail")

    editor.locator(".ace_content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("<p>Edited in the browser</p>")
    wait_until(page, preview_shows(page, "Edited in the browser"), "the preview shows the edit")
    expect(shown_text(page, "Unsaved changes")).to_be_visible()
    shoot(page, "templates")


def test_a_test_send_lands_in_the_outbox(embedded: tuple[str, Path], page: Page) -> None:
    url, _ = embedded
    # The built-in service delivers to the outbox: switch the SMTP provider of the first test off.
    open_page(page, f"{url}/provider", "Provider settings")
    switch = page.get_by_role("switch", name="Send with this provider")
    if switch.is_checked():
        switch.uncheck(force=True)
        page.get_by_role("button", name="Save").click()
        expect(shown_text(page, "built-in mail service sends")).to_be_visible()

    open_page(page, f"{url}/send-test", "Test sends")
    recipient = page.get_by_role("textbox", name="Recipient", exact=True)
    recipient.fill("browser-test@example.com")
    recipient.press("Enter")  # sends: the recipient and the button are one form
    expect(shown_text(page, "Sent a CHANNEL_LOGIN mail to")).to_be_visible()
    expect(shown_text(page, "delivered by the built-in mail service (outbox)")).to_be_visible()
    shoot(page, "send-test")

    open_page(page, f"{url}/outbox", "Outbox")
    expect(shown_text(page, "browser-test@example.com")).to_be_visible()
    shoot(page, "outbox")

    open_page(page, url, "Email console")
    shoot(page, "overview")


def test_the_connection_test_explains_each_step(embedded: tuple[str, Path], page: Page, ca: ThrowawayCA) -> None:
    url, _ = embedded
    with mail_server(ca, "ssl") as server:
        open_page(page, f"{url}/provider", "Provider settings")
        shown_text(page, "Custom SMTP server").click()
        for label, value in (("SMTP host", server.host), ("User name", server.user)):
            field = page.get_by_role("textbox", name=label, exact=True)
            field.fill(value)
            field.press("Enter")
            settle(page)
        port = page.get_by_label("Port", exact=True)
        port.fill(str(server.port))
        port.press("Enter")
        settle(page)
        page.get_by_label("Password", exact=True).fill("not-the-password")
        page.get_by_label("Password", exact=True).press("Enter")
        settle(page)
        shown_text(page, "Private certificate authority (CA bundle)").click()
        bundle = page.get_by_role("textbox", name="CA certificates (PEM)")
        bundle.fill(server.ca_pem)
        bundle.press("Control+Enter")
        settle(page)

        page.get_by_role("button", name="Test connection").click()
        expect(shown_text(page, "The test stopped at")).to_be_visible()
        expect(shown_text(page, "app password")).to_be_visible()
        expect(shown_text(page, "TLS handshake")).to_be_visible()
        shoot(page, "connection-test-failed")

        page.get_by_label("Password", exact=True).fill(server.password)
        page.get_by_label("Password", exact=True).press("Enter")
        settle(page)
        page.get_by_role("button", name="Test connection").click()
        expect(shown_text(page, "Every step passed; nothing was sent.")).to_be_visible()
        shoot(page, "connection-test")
    assert server.mailbox.received == []
    assert server.mailbox.auth_attempts == 2
