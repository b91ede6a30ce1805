"""Template history over real HTTP: every save is kept, newest first; a restore is a save like any other (content
equal, version +1, audited), refused with 409 on a stale baseVersion; a template saved before the history was kept
gets its stored fields as its current version."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailconsole import ConflictError, ManagementClient, NotFoundError
from mailconsole.models import AuditKind, EmailTemplate, TemplateType
from mailconsole.service.secret_box import SecretBox
from mailconsole.service.store import Store
from tests.support import schema_as_of

TYPE = "REGISTER_VERIFY_CODE"


def save(management: ManagementClient, n: int, **overrides: object) -> EmailTemplate:
    fields: dict[str, object] = {
        "customize_enabled": True,
        "name": "Register",
        "subject": f"Subject {n} {{{{verify_code}}}}",
        "sender": f"Sender {n}",
        "content": f"<p>Body {n}: {{{{verify_code}}}}</p>",
        "expires_in": 60 * n,
        **overrides,
    }
    return management.update_email_template(type=TYPE, **fields)  # type: ignore[arg-type]


def test_three_saves_then_restore_the_first(service, management: ManagementClient) -> None:
    pool = service.userpool
    with ManagementClient(service.base_url, pool.id, pool.secret, actor="ann@example.com") as ann:
        first = save(ann, 1)
    save(management, 2)
    third = save(management, 3, tpl_engine="ejs", content="<p>Body 3: <%= verify_code %></p>")
    assert (first.version, third.version) == (1, 3)

    history = management.template_history(type=TYPE)
    assert [revision.version for revision in history] == [3, 2, 1]
    assert [revision.actor for revision in history] == [f"access key {service.userpool.id}"] * 2 + ["ann@example.com"]
    oldest = history[-1]
    assert (oldest.subject, oldest.sender, oldest.content, oldest.expires_in) == (
        first.subject,
        first.sender,
        first.content,
        60,
    )
    assert str(history[0].tpl_engine) == "ejs"
    assert oldest.at.endswith("Z") and oldest.at <= history[0].at
    assert [revision.version for revision in management.template_history(type=TYPE, limit=2)] == [3, 2]

    restored = management.restore_template(type=TYPE, version=1, base_version=3)
    assert restored.version == 4
    stored = {str(t.type): t for t in management.get_email_templates().templates}[TYPE]
    for field in ("subject", "sender", "content", "expires_in", "tpl_engine", "name", "customize_enabled"):
        assert getattr(stored, field) == getattr(first, field), field
    assert stored.version == 4
    assert [revision.version for revision in management.template_history(type=TYPE)] == [4, 3, 2, 1]

    audit = management.list_audit(kind=AuditKind.TEMPLATE, limit=1)[0]
    changed = {change.field: change for change in audit.changes}
    assert audit.item == TYPE
    assert changed["tplEngine"].after == "handlebar" and changed["tplEngine"].before == "ejs"
    assert changed["content"].after == first.content


def test_a_stale_base_version_is_refused_and_nothing_changes(management: ManagementClient) -> None:
    save(management, 1)
    save(management, 2)
    save(management, 3)
    with pytest.raises(ConflictError) as stale:
        management.restore_template(type=TYPE, version=1, base_version=2)
    assert stale.value.current_version == 3
    assert "changed since it was loaded" in stale.value.message
    assert management.template_history(type=TYPE)[0].version == 3
    # Without a base version it applies to whatever is current.
    assert management.restore_template(type=TYPE, version=2).version == 4
    with pytest.raises(NotFoundError, match="has no saved version 9"):
        management.restore_template(type=TYPE, version=9)


def test_restoring_what_is_stored_makes_no_new_version(management: ManagementClient) -> None:
    save(management, 1)
    assert management.restore_template(type=TYPE, version=1).version == 1
    assert len(management.template_history(type=TYPE)) == 1


def test_a_type_never_saved_has_no_history(management: ManagementClient) -> None:
    assert management.template_history(type=TemplateType.WELCOME_EMAIL) == []


def test_a_template_saved_before_the_history_was_kept_gets_its_current_version(tmp_path: Path) -> None:
    path = tmp_path / "data" / "mailconsole.db"
    box = SecretBox.for_data_dir(tmp_path / "data", None)
    store = Store(path, box)
    template = EmailTemplate(
        customize_enabled=True, type=TYPE, name="Old", subject="Old subject", sender="Old", content="<p>old</p>"
    )
    store.save_template("pool", template)
    store.save_template("pool", template.model_copy(update={"subject": "Older subject"}))
    store.close()
    schema_as_of(path, "0002")  # as an older release left the file: no history table

    reopened = Store(path, box)
    [revision] = reopened.template_history("pool", TYPE, 10)
    assert (revision.version, revision.subject, revision.content) == (2, "Older subject", "<p>old</p>")
    reopened.save_template("pool", template)
    assert [item.version for item in reopened.template_history("pool", TYPE, 10)] == [3, 2]
    reopened.close()
