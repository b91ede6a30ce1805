"""limit_events: the sliding-window limits (wrong secrets per address, connection tests per tenant) kept in the
database, so that every replica counts the same events.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "limit_events",
        sa.Column("name", sa.Text, nullable=False),  # which limit
        sa.Column("key", sa.Text, nullable=False),  # whose events: an address, a pool id
        sa.Column("at", sa.Double, nullable=False),  # seconds since the epoch (every replica's clock)
    )
    op.create_index("limit_events_by_key", "limit_events", ["name", "key", "at"])


def downgrade() -> None:
    op.drop_table("limit_events")
