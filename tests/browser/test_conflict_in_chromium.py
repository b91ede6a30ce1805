"""No lost edits in a real browser: an admin edits a template in `streamlit run console_app.py` (pointed at a real
service, as a team runs it), someone else saves the same template through the API meanwhile, and the admin's save
shows the diff of that change, keeps the edits in the editor, and "Overwrite with my version" saves them.

Launched as every browser test (tests/browser/conftest.py); the screenshot lands in tests/artifacts/conflict.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from mailconsole import ManagementClient
from mailconsole.models import EmailTemplate
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.browser.support import (
    ace_editor,
    console_for,
    settle,
    shoot,
    shown_text,
    wait_until,
)
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser

MFA = "MFA_VERIFY_CODE"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = start_service(ServiceSettings(data_dir=tmp_path_factory.mktemp("service-data")))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def console_url(service: RunningService, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run console_app.py` configured (by environment) for the service."""
    with console_for(service, tmp_path_factory.mktemp("console-log")) as url:
        yield url


def stored_mfa(management: ManagementClient) -> EmailTemplate:
    return next(item for item in management.get_email_templates().templates if item.type == MFA)


def test_a_template_saved_by_someone_else_shows_the_diff_then_overwrite(
    service: RunningService,
    console_url: str,
    page: Page,
) -> None:
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as management:
        page.goto(f"{console_url}/templates?type={MFA}")
        expect(page.get_by_role("heading", name="MFA code")).to_be_visible()
        editor = ace_editor(page)
        text = editor.locator(".ace_content").first  # the second one is Ace's autocompletion list
        expect(text).to_be_visible()

        # The admin edits the subject and the body...
        subject = page.get_by_role("textbox", name="Subject", exact=True)
        subject.fill("Browser subject {{verify_code}}")
        subject.press("Enter")
        settle(page)
        text.click()
        page.keyboard.press("Control+End")
        page.keyboard.type("<p>Typed in the browser</p>")
        expect(shown_text(page, "Unsaved changes")).to_be_visible()
        settle(page)

        # ...while someone else saves the same template through the API.
        loaded = stored_mfa(management)
        theirs = management.update_email_template(
            type=MFA,
            customize_enabled=True,
            name=loaded.name,
            subject="Saved elsewhere {{verify_code}}",
            sender=loaded.sender,
            content=loaded.content,
            expires_in=loaded.expires_in,
        )

        page.get_by_role("button", name=re.compile(r"^Save\b")).click()  # its name includes the Ctrl+S shortcut
        expect(shown_text(page, "changed since you loaded it")).to_be_visible()
        expect(shown_text(page, "+Saved elsewhere {{verify_code}}")).to_be_visible()
        expect(shown_text(page, f"-{loaded.subject}")).to_be_visible()
        expect(page.get_by_role("button", name="Reload (discard my edits)")).to_be_visible()
        overwrite = page.get_by_role("button", name="Overwrite with my version")
        expect(overwrite).to_be_visible()
        # Nothing typed was lost: the field and the editor still hold the edits.
        expect(subject).to_have_value("Browser subject {{verify_code}}")
        expect(text).to_contain_text("Typed in the browser")
        assert stored_mfa(management).subject == "Saved elsewhere {{verify_code}}"
        overwrite.scroll_into_view_if_needed()
        shoot(page, "conflict")

        overwrite.click()
        expect(shown_text(page, "Saved “MFA code”.")).to_be_visible()
        expect(page.get_by_role("button", name="Overwrite with my version")).to_have_count(0)
        wait_until(
            page,
            lambda: stored_mfa(management).subject == "Browser subject {{verify_code}}",
            "the admin's version is stored",
        )
        stored = stored_mfa(management)
        assert "Typed in the browser" in stored.content
        assert stored.version == (theirs.version or 0) + 1
