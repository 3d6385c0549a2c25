"""Reading what the reminder policy needs of a program, for a window of days, in a few queries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reminders.policy import PeriodView, PersonView, ProgramSnapshot, TaskView
from storage.database import in_chunks
from storage.models import (
    Difficulty,
    Extension,
    Membership,
    Organization,
    Period,
    Person,
    Program,
    Report,
    Task,
    TaskPartner,
    table,
)
from storage.reminder_settings import ReminderSettings
from storage.verification import ACCEPTANCE_KEY_PREFIX

# A deadline reminder said on the working day before a day off may come a week early.
_SLACK = timedelta(days=7)
_RECENT = timedelta(days=7)  # completions are announced for a week at most


def _only(
    task_id: Any, due: Any, only: tuple[Collection[int], Collection[date]] | None
) -> list[Any]:
    if only is None:
        return []
    ids, dues = only
    t = table(Task)
    return [
        sa.or_(
            task_id.in_(sorted(ids)) if ids else sa.false(),
            # By index (ix_task_due); a task without a date of its own has its judging one.
            t.c.due.in_(sorted(dues)) if dues else sa.false(),
            sa.and_(t.c.due.is_(None), due.in_(sorted(dues))) if dues else sa.false(),
        )
    ]


def open_deadlines(session: Session, program_id: int) -> set[date]:
    """The deadlines (after extensions) of a program's open tasks."""
    t = table(Task)
    due = sa.func.coalesce(t.c.due, t.c.deadline)
    return set(
        session.connection()
        .execute(
            sa.select(due)
            .where(
                t.c.program_id == program_id, t.c.active, t.c.done_on.is_(None), due.is_not(None)
            )
            .distinct()
        )
        .scalars()
    )


@dataclass(frozen=True)
class Version:
    """What a planning run depends on besides the clock. `plan` changes with the plan, the
    people and their snoozes, extensions; `report` is the newest report's id (any program)."""

    plan: tuple[Any, ...]
    report: int


def read_version(session: Session, program_id: int) -> Version:
    conn = session.connection()
    p, t, m = table(Program), table(Task), table(Membership)
    person, ext = table(Person), table(Extension)
    program = conn.execute(
        sa.select(p.c.updated_at, p.c.group_chat_id, p.c.reminders, p.c.timezone).where(
            p.c.id == program_id
        )
    ).one()
    tasks = conn.execute(
        sa.select(sa.func.count(), sa.func.max(t.c.updated_at)).where(t.c.program_id == program_id)
    ).one()
    members = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(m.c.id),
            sa.func.sum(sa.case((m.c.active, 1), else_=0)),
            sa.func.max(person.c.snoozed_until),
            sa.func.sum(sa.case((person.c.muted, 1), else_=0)),
            sa.func.max(person.c.language),
            sa.func.count(person.c.snoozed_until),
        )
        .select_from(m)
        .join(person, person.c.id == m.c.person_id)
        .where(m.c.program_id == program_id)
    ).one()
    extensions = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(ext.c.id),
            sa.func.sum(sa.case((ext.c.status == "approved", 1), else_=0)),
        ).where(ext.c.program_id == program_id)
    ).one()
    report = conn.execute(sa.select(sa.func.max(table(Report).c.id))).scalar() or 0
    plan = (program[0], program[1], repr(program[2]), program[3], *tasks, *members, *extensions)
    return Version(plan=plan, report=report)


def reported_tasks_since(session: Session, program_id: int, report_id: int) -> set[int]:
    """The tasks of a program with a report newer than `report_id`."""
    r = table(Report)
    return set(
        session.connection()
        .execute(
            sa.select(r.c.task_id)
            .where(r.c.id > report_id, r.c.program_id == program_id)
            .distinct()
        )
        .scalars()
    )


def snoozes(session: Session, program_id: int) -> list[datetime]:
    """When the snoozes of a program's people end."""
    m, person = table(Membership), table(Person)
    return [
        at
        for at in session.connection()
        .execute(
            sa.select(person.c.snoozed_until)
            .join(m, m.c.person_id == person.c.id)
            .where(m.c.program_id == program_id, person.c.snoozed_until.is_not(None))
        )
        .scalars()
        if at is not None
    ]


def program_settings(program: Program) -> ReminderSettings:
    return ReminderSettings.from_plan(program.reminders)


def program_only(program: Program, settings: ReminderSettings | None = None) -> ProgramSnapshot:
    """The program's dates, zone and settings, without its people or tasks: enough for the
    policy to compute when slots open."""
    assert program.id is not None
    return ProgramSnapshot(
        program_id=program.id,
        code=program.code,
        zone=program.timezone,
        language=program.language,
        start=program.start,
        end=program.end,
        settings=settings or program_settings(program),
        group_chat_id=program.group_chat_id,
        organizations={},
        people=[],
        tasks=[],
    )


