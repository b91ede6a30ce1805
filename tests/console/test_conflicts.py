"""No lost edits: someone else saves a template or the provider settings while the page is open. Against the
embedded service (versions), the save is refused and the page shows what changed with "Reload (discard my edits)"
and "Overwrite with my version"; against a backend without versions (GenAuth cloud), the item is read again before
saving and a difference needs "Save anyway". What the admin typed survives all of it."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from mailconsole import ManagementClient
from mailconsole.console.saving import provider_differences, template_diff
from mailconsole.models import SECRET_MASK, EmailProvider, EmailTemplate, ProviderType, SmtpConfig
from mailconsole.service.embedded import RunningService

TEMPLATES = "app_pages/templates.py"
PROVIDER = "app_pages/provider.py"
MFA = "MFA_VERIFY_CODE"
SECRET = "conflict-Smtp-Secret-3318"
SMTP = SmtpConfig(
    smtp_host="smtp.example.com",
    smtp_port=465,
    sender="mailer@example.com",
    sender_pass=SECRET,
    secure=True,
    from_address="no-reply@example.com",
    from_display_name="Acme",
)


def stored_mfa(management: ManagementClient) -> EmailTemplate:
    return next(item for item in management.get_email_templates().templates if item.type == MFA)


def save_mfa(management: ManagementClient, subject: str, content: str) -> EmailTemplate:
    return management.update_email_template(
        type=MFA,
        customize_enabled=True,
        name="MFA code",
        subject=subject,
        sender="{{client_name}}",
        content=content,
        expires_in=300,
    )


@pytest.fixture
def mfa(management: ManagementClient) -> EmailTemplate:
    """The MFA template as the admin will load it."""
    return save_mfa(management, "Your code {{verify_code}}", "<p>Code:</p>\n<p>{{verify_code}}</p>")


def key(at: AppTest, name: str) -> str:
    return f"tpl.{MFA}.{at.session_state[f'tpl.{MFA}.gen']}.{name}"


def edit_mfa(console: Any) -> AppTest:
    """The editor open on the MFA template, with the admin's edits typed in but not saved."""
    at = console.open(TEMPLATES)
    at.selectbox(key="tpl.type").set_value(MFA).run()
    at.text_input(key=key(at, "subject")).input("My subject {{verify_code}}").run()
    at.session_state[key(at, "content")] = "<p>My body {{verify_code}}</p>"
    at.run()
    console.no_exception(at)
    return at


def someone_else_edits_the_template(management: ManagementClient) -> EmailTemplate:
    return save_mfa(management, "Their subject {{verify_code}}", "<p>Code:</p>\n<p><b>{{verify_code}}</b></p>")


def codes(at: AppTest) -> str:
    return "\n".join(str(block.value) for block in at.code)


def buttons(at: AppTest) -> list[str]:
    return [button.label for button in at.button]


# ---- templates, against the embedded service (versions) ----------------------------------------------------------


def test_a_template_saved_elsewhere_shows_the_diff_and_keeps_the_edits(remote, mfa, management, console) -> None:
    at = edit_mfa(console)
    theirs = someone_else_edits_the_template(management)
    at.button(key=f"tpl.{MFA}.save").click().run()
    console.no_exception(at)

    (warning,) = [item.value for item in at.warning if "changed since you loaded it" in item.value]
    assert f"now version {theirs.version}" in warning
    assert f"access key {remote.userpool.id}" in warning  # who, from the audit trail
    diff = codes(at)
    assert "--- subject (as you loaded it)" in diff and "+++ subject (stored now)" in diff
    assert "-Your code {{verify_code}}" in diff and "+Their subject {{verify_code}}" in diff
    assert "-<p>{{verify_code}}</p>" in diff and "+<p><b>{{verify_code}}</b></p>" in diff
    assert " <p>Code:</p>" in diff  # an unchanged line, as context
    assert {"Reload (discard my edits)", "Overwrite with my version"} <= set(buttons(at))
    # Nothing was saved, and nothing typed was lost.
    assert stored_mfa(management).subject == "Their subject {{verify_code}}"
    assert at.text_input(key=key(at, "subject")).value == "My subject {{verify_code}}"
    assert at.session_state[key(at, "content")] == "<p>My body {{verify_code}}</p>"
    assert "● Unsaved changes" in console.text(at)


