"""The read side: a program's status as of any date, as plain dataclasses.

As of a date on or after the program's latest report (the usual "today"), the derived tables
answer directly. For an earlier date the history is replayed in SQL: the latest closing report
and the latest value per (task, organization, indicator) with an effective date up to it.
Both paths feed the same pure rules (`storage.rules`), and the tests hold them equal.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from storage.database import in_chunks
from storage.derived import OPEN, done_state_sql
from storage.errors import OperationError
from storage.models import (
    CurrentValue,
    Extension,
    Indicator,
    Organization,
    Period,
    Program,
    Report,
    ReportValue,
    Task,
    TaskPartner,
    TaskTarget,
    TaskTotal,
    from_milli,
    table,
)
from storage.plans import get_program
from storage.rules import Status, classify_sql, days_late, qualifier_from_counts
from storage.verification import awaiting_count

KINDS = ("common", "registered", "focus")
UPCOMING_DAYS = 30


@dataclass(frozen=True, slots=True)
class KindSummary:
    """done/total of one kind of task, with the four-way split."""

    kind: str
    total: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    overdue: int = 0

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def due(self) -> int:
        """Tasks already due: done, or past their deadline."""
        return self.done + self.overdue


@dataclass(frozen=True, slots=True)
class OrgSummary:
    """One organization: the registered tasks it leads, what it leads that is overdue, and the
    common tasks it contributed figures to."""

    code: str
    name: str
    registered_total: int
    registered_on_time: int
    registered_late: int
    registered_in_progress: int
    registered_overdue: int
    overdue_count: int  # overdue tasks it leads, of every kind
    overdue_tasks: tuple[str, ...]  # their codes (the first `limit` with a limit)
    common_contributions: int

    @property
    def registered_done(self) -> int:
        return self.registered_on_time + self.registered_late


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A task in a list (overdue, upcoming): deadlines as judged and as extended."""

    code: str
    kind: str
    title: str
    lead: str
    deadline: date
    due: date
    status: Status
    days_late: int
    days_left: int


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorTotal:
    """A task's total for one indicator, and each organization's part when asked for."""

    indicator: str
    unit: str
    total: Amount
    target: Decimal | None
    by_org: tuple[tuple[str, Amount], ...] = ()


@dataclass(frozen=True, slots=True)
class TaskTotals:
    task: str
    kind: str
    title: str
    counts_toward: str | None
    indicators: tuple[IndicatorTotal, ...]


@dataclass(frozen=True)
class ProgramStatus:
    """Everything the chair's summary says, as of one date.

    Counts are always complete. Lists (overdue, upcoming, task totals, the codes in `statuses`
    per kind and status, each organization's overdue codes) hold everything, or with a `limit`
    the first `limit` entries, and the `*_count` fields say how many there are in all.
    """

    program: str
    title: str
    timezone: str
    as_of: date
    org: str | None
    kinds: dict[str, KindSummary]
    organizations: list[OrgSummary]
    overdue: list[TaskLine]
    upcoming: list[TaskLine]
    task_totals: list[TaskTotals]
    program_totals: list[IndicatorTotal]
    overdue_count: int = 0
    upcoming_count: int = 0
    task_totals_count: int = 0
    statuses: dict[str, Status] = field(repr=False, default_factory=dict)
    task_kinds: dict[str, str] = field(repr=False, default_factory=dict)
    # Completions reported but waiting for acceptance (only in a program with verification on).
    awaiting_acceptance: int = 0


def program_organizations(
    conn: sa.Connection, program_id: int, org_code: str | None
) -> tuple[Sequence[Any], int | None]:
    """The program's organizations (id, code, name, active) in plan order, and the id of
    `org_code` (None without one); an unknown or inactive `org_code` is refused."""
    o = table(Organization)
    orgs = conn.execute(
        sa.select(o.c.id, o.c.code, o.c.name, o.c.active)
        .where(o.c.program_id == program_id)
        .order_by(o.c.position, o.c.id)
    ).all()
    if org_code is None:
        return orgs, None
    match = [r.id for r in orgs if r.code == org_code and r.active]
    if not match:
        raise OperationError("unknown_org", org=org_code)
    return orgs, match[0]


