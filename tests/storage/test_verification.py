"""Verification of completions (storage.verification): off, a lead's done closes the task at
once as always; on, it waits for the chair or secretariat, and the task counts done only from
the day it is accepted, completed on the day the lead said."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from reminders.messages import COMPLETION, ESCALATION, OVERDUE
from reminders.policy import due_now
from reminders.snapshot import load_snapshot
from storage.database import Database
from storage.documents import DocumentError, Issue, PlanDocument, ReportLog, parse_report_log
from storage.errors import OperationError
from storage.models import AuditEntry, Organization, Program, Report, Task, Verification, table
from storage.operations import (
    _entry_key,
    rebuild_derived_state,
    record_report,
    replay_log,
    upsert_member,
)
from storage.plans import export_plan, import_plan
from storage.registers import task_register
from storage.rules import Status
from storage.summaries import ProgramStatus, program_status
from storage.verification import (
    ACCEPTED,
    PENDING,
    RETURNED,
    SUPERSEDED,
    awaiting_count,
    completion_of_report,
    decide_completion,
    pending_completions,
    tasks_awaiting,
)
from storage.workbook import read_plan_workbook, write_plan_workbook
from storage.worklists import org_tasks

from ..conftest import NOW, SAMPLE_AS_OF

P = "CTPH-2019"
OFFICER_CA, OFFICER_MTTQ, CHAIR, SECRETARY = 900003, 900004, 900100, 900101
PEOPLE = (
    (OFFICER_CA, "CA", "officer"),
    (OFFICER_MTTQ, "MTTQ", "officer"),
    (CHAIR, "BDVTU", "chair"),
    (SECRETARY, "BDVTU", "secretary"),
)
# 14/06/2019 17:00 in Hanoi; the next days at 10:00 in Hanoi.
JUNE_15 = datetime(2019, 6, 15, 3, 0, tzinfo=UTC)
JUNE_17 = datetime(2019, 6, 17, 3, 0, tzinfo=UTC)


def verified(plan: PlanDocument, on: bool = True) -> PlanDocument:
    return plan.model_copy(
        update={"program": plan.program.model_copy(update={"verification": on})}
    )


@pytest.fixture
def verified_sample(db: Database, sample_plan: PlanDocument, sample_log: ReportLog) -> Database:
    """The sample program with verification on and its whole report log replayed."""
    with db.write() as s:
        import_plan(session=s, plan=verified(sample_plan), actor="test", now=NOW)
        replay_log(session=s, log=sample_log, now=NOW)
    return db


@pytest.fixture
def verified_plan(db: Database, sample_plan: PlanDocument) -> Database:
    """The sample plan with verification on, four people and no reports."""
    with db.write() as s:
        import_plan(session=s, plan=verified(sample_plan), actor="test", now=NOW)
        for tg, org, role in PEOPLE:
            upsert_member(session=s, program_code=P, telegram_id=tg, name=f"p{tg}",
                          org_code=org, role=role, now=NOW)  # fmt: skip
    return db


def program_id(s: Session) -> int:
    pid = s.exec(select(Program.id).where(Program.code == P)).one()
    assert pid is not None
    return pid


def status(db: Database, as_of: date) -> ProgramStatus:
    with db.read() as s:
        return program_status(session=s, program_code=P, as_of=as_of)


def figures(db: Database, as_of: date) -> dict[str, tuple[int, int, int, int, int]]:
    kinds = status(db, as_of).kinds
    return {
        k: (v.total, v.on_time, v.late, v.in_progress, v.overdue)
        for k, v in kinds.items()
        if k != "focus"
    }


def done_r09(s: Session, key: str, day: date, completed: date) -> object:
    return record_report(session=s, program_code=P, task_code="R09", org_code="CA",
                         effective_on=day, done=True, completed_on=completed, source_key=key,
                         author_telegram_id=OFFICER_CA, note="xong 20 tổ", now=NOW)  # fmt: skip


def accept_all(db: Database, now: datetime) -> int:
    with db.write() as s:
        pid = program_id(s)
        waiting, _ = pending_completions(session=s, program_id=pid)
        for c in waiting:
            decide_completion(session=s, verification_id=c.id, accept=True,
                              decider_telegram_id=CHAIR, now=now)  # fmt: skip
    return len(waiting)


def verifications(db: Database) -> list[tuple[str, str | None]]:
    with db.read() as s:
        rows = s.exec(select(Verification).order_by(Verification.id)).all()  # type: ignore[arg-type]
        return [(v.status, v.reason) for v in rows]


DESIGN_FIGURES = {"common": (9, 5, 1, 2, 1), "registered": (37, 22, 2, 10, 3)}
UNVERIFIED_FIGURES = {"common": (9, 0, 0, 4, 5), "registered": (37, 0, 0, 17, 20)}


def test_off_the_sample_figures_are_those_of_the_design(sample_db: Database) -> None:
    """Verification off (the default): done reports close at once, nothing waits."""
    assert figures(sample_db, SAMPLE_AS_OF) == DESIGN_FIGURES
    assert verifications(sample_db) == []


def test_on_the_headline_counts_change_only_on_acceptance(verified_sample: Database) -> None:
    """With verification on, the sample's 30 completions wait: 0/9 and 0/37 done until the
    chair accepts them; accepted on 14/06 they give exactly the design's figures, and as of
    13/06 (before the acceptance) nothing is done yet."""
    assert figures(verified_sample, SAMPLE_AS_OF) == UNVERIFIED_FIGURES
    assert status(verified_sample, SAMPLE_AS_OF).overdue_count == 25
    assert accept_all(verified_sample, NOW) == 30
    after = status(verified_sample, SAMPLE_AS_OF)
    assert figures(verified_sample, SAMPLE_AS_OF) == DESIGN_FIGURES
    assert [t.code for t in after.overdue] == ["CT09", "R09", "R27", "R33"]
    assert after.statuses["CT08"] is Status.DONE_LATE
    assert figures(verified_sample, date(2019, 6, 13)) == UNVERIFIED_FIGURES
    assert accept_all(verified_sample, NOW) == 0


def test_accepted_state_is_the_same_from_the_history(verified_sample: Database) -> None:
    """After acceptances, rebuilding the derived state from the history gives the same
    figures, as of the acceptance day and before it."""
    accept_all(verified_sample, JUNE_17)
    before = [figures(verified_sample, d) for d in (SAMPLE_AS_OF, date(2019, 6, 17))]
    with verified_sample.write() as s:
        rebuild_derived_state(session=s, program_code=P)
    after = [figures(verified_sample, d) for d in (SAMPLE_AS_OF, date(2019, 6, 17))]
    assert before == after == [UNVERIFIED_FIGURES, DESIGN_FIGURES]


def test_the_task_register_agrees_with_the_status(verified_sample: Database) -> None:
    """The register the exports and the review are built from gives every task the status
    the summary gives it, waiting and accepted, as of the acceptance day and the day before."""

    def both(as_of: date) -> tuple[dict[str, Status], dict[str, Status]]:
        with verified_sample.read() as s:
            register = task_register(session=s, program_code=P, as_of=as_of).statuses()
        return register, status(verified_sample, as_of).statuses

    waiting, _ = both(SAMPLE_AS_OF)
    assert waiting["R26"] is Status.OVERDUE
    accept_all(verified_sample, JUNE_17)
    for as_of, r26 in (
        (date(2019, 6, 16), Status.OVERDUE),
        (date(2019, 6, 17), Status.DONE_ON_TIME),
    ):
        register, summary = both(as_of)
        assert register == summary
        assert register["R26"] is r26


def test_return_then_done_again_then_accept(verified_plan: Database) -> None:
    """A returned completion leaves the task overdue and the reason on record; the lead
    reports it done again; accepted on 17/06 it is done late (completed 10/06, due 31/05)
    as of 17/06 and still overdue as of 16/06. Both decisions are audited."""
    with verified_plan.write() as s:
        first = done_r09(s, "a", SAMPLE_AS_OF, date(2019, 6, 10))
        assert first.pending_verification and not first.closes  # type: ignore[attr-defined]
    assert status(verified_plan, SAMPLE_AS_OF).statuses["R09"] is Status.OVERDUE
    with verified_plan.write() as s:
        waiting = completion_of_report(session=s, report_id=first.report_id)  # type: ignore[attr-defined]
        assert waiting is not None and waiting.status == PENDING
        assert (waiting.task, waiting.org, waiting.completed_on, waiting.note) == (
            "R09", "CA", date(2019, 6, 10), "xong 20 tổ",
        )  # fmt: skip
        with pytest.raises(OperationError) as refused:
            decide_completion(session=s, verification_id=waiting.id, accept=False,
                              decider_telegram_id=SECRETARY, now=JUNE_15, reason="  ")  # fmt: skip
        assert refused.value.code == "return_reason_missing"
        returned = decide_completion(session=s, verification_id=waiting.id, accept=False,
                                     decider_telegram_id=SECRETARY, now=JUNE_15,
                                     reason="Thiếu biên bản")  # fmt: skip
    assert returned.completion.status == RETURNED and not returned.again
    assert [n.telegram_id for n in returned.notify] == [OFFICER_CA]
    assert status(verified_plan, date(2019, 6, 15)).statuses["R09"] is Status.OVERDUE
    with verified_plan.write() as s:
        again = decide_completion(session=s, verification_id=waiting.id, accept=True,
                                  decider_telegram_id=CHAIR, now=JUNE_17)  # fmt: skip
        assert again.again and again.completion.status == RETURNED
        second = done_r09(s, "b", date(2019, 6, 16), date(2019, 6, 10))
        pid = program_id(s)
        (waiting2,), count = pending_completions(session=s, program_id=pid)
        assert count == 1 and waiting2.reported_on == date(2019, 6, 16)
        accepted = decide_completion(session=s, verification_id=waiting2.id, accept=True,
                                     decider_telegram_id=CHAIR, now=JUNE_17)  # fmt: skip
        assert accepted.completion.decided_on == date(2019, 6, 17)
        found = completion_of_report(session=s, report_id=second.report_id)  # type: ignore[attr-defined]
        assert found is not None and found.status == ACCEPTED
    assert verifications(verified_plan) == [(RETURNED, "Thiếu biên bản"), (ACCEPTED, None)]
    assert status(verified_plan, date(2019, 6, 16)).statuses["R09"] is Status.OVERDUE
    assert status(verified_plan, date(2019, 6, 17)).statuses["R09"] is Status.DONE_LATE
    with verified_plan.read() as s:
        task = s.exec(select(Task).where(Task.code == "R09")).one()
        assert (task.done_on, task.done_effective_on) == (date(2019, 6, 10), date(2019, 6, 17))
        actions = s.exec(
            select(AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.entity == "verification")
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        ).all()
        assert actions == [("return_completion", "tg:900101"), ("accept_completion", "tg:900100")]
        r = table(Report)
        reports = (
            s.connection()
            .execute(
                sa.select(r.c.closes, r.c.done, r.c.author_id, r.c.effective_on)
                .where(r.c.task_id == task.id)
                .order_by(r.c.id)
            )
            .all()
        )
        # Both done reports stay as made (not closing); the acceptance's report closes.
        assert [(c, d, e) for c, d, _, e in reports] == [
            (False, True, SAMPLE_AS_OF), (False, True, date(2019, 6, 16)),
            (True, True, date(2019, 6, 17)),
        ]  # fmt: skip
        assert reports[-1][2] is None


def test_officers_cannot_decide(verified_plan: Database) -> None:
    """Only the chair, a vice-chair or the secretariat of the program decide; an officer is
    refused and nothing changes."""
    with verified_plan.write() as s:
        recorded = done_r09(s, "a", SAMPLE_AS_OF, SAMPLE_AS_OF)
        waiting = completion_of_report(session=s, report_id=recorded.report_id)  # type: ignore[attr-defined]
        assert waiting is not None
    for officer in (OFFICER_CA, OFFICER_MTTQ, 123):
        with pytest.raises(OperationError) as refused, verified_plan.write() as s:
            decide_completion(session=s, verification_id=waiting.id, accept=True,
                              decider_telegram_id=officer, now=JUNE_15)  # fmt: skip
        assert refused.value.code == "not_verifier"
    assert verifications(verified_plan) == [(PENDING, None)]


def test_a_later_completion_or_reopening_supersedes_a_waiting_one(
    verified_plan: Database,
) -> None:
    """Reported done twice before anyone decided, only the latest waits; the lead reopening
    the task withdraws it; a partner's done neither closes nor waits."""
    with verified_plan.write() as s:
        done_r09(s, "a", SAMPLE_AS_OF, date(2019, 6, 10))
        done_r09(s, "b", SAMPLE_AS_OF, date(2019, 6, 12))
        partner = record_report(session=s, program_code=P, task_code="R09", org_code="MTTQ",
                                effective_on=SAMPLE_AS_OF, done=True, source_key="c",
                                author_telegram_id=OFFICER_MTTQ, now=NOW)  # fmt: skip
        assert not partner.pending_verification and not partner.closes
    assert verifications(verified_plan) == [(SUPERSEDED, None), (PENDING, None)]
    with verified_plan.write() as s:
        record_report(session=s, program_code=P, task_code="R09", org_code="CA",
                      effective_on=SAMPLE_AS_OF, done=False, source_key="d",
                      author_telegram_id=OFFICER_CA, now=NOW)  # fmt: skip
    assert verifications(verified_plan) == [(SUPERSEDED, None), (SUPERSEDED, None)]
    assert status(verified_plan, SAMPLE_AS_OF).statuses["R09"] is Status.OVERDUE


