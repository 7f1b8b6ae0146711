"""unreachable notice: whether a member whose DMs were refused has been told so

Revision ID: 0005_unreachable_notice
Revises: 0004_pauses_and_lag
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_unreachable_notice"
down_revision: str | None = "0004_pauses_and_lag"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unreachable_told", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("unreachable_told")
