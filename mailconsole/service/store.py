"""The one owner of the embedded service's state: a SQLite file in the data dir.

Everything the service keeps goes through this module; nothing else opens the database. Provider settings and
templates are stored as their wire JSON, so what was saved is what is served back. Secrets (provider passwords and
API keys, access key secrets, the token signing key) are sealed by a ``SecretBox`` on the way in and opened on the
way out: the file never holds one in plain text.

Provider settings and each template have a version (table ``versions``; 0 while never saved) that every write
raises by one, and every write through the APIs adds its audit record (table ``audit``) in the same transaction.
A write given the version it was based on happens only if that is still the stored one, checked in the same
transaction: of two saves based on one version, exactly one wins.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mailconsole.i18n import EN_US, Language, parse_language
from mailconsole.models import (
    PROVIDER_SECRETS,
    AuditChange,
    AuditEntry,
    AuditKind,
    Delivery,
    EmailProvider,
    EmailTemplate,
    OutboxMessage,
    TemplateRevision,
)
from mailconsole.service.secret_box import SecretBox, is_sealed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS userpools (
    id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    name TEXT NOT NULL,
    app_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS service_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS providers (
    userpool_id TEXT PRIMARY KEY REFERENCES userpools(id),
    settings TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS templates (
    userpool_id TEXT NOT NULL REFERENCES userpools(id),
    type TEXT NOT NULL,
    template TEXT NOT NULL,
    PRIMARY KEY (userpool_id, type)
);
CREATE TABLE IF NOT EXISTS sends (
    userpool_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    sent_at REAL NOT NULL,
    PRIMARY KEY (userpool_id, channel, mailbox)
);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    userpool_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_pool ON outbox (userpool_id, seq);
CREATE TABLE IF NOT EXISTS versions (
    userpool_id TEXT NOT NULL,
    item TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (userpool_id, item)
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    userpool_id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_pool ON audit (userpool_id, seq);
CREATE INDEX IF NOT EXISTS audit_by_kind ON audit (userpool_id, kind, seq);
CREATE TABLE IF NOT EXISTS template_history (
    userpool_id TEXT NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    template TEXT NOT NULL,
    PRIMARY KEY (userpool_id, type, version)
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    userpool_id TEXT NOT NULL,
    at TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    template_type TEXT,
    template_version INTEGER,
    provider TEXT NOT NULL,
    destination TEXT NOT NULL,
    status TEXT NOT NULL,
    reply TEXT,
    message_id TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_pool ON deliveries (userpool_id, seq);
CREATE TABLE IF NOT EXISTS pool_languages (userpool_id TEXT PRIMARY KEY, language TEXT NOT NULL);
"""
# Items saved before versions were kept start at version 1.
_FIRST_VERSIONS = """
INSERT OR IGNORE INTO versions SELECT userpool_id, 'provider', 1 FROM providers;
INSERT OR IGNORE INTO versions SELECT userpool_id, 'template:' || type, 1 FROM templates;
"""
# A template saved before its history was kept: its stored fields are its current version, by the last audit
# record of it where there is one. (``WHERE true``: SQLite's grammar for an upsert after a SELECT.)
_FIRST_REVISIONS = """
INSERT INTO template_history (userpool_id, type, version, at, actor, template)
SELECT t.userpool_id, t.type, COALESCE(v.version, 1),
    COALESCE((SELECT a.at FROM audit a WHERE a.userpool_id = t.userpool_id AND a.kind = 'template'
        AND a.item = t.type ORDER BY a.seq DESC LIMIT 1), ''),
    COALESCE((SELECT a.actor FROM audit a WHERE a.userpool_id = t.userpool_id AND a.kind = 'template'
        AND a.item = t.type ORDER BY a.seq DESC LIMIT 1), 'unknown (saved before the history was kept)'),
    t.template
FROM templates t LEFT JOIN versions v ON v.userpool_id = t.userpool_id AND v.item = 'template:' || t.type
WHERE true
ON CONFLICT (userpool_id, type, version) DO NOTHING;
"""
_PROVIDER = "provider"


def _template_item(template_type: str) -> str:
    return f"template:{template_type}"


