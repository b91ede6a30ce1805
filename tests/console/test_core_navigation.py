"""Which page an address asks for (mailconsole.console.navigation)."""

from __future__ import annotations

from mailconsole.console.navigation import unknown_page

KNOWN = {"", "provider", "templates", "send-test"}


def test_a_known_page_or_the_root_is_not_unknown() -> None:
    for url in ("http://127.0.0.1:8501", "http://127.0.0.1:8501/", "http://h/provider", "http://h/send-test/"):
        assert unknown_page(url, KNOWN) is None, url


def test_an_address_no_page_has_is_named() -> None:
    assert unknown_page("http://127.0.0.1:8501/send_test", KNOWN) == "send_test"
    assert unknown_page("http://h/outbox", KNOWN) == "outbox"  # a page this backend does not offer
    assert unknown_page("http://h/a%20b/c", KNOWN) == "a b/c"


def test_the_base_path_is_not_part_of_the_page_name() -> None:
    assert unknown_page("http://h/console/", KNOWN, base_path="console") is None
    assert unknown_page("http://h/console/templates", KNOWN, base_path="/console/") is None
    assert unknown_page("http://h/console/nope", KNOWN, base_path="console") == "nope"


def test_without_a_url_nothing_is_unknown() -> None:
    assert unknown_page(None, KNOWN) is None
    assert unknown_page("", KNOWN) is None
