"""Recording reports: exactly once, corrections, who may close a task, extensions, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from storage.database import Database
from storage.documents import PlanDocument
from storage.errors import OperationError
from storage.models import AuditEntry, Report, ReportValue, Task
from storage.operations import (
    decide_extension,
    rebuild_derived_state,
    record_report,
    request_extension,
    upsert_member,
)
from storage.plans import import_plan
from storage.rules import Status
from storage.summaries import ProgramStatus, program_status
from storage.vietnamese import Quantity

from ..conftest import NOW

P = "CTPH-2019"
OFFICER_CA, OFFICER_MTTQ, SECRETARY = 900003, 900004, 900101


@pytest.fixture
def plan_db(db: Database, sample_plan: PlanDocument) -> Database:
    """The sample plan with three people and no reports."""
    with db.write() as s:
        import_plan(session=s, plan=sample_plan, actor="test", now=NOW)
        for tg, org, role in ((OFFICER_CA, "CA", "officer"), (OFFICER_MTTQ, "MTTQ", "officer"),
                              (SECRETARY, "BDVTU", "secretary")):  # fmt: skip
            upsert_member(session=s, program_code=P, telegram_id=tg, name=f"p{tg}",
                          org_code=org, role=role, now=NOW)  # fmt: skip
    return db


def report(s: Session, key: str, task: str, org: str, day: date, **kw: object) -> object:
    return record_report(session=s, program_code=P, task_code=task, org_code=org,
                         effective_on=day, source_key=key, now=NOW, **kw)  # type: ignore[arg-type]  # fmt: skip


def status(db: Database, as_of: date) -> ProgramStatus:
    with db.read() as s:
        return program_status(session=s, program_code=P, as_of=as_of)


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return int(
            s.connection().execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
        )


def total(db: Database, task: str, indicator: str, as_of: date) -> Decimal | None:
    for t in status(db, as_of).task_totals:
        if t.task == task:
            for line in t.indicators:
                if line.indicator == indicator:
                    return line.total.value
    return None


def test_same_source_key_records_once(plan_db: Database) -> None:
    """The same update delivered twice records one report; the second answer says so."""
    for _ in range(2):
        with plan_db.write() as s:
            res = report(
                s,
                "tg:1:42",
                "R09",
                "CA",
                date(2019, 6, 5),
                values={"MH": Quantity(Decimal(14))},
                author_telegram_id=OFFICER_CA,
            )
    assert res.duplicate is True  # type: ignore[attr-defined]
    assert count(plan_db, Report) == 1
    assert total(plan_db, "R09", "MH", date(2019, 6, 30)) == 14


def test_a_later_report_corrects_and_history_keeps_both(plan_db: Database) -> None:
    """The latest value of an organization counts; the earlier one stays on record."""
    with plan_db.write() as s:
        report(s, "a", "CT04", "MTTQ", date(2019, 5, 20), values={"NHA": Quantity(Decimal(100))})
        report(s, "b", "CT04", "MTTQ", date(2019, 5, 28), values={"NHA": Quantity(Decimal(120))})
        report(s, "c", "CT04", "TD", date(2019, 5, 27), values={"NHA": Quantity(Decimal(20))})
    assert total(plan_db, "CT04", "NHA", date(2019, 6, 1)) == 140
    assert total(plan_db, "CT04", "NHA", date(2019, 5, 27)) == 120  # as of 27/05: 100 + 20
    assert count(plan_db, ReportValue) == 3


def test_a_late_entered_earlier_report_does_not_override(plan_db: Database) -> None:
    """A report about an earlier day, entered after a later one, does not replace it today."""
    with plan_db.write() as s:
        report(s, "a", "CT04", "MTTQ", date(2019, 5, 28), values={"NHA": Quantity(Decimal(120))})
        report(s, "b", "CT04", "MTTQ", date(2019, 5, 20), values={"NHA": Quantity(Decimal(90))})
    assert total(plan_db, "CT04", "NHA", date(2019, 6, 1)) == 120
    assert total(plan_db, "CT04", "NHA", date(2019, 5, 25)) == 90


def test_qualifiers_travel_into_totals(plan_db: Database) -> None:
    """'gần 45.000' plus exact figures gives an approximate total; lower bounds give 'over'."""
    with plan_db.write() as s:
        report(s, "a", "CT01", "MTTQ", date(2019, 6, 1),
               values={"LN": Quantity(Decimal(45000), "approx"),
                       "HN": Quantity(Decimal(5), "over")})  # fmt: skip
        report(s, "b", "CT01", "CA", date(2019, 6, 1),
               values={"LN": Quantity(Decimal(3000)), "HN": Quantity(Decimal(2))})  # fmt: skip
    ct01 = next(t for t in status(plan_db, date(2019, 6, 2)).task_totals if t.task == "CT01")
    got = {line.indicator: (line.total.value, line.total.qualifier) for line in ct01.indicators}
    assert got == {"HN": (Decimal(7), "over"), "LN": (Decimal(48000), "approx")}


def test_partner_done_does_not_close_the_task(plan_db: Database) -> None:
    """'done' from a partner is kept but the task stays open; the chat's rule refuses it."""
    with plan_db.write() as s:
        res = report(s, "a", "R09", "MTTQ", date(2019, 5, 20), done=True)
    assert res.closes is False  # type: ignore[attr-defined]
    assert status(plan_db, date(2019, 6, 14)).statuses["R09"] is Status.OVERDUE
    with pytest.raises(OperationError) as err, plan_db.write() as s:
        report(s, "b", "R09", "MTTQ", date(2019, 5, 20), done=True, require_closing=True)
    assert err.value.code == "not_lead"
    assert count(plan_db, Report) == 1


