"""The task register: every task of a program as of a date, with its figures, as plain data.

Where `storage.summaries.program_status` counts, the register lists: each active task in plan
order with its kind, lead and partners, its original (judging) and extended deadlines, its status
and completion date as of the date, and per indicator its target, total and each organization's
value. The exported workbook and chart are written from it.

The status of each task is the same SQL as `program_status`'s (`storage.summaries._tasks`: the
derived done state as of today, the closing report replayed for an earlier date), so the two
always agree. Everything is read set-based: the tasks in one ordered query, and their partners,
targets and values by chunks of task ids (one array parameter on PostgreSQL), never one query
per task.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from storage.models import (
    CurrentValue,
    Indicator,
    Program,
    Report,
    Task,
    TaskPartner,
    TaskTarget,
    from_milli,
    table,
)
from storage.plans import get_program
from storage.rules import Status, days_late, sum_qualifier
from storage.summaries import (
    Amount,
    _derived_state_complete,
    _latest_values,
    _tasks,
    program_organizations,
)

CHUNK = 5000


@dataclass(frozen=True, slots=True)
class RegisterIndicator:
    """One indicator of a task: its target, its total over organizations (None while nobody
    has reported it) and each organization's latest value, organizations in plan order."""

    indicator: str
    unit: str
    target: Decimal | None
    total: Amount | None
    by_org: tuple[tuple[str, Amount], ...] = ()


@dataclass(frozen=True, slots=True)
class RegisterTask:
    """One task as of the date.

    `original_due` is the plan's deadline (None: "thường xuyên"), `deadline` the one the task
    is judged by (the period's or program's end for an ongoing task) and `due` the deadline
    after the extensions approved by the date.
    """

    number: int  # STT: 1, 2, ... in plan order
    code: str
    kind: str
    title: str
    lead: str
    partners: tuple[str, ...]
    partners_all: bool
    original_due: date | None
    deadline: date
    due: date
    status: Status
    done_on: date | None
    days_late: int
    counts_toward: str | None
    indicators: tuple[RegisterIndicator, ...]

    @property
    def extended(self) -> date | None:
        """The extended deadline, when an approved extension moved it."""
        return self.due if self.due != self.deadline else None

    def involves(self, org: str) -> bool:
        """Whether the organization leads the task or is one of its partners."""
        return org == self.lead or self.partners_all or org in self.partners


@dataclass(frozen=True)
class TaskRegister:
    """Every task counted as of `as_of` (in an organization's view: those it leads or partners
    on), in plan order; `organizations` are (code, name) of the active ones in plan order."""

    program: str
    title: str
    as_of: date
    org: str | None
    organizations: tuple[tuple[str, str], ...]
    tasks: list[RegisterTask]

    def statuses(self) -> dict[str, Status]:
        return {task.code: task.status for task in self.tasks}


