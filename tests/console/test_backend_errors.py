"""A backend that is down, that refuses the credentials, or that is configured wrongly: every page says so in one
sentence with a hint, and never shows a traceback."""

from __future__ import annotations

import pytest

from mailconsole.service.embedded import RunningService

PAGES = [None, "app_pages/provider.py", "app_pages/templates.py"]


@pytest.mark.parametrize("page", PAGES)
def test_a_backend_that_is_down_is_one_sentence_on_every_page(down: str, console, page: str | None) -> None:
    at = console.open(page)
    console.no_exception(at)
    (error,) = console.errors(at)
    assert error.startswith("The console could not reach the email backend at 127.0.0.1 (")
    assert "Start the backend or correct its API host" in error
    # The sidebar still says which backend and tenant this is.
    sidebar = "\n".join(str(element.value) for element in at.sidebar.markdown)
    assert "**Tenant** `default`" in sidebar


def test_a_send_to_a_backend_that_is_down(down: str, console) -> None:
    at = console.open("app_pages/send_test.py")
    console.no_exception(at)
    assert not console.errors(at)
    at.text_input(key="send.to").input("alice@example.com")  # staged in the form until sent
    at.button(key="send.button").click().run()
    console.no_exception(at)
    (error,) = console.errors(at)
    assert error.startswith("The console could not reach the email backend at 127.0.0.1")
    (log,) = at.dataframe
    assert log.value.iloc[0]["Result"].startswith("Failed: ")


def test_refused_credentials(remote: RunningService, monkeypatch: pytest.MonkeyPatch, console) -> None:
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", "not-the-secret")
    shown = []
    for page in PAGES:
        at = console.open(page)
        console.no_exception(at)
        (error,) = console.errors(at)
        shown.append(error)
        assert "not-the-secret" not in console.text(at)
    assert shown[0].startswith("The backend refused the console's credentials: Wrong accessKeyId or accessKeySecret")
    assert "Check the user pool id and secret" in shown[0]
    # Ten wrong secrets a minute from one address: the service stops checking them for the rest of the minute.
    for error in shown[1:]:
        assert error.startswith(
            ("The backend refused the console's credentials", "The backend refused for now: Too many wrong")
        ), error
    assert "Wait " in shown[-1] and "seconds and try again" in shown[-1]


def test_an_incomplete_configuration_says_what_to_set(monkeypatch: pytest.MonkeyPatch, console) -> None:
    monkeypatch.setenv("MAILCONSOLE_API_HOST", "https://api.genauth.ai")
    monkeypatch.delenv("MAILCONSOLE_USERPOOL_ID", raising=False)
    monkeypatch.delenv("MAILCONSOLE_USERPOOL_SECRET", raising=False)
    at = console.open()
    console.no_exception(at)
    (error,) = console.errors(at)
    assert "needs its user pool id and secret" in error and "MAILCONSOLE_USERPOOL_SECRET" in error


def test_plain_http_to_a_remote_host_is_refused(monkeypatch: pytest.MonkeyPatch, console) -> None:
    monkeypatch.setenv("MAILCONSOLE_API_HOST", "http://mail.internal.example")
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_ID", "pool")
    monkeypatch.setenv("MAILCONSOLE_USERPOOL_SECRET", "pool-secret")
    at = console.open()
    console.no_exception(at)
    (error,) = console.errors(at)
    assert "Refusing plain http to mail.internal.example" in error
    assert "pool-secret" not in console.text(at)
