"""verification of completions

Revision ID: 0007
Revises: 0006

A program may have its completions verified (`program.verification`): a lead's done report
waits in `verification` for the chair or secretariat to accept or return it.
Create Date: 2026-11-23 15:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN: a batch operation would copy `program`, which other
    # tables' rows reference. Existing programs keep today's behaviour (off).
    op.add_column(
        "program",
        sa.Column("verification", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("closing_report_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["program.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["closing_report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id"),
    )
    op.create_index("ix_verification_task_id", "verification", ["task_id"], unique=False)
    op.create_index(
        "ix_verification_pending", "verification", ["program_id", "status", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_verification_pending", table_name="verification")
    op.drop_index("ix_verification_task_id", table_name="verification")
    op.drop_table("verification")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), as in 0004.
    op.execute('ALTER TABLE program DROP COLUMN "verification"')
