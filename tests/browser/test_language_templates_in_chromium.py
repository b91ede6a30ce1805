"""Issue 16 in headless Chromium: switching the language on the templates page keeps the template being edited, its
unsaved draft (subject and body) and the layout, though every label (the picker's, the layout's) changes with it.
The browser sends a picker's choice as the label it showed; AppTest does not, so only a browser shows this."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

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


def test_switching_the_language_keeps_the_template_its_draft_and_the_layout(embedded_url: str, page: Page) -> None:
    open_page(page, f"{embedded_url}/templates", "Templates")
    page.get_by_test_id("stSelectbox").first.click()
    page.keyboard.type("MFA_VERIFY_CODE")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_role("heading", name="MFA code")).to_be_visible()
    editor_frame = page.locator("iframe[title*='code_editor']").first
    narrow = editor_frame.bounding_box()
    choose_layout(page, "Editor wide")

    def editor_is_wide() -> bool:
        box = editor_frame.bounding_box()
        return narrow is not None and box is not None and box["width"] > 1.3 * narrow["width"]

    wait_until(page, editor_is_wide, "the editor is wide")  # chosen before the draft is typed, then kept
    page.get_by_role("textbox", name="Subject", exact=True).fill("Draft subject {{verify_code}}")
    page.keyboard.press("Tab")
    settle(page)
    editor = ace_editor(page).locator(".ace_content")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("<p>Draft body kept</p>")
    page.keyboard.press("Escape")
    settle(page)
    page.get_by_test_id("stSidebarContent").get_by_text("中文", exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name="MFA 验证码")).to_be_visible()
    picker = page.get_by_role("combobox", name="模板", exact=True)
    expect(picker).to_have_value("验证码模板 › MFA 验证码 · MFA_VERIFY_CODE")
    expect(page.get_by_role("textbox", name="主题", exact=True)).to_have_value("Draft subject {{verify_code}}")
    page.keyboard.press("Escape")  # Ace's completion popup, if open, has an .ace_content of its own
    ace_editor(page).locator(".ace_content").first.click()
    page.keyboard.press("Control+End")  # Ace draws only the lines in view
    expect(ace_editor(page).locator(".ace_content").first).to_contain_text("Draft body kept")
    wide = editor_frame.bounding_box()  # the layout chosen stays
    assert narrow is not None and wide is not None and wide["width"] > 1.3 * narrow["width"]
    expect(shown_text(page, "有未保存的修改")).to_be_visible()
    shoot(page, "templates-in-chinese")

    page.get_by_test_id("stSidebarContent").get_by_text("English", exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name="MFA code")).to_be_visible()
    expect(page.get_by_role("textbox", name="Subject", exact=True)).to_have_value("Draft subject {{verify_code}}")