def program_status(
    *,
    session: Session,
    program_code: str,
    as_of: date,
    org_code: str | None = None,
    limit: int | None = None,
) -> ProgramStatus:
    """The program's status as of a date; with `org_code`, that organization's view: the tasks
    it leads or partners on, and its own figures. With `limit`, lists are cut (counts are not).

    The database does the counting: every task's status is one SQL expression and the figures
    are GROUP BYs over it, so a program of 100,000 tasks costs a few queries, not 100,000
    Python objects. As of today they are index scans over the tasks' stored judging deadline
    and done state (`storage.derived`).
    """
    program = get_program(session, program_code)
    assert program.id is not None
    conn = session.connection()
    pid = program.id
    current = program.last_effective_on is None or as_of >= program.last_effective_on
    i = table(Indicator)

    orgs, org_id = program_organizations(conn, pid, org_code)
    indicators = {
        r.id: r
        for r in conn.execute(
            sa.select(i.c.id, i.c.code, i.c.unit)
            .where(i.c.program_id == pid)
            .order_by(i.c.position, i.c.id)
        )
    }
    derived = _derived_state_complete(conn, pid)

    with ExitStack() as stack:
        # As of today the tasks and the derived tables answer each question directly. As of a
        # past date the history is replayed, once: the tasks' statuses, the latest values and
        # their totals become temporary tables that the questions below share.
        if current and derived:
            tasks = _TaskSource.of_task_table(pid, as_of, org_id)
        else:
            query = _tasks(program, as_of, current, org_id, derived=derived)
            tasks = _TaskSource.of_snapshot(stack.enter_context(_snapshot(conn, query)))
        if current:
            # Read by task (their keys lead with task_id), never scanned by program: an index on
            # program_id would make every per-task lookup a scan.
            values: Any = table(CurrentValue)
            tot = _current_totals(pid, org_id)
        else:
            values = stack.enter_context(_snapshot(conn, _latest_values(pid, as_of)))
            tot = _Totals.of(stack.enter_context(_snapshot(conn, _totals_of(values, org_id))))
        status = _status(
            conn, program, as_of, org_code, org_id, limit, orgs, indicators, tasks, values, tot
        )
        if program.verification:
            waiting = awaiting_count(session=session, program_id=pid, as_of=as_of, org_id=org_id)
            status = replace(status, awaiting_acceptance=waiting)
        return status
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack does not swallow


def _derived_state_complete(conn: sa.Connection, pid: int) -> bool:
    """Whether every task has its derived state (one index seek on ix_task_open); a task
    written without `refresh_task_state` makes the status compute everything from scratch."""
    t = table(Task)
    missing = conn.execute(
        sa.select(t.c.id).where(t.c.program_id == pid, t.c.done_state.is_(None)).limit(1)
    ).first()
    return missing is None


@dataclass(frozen=True)
class _TaskSource:
    """The counted tasks and their status as of the date, whichever their source: the task
    table itself (as of today, by its derived columns and indexes) or a snapshot of the replay.

    `rel` has the columns id, code, kind, title, lead_org_id, position, counts_toward_id;
    `where` selects the counted tasks from it (`counted`: the same without the program);
    `deadline`, `due` and `status` are expressions; `state` is what to group by (the done
    state, or the status); `is_` a status as a condition that an index can serve.
    """

    rel: Any
    where: tuple[Any, ...]
    counted: tuple[Any, ...]
    deadline: Any
    due: Any
    status: Any
    state: Any
    indexed: bool
    as_of: date | None = None

    @classmethod
    def of_task_table(cls, pid: int, as_of: date, org_id: int | None) -> _TaskSource:
        t = table(Task)
        counted = [t.c.active, sa.or_(t.c.assigned_on.is_(None), t.c.assigned_on <= as_of)]
        if org_id is not None:
            counted.append(_involving(t, org_id))
        status = sa.case(
            (t.c.done_state != OPEN, t.c.done_state),
            (t.c.deadline >= sa.literal(as_of, sa.Date), Status.IN_PROGRESS.value),
            else_=Status.OVERDUE.value,
        )
        return cls(
            rel=t,
            where=(t.c.program_id == pid, *counted),
            counted=tuple(counted),
            deadline=t.c.deadline,
            due=sa.func.coalesce(t.c.due, t.c.deadline),
            status=status,
            state=t.c.done_state,
            indexed=True,
            as_of=as_of,
        )

    @classmethod
    def of_snapshot(cls, snapshot: sa.Table) -> _TaskSource:
        c = snapshot.c
        return cls(snapshot, (), (), c.deadline, c.due, c.status, c.status, indexed=False)

    def is_(self, status: Status) -> Any:
        if self.as_of is None:
            return self.status == status.value
        t = self.rel
        if status.done:
            return t.c.done_state == status.value
        today = sa.literal(self.as_of, sa.Date)
        if status is Status.IN_PROGRESS:
            return sa.and_(t.c.done_state == OPEN, t.c.deadline >= today)
        return sa.and_(t.c.done_state == OPEN, t.c.deadline < today)


