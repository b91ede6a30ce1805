"""Baseline: the schema of the SQLite-only releases, table for table.

An existing SQLite data dir already has these tables; ``migrate`` stamps it at this revision instead of running
it. Two differences, on purpose: the ``REFERENCES userpools(id)`` of providers and templates are not declared
(SQLite never enforced them, and ``Store.serve_only`` keeps a dropped pool's settings, which an enforcing database
would refuse), and ``sends.sent_at`` is a double (SQLite's REAL; PostgreSQL's REAL would round the seconds).

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "userpools",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("app_id", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "service_keys",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "providers",
        sa.Column("userpool_id", sa.Text, primary_key=True),
        sa.Column("settings", sa.Text, nullable=False),
    )
    op.create_table(
        "templates",
        sa.Column("userpool_id", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, primary_key=True),
        sa.Column("template", sa.Text, nullable=False),
    )
    op.create_table(
        "sends",
        sa.Column("userpool_id", sa.Text, primary_key=True),
        sa.Column("channel", sa.Text, primary_key=True),
        sa.Column("mailbox", sa.Text, primary_key=True),
        sa.Column("sent_at", sa.Double, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("userpool_id", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("outbox_by_pool", "outbox", ["userpool_id", "seq"])
    op.create_table(
        "versions",
        sa.Column("userpool_id", sa.Text, primary_key=True),
        sa.Column("item", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("userpool_id", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("audit_by_pool", "audit", ["userpool_id", "seq"])
    op.create_index("audit_by_kind", "audit", ["userpool_id", "kind", "seq"])


def downgrade() -> None:
    for table in ("audit", "versions", "outbox", "sends", "templates", "providers", "service_keys", "userpools"):
        op.drop_table(table)
