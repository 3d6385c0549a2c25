"""status speed

Revision ID: 0003
Revises: 0002

Each task's judging deadline and done state, stored (storage.derived) and indexed, so that the
status as of today is counted from indexes; filled here for the tasks already on record.
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The judging deadline (the task's own, else its period's end, else its program's end) and the
# done state, as storage.derived computes them; written out here so that this migration stays
# what it is when that module changes.
_BACKFILL = """
UPDATE task SET
    deadline = coalesce(
        original_due,
        (SELECT period."end" FROM period WHERE period.id = task.period_id),
        (SELECT program."end" FROM program WHERE program.id = task.program_id)
    ),
    done_state = CASE
        WHEN done_on IS NULL THEN 'open'
        WHEN done_on <= coalesce(
            original_due,
            (SELECT period."end" FROM period WHERE period.id = task.period_id),
            (SELECT program."end" FROM program WHERE program.id = task.program_id)
        ) THEN 'done_on_time'
        ELSE 'done_late'
    END
"""


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("done_state", sa.String(length=16), nullable=True))
    op.execute(_BACKFILL)
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_counts",
            [
                "program_id", "kind", "lead_org_id", "done_state", "deadline", "due", "active",
                "assigned_on", "counts_toward_id", "id",
            ],
            unique=False,
        )  # fmt: skip
        batch_op.create_index(
            "ix_task_state",
            [
                "program_id", "kind", "done_state", "position", "id", "deadline", "active",
                "assigned_on",
            ],
            unique=False,
        )  # fmt: skip
        batch_op.create_index(
            "ix_task_open",
            ["program_id", "done_state", "deadline", "position", "id"],
            unique=False,
        )
        batch_op.create_index("ix_task_position", ["program_id", "position", "id"], unique=False)
        batch_op.create_index(
            "ix_task_lead_open",
            [
                "program_id", "done_state", "lead_org_id", "position", "id", "deadline", "active",
                "assigned_on",
            ],
            unique=False,
        )  # fmt: skip
    with op.batch_alter_table("tasktotal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasktotal_sums",
            [
                "program_id", "indicator_id", "contributors", "total_milli", "approx_count",
                "lower_bound_count",
            ],
            unique=False,
        )  # fmt: skip
        batch_op.create_index(
            "ix_tasktotal_tasks", ["program_id", "task_id", "contributors"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tasktotal", schema=None) as batch_op:
        batch_op.drop_index("ix_tasktotal_tasks")
        batch_op.drop_index("ix_tasktotal_sums")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_lead_open")
        batch_op.drop_index("ix_task_position")
        batch_op.drop_index("ix_task_open")
        batch_op.drop_index("ix_task_state")
        batch_op.drop_index("ix_task_counts")
    # Plain ALTER TABLE (SQLite 3.35+ has it): a batch would copy the task table, which rows
    # of other tables refer to.
    op.execute("ALTER TABLE task DROP COLUMN done_state")
    op.execute("ALTER TABLE task DROP COLUMN deadline")
