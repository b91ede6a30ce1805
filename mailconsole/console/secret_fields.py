"""Secret fields of a form: a password or API key the backend already stores is never put into a widget, never
rendered and never sent to the browser. It shows as "set" (the embedded service answers a fixed mask, sent back to
keep the stored secret) or, from a backend that returns secrets, "set, ending in ••xy" (at most its last two
characters, and only when it is long enough for that to reveal little); an empty field keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.console.sentences import capitalized
from mailconsole.i18n import Text, localized
from mailconsole.models import SECRET_MASK

# Show the last two characters only of a secret at least this long.
MIN_LENGTH_TO_HINT = 8


def masked(secret: str | None) -> Text:
    """How a stored secret is shown: "not set", "set", or "set, ending in ••xy"."""
    if not secret:
        return localized("not set")
    if secret == SECRET_MASK or len(secret) < MIN_LENGTH_TO_HINT:
        return localized("set")
    return localized("set, ending in ••{last}", last=secret[-2:])


@dataclass(frozen=True)
class SecretChoice:
    """What to send for a secret field: ``value`` (None when nothing may be sent) or the ``error`` to show."""

    value: str | None
    error: Text | None = None
    reused: bool = False
    # The error is only that a required secret is empty (reported once a save is attempted).
    missing: bool = False


def choose_secret(
    typed: str, stored: str | None, *, reuse_refusal: Text | None, required: bool, api_key: bool = False
) -> SecretChoice:
    """The secret to send: what was typed; else the stored one, unless ``reuse_refusal`` (the library's
    ``mailconsole.secret_reuse.reuse_refusal_text`` for the edited settings) says why not; else nothing (an error
    when the field is required). ``api_key``: the secret is an API key, not a password."""
    if typed:
        return SecretChoice(typed)
    if stored:
        if reuse_refusal is None:
            return SecretChoice(stored, reused=True)
        return SecretChoice(None, type_again(reuse_refusal, api_key=api_key))
    if required:
        return SecretChoice(
            None, localized("Type the API key.") if api_key else localized("Type the password."), missing=True
        )
    return SecretChoice("")


def type_again(refusal: Text, *, api_key: bool = False) -> Text:
    """Why the stored secret cannot go with these settings, and to type it again."""
    if api_key:
        return localized("{refusal}: type the API key again.", refusal=capitalized(refusal))
    return localized("{refusal}: type the password again.", refusal=capitalized(refusal))
