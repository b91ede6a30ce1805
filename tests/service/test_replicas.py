"""Three ``mailconsole serve`` processes on one PostgreSQL, behind the test's round-robin: what must be true once is
true once (the once-a-minute rule, versions, the audit trail, the wrong-secret throttle, tokens), a replica killed
mid-run loses no acknowledged send, and a database restart gives 503s, then recovery without a restart."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mailconsole import ConflictError, ManagementClient
from mailconsole.models import SmtpConfig
from tests.postgres import ThrowawayPostgres
from tests.replicas import APP_ID, USERPOOL_ID, USERPOOL_SECRET, Replicas, start_replicas
from tests.support import SECRETS_USED, run_in_threads

SECRETS_USED.add(USERPOOL_SECRET)
MFA = "MFA_VERIFY_CODE"


@pytest.fixture(scope="module")
def replicas(postgres: ThrowawayPostgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    running = start_replicas(3, postgres.new_database(), tmp_path_factory.mktemp("replicas"))
    yield running
    running.stop()


def send(base_url: str, email: str, channel: str = "CHANNEL_LOGIN") -> dict[str, Any]:
    reply = httpx.post(
        f"{base_url}/api/v3/send-email",
        json={"channel": channel, "email": email},
        headers={"x-authing-app-id": APP_ID},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    envelope: dict[str, Any] = reply.json()
    return envelope


def management_token(base_url: str) -> str:
    reply = httpx.post(
        f"{base_url}/api/v3/get-management-token",
        json={"accessKeyId": USERPOOL_ID, "accessKeySecret": USERPOOL_SECRET},
    ).json()
    return str(reply["data"]["access_token"])


def management(base_url: str) -> ManagementClient:
    return ManagementClient(base_url, USERPOOL_ID, USERPOOL_SECRET)


def outbox(base_url: str) -> list[str]:
    """The recipients of the outbox, newest first."""
    with management(base_url) as client:
        return [message.to for message in client.list_outbox(limit=500)]


def test_twenty_concurrent_sends_of_one_pair_over_three_replicas_deliver_exactly_one(replicas: Replicas) -> None:
    targets = [replicas.next().base_url for _ in range(20)]
    replies: list[dict[str, Any]] = []
    lock = threading.Lock()

    def one(number: int) -> None:
        reply = send(targets[number], "race@acme.example")
        with lock:
            replies.append(reply)

    run_in_threads(one, 20)
    codes = sorted(reply["statusCode"] for reply in replies)
    assert codes == [200] + [429] * 19
    assert outbox(replicas.next().base_url).count("race@acme.example") == 1


def test_a_save_on_one_replica_is_seen_on_the_next_request_to_another(replicas: Replicas) -> None:
    first, second, third = (replicas.next().base_url for _ in range(3))
    with management(first) as client:
        saved = client.update_email_template(
            type=MFA, customize_enabled=True, name="MFA", subject="from replica one", sender="", content="{{code}}"
        )
    with management(second) as client:
        seen = next(t for t in client.get_email_templates().templates if t.type == MFA)
    assert (seen.subject, seen.version) == ("from replica one", saved.version)
    with management(third) as client, pytest.raises(ConflictError):  # based on the version before: refused
        client.update_email_template(
            type=MFA,
            customize_enabled=True,
            name="MFA",
            subject="stale",
            sender="",
            content="x",
            version=(saved.version or 1) - 1,
        )


def test_concurrent_saves_over_replicas_chain_in_the_audit_trail(replicas: Replicas) -> None:
    targets = [replicas.next().base_url for _ in range(9)]

    def save(number: int) -> None:
        config = SmtpConfig(
            smtp_host=f"smtp{number}.acme.example", smtp_port=465, sender="a@acme.example", sender_pass=""
        )
        with management(targets[number]) as client:
            for _ in range(20):  # "kept changing while this request was applied; send it again": a client does
                try:
                    client.config_email_provider(type="custom", enabled=False, smtp_config=config)
                    return
                except ConflictError:
                    continue
            raise AssertionError("the save never landed")

    run_in_threads(save, 9)
    with management(replicas.next().base_url) as client:
        entries = [entry for entry in client.list_audit(kind="provider") if entry.item == "custom"]
        assert client.get_email_provider().version == 9
    hosts = [next(c for c in entry.changes if c.field == "smtpConfig.smtp_host") for entry in reversed(entries)]
    assert len(hosts) == 9
    for earlier, later in itertools.pairwise(hosts):
        assert later.before == earlier.after  # each record's "before" is what the previous save wrote


def test_a_token_from_one_replica_works_on_the_others(replicas: Replicas) -> None:
    issued = management_token(replicas.next().base_url)
    for replica in replicas.members:
        reply = httpx.get(
            f"{replica.base_url}/api/v3/get-email-provider", headers={"authorization": f"Bearer {issued}"}
        ).json()
        assert reply["statusCode"] == 200


def test_wrong_secrets_spread_over_replicas_are_counted_together(replicas: Replicas) -> None:
    source = "127.0.0.9"
    for _ in range(10):
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source)) as http:
            body = {"accessKeyId": USERPOOL_ID, "accessKeySecret": "wrong"}
            reply = http.post(f"{replicas.next().base_url}/api/v3/get-management-token", json=body).json()
            assert reply["statusCode"] == 401
    for replica in replicas.members:  # every replica now refuses that address, even the right secret
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source)) as http:
            body = {"accessKeyId": USERPOOL_ID, "accessKeySecret": USERPOOL_SECRET}
            reply = http.post(f"{replica.base_url}/api/v3/get-management-token", json=body).json()
            assert reply["statusCode"] == 429


def test_a_replica_killed_mid_run_loses_no_acknowledged_send(replicas: Replicas) -> None:
    victim = replicas.members[1]
    acknowledged: list[str] = []
    lock = threading.Lock()

    def sender(number: int) -> None:
        for step in range(15):
            email = f"kill-{number}-{step}@acme.example"
            try:
                reply = send(replicas.members[(number + step) % 3].base_url, email)
            except httpx.TransportError:
                continue  # the killed replica: not acknowledged, the load balancer would retry elsewhere
            if reply["statusCode"] == 200:
                with lock:
                    acknowledged.append(email)

    threads = [threading.Thread(target=sender, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    victim.kill()
    for thread in threads:
        thread.join()
    survivor = replicas.members[0].base_url
    delivered = outbox(survivor)
    assert acknowledged, "no send was acknowledged at all"
    assert sorted(set(acknowledged) - set(delivered)) == []
    assert all(delivered.count(email) == 1 for email in acknowledged)  # and none twice


def test_a_database_restart_gives_503_then_recovers_by_itself(replicas: Replicas, postgres: ThrowawayPostgres) -> None:
    survivor = replicas.alive()[0].base_url
    with management(survivor) as client:
        # A token, pooled connections that the restart will break, and the state to find again afterwards.
        before = client.get_email_provider().version
        bearer = {"authorization": f"Bearer {management_token(survivor)}"}
        postgres.stop()
        try:
            # The SMTP set-up API speaks real HTTP statuses: 503 there.
            setup = httpx.post(
                f"{survivor}/auth/realms/{USERPOOL_ID}/mail/setup",
                json={"host": "smtp.acme.example", "from": "a@acme.example", "user": "u", "password": ""},
                headers=bearer,
                timeout=30,
            )
            assert (setup.status_code, setup.json()["status"]) == (503, "SERVICE_UNAVAILABLE")
            reply = httpx.post(
                f"{survivor}/api/v3/get-management-token",
                json={"accessKeyId": USERPOOL_ID, "accessKeySecret": USERPOOL_SECRET},
                headers={"x-authing-lang": "en-US"},
                timeout=30,
            ).json()
            assert reply["statusCode"] == 503
            assert "database" in reply["message"]
            assert httpx.get(f"{survivor}/local/v1/ready", timeout=30).status_code == 503
            assert httpx.get(f"{survivor}/local/v1/health", timeout=30).status_code == 200
        finally:
            postgres.start()
        deadline = time.monotonic() + 30
        while httpx.get(f"{survivor}/local/v1/ready", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the replica did not recover"
            time.sleep(0.5)
        assert client.get_email_provider().version == before  # nothing was lost or half-written
        assert send(survivor, "after-restart@acme.example")["statusCode"] == 200
