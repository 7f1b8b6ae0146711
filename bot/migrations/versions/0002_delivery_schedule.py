"""delivery scheduling: next due time per member, the last item sent per enrollment, nudges

Revision ID: 0002_delivery
Revises: 0001
Create Date: 2026-11-23 16:30:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from apscheduler.triggers.cron import CronTrigger

revision: str = "0002_delivery"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0001 created the delivery table's unique constraint without a name. PostgreSQL named it
# itself; on SQLite the batch copy reflects it nameless, so this convention names it to drop it.
OLD_UNIQUE_POSTGRES = "delivery_member_id_path_id_item_id_key"
OLD_UNIQUE_SQLITE = "uq_delivery_member_id"
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
NEW_UNIQUE = "uq_delivery_member_path_item_kind"


def _old_unique() -> str:
    return OLD_UNIQUE_SQLITE if op.get_bind().dialect.name == "sqlite" else OLD_UNIQUE_POSTGRES


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_member_platform_next_due", ["platform", "next_due_at"], unique=False
        )

    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_sent_item_id", sa.String(length=64), nullable=True))

    with op.batch_alter_table("delivery", schema=None, naming_convention=NAMING) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="item")
        )
        batch_op.drop_constraint(_old_unique(), type_="unique")
        batch_op.create_unique_constraint(NEW_UNIQUE, ["member_id", "path_id", "item_id", "kind"])

    _schedule_enrolled_members()


def _schedule_enrolled_members() -> None:
    """Members already on a path get their next delivery time, as `/mentor schedule` sets it.

    Without it they would never be due: the dispatcher only looks at `next_due_at`.
    """
    member = sa.table(
        "member",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("timezone", sa.String),
        sa.column("delivery_time", sa.String),
        sa.column("delivery_days", sa.String),
        sa.column("next_due_at", sa.DateTime(timezone=True)),
    )
    enrollment = sa.table(
        "enrollment", sa.column("member_id", sa.Integer), sa.column("status", sa.String)
    )
    enrolled = sa.select(enrollment.c.member_id).where(enrollment.c.status == "active")
    waiting = sa.and_(member.c.status == "active", member.c.id.in_(enrolled))
    bind = op.get_bind()
    schedules = bind.execute(
        sa.select(member.c.delivery_time, member.c.timezone, member.c.delivery_days)
        .where(waiting)
        .distinct()
    ).all()
    now = datetime.now(UTC)
    for time, zone, days in schedules:
        hour, minute = time.split(":")
        try:
            trigger = CronTrigger(
                hour=int(hour), minute=int(minute), day_of_week=days, timezone=ZoneInfo(zone)
            )
        except (ValueError, KeyError):
            continue  # left unscheduled: `/mentor schedule` with a good zone brings them back
        due = trigger.get_next_fire_time(None, now).astimezone(UTC)
        bind.execute(
            member.update()
            .where(
                waiting,
                member.c.delivery_time == time,
                member.c.timezone == zone,
                member.c.delivery_days == days,
            )
            .values(next_due_at=due)
        )


def downgrade() -> None:
    # Nudges have no place in the old shape: they would collide with the item they held back.
    op.execute(sa.text("DELETE FROM delivery WHERE kind <> 'item'"))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint(NEW_UNIQUE, type_="unique")
        batch_op.drop_column("kind")
        batch_op.create_unique_constraint(_old_unique(), ["member_id", "path_id", "item_id"])

    with op.batch_alter_table("enrollment", schema=None) as batch_op:
        batch_op.drop_column("last_sent_item_id")

    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index("ix_member_platform_next_due")
        batch_op.drop_column("next_due_at")
