"""Saving against a version: a request that names the version it was based on is refused once the item changed
since; one that names none is applied to whatever is stored when it lands (as GenAuth does).

Each attempt reads the item with its version, computes the new state and the changes, and writes only if the
version is still the one read (the store checks that in the write's transaction). So the recorded changes are
always against what was really replaced, and of two saves based on one version exactly one wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mailconsole.i18n import Text, localized
from mailconsole.service.envelope import ServiceError
from mailconsole.service.store import VersionConflict

T = TypeVar("T")

# A save with no version retries when another write slipped in between its read and its write. Each lost attempt
# means another write landed, so retries always progress; the bound must exceed the writers of one item at once
# (5 lost to 6 concurrent saves on PostgreSQL, where its read committed lets every writer read the same version).
WRITE_ATTEMPTS = 50


def check_version(what: str | Text, expected: int | None, current: int) -> None:
    """ServiceError 409 when the request was based on another version than the stored one."""
    if expected is not None and expected != current:
        raise changed_since_loaded(what, expected, current)


def changed_since_loaded(what: str | Text, expected: int, current: int) -> ServiceError:
    return ServiceError(
        409,
        localized(
            "{what} changed since it was loaded (version {expected} was sent, {current} is stored): load it again, "
            "or send version {current} to overwrite the change.",
            what=what,
            expected=expected,
            current=current,
        ),
        data={"version": current},
    )


def versioned_write(what: str | Text, expected: int | None, attempt: Callable[[], T]) -> T:
    """Run ``attempt`` (read, check with ``check_version``, write with the version read) until its write lands."""
    for _ in range(WRITE_ATTEMPTS):
        try:
            return attempt()
        except VersionConflict as conflict:
            if expected is not None:
                raise changed_since_loaded(what, expected, conflict.current) from None
    raise ServiceError(409, localized("{what} kept changing while this request was applied; send it again.", what=what))
