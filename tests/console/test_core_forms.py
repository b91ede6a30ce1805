"""The console's typed core for the two editors (mailconsole.console): the provider form, template drafts, and the
version-checked save, as plain functions against the real embedded service where a backend is involved."""

from __future__ import annotations

import pytest

from mailconsole import ManagementClient
from mailconsole.console.drafts import Draft, parse_context, render_draft
from mailconsole.console.provider_form import (
    FORM_FIELDS,
    PRESET_SERVERS,
    FormIncomplete,
    build_provider,
    initial_fields,
    mode_for_port,
    provider_request,
)
from mailconsole.console.saving import Conflict, save_checked
from mailconsole.models import EmailProvider, EmailTemplate, ProviderType, SmtpConfig, TemplateType
from mailconsole.service.settings import ServiceSettings

SMTP = {"host": "smtp.example.com", "port": 465, "ssl": True, "user": "u@example.com", "password": "pw-123456"}


def test_every_provider_type_has_its_fields_and_builds_through_one_dispatch() -> None:
    assert set(FORM_FIELDS) == set(ProviderType)
    for provider_type, values in (
        (ProviderType.CUSTOM, SMTP),
        (ProviderType.ALI, {"sender": "a@example.com", "password": "pw"}),
        (ProviderType.QQ, {"sender": "q@example.com", "password": "pw"}),
        (ProviderType.SENDGRID, {"sender": "s@example.com", "apikey": "SG.key"}),
    ):
        built = build_provider(provider_type, values, None, extras=True)
        assert built.config is not None and built.errors == {}, provider_type


def test_a_request_that_cannot_be_sent_names_its_first_fault() -> None:
    stored = EmailProvider(type=ProviderType.CUSTOM, enabled=True)
    with pytest.raises(FormIncomplete, match="host is required"):
        provider_request(ProviderType.CUSTOM, {**SMTP, "host": ""}, stored, extras=True, blank_and_off=False)
    assert provider_request(ProviderType.CUSTOM, {}, stored, extras=True, blank_and_off=True) == {}
    request = provider_request(ProviderType.CUSTOM, SMTP, stored, extras=True, blank_and_off=False)
    assert request["smtp_config"].smtp_host == "smtp.example.com"


def test_the_form_starts_from_the_stored_settings_with_every_secret_empty() -> None:
    smtp = SmtpConfig(smtp_host="mx.example.com", smtp_port=587, sender="u", sender_pass="stored-secret", secure=False)
    fields = initial_fields(EmailProvider(type=ProviderType.CUSTOM, enabled=True, smtp_config=smtp))
    assert (fields["type"], fields["custom.host"], fields["custom.port"]) == (
        ProviderType.CUSTOM,
        "mx.example.com",
        587,
    )
    assert "stored-secret" not in fields.values()


def test_the_preset_servers_are_the_services_own() -> None:
    settings = ServiceSettings()
    assert PRESET_SERVERS[ProviderType.ALI].startswith(f"{settings.ali_smtp_host}:{settings.ali_smtp_port}")
    assert PRESET_SERVERS[ProviderType.QQ].startswith(f"{settings.qq_smtp_host}:{settings.qq_smtp_port}")


def login_template(management: ManagementClient) -> EmailTemplate:
    return next(item for item in management.get_email_templates().templates if item.type == "LOGIN_VERIFY_CODE")


def save_subject(management: ManagementClient, baseline: EmailTemplate, subject: str) -> EmailTemplate:
    fields = baseline.model_dump(include={"customize_enabled", "name", "sender", "content", "tpl_engine"})
    return management.update_email_template(
        type=TemplateType.LOGIN_VERIFY_CODE, version=baseline.version, subject=subject, **fields
    )


def checked(management: ManagementClient, loaded: EmailTemplate, baseline: EmailTemplate, subject: str) -> object:
    return save_checked(
        loaded=loaded,
        baseline=baseline,
        read=lambda: login_template(management),
        changed=lambda before, after: before.subject != after.subject,
        save=lambda _: save_subject(management, baseline, subject),
    )


def test_a_save_based_on_a_stale_version_comes_back_as_the_conflict(management: ManagementClient) -> None:
    loaded = login_template(management)
    saved = checked(management, loaded, loaded, "mine")
    assert isinstance(saved, EmailTemplate) and saved.subject == "mine"
    theirs = save_subject(management, login_template(management), "theirs")  # someone else, meanwhile
    conflict = checked(management, loaded, saved, "mine again")
    assert isinstance(conflict, Conflict) and conflict.versioned
    assert (conflict.loaded.subject, conflict.current.subject, conflict.current.version) == (
        loaded.subject,
        "theirs",
        theirs.version,
    )
    overwritten = checked(management, loaded, conflict.current, "mine again")  # "Overwrite" on purpose
    assert isinstance(overwritten, EmailTemplate) and overwritten.subject == "mine again"


def test_without_versions_the_item_is_read_again_and_compared() -> None:
    loaded = EmailProvider(type=ProviderType.CUSTOM, enabled=False)
    stored = [loaded.model_copy(update={"enabled": True})]
    saves: list[EmailProvider | None] = []

    def save(fresh: EmailProvider | None) -> EmailProvider:
        saves.append(fresh)
        return loaded

    outcome = save_checked(
        loaded=loaded, baseline=loaded, read=lambda: stored[0], changed=lambda a, b: a != b, save=save
    )
    assert isinstance(outcome, Conflict) and not outcome.versioned and outcome.current.enabled
    assert saves == []
    outcome = save_checked(
        loaded=loaded, baseline=stored[0], read=lambda: stored[0], changed=lambda a, b: a != b, save=save
    )
    assert outcome is loaded and saves == [stored[0]]  # built against what was read just before


def test_a_draft_stopped_by_a_limit_reads_like_a_compile_error() -> None:
    draft = Draft(
        template_type=TemplateType.LOGIN_VERIFY_CODE,
        name="x",
        subject="ok",
        sender="ok",
        customize_enabled=True,
        expires_in=None,
        redirect_to=None,
        tpl_engine="handlebar",
        content="{{#each @root}}" * 5 + "x" + "{{/each}}" * 5,
    )
    preview = render_draft(draft, {f"k{index}": index for index in range(21)})
    assert preview.compile_errors == {"content"} and not preview.ok
    assert (preview.subject, preview.sender) == ("ok", "ok")


def test_a_sample_context_that_is_not_an_object_says_so() -> None:
    with pytest.raises(ValueError, match="line 1, column 2"):
        parse_context("{oops")
    with pytest.raises(ValueError, match="must be a JSON object"):
        parse_context("[1]")


def test_the_usual_ports_suggest_their_mode_as_mail_clients_do() -> None:
    assert mode_for_port(465) == "ssl"
    assert mode_for_port(587) == "starttls"
    assert mode_for_port(25) == "plain"
    assert mode_for_port(2525) is None  # no convention: the switches stay as they are
    assert mode_for_port(None) is None


def test_a_test_domain_from_address_is_taken_with_a_note_only_for_a_local_server() -> None:
    values = {"host": "127.0.0.1", "port": 1025, "ssl": False, "from": "no-reply@acme.test"}
    local = build_provider(ProviderType.CUSTOM, values, None, extras=True)
    assert local.config is not None and local.config.from_address == "no-reply@acme.test"
    assert "this machine" in local.notes["from"]
    remote = build_provider(ProviderType.CUSTOM, values | {"host": "smtp.example.com"}, None, extras=True)
    assert remote.config is None
    assert "only a mail server on this machine" in remote.errors["from"].message