def test_who_changed_it_is_plain_text(remote, mfa, management, console) -> None:
    """The audit trail's "who" is whatever label the other caller sent: it must not become an image here."""
    at = edit_mfa(console)
    actor = "![x](http://evil.example/who.png)"
    with ManagementClient(remote.base_url, remote.userpool.id, remote.userpool.secret, actor=actor) as other:
        save_mfa(other, "Their subject {{verify_code}}", "<p>{{verify_code}}</p>")
    at.button(key=f"tpl.{MFA}.save").click().run()
    console.no_exception(at)
    (warning,) = [item.value for item in at.warning if "changed since you loaded it" in item.value]
    assert "last change: \\!\\[x\\](http://evil.example/who.png)" in warning
    assert actor not in warning


def test_overwrite_saves_the_edits_over_the_other_change(remote, mfa, management, console) -> None:
    at = edit_mfa(console)
    theirs = someone_else_edits_the_template(management)
    at.button(key=f"tpl.{MFA}.save").click().run()
    at.button(key=f"tpl.{MFA}.conflict.overwrite").click().run()
    console.no_exception(at)
    stored = stored_mfa(management)
    assert (stored.subject, stored.content) == ("My subject {{verify_code}}", "<p>My body {{verify_code}}</p>")
    assert stored.version == (theirs.version or 0) + 1
    text = console.text(at)
    assert "Saved “MFA code”." in text
    assert "Overwrite with my version" not in buttons(at)
    assert "● Unsaved changes" not in text
    # The editor now holds what is stored, and the next save is based on it: no conflict.
    at.text_input(key=key(at, "subject")).input("Again {{verify_code}}").run()
    at.button(key=f"tpl.{MFA}.save").click().run()
    assert stored_mfa(management).subject == "Again {{verify_code}}"


def test_reload_discards_the_edits_for_what_is_stored(remote, mfa, management, console) -> None:
    at = edit_mfa(console)
    someone_else_edits_the_template(management)
    at.button(key=f"tpl.{MFA}.save").click().run()
    at.button(key=f"tpl.{MFA}.conflict.reload").click().run()
    console.no_exception(at)
    assert at.text_input(key=key(at, "subject")).value == "Their subject {{verify_code}}"
    assert "Reload (discard my edits)" not in buttons(at)
    assert "your edits were discarded" in console.text(at)
    assert "● Unsaved changes" not in console.text(at)
    assert stored_mfa(management).subject == "Their subject {{verify_code}}"  # nothing was saved


def test_without_a_change_elsewhere_a_save_just_saves(remote, mfa, management, console) -> None:
    at = edit_mfa(console)
    at.button(key=f"tpl.{MFA}.save").click().run()
    console.no_exception(at)
    assert not [item for item in at.warning if "changed since you loaded it" in item.value]
    assert stored_mfa(management).version == (mfa.version or 0) + 1


# ---- templates, against a backend without versions ---------------------------------------------------------------


def test_without_versions_a_change_elsewhere_needs_save_anyway(
    remote_without_versions, mfa, management, console
) -> None:
    at = edit_mfa(console)
    someone_else_edits_the_template(management)
    at.button(key=f"tpl.{MFA}.save").click().run()
    console.no_exception(at)
    (warning,) = [item.value for item in at.warning if "changed on the backend" in item.value]
    assert "keeps no versions" in warning
    assert "+Their subject {{verify_code}}" in codes(at)
    assert {"Reload (discard my edits)", "Save anyway"} <= set(buttons(at))
    assert stored_mfa(management).subject == "Their subject {{verify_code}}"
    assert at.text_input(key=key(at, "subject")).value == "My subject {{verify_code}}"

    at.button(key=f"tpl.{MFA}.conflict.overwrite").click().run()
    console.no_exception(at)
    assert stored_mfa(management).subject == "My subject {{verify_code}}"
    assert "Saved “MFA code”." in console.text(at)


def test_without_versions_and_no_change_elsewhere_a_save_just_saves(
    remote_without_versions, mfa, management, console
) -> None:
    at = edit_mfa(console)
    at.button(key=f"tpl.{MFA}.save").click().run()
    assert "Save anyway" not in buttons(at)
    assert stored_mfa(management).subject == "My subject {{verify_code}}"


# ---- the provider settings ---------------------------------------------------------------------------------------


@pytest.fixture
def smtp_stored(management: ManagementClient) -> None:
    management.config_email_provider(type=ProviderType.CUSTOM, enabled=True, smtp_config=SMTP)


def kept(service: RunningService) -> SmtpConfig:
    smtp = service.store.provider(service.userpool.id).smtp_config
    assert smtp is not None
    return smtp


def edit_provider(console: Any) -> AppTest:
    at = console.open(PROVIDER)
    at.text_input(key="prov.custom.from_name").input("Mine").run()
    at.text_input(key="prov.custom.reply_to").input("me@example.com").run()
    console.no_exception(at)
    return at