def _status(
    conn: sa.Connection,
    program: Program,
    as_of: date,
    org_code: str | None,
    org_id: int | None,
    limit: int | None,
    orgs: Sequence[Any],
    indicators: Mapping[int, Any],
    src: _TaskSource,
    values: Any,
    tot: _Totals,
) -> ProgramStatus:
    """The figures of `program_status` from its sources: tasks with their status (`src`), each
    organization's latest values (`values`) and the totals per task and indicator (`tot`)."""
    tk, where = src.rel, src.where
    org_code_of = {r.id: r.code for r in orgs}
    horizon = sa.literal(as_of + timedelta(days=UPCOMING_DAYS), sa.Date)
    soon = sa.and_(src.is_(Status.IN_PROGRESS), src.due <= horizon)

    # Counts per kind, lead and state in one pass; open tasks split by their deadline.
    kind_counts: dict[str, Counter4] = {k: Counter4() for k in KINDS}
    org_counts: dict[int, Counter4] = defaultdict(Counter4)
    org_overdue_count: dict[int, int] = defaultdict(int)
    upcoming_count = 0
    group = (tk.c.kind, tk.c.lead_org_id, src.state)
    for kind, lead, state, n, n_overdue, n_soon in conn.execute(
        sa.select(
            *group,
            sa.func.count(),
            sa.func.sum(sa.case((src.is_(Status.OVERDUE), 1), else_=0)),
            sa.func.sum(sa.case((soon, 1), else_=0)),
        )
        .where(*where)
        .group_by(*group)
    ):
        n, n_overdue = int(n), int(n_overdue)
        counter = kind_counts.setdefault(kind, Counter4())
        split = (
            [(Status(state), n)]
            if state in _DONE
            else [(Status.OVERDUE, n_overdue), (Status.IN_PROGRESS, n - n_overdue)]
        )
        for status, count in split:
            counter.add(status, count)
            if kind == "registered":
                org_counts[lead].add(status, count)
        org_overdue_count[lead] += n_overdue
        upcoming_count += int(n_soon)

    # Codes by status in plan order (all, or the first `limit` of each kind and status).
    statuses: dict[str, Status] = {}
    task_kinds: dict[str, str] = {}
    for code, kind, status in _codes_by_status(conn, src, limit, kind_counts):
        statuses[code] = status
        task_kinds[code] = kind
    org_overdue: dict[int, list[str]] = defaultdict(list)
    for lead, code in conn.execute(_overdue_by_lead(src, limit)):
        org_overdue[lead].append(code)

    line_columns = (
        tk.c.code, tk.c.kind, tk.c.title, tk.c.lead_org_id, src.deadline.label("deadline"),
        src.due.label("due"), src.status.label("status"),
    )  # fmt: skip
    overdue = [
        _line(r, as_of, org_code_of)
        for r in conn.execute(
            sa.select(*line_columns)
            .where(*where, src.is_(Status.OVERDUE))
            .order_by(src.deadline, tk.c.position, tk.c.id)
            .limit(limit)
        )
    ]
    upcoming = [
        _line(r, as_of, org_code_of)
        for r in conn.execute(
            sa.select(*line_columns).where(*where, soon).order_by(src.due, tk.c.code).limit(limit)
        )
    ]

    contributions = _common_contributions(conn, program.id, values)
    organizations = [
        OrgSummary(
            code=r.code,
            name=r.name,
            registered_total=org_counts[r.id].total,
            registered_on_time=org_counts[r.id].on_time,
            registered_late=org_counts[r.id].late,
            registered_in_progress=org_counts[r.id].in_progress,
            registered_overdue=org_counts[r.id].overdue,
            overdue_count=org_overdue_count[r.id],
            overdue_tasks=tuple(org_overdue[r.id]),
            common_contributions=contributions.get(r.id, 0),
        )
        for r in orgs
        if r.active and (org_id is None or r.id == org_id)
    ]

    # Indicator totals per task: the first tasks (in plan order) that have figures, with the
    # per-organization breakdown for common tasks (where many organizations contribute) or,
    # in an organization's view, its own figures only.
    shown_columns = (tk.c.id, tk.c.code, tk.c.kind, tk.c.title, tk.c.counts_toward_id)
    if src.indexed:
        # Tasks in plan order (ix_task_position), each with one index seek for its totals.
        has_totals = sa.exists(
            sa.select(tot.task_id).select_from(tot.rel).where(*tot.where, tot.task_id == tk.c.id)
        )
        first_shown: Any = sa.select(*shown_columns).where(*where, has_totals)
        task_totals_count = _count_with_totals(conn, src, tot, has_totals)
    else:
        with_totals = sa.select(tot.task_id).where(*tot.scan).distinct().subquery()
        joined = tk.join(with_totals, with_totals.c.task_id == tk.c.id)
        task_totals_count = conn.execute(
            sa.select(sa.func.count()).select_from(joined)
        ).scalar_one()
        first_shown = sa.select(*shown_columns).select_from(joined)
    shown = conn.execute(first_shown.order_by(tk.c.position, tk.c.id).limit(limit)).all()
    shown_ids = [r.id for r in shown]
    per_task: dict[int, list[Any]] = defaultdict(list)
    for chunk in in_chunks(shown_ids, 5000):
        for r in conn.execute(
            sa.select(*tot.columns())
            .where(*tot.where, tot.task_id.in_(chunk))
            .order_by(tot.indicator_id)
        ):
            per_task[r.task_id].append(r)
    breakdown_ids = {r.id for r in shown if r.kind == "common"} if org_id is None else set()
    by_org = _breakdown(conn, values, breakdown_ids, orgs)
    targets = _targets(conn, shown_ids)
    toward_code = _codes_of(conn, {r.counts_toward_id for r in shown if r.counts_toward_id})
    task_totals = [
        TaskTotals(
            task=r.code,
            kind=r.kind,
            title=r.title,
            counts_toward=toward_code.get(r.counts_toward_id) if r.counts_toward_id else None,
            indicators=tuple(
                IndicatorTotal(
                    indicator=indicators[v.indicator_id].code,
                    unit=indicators[v.indicator_id].unit,
                    total=Amount(from_milli(v.total_milli), _qualifier(v)),
                    target=_maybe(targets.get((r.id, v.indicator_id))),
                    by_org=tuple(by_org.get((r.id, v.indicator_id), ())),
                )
                for v in per_task[r.id]
            ),
        )
        for r in shown
    ]

    # Program totals: tasks that count toward another are not added again.
    program_sums = _program_sums(conn, src, tot)
    program_totals = [
        IndicatorTotal(
            indicator=ind.code,
            unit=ind.unit,
            total=Amount(
                from_milli(int(sums[0])),
                qualifier_from_counts(approx=int(sums[1]), lower_bound=int(sums[2])),
            ),
            target=None,
        )
        for ind_id, ind in indicators.items()
        if (sums := program_sums.get(ind_id)) is not None
    ]

    return ProgramStatus(
        program=program.code,
        title=program.title,
        timezone=program.timezone,
        as_of=as_of,
        org=org_code,
        kinds={k: c.summary(k) for k, c in kind_counts.items()},
        organizations=organizations,
        overdue=overdue,
        upcoming=upcoming,
        task_totals=task_totals,
        program_totals=program_totals,
        overdue_count=sum(c.overdue for c in kind_counts.values()),
        upcoming_count=upcoming_count,
        task_totals_count=task_totals_count,
        statuses=statuses,
        task_kinds=task_kinds,
    )


