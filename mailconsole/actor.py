"""Who made a change: the label a management caller may send in ``x-mailconsole-actor`` (the console sends its
signed-in administrator's email), cleaned the same way by the client that sends it and the service that records it.

The label is untrusted text that ends up in the audit trail and on an admin's screen: control and format characters
(newlines, bidi overrides) are dropped, runs of whitespace collapse to one space, and it is cut at
``MAX_ACTOR_LENGTH``. HTTP headers carry ASCII only, so on the wire ``%`` and every non-ASCII character are
percent-encoded as UTF-8.
"""

from __future__ import annotations

import string
import unicodedata
from urllib.parse import quote, unquote

ACTOR_HEADER = "x-mailconsole-actor"
# Who the console names while sign-in is not configured (it then serves loopback only): someone at this machine,
# not the access key every change through this console would otherwise be recorded under.
LOCAL_ADMIN = "local admin (no sign-in)"
MAX_ACTOR_LENGTH = 200
# Printable ASCII but "%", which starts an escape.
_SAFE = "".join(char for char in string.printable if char not in "%" and char not in string.whitespace) + " "


def clean_actor(value: str | None) -> str:
    """The label as it may be recorded and shown; empty when nothing usable is left."""
    if not value:
        return ""
    spaced = " ".join(value.split())  # newlines and tabs become spaces before control characters go
    kept = "".join(char for char in spaced if not unicodedata.category(char).startswith("C"))
    return " ".join(kept.split())[:MAX_ACTOR_LENGTH].strip()


def encode_actor(value: str) -> str:
    """The header value for a label (cleaned first)."""
    return quote(clean_actor(value), safe=_SAFE)


def decode_actor(header: str | None) -> str:
    """The label a header value carries, cleaned; empty when there is none."""
    if not header:
        return ""
    # A legitimate value is at most 12 bytes of escapes per character; anything longer is cut before decoding.
    return clean_actor(unquote(header[: MAX_ACTOR_LENGTH * 12], errors="replace"))