def test_secretariat_closes_on_behalf_and_completion_date_counts(plan_db: Database) -> None:
    """The secretariat may close a task; a completion date before the report date is kept."""
    with plan_db.write() as s:
        report(s, "a", "R09", "CA", date(2019, 6, 3), done=True, completed_on=date(2019, 5, 30),
               author_telegram_id=SECRETARY)  # fmt: skip
    st = status(plan_db, date(2019, 6, 14))
    assert st.statuses["R09"] is Status.DONE_ON_TIME
    # As of 01/06 nobody had said so yet: overdue then.
    assert status(plan_db, date(2019, 6, 1)).statuses["R09"] is Status.OVERDUE


def test_lead_can_reopen_a_task(plan_db: Database) -> None:
    """A later 'not done' from the lead reopens the task."""
    with plan_db.write() as s:
        report(s, "a", "R07", "CA", date(2019, 4, 28), done=True)
        report(s, "b", "R07", "CA", date(2019, 5, 2), done=False)
    assert status(plan_db, date(2019, 4, 29)).statuses["R07"] is Status.DONE_ON_TIME
    assert status(plan_db, date(2019, 5, 3)).statuses["R07"] is Status.OVERDUE


@pytest.mark.parametrize(
    ("task", "org", "kw", "code"),
    [
        ("R99", "CA", {}, "unknown_task"),
        ("R09", "XYZ", {}, "unknown_org"),
        ("R09", "CA", {"values": {"ZZ": Quantity(Decimal(1))}}, "unknown_indicator"),
        ("R09", "CA", {"values": {"MH": Quantity(Decimal(-1))}}, "negative_value"),
        ("R09", "HND", {}, "not_involved"),
        ("R09", "MTTQ", {"author_telegram_id": OFFICER_CA}, "not_your_org"),
        ("R09", "CA", {"author_telegram_id": 12345}, "not_member"),
        ("R09", "CA", {"done": True, "completed_on": date(2019, 6, 9)}, "completion_in_future"),
    ],
)
def test_refusals_change_nothing(
    plan_db: Database, task: str, org: str, kw: dict[str, object], code: str
) -> None:
    """Each refusal names its reason and records nothing, not even an audit entry."""
    audits = count(plan_db, AuditEntry)
    with pytest.raises(OperationError) as err, plan_db.write() as s:
        report(s, "k", task, org, date(2019, 6, 5), **kw)
    assert err.value.code == code
    assert count(plan_db, Report) == 0
    assert count(plan_db, AuditEntry) == audits


def test_extension_moves_planning_deadline_but_status_stays_honest(plan_db: Database) -> None:
    """An approved extension moves the deadline shown for planning; on-time is still judged
    against the original deadline, and both are shown."""
    with plan_db.write() as s:
        ext = request_extension(session=s, program_code=P, task_code="R09",
                                new_due=date(2019, 6, 30), requested_on=date(2019, 5, 25),
                                reason="chờ kinh phí", now=NOW)  # fmt: skip
        assert ext.id is not None
        decide_extension(session=s, extension_id=ext.id, approve=True,
                         decided_on=date(2019, 5, 27), now=NOW)  # fmt: skip
    st = status(plan_db, date(2019, 6, 14))
    line = next(x for x in st.overdue if x.code == "R09")
    assert (line.deadline, line.due, line.days_late) == (date(2019, 5, 31), date(2019, 6, 30), 14)
    before = status(plan_db, date(2019, 5, 26))
    r09 = next(x for x in before.upcoming if x.code == "R09")
    assert r09.due == date(2019, 5, 31)  # not yet approved on 26/05
    with pytest.raises(OperationError) as err, plan_db.write() as s:
        decide_extension(session=s, extension_id=ext.id, approve=False,
                         decided_on=date(2019, 5, 28), now=NOW)  # fmt: skip
    assert err.value.code == "extension_decided"


def test_rebuild_derived_state_matches_incremental(sample_db: Database) -> None:
    """Rebuilding the derived tables from history gives the same status as keeping them."""
    before = status(sample_db, date(2019, 6, 20))
    with sample_db.write() as s:
        rebuild_derived_state(session=s, program_code=P)
    assert status(sample_db, date(2019, 6, 20)) == before
    with sample_db.read() as s:
        task = s.exec(select(Task).where(Task.code == "R16")).one()
        assert (task.done_on, task.done_effective_on) == (date(2019, 5, 15), date(2019, 5, 15))


def test_every_report_leaves_an_audit_entry(sample_db: Database) -> None:
    """The audit trail has one entry per recorded report, plus the plan import and people."""
    with sample_db.read() as s:
        actions = (
            s.connection()
            .execute(
                sa.select(AuditEntry.action, sa.func.count()).group_by(AuditEntry.action)  # type: ignore[call-overload]
            )
            .all()
        )
    assert dict(actions) == {"create_program": 1, "bind_member": 17, "record_report": 54}