_DONE = frozenset({Status.DONE_ON_TIME.value, Status.DONE_LATE.value})


def _overdue_by_lead(src: _TaskSource, limit: int | None) -> Any:
    """(lead, code) of the overdue tasks, in plan order per lead: all, or each lead's first
    `limit`. From the task table, the ranking reads ix_task_lead_open in order, and only the
    codes kept are fetched."""
    tk, where = src.rel, (*src.where, src.is_(Status.OVERDUE))
    order = (tk.c.position, tk.c.id)
    if limit is None or not src.indexed:
        return _first(tk, limit, (tk.c.lead_org_id,), order, tk.c.lead_org_id, tk.c.code,
                      where=sa.and_(*where))  # fmt: skip
    rn = sa.func.row_number().over(partition_by=tk.c.lead_org_id, order_by=order)
    ranked = sa.select(tk.c.id, rn.label("rn")).where(*where).subquery("ranked")
    return (
        sa.select(tk.c.lead_org_id, tk.c.code)
        .join(ranked, ranked.c.id == tk.c.id)
        .where(ranked.c.rn <= limit)
        .order_by(tk.c.lead_org_id, *order)
    )


def _count_with_totals(
    conn: sa.Connection, src: _TaskSource, tot: _Totals, has_totals: Any
) -> int:
    """How many counted tasks have totals. For the whole program: the tasks with totals
    (ix_tasktotal_tasks) less those of them not counted (inactive, assigned later), which
    are few; otherwise one seek per task."""
    tk = src.rel
    if tot.program is None:
        query = sa.select(sa.func.count()).select_from(tk).where(*src.where, has_totals)
        return int(conn.execute(query).scalar_one())
    per_task = (
        sa.select(tot.task_id).where(tot.program, *tot.where).group_by(tot.task_id).subquery()
    )
    with_totals = conn.execute(sa.select(sa.func.count()).select_from(per_task)).scalar_one()
    not_counted = conn.execute(
        sa.select(sa.func.count())
        .select_from(tk)
        .where(src.where[0], sa.not_(sa.and_(*src.counted)), has_totals)
    ).scalar_one()
    return int(with_totals) - int(not_counted)


