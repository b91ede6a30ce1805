"""/audit: the backend's audit trail, newest first, filterable by kind; a change made in the console names the
signed-in administrator of that session (and only of that session), a change through the API its access key."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from mailconsole.console.records import audit_rows
from mailconsole.models import AuditChange, AuditEntry, SmtpConfig

PAGE = "app_pages/audit.py"
TEMPLATES = "app_pages/templates.py"
APP = "../../console_app.py"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-long-enough-for-hs256",
    "client_id": "mail-console",
    "client_secret": "client-secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
ADMINS = ["alice@example.com", "bob@example.com"]
MFA = "MFA_VERIFY_CODE"


def signed_in(console: Any, email: str, page: str) -> AppTest:
    """The console as an administrator signed in with ``email`` sees it (AppTest sets st.user from at.user)."""
    at = AppTest.from_file(APP, default_timeout=30)
    console.opened.append(at)
    at.secrets = {"auth": AUTH, "console": {"admins": ADMINS}}
    at.user = {"is_logged_in": True, "email": email}
    with patch_config_options({"server.address": "127.0.0.1"}):
        at.run()
        at.switch_page(page).run()
    console.no_exception(at)
    return at


def table(at: AppTest) -> pd.DataFrame:
    (frame,) = at.dataframe
    value: pd.DataFrame = frame.value
    return value


def save_subject_in_editor(at: AppTest, subject: str) -> None:
    at.selectbox(key="tpl.type").set_value(MFA).run()
    generation = at.session_state[f"tpl.{MFA}.gen"]
    at.text_input(key=f"tpl.{MFA}.{generation}.subject").input(subject).run()
    at.button(key=f"tpl.{MFA}.save").click().run()
    assert not at.exception


def test_changes_in_the_console_name_the_admin_of_each_session(remote, console, management) -> None:
    alice = signed_in(console, "alice@example.com", TEMPLATES)
    save_subject_in_editor(alice, "Alice's subject {{verify_code}}")
    bob = signed_in(console, "bob@example.com", TEMPLATES)  # opened after Alice's save: no conflict
    save_subject_in_editor(bob, "Bob's subject {{verify_code}}")
    bobs, alices = management.list_audit(kind="template", limit=2)
    assert (alices.actor, bobs.actor) == ("alice@example.com", "bob@example.com")
    assert alice.session_state["mc.connection"].management is not bob.session_state["mc.connection"].management

    with patch_config_options({"server.address": "127.0.0.1"}):
        alice.switch_page(PAGE).run()
    console.no_exception(alice)
    rows = table(alice)
    assert list(rows["Who"][:2]) == ["bob@example.com", "alice@example.com"]
    assert list(rows["Item"][:2]) == [MFA, MFA]
    assert "subject: " in rows["Changes"][0] and "Bob's subject" in rows["Changes"][0]


def test_the_page_lists_api_changes_newest_first_and_filters_by_kind(remote, console, management) -> None:
    secret = "audit-page-Secret-4417"
    management.config_email_provider(
        type="custom",
        enabled=False,
        smtp_config=SmtpConfig(smtp_host="smtp.audit.example", smtp_port=465, sender="u", sender_pass=secret),
    )
    template = next(item for item in management.get_email_templates().templates if item.type == "WELCOME_EMAIL")
    management.update_email_template(
        type="WELCOME_EMAIL",
        customize_enabled=True,
        name=template.name,
        subject="Welcome aboard",
        sender=template.sender,
        content=template.content,
    )
    at = console.open(PAGE)
    console.no_exception(at)
    rows = table(at)
    assert list(rows.columns) == ["Time (UTC)", "Who", "Kind", "Item", "Changes"]
    assert list(rows["Kind"][:2]) == ["Template", "Provider settings"]
    assert rows["Who"][0] == f"access key {remote.userpool.id}"
    assert list(rows["Time (UTC)"]) == sorted(rows["Time (UTC)"], reverse=True)
    assert 'smtpConfig.smtp_host: none → "smtp.audit.example"' in rows["Changes"][1]
    assert "smtpConfig.senderPass changed" in rows["Changes"][1]
    assert secret not in console.text(at)
    # One entry opened: a line per field.
    provider_entry = management.list_audit(kind="provider", limit=1)[0]
    at.selectbox(key="audit.open").set_value(provider_entry.id).run()
    (details,) = at.code
    assert 'smtpConfig.smtp_host: none → "smtp.audit.example"\n' in details.value
    assert "\nsmtpConfig.senderPass changed" in details.value
    assert secret not in console.text(at)

    at.button_group(key="audit.kind").set_value("Provider settings").run()
    assert set(table(at)["Kind"]) == {"Provider settings"}
    at.button_group(key="audit.kind").set_value("Templates").run()
    assert set(table(at)["Kind"]) == {"Template"}


def test_rows_read_as_sentences() -> None:
    entry = AuditEntry(
        id=1,
        at="2026-11-05T10:00:00.123Z",
        actor="alice@example.com",
        kind="template",
        item="WELCOME_EMAIL",
        changes=[
            AuditChange(field="customizeEnabled", before=False, after=True),
            AuditChange(field="content", before="<p>a</p>", after="<p>\nlong\n</p>"),
            AuditChange(field="smtpConfig.senderPass", after="changed"),
        ],
    )
    (row,) = audit_rows([entry])
    assert row["Time (UTC)"] == "2026-11-05 10:00:00"
    assert row["Changes"] == (
        "customizeEnabled: off → on; content: changed (8 characters → 13 characters); smtpConfig.senderPass changed"
    )


def test_a_backend_without_an_audit_trail_gets_no_page(remote_without_versions, console) -> None:
    at = console.open()
    console.no_exception(at)
    with pytest.raises(ValueError, match=r"Could not find a navigation page for .*audit\.py"):
        at.switch_page(PAGE).run()


def test_a_change_on_a_loopback_console_without_sign_in_names_the_local_admin(remote, console, management) -> None:
    at = console.open(TEMPLATES)
    console.no_exception(at)
    save_subject_in_editor(at, "Local subject {{verify_code}}")
    (latest,) = management.list_audit(kind="template", limit=1)
    assert latest.actor == "local admin (no sign-in)"
    at.switch_page(PAGE).run()
    assert table(at)["Who"][0] == "local admin (no sign-in)"


def test_a_body_change_opens_as_a_diff(remote, console, management) -> None:
    template = next(item for item in management.get_email_templates().templates if item.type == "WELCOME_EMAIL")
    management.update_email_template(
        type="WELCOME_EMAIL",
        customize_enabled=True,
        name=template.name,
        subject=template.subject,
        sender=template.sender,
        content=template.content.replace("</p>", "</p>\n<p>One more line for the audit page</p>", 1),
    )
    at = console.open(PAGE)
    console.no_exception(at)
    assert "content: changed (+" in table(at)["Changes"][0]
    diffs = [block.value for block in at.code if block.language == "diff"]
    assert any("+<p>One more line for the audit page</p>" in diff for diff in diffs), diffs
