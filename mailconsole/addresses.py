"""Checks of the addresses an administrator types: mailboxes and mail server host names.

Shared by the console (inline validation before anything is sent) and the service (validation on save), so both
say the same thing about the same input.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from email_validator import EmailNotValidError, validate_email

from mailconsole.i18n import LocalizedValueError, Text, localized

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
# What ends a header line, or is read as a line end somewhere: the C0 controls (CR, LF, TAB, NUL...), DEL, the C1
# controls (NEL among them) and Unicode's line and paragraph separators.
_HEADER_BREAKERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
# Reserved for tests and for this machine (RFC 2606, RFC 6761): no public mail server takes them, a local mail
# catcher does.
LOCAL_ONLY_DOMAINS = ("test", "localhost")
LOCAL_ONLY_NOTE = localized(
    "A .test or .localhost address: taken because the mail server is on this machine; no public one would."
)


def check_header_value(value: str) -> str:
    """``value`` when it may become (part of) a mail header: an address, a display name, a subject. ValueError
    otherwise, with a sentence that ends in what to do."""
    breaker = _HEADER_BREAKERS.search(value)
    if breaker:
        kind = localized("a line break") if breaker.group() in _LINE_BREAKS else localized("a control character")
        raise LocalizedValueError(
            localized(
                "contains {kind} ({code_point}), which would end the mail header: remove it",
                kind=kind,
                code_point=f"U+{ord(breaker.group()):04X}",
            )
        )
    if _holds_encoded_word(value):
        raise LocalizedValueError(
            localized("contains MIME encoded-word syntax (=?...?=): type the text itself, the service encodes it")
        )
    return value


def _holds_encoded_word(value: str) -> bool:
    """An RFC 2047 encoded word, however loosely formed ("=?" then, anywhere later, "?="): Python 3.11.7's email
    package decodes one into raw CR/LF when it writes the header (CVE-2024-6923). Two finds, not a regular
    expression: ``=\\?.*\\?=`` backtracks quadratically over a long value full of "=?"."""
    start = value.find("=?")
    return start >= 0 and value.find("?=", start + 2) >= 0


def normalize_email(value: str) -> str:
    """The address in normal form; ValueError with a sentence a person can act on when it is not one. An address
    becomes a header (To, From, Reply-To, or a subject that prints it): ``check_header_value`` applies too."""
    value = value.strip()
    if not value:
        raise LocalizedValueError(localized("an email address is required"))
    try:
        check_header_value(value)
    except ValueError as err:
        raise LocalizedValueError(
            localized("{value} is not a valid email address: it {problem}", value=repr(value), problem=err)
        ) from None
    try:
        return validate_email(value, check_deliverability=False, allow_smtputf8=True).normalized
    except EmailNotValidError as err:
        raise LocalizedValueError(
            localized("{value} is not a valid email address ({reason})", value=repr(value), reason=_reason(err))
        ) from None


def _reason(err: EmailNotValidError) -> Text | str:
    """email_validator's reason (it speaks English only) in either language; a rarer one as it came."""
    reason = str(err)
    if reason in _REASONS:
        return _REASONS[reason]
    for prefix, make in _REASON_PREFIXES.items():
        if reason.startswith(prefix):
            return make(reason.removeprefix(prefix).removesuffix("."))
    return reason


_REASONS: dict[str, Text] = {
    "An email address must have an @-sign.": localized("An email address must have an @-sign."),
    "There must be something before the @-sign.": localized("There must be something before the @-sign."),
    "There must be something after the @-sign.": localized("There must be something after the @-sign."),
    "An email address cannot have two periods in a row.": localized(
        "An email address cannot have two periods in a row."
    ),
    "The part after the @-sign is not valid. It should have a period.": localized(
        "The part after the @-sign is not valid. It should have a period."
    ),
    "The part after the @-sign is not valid. It is not within a valid top-level domain.": localized(
        "The part after the @-sign is not valid. It is not within a valid top-level domain."
    ),
    "The part after the @-sign is a special-use or reserved name that cannot be used with email.": localized(
        "The part after the @-sign is a special-use or reserved name that cannot be used with email."
    ),
    "The email address contains an invalid character.": localized("The email address contains an invalid character."),
    "There can't be anything after the email address.": localized("There can't be anything after the email address."),
}
_REASON_PREFIXES: dict[str, Callable[[str], Text]] = {
    "The email address contains invalid characters before the @-sign: ": lambda chars: localized(
        "The email address contains invalid characters before the @-sign: {characters}.", characters=chars
    ),
    "The part after the @-sign contains invalid characters: ": lambda chars: localized(
        "The part after the @-sign contains invalid characters: {characters}.", characters=chars
    ),
}


def sender_address(value: str, smtp_host: str) -> str:
    """An address mail goes out as (From, Reply-To, Envelope-From) through the server ``smtp_host``: as
    ``normalize_email``, and also one under ``.test`` or ``.localhost`` when that server is on this machine."""
    try:
        return normalize_email(value)
    except ValueError:
        local, _, domain = value.strip().rpartition("@")
        if not is_local_only(domain):
            raise
        if not is_loopback(smtp_host.strip().rstrip(".").lower()):
            raise LocalizedValueError(
                localized(
                    "{value} is under a domain reserved for tests (.test, .localhost): only a mail server on this "
                    "machine (localhost, 127.0.0.1) takes it",
                    value=repr(value.strip()),
                )
            ) from None
        return f"{normalize_email(local + '@example.com').rpartition('@')[0]}@{check_host(domain)}"


def is_local_only(address_or_domain: str) -> bool:
    """Under ``.test`` or ``.localhost`` (or one of them itself)."""
    domain = address_or_domain.rpartition("@")[2].strip().rstrip(".").lower()
    return any(domain == name or domain.endswith("." + name) for name in LOCAL_ONLY_DOMAINS)


def mailbox_key(value: str) -> str:
    """The form in which two spellings of one mailbox compare equal: the platform ignores case."""
    return normalize_email(value).lower()


def check_host(value: str) -> str:
    """A bare host name or IP address, as a mail server setting takes it; ValueError otherwise."""
    host = value.strip().rstrip(".")
    if not host:
        raise LocalizedValueError(localized("a host name is required"))
    if "://" in host or "/" in host or (":" in host.strip("[]") and not is_ip(host)):
        raise LocalizedValueError(
            localized("{value} is not a host name: give only the name, such as smtp.example.com", value=repr(value))
        )
    if is_ip(host):
        return host.strip("[]")
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise LocalizedValueError(localized("{value} is not a valid host name", value=repr(value)))
    return host.lower()


def check_port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise LocalizedValueError(
            localized("port {value} is out of range: use 1 to 65535 (465 for SSL, 587 for STARTTLS)", value=value)
        )
    return value


def is_ip(host: str) -> bool:
    """An IPv4 or IPv6 address (brackets allowed), as opposed to a name."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """This machine only: localhost names and loopback addresses (where plain http exposes nothing)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    return is_ip(host) and ipaddress.ip_address(host.strip("[]")).is_loopback
