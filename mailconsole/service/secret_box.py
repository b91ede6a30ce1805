"""Encryption at rest of what the service keeps secret: provider passwords and API keys, access key secrets, the
token signing key.

Fernet (from ``cryptography``: AES-128-CBC with an HMAC-SHA256, and a timestamp) under one key per data dir. The
key comes from ``MAILCONSOLE_SECRET_KEY`` or, when that is unset, from a key file created in the data dir with
owner-only permissions on first start. Sealed values carry a prefix, so a value stored before encryption existed is
recognised and sealed on the next start.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "enc:v1:"
KEY_FILE = "secret.key"


class SecretKeyError(RuntimeError):
    """The stored secrets cannot be opened with this key."""


class SecretBox:
    def __init__(self, key: str | bytes) -> None:
        self._fernet = Fernet(_fernet_key(key))

    @classmethod
    def for_data_dir(cls, data_dir: Path, key: str | None = None) -> SecretBox:
        """The box of ``data_dir``: ``key`` (from MAILCONSOLE_SECRET_KEY) when given, else the data dir's key file."""
        if key:
            return cls(key)
        return cls(_key_file(data_dir))

    def seal(self, plain: str) -> str:
        if not plain or is_sealed(plain):
            return plain
        return PREFIX + self._fernet.encrypt(plain.encode()).decode()

    def open(self, stored: str) -> str:
        """The plain value; a value stored before encryption passes through (the store seals it on start)."""
        if not is_sealed(stored):
            return stored
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                "The stored secrets were sealed with another key: set MAILCONSOLE_SECRET_KEY to the key they were "
                f"saved with, or restore the data dir's {KEY_FILE}."
            ) from None


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def _fernet_key(key: str | bytes) -> bytes:
    """A Fernet key as given, or one derived from any other string (use a long random one)."""
    raw = key.encode() if isinstance(key, str) else key
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except (binascii.Error, ValueError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest())


def _key_file(data_dir: Path) -> bytes:
    """The data dir's key, created once with mode 0600: readable by the service's user only. Written in full to a
    temporary file and then linked into place, so that a process starting at the same moment reads the whole key
    (never an empty file), and the first one's key is the one every process uses."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_bytes().strip()
    descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=f".{KEY_FILE}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(Fernet.generate_key())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_bytes().strip()
