"""template_history, deliveries, pool_languages: every saved version of a template (history and restore), the
delivery log of every mail sent or tried, and the language of each pool's built-in mails.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "template_history",
        sa.Column("userpool_id", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("template", sa.Text, nullable=False),  # the template's wire JSON, as saved
        sa.PrimaryKeyConstraint("userpool_id", "type", "version"),
    )
    op.create_table(
        "deliveries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("userpool_id", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("template_type", sa.Text),
        sa.Column("template_version", sa.Integer),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reply", sa.Text),
        sa.Column("message_id", sa.Text),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sqlite_autoincrement=True,  # as the audit trail: a number is never reused
    )
    op.create_index("deliveries_by_pool", "deliveries", ["userpool_id", "seq"])
    op.create_table(
        "pool_languages",
        sa.Column("userpool_id", sa.Text, primary_key=True),
        sa.Column("language", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("pool_languages", "deliveries", "template_history"):
        op.drop_table(table)
