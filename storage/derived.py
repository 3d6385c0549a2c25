"""Per-task derived state: the judging deadline and, once done, on time or late.

Status as of a date is the four-way rule of `storage.rules.classify` over a task's judging
deadline and completion date. Both are stored on the task (`Task.deadline`, and
`Task.done_state`: "done_on_time" or "done_late" once done, "open" until then), so that the
status of 100,000 tasks as of today is an index scan: a done task's status no longer depends on
the date, and an open one's only on whether the deadline is before it. (`done_state` is never
None once derived: a value, not NULL, so that both databases can read an index in order after
`done_state = 'open'`; None marks a task written without the refresh.)

Whatever changes what they depend on (a task's plan dates, its period, the program's end, its
closing report) calls `refresh_task_state`: `import_plan`, `record_report`,
`rebuild_derived_state`; migration 0003 fills them for existing databases.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from storage.models import Period, Program, Task, table
from storage.rules import Status


def judging_deadline_sql(t: Any) -> Any:
    """`storage.rules.judging_deadline` of a task row, as SQL (correlated on `t`)."""
    p, prog = table(Period), table(Program)
    return sa.func.coalesce(
        t.c.original_due,
        sa.select(p.c.end).where(p.c.id == t.c.period_id).scalar_subquery(),
        sa.select(prog.c.end).where(prog.c.id == t.c.program_id).scalar_subquery(),
    )


OPEN = "open"


def done_state_sql(*, done_on: Any, deadline: Any) -> Any:
    """The status a task done on `done_on` keeps whatever the date ("open" while not done)."""
    return sa.case(
        (done_on.is_(None), OPEN),
        (done_on <= deadline, Status.DONE_ON_TIME.value),
        else_=Status.DONE_LATE.value,
    )


def refresh_task_state(
    conn: sa.Connection, program_id: int, task_ids: Iterable[int] | None = None
) -> None:
    """Recompute `deadline` and `done_state` of the program's tasks (or of `task_ids`),
    writing only the rows whose value changes."""
    t = table(Task)
    deadline = judging_deadline_sql(t)
    state = done_state_sql(done_on=t.c.done_on, deadline=deadline)
    where = [t.c.program_id == program_id]
    if task_ids is not None:
        ids = sorted(set(task_ids))
        if not ids:
            return
        where.append(t.c.id.in_(ids))
    stale = sa.or_(t.c.deadline.is_distinct_from(deadline), t.c.done_state.is_distinct_from(state))
    conn.execute(sa.update(t).where(*where, stale).values(deadline=deadline, done_state=state))