def _program_sums(
    conn: sa.Connection, src: _TaskSource, tot: _Totals
) -> dict[int, tuple[int, int, int]]:
    """Per indicator: the sum of the totals of the counted tasks that do not count toward
    another, and of their approximate and lower-bound parts. For the whole program: all of
    its totals (read in order from ix_tasktotal_sums) less those of the other tasks."""
    tk = src.rel
    sums = (
        tot.indicator_id,
        sa.func.sum(tot.total_milli),
        sa.func.sum(tot.approx),
        sa.func.sum(tot.lower),
        sa.func.count(),
    )
    counted = (*src.where, tk.c.counts_toward_id.is_(None))
    joined = tk.join(tot.rel, tot.task_id == tk.c.id)
    if tot.program is None or not src.indexed:
        query = sa.select(*sums).select_from(joined).where(*counted, *tot.where)
        return {
            ind: (int(milli), int(approx), int(lower))
            for ind, milli, approx, lower, _ in conn.execute(query.group_by(tot.indicator_id))
        }
    result: dict[int, list[int]] = {
        ind: [int(v) for v in rest]
        for ind, *rest in conn.execute(
            sa.select(*sums).where(tot.program, *tot.where).group_by(tot.indicator_id)
        )
    }
    not_counted = sa.not_(sa.and_(*src.counted, tk.c.counts_toward_id.is_(None)))
    for ind, *rest in conn.execute(
        sa.select(*sums)
        .select_from(joined)
        .where(src.where[0], not_counted, *tot.where)
        .group_by(tot.indicator_id)
    ):
        result[ind] = [a - int(b) for a, b in zip(result[ind], rest, strict=True)]
    return {ind: (v[0], v[1], v[2]) for ind, v in result.items() if v[3] > 0}


def _codes_by_status(
    conn: sa.Connection, src: _TaskSource, limit: int | None, counts: Mapping[str, Counter4]
) -> list[tuple[str, str, Status]]:
    """(code, kind, status) of the tasks in plan order: all, or the first `limit` of each kind
    and status (from the task table: one index range per kind and status that has any)."""
    tk, where = src.rel, src.where
    order = (tk.c.position, tk.c.id)
    if limit is None or not src.indexed:
        query = _first(tk, limit, (tk.c.kind, src.status), order, tk.c.code, tk.c.kind,
                       src.status.label("status"), where=sa.and_(sa.true(), *where))  # fmt: skip
        return [(code, kind, Status(status)) for code, kind, status in conn.execute(query)]
    rows: list[tuple[int, int, str, str, Status]] = []
    for kind, counter in counts.items():
        for status in Status:
            if not counter.of(status):
                continue
            # Open tasks are read in plan order (ix_task_state) and their deadline compared on
            # the way, not looked up by deadline (ix_task_open) and sorted.
            which = (
                src.is_(status)
                if status.done
                else sa.and_(tk.c.done_state == OPEN, src.status == status.value)
            )
            query = (
                sa.select(*order, tk.c.code)
                .where(*where, tk.c.kind == kind, which)
                .order_by(*order)
                .limit(limit)
            )
            rows += [(pos, tid, code, kind, status) for pos, tid, code in conn.execute(query)]
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(code, kind, status) for _, _, code, kind, status in rows]


class Counter4:
    """Counts of the four statuses."""

    __slots__ = ("in_progress", "late", "on_time", "overdue")

    def __init__(self) -> None:
        self.on_time = self.late = self.in_progress = self.overdue = 0

    def add(self, status: Status, n: int = 1) -> None:
        if status is Status.DONE_ON_TIME:
            self.on_time += n
        elif status is Status.DONE_LATE:
            self.late += n
        elif status is Status.IN_PROGRESS:
            self.in_progress += n
        else:
            self.overdue += n

    def of(self, status: Status) -> int:
        if status is Status.DONE_ON_TIME:
            return self.on_time
        if status is Status.DONE_LATE:
            return self.late
        return self.in_progress if status is Status.IN_PROGRESS else self.overdue

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.in_progress + self.overdue

    def summary(self, kind: str) -> KindSummary:
        return KindSummary(
            kind, self.total, self.on_time, self.late, self.in_progress, self.overdue
        )


