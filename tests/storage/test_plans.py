"""Plan import into the database: create, re-import without losing reports, export."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from storage.database import Database
from storage.documents import IndicatorSpec, OrganizationSpec, PlanDocument, TaskSpec
from storage.models import Report, Task
from storage.plans import export_plan, import_plan
from storage.summaries import program_status

from ..conftest import NOW, SAMPLE_AS_OF

P = "CTPH-2019"


def test_export_gives_back_the_imported_plan(db: Database, sample_plan: PlanDocument) -> None:
    """What goes in comes out: the plan exported from the database equals the file's plan."""
    with db.write() as s:
        changes = import_plan(session=s, plan=sample_plan, actor="test", now=NOW)
    assert changes.created and len(changes.tasks.added) == 46
    with db.read() as s:
        assert export_plan(session=s, program_code=P) == sample_plan


def test_reimporting_the_same_plan_changes_nothing(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """A second import of an unchanged plan reports no change and writes nothing."""
    with sample_db.write() as s:
        changes = import_plan(session=s, plan=sample_plan, actor="test", now=NOW)
    assert not changes.any


def test_reimporting_an_edited_plan_keeps_every_report(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """Titles, deadlines and partners change, a task goes and one comes; the reports stay and
    the removed task is no longer counted."""
    tasks = [t for t in sample_plan.tasks if t.code != "R37"]
    tasks[0] = tasks[0].model_copy(update={"title": "Quán triệt nghị quyết (sửa)"})
    r09 = next(n for n, t in enumerate(tasks) if t.code == "R09")
    tasks[r09] = tasks[r09].model_copy(
        update={"due": date(2019, 6, 30), "partners": ("MTTQ", "TD")}
    )
    tasks.append(TaskSpec(code="R38", kind="registered", title="Nhiệm vụ mới", lead="HND",
                          due=date(2019, 9, 30)))  # fmt: skip
    edited = sample_plan.model_copy(update={"tasks": tuple(tasks)})
    with sample_db.write() as s:
        changes = import_plan(session=s, plan=edited, actor="test", now=NOW)
    assert (changes.tasks.added, changes.tasks.changed, changes.tasks.removed) == (
        ["R38"],
        ["CT01", "R09"],
        ["R37"],
    )
    with sample_db.read() as s:
        st = program_status(session=s, program_code=P, as_of=SAMPLE_AS_OF)
        reports = s.connection().execute(sa.select(sa.func.count()).select_from(Report)).scalar()
        r37 = s.connection().execute(sa.select(Task.active).where(Task.code == "R37")).scalar()  # type: ignore[call-overload]
        assert export_plan(session=s, program_code=P) == edited
    assert reports == 54 and r37 is False
    reg = st.kinds["registered"]
    # R37 (done) left, R38 (in progress) came, R09 is no longer overdue.
    assert (reg.done, reg.total, reg.overdue) == (23, 37, 2)
    assert [x.code for x in st.overdue] == ["CT09", "R27", "R33"]


def test_dry_run_previews_without_writing(db: Database, sample_plan: PlanDocument) -> None:
    """A dry run says what would be created and leaves the database empty."""
    with db.write() as s:
        changes = import_plan(session=s, plan=sample_plan, actor="t", now=NOW, dry_run=True)
    assert changes.created and len(changes.organizations.added) == 15
    with db.read() as s:
        assert s.connection().execute(sa.select(sa.func.count()).select_from(Task)).scalar() == 0


def test_dry_run_of_a_plan_adding_an_organization_its_tasks_name(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """Previewing a plan that adds an organization, an indicator and a task using both shows
    each change (it used to fail looking up the new organization's id) and writes nothing."""
    tasks = [
        t.model_copy(update={"lead": "HKH"}) if t.code == "R12" else t for t in sample_plan.tasks
    ]
    tasks.append(
        TaskSpec(code="R38", kind="registered", title="Trao học bổng", lead="HKH",
                 partners=("HND",), due=date(2019, 9, 30), targets={"HB": 100})
    )  # fmt: skip
    edited = sample_plan.model_copy(
        update={
            "organizations": (
                *sample_plan.organizations,
                OrganizationSpec(code="HKH", name="Hội Khuyến học tỉnh"),
            ),
            "indicators": (
                *sample_plan.indicators,
                IndicatorSpec(code="HB", unit="suất học bổng", kind="count"),
            ),
            "tasks": tuple(tasks),
        }
    )
    with sample_db.write() as s:
        changes = import_plan(session=s, plan=edited, actor="t", now=NOW, dry_run=True)
    assert changes.organizations.added == ["HKH"]
    assert changes.indicators.added == ["HB"]
    assert (changes.tasks.added, changes.tasks.changed) == (["R38"], ["R12"])
    with sample_db.read() as s:
        assert s.exec(sa.select(Task.code).where(Task.code == "R38")).first() is None  # type: ignore[call-overload]
        assert export_plan(session=s, program_code=P) == sample_plan
