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
from typing import Any

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
    Verification,
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
    # A completion in a program with verification on: recorded, not closing, until accepted.
    pending_verification: bool = False


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


# The statements of the report path, built once: a report is the bot's hottest write, and
# building a statement costs more than running it on SQLite.
_p, _t, _o, _i = table(Program), table(Task), table(Organization), table(Indicator)
_m, _pe, _tp = table(Membership), table(Person), table(TaskPartner)
_r, _rv, _cv, _tt = table(Report), table(ReportValue), table(CurrentValue), table(TaskTotal)
_v = table(Verification)
_PROGRAM_BY_CODE = sa.select(_p.c.id, _p.c.code, _p.c.last_effective_on, _p.c.verification).where(
    _p.c.code == sa.bindparam("code")
)
_TASK_COLUMNS = (
    _t.c.id,
    _t.c.code,
    _t.c.title,
    _t.c.lead_org_id,
    _t.c.partners_all,
    _t.c.done_effective_on,
    _t.c.active,
)
_TASK_BY_CODE = sa.select(*_TASK_COLUMNS).where(
    _t.c.program_id == sa.bindparam("pid"), _t.c.code == sa.bindparam("code")
)
_TASK_BY_CODE_LOCKED = _TASK_BY_CODE.with_for_update()
_ORG_BY_CODE = sa.select(_o.c.id, _o.c.code, _o.c.active).where(
    _o.c.program_id == sa.bindparam("pid"), _o.c.code == sa.bindparam("code")
)
_MEMBER = (
    sa.select(_pe.c.id, _m.c.role, _m.c.org_id)
    .join(_m, _m.c.person_id == _pe.c.id)
    .where(
        _pe.c.telegram_id == sa.bindparam("tid"),
        _m.c.program_id == sa.bindparam("pid"),
        _m.c.active,
    )
)
_PARTNER = sa.select(_tp.c.org_id).where(
    _tp.c.task_id == sa.bindparam("task"), _tp.c.org_id == sa.bindparam("org")
)
_INDICATORS = sa.select(_i.c.id, _i.c.code, _i.c.unit).where(
    _i.c.program_id == sa.bindparam("pid"), _i.c.active
)
_REPORT_BY_KEY = sa.select(_r.c.id).where(_r.c.source_key == sa.bindparam("key"))
_EARLIER = sa.select(_r.c.author_id, _r.c.task_id).where(_r.c.id == sa.bindparam("id"))
_CURRENT = sa.select(_cv.c.value_milli, _cv.c.qualifier, _cv.c.effective_on).where(
    _cv.c.task_id == sa.bindparam("task"),
    _cv.c.org_id == sa.bindparam("org"),
    _cv.c.indicator_id == sa.bindparam("ind"),
)
_TOTAL = sa.select(_tt.c.task_id).where(
    _tt.c.task_id == sa.bindparam("task"), _tt.c.indicator_id == sa.bindparam("ind")
)


