"""The migrations build exactly the schema bot/core/models.py describes, and step back down."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import DateTime, bindparam, text
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


def _upgrade_to(connection, revision: str) -> None:
    from alembic import command

    from bot.core.db import _alembic_config

    command.upgrade(_alembic_config(connection), revision)


async def test_members_already_on_a_path_are_scheduled_by_the_migration(database_url: str):
    """An active member enrolled before deliveries existed gets a next due time; others none."""
    engine = create_engine(database_url)
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    when = bindparam("now", type_=DateTime(timezone=True))
    member_sql = (
        "INSERT INTO member (id, platform, workspace_id, user_id, display_name, timezone, "
        "delivery_time, delivery_days, status, created_at, updated_at) VALUES "
        "(:id, 'console', 'local', :user, :user, 'Europe/Berlin', '08:00', "
        "'mon,tue,wed,thu,fri,sat,sun', :status, :now, :now)"
    )
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to, "0002_delivery-1")
            for member_id, status in ((1, "active"), (2, "paused"), (3, "active")):
                await connection.execute(
                    text(member_sql).bindparams(when),
                    {"id": member_id, "user": f"u{member_id}", "status": status, "now": now},
                )
            for member_id in (1, 2):
                await connection.execute(
                    text(
                        "INSERT INTO enrollment (member_id, path_id, current_item_id, status, "
                        "started_at) VALUES (:id, 'ai-engineer', 'ai-role', 'active', :now)"
                    ).bindparams(when),
                    {"id": member_id, "now": now},
                )
            await connection.run_sync(_upgrade_to, "0002_delivery")
            rows = await connection.execute(text("SELECT id, next_due_at FROM member ORDER BY id"))
            due = {member_id: value for member_id, value in rows}
    finally:
        await engine.dispose()
    assert due[1] is not None
    assert (due[2], due[3]) == (None, None)


async def test_members_paused_before_pauses_were_kept_get_an_open_pause(database_url: str):
    """A member already paused gets a pause from their last change, so it holds their streak."""
    engine = create_engine(database_url)
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    when = bindparam("now", type_=DateTime(timezone=True))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to, "0003_publishing")
            for member_id, status in ((1, "active"), (2, "paused")):
                await connection.execute(
                    text(
                        "INSERT INTO member (id, platform, workspace_id, user_id, display_name, "
                        "timezone, delivery_time, delivery_days, status, created_at, updated_at) "
                        "VALUES (:id, 'console', 'local', :user, :user, 'UTC', '08:00', "
                        "'mon,tue,wed,thu,fri,sat,sun', :status, :now, :now)"
                    ).bindparams(when),
                    {"id": member_id, "user": f"u{member_id}", "status": status, "now": now},
                )
            await connection.run_sync(_upgrade_to, "0004_pauses_and_lag")
            rows = (
                await connection.execute(
                    text("SELECT member_id, ended_at FROM member_pause ORDER BY id")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [(2, None)]
