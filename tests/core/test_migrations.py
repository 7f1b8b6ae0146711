"""The migrations build exactly the schema bot/core/models.py describes, and step back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import bot.core.models  # noqa: F401  registers the tables
from bot.core.db import create_engine, upgrade


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, SQLModel.metadata)


def _down_and_up(connection) -> None:
    from alembic import command

    from bot.core.db import _alembic_config

    config = _alembic_config(connection)
    command.downgrade(config, "0002_delivery-1")
    command.upgrade(config, "head")


async def test_migrated_database_matches_the_models(database_url: str):
    """No table, column, index or constraint differs after `upgrade`."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_delivery_migration_downgrades_and_upgrades_again(database_url: str):
    """The delivery migration can be undone and redone on both databases."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.run_sync(_down_and_up)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()