class VersionConflict(Exception):
    """The stored version is no longer the one a write was based on."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the stored version is {current}")
        self.current = current


@dataclass(frozen=True)
class AuditRecord:
    """What a write adds to the audit trail; the store stamps the time."""

    actor: str
    kind: AuditKind
    item: str
    changes: list[AuditChange]


@dataclass(frozen=True)
class Userpool:
    id: str
    secret: str
    name: str
    app_id: str


def _owner_only(path: Path) -> None:
    """The database readable by the service's user only (outbox mails hold verification codes): created 0600, and
    tightened if an older version left it wider. SQLite gives its -wal and -shm files the database's mode."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


class Store:
    """SQLite behind one lock: the service's threads take turns, and ``BEGIN IMMEDIATE`` keeps a second process
    on the same data dir from interleaving its writes."""

    def __init__(self, path: Path, box: SecretBox) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _owner_only(path)
        self.path = path
        self._box = box
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            # Pages freed by an update are zeroed, so an old value does not linger in the file.
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.executescript(_SCHEMA)
            self._db.executescript(_FIRST_VERSIONS)
            self._db.executescript(_FIRST_REVISIONS)
        self._seal_plain_secrets()

    def _seal_plain_secrets(self) -> None:
        """Secrets stored before they were encrypted: seal them, then rebuild the file so no old page keeps them."""
        sealed_any = False
        for userpool in self._all_userpools():
            if not is_sealed(self._raw_secret(userpool.id)):
                self.save_userpool(userpool)
                sealed_any = True
        with self._lock:
            keys = self._db.execute("SELECT name, value FROM service_keys").fetchall()
            providers = self._db.execute("SELECT userpool_id, settings FROM providers").fetchall()
        for name, value in keys:
            if not is_sealed(value):
                with self._transaction() as db:
                    db.execute("UPDATE service_keys SET value = ? WHERE name = ?", (self._box.seal(value), name))
                sealed_any = True
        for userpool_id, settings in providers:
            provider = EmailProvider.model_validate_json(settings)
            if any(not is_sealed(secret) for secret in _secrets_of(provider)):
                with self._transaction() as db:  # seals what is plain, leaves what is sealed; the same settings
                    self._write_provider(db, userpool_id, provider)
                sealed_any = True
        if sealed_any:
            with self._lock:
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, *params: object) -> tuple[object, ...] | None:
        with self._lock:
            row: tuple[object, ...] | None = self._db.execute(sql, params).fetchone()
            return row

    # ---- user pools and their applications --------------------------------------------------------------

    def save_userpool(self, userpool: Userpool) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO userpools (id, secret, name, app_id) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET secret = excluded.secret, name = excluded.name, app_id = excluded.app_id",
                (userpool.id, self._box.seal(userpool.secret), userpool.name, userpool.app_id),
            )

    def serve_only(self, userpool: Userpool) -> None:
        """Save ``userpool`` as the one pool this store serves: any other pool's id, secret and app id are deleted
        (so neither they nor tokens issued under them work, and its app id is free). Its settings, templates and
        outbox stay in the file, keyed by its id, and are served again if that pool is named again."""
        with self._transaction() as db:
            db.execute("DELETE FROM userpools WHERE id != ?", (userpool.id,))
            db.execute(
                "INSERT INTO userpools (id, secret, name, app_id) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                "SET secret = excluded.secret, name = excluded.name, app_id = excluded.app_id",
                (userpool.id, self._box.seal(userpool.secret), userpool.name, userpool.app_id),
            )

    def userpool(self, userpool_id: str) -> Userpool | None:
        return self._userpool("WHERE id = ?", userpool_id)

    def first_userpool(self) -> Userpool | None:
        return self._userpool("ORDER BY rowid LIMIT 1")

    def userpool_for_app(self, app_id: str) -> Userpool | None:
        return self._userpool("WHERE app_id = ?", app_id)

    def _userpool(self, condition: str, *params: object) -> Userpool | None:
        row = self._one(f"SELECT id, secret, name, app_id FROM userpools {condition}", *params)  # noqa: S608
        if row is None:
            return None
        userpool_id, secret, name, app_id = (str(value) for value in row)
        return Userpool(userpool_id, self._box.open(secret), name, app_id)

    def _all_userpools(self) -> list[Userpool]:
        with self._lock:
            ids = [row[0] for row in self._db.execute("SELECT id FROM userpools").fetchall()]
        return [userpool for userpool_id in ids if (userpool := self.userpool(userpool_id)) is not None]

    def _raw_secret(self, userpool_id: str) -> str:
        row = self._one("SELECT secret FROM userpools WHERE id = ?", userpool_id)
        return str(row[0]) if row else ""

    def service_key(self, name: str, create: Callable[[], str]) -> str:
        """A key the service keeps across restarts (the token signing key), created on first use."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO service_keys VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (name, self._box.seal(create())),
            )
            value: str = db.execute("SELECT value FROM service_keys WHERE name = ?", (name,)).fetchone()[0]
        return self._box.open(value)

    # ---- provider settings and templates -----------------------------------------------------------------

    def provider(self, userpool_id: str) -> EmailProvider:
        return self.versioned_provider(userpool_id)[0]

    def versioned_provider(self, userpool_id: str) -> tuple[EmailProvider, int]:
        """The settings (secrets opened, no ``version`` in the model) and their version, read together."""
        row = self._one(
            "SELECT (SELECT settings FROM providers WHERE userpool_id = ?1), "
            "(SELECT version FROM versions WHERE userpool_id = ?1 AND item = ?2)",
            userpool_id,
            _PROVIDER,
        )
        settings, version = row if row is not None else (None, None)
        version = version if isinstance(version, int) else 0
        if settings is None:
            return EmailProvider(enabled=False), version
        return EmailProvider.model_validate_json(str(settings)).map_secrets(self._box.open), version

    def save_provider(
        self,
        userpool_id: str,
        provider: EmailProvider,
        *,
        base_version: int | None = None,
        audit: AuditRecord | None = None,
    ) -> int:
        """Write the settings and their audit record; returns the new version. With ``base_version``, only if it
        is still the stored version (else VersionConflict, and nothing is written)."""
        with self._transaction() as db:
            version = self._next_version(db, userpool_id, _PROVIDER, base_version)
            self._write_provider(db, userpool_id, provider)
            self._audit(db, userpool_id, audit)
        return version

    def _write_provider(self, db: sqlite3.Connection, userpool_id: str, provider: EmailProvider) -> None:
        sealed = provider.map_secrets(self._box.seal)
        db.execute(
            "INSERT INTO providers VALUES (?, ?) ON CONFLICT (userpool_id) DO UPDATE SET settings = excluded.settings",
            (userpool_id, sealed.model_dump_json(by_alias=True, exclude_none=True, exclude={"version"})),
        )

    def saved_templates(self, userpool_id: str) -> dict[str, EmailTemplate]:
        """The templates this pool saved, by type; types never saved are not here (their default applies)."""
        return {kind: template for kind, (template, _) in self.versioned_templates(userpool_id).items()}

    def versioned_templates(self, userpool_id: str) -> dict[str, tuple[EmailTemplate, int]]:
        """The saved templates by type, each with its version, read together."""
        with self._lock:
            rows = self._db.execute(
                "SELECT t.type, t.template, COALESCE(v.version, 1) FROM templates t LEFT JOIN versions v "
                "ON v.userpool_id = t.userpool_id AND v.item = 'template:' || t.type WHERE t.userpool_id = ?",
                (userpool_id,),
            ).fetchall()
        return {kind: (EmailTemplate.model_validate_json(data), int(version)) for kind, data, version in rows}

    def versioned_template(self, userpool_id: str, template_type: str) -> tuple[EmailTemplate | None, int]:
        """A saved template (None: never saved, its default applies) and its version (0 then), read together."""
        row = self._one(
            "SELECT (SELECT template FROM templates WHERE userpool_id = ?1 AND type = ?2), "
            "(SELECT version FROM versions WHERE userpool_id = ?1 AND item = ?3)",
            userpool_id,
            template_type,
            _template_item(template_type),
        )
        data, version = row if row is not None else (None, None)
        template = EmailTemplate.model_validate_json(str(data)) if data is not None else None
        return template, version if isinstance(version, int) else 0

    def save_template(
        self,
        userpool_id: str,
        template: EmailTemplate,
        *,
        base_version: int | None = None,
        audit: AuditRecord | None = None,
    ) -> int:
        """Write a template and its audit record; returns the new version. ``base_version`` as in save_provider."""
        with self._transaction() as db:
            version = self._next_version(db, userpool_id, _template_item(str(template.type)), base_version)
            db.execute(
                "INSERT INTO templates VALUES (?, ?, ?) "
                "ON CONFLICT (userpool_id, type) DO UPDATE SET template = excluded.template",
                (
                    userpool_id,
                    str(template.type),
                    template.model_dump_json(by_alias=True, exclude_none=True, exclude={"version"}),
                ),
            )
            self._audit(db, userpool_id, audit)
            self._keep_revision(db, userpool_id, template, version, audit)
        return version

    # ---- versions and the audit trail --------------------------------------------------------------------

    @staticmethod
    def _next_version(db: sqlite3.Connection, userpool_id: str, item: str, base_version: int | None) -> int:
        row = db.execute("SELECT version FROM versions WHERE userpool_id = ? AND item = ?", (userpool_id, item))
        found = row.fetchone()
        current = int(found[0]) if found else 0
        if base_version is not None and base_version != current:
            raise VersionConflict(current)
        db.execute(
            "INSERT INTO versions VALUES (?, ?, ?) ON CONFLICT (userpool_id, item) DO UPDATE SET version = "
            "excluded.version",
            (userpool_id, item, current + 1),
        )
        return current + 1

    @staticmethod
    def _audit(db: sqlite3.Connection, userpool_id: str, record: AuditRecord | None) -> None:
        if record is None:
            return
        at = _utc_now()
        changes = json.dumps([change.model_dump(mode="json") for change in record.changes], ensure_ascii=False)
        db.execute(
            "INSERT INTO audit (userpool_id, at, actor, kind, item, changes) VALUES (?, ?, ?, ?, ?, ?)",
            (userpool_id, at, record.actor, record.kind.value, record.item, changes),
        )

    def audit(self, userpool_id: str, *, kind: AuditKind | None = None, limit: int = 100) -> list[AuditEntry]:
        """The pool's audit trail, newest first."""
        sql = "SELECT seq, at, actor, kind, item, changes FROM audit WHERE userpool_id = ?"
        params: tuple[object, ...] = (userpool_id,)
        if kind is not None:
            sql += " AND kind = ?"
            params += (kind.value,)
        with self._lock:
            rows = self._db.execute(f"{sql} ORDER BY seq DESC LIMIT ?", (*params, limit)).fetchall()
        return [
            AuditEntry(id=seq, at=at, actor=actor, kind=kind_, item=item, changes=json.loads(changes))
            for seq, at, actor, kind_, item, changes in rows
        ]

    # ---- the once-a-minute rule --------------------------------------------------------------------------

    def reserve_send(self, userpool_id: str, channel: str, mailbox: str, interval: float) -> float | None:
        """Claim the (mailbox, channel) slot for this minute. Returns None when claimed, else the seconds left.

        The check and the claim are one transaction, so of many concurrent sends exactly one wins.
        """
        now = time.time()
        with self._transaction() as db:
            row = db.execute(
                "SELECT sent_at FROM sends WHERE userpool_id = ? AND channel = ? AND mailbox = ?",
                (userpool_id, channel, mailbox),
            ).fetchone()
            if row and now - row[0] < interval:
                return float(interval - (now - row[0]))
            db.execute(
                "INSERT INTO sends VALUES (?, ?, ?, ?) "
                "ON CONFLICT (userpool_id, channel, mailbox) DO UPDATE SET sent_at = excluded.sent_at",
                (userpool_id, channel, mailbox, now),
            )
        return None

    def release_send(self, userpool_id: str, channel: str, mailbox: str) -> None:
        """Give the slot back: a delivery that failed does not use up the minute."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM sends WHERE userpool_id = ? AND channel = ? AND mailbox = ?",
                (userpool_id, channel, mailbox),
            )

    # ---- the built-in mail service's outbox --------------------------------------------------------------

    def add_to_outbox(self, userpool_id: str, message: OutboxMessage) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO outbox VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox), ?)",
                (message.id, userpool_id, message.model_dump_json(by_alias=True)),
            )

    def outbox(self, userpool_id: str, limit: int) -> list[OutboxMessage]:
        with self._lock:
            rows = self._db.execute(
                "SELECT message FROM outbox WHERE userpool_id = ? ORDER BY seq DESC LIMIT ?", (userpool_id, limit)
            ).fetchall()
        return [OutboxMessage.model_validate_json(row[0]) for row in rows]

    # ---- template history and the delivery log (named parameters, portable SQL) -------------------------

    @staticmethod
    def _keep_revision(
        db: sqlite3.Connection, userpool_id: str, template: EmailTemplate, version: int, audit: AuditRecord | None
    ) -> None:
        """Every saved version of a template, in the save's transaction."""
        db.execute(
            "INSERT INTO template_history (userpool_id, type, version, at, actor, template) "
            "VALUES (:userpool_id, :type, :version, :at, :actor, :template)",
            {
                "userpool_id": userpool_id,
                "type": str(template.type),
                "version": version,
                "at": _utc_now(),
                "actor": audit.actor if audit is not None else "unknown",
                "template": template.model_dump_json(by_alias=True, exclude_none=True, exclude={"version"}),
            },
        )

    def template_history(self, userpool_id: str, template_type: str, limit: int) -> list[TemplateRevision]:
        """The saved versions of a template, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT version, at, actor, template FROM template_history "
                "WHERE userpool_id = :userpool_id AND type = :type ORDER BY version DESC LIMIT :limit",
                {"userpool_id": userpool_id, "type": template_type, "limit": limit},
            ).fetchall()
        return [
            TemplateRevision.model_validate({**json.loads(data), "version": version, "at": at, "actor": actor})
            for version, at, actor, data in rows
        ]

    def template_revision(self, userpool_id: str, template_type: str, version: int) -> TemplateRevision | None:
        with self._lock:
            row = self._db.execute(
                "SELECT version, at, actor, template FROM template_history "
                "WHERE userpool_id = :userpool_id AND type = :type AND version = :version",
                {"userpool_id": userpool_id, "type": template_type, "version": version},
            ).fetchone()
        if row is None:
            return None
        version, at, actor, data = row
        return TemplateRevision.model_validate({**json.loads(data), "version": version, "at": at, "actor": actor})

    def add_delivery(self, userpool_id: str, delivery: Delivery, *, audit: AuditRecord | None = None) -> None:
        """Log one mail sent or tried (its ``id`` and ``at`` are the store's), with its audit record if any."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO deliveries (userpool_id, at, channel, recipient, subject, template_type, "
                "template_version, provider, destination, status, reply, message_id, duration_ms) VALUES "
                "(:userpool_id, :at, :channel, :recipient, :subject, :template_type, :template_version, :provider, "
                ":destination, :status, :reply, :message_id, :duration_ms)",
                {
                    "userpool_id": userpool_id,
                    "at": _utc_now(),
                    "channel": delivery.channel,
                    "recipient": delivery.to,
                    "subject": delivery.subject,
                    "template_type": delivery.template_type,
                    "template_version": delivery.template_version,
                    "provider": delivery.provider,
                    "destination": delivery.destination,
                    "status": str(delivery.status),
                    "reply": delivery.reply,
                    "message_id": delivery.message_id,
                    "duration_ms": delivery.duration_ms,
                },
            )
            self._audit(db, userpool_id, audit)

    def deliveries(
        self, userpool_id: str, *, limit: int, to: str | None = None, status: str | None = None
    ) -> list[Delivery]:
        """The delivery log, newest first; ``to`` keeps recipients containing it (any case), ``status`` one result."""
        sql = (
            "SELECT seq, at, channel, recipient, subject, template_type, template_version, provider, destination, "
            "status, reply, message_id, duration_ms FROM deliveries WHERE userpool_id = :userpool_id"
        )
        params: dict[str, object] = {"userpool_id": userpool_id, "limit": limit}
        if to:
            sql += " AND LOWER(recipient) LIKE :pattern ESCAPE '\\'"
            escaped = to.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params["pattern"] = f"%{escaped}%"
        if status:
            sql += " AND status = :status"
            params["status"] = status
        with self._lock:
            rows = self._db.execute(f"{sql} ORDER BY seq DESC LIMIT :limit", params).fetchall()
        names = "id at channel to subject template_type template_version provider destination status reply"
        names += " message_id duration_ms"
        return [Delivery.model_validate(dict(zip(names.split(), row, strict=True))) for row in rows]

    # ---- the language of a pool's built-in mails (issue 16) ----------------------------------------------------

    def pool_language(self, userpool_id: str) -> Language:
        """The language the pool's built-in mails are written in; a pool from before languages were kept had
        English ones, and keeps them."""
        row = self._one("SELECT language FROM pool_languages WHERE userpool_id = ?", userpool_id)
        language = parse_language(str(row[0])) if row is not None else None
        return language or EN_US

    def keep_pool_language(self, userpool_id: str, language: Language) -> None:
        """Record the pool's language once; a pool that has one keeps it."""
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO pool_languages VALUES (?, ?)", (userpool_id, language))


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _secrets_of(provider: EmailProvider) -> list[str]:
    configs = ((getattr(provider, config), secret) for config, secret in PROVIDER_SECRETS.items())
    return [getattr(config, secret) for config, secret in configs if config is not None and getattr(config, secret)]
