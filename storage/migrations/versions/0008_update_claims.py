"""update claims

Revision ID: 0008
Revises: 0007

Stored updates are claimed by the process that works on them (a lease), so that replicas on one
database each take different updates, and one chat's updates are processed one at a time, in order.
Create Date: 2026-11-23 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("incoming_update", sa.Column("chat_key", sa.BigInteger(), nullable=True))
    op.add_column("incoming_update", sa.Column("claimed_by", sa.String(length=64), nullable=True))
    op.add_column(
        "incoming_update", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_incoming_update_chat", "incoming_update", ["chat_key", "status", "update_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_incoming_update_chat", table_name="incoming_update")
    # SQLite 3.35+ drops columns in place (Python 3.11 bundles 3.40).
    op.drop_column("incoming_update", "claimed_at")
    op.drop_column("incoming_update", "claimed_by")
    op.drop_column("incoming_update", "chat_key")
