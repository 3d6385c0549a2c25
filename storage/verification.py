"""Verification of completions (nghiệm thu): in a program with `verification` on, a lead's
(or the secretariat's) done report waits for the chair or secretariat to accept or return it.

The rule, as of any date: a task counts done as of D when its completion was accepted on or
before D; its completion date (for "on time" or "late") stays the one the lead reported. The
done report is kept as made, not closing (`Report.closes` false, a `Verification` row pending);
accepting records the report that closes the task, dated the day of the acceptance in the
program's zone and completed on the reported date (source key `verification:<id>`, no author:
the decider is on the verification). Every reader of the closing state (status as of today and
as of past dates, registers, the review, reminders) then sees the completion exactly as if the
lead had reported it on the day it was accepted, completed on the day they said. Returning it
leaves the task open; the lead may report it done again. Both steps stay on record, with an
audit entry each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from storage.derived import refresh_task_state
from storage.errors import OperationError
from storage.models import (
    AuditEntry,
    Membership,
    Organization,
    Person,
    Program,
    Report,
    Task,
    Verification,
    table,
)
from storage.operations import LEADING_ROLES

PENDING, ACCEPTED, RETURNED, SUPERSEDED = "pending", "accepted", "returned", "superseded"
# The source key of the report an acceptance records: not a report anybody made, so the list
# of organizations that have reported for a period leaves it out.
ACCEPTANCE_KEY_PREFIX = "verification:"
EVIDENCE_LIMIT = 10
REASON_LIMIT = 1000

_v, _r, _t, _o = table(Verification), table(Report), table(Task), table(Organization)
_p, _pe, _m = table(Program), table(Person), table(Membership)


@dataclass(frozen=True)
class Completion:
    """A completion waiting for acceptance (or decided): what the decider is shown."""

    id: int
    program_id: int
    program_code: str
    timezone: str
    task_id: int
    task: str
    title: str
    org: str
    deadline: date | None
    completed_on: date
    reported_on: date
    note: str | None
    # File ids of the evidence the organization sent on the task (before or after the done
    # report: what /duyet shows later includes what came since), the latest ten.
    evidence: tuple[str, ...]
    author: str | None
    status: str
    reason: str | None
    decided_on: date | None


@dataclass(frozen=True)
class Notified:
    """Somebody to tell of a decision: their chat is their Telegram id."""

    telegram_id: int
    language: str | None


@dataclass(frozen=True)
class CompletionDecision:
    """The outcome of `decide_completion`; `again` when it had been decided before (nothing
    changed), with the decision on record."""

    completion: Completion
    again: bool
    # The lead organization's officers and the report's author, to be told the outcome.
    notify: tuple[Notified, ...]


_COMPLETION_COLUMNS = (
    _v.c.id,
    _v.c.program_id,
    _p.c.code.label("program_code"),
    _p.c.timezone,
    _v.c.task_id,
    _t.c.code.label("task"),
    _t.c.title,
    _o.c.code.label("org"),
    _t.c.deadline,
    _v.c.completed_on,
    _r.c.effective_on.label("reported_on"),
    _r.c.note,
    _r.c.org_id,
    _r.c.id.label("report_id"),
    _pe.c.name.label("author"),
    _v.c.status,
    _v.c.reason,
    _v.c.decided_on,
)
_COMPLETIONS = (
    sa.select(*_COMPLETION_COLUMNS)
    .select_from(_v)
    .join(_r, _r.c.id == _v.c.report_id)
    .join(_t, _t.c.id == _v.c.task_id)
    .join(_o, _o.c.id == _v.c.org_id)
    .join(_p, _p.c.id == _v.c.program_id)
    .outerjoin(_pe, _pe.c.id == _r.c.author_id)
)


def _evidence(conn: sa.Connection, row: Any) -> tuple[str, ...]:
    files: list[str] = []
    for (evidence,) in conn.execute(
        sa.select(_r.c.evidence)
        .where(_r.c.task_id == row.task_id, _r.c.org_id == row.org_id)
        .order_by(_r.c.id)
    ):
        files += [f for f in evidence or () if f not in files]
    return tuple(files[-EVIDENCE_LIMIT:])


def _completion(conn: sa.Connection, row: Any) -> Completion:
    return Completion(
        id=row.id,
        program_id=row.program_id,
        program_code=row.program_code,
        timezone=row.timezone,
        task_id=row.task_id,
        task=row.task,
        title=row.title,
        org=row.org,
        deadline=row.deadline,
        completed_on=row.completed_on,
        reported_on=row.reported_on,
        note=row.note,
        evidence=_evidence(conn, row),
        author=row.author,
        status=row.status,
        reason=row.reason,
        decided_on=row.decided_on,
    )


def completion_of(*, session: Session, verification_id: int) -> Completion | None:
    """A completion by its id, whatever its status."""
    conn = session.connection()
    row = conn.execute(_COMPLETIONS.where(_v.c.id == verification_id)).first()
    return None if row is None else _completion(conn, row)


def completion_of_report(*, session: Session, report_id: int) -> Completion | None:
    """The completion a done report waits as (None: it closed, or did not close, at once)."""
    conn = session.connection()
    row = conn.execute(_COMPLETIONS.where(_v.c.report_id == report_id)).first()
    return None if row is None else _completion(conn, row)


def pending_completions(
    *, session: Session, program_id: int, limit: int | None = None
) -> tuple[list[Completion], int]:
    """The program's completions waiting for acceptance, oldest first (the first `limit`),
    and how many there are in all."""
    conn = session.connection()
    waiting = (_v.c.program_id == program_id, _v.c.status == PENDING)
    count = conn.execute(sa.select(sa.func.count()).select_from(_v).where(*waiting)).scalar_one()
    rows = conn.execute(_COMPLETIONS.where(*waiting).order_by(_v.c.id).limit(limit)).all()
    return [_completion(conn, r) for r in rows], int(count)


def _notified(conn: sa.Connection, program_id: int, org_id: int, report_id: int) -> list[Notified]:
    """The organization's officers in the program, and the report's author."""
    officers = (
        sa.select(_pe.c.telegram_id, _pe.c.language)
        .join(_m, _m.c.person_id == _pe.c.id)
        .where(
            _m.c.program_id == program_id,
            _m.c.org_id == org_id,
            _m.c.role == "officer",
            _m.c.active,
        )
    )
    author = (
        sa.select(_pe.c.telegram_id, _pe.c.language)
        .join(_r, _r.c.author_id == _pe.c.id)
        .where(_r.c.id == report_id)
    )
    found: dict[int, Notified] = {}
    for telegram_id, language in [*conn.execute(author), *conn.execute(officers)]:
        if telegram_id is not None and telegram_id not in found:
            found[telegram_id] = Notified(telegram_id, language)
    return list(found.values())


def program_verifies(*, session: Session, program_id: int) -> bool:
    """Whether the program's completions wait for acceptance."""
    on = session.connection().execute(sa.select(_p.c.verification).where(_p.c.id == program_id))
    return bool(on.scalar())


