"""The console in Chinese, in a real headless Chromium (issue 16): a browser whose language is Chinese gets the
console in Chinese on its first visit, the embedded service's fresh pool writes Chinese mails, every main page reads
in Chinese, and the sidebar's switch turns the session to English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from components.language import LANGUAGE_NAMES
from mailconsole.service.settings import ServiceSettings
from tests.browser.support import settle, shoot, shown_text
from tests.console.shown_text import english_words

pytestmark = pytest.mark.browser

# The main pages by address, with the name their link has in the Chinese sidebar.
MAIN_PAGES = {
    "": "概览",
    "provider": "邮件服务配置",
    "templates": "邮件模板",
    "gallery": "模板总览",
    "send-test": "测试发送",
    "outbox": "发件箱",
    "audit": "审计日志",
}


@pytest.fixture
def chinese_page(browser: Browser) -> Iterator[Page]:
    """A browser set to Chinese: navigator.language and Accept-Language say zh-CN."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def english_lines(page: Page) -> list[str]:
    """The lines of the page's own text (sidebar and main area, not the mails in frames) with English words."""
    shown = "\n".join(page.get_by_test_id(area).evaluate(WORDS_OF) for area in ("stSidebarContent", "stMain"))
    # The pool's application name is the tenant's data, in the mails the previews show ("欢迎加入 Mail Console").
    app_name = ServiceSettings().app_name
    lines = [line.replace(app_name, " ") for line in shown.splitlines() if line not in LANGUAGE_NAMES.values()]
    return [line for line in lines if english_words(line)]


# An element's words: without its Material icons, whose names ("dashboard") are the icons' ligatures, and without
# code (a tenant's name, an id, a host), which is data.
WORDS_OF = """element => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll('[data-testid*="Icon"], code').forEach(node => node.remove());
    document.body.appendChild(copy);
    const text = copy.innerText;
    copy.remove();
    return text;
}"""


def test_a_chinese_browser_gets_every_main_page_in_chinese(embedded: tuple[str, Path], chinese_page: Page) -> None:
    url, _ = embedded
    page = chinese_page
    page.goto(url)
    for address, name in MAIN_PAGES.items():
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/{address}(\?.*)?$"))
        settle(page)
        expect(page.get_by_test_id("stMain").get_by_role("heading").first).to_be_visible()
        left = english_lines(page)
        assert left == [], f"/{address} shows English: {left}"
        shoot(page, f"zh-CN-{address or 'overview'}")


def test_the_fresh_pool_writes_chinese_mails_and_the_switch_turns_to_english(
    embedded: tuple[str, Path], chinese_page: Page
) -> None:
    url, _ = embedded
    page = chinese_page
    page.goto(f"{url}/templates?type=VERIFY_CODE")
    # The embedded service's pool was created by a Chinese session: its built-in subject is Chinese.
    expect(page.get_by_role("textbox", name="主题", exact=True)).to_have_value(re.compile("[\u4e00-\u9fff]"))
    page.get_by_test_id("stSidebarContent").get_by_text("English", exact=True).click()
    settle(page)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Templates", exact=True)).to_be_visible()
    expect(shown_text(page, "Subject")).to_be_visible()
