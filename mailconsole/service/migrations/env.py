"""Alembic's entry: run the migrations on the connection ``mailconsole.service.migrate`` hands over (it holds the
migration lock on it). There is no alembic.ini: the service finds its migrations in this package."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
