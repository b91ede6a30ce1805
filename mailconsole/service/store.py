"""The one owner of the embedded service's state: a SQLite file in the data dir, or a PostgreSQL database that
several replicas share (``database.py``; the tables are made by the migrations in ``migrations/``).

Everything the service keeps goes through this module; nothing else opens the database. Provider settings and
templates are stored as their wire JSON, so what was saved is what is served back. Secrets (provider passwords and
API keys, access key secrets, the token signing key) are sealed by a ``SecretBox`` on the way in and opened on the
way out: the database never holds one in plain text.

Provider settings and each template have a version (table ``versions``; 0 while never saved) that every write
raises by one, and every write through the APIs adds its audit record (table ``audit``) in the same transaction.
A write given the version it was based on happens only if that is still the stored one, checked in the same
transaction: of two saves based on one version, exactly one wins. What must be true once across replicas is one
atomic statement (a conditional upsert with ``RETURNING``), so it holds on PostgreSQL under any number of replicas
as it does on SQLite.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, TextClause, text

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
from mailconsole.service import migrate
from mailconsole.service.database import Database, database_unavailable
from mailconsole.service.secret_box import SecretBox, SecretKeyError, is_sealed

# Items saved before versions were kept start at version 1 (run on every start: rows an older release wrote).
_FIRST_VERSIONS = (
    "INSERT INTO versions SELECT userpool_id, 'provider', 1 FROM providers WHERE true ON CONFLICT DO NOTHING",
    "INSERT INTO versions SELECT userpool_id, 'template:' || type, 1 FROM templates WHERE true ON CONFLICT DO NOTHING",
)
# A template saved before its history was kept: its stored fields are its current version, by the last audit
# record of it where there is one (run on every start, as above).
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
ON CONFLICT (userpool_id, type, version) DO NOTHING
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


# A value sealed with the service's key and stored on first start: a replica given another key finds out at once.
_KEY_CHECK = "secret-key-check"
_KEY_CHECK_PLAIN = "mailconsole secret key check"
# What ``export_rows`` copies: a tenant's state (the limits' recent events are not worth moving).
_STATE_TABLES = (
    "userpools",
    "service_keys",
    "providers",
    "templates",
    "sends",
    "outbox",
    "versions",
    "audit",
    "template_history",
    "deliveries",
    "pool_languages",
)
# The tables numbered by a sequence: after a copy, PostgreSQL's sequence continues after the copied rows.
_SEQUENCED_TABLES = ("audit", "deliveries")
_CONTINUE_SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('{table}', 'seq'), COALESCE(MAX(seq), 0) + 1, false) FROM {table}"
)
# pg_advisory_xact_lock key serialising outbox appends, so their ``seq`` is unique and in order across replicas.
_OUTBOX_LOCK = 0x6F7574  # "out"
_FIRST_POOL_LOCK = 0x706F6F6C  # "pool"


class Store:
    """The service's state over a ``Database``: SQLite (a path, or a ``sqlite:///`` URL) or PostgreSQL (a
    ``postgresql://`` URL). Opening it brings the schema up to date (``migrate.upgrade``), checks the sealing key
    against the one the database was sealed with, and seals secrets an older release stored in plain text."""

    def __init__(self, database: Path | str, box: SecretBox) -> None:
        self._database = Database(database)
        self.path = self._database.path  # the SQLite file; None on PostgreSQL
        self.is_postgres = self._database.is_postgres
        self._box = box
        try:
            migrate.upgrade(self._database)
            self._check_key()
            with self._database.transaction() as db:
                for statement in (*_FIRST_VERSIONS, _FIRST_REVISIONS):
                    db.execute(text(statement))
            self._seal_plain_secrets()
        except BaseException:
            self._database.close()
            raise

    def _check_key(self) -> None:
        """Refuse a key the database was not sealed with, at once. A database without a check value yet (new, or
        from a release before it) gets one, but only after the secrets it already holds opened with this key."""
        if self._one("SELECT value FROM service_keys WHERE name = :name", name=_KEY_CHECK) is None:
            self._all_userpools()  # SecretKeyError when they were sealed with another key
        with self._database.transaction() as db:
            db.execute(
                text("INSERT INTO service_keys VALUES (:name, :value) ON CONFLICT (name) DO NOTHING"),
                {"name": _KEY_CHECK, "value": self._box.seal(_KEY_CHECK_PLAIN)},
            )
            stored = str(
                db.execute(text("SELECT value FROM service_keys WHERE name = :name"), {"name": _KEY_CHECK}).scalar_one()
            )
        try:
            matches = self._box.open(stored) == _KEY_CHECK_PLAIN
        except SecretKeyError:
            if not self.is_postgres:
                raise  # its message names the data dir's key file
            matches = False
        if not matches:
            raise SecretKeyError(
                "This database's secrets were sealed with another key: start every replica with the same "
                "MAILCONSOLE_SECRET_KEY, the one the database was first used with."
            )

    def _seal_plain_secrets(self) -> None:
        """Secrets stored before they were encrypted: seal them, then rebuild the file so no old page keeps them."""
        sealed_any = False
        for userpool in self._all_userpools():
            if not is_sealed(self._raw_secret(userpool.id)):
                self.save_userpool(userpool)
                sealed_any = True
        with self._database.reading() as db:
            keys = db.execute(text("SELECT name, value FROM service_keys")).all()
            providers = db.execute(text("SELECT userpool_id, settings FROM providers")).all()
        for name, value in keys:
            if not is_sealed(value):
                with self._database.transaction() as db:
                    db.execute(
                        text("UPDATE service_keys SET value = :value WHERE name = :name"),
                        {"value": self._box.seal(value), "name": name},
                    )
                sealed_any = True
        for userpool_id, settings in providers:
            provider = EmailProvider.model_validate_json(settings)
            if any(not is_sealed(secret) for secret in _secrets_of(provider)):
                with self._database.transaction() as db:  # seals what is plain, leaves what is sealed
                    self._write_provider(db, userpool_id, provider)
                sealed_any = True
        if sealed_any:
            self._database.compact()

    def close(self) -> None:
        self._database.close()

    def readiness_problem(self) -> str | None:
        """None when the database answers and its schema is the one this version migrates to; else why not."""
        try:
            current = migrate.current(self._database)
        except Exception as err:
            if database_unavailable(err):
                return "The database is unreachable."
            raise
        if current != migrate.head():
            return f"The database schema is at revision {current}, this version needs {migrate.head()}."
        return None

    def _one(self, sql: str, **params: object) -> tuple[object, ...] | None:
        with self._database.reading() as db:
            row = db.execute(text(sql), params).first()
        return tuple(row) if row is not None else None

    # ---- moving a tenant's state to another database (``mailconsole migrate-data``) -------------------------

    def export_rows(self) -> dict[str, list[dict[str, object]]]:
        """Every row of the tables that hold state, as stored (secrets still sealed)."""
        with self._database.reading() as db:
            return {
                table: [dict(row) for row in db.execute(text(f"SELECT * FROM {table}")).mappings()]  # noqa: S608
                for table in _STATE_TABLES
            }

    def import_rows(self, rows: dict[str, list[dict[str, object]]]) -> None:
        """Write ``export_rows`` of another store into this one, which must hold no tenant yet; one transaction."""
        with self._database.transaction() as db:
            if db.execute(text("SELECT COUNT(*) FROM userpools")).scalar_one():
                raise ValueError("The target database already holds a user pool; give an empty one.")
            db.execute(text("DELETE FROM service_keys WHERE name != :check"), {"check": _KEY_CHECK})
            for table in _STATE_TABLES:
                # The target keeps its own key check (made with the same key: the box opened both).
                copied = [
                    row for row in rows.get(table, []) if not (table == "service_keys" and row["name"] == _KEY_CHECK)
                ]
                if copied:
                    db.execute(_insert(table, list(copied[0])), copied)
            if self.is_postgres:  # the audit trail and the delivery log continue after the copied records
                for table in _SEQUENCED_TABLES:
                    db.execute(text(_CONTINUE_SEQUENCE.format(table=table)))

    # ---- user pools and their applications --------------------------------------------------------------

    _UPSERT_USERPOOL = (
        "INSERT INTO userpools (id, secret, name, app_id) VALUES (:id, :secret, :name, :app_id) ON CONFLICT (id) "
        "DO UPDATE SET secret = excluded.secret, name = excluded.name, app_id = excluded.app_id"
    )

    def _userpool_row(self, userpool: Userpool) -> dict[str, str]:
        return {
            "id": userpool.id,
            "secret": self._box.seal(userpool.secret),
            "name": userpool.name,
            "app_id": userpool.app_id,
        }

    def save_userpool(self, userpool: Userpool) -> None:
        with self._database.transaction() as db:
            db.execute(text(self._UPSERT_USERPOOL), self._userpool_row(userpool))

    def serve_only(self, userpool: Userpool) -> None:
        """Save ``userpool`` as the one pool this store serves: any other pool's id, secret and app id are deleted
        (so neither they nor tokens issued under them work, and its app id is free). Its settings, templates and
        outbox stay in the database, keyed by its id, and are served again if that pool is named again."""
        with self._database.transaction() as db:
            db.execute(text("DELETE FROM userpools WHERE id != :id"), {"id": userpool.id})
            db.execute(text(self._UPSERT_USERPOOL), self._userpool_row(userpool))

    def add_first_userpool(self, userpool: Userpool) -> Userpool:
        """Save ``userpool`` unless a pool exists already; returns the one served. One at a time (an advisory lock
        on PostgreSQL, BEGIN IMMEDIATE on SQLite): of replicas that each generated one, the first one's is kept."""
        with self._database.transaction() as db:
            if self.is_postgres:
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_POOL_LOCK})
            if db.execute(text("SELECT id FROM userpools LIMIT 1")).first() is None:
                db.execute(text(self._UPSERT_USERPOOL), self._userpool_row(userpool))
                return userpool
        first = self.first_userpool()
        assert first is not None
        return first

    def userpool(self, userpool_id: str) -> Userpool | None:
        return self._userpool("WHERE id = :id", id=userpool_id)

    def first_userpool(self) -> Userpool | None:
        return self._userpool("ORDER BY id LIMIT 1")  # there is one: serve_only keeps no other

    def userpool_for_app(self, app_id: str) -> Userpool | None:
        return self._userpool("WHERE app_id = :app_id", app_id=app_id)

    def _userpool(self, condition: str, **params: object) -> Userpool | None:
        row = self._one(f"SELECT id, secret, name, app_id FROM userpools {condition}", **params)  # noqa: S608
        if row is None:
            return None
        userpool_id, secret, name, app_id = (str(value) for value in row)
        return Userpool(userpool_id, self._box.open(secret), name, app_id)

    def _all_userpools(self) -> list[Userpool]:
        with self._database.reading() as db:
            ids = [str(row[0]) for row in db.execute(text("SELECT id FROM userpools")).all()]
        return [userpool for userpool_id in ids if (userpool := self.userpool(userpool_id)) is not None]

    def _raw_secret(self, userpool_id: str) -> str:
        row = self._one("SELECT secret FROM userpools WHERE id = :id", id=userpool_id)
        return str(row[0]) if row else ""

    def service_key(self, name: str, create: Callable[[], str]) -> str:
        """A key the service keeps across restarts and shares between replicas (the token signing key), created on
        first use: of replicas starting together, the first insert wins and all read that one."""
        with self._database.transaction() as db:
            db.execute(
                text("INSERT INTO service_keys VALUES (:name, :value) ON CONFLICT (name) DO NOTHING"),
                {"name": name, "value": self._box.seal(create())},
            )
            value = str(
                db.execute(text("SELECT value FROM service_keys WHERE name = :name"), {"name": name}).scalar_one()
            )
        return self._box.open(value)

    # ---- provider settings and templates -----------------------------------------------------------------

    def provider(self, userpool_id: str) -> EmailProvider:
        return self.versioned_provider(userpool_id)[0]

    def versioned_provider(self, userpool_id: str) -> tuple[EmailProvider, int]:
        """The settings (secrets opened, no ``version`` in the model) and their version, read together."""
        row = self._one(
            "SELECT (SELECT settings FROM providers WHERE userpool_id = :pool), "
            "(SELECT version FROM versions WHERE userpool_id = :pool AND item = :item)",
            pool=userpool_id,
            item=_PROVIDER,
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
        with self._database.transaction() as db:
            version = self._next_version(db, userpool_id, _PROVIDER, base_version)
            self._write_provider(db, userpool_id, provider)
            self._audit(db, userpool_id, audit)
        return version

    def _write_provider(self, db: Connection, userpool_id: str, provider: EmailProvider) -> None:
        sealed = provider.map_secrets(self._box.seal)
        db.execute(
            text(
                "INSERT INTO providers VALUES (:pool, :settings) "
                "ON CONFLICT (userpool_id) DO UPDATE SET settings = excluded.settings"
            ),
            {
                "pool": userpool_id,
                "settings": sealed.model_dump_json(by_alias=True, exclude_none=True, exclude={"version"}),
            },
        )

    def saved_templates(self, userpool_id: str) -> dict[str, EmailTemplate]:
        """The templates this pool saved, by type; types never saved are not here (their default applies)."""
        return {kind: template for kind, (template, _) in self.versioned_templates(userpool_id).items()}

    def versioned_templates(self, userpool_id: str) -> dict[str, tuple[EmailTemplate, int]]:
        """The saved templates by type, each with its version, read together."""
        with self._database.reading() as db:
            rows = db.execute(
                text(
                    "SELECT t.type, t.template, COALESCE(v.version, 1) FROM templates t LEFT JOIN versions v "
                    "ON v.userpool_id = t.userpool_id AND v.item = 'template:' || t.type WHERE t.userpool_id = :pool"
                ),
                {"pool": userpool_id},
            ).all()
        return {kind: (EmailTemplate.model_validate_json(data), int(version)) for kind, data, version in rows}

    def versioned_template(self, userpool_id: str, template_type: str) -> tuple[EmailTemplate | None, int]:
        """A saved template (None: never saved, its default applies) and its version (0 then), read together."""
        row = self._one(
            "SELECT (SELECT template FROM templates WHERE userpool_id = :pool AND type = :type), "
            "(SELECT version FROM versions WHERE userpool_id = :pool AND item = :item)",
            pool=userpool_id,
            type=template_type,
            item=_template_item(template_type),
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
        with self._database.transaction() as db:
            version = self._next_version(db, userpool_id, _template_item(str(template.type)), base_version)
            db.execute(
                text(
                    "INSERT INTO templates VALUES (:pool, :type, :template) "
                    "ON CONFLICT (userpool_id, type) DO UPDATE SET template = excluded.template"
                ),
                {
                    "pool": userpool_id,
                    "type": str(template.type),
                    "template": template.model_dump_json(by_alias=True, exclude_none=True, exclude={"version"}),
                },
            )
            self._audit(db, userpool_id, audit)
            self._keep_revision(db, userpool_id, template, version, audit)
        return version

    # ---- versions and the audit trail --------------------------------------------------------------------

    @staticmethod
    def _next_version(db: Connection, userpool_id: str, item: str, base_version: int | None) -> int:
        """Raise the item's version in one atomic statement, which also locks its row until the transaction ends:
        concurrent writes of one item (from any replica) take turns, and the rest of the transaction (the item,
        its audit record) is written by the one holding it."""
        key = {"pool": userpool_id, "item": item, "base": base_version}
        if base_version is None:
            sql = (
                "INSERT INTO versions VALUES (:pool, :item, 1) ON CONFLICT (userpool_id, item) "
                "DO UPDATE SET version = versions.version + 1 RETURNING version"
            )
        elif base_version == 0:
            sql = "INSERT INTO versions VALUES (:pool, :item, 1) ON CONFLICT DO NOTHING RETURNING version"
        else:
            sql = (
                "UPDATE versions SET version = version + 1 "
                "WHERE userpool_id = :pool AND item = :item AND version = :base RETURNING version"
            )
        raised = db.execute(text(sql), key).scalar()
        if raised is None:
            current = db.execute(
                text("SELECT version FROM versions WHERE userpool_id = :pool AND item = :item"), key
            ).scalar()
            raise VersionConflict(int(current or 0))
        return int(raised)

    @staticmethod
    def _audit(db: Connection, userpool_id: str, record: AuditRecord | None) -> None:
        if record is None:
            return
        at = _utc_now()
        changes = json.dumps([change.model_dump(mode="json") for change in record.changes], ensure_ascii=False)
        db.execute(
            text(
                "INSERT INTO audit (userpool_id, at, actor, kind, item, changes) "
                "VALUES (:pool, :at, :actor, :kind, :item, :changes)"
            ),
            {
                "pool": userpool_id,
                "at": at,
                "actor": record.actor,
                "kind": record.kind.value,
                "item": record.item,
                "changes": changes,
            },
        )

    def audit(self, userpool_id: str, *, kind: AuditKind | None = None, limit: int = 100) -> list[AuditEntry]:
        """The pool's audit trail, newest first."""
        sql = "SELECT seq, at, actor, kind, item, changes FROM audit WHERE userpool_id = :pool"
        params: dict[str, object] = {"pool": userpool_id, "limit": limit}
        if kind is not None:
            sql += " AND kind = :kind"
            params["kind"] = kind.value
        with self._database.reading() as db:
            rows = db.execute(text(f"{sql} ORDER BY seq DESC LIMIT :limit"), params).all()
        return [
            AuditEntry(id=seq, at=at, actor=actor, kind=kind_, item=item, changes=json.loads(changes))
            for seq, at, actor, kind_, item, changes in rows
        ]

    # ---- the once-a-minute rule --------------------------------------------------------------------------

    def reserve_send(self, userpool_id: str, channel: str, mailbox: str, interval: float) -> float | None:
        """Claim the (mailbox, channel) slot for this minute. Returns None when claimed, else the seconds left.

        The check and the claim are one statement (an upsert that only replaces a claim older than the interval),
        so of many concurrent sends, from any number of replicas, exactly one wins.
        """
        now = time.time()
        slot = {"pool": userpool_id, "channel": channel, "mailbox": mailbox, "now": now, "cutoff": now - interval}
        with self._database.transaction() as db:
            claimed = db.execute(
                text(
                    "INSERT INTO sends VALUES (:pool, :channel, :mailbox, :now) "
                    "ON CONFLICT (userpool_id, channel, mailbox) DO UPDATE SET sent_at = excluded.sent_at "
                    "WHERE sends.sent_at <= :cutoff RETURNING sent_at"
                ),
                slot,
            ).first()
            if claimed is not None:
                return None
            sent_at = db.execute(
                text(
                    "SELECT sent_at FROM sends WHERE userpool_id = :pool AND channel = :channel AND mailbox = :mailbox"
                ),
                slot,
            ).scalar_one()
        return float(interval - (now - float(sent_at)))

    def release_send(self, userpool_id: str, channel: str, mailbox: str) -> None:
        """Give the slot back: a delivery that failed does not use up the minute."""
        with self._database.transaction() as db:
            db.execute(
                text("DELETE FROM sends WHERE userpool_id = :pool AND channel = :channel AND mailbox = :mailbox"),
                {"pool": userpool_id, "channel": channel, "mailbox": mailbox},
            )

    # ---- sliding-window limits shared by replicas (limits.WindowLimit, kept in table limit_events) ---------

    def limit_take(self, name: str, key: str, *, limit: int, window: float, now: float, record: bool) -> float | None:
        """Seconds until ``key`` is under ``limit`` events within ``window`` again, or None if it is under it now;
        with ``record``, an event is also added when it is under (check and add in one transaction, serialised per
        key, so concurrent callers on any replica cannot all slip under the limit together)."""
        params = {"name": name, "key": key, "cutoff": now - window, "offset": limit - 1, "now": now}
        with self._database.transaction() as db:
            if self.is_postgres:  # SQLite's BEGIN IMMEDIATE already serialises every writer
                db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name || ' ' || :key, 0))"), params)
            limiting = db.execute(
                text(
                    "SELECT at FROM limit_events WHERE name = :name AND key = :key AND at > :cutoff "
                    "ORDER BY at DESC LIMIT 1 OFFSET :offset"
                ),
                params,
            ).scalar()
            if limiting is not None:
                return float(limiting) + window - now
            if record:
                db.execute(text("INSERT INTO limit_events VALUES (:name, :key, :now)"), params)
        return None

    def limit_record(self, name: str, key: str, *, now: float) -> None:
        with self._database.transaction() as db:
            db.execute(
                text("INSERT INTO limit_events VALUES (:name, :key, :now)"), {"name": name, "key": key, "now": now}
            )

    def limit_forget(self, name: str, *, before: float) -> None:
        """Drop the events that aged out of every window: the table holds only recent ones, however many keys."""
        with self._database.transaction() as db:
            db.execute(
                text("DELETE FROM limit_events WHERE name = :name AND at <= :before"), {"name": name, "before": before}
            )

    # ---- the built-in mail service's outbox --------------------------------------------------------------

    def add_to_outbox(self, userpool_id: str, message: OutboxMessage) -> None:
        with self._database.transaction() as db:
            if self.is_postgres:  # SQLite's BEGIN IMMEDIATE already lets one writer in at a time
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OUTBOX_LOCK})
            db.execute(
                text(
                    "INSERT INTO outbox VALUES (:id, :pool, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox), :message)"
                ),
                {"id": message.id, "pool": userpool_id, "message": message.model_dump_json(by_alias=True)},
            )

    def outbox(self, userpool_id: str, limit: int) -> list[OutboxMessage]:
        with self._database.reading() as db:
            rows = db.execute(
                text("SELECT message FROM outbox WHERE userpool_id = :pool ORDER BY seq DESC LIMIT :limit"),
                {"pool": userpool_id, "limit": limit},
            ).all()
        return [OutboxMessage.model_validate_json(row[0]) for row in rows]

    # ---- template history and the delivery log (named parameters, portable SQL) -------------------------

    @staticmethod
    def _keep_revision(
        db: Connection, userpool_id: str, template: EmailTemplate, version: int, audit: AuditRecord | None
    ) -> None:
        """Every saved version of a template, in the save's transaction."""
        db.execute(
            _insert("template_history", ["userpool_id", "type", "version", "at", "actor", "template"]),
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
        with self._database.reading() as db:
            rows = db.execute(
                text(
                    "SELECT version, at, actor, template FROM template_history "
                    "WHERE userpool_id = :userpool_id AND type = :type ORDER BY version DESC LIMIT :limit"
                ),
                {"userpool_id": userpool_id, "type": template_type, "limit": limit},
            ).all()
        return [
            TemplateRevision.model_validate({**json.loads(data), "version": version, "at": at, "actor": actor})
            for version, at, actor, data in rows
        ]

    def template_revision(self, userpool_id: str, template_type: str, version: int) -> TemplateRevision | None:
        row = self._one(
            "SELECT at, actor, template FROM template_history "
            "WHERE userpool_id = :userpool_id AND type = :type AND version = :version",
            userpool_id=userpool_id,
            type=template_type,
            version=version,
        )
        if row is None:
            return None
        at, actor, data = row
        return TemplateRevision.model_validate({**json.loads(str(data)), "version": version, "at": at, "actor": actor})

    def add_delivery(self, userpool_id: str, delivery: Delivery, *, audit: AuditRecord | None = None) -> None:
        """Log one mail sent or tried (its ``id`` and ``at`` are the store's), with its audit record if any."""
        with self._database.transaction() as db:
            db.execute(
                _insert("deliveries", [*_DELIVERY_COLUMNS]),
                {
                    "userpool_id": userpool_id,
                    "at": _utc_now(),
                    "channel": delivery.channel,
                    "recipient": delivery.to,
                    "subject": _storable(delivery.subject),
                    "template_type": delivery.template_type,
                    "template_version": delivery.template_version,
                    "provider": delivery.provider,
                    "destination": delivery.destination,
                    "status": str(delivery.status),
                    "reply": _storable(delivery.reply) if delivery.reply is not None else None,
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
        with self._database.reading() as db:
            rows = db.execute(text(f"{sql} ORDER BY seq DESC LIMIT :limit"), params).all()
        names = "id at channel to subject template_type template_version provider destination status reply"
        names += " message_id duration_ms"
        return [Delivery.model_validate(dict(zip(names.split(), row, strict=True))) for row in rows]

    # ---- the language of a pool's built-in mails (issue 16) ----------------------------------------------------

    def pool_language(self, userpool_id: str) -> Language:
        """The language the pool's built-in mails are written in; a pool from before languages were kept had
        English ones, and keeps them."""
        row = self._one("SELECT language FROM pool_languages WHERE userpool_id = :pool", pool=userpool_id)
        language = parse_language(str(row[0])) if row is not None else None
        return language or EN_US

    def keep_pool_language(self, userpool_id: str, language: Language) -> None:
        """Record the pool's language once; a pool that has one keeps it."""
        with self._database.transaction() as db:
            db.execute(
                text("INSERT INTO pool_languages VALUES (:pool, :language) ON CONFLICT (userpool_id) DO NOTHING"),
                {"pool": userpool_id, "language": language},
            )


_DELIVERY_COLUMNS = (
    "userpool_id",
    "at",
    "channel",
    "recipient",
    "subject",
    "template_type",
    "template_version",
    "provider",
    "destination",
    "status",
    "reply",
    "message_id",
    "duration_ms",
)


def _storable(value: str) -> str:
    """Text as a column can hold it: PostgreSQL refuses NUL in text, and a logged subject is as the template
    rendered it (a subject with NUL is refused at send, and the refusal is logged)."""
    return value.replace("\0", "\N{REPLACEMENT CHARACTER}")


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _insert(table: str, columns: list[str]) -> TextClause:
    """INSERT of the named columns (names from the store's own tables, never from a request)."""
    names, values = ", ".join(columns), ", ".join(f":{column}" for column in columns)
    return text(f"INSERT INTO {table} ({names}) VALUES ({values})")  # noqa: S608


def _secrets_of(provider: EmailProvider) -> list[str]:
    configs = ((getattr(provider, config), secret) for config, secret in PROVIDER_SECRETS.items())
    return [getattr(config, secret) for config, secret in configs if config is not None and getattr(config, secret)]
