"""The task register of the sample: the same statuses as the status, and each task's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from storage.database import Database
from storage.errors import OperationError
from storage.registers import TaskRegister, task_register
from storage.rules import Status
from storage.summaries import program_status

from ..conftest import SAMPLE_AS_OF

PROGRAM = "CTPH-2019"


def register_of(db: Database, as_of: date, org: str | None = None) -> TaskRegister:
    with db.read() as session:
        return task_register(session=session, program_code=PROGRAM, as_of=as_of, org_code=org)


@pytest.mark.parametrize(
    "as_of", [date(2019, 3, 31), date(2019, 5, 31), SAMPLE_AS_OF, date(2019, 12, 31)]
)
def test_statuses_equal_program_status(sample_db: Database, as_of: date) -> None:
    """Every task's status in the register is the one `program_status` gives, as of any date
    (today from the derived state, earlier ones replayed), in plan order."""
    register = register_of(sample_db, as_of)
    with sample_db.read() as session:
        status = program_status(session=session, program_code=PROGRAM, as_of=as_of)
    assert register.statuses() == status.statuses
    assert [t.code for t in register.tasks] == list(status.statuses)
    assert [t.number for t in register.tasks] == list(range(1, len(register.tasks) + 1))
    for task in register.tasks:
        assert (task.done_on is not None) == task.status.done


def test_sample_figures(sample_db: Database) -> None:
    """CT04's 210 ngôi nhà and 7.050 triệu đồng, per organization, and the overdue tasks."""
    register = register_of(sample_db, SAMPLE_AS_OF)
    by_code = {t.code: t for t in register.tasks}
    assert len(register.tasks) == 46
    ct04 = {line.unit: line for line in by_code["CT04"].indicators}
    assert ct04["ngôi nhà"].total is not None and ct04["ngôi nhà"].total.value == 210
    assert ct04["triệu đồng"].total is not None
    assert ct04["triệu đồng"].total.value == Decimal(7050)
    assert sum(a.value for _, a in ct04["ngôi nhà"].by_org) == 210
    overdue = {t.code: t.days_late for t in register.tasks if t.status is Status.OVERDUE}
    assert overdue == {"CT09": 14, "R09": 14, "R27": 14, "R33": 14}
    assert by_code["CT01"].partners_all or by_code["CT01"].partners
    late = sorted(t.code for t in register.tasks if t.status is Status.DONE_LATE)
    assert late == ["CT08", "R16", "R32"]
    for task in register.tasks:
        assert task.status.done == (task.done_on is not None)


def test_organization_view(sample_db: Database) -> None:
    """An organization's register holds the tasks it leads or partners on, as the status."""
    register = register_of(sample_db, SAMPLE_AS_OF, "HND")
    with sample_db.read() as session:
        status = program_status(
            session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF, org_code="HND"
        )
    assert register.statuses() == status.statuses
    assert all(t.involves("HND") for t in register.tasks)
    with pytest.raises(OperationError):
        register_of(sample_db, SAMPLE_AS_OF, "NOPE")
