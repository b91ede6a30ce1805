"""Send the draft in a real browser: an admin types into the Ace editor of `streamlit run console_app.py` (pointed
at a real service) and sends the draft to a mailbox without saving; the mail holds what was typed, the saved
template does not, and the history panel shows the typed line as the difference from the saved version."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from mailconsole import ManagementClient
from mailconsole.models import ProviderType
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.browser.support import ace_editor, console_for, settle, shoot, shown_text, wait_until
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser

LOGIN = "LOGIN_VERIFY_CODE"
TYPED = "<p>Typed in the browser, not saved</p>"
TYPED_TEXT = "Typed in the browser, not saved"  # Ace may close the tag itself: the text is what is checked


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = start_service(ServiceSettings(data_dir=tmp_path_factory.mktemp("service-data")))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def console_url(service: RunningService, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with console_for(service, tmp_path_factory.mktemp("console-log")) as url:
        yield url


def test_the_draft_typed_in_the_editor_is_what_arrives(service: RunningService, console_url: str, page: Page) -> None:
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as management:
        management.config_email_provider(type=ProviderType.CUSTOM, enabled=False)  # the outbox receives it
        saved = management.update_email_template(
            type=LOGIN,
            customize_enabled=True,
            name="Login",
            subject="Your code {{verify_code}}",
            sender="Acme",
            content="<p>Code {{verify_code}}</p>",
        )
        page.goto(f"{console_url}/templates?type={LOGIN}")
        expect(page.get_by_role("heading", name="Login code")).to_be_visible()
        text = ace_editor(page).locator(".ace_content").first
        expect(text).to_be_visible()
        text.click()
        page.keyboard.press("Control+End")
        page.keyboard.type(TYPED)
        expect(shown_text(page, "Unsaved changes")).to_be_visible()
        settle(page)

        page.get_by_text("Send this draft to…").click()
        recipient = page.get_by_role("textbox", name="Recipient")
        recipient.fill("reviewer@example.com")
        page.get_by_role("button", name="Send this draft").click()
        expect(shown_text(page, "Nothing was saved.")).to_be_visible()
        wait_until(page, lambda: bool(management.list_outbox()), "the draft in the outbox")
        [mail] = management.list_outbox()
        assert (mail.to, mail.channel) == ("reviewer@example.com", "draft")
        assert TYPED_TEXT in mail.html
        stored = next(item for item in management.get_email_templates().templates if item.type == LOGIN)
        assert (stored.content, stored.version) == (saved.content, saved.version)

        page.get_by_text("History: compare versions and restore one").click()
        settle(page)
        # The diff from the saved version (the current one) to the draft: the typed line.
        expect(page.locator("pre").filter(has_text="content (your draft)").filter(has_text=TYPED_TEXT)).to_be_visible()
        shoot(page, "draft_send_and_history")
