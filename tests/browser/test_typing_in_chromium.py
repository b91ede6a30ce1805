"""The provider and test-send pages as an administrator types into them, in a real headless Chromium: whatever
the browser shows in a field is what Save uses, and Enter in the recipient sends."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mailconsole.service.secret_box import SecretBox
from mailconsole.service.store import Store
from tests.browser.support import open_page, settle, shown_text
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser

PASSWORD = "tabbed-pw-7Q"
SECRETS_USED.add(PASSWORD)


def stored_password(data_dir: Path) -> str | None:
    store = Store(data_dir / "mailconsole.sqlite3", SecretBox.for_data_dir(data_dir))
    try:
        pool = store.first_userpool()
        assert pool is not None
        smtp = store.provider(pool.id).smtp_config
    finally:
        store.close()
    return smtp.sender_pass if smtp else None


def test_a_password_left_with_tab_is_the_one_saved(embedded: tuple[str, Path], page: Page) -> None:
    """Tab from the password field goes to its "Show password" button; Streamlit takes a field's value when focus
    leaves it, but not when focus moves to that button, so the typed password was never taken."""
    url, data_dir = embedded
    open_page(page, f"{url}/provider", "Provider settings")
    shown_text(page, "Custom SMTP server").click()
    settle(page)
    page.get_by_role("textbox", name="SMTP host", exact=True).fill("smtp.example.com")
    page.get_by_role("textbox", name="User name", exact=True).fill("mailer@example.com")
    page.get_by_role("textbox", name="From address", exact=True).fill("no-reply@example.com")
    settle(page)
    password = page.get_by_label("Password", exact=True)
    password.click()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show password")).to_be_focused()
    page.get_by_role("button", name="Save").click()

    expect(shown_text(page, "Provider settings saved")).to_be_visible()
    expect(page.get_by_text("Type the password")).to_have_count(0)
    assert stored_password(data_dir) == PASSWORD


def test_after_a_refusal_another_recipient_can_be_sent_to_with_enter(embedded: tuple[str, Path], page: Page) -> None:
    """The recipient is in a form (Enter sends): the form must not stay locked by the refused address."""
    url, _ = embedded
    open_page(page, f"{url}/send-test", "Test sends")
    recipient = page.get_by_role("textbox", name="Recipient", exact=True)
    recipient.fill("first@example.com")
    recipient.press("Enter")
    expect(shown_text(page, "Sent a CHANNEL_LOGIN mail to")).to_be_visible()
    recipient.press("Enter")  # the same mailbox and channel within the minute
    expect(shown_text(page, "can be tried again in")).to_be_visible()
    settle(page)
    recipient.fill("second@example.com")
    recipient.press("Enter")
    expect(shown_text(page, "Sent a CHANNEL_LOGIN mail to second@example")).to_be_visible()
