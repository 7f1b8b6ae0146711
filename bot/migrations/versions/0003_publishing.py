"""publishing: what each content revision changed, where it came from, and its announcement

Revision ID: 0003_publishing
Revises: 0002_delivery
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_publishing"
down_revision: str | None = "0002_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("content_revision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=16), nullable=False, server_default="publish")
        )
        for name in ("added", "changed", "removed"):
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("retired", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("directory", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("content_revision", schema=None) as batch_op:
        for name in ("announced_at", "directory", "retired", "removed", "changed", "added"):
            batch_op.drop_column(name)
        batch_op.drop_column("origin")