def test_a_completion_is_announced_only_once_accepted(verified_plan: Database) -> None:
    """Reminders see the task open (still overdue) while its completion waits, and announce
    the completion to the partners once it is accepted; overdue notices stop then."""
    with verified_plan.write() as s:
        done_r09(s, "a", SAMPLE_AS_OF, date(2019, 6, 10))
        pid = program_id(s)
        task_id = s.exec(select(Task.id).where(Task.code == "R09")).one()

    def kinds(now: datetime) -> set[str]:
        with verified_plan.read() as s:
            snap = load_snapshot(s, pid, now.date())
            return {m.kind for m in due_now(snap, now) if m.subject == f"task:{task_id}"}

    monday = datetime(2019, 6, 17, 2, 0, tzinfo=UTC)
    # Waiting, R09 (due 31/05) is still overdue: the weekly notice and the escalation are due.
    assert kinds(monday) == {OVERDUE, ESCALATION}
    with verified_plan.write() as s:
        (waiting,), _ = pending_completions(session=s, program_id=pid)
        decide_completion(session=s, verification_id=waiting.id, accept=True,
                          decider_telegram_id=CHAIR, now=JUNE_17)  # fmt: skip
    assert kinds(datetime(2019, 6, 17, 4, 0, tzinfo=UTC)) == {COMPLETION}


