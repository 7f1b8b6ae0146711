"""pauses kept for streaks; each delivery's scheduled time, for the delivery lag

Revision ID: 0004_pauses_and_lag
Revises: 0003_publishing
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_pauses_and_lag"
down_revision: str | None = "0003_publishing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_pause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_pause_member_id", "member_pause", ["member_id"], unique=False)
    # Members paused now get their pause from when their row last changed: the best guess.
    op.execute(
        sa.text(
            "INSERT INTO member_pause (member_id, started_at) "
            "SELECT id, updated_at FROM member WHERE status = 'paused'"
        )
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("scheduled_at")
    op.drop_index("ix_member_pause_member_id", table_name="member_pause")
    op.drop_table("member_pause")
