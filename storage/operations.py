"""The write operations: record a report, people and memberships, extensions, log replay.

The chat, the command line and the log replay all record reports through `record_report`, so a
replayed log and a chat conversation leave exactly the same record. Every operation validates
everything before it writes anything and raises `OperationError` (nothing changed) on refusal.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.derived import refresh_task_state
from storage.documents import DocumentError, Issue, ReportLog, ReportSpec
from storage.errors import OperationError
from storage.models import (
    AuditEntry,
    CurrentValue,
    Difficulty,
    Extension,
    Indicator,
    Membership,
    Organization,
    Period,
    Person,
    Program,
    Report,
    ReportValue,
    Task,
    TaskPartner,
    TaskTotal,
    table,
    to_milli,
)
from storage.plans import get_program
from storage.vietnamese import Quantity

LEADING_ROLES = frozenset({"chair", "vice_chair", "secretary"})
_LOWER_BOUNDS = frozenset({"over", "more_than"})


@dataclass(frozen=True)
class RecordedReport:
    """The outcome of `record_report`: the stored report, or the one recorded before under the
    same source key (`duplicate`)."""

    report_id: int
    duplicate: bool
    program: str
    task: str
    org: str
    closes: bool
    done: bool | None
    completed_on: date | None


def _org(session: Session, program_id: int, code: str) -> Organization:
    org = session.exec(
        select(Organization).where(
            Organization.program_id == program_id, Organization.code == code
        )
    ).first()
    if org is None or not org.active:
        raise OperationError("unknown_org", org=code)
    return org


def _task(session: Session, program_id: int, code: str, *, lock: bool = False) -> Task:
    query = select(Task).where(Task.program_id == program_id, Task.code == code)
    if lock:
        # Writers of one task queue here on PostgreSQL; SQLite's BEGIN IMMEDIATE already did.
        query = query.with_for_update()
    task = session.exec(query).first()
    if task is None or not task.active:
        raise OperationError("unknown_task", task=code)
    return task


def membership_of(
    session: Session, *, program_id: int, telegram_id: int
) -> tuple[Person, Membership] | None:
    """The person with this Telegram id and their active membership in the program, if any."""
    row = session.exec(
        select(Person, Membership)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(
            Person.telegram_id == telegram_id,
            Membership.program_id == program_id,
            Membership.active,
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


def is_involved(session: Session, task: Task, org_id: int) -> bool:
    """Whether the organization leads or partners on the task."""
    if task.lead_org_id == org_id or task.partners_all:
        return True
    return (
        session.exec(
            select(TaskPartner).where(TaskPartner.task_id == task.id, TaskPartner.org_id == org_id)
        ).first()
        is not None
    )


@dataclass(frozen=True)
class _Prepared:
    program: Program
    task: Task
    org: Organization
    author: Person | None
    indicators: dict[str, Indicator]
    closes: bool
    completed_on: date | None


@dataclass(frozen=True)
class ReportCheck:
    """What a report would record, checked but not written (for reading back before Confirm)."""

    task: str
    task_title: str
    org: str
    closes: bool
    completed_on: date | None
    units: dict[str, str]


def _prepare(
    session: Session,
    *,
    program_code: str,
    task_code: str,
    org_code: str,
    effective_on: date,
    values: Mapping[str, Quantity],
    done: bool | None,
    completed_on: date | None,
    author_telegram_id: int | None,
    require_closing: bool,
    corrects_id: int | None = None,
    lock: bool = False,
) -> _Prepared:
    """Every check of a report, before anything is written: refusals are `OperationError`s."""
    program = get_program(session, program_code)
    assert program.id is not None
    task = _task(session, program.id, task_code, lock=lock)
    assert task.id is not None
    org = _org(session, program.id, org_code)
    assert org.id is not None

    author: Person | None = None
    role: str | None = None
    if author_telegram_id is not None:
        found = membership_of(session, program_id=program.id, telegram_id=author_telegram_id)
        if found is None:
            raise OperationError("not_member", program=program.code)
        author, membership = found
        role = membership.role
        if role not in LEADING_ROLES and membership.org_id != org.id:
            raise OperationError("not_your_org", org=org_code)
    if not is_involved(session, task, org.id) and role not in LEADING_ROLES:
        raise OperationError("not_involved", org=org_code, task=task_code)

    indicators = {
        i.code: i
        for i in session.exec(
            select(Indicator).where(Indicator.program_id == program.id, Indicator.active)
        ).all()
    }
    for code, quantity in values.items():
        if code not in indicators:
            raise OperationError("unknown_indicator", indicator=code, task=task_code)
        if quantity.value < 0:
            raise OperationError("negative_value", indicator=code)

    closes = done is not None and (task.lead_org_id == org.id or role in LEADING_ROLES)
    if done is not None and not closes and require_closing:
        raise OperationError("not_lead", task=task_code, org=org_code)
    if done:
        completed_on = completed_on or effective_on
        if completed_on > effective_on:
            raise OperationError("completion_in_future", date=completed_on.isoformat())
    else:
        completed_on = None
    if corrects_id is not None:
        earlier = session.get(Report, corrects_id)
        if (
            earlier is None
            or author is None
            or earlier.author_id != author.id
            or earlier.task_id != task.id
        ):
            raise OperationError("not_your_report", task=task_code)
    return _Prepared(program, task, org, author, indicators, closes, completed_on)


def check_report(
    *,
    session: Session,
    program_code: str,
    task_code: str,
    org_code: str,
    effective_on: date,
    values: Mapping[str, Quantity] | None = None,
    done: bool | None = None,
    completed_on: date | None = None,
    author_telegram_id: int | None = None,
    require_closing: bool = False,
    corrects_id: int | None = None,
) -> ReportCheck:
    """Check a report as `record_report` would, writing nothing."""
    values = values or {}
    p = _prepare(
        session,
        program_code=program_code,
        task_code=task_code,
        org_code=org_code,
        effective_on=effective_on,
        values=values,
        done=done,
        completed_on=completed_on,
        author_telegram_id=author_telegram_id,
        require_closing=require_closing,
        corrects_id=corrects_id,
    )
    return ReportCheck(
        task=p.task.code,
        task_title=p.task.title,
        org=p.org.code,
        closes=p.closes,
        completed_on=p.completed_on,
        units={code: p.indicators[code].unit for code in values},
    )


def record_report(
    *,
    session: Session,
    program_code: str,
    task_code: str,
    org_code: str,
    effective_on: date,
    source_key: str,
    now: datetime,
    values: Mapping[str, Quantity] | None = None,
    done: bool | None = None,
    completed_on: date | None = None,
    note: str | None = None,
    evidence: Sequence[str] = (),
    author_telegram_id: int | None = None,
    require_closing: bool = False,
    corrects_id: int | None = None,
) -> RecordedReport:
    """Record one progress report and bring the derived state up to date.

    `effective_on` is the day the report was made; `completed_on` (default: `effective_on`) is
    the completion date when `done`. A `done` from an organization that does not lead the task
    is kept but does not close it, unless it comes from the secretariat or chair; with
    `require_closing` such a report is refused instead (the chat's rule). `corrects_id` names
    the author's earlier report on the task that this one corrects; both stay on record.
    The same `source_key` never records twice: the earlier report is returned.
    """
    values = values or {}
    earlier = session.exec(select(Report).where(Report.source_key == source_key)).first()
    if earlier is not None:
        return _recorded(session, earlier, duplicate=True)

    p = _prepare(
        session,
        program_code=program_code,
        task_code=task_code,
        org_code=org_code,
        effective_on=effective_on,
        values=values,
        done=done,
        completed_on=completed_on,
        author_telegram_id=author_telegram_id,
        require_closing=require_closing,
        corrects_id=corrects_id,
        lock=True,
    )
    program, task, org, author = p.program, p.task, p.org, p.author
    indicators, closes, completed_on = p.indicators, p.closes, p.completed_on
    assert program.id is not None and task.id is not None and org.id is not None

    report = Report(
        program_id=program.id,
        task_id=task.id,
        org_id=org.id,
        author_id=author.id if author else None,
        effective_on=effective_on,
        done=done,
        completed_on=completed_on,
        closes=closes,
        note=note,
        evidence=list(evidence),
        corrects_id=corrects_id,
        source_key=source_key,
        created_at=now,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    for code, quantity in values.items():
        indicator = indicators[code]
        assert indicator.id is not None
        rv = ReportValue(
            report_id=report.id,
            program_id=program.id,
            task_id=task.id,
            org_id=org.id,
            indicator_id=indicator.id,
            effective_on=effective_on,
            value_milli=to_milli(quantity.value),
            qualifier=quantity.qualifier,
        )
        session.add(rv)
        session.flush()
        assert rv.id is not None
        _apply_value(session, rv)
    if closes and (task.done_effective_on is None or effective_on >= task.done_effective_on):
        task.done_on = completed_on
        task.done_effective_on = effective_on
        session.add(task)
        session.flush()
        refresh_task_state(session.connection(), program.id, [task.id])
        session.expire(task, ["deadline", "done_state"])
    if program.last_effective_on is None or effective_on > program.last_effective_on:
        program.last_effective_on = effective_on
        session.add(program)
    session.add(
        AuditEntry(
            program_id=program.id,
            at=now,
            actor=f"tg:{author_telegram_id}" if author_telegram_id else "system",
            action="record_report",
            entity="report",
            entity_key=f"{task_code}/{org_code}",
            detail={
                "report_id": report.id,
                "values": {k: str(q.value) for k, q in values.items()},
                "done": done,
            },
        )
    )
    session.flush()
    return _recorded(session, report, duplicate=False)


def _recorded(session: Session, report: Report, *, duplicate: bool) -> RecordedReport:
    assert report.id is not None
    task = session.get(Task, report.task_id)
    org = session.get(Organization, report.org_id)
    program = session.get(Program, report.program_id)
    assert task is not None and org is not None and program is not None
    return RecordedReport(
        report_id=report.id,
        duplicate=duplicate,
        program=program.code,
        task=task.code,
        org=org.code,
        closes=report.closes,
        done=report.done,
        completed_on=report.completed_on,
    )


def _apply_value(session: Session, rv: ReportValue) -> None:
    """Make `rv` the organization's current value if it is the latest, adjusting the task total."""
    assert rv.id is not None
    key = (rv.task_id, rv.org_id, rv.indicator_id)
    current = session.get(CurrentValue, key)
    if current is not None and rv.effective_on < current.effective_on:
        return  # a late-entered report about an earlier day does not override a later one
    total = session.get(TaskTotal, (rv.task_id, rv.indicator_id))
    if total is None:
        total = TaskTotal(
            task_id=rv.task_id, indicator_id=rv.indicator_id, program_id=rv.program_id
        )
    if current is None:
        current = CurrentValue(
            task_id=rv.task_id,
            org_id=rv.org_id,
            indicator_id=rv.indicator_id,
            program_id=rv.program_id,
            value_milli=0,
            effective_on=rv.effective_on,
            report_value_id=rv.id,
        )
        total.contributors += 1
    else:
        total.total_milli -= current.value_milli
        total.approx_count -= current.qualifier == "approx"
        total.lower_bound_count -= current.qualifier in _LOWER_BOUNDS
    current.value_milli = rv.value_milli
    current.qualifier = rv.qualifier
    current.effective_on = rv.effective_on
    current.report_value_id = rv.id
    total.total_milli += rv.value_milli
    total.approx_count += rv.qualifier == "approx"
    total.lower_bound_count += rv.qualifier in _LOWER_BOUNDS
    session.add(current)
    session.add(total)


def rebuild_derived_state(*, session: Session, program_code: str) -> None:
    """Recompute current values, task totals and closing state from the report history."""
    program = get_program(session, program_code)
    pid = program.id
    conn = session.connection()
    cv, tt = table(CurrentValue), table(TaskTotal)
    rv, rp, t = table(ReportValue), table(Report), table(Task)
    conn.execute(sa.delete(cv).where(cv.c.program_id == pid))
    conn.execute(sa.delete(tt).where(tt.c.program_id == pid))
    ranked = (
        sa.select(
            rv.c.task_id,
            rv.c.org_id,
            rv.c.indicator_id,
            rv.c.program_id,
            rv.c.value_milli,
            rv.c.qualifier,
            rv.c.effective_on,
            rv.c.id.label("report_value_id"),
            sa.func.row_number()
            .over(
                partition_by=(rv.c.task_id, rv.c.org_id, rv.c.indicator_id),
                order_by=(rv.c.effective_on.desc(), rv.c.id.desc()),
            )
            .label("rn"),
        )
        .where(rv.c.program_id == pid)
        .subquery()
    )
    cols = [
        "task_id", "org_id", "indicator_id", "program_id", "value_milli", "qualifier",
        "effective_on", "report_value_id",
    ]  # fmt: skip
    conn.execute(
        sa.insert(cv).from_select(
            cols, sa.select(*(ranked.c[c] for c in cols)).where(ranked.c.rn == 1)
        )
    )
    conn.execute(
        sa.insert(tt).from_select(
            [
                "task_id",
                "indicator_id",
                "program_id",
                "total_milli",
                "approx_count",
                "lower_bound_count",
                "contributors",
            ],
            sa.select(
                cv.c.task_id,
                cv.c.indicator_id,
                cv.c.program_id,
                sa.func.sum(cv.c.value_milli),
                sa.func.sum(sa.case((cv.c.qualifier == "approx", 1), else_=0)),
                sa.func.sum(sa.case((cv.c.qualifier.in_(_LOWER_BOUNDS), 1), else_=0)),
                sa.func.count(),
            )
            .where(cv.c.program_id == pid)
            .group_by(cv.c.task_id, cv.c.indicator_id, cv.c.program_id),
        )
    )
    conn.execute(
        sa.update(t).where(t.c.program_id == pid).values(done_on=None, done_effective_on=None)
    )
    closing = conn.execute(
        sa.select(rp.c.task_id, rp.c.done, rp.c.completed_on, rp.c.effective_on)
        .where(rp.c.program_id == pid, rp.c.closes)
        .order_by(rp.c.task_id, rp.c.effective_on, rp.c.id)
    ).all()
    latest = {row.task_id: row for row in closing}
    updates = [
        {"b_id": task_id, "done_on": r.completed_on if r.done else None, "eff": r.effective_on}
        for task_id, r in latest.items()
    ]
    if updates:
        conn.execute(
            sa.update(t)
            .where(t.c.id == sa.bindparam("b_id"))
            .values(done_on=sa.bindparam("done_on"), done_effective_on=sa.bindparam("eff")),
            updates,
        )
    assert pid is not None
    refresh_task_state(conn, pid)
    last = conn.execute(
        sa.select(sa.func.max(rp.c.effective_on)).where(rp.c.program_id == pid)
    ).scalar()
    program.last_effective_on = last
    session.add(program)
    session.flush()


# --- people ------------------------------------------------------------------------------------


def upsert_member(
    *,
    session: Session,
    program_code: str,
    telegram_id: int,
    name: str,
    org_code: str,
    role: str,
    now: datetime,
    language: str | None = None,
) -> Membership:
    """Bind a Telegram user to an organization and role in a program (creating the person)."""
    program = get_program(session, program_code)
    assert program.id is not None
    org = _org(session, program.id, org_code)
    person = session.exec(select(Person).where(Person.telegram_id == telegram_id)).first()
    if person is None:
        person = Person(telegram_id=telegram_id, name=name, language=language, created_at=now)
        session.add(person)
        session.flush()
    assert person.id is not None and org.id is not None
    membership = session.exec(
        select(Membership).where(
            Membership.person_id == person.id, Membership.program_id == program.id
        )
    ).first()
    if membership is None:
        membership = Membership(
            person_id=person.id, program_id=program.id, org_id=org.id, role=role, created_at=now
        )
    elif (membership.org_id, membership.role, membership.active) == (org.id, role, True):
        return membership
    else:
        membership.org_id, membership.role, membership.active = org.id, role, True
    session.add(membership)
    session.add(
        AuditEntry(
            program_id=program.id,
            at=now,
            actor="system",
            action="bind_member",
            entity="membership",
            entity_key=str(telegram_id),
            detail={"org": org_code, "role": role},
        )
    )
    session.flush()
    return membership


# --- extensions --------------------------------------------------------------------------------


def request_extension(
    *,
    session: Session,
    program_code: str,
    task_code: str,
    new_due: date,
    requested_on: date,
    reason: str,
    now: datetime,
    requested_by: int | None = None,
    source_key: str | None = None,
) -> Extension:
    """Ask for a task's deadline to move to `new_due`; it waits for a decision. The same
    `source_key` asks once: the earlier request is returned."""
    if source_key is not None:
        earlier = session.exec(select(Extension).where(Extension.source_key == source_key)).first()
        if earlier is not None:
            return earlier
    program = get_program(session, program_code)
    assert program.id is not None
    task = _task(session, program.id, task_code)
    assert task.id is not None
    if task.due is not None and new_due <= task.due:
        raise OperationError("extension_not_later", task=task_code, due=task.due.isoformat())
    ext = Extension(
        program_id=program.id,
        task_id=task.id,
        requested_by=requested_by,
        requested_on=requested_on,
        new_due=new_due,
        reason=reason,
        source_key=source_key,
        created_at=now,
    )
    session.add(ext)
    session.flush()
    return ext


def decide_extension(
    *,
    session: Session,
    extension_id: int,
    approve: bool,
    decided_on: date,
    now: datetime,
    decided_by: int | None = None,
) -> Extension:
    """Approve or reject a pending extension; an approval moves the planning deadline only."""
    ext = session.get(Extension, extension_id, with_for_update=True)
    if ext is None:
        raise OperationError("unknown_extension", extension=str(extension_id))
    if ext.status != "pending":
        raise OperationError("extension_decided", status=ext.status)
    ext.status = "approved" if approve else "rejected"
    ext.decided_on = decided_on
    ext.decided_by = decided_by
    session.add(ext)
    if approve:
        task = session.get(Task, ext.task_id)
        assert task is not None
        task.due = ext.new_due
        session.add(task)
        program = session.get(Program, ext.program_id)
        assert program is not None
        if program.last_effective_on is None or decided_on > program.last_effective_on:
            program.last_effective_on = decided_on
            session.add(program)
    session.add(
        AuditEntry(
            program_id=ext.program_id,
            at=now,
            actor=str(decided_by) if decided_by else "system",
            action="approve_extension" if approve else "reject_extension",
            entity="extension",
            entity_key=str(ext.id),
            detail={"new_due": ext.new_due.isoformat()},
        )
    )
    session.flush()
    return ext


# --- report log replay -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayResult:
    """What a replay recorded: new reports, ones already on record, people bound."""

    program: str
    recorded: int
    duplicates: int
    people: int


def _entry_key(program: str, spec: ReportSpec, occurrence: int) -> str:
    # The content, not the position, names an entry: inserting a line into a log and replaying
    # it again must not record the other lines twice.
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{program}|{canonical}".encode()).hexdigest()[:24]
    return f"log:{digest}:{occurrence}"


def replay_log(
    *, session: Session, log: ReportLog, now: datetime, program_code: str | None = None
) -> ReplayResult:
    """Bind the log's people and record its reports in order, through `record_report`.

    All or nothing: every entry is checked, and any refusal is reported as a `DocumentError`
    naming the entry (the caller's transaction then rolls back).
    """
    code = program_code or log.program
    if code is None:
        programs = session.exec(select(Program.code)).all()
        if len(programs) != 1:
            raise OperationError("program_required")
        code = programs[0]
    get_program(session, code)
    issues: list[Issue] = []
    officers: dict[str, int] = {}
    for row, person in enumerate(log.people, start=1):
        try:
            upsert_member(
                session=session,
                program_code=code,
                telegram_id=person.telegram_id,
                name=person.name,
                org_code=person.org,
                role=person.role,
                language=person.language,
                now=now,
            )
        except OperationError as exc:
            issues.append(Issue("people", exc.code, row=row, key=str(person.telegram_id),
                                field="org", params=exc.params))  # fmt: skip
            continue
        if person.role == "officer":
            officers.setdefault(person.org, person.telegram_id)
    if issues:
        raise DocumentError(issues)

    seen: Counter[str] = Counter()
    recorded = duplicates = 0
    for row, spec in enumerate(log.reports, start=1):
        base = _entry_key(code, spec, 0)
        seen[base] += 1
        try:
            result = record_report(
                session=session,
                program_code=code,
                task_code=spec.task,
                org_code=spec.org,
                effective_on=spec.date,
                values={k: Quantity(Decimal(v)) for k, v in spec.values.items()},
                done=spec.done,
                completed_on=spec.completed_on,
                note=spec.note,
                author_telegram_id=spec.author or officers.get(spec.org),
                source_key=_entry_key(code, spec, seen[base] - 1),
                now=now,
            )
        except OperationError as exc:
            issues.append(Issue("reports", exc.code, row=row, key=spec.task, params=exc.params))
            continue
        if result.duplicate:
            duplicates += 1
        else:
            recorded += 1
    if issues:
        raise DocumentError(issues)
    return ReplayResult(
        program=code, recorded=recorded, duplicates=duplicates, people=len(log.people)
    )


# --- difficulties ------------------------------------------------------------------------------


def record_difficulty(
    *,
    session: Session,
    program_code: str,
    org_code: str,
    text: str,
    raised_on: date,
    source_key: str,
    now: datetime,
    author_telegram_id: int | None = None,
) -> Difficulty:
    """Keep a difficulty or proposal for the review of the period it falls in (once per key)."""
    earlier = session.exec(select(Difficulty).where(Difficulty.source_key == source_key)).first()
    if earlier is not None:
        return earlier
    text = text.strip()
    if not text:
        raise OperationError("difficulty_empty")
    program = get_program(session, program_code)
    assert program.id is not None
    org = _org(session, program.id, org_code)
    person_id: int | None = None
    if author_telegram_id is not None:
        found = membership_of(session, program_id=program.id, telegram_id=author_telegram_id)
        if found is None:
            raise OperationError("not_member", program=program.code)
        person_id = found[0].id
    period = session.exec(
        select(Period)
        .where(Period.program_id == program.id, Period.start <= raised_on, Period.end >= raised_on)
        .order_by(col(Period.end))
    ).first()
    row = Difficulty(
        program_id=program.id,
        org_id=org.id,  # type: ignore[arg-type]
        person_id=person_id,
        period_id=period.id if period is not None else None,
        raised_on=raised_on,
        text=text[:4000],
        source_key=source_key,
        created_at=now,
    )
    session.add(row)
    session.add(
        AuditEntry(
            program_id=program.id,
            at=now,
            actor=f"tg:{author_telegram_id}" if author_telegram_id else "system",
            action="record_difficulty",
            entity="difficulty",
            entity_key=org.code,
        )
    )
    session.flush()
    return row