def test_the_setting_round_trips_through_plan_and_workbook(
    db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """`program.verification` is stored on import, exported back, and written to and read
    from the workbook's program sheet (a row only when on); re-importing it off turns it off."""
    with db.write() as s:
        import_plan(session=s, plan=verified(sample_plan), actor="t", now=NOW)
    with db.read() as s:
        exported = export_plan(session=s, program_code=P)
    assert exported.program.verification is True
    path = tmp_path / "plan.xlsx"
    write_plan_workbook(exported, path)
    assert read_plan_workbook(path).program.verification is True
    write_plan_workbook(verified(exported, on=False), path)
    assert read_plan_workbook(path).program.verification is False
    with db.write() as s:
        changes = import_plan(session=s, plan=sample_plan, actor="t", now=NOW)
        assert changes.program_changed
    with db.read() as s:
        assert s.exec(select(Program.verification)).one() is False


def test_migration_0007_up_and_down(db: Database) -> None:
    """Down to 0006 removes the table and the column; up again restores them, off."""
    with db.write() as s:
        s.add(Program(code="X", title="X", start=date(2019, 1, 1), end=date(2019, 12, 31),
                      committee_name="B", verification=True))  # fmt: skip
    cfg = db.alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    db.dispose()
    inspector = sa.inspect(db.engine)
    assert "verification" not in inspector.get_table_names()
    assert "verification" not in {c["name"] for c in inspector.get_columns("program")}
    db.dispose()
    db.upgrade()
    assert db.schema_state() == "current"
    with db.read() as s:
        assert s.connection().execute(
            sa.select(table(Program).c.verification)
        ).scalars().all() == [False]


def test_the_evidence_of_a_completion(verified_plan: Database) -> None:
    """A completion shows the evidence CA sent on R09, before and after the done report, and
    not the partner's."""
    with verified_plan.write() as s:
        for key, org, author, files in (("e1", "CA", OFFICER_CA, ["photo-1"]),
                                        ("e2", "MTTQ", OFFICER_MTTQ, ["photo-2"])):  # fmt: skip
            record_report(session=s, program_code=P, task_code="R09", org_code=org,
                          effective_on=SAMPLE_AS_OF, evidence=files, source_key=key,
                          author_telegram_id=author, now=NOW)  # fmt: skip
        recorded = done_r09(s, "a", SAMPLE_AS_OF, SAMPLE_AS_OF)
        record_report(session=s, program_code=P, task_code="R09", org_code="CA",
                      effective_on=SAMPLE_AS_OF, evidence=["doc-3", "photo-1"], source_key="e3",
                      author_telegram_id=OFFICER_CA, now=NOW)  # fmt: skip
        found = completion_of_report(session=s, report_id=recorded.report_id)  # type: ignore[attr-defined]
    assert found is not None and found.evidence == ("photo-1", "doc-3")


# --- what waits, as of a date: the status's count and the work list's mark ---------------------


def test_the_status_counts_what_waits_as_of_each_day(verified_plan: Database) -> None:
    """R09 reported done on 14/06 and accepted on 17/06: 0 waiting as of 13/06, 1 as of 14/06
    to 16/06 (the program's and CA's view; MTTQ's has none), 0 from 17/06; off, never any."""
    with verified_plan.write() as s:
        done_r09(s, "k1", SAMPLE_AS_OF, date(2019, 6, 12))

    def waiting(as_of: date, org: str | None = None) -> int:
        with verified_plan.read() as s:
            found = program_status(session=s, program_code=P, as_of=as_of, org_code=org)
            return found.awaiting_acceptance

    days = [date(2019, 6, 13), SAMPLE_AS_OF, date(2019, 6, 16), date(2019, 6, 17)]
    assert [waiting(d) for d in days] == [0, 1, 1, 1]
    assert accept_all(verified_plan, JUNE_17) == 1
    assert [waiting(d) for d in days] == [0, 1, 1, 0]
    assert [waiting(SAMPLE_AS_OF, "CA"), waiting(SAMPLE_AS_OF, "MTTQ")] == [1, 0]
    with verified_plan.write() as s:
        program = s.exec(select(Program).where(Program.code == P)).one()
        program.verification = False
        s.add(program)
    assert waiting(SAMPLE_AS_OF) == 0


def test_a_returned_completion_waited_until_its_return(verified_plan: Database) -> None:
    """Returned on 15/06, R09's completion counts as waiting as of 14/06 and no longer as of
    15/06; awaiting_count and tasks_awaiting agree."""
    with verified_plan.write() as s:
        done_r09(s, "k1", SAMPLE_AS_OF, SAMPLE_AS_OF)
        c = completion_of_report(session=s, report_id=s.exec(select(Report.id)).one() or 0)
        assert c is not None
        decide_completion(session=s, verification_id=c.id, accept=False, reason="thiếu",
                          decider_telegram_id=SECRETARY, now=JUNE_15)  # fmt: skip
    with verified_plan.read() as s:
        pid, r09 = program_id(s), s.exec(select(Task.id).where(Task.code == "R09")).one()
        counts = [awaiting_count(session=s, program_id=pid, as_of=d)
                  for d in (SAMPLE_AS_OF, date(2019, 6, 15))]  # fmt: skip
        tasks = [tasks_awaiting(session=s, program_id=pid, as_of=d)
                 for d in (SAMPLE_AS_OF, date(2019, 6, 15))]  # fmt: skip
    assert counts == [1, 0]
    assert tasks == [{r09}, set()]


def test_the_work_list_marks_what_waits(verified_plan: Database) -> None:
    """CA's work list marks R09 as waiting once reported done (still overdue, not done), and
    not once accepted (done late); its other tasks never."""
    with verified_plan.write() as s:
        done_r09(s, "k1", SAMPLE_AS_OF, date(2019, 6, 10))

    def ca_tasks(as_of: date) -> dict[str, tuple[Status, bool]]:
        with verified_plan.read() as s:
            ca = s.exec(select(Organization.id).where(Organization.code == "CA")).one()
            assert ca is not None
            found = org_tasks(session=s, program_id=program_id(s), org_id=ca, as_of=as_of)
            return {x.code: (x.status, x.awaiting) for x in found}

    waiting = ca_tasks(SAMPLE_AS_OF)
    assert waiting["R09"] == (Status.OVERDUE, True)
    assert [code for code, (_, mark) in waiting.items() if mark] == ["R09"]
    accept_all(verified_plan, JUNE_15)
    assert ca_tasks(date(2019, 6, 15))["R09"] == (Status.DONE_LATE, False)
    assert not any(mark for _, mark in ca_tasks(date(2019, 6, 15)).values())


# --- acceptances in a report log (`accepted`) ----------------------------------------------------


def logged(*reports: dict[str, object]) -> ReportLog:
    people = [{"telegram_id": OFFICER_CA, "name": "p", "org": "CA"},
              {"telegram_id": CHAIR, "name": "c", "org": "BDVTU", "role": "chair"}]  # fmt: skip
    return parse_report_log({"program": P, "people": people, "reports": list(reports)})


R09_DONE = {"date": "2019-06-10", "org": "CA", "task": "R09", "done": True}


def test_a_logged_acceptance_closes_the_task_on_its_day(verified_plan: Database) -> None:
    """`accepted: 2019-06-12` on R09's done: the completion is accepted that day, by the log
    (no decider), completed on 10/06; as of 11/06 it waits, from 12/06 it is done late; replayed
    again nothing more is recorded or accepted."""
    log = logged({**R09_DONE, "accepted": "2019-06-12"})
    with verified_plan.write() as s:
        assert replay_log(session=s, log=log, now=NOW).recorded == 1
    with verified_plan.read() as s:
        v = s.exec(select(Verification)).one()
        closing = s.get(Report, v.closing_report_id)
        assert closing is not None
        assert (v.status, v.decided_on, v.decided_by, v.completed_on) == (
            ACCEPTED,
            date(2019, 6, 12),
            None,
            date(2019, 6, 10),
        )
        assert (closing.effective_on, closing.completed_on, closing.source_key) == (
            date(2019, 6, 12),
            date(2019, 6, 10),
            f"verification:{v.id}",
        )
        audit = s.exec(select(AuditEntry).where(AuditEntry.entity == "verification")).one()
        assert (audit.action, audit.actor, audit.entity_key) == ("accept_completion", "log", "R09")
    june_11 = status(verified_plan, date(2019, 6, 11))
    june_12 = status(verified_plan, date(2019, 6, 12))
    assert (june_11.statuses["R09"], june_11.awaiting_acceptance) == (Status.OVERDUE, 1)
    assert (june_12.statuses["R09"], june_12.awaiting_acceptance) == (Status.DONE_LATE, 0)
    with verified_plan.write() as s:
        again = replay_log(session=s, log=log, now=NOW)
    assert (again.recorded, again.duplicates) == (0, 1)
    with verified_plan.read() as s:
        assert len(s.exec(select(Report)).all()) == 2
        assert (
            len(s.exec(select(AuditEntry).where(AuditEntry.entity == "verification")).all()) == 1
        )


def test_accepted_added_to_a_line_already_replayed(verified_plan: Database) -> None:
    """A line replayed without `accepted` (its completion waits), then again with it: the
    report is the same entry (not recorded twice) and its completion is accepted."""
    with verified_plan.write() as s:
        replay_log(session=s, log=logged(R09_DONE), now=NOW)
    assert verifications(verified_plan) == [(PENDING, None)]
    with verified_plan.write() as s:
        again = replay_log(session=s, log=logged({**R09_DONE, "accepted": "2019-06-14"}), now=NOW)
    assert (again.recorded, again.duplicates) == (0, 1)
    assert verifications(verified_plan) == [(ACCEPTED, None)]
    assert status(verified_plan, SAMPLE_AS_OF).statuses["R09"] is Status.DONE_LATE


def test_logged_acceptances_that_cannot_be(verified_plan: Database) -> None:
    """Refused, naming the entry and the field, and nothing kept: `accepted` on a report that
    is not a completion, an acceptance before the report, and one whose completion was
    reported again before the acceptance day (superseded)."""
    cases = [
        (logged({"date": "2019-06-10", "org": "CA", "task": "R09", "accepted": "2019-06-12"}),
         Issue("reports", "accepted_not_done", row=1, key="R09", field="accepted",
               params={"task": "R09"})),
        (logged({**R09_DONE, "accepted": "2019-06-09"}),
         Issue("reports", "accepted_before_report", row=1, key="R09", field="accepted",
               params={"task": "R09", "date": "2019-06-09", "reported": "2019-06-10"})),
        (logged({**R09_DONE, "accepted": "2019-06-14"},
                {"date": "2019-06-12", "org": "CA", "task": "R09", "done": True}),
         Issue("reports", "completion_decided", row=1, key="R09", field="accepted",
               params={"task": "R09", "status": SUPERSEDED})),
    ]  # fmt: skip
    for log, issue in cases:
        with pytest.raises(DocumentError) as raised, verified_plan.write() as s:
            replay_log(session=s, log=log, now=NOW)
        assert raised.value.issues == [issue]
    assert verifications(verified_plan) == []


def test_an_acceptance_is_recorded_before_later_lines(verified_plan: Database) -> None:
    """Accepted on 11/06, before a line of 12/06 that reports R09 done again: the first
    completion is accepted (done from 11/06), the second waits."""
    log = logged({**R09_DONE, "accepted": "2019-06-11"},
                 {"date": "2019-06-12", "org": "CA", "task": "R09", "done": True})  # fmt: skip
    with verified_plan.write() as s:
        replay_log(session=s, log=log, now=NOW)
    assert verifications(verified_plan) == [(ACCEPTED, None), (PENDING, None)]
    assert status(verified_plan, date(2019, 6, 11)).statuses["R09"] is Status.DONE_LATE


def test_the_sample_log_accepted_the_day_reported_gives_the_design(
    db: Database, sample_plan: PlanDocument, sample_log: ReportLog
) -> None:
    """The sample log with `accepted` on each completion (the day it was reported), replayed
    into the program with verification on, gives the design's figures as of 14/06, nothing
    waiting; into the program without verification the field changes nothing."""
    accepted = sample_log.model_copy(
        update={"reports": tuple(r.model_copy(update={"accepted": r.date}) if r.done else r
                                 for r in sample_log.reports)}
    )  # fmt: skip
    with db.write() as s:
        import_plan(session=s, plan=verified(sample_plan), actor="test", now=NOW)
        replay_log(session=s, log=accepted, now=NOW)
    assert figures(db, SAMPLE_AS_OF) == DESIGN_FIGURES
    assert status(db, SAMPLE_AS_OF).awaiting_acceptance == 0
    assert [s for s, _ in verifications(db)].count(ACCEPTED) == 30
    with db.write() as s:
        import_plan(session=s, plan=verified(sample_plan, on=False), actor="test", now=NOW)
    with db.write() as s:
        again = replay_log(session=s, log=sample_log, now=NOW)
    assert (again.recorded, again.duplicates) == (0, len(sample_log.reports))


def test_the_log_keys_do_not_change_with_accepted() -> None:
    """A line's key (which makes a replay idempotent) is the same with and without `accepted`,
    so logs replayed before the field existed are not recorded again."""
    spec = logged(R09_DONE).reports[0]
    with_acceptance = spec.model_copy(update={"accepted": date(2019, 6, 14)})
    assert _entry_key(P, spec, 0) == _entry_key(P, with_acceptance, 0)
    assert _entry_key(P, spec, 0) != _entry_key(P, spec.model_copy(update={"note": "x"}), 0)
