"""/provider: the connection test of the settings being edited, and the certificate-check switch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from mailconsole.models import ProviderType
from tests.mail_servers import MailServer, ThrowawayCA, mail_server

PAGE = "app_pages/provider.py"


@pytest.fixture
def tls_server(ca: ThrowawayCA) -> Iterator[MailServer]:
    with mail_server(ca, "ssl") as server:
        yield server


def edit_smtp(at: AppTest, server: MailServer, *, password: str) -> None:
    at.radio(key="prov.type").set_value(ProviderType.CUSTOM)
    at.text_input(key="prov.custom.host").input(server.host)
    at.number_input(key="prov.custom.port").set_value(server.port)
    at.text_input(key="prov.custom.user").input(server.user)
    at.text_input(key="prov.custom.password").input(password)
    at.text_area(key="prov.custom.ca_bundle").input(server.ca_pem)
    at.run()


def markdown(at: AppTest) -> str:
    return "\n".join(element.value for element in at.markdown)


def test_unsaved_settings_pass_step_by_step_and_nothing_is_saved(
    remote, console, management, tls_server: MailServer
) -> None:
    before = management.get_email_provider()
    at = console.open(PAGE)
    edit_smtp(at, tls_server, password=tls_server.password)
    at.button(key="prov.test").click().run()
    console.no_exception(at)
    text = markdown(at)
    for label in ("Resolve the host", "Connect", "TLS handshake", "Server greeting", "EHLO", "Log in (AUTH)"):
        assert f"**{label}**" in text
    assert "235" in text  # the server's own reply to AUTH
    assert [element.value for element in at.success] == ["Every step passed; nothing was sent."]
    assert management.get_email_provider() == before
    assert tls_server.mailbox.received == []


def test_a_wrong_password_stops_at_the_login_with_the_servers_reply_and_a_hint(
    remote, console, tls_server: MailServer
) -> None:
    at = console.open(PAGE)
    edit_smtp(at, tls_server, password="wrong")
    at.button(key="prov.test").click().run()
    console.no_exception(at)
    assert "535" in markdown(at)
    [error] = at.error
    assert "The test stopped at **Log in (AUTH)**" in error.value
    assert "app password" in error.value
    # What was typed is still there to correct.
    assert at.text_input(key="prov.custom.host").value == tls_server.host


def test_turning_certificate_checks_off_warns(remote, console, tls_server: MailServer) -> None:
    at = console.open(PAGE)
    edit_smtp(at, tls_server, password=tls_server.password)
    assert not any("Certificate verification is off" in element.value for element in at.warning)
    at.toggle(key="prov.custom.tls_verify").set_value(False).run()
    assert any("Certificate verification is off" in element.value for element in at.warning)


def test_a_ca_bundle_that_is_not_pem_is_refused_inline(remote, console) -> None:
    at = console.open(PAGE)
    at.text_area(key="prov.custom.ca_bundle").input("not a certificate").run()
    assert any("paste the CA's PEM block" in element.value for element in at.error)
