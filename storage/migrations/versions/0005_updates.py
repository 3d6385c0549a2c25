"""updates

Revision ID: 0005
Revises: 0004

Incoming updates, stored before they have any effect and processed once (`storage.updates`).
Create Date: 2026-11-23 14:05:55.079235
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incoming_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.create_index(
        "ix_incoming_update_status", "incoming_update", ["status", "update_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_incoming_update_status", table_name="incoming_update")
    op.drop_table("incoming_update")
