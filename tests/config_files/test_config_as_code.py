"""Issue 15: a tenant's email configuration exported as files, planned and applied to another tenant, over real
HTTP between two real embedded services (staging and production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailconsole import AuthenticationClient, ManagementClient
from mailconsole.i18n import Language
from mailconsole.models import SECRET_MASK, SmtpConfig
from mailconsole.service.embedded import RunningService
from tests.config_files.conftest import Command
from tests.conftest import SMTP_PASSWORD, SmtpServer

HBS_BODY = "<p>Your code: {{verify_code}}</p>\n<p>It expires in {{expires_in}} minutes.</p>\n"
EJS_BODY = "<h1>Welcome to <%= app_name %></h1>\n<% if (locals.user_email) { %><p><%= user_email %></p><% } %>\n"


def client_of(service: RunningService) -> ManagementClient:
    return ManagementClient(service.base_url, service.userpool.id, service.userpool.secret)


def customise(service: RunningService, smtp: SmtpServer) -> None:
    """Custom SMTP settings and three customised templates, in both engines."""
    with client_of(service) as client:
        client.config_email_provider(
            type="custom",
            enabled=True,
            smtp_config=SmtpConfig(
                smtp_host=smtp.host,
                smtp_port=smtp.port,
                sender=smtp.user,
                sender_pass=smtp.password,
                starttls=False,
                from_address="noreply@example.com",
                from_display_name="Acme",
            ),
        )
        client.update_email_template(
            type="LOGIN_VERIFY_CODE",
            customize_enabled=True,
            name="Login code",
            subject="{{verify_code}} is your code",
            sender="Acme",
            content=HBS_BODY,
            expires_in=600,
        )
        client.update_email_template(
            type="WELCOME_EMAIL",
            customize_enabled=True,
            name="Welcome",
            subject="Welcome to <%= app_name %>",
            sender="<%= client_name %>",
            content=EJS_BODY,
            tpl_engine="ejs",
        )
        client.update_email_template(
            type="RESET_PASSWORD_VERIFY_CODE",
            customize_enabled=False,
            name="Reset",
            subject="Reset: <%= verify_code %>",
            sender="Acme",
            content="<p><%= verify_code %></p>",
            expires_in=300,
            tpl_engine="ejs",
        )


def state(client: ManagementClient) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What the API answers, versions aside."""
    provider = client.get_email_provider().to_wire()
    provider.pop("version")
    templates = [template.to_wire() for template in client.get_email_templates().templates]
    for template in templates:
        template.pop("version")
    return provider, templates


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def exported(staging: RunningService, smtp_server: SmtpServer, mailconsole: Command, tmp_path: Path) -> Path:
    customise(staging, smtp_server)
    directory = tmp_path / "email-config"
    outcome = mailconsole(staging, "export", str(directory))
    assert outcome.status == 0, outcome.err
    return directory


