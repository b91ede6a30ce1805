"""The secret-comparison extension (issue 15): whether a secret is the stored one, without ever showing it, on
the connection tests' budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailconsole import ManagementClient, ThrottledError
from mailconsole.models import SmtpConfig
from mailconsole.service.embedded import start_service
from mailconsole.service.settings import ServiceSettings
from tests.support import SECRETS_USED

PASSWORD = "compare-pw-8Jd2"
SECRETS_USED.add(PASSWORD)


def test_a_secret_is_compared_never_shown(management: ManagementClient) -> None:
    assert "secret-comparison" in (management.service_info() or pytest.fail("no info")).extensions
    assert management.compare_provider_secrets({"smtpConfig.senderPass": PASSWORD}) == {
        "smtpConfig.senderPass": False  # nothing stored yet
    }
    management.config_email_provider(
        type="custom",
        enabled=True,
        smtp_config=SmtpConfig(
            smtp_host="smtp.example.com", smtp_port=465, secure=True, sender="u", sender_pass=PASSWORD
        ),
    )
    same = management.compare_provider_secrets(
        {"smtpConfig.senderPass": PASSWORD, "sendGridConfig.apikey": PASSWORD, "smtpConfig.smtp_host": "x"}
    )
    # Only secret fields are answered; a field that is not a secret is not an oracle for anything.
    assert same == {"smtpConfig.senderPass": True, "sendGridConfig.apikey": False}
    assert management.compare_provider_secrets({"smtpConfig.senderPass": PASSWORD + "x"}) == {
        "smtpConfig.senderPass": False
    }


def test_comparisons_share_the_connection_tests_budget(tmp_path: Path) -> None:
    running = start_service(ServiceSettings(data_dir=tmp_path, connection_tests_per_minute=2))
    SECRETS_USED.add(running.userpool.secret)
    try:
        with ManagementClient(running.base_url, running.userpool.id, running.userpool.secret) as client:
            for _ in range(2):
                client.compare_provider_secrets({"smtpConfig.senderPass": "guess-1234"})
            with pytest.raises(ThrottledError) as refused:
                client.compare_provider_secrets({"smtpConfig.senderPass": "guess-5678"})
            assert refused.value.retry_after is not None
    finally:
        running.stop()
