"""The destination policy itself: every address of a name is judged, and a session connects only to an address
it checked (the connection test and deliveries over HTTP: test_connection_test_abuse.py)."""

from __future__ import annotations

import socket

import pytest

from mailconsole.destinations import DestinationRefused, is_special
from mailconsole.service.providers import DeliveryError
from mailconsole.service.providers.smtp import SmtpSession, SmtpTarget
from mailconsole.service.settings import ServiceSettings
from tests.service.test_connection_test_abuse import SETTING, tcp_listener


@pytest.mark.parametrize(
    ("address", "special"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),
        ("93.184.215.14", False),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", False),
    ],
)
def test_special_addresses(address: str, special: bool) -> None:
    assert is_special(address) is special


def test_a_name_is_refused_when_any_of_its_addresses_is_special() -> None:
    policy = ServiceSettings(listen_host="0.0.0.0").destinations
    policy.check("mail.example.com", ["93.184.215.14"])
    with pytest.raises(DestinationRefused, match=r"mail\.example\.com \(10\.0\.0\.7\)"):
        policy.check("mail.example.com", ["93.184.215.14", "10.0.0.7"])


def test_a_session_checks_the_resolved_addresses_before_it_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name whose lookup gives a public address and a loopback one (DNS rebinding): nothing is connected to.
    The resolver is the one thing replaced: the test cannot own a DNS zone."""
    with tcp_listener(b"220 ESMTP\r\n") as listener:
        answers = [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", listener.port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", listener.port)),
        ]
        monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
        target = SmtpTarget("rebind.example.com", listener.port, "plain", None)
        session = SmtpSession(target, 2, destinations=ServiceSettings(listen_host="0.0.0.0").destinations)
        with session, pytest.raises(DeliveryError, match=SETTING):
            session.open()
    assert [step.name for step in session.steps] == ["resolve"]
    assert listener.accepted == []
