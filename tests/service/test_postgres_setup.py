"""Setting the service up on PostgreSQL: the sealing key comes from the environment and every replica must have the
same one, and ``mailconsole migrate-data`` moves a SQLite data dir's tenant across with its secrets still sealed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from mailconsole import ManagementClient
from mailconsole.cli import main
from mailconsole.models import SmtpConfig
from mailconsole.service.app import create_app
from mailconsole.service.embedded import start_service
from mailconsole.service.secret_box import KEY_FILE
from mailconsole.service.settings import ServiceSettings
from tests.postgres import ThrowawayPostgres, rows_holding
from tests.support import SECRETS_USED, free_port

SMTP_PASSWORD = "moved-smtp-Secret-3391"
SECRETS_USED.add(SMTP_PASSWORD)
SMTP = SmtpConfig(
    smtp_host="smtp.acme.example", smtp_port=465, sender="mailer@acme.example", sender_pass=SMTP_PASSWORD, secure=True
)


def test_postgresql_takes_the_key_from_the_environment_only(postgres: ThrowawayPostgres, tmp_path: Path) -> None:
    settings = ServiceSettings(data_dir=tmp_path / "data", database_url=SecretStr(postgres.new_database()))
    with pytest.raises(ValueError, match="With MAILCONSOLE_DATABASE_URL \\(PostgreSQL\\), set MAILCONSOLE_SECRET_KEY"):
        create_app(settings)
    assert not (tmp_path / "data" / KEY_FILE).exists()  # no replica makes a key of its own


def test_a_replica_with_another_key_refuses_to_start(
    postgres: ThrowawayPostgres, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    first = start_service(
        ServiceSettings(data_dir=tmp_path / "a", database_url=SecretStr(url), secret_key=SecretStr("key one"))
    )
    first.stop()
    first.store.close()
    monkeypatch.setenv("MAILCONSOLE_SECRET_KEY", "key two")
    assert main(["serve", "--data-dir", str(tmp_path / "b"), "--database-url", url]) == 2
    assert (
        "sealed with another key: start every replica with the same MAILCONSOLE_SECRET_KEY" in capsys.readouterr().err
    )


def test_migrate_data_moves_a_tenant_with_its_secrets_still_sealed(
    postgres: ThrowawayPostgres, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    source = start_service(ServiceSettings(data_dir=data_dir))
    SECRETS_USED.add(source.userpool.secret)
    with ManagementClient(source.base_url, source.userpool.id, source.userpool.secret) as management:
        management.config_email_provider(type="custom", enabled=False, smtp_config=SMTP)
        management.update_email_template(
            type="MFA_VERIFY_CODE", customize_enabled=True, name="MFA", subject="moved", sender="", content="{{x}}"
        )
        audit_before = management.list_audit()
    source.stop()
    source.store.close()
    target = postgres.new_database()

    sqlite_url = f"sqlite:///{data_dir / 'mailconsole.sqlite3'}"
    assert main(["migrate-data", "--from", sqlite_url, "--to", target]) == 0
    assert "MAILCONSOLE_SECRET_KEY" in capsys.readouterr().out
    assert rows_holding(target, SMTP_PASSWORD, source.userpool.secret) == []  # moved sealed
    assert main(["migrate-data", "--from", sqlite_url, "--to", target]) == 2  # only into an empty database
    assert "already holds a user pool" in capsys.readouterr().err

    key = (data_dir / KEY_FILE).read_text().strip()
    moved = start_service(
        ServiceSettings(data_dir=tmp_path / "pg", database_url=SecretStr(target), secret_key=SecretStr(key))
    )
    try:
        assert moved.userpool == source.userpool
        with ManagementClient(moved.base_url, source.userpool.id, source.userpool.secret) as management:
            provider = management.get_email_provider()
            assert provider.smtp_config is not None and provider.smtp_config.smtp_host == SMTP.smtp_host
            template = next(t for t in management.get_email_templates().templates if t.type == "MFA_VERIFY_CODE")
            assert (template.subject, template.version) == ("moved", 1)
            assert management.list_audit() == audit_before
            management.update_email_template(  # the audit trail goes on after the copied records
                type="MFA_VERIFY_CODE", customize_enabled=True, name="MFA", subject="again", sender="", content="x"
            )
            assert management.list_audit()[0].id > audit_before[0].id
        smtp = moved.store.provider(source.userpool.id).smtp_config
        assert smtp is not None and smtp.sender_pass == SMTP_PASSWORD  # opened with the same key
    finally:
        moved.stop()


def test_serve_says_when_the_database_cannot_be_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILCONSOLE_SECRET_KEY", "a key")
    nobody_listens = f"postgresql://postgres@127.0.0.1:{free_port()}/mailconsole"
    assert main(["serve", "--data-dir", str(tmp_path), "--database-url", nobody_listens]) == 2
    assert "mailconsole: cannot reach the database" in capsys.readouterr().err
    assert main(["serve", "--data-dir", str(tmp_path), "--database-url", "mysql://db/mail"]) == 2
    assert "'mysql' is not supported" in capsys.readouterr().err
