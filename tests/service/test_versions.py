"""Versions of provider settings and templates over real HTTP: they grow by one with each change, a save based on
an older one is refused with 409 and the current version (changing nothing), a save without one is applied, and of
concurrent saves based on one version exactly one wins."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from mailconsole import ConflictError, ManagementClient
from mailconsole.models import EmailTemplate, SmtpConfig
from mailconsole.service.embedded import RunningService
from mailconsole.service.secret_box import SecretBox
from mailconsole.service.store import Store, VersionConflict
from tests.service.test_api import management_token
from tests.service.test_smtp_setup_api import post as setup_post
from tests.support import run_in_threads

SMTP = SmtpConfig(smtp_host="smtp.acme.example", smtp_port=465, sender="mailer@acme.example", sender_pass="pw-1")
MFA = "MFA_VERIFY_CODE"


def template(management: ManagementClient, kind: str = MFA) -> EmailTemplate:
    return next(item for item in management.get_email_templates().templates if item.type == kind)


def save_mfa(management: ManagementClient, subject: str, version: int | None = None) -> EmailTemplate:
    return management.update_email_template(
        type=MFA,
        customize_enabled=True,
        name="MFA",
        subject=subject,
        sender="{{client_name}}",
        content="<p>{{verify_code}}</p>",
        version=version,
    )


def test_provider_versions_grow_by_one_with_each_change(management: ManagementClient) -> None:
    assert management.get_email_provider().version == 0
    assert management.config_email_provider(type="custom", enabled=False, smtp_config=SMTP).version == 1
    stored = management.get_email_provider()
    assert stored.version == 1
    masked = stored.smtp_config  # the mask in it keeps the stored password
    assert management.config_email_provider(type="custom", enabled=True, smtp_config=masked, version=1).version == 2
    # A save that changes nothing makes no new version.
    assert management.config_email_provider(type="custom", enabled=True, smtp_config=masked, version=2).version == 2
    assert management.get_email_provider().version == 2


def test_template_versions_start_at_zero_for_the_default_and_are_per_type(management: ManagementClient) -> None:
    assert {item.version for item in management.get_email_templates().templates} == {0}
    assert save_mfa(management, "one", version=0).version == 1
    assert save_mfa(management, "two").version == 2
    versions = {str(item.type): item.version for item in management.get_email_templates().templates}
    assert versions.pop(MFA) == 2
    assert set(versions.values()) == {0}


def test_an_older_provider_version_is_refused_with_the_current_one_and_changes_nothing(
    service: RunningService, management: ManagementClient
) -> None:
    management.config_email_provider(type="custom", enabled=False, smtp_config=SMTP)
    management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    before = service.store.versioned_provider(service.userpool.id)
    audit_before = management.list_audit()

    with pytest.raises(ConflictError) as caught:
        management.config_email_provider(type="custom", enabled=False, version=1)
    assert caught.value.status_code == 409
    assert caught.value.current_version == 2
    assert "changed since it was loaded" in caught.value.message
    assert service.store.versioned_provider(service.userpool.id) == before
    assert management.list_audit() == audit_before

    # The envelope itself, as any caller sees it.
    reply = httpx.post(
        f"{service.base_url}/api/v3/config-email-provider",
        json={"type": "custom", "enabled": False, "version": 1},
        headers={"authorization": f"Bearer {management_token(service)}"},
    ).json()
    assert (reply["statusCode"], reply["data"]) == (409, {"version": 2})
    # A version from the future (another database) is no more current than an old one.
    with pytest.raises(ConflictError):
        management.config_email_provider(type="custom", enabled=False, version=3)


def test_an_older_template_version_is_refused_and_changes_nothing(
    service: RunningService, management: ManagementClient
) -> None:
    save_mfa(management, "mine", version=0)
    save_mfa(management, "theirs", version=1)
    with pytest.raises(ConflictError) as caught:
        save_mfa(management, "stale", version=1)
    assert caught.value.current_version == 2
    assert "MFA_VERIFY_CODE changed since it was loaded" in caught.value.message
    assert (template(management).subject, template(management).version) == ("theirs", 2)
    assert len(management.list_audit(kind="template")) == 2
    # Sending the current version overwrites.
    assert save_mfa(management, "stale", version=2).subject == "stale"


def test_without_a_version_a_save_is_applied_as_before(service: RunningService, management: ManagementClient) -> None:
    save_mfa(management, "one")
    save_mfa(management, "two")
    assert (template(management).subject, template(management).version) == ("two", 2)
    management.config_email_provider(type="custom", enabled=True, smtp_config=SMTP)
    # The SMTP set-up API has no versions: it always applies, and counts as a change.
    body = {"host": "smtp.other.example", "from": "a@acme.example"}
    assert setup_post(service, "shift", body, management_token(service)).status_code == 200
    provider = management.get_email_provider()
    assert provider.version == 2
    assert provider.smtp_config is not None and provider.smtp_config.smtp_host == "smtp.other.example"


def test_official_sdks_see_versions_and_save_without_one(service: RunningService, management: ManagementClient) -> None:
    from authing import ManagementClient as AuthingManagement
    from genauth import ManagementClient as GenAuthManagement

    save_mfa(management, "console", version=0)
    for number, sdk_class in enumerate((GenAuthManagement, AuthingManagement), start=2):
        sdk = sdk_class(
            access_key_id=service.userpool.id, access_key_secret=service.userpool.secret, host=service.base_url
        )
        reply = sdk.update_email_template(
            content="<p>{{verify_code}}</p>",
            sender="{{client_name}}",
            subject=f"sdk {number}",
            name="MFA",
            customize_enabled=True,
            type=MFA,
        )
        assert reply["statusCode"] == 200, reply
        assert reply["data"]["version"] == number
        listed = sdk.get_email_templates()["data"]["templates"]
        assert next(item for item in listed if item["type"] == MFA)["version"] == number


def test_concurrent_saves_based_on_one_version_exactly_one_wins(
    service: RunningService, management: ManagementClient
) -> None:
    base = save_mfa(management, "base", version=0).version
    assert base == 1
    outcomes: dict[int, Any] = {}
    writers = 8
    start = threading.Barrier(writers)

    def save(number: int) -> None:
        with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as client:
            client.get_email_provider()  # the token first, so that the saves leave together
            start.wait()
            try:
                outcomes[number] = save_mfa(client, f"writer {number}", version=base)
            except ConflictError as err:
                outcomes[number] = err

    run_in_threads(save, writers)
    winners = [number for number, outcome in outcomes.items() if isinstance(outcome, EmailTemplate)]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, ConflictError)]
    assert len(winners) == 1 and len(losers) == writers - 1
    assert {loser.current_version for loser in losers} == {2}
    stored = template(management)
    assert (stored.subject, stored.version) == (f"writer {winners[0]}", 2)
    assert len(management.list_audit(kind="template")) == 2


def test_concurrent_saves_without_a_version_all_land_one_version_each(
    service: RunningService, management: ManagementClient
) -> None:
    def save(number: int) -> None:
        with ManagementClient(service.base_url, service.userpool.id, service.userpool.secret) as client:
            save_mfa(client, f"writer {number}")

    run_in_threads(save, 6)
    assert template(management).version == 6
    entries = management.list_audit(kind="template")
    assert len(entries) == 6
    # Each record's "before" is what its save really replaced: the records chain without a gap.
    subjects = [next(change for change in entry.changes if change.field == "subject") for entry in reversed(entries)]
    for earlier, later in itertools.pairwise(subjects):
        assert later.before == earlier.after


def test_the_store_checks_and_writes_in_one_transaction(database: Path | str) -> None:
    """Straight at the store, from threads: one write per base version, the others see the one that won."""
    store = Store(database, SecretBox("k"))
    won: list[int] = []
    lost: list[int] = []
    lock = threading.Lock()

    def write(number: int) -> None:
        item = EmailTemplate(customize_enabled=True, type=MFA, name="MFA", subject=str(number), sender="", content="")
        try:
            store.save_template("pool", item, base_version=0)
            with lock:
                won.append(number)
        except VersionConflict as conflict:
            with lock:
                lost.append(conflict.current)

    try:
        run_in_threads(write, 16)
        assert len(won) == 1 and lost == [1] * 15
        saved, version = store.versioned_template("pool", MFA)
        assert saved is not None and (saved.subject, version) == (str(won[0]), 1)
    finally:
        store.close()


@pytest.mark.sqlite_only
def test_items_saved_before_versions_existed_start_at_one(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    Store(path, SecretBox("k")).close()
    item = EmailTemplate(customize_enabled=True, type=MFA, name="MFA", subject="old", sender="", content="")
    with sqlite3.connect(path) as db:  # rows as an earlier release wrote them: no versions
        db.execute("INSERT INTO templates VALUES ('pool', ?, ?)", (MFA, item.model_dump_json(by_alias=True)))
        db.execute("DELETE FROM versions")
    db.close()
    store = Store(path, SecretBox("k"))
    try:
        assert store.versioned_template("pool", MFA)[1] == 1
        assert store.versioned_provider("pool")[1] == 0
    finally:
        store.close()


def test_the_service_announces_audit_and_versions(management: ManagementClient) -> None:
    info = management.service_info()
    assert info is not None and {"audit", "versions"} <= set(info.extensions)
