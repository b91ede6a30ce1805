"""Stored secrets: sealed in the data dir, a mask in every reply, and the mask honoured only for the same server."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from mailconsole import InvalidArgumentError, ManagementClient
from mailconsole.models import SECRET_MASK, EmailProvider, ExmailConfig, SendGridConfig, SmtpConfig
from mailconsole.service.embedded import RunningService, start_service
from mailconsole.service.secret_box import KEY_FILE, SecretBox, SecretKeyError
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store, Userpool
from tests.postgres import at_rest_holding
from tests.support import SECRETS_USED

SMTP_PASSWORD = "smtp-Secret-4417"
SENDGRID_KEY = "SG.sendgrid-Secret-8812"
ALI_PASSWORD = "ali-Secret-2290"
QQ_PASSWORD = "qq-Secret-6675"
SECRETS_USED.update((SMTP_PASSWORD, SENDGRID_KEY, ALI_PASSWORD, QQ_PASSWORD))

SMTP = SmtpConfig(
    smtp_host="smtp.acme.example", smtp_port=465, sender="mailer@acme.example", sender_pass=SMTP_PASSWORD, secure=True
)


def configure_everything(management: ManagementClient) -> None:
    management.config_email_provider(
        type="sendgrid", enabled=False, send_grid_config=SendGridConfig(sender="a@acme.example", apikey=SENDGRID_KEY)
    )
    management.config_email_provider(
        type="ali", enabled=False, ali_exmail_config=ExmailConfig(sender="b@acme.example", sender_pass=ALI_PASSWORD)
    )
    management.config_email_provider(
        type="qq", enabled=False, tencent_exmail_config=ExmailConfig(sender="c@acme.example", sender_pass=QQ_PASSWORD)
    )
    management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)


def files_holding(data_dir: Path, *needles: str) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in any file of the data dir, as UTF-8 bytes."""
    return [
        (path.name, needle)
        for path in data_dir.rglob("*")
        if path.is_file()
        for needle in needles
        if needle.encode() in path.read_bytes()
    ]


def test_no_file_of_the_data_dir_holds_a_secret(
    service: RunningService, service_settings: ServiceSettings, management: ManagementClient
) -> None:
    configure_everything(management)
    secrets = (SMTP_PASSWORD, SENDGRID_KEY, ALI_PASSWORD, QQ_PASSWORD, service.userpool.secret)
    assert at_rest_holding(service_settings, *secrets) == []
    # ...yet everything is kept: the store opens what it sealed.
    kept = service.store.provider(service.userpool.id)
    assert kept.smtp_config is not None and kept.smtp_config.sender_pass == SMTP_PASSWORD
    assert kept.send_grid_config is not None and kept.send_grid_config.apikey == SENDGRID_KEY
    key_file = service_settings.data_dir / KEY_FILE
    if service_settings.database_url:  # the key comes from MAILCONSOLE_SECRET_KEY: no replica makes a key file
        assert not key_file.exists()
    else:
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_replies_carry_a_mask_in_place_of_each_secret(management: ManagementClient) -> None:
    configure_everything(management)
    provider = management.get_email_provider()
    assert provider.smtp_config is not None and provider.smtp_config.sender_pass == SECRET_MASK
    assert provider.send_grid_config is not None and provider.send_grid_config.apikey == SECRET_MASK
    assert provider.ali_exmail_config is not None and provider.ali_exmail_config.sender_pass == SECRET_MASK
    assert provider.tencent_exmail_config is not None and provider.tencent_exmail_config.sender_pass == SECRET_MASK
    saved = management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    assert saved.smtp_config is not None and saved.smtp_config.sender_pass == SECRET_MASK


def test_the_mask_sent_back_keeps_the_secret_for_the_same_server_only(
    service: RunningService, management: ManagementClient
) -> None:
    configure_everything(management)
    read = management.get_email_provider()
    assert read.smtp_config is not None
    management.config_email_provider(
        type="custom", enabled=True, smtp_config=read.smtp_config.model_copy(update={"from_display_name": "Acme"})
    )
    kept = service.store.provider(service.userpool.id).smtp_config
    assert kept is not None and (kept.sender_pass, kept.from_display_name) == (SMTP_PASSWORD, "Acme")

    for change in ({"smtp_host": "smtp.elsewhere.example"}, {"smtp_port": 587}, {"sender": "other@acme.example"}):
        with pytest.raises(InvalidArgumentError, match=r"smtpConfig\.senderPass: the server or login changed"):
            management.config_email_provider(
                type="custom", enabled=True, smtp_config=read.smtp_config.model_copy(update=change)
            )
    assert service.store.provider(service.userpool.id).smtp_config == kept  # nothing changed

    assert read.ali_exmail_config is not None
    with pytest.raises(InvalidArgumentError, match=r"aliExmailConfig\.senderPass"):
        management.config_email_provider(
            type="ali", enabled=True, ali_exmail_config=ExmailConfig(sender="new@acme.example", sender_pass=SECRET_MASK)
        )
    management.config_email_provider(type="ali", enabled=True, ali_exmail_config=read.ali_exmail_config)
    ali = service.store.provider(service.userpool.id).ali_exmail_config
    assert ali is not None and ali.sender_pass == ALI_PASSWORD


def test_a_key_from_the_environment_and_the_wrong_key(tmp_path: Path) -> None:
    settings = ServiceSettings(data_dir=tmp_path / "data", secret_key=SecretStr("a long random key from a vault"))
    first = start_service(settings)
    with ManagementClient(first.base_url, first.userpool.id, first.userpool.secret) as management:
        management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    first.stop()
    assert not (tmp_path / "data" / KEY_FILE).exists()  # the environment's key is used, no key file is made

    again = start_service(settings)
    smtp = again.store.provider(again.userpool.id).smtp_config
    again.stop()
    assert smtp is not None and smtp.sender_pass == SMTP_PASSWORD

    with pytest.raises(SecretKeyError, match="set MAILCONSOLE_SECRET_KEY to the key they were saved with"):
        start_service(settings.model_copy(update={"secret_key": SecretStr("another key")}))


def test_secrets_stored_before_encryption_are_sealed_on_start(tmp_path: Path) -> None:
    path = tmp_path / "data" / "mailconsole.sqlite3"
    Store(path, SecretBox("k")).close()  # the schema
    provider = EmailProvider(enabled=True, type="custom", smtp_config=SMTP)
    with sqlite3.connect(path) as db:  # rows as an earlier version wrote them: in plain text
        db.execute("INSERT INTO userpools VALUES ('pool', 'plain-pool-Secret', 'Acme', 'app')")
        db.execute("INSERT INTO providers VALUES ('pool', ?)", (provider.model_dump_json(by_alias=True),))
    db.close()
    assert files_holding(path.parent, SMTP_PASSWORD, "plain-pool-Secret")  # the test's premise

    store = Store(path, SecretBox("k"))
    try:
        assert store.userpool("pool") == Userpool("pool", "plain-pool-Secret", "Acme", "app")
        assert store.provider("pool") == provider
    finally:
        store.close()
    assert files_holding(path.parent, SMTP_PASSWORD, "plain-pool-Secret") == []