def someone_else_edits_the_provider(management: ManagementClient) -> None:
    stored = management.get_email_provider().smtp_config
    assert stored is not None
    update = {"from_display_name": "Theirs", "from_address": "theirs@example.com"}
    management.config_email_provider(type="custom", enabled=True, smtp_config=stored.model_copy(update=update))


def test_provider_settings_saved_elsewhere_show_the_fields_that_differ(remote, smtp_stored, management, console):
    at = edit_provider(console)
    someone_else_edits_the_provider(management)
    at.button(key="prov.save").click().run()
    console.no_exception(at)
    assert [item.value for item in at.warning if "changed since you loaded it" in item.value]
    changed = codes(at)
    assert 'smtpConfig.fromDisplayName: "Acme" → "Theirs"' in changed
    assert 'smtpConfig.from: "no-reply@example.com" → "theirs@example.com"' in changed
    assert {"Reload (discard my edits)", "Overwrite with my version"} <= set(buttons(at))
    assert kept(remote).from_display_name == "Theirs"
    assert at.text_input(key="prov.custom.from_name").value == "Mine"
    assert at.text_input(key="prov.custom.reply_to").value == "me@example.com"

    at.button(key="prov.conflict.overwrite").click().run()
    console.no_exception(at)
    smtp = kept(remote)
    assert (smtp.from_display_name, smtp.reply_to, smtp.from_address) == (
        "Mine",
        "me@example.com",
        "no-reply@example.com",
    )
    assert smtp.sender_pass == SECRET  # the empty password field kept the stored one
    assert "Provider settings saved" in console.text(at)
    assert "Overwrite with my version" not in buttons(at)
    assert SECRET not in console.text(at)


def test_provider_reload_discards_the_edits(remote, smtp_stored, management, console) -> None:
    at = edit_provider(console)
    someone_else_edits_the_provider(management)
    at.button(key="prov.save").click().run()
    at.button(key="prov.conflict.reload").click().run()
    console.no_exception(at)
    assert at.text_input(key="prov.custom.from_name").value == "Theirs"
    assert at.text_input(key="prov.custom.from").value == "theirs@example.com"
    assert at.text_input(key="prov.custom.reply_to").value == ""
    assert "Reload (discard my edits)" not in buttons(at)
    assert kept(remote).from_display_name == "Theirs"


def test_provider_without_versions_needs_save_anyway(
    remote_without_versions, smtp_stored, management, service, console
):
    at = console.open(PROVIDER)
    at.toggle(key="prov.enabled").set_value(False).run()
    # Meanwhile someone else switches SSL off and sets a new password (same server and login).
    stored = management.get_email_provider().smtp_config
    assert stored is not None
    management.config_email_provider(
        type="custom", enabled=True, smtp_config=stored.model_copy(update={"secure": False, "sender_pass": "new-pw"})
    )
    at.button(key="prov.save").click().run()
    console.no_exception(at)
    assert [item.value for item in at.warning if "keeps no versions" in item.value]
    assert "smtpConfig.secure: on → off" in codes(at)
    assert "Save anyway" in buttons(at)
    assert service.store.provider(service.userpool.id).enabled is True
    assert at.toggle(key="prov.enabled").value is False

    at.button(key="prov.conflict.overwrite").click().run()
    console.no_exception(at)
    saved = service.store.provider(service.userpool.id)
    assert saved.enabled is False
    assert (
        saved.smtp_config is not None and saved.smtp_config.sender_pass == "new-pw"
    )  # theirs, kept by the empty field


def test_what_differs_reads_field_by_field_and_secrets_only_as_changed() -> None:
    loaded = EmailProvider(enabled=True, type="custom", smtp_config=SMTP)
    current = loaded.model_copy(
        update={"smtp_config": SMTP.model_copy(update={"sender_pass": "other", "smtp_port": 587})}
    )
    assert provider_differences(loaded, current) == ["smtpConfig.smtp_port: 465 → 587", "smtpConfig.senderPass changed"]
    masked = loaded.map_secrets(lambda _: SECRET_MASK)
    assert provider_differences(masked, masked.model_copy(update={"version": 9})) == []
    template = EmailTemplate(customize_enabled=True, type=MFA, name="n", subject="a", sender="s", content="x\ny")
    assert template_diff(template, template.model_copy(update={"version": 3})) == ""
    diff = template_diff(template, template.model_copy(update={"content": "x\nz"}))
    assert diff.splitlines() == [
        "--- content (as you loaded it)",
        "+++ content (stored now)",
        "@@ -1,2 +1,2 @@",
        " x",
        "-y",
        "+z",
    ]
