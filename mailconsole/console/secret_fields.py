"""Secret fields of a form: a password or API key the backend already stores is never put into a widget, never
rendered and never sent to the browser. It shows as "set" (the embedded service answers a fixed mask, sent back to
keep the stored secret) or, from a backend that returns secrets, "set, ending in ••xy" (at most its last two
characters, and only when it is long enough for that to reveal little); an empty field keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.models import SECRET_MASK

# Show the last two characters only of a secret at least this long.
MIN_LENGTH_TO_HINT = 8


def masked(secret: str | None) -> str:
    """How a stored secret is shown: "not set", "set", or "set, ending in ••xy"."""
    if not secret:
        return "not set"
    if secret == SECRET_MASK or len(secret) < MIN_LENGTH_TO_HINT:
        return "set"
    return f"set, ending in ••{secret[-2:]}"


@dataclass(frozen=True)
class SecretChoice:
    """What to send for a secret field: ``value`` (None when nothing may be sent) or the ``error`` to show."""

    value: str | None
    error: str | None = None
    reused: bool = False


def choose_secret(
    typed: str, stored: str | None, *, reuse_refusal: str | None, required: bool, label: str
) -> SecretChoice:
    """The secret to send: what was typed; else the stored one, unless ``reuse_refusal`` (the library's
    ``mailconsole.secret_reuse.reuse_refusal`` for the edited settings) says why not; else nothing (an error when
    the field is required)."""
    if typed:
        return SecretChoice(typed)
    if stored:
        if reuse_refusal is None:
            return SecretChoice(stored, reused=True)
        return SecretChoice(None, f"{reuse_refusal[:1].upper()}{reuse_refusal[1:]}: type the {label} again.")
    if required:
        return SecretChoice(None, f"Type the {label}.")
    return SecretChoice("")