def task_register(
    *, session: Session, program_code: str, as_of: date, org_code: str | None = None
) -> TaskRegister:
    """The program's task register as of a date (see the module docstring); with `org_code`,
    only the tasks that organization leads or partners on. Unknown `org_code`: OperationError."""
    program = get_program(session, program_code)
    assert program.id is not None
    conn = session.connection()
    pid = program.id
    i = table(Indicator)
    orgs, org_id = program_organizations(conn, pid, org_code)
    code_of = {r.id: r.code for r in orgs}
    org_rank = {r.id: n for n, r in enumerate(orgs)}
    indicators = {
        r.id: (r.code, r.unit, n)
        for n, r in enumerate(
            conn.execute(
                sa.select(i.c.id, i.c.code, i.c.unit)
                .where(i.c.program_id == pid)
                .order_by(i.c.position, i.c.id)
            )
        )
    }
    current = program.last_effective_on is None or as_of >= program.last_effective_on
    tasks: list[RegisterTask] = []
    with collector_paused():
        for chunk in _task_chunks(conn, program, as_of, current, org_id):
            tasks += _build(
                conn, pid, as_of, current, chunk, code_of, org_rank, indicators, start=len(tasks)
            )
    return TaskRegister(
        program=program.code,
        title=program.title,
        as_of=as_of,
        org=org_code,
        organizations=tuple((r.code, r.name) for r in orgs if r.active),
        tasks=tasks,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: the register (and the workbook written from it) makes
    millions of objects and no cycles, and each full collection would walk all those made so
    far (40% of the register's time at 100,000 tasks)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _task_chunks(
    conn: sa.Connection, program: Program, as_of: date, current: bool, org_id: int | None
) -> Iterator[Sequence[Any]]:
    """The counted tasks in plan order with their status and completion date, by chunks."""
    derived = _derived_state_complete(conn, program.id or 0)
    base = _tasks(program, as_of, current, org_id, derived=derived).subquery("base")
    t = table(Task)
    done_on = _done_on(t, as_of, derived=derived)
    toward = t.alias("toward")
    query = (
        sa.select(
            base,
            t.c.original_due,
            t.c.partners_all,
            done_on.label("done_on"),
            toward.c.code.label("toward_code"),
        )
        .join(t, t.c.id == base.c.id)
        .outerjoin(toward, toward.c.id == base.c.counts_toward_id)
        .order_by(base.c.position, base.c.id)
    )
    # Only this query streams (a server-side cursor on PostgreSQL): `conn.execution_options`
    # would make every later statement of the connection one too.
    result = conn.execute(query, execution_options={"yield_per": CHUNK})
    yield from result.partitions()


def _done_on(t: Any, as_of: date, *, derived: bool) -> Any:
    """Each task's completion date as of `as_of` (None while not done): the stored one when
    its closing state has not changed since, else that of its latest closing report by then."""
    rp = table(Report)
    closing = (
        sa.select(sa.case((rp.c.done == sa.true(), rp.c.completed_on), else_=None))
        .where(rp.c.task_id == t.c.id, rp.c.closes, rp.c.effective_on <= as_of)
        .order_by(rp.c.effective_on.desc(), rp.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    if not derived:
        return closing
    unchanged = sa.or_(t.c.done_effective_on.is_(None), t.c.done_effective_on <= as_of)
    return sa.case((unchanged, t.c.done_on), else_=closing)


def _among(conn: sa.Connection, column: Any, ids: list[int]) -> Any:
    """`column IN ids`; on PostgreSQL `column = ANY(:ids)`, one array parameter: a short
    statement that psycopg and the server parse once, where 5,000 bound parameters cost more
    to convert and plan than the rows cost to read."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(ids)


def _build(
    conn: sa.Connection,
    pid: int,
    as_of: date,
    current: bool,
    rows: Sequence[Any],
    code_of: dict[int, str],
    org_rank: dict[int, int],
    indicators: dict[int, tuple[str, str, int]],
    *,
    start: int,
) -> list[RegisterTask]:
    """Register entries for one chunk of task rows: their partners, targets and values read
    for the whole chunk at once."""
    ids = [r.id for r in rows]
    tp, tt = table(TaskPartner), table(TaskTarget)
    partners: dict[int, list[str]] = defaultdict(list)
    for task_id, org_id in conn.execute(
        sa.select(tp.c.task_id, tp.c.org_id)
        .where(_among(conn, tp.c.task_id, ids))
        .order_by(tp.c.task_id, tp.c.position, tp.c.org_id)
    ).all():
        partners[task_id].append(code_of[org_id])
    targets: dict[int, dict[int, int]] = defaultdict(dict)
    for task_id, ind_id, milli in conn.execute(
        sa.select(tt.c.task_id, tt.c.indicator_id, tt.c.value_milli)
        .where(_among(conn, tt.c.task_id, ids))
    ).all():  # fmt: skip
        targets[task_id][ind_id] = milli

    decimals: dict[int, Decimal] = {}
    amounts: dict[tuple[int, str | None], Amount] = {}

    def value(milli: int) -> Decimal:
        # Figures recur (many tasks report 1, 10, 100 ...): each is converted once per chunk.
        result = decimals.get(milli)
        if result is None:
            result = decimals[milli] = from_milli(milli)
        return result

    def amount(milli: int, qualifier: str | None) -> Amount:
        # Amounts are immutable: the recurring ones are shared.
        result = amounts.get((milli, qualifier))
        if result is None:
            result = amounts[milli, qualifier] = Amount(value(milli), qualifier)
        return result

    org_of = {org: (org_rank[org], code) for org, code in code_of.items()}
    values: Any = table(CurrentValue) if current else _latest_values(pid, as_of).subquery("v")
    # task -> indicator -> (organization's rank, its code, value in thousandths, qualifier,
    # Amount); the ranks differ, so sorting the tuples sorts by rank alone.
    parts: dict[int, dict[int, list[tuple[int, str, int, str | None, Amount]]]] = {}
    for task_id, org_id, ind_id, milli, qualifier in conn.execute(
        sa.select(
            values.c.task_id, values.c.org_id, values.c.indicator_id, values.c.value_milli,
            values.c.qualifier,
        ).where(_among(conn, values.c.task_id, ids))
    ).all():  # fmt: skip
        by_ind = parts.get(task_id)
        if by_ind is None:
            by_ind = parts[task_id] = {}
        rank, code = org_of[org_id]
        part = (rank, code, milli, qualifier, amount(milli, qualifier))
        given = by_ind.get(ind_id)
        if given is None:
            by_ind[ind_id] = [part]
        else:
            given.append(part)

    no_targets: dict[int, int] = {}
    no_parts: dict[int, list[tuple[int, str, int, str | None, Amount]]] = {}
    out: list[RegisterTask] = []
    for n, r in enumerate(rows, start=start + 1):
        task_id = r.id
        own_targets, own_parts = targets.get(task_id, no_targets), parts.get(task_id, no_parts)
        lines = []
        keys = own_targets.keys() | own_parts.keys()
        for ind_id in sorted(keys, key=lambda k: indicators[k][2]) if len(keys) > 1 else keys:
            code, unit, _ = indicators[ind_id]
            target = own_targets.get(ind_id)
            given = own_parts.get(ind_id)
            if given:
                if len(given) > 1:
                    given.sort()
                qualifiers = [p[3] for p in given if p[3] is not None]
                total: Amount | None = amount(
                    sum(p[2] for p in given), sum_qualifier(qualifiers) if qualifiers else None
                )
                by_org: tuple[tuple[str, Amount], ...] = tuple((p[1], p[4]) for p in given)
            else:
                total, by_org = None, ()
            lines.append(
                RegisterIndicator(
                    indicator=code,
                    unit=unit,
                    target=None if target is None else value(target),
                    total=total,
                    by_org=by_org,
                )
            )
        status = Status(r.status)
        out.append(
            RegisterTask(
                number=n,
                code=r.code,
                kind=r.kind,
                title=r.title,
                lead=code_of[r.lead_org_id],
                partners=tuple(partners.get(task_id, ())),
                partners_all=bool(r.partners_all),
                original_due=r.original_due,
                deadline=r.deadline,
                due=r.due,
                status=status,
                done_on=r.done_on if status.done else None,
                days_late=days_late(deadline=r.deadline, as_of=as_of)
                if status is Status.OVERDUE
                else 0,
                counts_toward=r.toward_code,
                indicators=tuple(lines),
            )
        )
    return out
