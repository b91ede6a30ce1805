"""Reviewing templates in a real headless Chromium (issue 14): the gallery's 15 mails rendered side by side, each
in its sandboxed frame, another profile for all of them at once, a link into the editor at one template; and in the
editor, a variable inserted at the cursor from the list of the type's variables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.browser.support import (
    ace_editor,
    console_for,
    mails_showing,
    open_page,
    settle,
    shoot,
    shown_text,
    wait_until,
)
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = start_service(ServiceSettings(data_dir=tmp_path_factory.mktemp("gallery-service")))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def console(service: RunningService, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with console_for(service, tmp_path_factory.mktemp("gallery-log")) as url:
        yield url


def test_the_gallery_shows_fifteen_rendered_mails(console: str, page: Page) -> None:
    open_page(page, f"{console}/gallery", "Gallery")
    wait_until(page, lambda: mails_showing(page, "Alice Chen") == 15, "15 mails show the sample user", timeout=30)
    assert mails_showing(page, "482913") == 8  # the eight code mails show the sample code
    expect(page.get_by_role("link", name="Open in the editor")).to_have_count(15)
    shoot(page, "gallery")

    page.get_by_role("combobox", name="Sample profile").click()
    page.get_by_role("option", name="Chinese text").click()
    settle(page)
    wait_until(page, lambda: mails_showing(page, "陈爱丽") == 15, "15 mails show the Chinese name", timeout=30)
    assert mails_showing(page, "Alice Chen") == 0
    shoot(page, "gallery-chinese")


def test_a_link_opens_the_editor_at_its_template(console: str, page: Page) -> None:
    open_page(page, f"{console}/templates?type=WELCOME_EMAIL", "Templates")
    expect(page.get_by_role("heading", name="Welcome email")).to_be_visible()
    page.get_by_role("link", name="Gallery").click()
    expect(page.get_by_role("heading", name="Gallery")).to_be_visible()
    page.locator(".st-key-gallery-card-MFA_VERIFY_CODE").get_by_role("link", name="Open in the editor").click()
    expect(page.get_by_role("heading", name="MFA code")).to_be_visible()
    assert page.url.endswith("/templates?type=MFA_VERIFY_CODE")


def test_a_variable_is_inserted_at_the_editors_cursor(console: str, page: Page) -> None:
    open_page(page, f"{console}/templates?type=WELCOME_EMAIL", "Templates")
    expect(page.get_by_role("heading", name="Welcome email")).to_be_visible()
    editor = ace_editor(page).locator(".ace_content").first  # the autocompletion popup is an Ace too
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("<p>Marker for ")
    settle(page)
    page.get_by_text("Variables of this template (22)").click()
    page.get_by_role("button", name="{{user_display_name}}", exact=True).click()
    expect(shown_text(page, "Inserted {{user_display_name}} at the cursor.")).to_be_visible()
    wait_until(page, lambda: mails_showing(page, "Marker for Alice Chen") == 1, "the preview shows the inserted name")
    expect(editor).to_contain_text("<p>Marker for {{user_display_name}}")
    shoot(page, "templates-variable-inserted")
