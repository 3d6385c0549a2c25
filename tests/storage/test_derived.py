"""Each task's stored judging deadline and done state (storage.derived): kept by every write,
filled by migration 0003, and the status they give equals the status computed from scratch."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import command

from storage.database import Database
from storage.documents import PlanDocument
from storage.models import Task, table
from storage.plans import import_plan
from storage.rules import Status
from storage.summaries import ProgramStatus, program_status

from ..conftest import NOW, SAMPLE_AS_OF

PROGRAM = "CTPH-2019"
DATES = [date(2019, 3, 31), SAMPLE_AS_OF, date(2019, 12, 31)]


def status_of(
    db: Database, as_of: date, org: str | None = None, limit: int | None = None
) -> ProgramStatus:
    with db.read() as session:
        return program_status(
            session=session, program_code=PROGRAM, as_of=as_of, org_code=org, limit=limit
        )


def derived(db: Database) -> dict[str, tuple[date | None, str | None]]:
    t = table(Task)
    with db.read() as session:
        rows = session.connection().execute(sa.select(t.c.code, t.c.deadline, t.c.done_state))
        return {code: (deadline, state) for code, deadline, state in rows}


def clear_derived(db: Database) -> None:
    with db.write() as session:
        session.connection().execute(sa.update(table(Task)).values(deadline=None, done_state=None))


def all_views(db: Database) -> list[ProgramStatus]:
    return [
        status_of(db, as_of, org, limit)
        for as_of in DATES
        for org in (None, "CA")
        for limit in (None, 2)
    ]


def test_status_from_the_derived_state_equals_the_status_from_scratch(sample_db: Database) -> None:
    """Without the derived columns (a task written without the refresh), every figure, list and
    code is computed from the plan and history instead, and comes out the same."""
    with_derived = all_views(sample_db)
    clear_derived(sample_db)
    assert all_views(sample_db) == with_derived


def test_derived_state_of_the_sample(sample_db: Database) -> None:
    """Done tasks keep their on-time or late state, open ones are 'open'."""
    state = derived(sample_db)
    assert state["CT08"][1] == Status.DONE_LATE.value
    assert state["R09"] == (date(2019, 5, 31), "open")
    assert all(deadline is not None and done is not None for deadline, done in state.values())


def test_a_re_imported_deadline_is_judged_at_once(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """R09 made "thường xuyên" for the first half-year in the plan is judged by that period's
    end: no longer overdue as of 14/06."""
    assert status_of(sample_db, SAMPLE_AS_OF).statuses["R09"] is Status.OVERDUE
    tasks = tuple(
        t.model_copy(update={"due": None, "period": "6T-2019"}) if t.code == "R09" else t
        for t in sample_plan.tasks
    )
    with sample_db.write() as session:
        import_plan(
            session=session, plan=sample_plan.model_copy(update={"tasks": tasks}), actor="t",
            now=NOW,
        )  # fmt: skip
    assert derived(sample_db)["R09"] == (date(2019, 6, 30), "open")
    assert status_of(sample_db, SAMPLE_AS_OF).statuses["R09"] is Status.IN_PROGRESS


def test_migration_0003_fills_the_derived_state(sample_db: Database) -> None:
    """A database that had tasks and reports before 0003 gets the same state as a fresh one."""
    before, views = derived(sample_db), all_views(sample_db)
    cfg = sample_db.alembic_config()
    with sample_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    sample_db.dispose()
    sample_db.upgrade()
    assert derived(sample_db) == before
    assert all_views(sample_db) == views
