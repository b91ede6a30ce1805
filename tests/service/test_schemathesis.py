"""Schemathesis against the service's own OpenAPI document, over real HTTP: generated requests, valid and
invalid, never make the service fail (no HTTP 5xx, and no envelope with statusCode 500).

Hypothesis drives schemathesis' strategies directly: the lazy ``schemathesis.pytest.from_fixture`` loader of
schemathesis 4.32 sets ``Node._nodeid``, which pytest 9.2 no longer has.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import emails
from schemathesis import APIOperation, Case, CheckContext, GenerationMode, Response
from schemathesis.checks import not_a_server_error

from mailconsole.service.embedded import RunningService
from mailconsole.service.settings import ServiceSettings
from tests.support import free_port

# Operations the document must show (others may join them).
OPERATIONS = {
    "POST /api/v3/get-management-token",
    "GET /api/v3/get-email-provider",
    "POST /api/v3/config-email-provider",
    "GET /api/v3/get-email-templates",
    "POST /api/v3/update-email-template",
    "POST /api/v3/preview-email-template",
    "POST /api/v3/send-email",
    "POST /auth/realms/{tenant_id}/mail/setup",
    "POST /digitanium/v4/mail/config",
    "GET /local/v1/info",
    "GET /local/v1/outbox",
    "GET /local/v1/audit",
}
SUCCEED_WHEN_VALID = OPERATIONS - {
    "POST /api/v3/get-management-token",  # generated key ids name no pool
    "POST /auth/realms/{tenant_id}/mail/setup",  # the document has no body for these two
    "POST /digitanium/v4/mail/config",
}
# The connection test contacts whatever server its body names: fuzzing it would reach out to generated hosts.
NOT_FUZZED = {"POST /local/v1/test-email-provider"}


@pytest.fixture
def service_settings(tmp_path: Path) -> ServiceSettings:
    # Should a generated provider setting be used for a send, every preset points at a closed loopback port.
    closed = free_port()
    return ServiceSettings(
        data_dir=tmp_path / "data",
        smtp_timeout=2,
        ali_smtp_host="127.0.0.1",
        ali_smtp_port=closed,
        qq_smtp_host="127.0.0.1",
        qq_smtp_port=closed,
        sendgrid_api_base=f"http://127.0.0.1:{closed}",
    )


@pytest.fixture
def management_headers(service: RunningService) -> dict[str, str]:
    """Real credentials on every call, so that generated bodies get past authentication and reach the handlers
    (test_api covers the ways authentication itself fails)."""
    reply = httpx.post(
        f"{service.base_url}/api/v3/get-management-token",
        json={"accessKeyId": service.userpool.id, "accessKeySecret": service.userpool.secret},
    ).json()
    return {
        "authorization": f"Bearer {reply['data']['access_token']}",
        "x-authing-userpool-id": service.userpool.id,
        "x-authing-app-id": service.userpool.app_id,
    }


def envelope_is_not_a_server_error(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """GenAuth's envelope answers HTTP 200 even for a failure: statusCode 500 in it is a server error too."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("statusCode"), int):
        assert body["statusCode"] < 500, f"envelope statusCode {body['statusCode']}: {body.get('message')}"
    return None


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_fail_the_service(
    service: RunningService, management_headers: dict[str, str], mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(f"{service.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} >= OPERATIONS
    # Provider settings last: send-email before them delivers to the local outbox, not to a generated server.
    operations.sort(key=lambda operation: operation.label == "POST /api/v3/config-email-provider")

    failures: list[str] = []
    answers: dict[str, Counter[int]] = {}
    for operation in operations:
        if operation.label in NOT_FUZZED:
            continue
        try:
            answers[operation.label] = _fuzz(operation, mode, management_headers, service.userpool.id)
        except Unsatisfiable:
            # Nothing of this operation can be made invalid (its only parameters are the headers given above).
            assert mode == GenerationMode.NEGATIVE, operation.label
        except Exception as err:  # collected, so that one run reports every failing operation
            failures.append(f"{operation.label}: {err}")
    assert not failures, "\n\n".join(failures)
    if mode == GenerationMode.POSITIVE:
        # Valid requests got through to the handlers, rather than all stopping at authentication.
        succeeded = {label for label, seen in answers.items() if seen[200]}
        assert succeeded >= SUCCEED_WHEN_VALID, answers


def _fuzz(operation: APIOperation, mode: GenerationMode, headers: dict[str, str], tenant: str) -> Counter[int]:
    """Run the operation's generated cases; returns how often each statusCode came back."""
    seen: Counter[int] = Counter()
    # The SMTP set-up API names the tenant in the path or in the Host header; a generated one is just a 401.
    path_parameters = {"tenant_id": tenant} if "{tenant_id}" in operation.path else None
    if operation.path == "/digitanium/v4/mail/config":
        headers = {**headers, "host": f"{tenant}.localhost"}
    strategy = operation.as_strategy(mode, headers=headers, path_parameters=path_parameters)

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, email=emails())
    def call(case: Case, email: str) -> None:
        if mode == GenerationMode.POSITIVE and isinstance(case.body, dict) and "email" in case.body:
            case.body["email"] = email  # the document says only "string"; most of those are no address at all
        response = case.call_and_validate(checks=[not_a_server_error, envelope_is_not_a_server_error])
        seen[_status(response)] += 1

    call()
    return seen


def _status(response: Response) -> int:
    """The envelope's statusCode, or the HTTP status of a reply that is not an envelope."""
    try:
        body = response.json()
    except ValueError:
        return response.status_code
    code = body.get("statusCode") if isinstance(body, dict) else None
    return code if isinstance(code, int) else response.status_code
