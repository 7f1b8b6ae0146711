"""Alembic environment. mentorbot hands in an open connection (see bot.core.db.upgrade)."""

from alembic import context
from sqlmodel import SQLModel

import bot.core.models  # noqa: F401  registers the tables on SQLModel.metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `mentorbot db upgrade`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