def _decider(conn: sa.Connection, program_id: int, telegram_id: int) -> int:
    """The person deciding, who must be the chair, a vice-chair or the secretariat of the
    program; anyone else is refused."""
    decider = conn.execute(
        sa.select(_pe.c.id, _m.c.role)
        .join(_m, _m.c.person_id == _pe.c.id)
        .where(_pe.c.telegram_id == telegram_id, _m.c.program_id == program_id, _m.c.active)
    ).first()
    if decider is None or decider.role not in LEADING_ROLES:
        raise OperationError("not_verifier")
    return int(decider.id)


def completion_to_decide(
    *, session: Session, verification_id: int, decider_telegram_id: int
) -> Completion:
    """The completion, once the person is found to decide it (before asking them why it is
    returned); refused as `decide_completion` refuses, whatever its status."""
    found = completion_of(session=session, verification_id=verification_id)
    if found is None:
        raise OperationError("unknown_completion")
    _decider(session.connection(), found.program_id, decider_telegram_id)
    return found


def decide_completion(
    *,
    session: Session,
    verification_id: int,
    accept: bool,
    decider_telegram_id: int,
    now: datetime,
    reason: str | None = None,
) -> CompletionDecision:
    """Accept a pending completion (the task counts done from today, completed on the date the
    lead reported) or return it with a reason (the task stays open).

    The decider must be the chair, a vice-chair or the secretariat of the completion's program.
    A completion decided before (or superseded) is not decided again: `again` says so.
    """
    conn = session.connection()
    v = session.get(Verification, verification_id, with_for_update=True)
    if v is None:
        raise OperationError("unknown_completion")
    decider_id = _decider(conn, v.program_id, decider_telegram_id)
    assert v.id is not None
    report = session.get(Report, v.report_id)
    assert report is not None and report.id is not None
    if v.status != PENDING:
        row = conn.execute(_COMPLETIONS.where(_v.c.id == v.id)).one()
        return CompletionDecision(_completion(conn, row), again=True, notify=())
    reason = (reason or "").strip()[:REASON_LIMIT]
    if not accept and not reason:
        raise OperationError("return_reason_missing")
    program = session.get(Program, v.program_id)
    assert program is not None
    # Never before the report itself: the acceptance closes what was reported by then.
    decided_on = max(now.astimezone(ZoneInfo(program.timezone)).date(), report.effective_on)
    _settle(
        session,
        v,
        report,
        accept=accept,
        decided_on=decided_on,
        decider_id=decider_id,
        actor=f"tg:{decider_telegram_id}",
        reason=reason,
        now=now,
    )
    notify = _notified(conn, v.program_id, v.org_id, report.id)
    row = conn.execute(_COMPLETIONS.where(_v.c.id == v.id)).one()
    return CompletionDecision(_completion(conn, row), again=False, notify=tuple(notify))