@dataclass(frozen=True)
class _Prepared:
    program: Any
    task: Any
    org: Any
    author_id: int | None
    indicators: dict[str, Any]
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
    # The completion will wait for the chair's or secretariat's acceptance.
    pending_verification: bool = False


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
    conn = session.connection()
    program = conn.execute(_PROGRAM_BY_CODE, {"code": program_code}).first()
    if program is None:
        raise OperationError("unknown_program", program=program_code)
    query = _TASK_BY_CODE_LOCKED if lock else _TASK_BY_CODE
    # Writers of one task queue here on PostgreSQL; SQLite's BEGIN IMMEDIATE already did.
    task = conn.execute(query, {"pid": program.id, "code": task_code}).first()
    if task is None or not task.active:
        raise OperationError("unknown_task", task=task_code)
    org = conn.execute(_ORG_BY_CODE, {"pid": program.id, "code": org_code}).first()
    if org is None or not org.active:
        raise OperationError("unknown_org", org=org_code)

    author_id: int | None = None
    role: str | None = None
    if author_telegram_id is not None:
        member = conn.execute(_MEMBER, {"tid": author_telegram_id, "pid": program.id}).first()
        if member is None:
            raise OperationError("not_member", program=program.code)
        author_id, role = member.id, member.role
        if role not in LEADING_ROLES and member.org_id != org.id:
            raise OperationError("not_your_org", org=org_code)
    involved = (
        task.lead_org_id == org.id
        or task.partners_all
        or conn.execute(_PARTNER, {"task": task.id, "org": org.id}).first() is not None
    )
    if not involved and role not in LEADING_ROLES:
        raise OperationError("not_involved", org=org_code, task=task_code)

    indicators = {r.code: r for r in conn.execute(_INDICATORS, {"pid": program.id})}
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
        earlier = conn.execute(_EARLIER, {"id": corrects_id}).first()
        if (
            earlier is None
            or author_id is None
            or earlier.author_id != author_id
            or earlier.task_id != task.id
        ):
            raise OperationError("not_your_report", task=task_code)
    return _Prepared(program, task, org, author_id, indicators, closes, completed_on)


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
        pending_verification=p.closes and bool(done) and bool(p.program.verification),
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
    session.flush()  # whatever the caller added goes first; the rest is Core statements
    conn = session.connection()
    earlier = conn.execute(_REPORT_BY_KEY, {"key": source_key}).scalar()
    if earlier is not None:
        found = session.get(Report, earlier)
        assert found is not None
        return _recorded(session, found, duplicate=True)

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
    program, task, org = p.program, p.task, p.org
    closes, completed_on = p.closes, p.completed_on
    # With verification on, a completion waits for acceptance (storage.verification): the
    # report is kept as made, and the acceptance records the report that closes the task.
    pending = closes and bool(done) and bool(program.verification)
    closes = closes and not pending
    report_id = _inserted_id(
        conn,
        sa.insert(_r).values(
            program_id=program.id,
            task_id=task.id,
            org_id=org.id,
            author_id=p.author_id,
            effective_on=effective_on,
            done=done,
            completed_on=completed_on,
            closes=closes,
            note=note,
            evidence=list(evidence),
            corrects_id=corrects_id,
            source_key=source_key,
            created_at=now,
        ),
    )
    for code, quantity in values.items():
        milli = to_milli(quantity.value)
        rv_id = _inserted_id(
            conn,
            sa.insert(_rv).values(
                report_id=report_id,
                program_id=program.id,
                task_id=task.id,
                org_id=org.id,
                indicator_id=p.indicators[code].id,
                effective_on=effective_on,
                value_milli=milli,
                qualifier=quantity.qualifier,
            ),
        )
        _apply_value(
            conn,
            program.id,
            task.id,
            org.id,
            p.indicators[code].id,
            effective_on,
            rv_id,
            milli,
            quantity.qualifier,
        )
    if closes or pending:
        # A later completion or reopening takes the place of one still waiting for acceptance.
        conn.execute(
            sa.update(_v)
            .where(_v.c.task_id == task.id, _v.c.status == "pending")
            .values(status="superseded")
        )
    if pending:
        assert completed_on is not None
        conn.execute(
            sa.insert(_v).values(
                program_id=program.id,
                task_id=task.id,
                report_id=report_id,
                org_id=org.id,
                completed_on=completed_on,
                status="pending",
                created_at=now,
            )
        )
    if closes and (task.done_effective_on is None or effective_on >= task.done_effective_on):
        conn.execute(
            sa.update(_t)
            .where(_t.c.id == task.id)
            .values(done_on=completed_on, done_effective_on=effective_on)
        )
        refresh_task_state(conn, program.id, [task.id])
    if program.last_effective_on is None or effective_on > program.last_effective_on:
        conn.execute(
            sa.update(_p).where(_p.c.id == program.id).values(last_effective_on=effective_on)
        )
    conn.execute(
        sa.insert(table(AuditEntry)).values(
            program_id=program.id,
            at=now,
            actor=f"tg:{author_telegram_id}" if author_telegram_id else "system",
            action="record_report",
            entity="report",
            entity_key=f"{task_code}/{org_code}",
            detail={
                "report_id": report_id,
                "values": {k: str(q.value) for k, q in values.items()},
                "done": done,
            },
        )
    )
    # ORM objects of this session that the statements above changed are read afresh.
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Task | Program):
            session.expire(instance)
    return RecordedReport(
        report_id=report_id,
        duplicate=False,
        program=program.code,
        task=task.code,
        org=org.code,
        closes=closes,
        done=done,
        completed_on=completed_on,
        pending_verification=pending,
    )


def _inserted_id(conn: sa.Connection, statement: sa.Insert) -> int:
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


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
        pending_verification=session.connection()
        .execute(sa.select(_v.c.id).where(_v.c.report_id == report.id))
        .first()
        is not None,
    )


