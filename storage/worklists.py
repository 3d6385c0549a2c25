"""An organization's work as its officer sees it in the chat: the tasks it leads or partners on,
each with its status today and the figures the organization last reported, and the task facts
that reading a typed report needs. Plain dataclasses; the chat renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session

from storage.models import (
    CurrentValue,
    Indicator,
    Organization,
    Period,
    Program,
    ReportValue,
    Task,
    TaskPartner,
    TaskTarget,
    from_milli,
    table,
)
from storage.rules import Status, classify, days_late, judging_deadline
from storage.verification import tasks_awaiting
from storage.vietnamese import Quantity

STATUS_ORDER = (Status.OVERDUE, Status.IN_PROGRESS, Status.DONE_LATE, Status.DONE_ON_TIME)


@dataclass(frozen=True)
class Figure:
    """One indicator figure of a task: the organization's latest value and the task's target."""

    indicator: str
    unit: str
    value: Decimal | None
    qualifier: str | None
    target: Decimal | None


@dataclass(frozen=True)
class OrgTask:
    """A task of the organization's work list, as of a date."""

    id: int
    code: str
    title: str
    kind: str
    leads: bool
    status: Status
    deadline: date
    due: date
    days_late: int
    done_on: date | None
    figures: tuple[Figure, ...]
    # Reported done by the lead, waiting for the chair's or secretariat's acceptance.
    awaiting: bool = False


@dataclass(frozen=True)
class TaskFacts:
    """What reading a report about one task needs to know of it."""

    id: int
    code: str
    title: str
    kind: str
    lead_org_id: int
    lead_code: str
    targets: dict[str, Decimal]
    deadline: date
    due: date
    done_on: date | None


def _deadline(t: sa.Table, p: sa.Table, program_end: date) -> sa.ColumnElement[date]:
    return sa.func.coalesce(t.c.original_due, p.c.end, sa.literal(program_end, sa.Date))


_t, _pr, _pd, _og = table(Task), table(Program), table(Period), table(Organization)
_tt, _in = table(TaskTarget), table(Indicator)
# Asked of every typed report, so built once.
_FACTS = (
    sa.select(
        _t.c.id,
        _t.c.code,
        _t.c.title,
        _t.c.kind,
        _t.c.lead_org_id,
        _og.c.code.label("lead"),
        _t.c.original_due,
        _t.c.due,
        _t.c.done_on,
        _pd.c.end.label("period_end"),
        _pr.c.end.label("program_end"),
    )
    .join(_og, _og.c.id == _t.c.lead_org_id)
    .join(_pr, _pr.c.id == _t.c.program_id)
    .outerjoin(_pd, _pd.c.id == _t.c.period_id)
    .where(_t.c.program_id == sa.bindparam("pid"), _t.c.code == sa.bindparam("code"), _t.c.active)
)
_TARGETS = (
    sa.select(_in.c.code, _tt.c.value_milli)
    .join(_in, _in.c.id == _tt.c.indicator_id)
    .where(_tt.c.task_id == sa.bindparam("task"))
    .order_by(_in.c.position, _in.c.id)
)


def task_facts(*, session: Session, program_id: int, code: str) -> TaskFacts | None:
    """The active task with this code (any case), or None."""
    conn = session.connection()
    row = conn.execute(_FACTS, {"pid": program_id, "code": code.upper()}).first()
    if row is None:
        return None
    targets = {r.code: from_milli(r.value_milli) for r in conn.execute(_TARGETS, {"task": row.id})}
    deadline = judging_deadline(
        original_due=row.original_due, period_end=row.period_end, program_end=row.program_end
    )
    return TaskFacts(
        id=row.id,
        code=row.code,
        title=row.title,
        kind=row.kind,
        lead_org_id=row.lead_org_id,
        lead_code=row.lead,
        targets=targets,
        deadline=deadline,
        due=row.due or deadline,
        done_on=row.done_on,
    )


