"""A template is untrusted input: none, whatever it holds, may run code in the service (pybars3's flaw).

The vectors are the ones shown to run code in plain pybars3 by tests/rendering/test_handlebars.py; here they go
through every door of the service that takes a template: save, preview, and a send of a saved template.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from mailconsole import AuthenticationClient, InvalidArgumentError, ManagementClient
from tests.support import VECTORS, hostile


@pytest.mark.parametrize("name", VECTORS)
def test_hostile_template_is_refused_and_runs_nothing(
    management: ManagementClient, authentication: AuthenticationClient, tmp_path: Path, name: str
) -> None:
    canary = tmp_path / "canary"
    source = hostile(name, canary)
    for field in ("content", "subject", "sender"):
        template = {"content": "<p>ok</p>", "subject": "s", "sender": "x", field: source}
        with pytest.raises(InvalidArgumentError, match=field):
            management.update_email_template(type="LOGIN_VERIFY_CODE", customize_enabled=True, name="x", **template)
        with pytest.raises(InvalidArgumentError):
            management.preview_email_template(type="LOGIN_VERIFY_CODE", **template)
    with contextlib.suppress(Exception):
        authentication.send_email("CHANNEL_LOGIN", "mallory@example.com")
    assert not canary.exists()