def load_snapshot(
    session: Session,
    program_id: int,
    first: date,
    last: date | None = None,
    *,
    only: tuple[Collection[int], Collection[date]] | None = None,
) -> ProgramSnapshot:
    """The program as the policy sees it, keeping the tasks that can have a slot in the local
    days [first, last] (default: `first` only); with `only` (task ids, deadlines), only those
    tasks and the tasks with those deadlines (an incremental planning run)."""
    last = last or first
    program = session.get(Program, program_id)
    if program is None:
        raise LookupError(f"no program {program_id}")
    settings = program_settings(program)
    conn = session.connection()
    org, task, partner = table(Organization), table(Task), table(TaskPartner)

    organizations = {
        row.id: (row.code, row.name)
        for row in conn.execute(
            sa.select(org.c.id, org.c.code, org.c.name)
            .where(org.c.program_id == program_id, org.c.active)
            .order_by(org.c.position, org.c.id)
        )
    }
    person, member = table(Person), table(Membership)
    people = [
        PersonView(r.id, r.telegram_id, r.language, r.org_id, r.role, r.snoozed_until, r.muted)
        for r in session.execute(
            sa.select(
                person.c.id,
                person.c.telegram_id,
                person.c.language,
                member.c.org_id,
                member.c.role,
                person.c.snoozed_until,
                person.c.muted,
            )
            .join(member, member.c.person_id == person.c.id)
            .where(
                member.c.program_id == program_id,
                member.c.active,
                person.c.telegram_id.is_not(None),
            )
            .order_by(person.c.telegram_id, member.c.role)
        )
    ]

    ahead = timedelta(days=max(settings.deadline_days, default=0)) + _SLACK
    due = sa.func.coalesce(task.c.due, task.c.deadline)
    rows = conn.execute(
        sa.select(
            task.c.id,
            task.c.code,
            task.c.title,
            task.c.lead_org_id,
            task.c.partners_all,
            due.label("due"),
            task.c.original_due,
            task.c.deadline,
            task.c.done_on,
            task.c.done_effective_on,
        )
        .where(
            task.c.program_id == program_id,
            task.c.active,
            due.is_not(None),
            sa.or_(
                sa.and_(task.c.done_on.is_(None), due <= last + ahead),
                task.c.done_effective_on.between(first - _RECENT, last),
            ),
            *_only(task.c.id, due, only),
        )
        .order_by(task.c.position, task.c.id)
    ).all()

    # Partners matter to reminders before a deadline and to completion notes, not to the
    # overdue notices that make up most of a late year.
    wanted = [r.id for r in rows if not r.partners_all and (r.done_on or r.due >= first - _SLACK)]
    partners: dict[int, list[int]] = {}
    for ids in in_chunks(wanted):
        for task_id, org_id in conn.execute(
            sa.select(partner.c.task_id, partner.c.org_id)
            .where(partner.c.task_id.in_(ids))
            .order_by(partner.c.task_id, partner.c.position)
        ):
            partners.setdefault(task_id, []).append(org_id)
    recorded: dict[int, datetime] = {}
    done = [r.id for r in rows if r.done_on is not None]
    report = table(Report)
    for ids in in_chunks(done):
        for task_id, at in conn.execute(
            sa.select(report.c.task_id, sa.func.max(report.c.created_at))
            .join(task, task.c.id == report.c.task_id)
            .where(
                report.c.task_id.in_(ids),
                report.c.closes,
                report.c.effective_on == task.c.done_effective_on,
            )
            .group_by(report.c.task_id)
        ):
            recorded[task_id] = at
    all_orgs = tuple(organizations)
    tasks = [
        TaskView(
            r.id,
            r.code,
            r.title,
            r.lead_org_id,
            r.due,
            r.original_due if r.original_due != r.due else None,
            r.deadline or r.due,
            r.done_on,
            r.done_effective_on,
            recorded.get(r.id),
            all_orgs if r.partners_all else tuple(partners.get(r.id, ())),
        )
        for r in rows
    ]

    period = table(Period)
    periods = [
        PeriodView(r.id, r.code, r.name, r.report_due)
        for r in conn.execute(
            sa.select(period.c.id, period.c.code, period.c.name, period.c.report_due)
            .where(
                period.c.program_id == program_id,
                period.c.active,
                period.c.report_due.is_not(None),
            )
            .order_by(period.c.report_due, period.c.position)
        )
    ]
    call = timedelta(days=max(settings.report_call_days, default=0))
    reported: dict[int, frozenset[int]] = {}
    for p in periods:
        since, due_day = p.report_due - call, p.report_due
        after = timedelta(days=settings.missing_after_days) + _RECENT + _SLACK
        if not (since - _SLACK <= last and due_day + after >= first):
            continue
        reported[p.id] = frozenset(
            conn.execute(
                sa.union(
                    sa.select(report.c.org_id).where(
                        report.c.program_id == program_id,
                        report.c.effective_on.between(since, due_day),
                        # An acceptance is the committee's act, not the organization's report.
                        report.c.source_key.not_like(f"{ACCEPTANCE_KEY_PREFIX}%"),
                    ),
                    sa.select(table(Difficulty).c.org_id).where(
                        table(Difficulty).c.program_id == program_id,
                        table(Difficulty).c.raised_on.between(since, due_day),
                    ),
                )
            ).scalars()
        )
    return replace(
        program_only(program, settings),
        organizations=organizations,
        people=people,
        tasks=tasks,
        periods=periods,
        reported=reported,
    )
