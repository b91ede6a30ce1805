"""The overview's "Download configuration (zip)" in a real headless Chromium (issue 15): the browser receives the
files `mailconsole export` writes, with no secret in them."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from mailconsole import ManagementClient
from mailconsole.config_files.export import export_tenant
from mailconsole.models import SECRET_MASK, SmtpConfig
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.settings import ServiceSettings
from tests.browser.support import console_for, open_page
from tests.support import SECRETS_USED

pytestmark = pytest.mark.browser

PASSWORD = "zip-pw-Vb7t2"
SECRETS_USED.add(PASSWORD)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = start_service(ServiceSettings(data_dir=tmp_path_factory.mktemp("zip-service")))
    SECRETS_USED.add(running.userpool.secret)
    yield running
    running.stop()


def test_the_configuration_downloads_as_a_zip(service: RunningService, page: Page, tmp_path: Path) -> None:
    with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as client:
        client.config_email_provider(
            type="custom",
            enabled=True,
            smtp_config=SmtpConfig(
                smtp_host="smtp.example.com", smtp_port=465, secure=True, sender="u", sender_pass=PASSWORD
            ),
        )
        client.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name="Welcome",
            subject="Welcome to <%= app_name %>",
            sender="Acme",
            content="<p>Welcome to <%= app_name %></p>\n",
            tpl_engine="ejs",
        )
        expected = export_tenant(client)
    (tmp_path / "log").mkdir()
    with console_for(service, tmp_path / "log") as url:
        open_page(page, url, "Email console")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download configuration (zip)").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    assert saved.name == "default-email-config.zip"
    with zipfile.ZipFile(saved) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}
    assert files == expected
    assert sorted(files) == ["provider.yaml", "templates/WELCOME_EMAIL.ejs", "templates/WELCOME_EMAIL.yaml"]
    assert not any(PASSWORD in text or SECRET_MASK in text for text in files.values())