def org_tasks(
    *, session: Session, program_id: int, org_id: int, as_of: date, task_id: int | None = None
) -> list[OrgTask]:
    """The tasks the organization leads or partners on, most urgent first: overdue (most days
    late first), in progress (nearest deadline first), then done. With `task_id`, only that
    task (if it is the organization's)."""
    t, p, tp, i = table(Task), table(Period), table(TaskPartner), table(Indicator)
    cv, tt = table(CurrentValue), table(TaskTarget)
    program = session.get(Program, program_id)
    assert program is not None
    conn = session.connection()
    involved = sa.or_(
        t.c.lead_org_id == org_id,
        t.c.partners_all,
        sa.exists().where(tp.c.task_id == t.c.id, tp.c.org_id == org_id),
    )
    rows = conn.execute(
        sa.select(
            t.c.id,
            t.c.code,
            t.c.title,
            t.c.kind,
            t.c.lead_org_id,
            t.c.original_due,
            t.c.due,
            t.c.done_on,
            t.c.done_effective_on,
            t.c.position,
            p.c.end.label("period_end"),
        )
        .outerjoin(p, p.c.id == t.c.period_id)
        .where(t.c.program_id == program_id, t.c.active, involved)
        .where(t.c.id == task_id if task_id is not None else sa.true())
        .order_by(t.c.position, t.c.id)
    ).all()
    ids = [r.id for r in rows]
    units = {
        r.id: (r.code, r.unit)
        for r in conn.execute(
            sa.select(i.c.id, i.c.code, i.c.unit).where(i.c.program_id == program_id)
        )
    }
    values: dict[int, dict[int, tuple[int, str | None]]] = {}
    targets: dict[int, dict[int, int]] = {}
    for chunk in (ids[k : k + 5000] for k in range(0, len(ids), 5000)):
        for v in conn.execute(
            sa.select(cv.c.task_id, cv.c.indicator_id, cv.c.value_milli, cv.c.qualifier).where(
                cv.c.org_id == org_id, cv.c.task_id.in_(chunk)
            )
        ):
            values.setdefault(v.task_id, {})[v.indicator_id] = (v.value_milli, v.qualifier)
        for g in conn.execute(
            sa.select(tt.c.task_id, tt.c.indicator_id, tt.c.value_milli).where(
                tt.c.task_id.in_(chunk)
            )
        ):
            targets.setdefault(g.task_id, {})[g.indicator_id] = g.value_milli
    awaiting = (
        tasks_awaiting(session=session, program_id=program_id, as_of=as_of)
        if program.verification
        else set()
    )
    result: list[OrgTask] = []
    for r in rows:
        deadline = judging_deadline(
            original_due=r.original_due, period_end=r.period_end, program_end=program.end
        )
        done_on = (
            r.done_on if r.done_effective_on is not None and r.done_effective_on <= as_of else None
        )
        status = classify(deadline=deadline, done_on=done_on, as_of=as_of)
        mine, goal = values.get(r.id, {}), targets.get(r.id, {})
        figures = tuple(
            Figure(
                indicator=units[ind][0],
                unit=units[ind][1],
                value=from_milli(mine[ind][0]) if ind in mine else None,
                qualifier=mine[ind][1] if ind in mine else None,
                target=from_milli(goal[ind]) if ind in goal else None,
            )
            for ind in sorted(set(mine) | set(goal))
        )
        due = r.due or deadline
        late = days_late(deadline=deadline, as_of=as_of) if status is Status.OVERDUE else 0
        result.append(
            OrgTask(
                r.id,
                r.code,
                r.title,
                r.kind,
                r.lead_org_id == org_id,
                status,
                deadline,
                due,
                late,
                done_on,
                figures,
                r.id in awaiting,
            )
        )
    order = {s: n for n, s in enumerate(STATUS_ORDER)}
    result.sort(
        key=lambda x: (order[x.status], -x.days_late if x.status is Status.OVERDUE else 0, x.due)
    )
    return result


def registered_count(*, session: Session, program_id: int, org_id: int) -> tuple[int, int]:
    """(done, total) of the registered tasks the organization leads, as recorded today."""
    t = table(Task)
    row = (
        session.connection()
        .execute(
            sa.select(sa.func.count(t.c.done_on), sa.func.count()).where(
                t.c.program_id == program_id,
                t.c.lead_org_id == org_id,
                t.c.kind == "registered",
                t.c.active,
            )
        )
        .one()
    )
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class Vocabulary:
    """A program's words: its active indicators and organizations (what the chat caches)."""

    indicators: tuple[tuple[str, str, str], ...]  # (code, unit, kind), in plan order
    indicator_ids: dict[str, int]
    org_ids: dict[str, int]

    @property
    def units(self) -> dict[str, str]:
        return {code: unit for code, unit, _ in self.indicators}


def program_vocabulary(*, session: Session, program_id: int) -> Vocabulary:
    """The program's active indicators and organizations."""
    i, o = table(Indicator), table(Organization)
    conn = session.connection()
    rows = conn.execute(
        sa.select(i.c.id, i.c.code, i.c.unit, i.c.kind)
        .where(i.c.program_id == program_id, i.c.active)
        .order_by(i.c.position, i.c.id)
    ).all()
    orgs = conn.execute(
        sa.select(o.c.id, o.c.code).where(o.c.program_id == program_id, o.c.active)
    ).all()
    return Vocabulary(
        indicators=tuple((r.code, r.unit, r.kind) for r in rows),
        indicator_ids={r.code: r.id for r in rows},
        org_ids={r.code: r.id for r in orgs},
    )


def task_facts_by_id(*, session: Session, program_id: int, task_id: int) -> TaskFacts | None:
    """`task_facts` for a task id (None if it is not an active task of this program)."""
    t = table(Task)
    code = (
        session.connection()
        .execute(sa.select(t.c.code).where(t.c.id == task_id, t.c.program_id == program_id))
        .scalar()
    )
    return task_facts(session=session, program_id=program_id, code=code) if code else None


def report_values(*, session: Session, report_id: int) -> dict[str, Quantity]:
    """The indicator values of one report, by indicator code."""
    rv, i = table(ReportValue), table(Indicator)
    rows = session.connection().execute(
        sa.select(i.c.code, rv.c.value_milli, rv.c.qualifier)
        .join(i, i.c.id == rv.c.indicator_id)
        .where(rv.c.report_id == report_id)
        .order_by(rv.c.id)
    )
    return {r.code: Quantity(from_milli(r.value_milli), r.qualifier) for r in rows}


def period_end(*, session: Session, program_id: int, code: str) -> date | None:
    """The last day of the program's period with this code (any case), if there is one."""
    p = table(Period)
    return (
        session.connection()
        .execute(
            sa.select(p.c.end).where(
                p.c.program_id == program_id, sa.func.upper(p.c.code) == code.strip().upper()
            )
        )
        .scalar()
    )


def program_periods(*, session: Session, program_id: int) -> list[tuple[int, str, date]]:
    """The program's active periods (id, code, end), in plan order."""
    p = table(Period)
    rows = session.connection().execute(
        sa.select(p.c.id, p.c.code, p.c.end)
        .where(p.c.program_id == program_id, p.c.active)
        .order_by(p.c.position, p.c.id)
    )
    return [(r.id, r.code, r.end) for r in rows]
