"""The console's frame and record pages in a real headless Chromium (issue 13): an unknown address says so, times
show in the browser's time zone, and a change made on a loopback console without sign-in is recorded as the local
administrator's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.i18n import EN_US, formatted_time
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.browser.support import (
    console_for,
    settle,
    shoot,
    shown_text,
)
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser

BROWSER_ZONE = "Asia/Shanghai"  # UTC+8 all year: a time shown in it differs from UTC by eight hours


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = start_service(ServiceSettings(data_dir=tmp_path_factory.mktemp("pages-service")))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def console(service: RunningService, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run console_app.py` on loopback without sign-in, configured (by environment) for the service."""
    with console_for(service, tmp_path_factory.mktemp("pages-log")) as url:
        yield url


def english_moment(at: datetime) -> str:
    """A moment as the English console writes it ("Dec 3, 2026, 10:33:41 PM"; Babel, as the console does)."""
    return formatted_time(at, EN_US)


@pytest.fixture
def zoned_page(browser: Browser) -> Iterator[Page]:
    """A browser whose time zone is not UTC."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, timezone_id=BROWSER_ZONE)
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def test_an_unknown_address_says_page_not_found(console: str, page: Page) -> None:
    page.goto(f"{console}/send_test")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(shown_text(page, "/send_test")).to_be_visible()
    expect(page.get_by_role("heading", name="Email console")).to_be_hidden()
    shoot(page, "page-not-found")
    page.get_by_role("link", name="Test sends").click()  # the right address is one click away
    expect(page.get_by_role("heading", name="Test sends")).to_be_visible()


def test_a_change_made_here_shows_in_the_browsers_zone_by_the_local_admin(
    service: RunningService, console: str, zoned_page: Page
) -> None:
    page = zoned_page
    page.goto(f"{console}/templates?type=MFA_VERIFY_CODE")
    expect(page.get_by_role("heading", name="MFA code")).to_be_visible()
    subject = page.get_by_role("textbox", name="Subject", exact=True)
    subject.fill("Zoned subject {{verify_code}}")
    subject.press("Enter")
    settle(page)
    page.get_by_role("button", name=re.compile(r"^Save\b")).click()  # named with its Ctrl+S shortcut too
    expect(shown_text(page, "Saved “MFA code”.")).to_be_visible()
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as management:
        latest = management.list_audit(kind="template", limit=1)[0]
    assert latest.actor == "local admin (no sign-in)"

    page.goto(f"{console}/audit")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    utc = datetime.fromisoformat(latest.at)
    local = english_moment(utc + timedelta(hours=8))
    opened = page.get_by_role("combobox", name="Open an entry")
    expect(opened).to_have_value(f"{local} · local admin (no sign-in) · MFA_VERIFY_CODE")
    expect(shown_text(page, f"At {english_moment(utc)} UTC.")).to_be_visible()
    expect(page.get_by_text("Time (Asia/Shanghai)").first).to_be_attached()
    expect(page.get_by_text(re.compile('subject: .* → "Zoned subject')).first).to_be_attached()
    shoot(page, "audit")


def test_the_outbox_shows_times_in_the_browsers_zone(service: RunningService, console: str, zoned_page: Page) -> None:
    with AuthenticationClient(service.userpool.app_id, service.base_url) as application:
        application.send_email("CHANNEL_LOGIN", "zoned@example.com")
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as management:
        (mail,) = [item for item in management.list_outbox(limit=5) if item.to == "zoned@example.com"]
    utc = datetime.fromisoformat(mail.created_at)
    local = english_moment(utc + timedelta(hours=8))

    page = zoned_page
    page.goto(f"{console}/outbox")
    expect(page.get_by_role("heading", name="Outbox")).to_be_visible()
    expect(page.get_by_text("Time (Asia/Shanghai)").first).to_be_attached()
    expect(shown_text(page, f"{local} (Asia/Shanghai)")).to_be_visible()
    shoot(page, "outbox-zoned")


def test_a_body_change_opens_as_a_diff(service: RunningService, console: str, page: Page) -> None:
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as management:
        template = next(item for item in management.get_email_templates().templates if item.type == "WELCOME_EMAIL")
        management.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name=template.name,
            subject=template.subject,
            sender=template.sender,
            content=template.content.replace("</p>", "</p>\n<p>A line added through the API</p>", 1),
        )
    page.goto(f"{console}/audit")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(shown_text(page, "What changed in content")).to_be_visible()
    expect(shown_text(page, "+<p>A line added through the API</p>")).to_be_visible()
    shoot(page, "audit-diff")