def _apply_value(
    conn: sa.Connection,
    program_id: int,
    task_id: int,
    org_id: int,
    indicator_id: int,
    effective_on: date,
    report_value_id: int,
    milli: int,
    qualifier: str | None,
) -> None:
    """Make a reported value the organization's current one if it is the latest, adjusting the
    task's total."""
    key = {"task": task_id, "org": org_id, "ind": indicator_id}
    current = conn.execute(_CURRENT, key).first()
    if current is not None and effective_on < current.effective_on:
        return  # a late-entered report about an earlier day does not override a later one
    state = {
        "value_milli": milli,
        "qualifier": qualifier,
        "effective_on": effective_on,
        "report_value_id": report_value_id,
    }
    if current is None:
        conn.execute(
            sa.insert(_cv).values(
                task_id=task_id,
                org_id=org_id,
                indicator_id=indicator_id,
                program_id=program_id,
                **state,
            )
        )
        delta, approx, lower, contributors = milli, 0, 0, 1
    else:
        conn.execute(
            sa.update(_cv)
            .where(
                _cv.c.task_id == task_id,
                _cv.c.org_id == org_id,
                _cv.c.indicator_id == indicator_id,
            )
            .values(**state)
        )
        delta, contributors = milli - current.value_milli, 0
        approx = -(current.qualifier == "approx")
        lower = -(current.qualifier in _LOWER_BOUNDS)
    approx += qualifier == "approx"
    lower += qualifier in _LOWER_BOUNDS
    if conn.execute(_TOTAL, {"task": task_id, "ind": indicator_id}).first() is None:
        conn.execute(
            sa.insert(_tt).values(
                task_id=task_id,
                indicator_id=indicator_id,
                program_id=program_id,
                total_milli=delta,
                approx_count=approx,
                lower_bound_count=lower,
                contributors=contributors,
            )
        )
    else:
        conn.execute(
            sa.update(_tt)
            .where(_tt.c.task_id == task_id, _tt.c.indicator_id == indicator_id)
            .values(
                total_milli=_tt.c.total_milli + delta,
                approx_count=_tt.c.approx_count + approx,
                lower_bound_count=_tt.c.lower_bound_count + lower,
                contributors=_tt.c.contributors + contributors,
            )
        )


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
        "task_id",
        "org_id",
        "indicator_id",
        "program_id",
        "value_milli",
        "qualifier",
        "effective_on",
        "report_value_id",
    ]
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
    # The acceptance is a step of its own, not part of the report: adding `accepted` to a line
    # already replayed accepts its completion and records the report no second time.
    content = spec.model_dump(mode="json", exclude={"accepted"})
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{program}|{canonical}".encode()).hexdigest()[:24]
    return f"log:{digest}:{occurrence}"


def replay_log(
    *, session: Session, log: ReportLog, now: datetime, program_code: str | None = None
) -> ReplayResult:
    """Bind the log's people and record its reports in order, through `record_report`.

    An entry's `accepted` day accepts its completion when the program verifies completions
    (`storage.verification.accept_completion`), before any entry dated after that day.
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
            issues.append(
                Issue(
                    "people",
                    exc.code,
                    row=row,
                    key=str(person.telegram_id),
                    field="org",
                    params=exc.params,
                )
            )
            continue
        if person.role == "officer":
            officers.setdefault(person.org, person.telegram_id)
    if issues:
        raise DocumentError(issues)

    seen: Counter[str] = Counter()
    recorded = duplicates = 0
    # Acceptances (`accepted`) waiting for their day: recorded before any later report, in the
    # order of the days, so that a completion reported again before its acceptance is
    # superseded as it would have been in the chat.
    acceptances: list[tuple[date, int, ReportSpec, int]] = []

    def accept_until(day: date | None) -> None:
        acceptances.sort(key=lambda a: (a[0], a[1]))
        while acceptances and (day is None or acceptances[0][0] < day):
            accepted_on, row, spec, report_id = acceptances.pop(0)
            try:
                _accept_logged(session, report_id, accepted_on, now)
            except OperationError as exc:
                issues.append(
                    Issue(
                        "reports",
                        exc.code,
                        row=row,
                        key=spec.task,
                        field="accepted",
                        params=exc.params,
                    )
                )

    for row, spec in enumerate(log.reports, start=1):
        base = _entry_key(code, spec, 0)
        seen[base] += 1
        accept_until(spec.date)
        if spec.accepted is not None and not spec.done:
            issues.append(
                Issue(
                    "reports",
                    "accepted_not_done",
                    row=row,
                    key=spec.task,
                    field="accepted",
                    params={"task": spec.task},
                )
            )
            continue
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
        if spec.accepted is not None and result.pending_verification:
            acceptances.append((spec.accepted, row, spec, result.report_id))
    accept_until(None)
    if issues:
        raise DocumentError(issues)
    return ReplayResult(
        program=code, recorded=recorded, duplicates=duplicates, people=len(log.people)
    )


def _accept_logged(session: Session, report_id: int, accepted_on: date, now: datetime) -> None:
    """Accept the completion a logged report waits as, on the log's day; one accepted before
    (the log replayed again) stays as it is."""
    # storage.verification builds on this module: imported here, when first needed.
    from storage.verification import ACCEPTED, accept_completion, completion_of_report

    waiting = completion_of_report(session=session, report_id=report_id)
    if waiting is None or (waiting.status == ACCEPTED and waiting.decided_on == accepted_on):
        return
    accept_completion(
        session=session, verification_id=waiting.id, decided_on=accepted_on, now=now, actor="log"
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
