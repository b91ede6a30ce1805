"""The templates page in headless Chromium, issue 13: what an admin types is not lost (a save that changes a
template's status, switching to another template and back), the picker finds the platform's names, Ctrl+S saves
(from a field of the page, and from inside the body editor)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Frame, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.support import (
    ace_editor,
    choose_layout,
    open_page,
    settle,
    shoot,
    shown_text,
    wait_until,
)

pytestmark = pytest.mark.browser


def preview_mail(page: Page) -> Frame:
    """The mail inside the sandboxed inner frame of the live preview."""
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


def pick(page: Page, search: str) -> None:
    """Choose a template the way an admin does: type into the picker and take the first match."""
    page.get_by_test_id("stSelectbox").first.click()
    page.keyboard.type(search)
    page.keyboard.press("Enter")
    settle(page)


def save_button(page: Page) -> Locator:
    return page.get_by_role("button", name=re.compile(r"^Save\b"))  # named with its shortcut too


def type_in_body(page: Page, text: str) -> None:
    editor = ace_editor(page)
    expect(editor.locator(".ace_content")).to_be_visible()
    editor.locator(".ace_content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_typing_after_a_save_that_customised_the_template_stays_on_it(embedded_url: str, page: Page) -> None:
    open_page(page, f"{embedded_url}/templates", "Templates")
    pick(page, "Login verification code")
    expect(page.get_by_role("heading", name="Login code")).to_be_visible()
    page.get_by_text("Customised", exact=True).click()  # the toggle
    settle(page)
    save_button(page).click()
    expect(shown_text(page, "Saved “Login code”.")).to_be_visible()
    type_in_body(page, "<p>Typed after the save</p>")
    wait_until(page, preview_shows(page, "Typed after the save"), "the preview shows the edit")
    settle(page)
    expect(page.get_by_role("heading", name="Login code")).to_be_visible()
    expect(shown_text(page, "Unsaved changes")).to_be_visible()


def test_a_draft_survives_switching_templates_and_ctrl_s_saves_it(embedded_url: str, page: Page) -> None:
    open_page(page, f"{embedded_url}/templates", "Templates")
    pick(page, "WELCOME_EMAIL")
    expect(page.get_by_role("heading", name="Welcome email")).to_be_visible()
    type_in_body(page, "<p>Draft kept across templates</p>")
    wait_until(page, preview_shows(page, "Draft kept across templates"), "the preview shows the edit")
    settle(page)
    pick(page, "MFA_VERIFY_CODE")
    expect(page.get_by_role("heading", name="MFA code")).to_be_visible()
    expect(shown_text(page, "Unsaved drafts: Welcome email")).to_be_visible()
    pick(page, "WELCOME_EMAIL")
    expect(page.get_by_role("heading", name="Welcome email")).to_be_visible()
    ace_editor(page).locator(".ace_content").click()
    page.keyboard.press("Control+End")  # Ace draws only the lines in view
    expect(ace_editor(page).locator(".ace_content")).to_contain_text("Draft kept across templates")
    wait_until(page, preview_shows(page, "Draft kept across templates"), "the preview shows the draft again")
    expect(shown_text(page, "Unsaved changes")).to_be_visible()
    shoot(page, "templates-draft")

    # Ctrl+S from a field of the page (from inside the editor: the test below).
    page.get_by_role("textbox", name="Name", exact=True).click()
    page.keyboard.press("Control+s")
    expect(shown_text(page, "Saved “Welcome email”.")).to_be_visible()
    expect(shown_text(page, "Unsaved changes")).to_be_hidden()


def test_ctrl_s_inside_the_editor_saves_what_was_just_typed(embedded_url: str, page: Page) -> None:
    open_page(page, f"{embedded_url}/templates", "Templates")
    pick(page, "RESET_PASSWORD_VERIFY_CODE")
    expect(page.get_by_role("heading", name="Password reset code")).to_be_visible()
    # Saved at once, before the editor's own pause has sent the text: the keys send it first.
    type_in_body(page, "<p>Saved from inside the editor</p>")
    page.keyboard.press("Control+s")
    expect(shown_text(page, "Saved “Password reset code”.")).to_be_visible()
    expect(shown_text(page, "Unsaved changes")).to_be_hidden()
    # The editor now shows the template as stored: with the line typed just before Ctrl+S.
    ace_editor(page).locator(".ace_content").click()
    page.keyboard.press("Control+End")
    expect(ace_editor(page).locator(".ace_content")).to_contain_text("Saved from inside the editor")
    wait_until(page, preview_shows(page, "Saved from inside the editor"), "the preview shows the saved line")


PROBE = '<p id="probe">inert</p><script>document.getElementById("probe").textContent = "ran";</script>'


def test_a_script_in_the_body_stays_inert_when_the_preview_is_updated_in_place(embedded_url: str, page: Page) -> None:
    open_page(page, f"{embedded_url}/templates", "Templates")
    pick(page, "SELF_UNLOCKING_VERIFY_CODE")
    expect(page.get_by_role("heading", name="Self-unlock code")).to_be_visible()
    editor = ace_editor(page).locator(".ace_editor").first
    editor.locator(".ace_content").click()
    editor.evaluate("(element, body) => element.env.editor.setValue(body, 1)", PROBE)
    wait_until(page, preview_shows(page, "inert"), "the preview shows the probe")
    settle(page)
    page.keyboard.type("<p>one more key</p>")  # the next runs replace the mail in the same frame
    wait_until(page, preview_shows(page, "one more key"), "the preview shows the edit")
    mail = preview_mail(page)
    assert mail.parent_frame is not None
    assert mail.parent_frame.evaluate("document.getElementById('mail').getAttribute('sandbox')") == ""
    assert 'id="probe">inert<' in mail.content()  # the mail's script did not run


def test_the_layout_switch_gives_the_editor_the_room(embedded_url: str, page: Page) -> None:
    open_page(page, f"{embedded_url}/templates", "Templates")
    editor_frame = page.locator("iframe[title*='code_editor']").first
    expect(editor_frame).to_be_visible()
    narrow = editor_frame.bounding_box()
    choose_layout(page, "Editor wide")
    wide = editor_frame.bounding_box()
    assert narrow is not None and wide is not None
    assert wide["width"] > 1.3 * narrow["width"]
    shoot(page, "templates-editor-wide")
    # Scrolled down to the end of the body, Save is still in view.
    ace_editor(page).locator(".ace_content").click()
    page.keyboard.press("Control+End")
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(300)
    expect(save_button(page)).to_be_in_viewport()
    shoot(page, "templates-scrolled")


def test_reloading_the_page_with_a_draft_asks_first(embedded_url: str, page: Page) -> None:
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    open_page(page, f"{embedded_url}/templates", "Templates")
    pick(page, "FIRST_CREATED_USER")
    page.reload()  # no draft: nothing to ask
    open_page(page, f"{embedded_url}/templates", "Templates")
    assert asked == []
    type_in_body(page, "<p>Not saved yet</p>")
    wait_until(page, preview_shows(page, "Not saved yet"), "the preview shows the edit")
    settle(page)
    page.reload()
    assert asked == ["beforeunload"]


def test_revert_asks_in_a_dialog_and_cancel_keeps_the_draft(embedded_url: str, page: Page) -> None:
    open_page(page, f"{embedded_url}/templates", "Templates")
    pick(page, "REGISTER_VERIFY_CODE")
    type_in_body(page, "<p>Maybe revert me</p>")
    wait_until(page, preview_shows(page, "Maybe revert me"), "the preview shows the edit")
    settle(page)
    page.get_by_role("button", name="Revert to saved…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Discard your unsaved changes to “Registration code”?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    settle(page)
    assert preview_shows(page, "Maybe revert me")()
    page.get_by_role("button", name="Revert to saved…").click()
    page.get_by_role("dialog").get_by_role("button", name="Discard my changes").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    settle(page)
    wait_until(page, lambda: not preview_shows(page, "Maybe revert me")(), "the preview shows the saved mail")
    expect(shown_text(page, "Unsaved changes")).to_be_hidden()
