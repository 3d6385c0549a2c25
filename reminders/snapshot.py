"""Reading what the reminder policy needs of a program, for a window of days, in a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from reminders.policy import PeriodView, PersonView, ProgramSnapshot, TaskView
from storage.models import (
    Difficulty,
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

_CHUNK = 900  # ids per IN list: under SQLite's parameter limit, cheap on PostgreSQL
# A deadline reminder said on the working day before a day off may come a week early.
_SLACK = timedelta(days=7)
_RECENT = timedelta(days=7)  # completions are announced for a week at most


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def program_settings(program: Program) -> ReminderSettings:
    return ReminderSettings.from_plan(program.reminders)


def load_snapshot(
    session: Session, program_id: int, first: date, last: date | None = None
) -> ProgramSnapshot:
    """The program as the policy sees it, keeping the tasks that can have a slot in the local
    days [first, last] (default: `first` only)."""
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
        )
        .order_by(task.c.position, task.c.id)
    ).all()

    # Partners matter to reminders before a deadline and to completion notes, not to the
    # overdue notices that make up most of a late year.
    wanted = [r.id for r in rows if not r.partners_all and (r.done_on or r.due >= first - _SLACK)]
    partners: dict[int, list[int]] = {}
    for ids in _chunks(wanted):
        for task_id, org_id in conn.execute(
            sa.select(partner.c.task_id, partner.c.org_id)
            .where(partner.c.task_id.in_(ids))
            .order_by(partner.c.task_id, partner.c.position)
        ):
            partners.setdefault(task_id, []).append(org_id)
    recorded: dict[int, datetime] = {}
    done = [r.id for r in rows if r.done_on is not None]
    report = table(Report)
    for ids in _chunks(done):
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
                    ),
                    sa.select(table(Difficulty).c.org_id).where(
                        table(Difficulty).c.program_id == program_id,
                        table(Difficulty).c.raised_on.between(since, due_day),
                    ),
                )
            ).scalars()
        )
    return ProgramSnapshot(
        program_id=program_id,
        code=program.code,
        zone=program.timezone,
        language=program.language,
        start=program.start,
        end=program.end,
        settings=settings,
        group_chat_id=program.group_chat_id,
        organizations=organizations,
        people=people,
        tasks=tasks,
        periods=periods,
        reported=reported,
    )