def accept_completion(
    *, session: Session, verification_id: int, decided_on: date, now: datetime, actor: str
) -> Completion:
    """Accept a pending completion as of a given day (a report log's `accepted` date), with no
    decider on record: `actor` says where it came from. Refused when the completion is not
    waiting any more (`completion_decided`) or the day is before its report
    (`accepted_before_report`)."""
    v = session.get(Verification, verification_id, with_for_update=True)
    if v is None:
        raise OperationError("unknown_completion")
    report = session.get(Report, v.report_id)
    assert report is not None and report.id is not None
    task = session.get(Task, v.task_id)
    assert task is not None
    if v.status != PENDING:
        raise OperationError("completion_decided", task=task.code, status=v.status)
    if decided_on < report.effective_on:
        raise OperationError(
            "accepted_before_report",
            task=task.code,
            date=decided_on.isoformat(),
            reported=report.effective_on.isoformat(),
        )
    _settle(
        session,
        v,
        report,
        accept=True,
        decided_on=decided_on,
        decider_id=None,
        actor=actor,
        reason="",
        now=now,
    )
    found = completion_of(session=session, verification_id=verification_id)
    assert found is not None
    return found


def _settle(
    session: Session,
    v: Verification,
    report: Report,
    *,
    accept: bool,
    decided_on: date,
    decider_id: int | None,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    """Record the decision on a pending completion (an acceptance closes the task) and its
    audit entry."""
    conn = session.connection()
    assert v.id is not None and report.id is not None
    program = session.get(Program, v.program_id)
    assert program is not None
    v.status = ACCEPTED if accept else RETURNED
    v.decided_by, v.decided_at, v.decided_on = decider_id, now, decided_on
    v.reason = reason or None
    if accept:
        v.closing_report_id = _close(conn, v, decided_on, now)
        if program.last_effective_on is None or decided_on > program.last_effective_on:
            program.last_effective_on = decided_on
            session.add(program)
    session.add(v)
    task = session.get(Task, v.task_id)
    assert task is not None
    session.add(
        AuditEntry(
            program_id=v.program_id,
            at=now,
            actor=actor,
            action="accept_completion" if accept else "return_completion",
            entity="verification",
            entity_key=task.code,
            detail={
                "verification_id": v.id,
                "report_id": report.id,
                "completed_on": v.completed_on.isoformat(),
                "decided_on": decided_on.isoformat(),
                **({"reason": reason} if reason else {}),
            },
        )
    )
    session.flush()
    session.expire(task)


def _awaiting(program_id: int, as_of: date) -> tuple[sa.ColumnElement[bool], ...]:
    """The completions of the program waiting as of the day: reported by then and not decided
    by then. One superseded by a later report is left out (when it was superseded is not kept)."""
    return (
        _v.c.program_id == program_id,
        _r.c.effective_on <= as_of,
        sa.or_(
            _v.c.status == PENDING,
            sa.and_(_v.c.status.in_((ACCEPTED, RETURNED)), _v.c.decided_on > as_of),
        ),
    )


def awaiting_count(
    *, session: Session, program_id: int, as_of: date, org_id: int | None = None
) -> int:
    """How many completions of the program (of the organization, with `org_id`) were waiting
    for acceptance as of the day."""
    query = (
        sa.select(sa.func.count())
        .select_from(_v)
        .join(_r, _r.c.id == _v.c.report_id)
        .where(*_awaiting(program_id, as_of))
    )
    if org_id is not None:
        query = query.where(_v.c.org_id == org_id)
    return int(session.connection().execute(query).scalar_one())


def tasks_awaiting(*, session: Session, program_id: int, as_of: date) -> set[int]:
    """The ids of the program's tasks whose completion was waiting for acceptance as of the
    day."""
    rows = session.connection().execute(
        sa.select(_v.c.task_id)
        .join(_r, _r.c.id == _v.c.report_id)
        .where(*_awaiting(program_id, as_of))
    )
    return {task_id for (task_id,) in rows}


def _close(conn: sa.Connection, v: Verification, decided_on: date, now: datetime) -> int:
    """Record the report that closes the task, and bring its derived state up to date (as
    `record_report` does for a report that closes at once)."""
    key = conn.execute(
        sa.insert(_r).values(
            program_id=v.program_id,
            task_id=v.task_id,
            org_id=v.org_id,
            author_id=None,
            effective_on=decided_on,
            done=True,
            completed_on=v.completed_on,
            closes=True,
            evidence=[],
            source_key=f"{ACCEPTANCE_KEY_PREFIX}{v.id}",
            created_at=now,
        )
    ).inserted_primary_key
    assert key is not None
    task = conn.execute(sa.select(_t.c.done_effective_on).where(_t.c.id == v.task_id)).one()
    if task.done_effective_on is None or decided_on >= task.done_effective_on:
        conn.execute(
            sa.update(_t)
            .where(_t.c.id == v.task_id)
            .values(done_on=v.completed_on, done_effective_on=decided_on)
        )
        refresh_task_state(conn, v.program_id, [v.task_id])
    return int(key[0])