def _tasks(
    program: Program, as_of: date, current: bool, org_id: int | None, *, derived: bool
) -> sa.Select[Any]:
    """The program's tasks counted as of `as_of`, each with its judging deadline, its deadline
    after the extensions approved by then and its status.

    With the derived columns (`derived`), a task whose latest closing report is dated up to
    `as_of` (or that has none) has its stored done state; only the others look up their
    closing report as of then. Without them everything is computed from the plan and history.
    """
    t, p = table(Task), table(Period)
    source: Any = t
    if derived:
        deadline: Any = t.c.deadline
    else:
        deadline = sa.func.coalesce(t.c.original_due, p.c.end, sa.literal(program.end, sa.Date))
        source = t.outerjoin(p, p.c.id == t.c.period_id)
    open_status = sa.case(
        (sa.literal(as_of, sa.Date) <= deadline, Status.IN_PROGRESS.value),
        else_=Status.OVERDUE.value,
    )
    if current:
        due = sa.func.coalesce(t.c.due, deadline)
    else:
        due = sa.func.coalesce(_extended_due(t, as_of), t.c.original_due, deadline)
    if derived:
        unchanged = sa.or_(t.c.done_effective_on.is_(None), t.c.done_effective_on <= as_of)
        state = sa.case((unchanged, t.c.done_state), else_=_closing_state(t, as_of, deadline))
        status: Any = sa.func.coalesce(sa.func.nullif(state, OPEN), open_status)
    elif current:
        status = classify_sql(deadline=deadline, done_on=t.c.done_on, as_of=as_of)
    else:
        status = sa.func.coalesce(_closing_state(t, as_of, deadline), open_status)
    query = (
        sa.select(
            t.c.id,
            t.c.code,
            t.c.kind,
            t.c.title,
            t.c.lead_org_id,
            t.c.position,
            t.c.counts_toward_id,
            sa.type_coerce(deadline, sa.Date).label("deadline"),
            sa.type_coerce(due, sa.Date).label("due"),
            sa.type_coerce(status, sa.String).label("status"),
        )
        .select_from(source)
        .where(
            t.c.program_id == program.id,
            t.c.active,
            sa.or_(t.c.assigned_on.is_(None), t.c.assigned_on <= as_of),
        )
    )
    if org_id is not None:
        query = query.where(_involving(t, org_id))
    return query


def _first(
    source: Any, limit: int | None, partition: Sequence[Any], order: Sequence[Any],
    *columns: Any, where: Any = None,
) -> Any:  # fmt: skip
    """`columns` of `source` in `order`: all rows, or the first `limit` of each partition."""
    if limit is None:
        query = sa.select(*columns)
        return (query if where is None else query.where(where)).order_by(*order)
    rn = sa.func.row_number().over(partition_by=partition, order_by=order).label("rn")
    inner = sa.select(*columns, *order, rn)
    ranked = (inner if where is None else inner.where(where)).subquery()
    names = [c.name for c in columns]
    return (
        sa.select(*(ranked.c[n] for n in names))
        .where(ranked.c.rn <= limit)
        .order_by(*(ranked.c[c.name] for c in order))
    )


def _line(r: Any, as_of: date, org_code_of: Mapping[int, str]) -> TaskLine:
    return TaskLine(
        code=r.code,
        kind=r.kind,
        title=r.title,
        lead=org_code_of[r.lead_org_id],
        deadline=r.deadline,
        due=r.due,
        status=Status(r.status),
        days_late=days_late(deadline=r.deadline, as_of=as_of),
        days_left=max(0, (r.due - as_of).days),
    )


def _involving(t: Any, org_id: int) -> Any:
    tp = table(TaskPartner)
    return sa.or_(
        t.c.lead_org_id == org_id,
        t.c.partners_all,
        t.c.id.in_(sa.select(tp.c.task_id).where(tp.c.org_id == org_id)),
    )