def test_round_trip_to_a_fresh_service(
    exported: Path,
    staging: RunningService,
    production: RunningService,
    smtp_server: SmtpServer,
    mailconsole: Command,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert sorted(files_under(exported)) == [
        "provider.yaml",
        "templates/LOGIN_VERIFY_CODE.hbs",
        "templates/LOGIN_VERIFY_CODE.yaml",
        "templates/RESET_PASSWORD_VERIFY_CODE.ejs",
        "templates/RESET_PASSWORD_VERIFY_CODE.yaml",
        "templates/WELCOME_EMAIL.ejs",
        "templates/WELCOME_EMAIL.yaml",
    ]
    assert "senderPass: ${SMTP_PASSWORD}" in (exported / "provider.yaml").read_text()
    assert (exported / "templates/WELCOME_EMAIL.ejs").read_text() == EJS_BODY

    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    applied = mailconsole(production, "apply", str(exported), "--yes")
    assert applied.status == 0, applied.err
    assert "template WELCOME_EMAIL: applied" in applied.out
    with client_of(production) as target:
        assert {entry.actor.split(" (")[0] for entry in target.list_audit()} == {"mailconsole apply"}

    # Production answers as staging does, through the typed client...
    with client_of(staging) as source, client_of(production) as target:
        assert state(target) == state(source)
    # ...and through the official SDK.
    from genauth import ManagementClient as SdkManagement

    sdk = SdkManagement(
        access_key_id=production.userpool.id, access_key_secret=production.userpool.secret, host=production.base_url
    )
    templates = {item["type"]: item for item in sdk.get_email_templates()["data"]["templates"]}
    assert templates["WELCOME_EMAIL"]["content"] == EJS_BODY
    assert templates["WELCOME_EMAIL"]["tplEngine"] == "ejs"
    assert templates["LOGIN_VERIFY_CODE"]["expiresIn"] == 600
    provider = sdk.get_email_provider()["data"]
    assert provider["smtpConfig"]["smtp_port"] == smtp_server.port
    assert provider["smtpConfig"]["senderPass"] == SECRET_MASK

    # The password came from the environment: the real SMTP server, which checks it, takes production's mail.
    with AuthenticationClient(production.userpool.app_id, production.base_url) as users:
        delivered_by = users.send_email("CHANNEL_LOGIN", "alice@example.com")
    assert delivered_by is not None and str(smtp_server.port) in delivered_by
    assert smtp_server.inbox.logins == [smtp_server.user]
    assert smtp_server.inbox.messages[0][2]["Subject"].endswith("is your code")

    # Nothing left to change, the masked password included (the service compares it without showing it).
    again = mailconsole(production, "plan", str(exported))
    assert (again.status, again.out.strip()) == (0, "No changes: the tenant matches the files."), again.err
    monkeypatch.setenv("SMTP_PASSWORD", "another-password")
    changed = mailconsole(production, "plan", str(exported))
    assert changed.status == 2
    assert "smtpConfig.senderPass: changed" in changed.out


def test_no_exported_file_holds_a_secret_or_the_mask(exported: Path, smtp_server: SmtpServer) -> None:
    for path, content in files_under(exported).items():
        assert smtp_server.password.encode() not in content, path
        assert SECRET_MASK.encode() not in content, path


def test_export_is_byte_stable(exported: Path, staging: RunningService, mailconsole: Command, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert mailconsole(staging, "export", str(again)).status == 0
    assert files_under(again) == files_under(exported)
    # Exporting over the same directory leaves every byte as it was, and removes what is no longer customised.
    with client_of(staging) as client:
        welcome = next(t for t in client.get_email_templates().templates if t.type == "WELCOME_EMAIL")
        info = client.service_info()
        assert info is not None
        client.update_email_template(**_builtin_welcome(info.mail_language), version=welcome.version)
    assert mailconsole(staging, "export", str(again)).status == 0
    assert sorted(files_under(exported)) == sorted([*files_under(again), *_welcome_files()])


def _builtin_welcome(language: Language) -> dict[str, Any]:
    """The welcome mail's built-in fields in the pool's language (its "built-in default")."""
    from mailconsole.service.defaults import default_template

    template = default_template("WELCOME_EMAIL", language=language)  # type: ignore[arg-type]
    return {
        "type": "WELCOME_EMAIL",
        "customize_enabled": template.customize_enabled,
        "name": template.name,
        "subject": template.subject,
        "sender": template.sender,
        "content": template.content,
    }


def _welcome_files() -> list[str]:
    return ["templates/WELCOME_EMAIL.ejs", "templates/WELCOME_EMAIL.yaml"]


def test_plan_shows_a_changed_body_as_a_diff_and_exits_2(
    exported: Path, staging: RunningService, mailconsole: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    body = exported / "templates/LOGIN_VERIFY_CODE.hbs"
    body.write_text(HBS_BODY.replace("Your code", "Your sign-in code"))
    outcome = mailconsole(staging, "plan", str(exported))
    assert outcome.status == 2, outcome.err
    assert "template LOGIN_VERIFY_CODE (version 1):" in outcome.out
    assert "-<p>Your code: {{verify_code}}</p>" in outcome.out
    assert "+<p>Your sign-in code: {{verify_code}}</p>" in outcome.out
    assert "Plan: 1 item to change." in outcome.out


def _audit_and_state(service: RunningService) -> tuple[int, Any]:
    with client_of(service) as client:
        return len(client.list_audit()), state(client)


def test_apply_with_one_broken_template_changes_nothing(
    exported: Path, production: RunningService, mailconsole: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    (exported / "templates/LOGIN_VERIFY_CODE.hbs").write_text("<p>\n{{#if verify_code}}{{verify_code}}\n</p>\n")
    before = _audit_and_state(production)
    outcome = mailconsole(production, "apply", str(exported), "--yes")
    assert outcome.status == 1
    assert "templates/LOGIN_VERIFY_CODE.hbs: line 2, column 1: unclosed block {{#if}}" in outcome.err
    assert "nothing was changed" in outcome.out
    assert _audit_and_state(production) == before


def test_apply_with_an_unset_variable_changes_nothing(
    exported: Path, production: RunningService, mailconsole: Command
) -> None:
    before = _audit_and_state(production)
    outcome = mailconsole(production, "apply", str(exported), "--yes")
    assert outcome.status == 1
    assert "provider.yaml, line 10: ${SMTP_PASSWORD} is not set in the environment" in outcome.err
    assert _audit_and_state(production) == before


def test_a_bad_value_is_refused_with_its_file_and_line(
    exported: Path, production: RunningService, mailconsole: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    provider = exported / "provider.yaml"
    provider.write_text(provider.read_text().replace("smtp_port: ", "smtp_port: 99999 #"))
    subject = exported / "templates/WELCOME_EMAIL.yaml"
    subject.write_text(subject.read_text().replace("subject:", "subjekt:"))
    login = exported / "templates/LOGIN_VERIFY_CODE.yaml"
    login.write_text(login.read_text().replace("subject: ", "subject: '{{#if verify_code}}' #"))
    outcome = mailconsole(production, "apply", str(exported), "--yes")
    assert outcome.status == 1
    assert "templates/LOGIN_VERIFY_CODE.yaml, line 3: subject: line 1, column 1: unclosed block {{#if}}" in outcome.err
    assert "provider.yaml, line 8: smtpConfig.smtp_port:" in outcome.err
    assert "templates/WELCOME_EMAIL.yaml, line 3: unknown field subjekt" in outcome.err
    assert _audit_and_state(production)[0] == 0


def test_a_secret_value_in_the_files_is_refused(
    exported: Path, production: RunningService, mailconsole: Command
) -> None:
    provider = exported / "provider.yaml"
    provider.write_text(provider.read_text().replace("${SMTP_PASSWORD}", "hunter2-in-git"))
    outcome = mailconsole(production, "plan", str(exported))
    assert outcome.status == 1
    assert "provider.yaml, line 10: smtpConfig.senderPass holds a value" in outcome.err
    assert "${SMTP_PASSWORD}" in outcome.err


def test_a_change_made_after_the_plan_stops_apply(
    exported: Path, staging: RunningService, mailconsole: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    (exported / "templates/LOGIN_VERIFY_CODE.hbs").write_text(HBS_BODY + "<p>Thanks</p>\n")

    def someone_saves_meanwhile(question: str) -> str:
        with client_of(staging) as client:
            client.update_email_template(
                type="LOGIN_VERIFY_CODE",
                customize_enabled=True,
                name="Login code",
                subject="{{verify_code}} is your code",
                sender="Acme",
                content="<p>{{verify_code}}</p>",
                expires_in=600,
            )
        return "yes"

    monkeypatch.setattr("builtins.input", someone_saves_meanwhile)
    outcome = mailconsole(staging, "apply", str(exported))
    assert outcome.status == 1
    assert "LOGIN_VERIFY_CODE changed after the plan (version 1 was planned against, 2 is stored now)" in outcome.err
    assert "+<p>{{verify_code}}</p>" in outcome.err
    with client_of(staging) as client:
        login = next(t for t in client.get_email_templates().templates if t.type == "LOGIN_VERIFY_CODE")
    assert login.content == "<p>{{verify_code}}</p>"


def test_apply_asks_first(
    exported: Path, production: RunningService, mailconsole: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setattr("builtins.input", lambda question: "no")
    outcome = mailconsole(production, "apply", str(exported))
    assert outcome.status == 1
    assert "Nothing was changed." in outcome.out
    assert _audit_and_state(production)[0] == 0


def test_backends_by_tenant_name_and_by_data_dir(
    exported: Path, production: RunningService, mailconsole: Command, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    secrets = tmp_path / "secrets.toml"
    pool = production.userpool
    secrets.write_text(
        f'[tenants.prod]\nkind = "genauth"\napi_host = "{production.base_url}"\n'
        f'userpool_id = "{pool.id}"\nuserpool_secret = "{pool.secret}"\n'
    )
    for name in ("MAILCONSOLE_API_HOST", "MAILCONSOLE_USERPOOL_ID", "MAILCONSOLE_USERPOOL_SECRET"):
        monkeypatch.delenv(name, raising=False)
    from mailconsole.cli import main

    assert main(["apply", str(exported), "--yes", "--tenant", "prod", "--secrets", str(secrets)]) == 0
    assert main(["plan", str(exported), "--tenant", "prod", "--secrets", str(secrets)]) == 0
    assert main(["plan", str(exported), "--tenant", "nope", "--secrets", str(secrets)]) == 1

    data_dir = tmp_path / "another-service"
    assert main(["apply", str(exported), "--yes", "--data-dir", str(data_dir), "--secrets", str(secrets)]) == 0
    assert main(["plan", str(exported), "--data-dir", str(data_dir), "--secrets", str(secrets)]) == 0


def test_an_smtp_set_up_backend_takes_provider_yaml_only(
    exported: Path,
    production: RunningService,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from mailconsole.cli import main
    from tests.support import ask_for_token

    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    token = ask_for_token(production.base_url, production.userpool.id, production.userpool.secret)["data"][
        "access_token"
    ]
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[tenants.shift]\nkind = "smtp_setup"\nform = "shift"\nhost = "{production.base_url}"\n'
        f'tenant_id = "{production.userpool.id}"\ntoken = "{token}"\n'
    )
    assert main(["plan", str(exported), "--tenant", "shift", "--secrets", str(secrets)]) == 2
    assert "an SMTP set-up backend has no templates" in capsys.readouterr().out
    assert main(["apply", str(exported), "--yes", "--tenant", "shift", "--secrets", str(secrets)]) == 0
    with client_of(production) as client:
        smtp = client.get_email_provider().smtp_config
        assert smtp is not None and (smtp.smtp_host, smtp.smtp_port) == (smtp_server.host, smtp_server.port)
        assert all(template.version == 0 for template in client.get_email_templates().templates)
    assert main(["export", str(tmp_path / "out"), "--tenant", "shift", "--secrets", str(secrets)]) == 1
    assert "cannot be read back" in capsys.readouterr().err


def test_settings_of_every_provider_type_round_trip(
    staging: RunningService,
    production: RunningService,
    smtp_server: SmtpServer,
    mailconsole: Command,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from mailconsole.models import SendGridConfig

    with client_of(staging) as client:
        client.config_email_provider(
            type="sendgrid",
            enabled=False,
            send_grid_config=SendGridConfig(sender="a@example.com", apikey="SG.key-7Hn2x"),
        )
    customise(staging, smtp_server)  # custom SMTP, enabled: the active type
    directory = tmp_path / "both"
    assert mailconsole(staging, "export", str(directory)).status == 0
    provider_yaml = (directory / "provider.yaml").read_text()
    assert "apikey: ${SENDGRID_API_KEY}" in provider_yaml and "SG.key-7Hn2x" not in provider_yaml

    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("SENDGRID_API_KEY", "SG.key-7Hn2x")
    assert mailconsole(production, "apply", str(directory), "--yes").status == 0
    with client_of(staging) as source, client_of(production) as target:
        assert state(target)[0] == state(source)[0]
    assert mailconsole(production, "plan", str(directory)).status == 0


def test_an_enabled_type_without_its_settings_is_refused(
    production: RunningService, mailconsole: Command, tmp_path: Path
) -> None:
    directory = tmp_path / "bare"
    directory.mkdir()
    (directory / "provider.yaml").write_text("enabled: true\ntype: custom\n")
    outcome = mailconsole(production, "apply", str(directory), "--yes")
    assert outcome.status == 1
    assert "provider.yaml, line 2: smtpConfig is required when type is custom." in outcome.err


def test_apply_without_a_terminal_needs_yes(
    exported: Path, production: RunningService, mailconsole: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)

    def no_terminal(question: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    outcome = mailconsole(production, "apply", str(exported))
    assert outcome.status == 1
    assert "give --yes" in outcome.out
    assert _audit_and_state(production)[0] == 0