def _closing_state(t: sa.Table, as_of: date, deadline: Any) -> Any:
    """Each task's done state by its latest closing report up to `as_of` (None when it has
    none or that report reopened it): a correlated lookup, one index seek per task
    (ix_report_task_closing), which both databases do far faster than ranking every closing
    report."""
    rp = table(Report)
    done_state = done_state_sql(done_on=rp.c.completed_on, deadline=deadline)
    return (
        sa.select(sa.case((rp.c.done == sa.true(), done_state), else_=None))
        .where(rp.c.task_id == t.c.id, rp.c.closes, rp.c.effective_on <= as_of)
        .order_by(rp.c.effective_on.desc(), rp.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _extended_due(t: sa.Table, as_of: date) -> Any:
    """Each task's deadline after the latest extension approved by `as_of`, if any."""
    ext = table(Extension)
    return (
        sa.select(ext.c.new_due)
        .where(ext.c.task_id == t.c.id, ext.c.status == "approved", ext.c.decided_on <= as_of)
        .order_by(ext.c.decided_on.desc(), ext.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _latest_values(pid: int, as_of: date) -> Any:
    """The latest value per (task, organization, indicator) effective up to `as_of`.

    A current value dated up to `as_of` is that value; only the keys whose current value is
    later look up their latest value as of then (one backwards seek on ix_report_value_latest
    each), instead of ranking the whole history.
    """
    cv, rv = table(CurrentValue), table(ReportValue)
    columns = (cv.c.task_id, cv.c.org_id, cv.c.indicator_id)
    unchanged = sa.select(*columns, cv.c.value_milli, cv.c.qualifier).where(
        cv.c.program_id == pid, cv.c.effective_on <= as_of
    )
    latest_id = (
        sa.select(rv.c.id)
        .where(
            rv.c.program_id == pid,
            rv.c.task_id == cv.c.task_id,
            rv.c.org_id == cv.c.org_id,
            rv.c.indicator_id == cv.c.indicator_id,
            rv.c.effective_on <= as_of,
        )
        .order_by(rv.c.effective_on.desc(), rv.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    changed = (
        sa.select(*columns, latest_id.label("value_id"))
        .where(cv.c.program_id == pid, cv.c.effective_on > as_of)
        .subquery("changed")
    )
    earlier = sa.select(
        changed.c.task_id,
        changed.c.org_id,
        changed.c.indicator_id,
        rv.c.value_milli,
        rv.c.qualifier,
    ).join(rv, rv.c.id == changed.c.value_id)
    return sa.union_all(unchanged, earlier)


@contextmanager
def _snapshot(conn: sa.Connection, query: sa.Select[Any]) -> Iterator[sa.Table]:
    """The rows of `query` as a temporary table, dropped afterwards (and with the transaction,
    should it roll back first)."""
    columns = [
        sa.Column(c.name, sa.String() if isinstance(c.type, sa.types.NullType) else c.type)
        for c in query.selected_columns
    ]
    name = f"phoihop_snapshot_{uuid.uuid4().hex[:12]}"
    snapshot = sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"])
    snapshot.create(conn)
    conn.execute(sa.insert(snapshot).from_select([c.name for c in columns], query))
    try:
        yield snapshot
    finally:
        snapshot.drop(conn)


@dataclass(frozen=True)
class _Totals:
    """Per task and indicator: the total, and how many of its parts are approximate (gần) or
    lower bounds (trên, hơn); `where` selects them from `rel`."""

    rel: Any
    where: tuple[Any, ...]
    task_id: Any
    indicator_id: Any
    total_milli: Any
    approx: Any
    lower: Any
    # The condition reading a whole program's totals by index, when they can be.
    program: Any = None

    @classmethod
    def of(cls, rel: Any, *where: Any) -> _Totals:
        c = rel.c
        return cls(rel, where, c.task_id, c.indicator_id, c.total_milli, c.approx, c.lower)

    @property
    def scan(self) -> tuple[Any, ...]:
        """The conditions for reading them all."""
        return self.where if self.program is None else (self.program, *self.where)

    def columns(self) -> tuple[Any, ...]:
        return (
            self.task_id.label("task_id"),
            self.indicator_id.label("indicator_id"),
            self.total_milli.label("total_milli"),
            self.approx.label("approx"),
            self.lower.label("lower"),
        )


def _current_totals(pid: int, org_id: int | None) -> _Totals:
    """The totals as of today: the derived task totals, or in an organization's view its own
    current values. Always read by task (the program's tasks select them)."""
    if org_id is None:
        tt = table(TaskTotal)
        return _Totals(
            tt, (tt.c.contributors > 0,), tt.c.task_id, tt.c.indicator_id, tt.c.total_milli,
            tt.c.approx_count, tt.c.lower_bound_count, program=tt.c.program_id == pid,
        )  # fmt: skip
    cv = table(CurrentValue)
    return _Totals(
        cv, (cv.c.org_id == org_id,), cv.c.task_id, cv.c.indicator_id, cv.c.value_milli,
        _approx_case(cv), _lower_case(cv),
    )  # fmt: skip


def _approx_case(values: Any) -> Any:
    return sa.case((values.c.qualifier == "approx", 1), else_=0)


def _lower_case(values: Any) -> Any:
    return sa.case((values.c.qualifier.in_(("over", "more_than")), 1), else_=0)


def _totals_of(values: Any, org_id: int | None) -> sa.Select[Any]:
    """`_Totals` of replayed values (in an organization's view, that organization's)."""
    if org_id is not None:
        return sa.select(
            values.c.task_id,
            values.c.indicator_id,
            values.c.value_milli.label("total_milli"),
            _approx_case(values).label("approx"),
            _lower_case(values).label("lower"),
        ).where(values.c.org_id == org_id)
    return sa.select(
        values.c.task_id,
        values.c.indicator_id,
        sa.func.sum(values.c.value_milli).label("total_milli"),
        sa.func.sum(_approx_case(values)).label("approx"),
        sa.func.sum(_lower_case(values)).label("lower"),
    ).group_by(values.c.task_id, values.c.indicator_id)


def _qualifier(row: Any) -> str | None:
    return qualifier_from_counts(approx=int(row.approx), lower_bound=int(row.lower))


def _maybe(milli: int | None) -> Decimal | None:
    return None if milli is None else from_milli(milli)


def _breakdown(
    conn: sa.Connection,
    values: Any,
    task_ids: set[int],
    orgs: Sequence[Any],
) -> dict[tuple[int, int], list[tuple[str, Amount]]]:
    """Each organization's part of each (task, indicator) total, in plan order of organizations."""
    if not task_ids:
        return {}
    position = {r.id: n for n, r in enumerate(orgs)}
    code = {r.id: r.code for r in orgs}
    rows: list[Any] = []
    for chunk in in_chunks(sorted(task_ids), 5000):
        rows += conn.execute(
            sa.select(
                values.c.task_id, values.c.indicator_id, values.c.org_id, values.c.value_milli,
                values.c.qualifier,
            ).where(values.c.task_id.in_(chunk))
        ).all()  # fmt: skip
    rows.sort(key=lambda r: position.get(r.org_id, 0))
    result: dict[tuple[int, int], list[tuple[str, Amount]]] = defaultdict(list)
    for r in rows:
        result[(r.task_id, r.indicator_id)].append(
            (code[r.org_id], Amount(from_milli(r.value_milli), r.qualifier))
        )
    return result


def _targets(conn: sa.Connection, task_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    tt = table(TaskTarget)
    result: dict[tuple[int, int], int] = {}
    for chunk in in_chunks(task_ids, 5000):
        for a, b, v in conn.execute(
            sa.select(tt.c.task_id, tt.c.indicator_id, tt.c.value_milli).where(
                tt.c.task_id.in_(chunk)
            )
        ):
            result[(a, b)] = v
    return result


def _codes_of(conn: sa.Connection, task_ids: set[int]) -> dict[int, str]:
    if not task_ids:
        return {}
    t = table(Task)
    return {
        r.id: r.code
        for r in conn.execute(sa.select(t.c.id, t.c.code).where(t.c.id.in_(sorted(task_ids))))
    }


def _common_contributions(conn: sa.Connection, pid: int | None, values: Any) -> dict[int, int]:
    """Per organization: how many common tasks it has reported figures on."""
    t = table(Task)
    is_common = (t.c.program_id == pid, t.c.kind == "common", t.c.active)
    if values is table(CurrentValue) and conn.dialect.name == "postgresql":
        # Each common task's organizations read from the primary key, then counted:
        # PostgreSQL would otherwise hash-join every current value of the program.
        orgs = sa.select(values.c.org_id).where(values.c.task_id == t.c.id).distinct()
        lateral = orgs.lateral("orgs")
        query = (
            sa.select(lateral.c.org_id, sa.func.count())
            .select_from(t.join(lateral, sa.true()))
            .where(*is_common)
            .group_by(lateral.c.org_id)
        )
    else:
        query = (
            sa.select(values.c.org_id, sa.func.count(sa.distinct(values.c.task_id)))
            .where(values.c.task_id.in_(sa.select(t.c.id).where(*is_common)))
            .group_by(values.c.org_id)
        )
    return {org_id: int(n) for org_id, n in conn.execute(query)}


def program_start(session: Session, program_code: str) -> Program:
    """The program (for callers that need its dates and zone before asking for status)."""
    return get_program(session, program_code)
