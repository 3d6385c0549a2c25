"""The read side: a program's status as of any date, as plain dataclasses.

As of a date on or after the program's latest report (the usual "today"), the derived tables
answer directly. For an earlier date the history is replayed in SQL: the latest closing report
and the latest value per (task, organization, indicator) with an effective date up to it.
Both paths feed the same pure rules (`storage.rules`), and the tests hold them equal.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

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

    The database does the counting: every task's status is one SQL expression (`classify_sql`)
    and the figures are GROUP BYs over it, so a program of 100,000 tasks costs a few queries,
    not 100,000 Python objects.
    """
    program = get_program(session, program_code)
    assert program.id is not None
    conn = session.connection()
    pid = program.id
    current = program.last_effective_on is None or as_of >= program.last_effective_on
    o, i = table(Organization), table(Indicator)

    orgs = conn.execute(
        sa.select(o.c.id, o.c.code, o.c.name, o.c.active)
        .where(o.c.program_id == pid)
        .order_by(o.c.position, o.c.id)
    ).all()
    org_id: int | None = None
    if org_code is not None:
        match = [r.id for r in orgs if r.code == org_code and r.active]
        if not match:
            raise OperationError("unknown_org", org=org_code)
        org_id = match[0]
    indicators = {
        r.id: r
        for r in conn.execute(
            sa.select(i.c.id, i.c.code, i.c.unit)
            .where(i.c.program_id == pid)
            .order_by(i.c.position, i.c.id)
        )
    }

    with ExitStack() as stack:
        # As of today the derived tables answer each question directly. As of a past date the
        # history is replayed, once: the tasks' statuses, the latest values and their totals
        # become temporary tables that the questions below share.
        tasks = _tasks(program, as_of, current, org_id)
        tk = tasks.cte("tk") if current else stack.enter_context(_snapshot(conn, tasks))
        if current:
            cv = table(CurrentValue)
            values: Any = sa.select(cv).where(cv.c.program_id == pid).subquery("latest")
        else:
            values = stack.enter_context(_snapshot(conn, _latest_values(pid, as_of)))
        totals = _totals_source(values, pid, current, org_id)
        tot = totals.subquery("tot") if current else stack.enter_context(_snapshot(conn, totals))
        return _status(
            conn, program, as_of, org_code, org_id, limit, orgs, indicators, tk, values, tot
        )
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack does not swallow


def _status(
    conn: sa.Connection,
    program: Program,
    as_of: date,
    org_code: str | None,
    org_id: int | None,
    limit: int | None,
    orgs: Sequence[Any],
    indicators: Mapping[int, Any],
    tk: Any,
    values: Any,
    tot: Any,
) -> ProgramStatus:
    """The figures of `program_status` from its sources: tasks with their status (`tk`), each
    organization's latest values (`values`) and the totals per task and indicator (`tot`)."""
    org_code_of = {r.id: r.code for r in orgs}
    horizon = sa.literal(as_of + timedelta(days=UPCOMING_DAYS), sa.Date)
    soon = sa.and_(tk.c.status == Status.IN_PROGRESS.value, tk.c.due <= horizon)

    # Counts per kind, lead and status in one pass.
    kind_counts: dict[str, Counter4] = {k: Counter4() for k in KINDS}
    org_counts: dict[int, Counter4] = defaultdict(Counter4)
    org_overdue_count: dict[int, int] = defaultdict(int)
    upcoming_count = 0
    for kind, lead, status_text, is_soon, n in conn.execute(
        sa.select(tk.c.kind, tk.c.lead_org_id, tk.c.status, soon, sa.func.count()).group_by(
            tk.c.kind, tk.c.lead_org_id, tk.c.status, soon
        )
    ):
        status = Status(status_text)
        kind_counts.setdefault(kind, Counter4()).add(status, n)
        if kind == "registered":
            org_counts[lead].add(status, n)
        if status is Status.OVERDUE:
            org_overdue_count[lead] += n
        if is_soon:
            upcoming_count += n

    # Codes by status in plan order (all, or the first `limit` of each kind and status).
    statuses: dict[str, Status] = {}
    task_kinds: dict[str, str] = {}
    for code, kind, status_text in conn.execute(
        _first(tk, limit, (tk.c.kind, tk.c.status), (tk.c.position, tk.c.id), tk.c.code,
               tk.c.kind, tk.c.status)
    ):  # fmt: skip
        statuses[code] = Status(status_text)
        task_kinds[code] = kind
    org_overdue: dict[int, list[str]] = defaultdict(list)
    for lead, code in conn.execute(
        _first(tk, limit, (tk.c.lead_org_id,), (tk.c.position, tk.c.id), tk.c.lead_org_id,
               tk.c.code, where=tk.c.status == Status.OVERDUE.value)
    ):  # fmt: skip
        org_overdue[lead].append(code)

    line_columns = (
        tk.c.code, tk.c.kind, tk.c.title, tk.c.lead_org_id, tk.c.deadline, tk.c.due, tk.c.status
    )  # fmt: skip
    overdue = [
        _line(r, as_of, org_code_of)
        for r in conn.execute(
            sa.select(*line_columns)
            .where(tk.c.status == Status.OVERDUE.value)
            .order_by(tk.c.deadline, tk.c.position, tk.c.id)
            .limit(limit)
        )
    ]
    upcoming = [
        _line(r, as_of, org_code_of)
        for r in conn.execute(
            sa.select(*line_columns).where(soon).order_by(tk.c.due, tk.c.code).limit(limit)
        )
    ]

    contributions = _common_contributions(conn, values)
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
    with_totals = sa.select(tot.c.task_id).distinct().subquery()
    task_totals_count = conn.execute(
        sa.select(sa.func.count()).select_from(
            tk.join(with_totals, with_totals.c.task_id == tk.c.id)
        )
    ).scalar_one()
    shown = conn.execute(
        sa.select(tk.c.id, tk.c.code, tk.c.kind, tk.c.title, tk.c.counts_toward_id)
        .join(with_totals, with_totals.c.task_id == tk.c.id)
        .order_by(tk.c.position, tk.c.id)
        .limit(limit)
    ).all()
    shown_ids = [r.id for r in shown]
    per_task: dict[int, list[Any]] = defaultdict(list)
    for chunk in _chunks(shown_ids):
        for r in conn.execute(
            sa.select(tot).where(tot.c.task_id.in_(chunk)).order_by(tot.c.indicator_id)
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
    program_sums = {
        ind_id: (milli, approx, lower)
        for ind_id, milli, approx, lower in conn.execute(
            sa.select(
                tot.c.indicator_id,
                sa.func.sum(tot.c.total_milli),
                sa.func.sum(tot.c.approx),
                sa.func.sum(tot.c.lower),
            )
            .join(tk, tk.c.id == tot.c.task_id)
            .where(tk.c.counts_toward_id.is_(None))
            .group_by(tot.c.indicator_id)
        )
    }
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

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.in_progress + self.overdue

    def summary(self, kind: str) -> KindSummary:
        return KindSummary(
            kind, self.total, self.on_time, self.late, self.in_progress, self.overdue
        )


def _tasks(program: Program, as_of: date, current: bool, org_id: int | None) -> sa.Select[Any]:
    """The program's tasks counted as of `as_of`, each with its judging deadline, its deadline
    after the extensions approved by then, its completion date as of then and its status."""
    t, p = table(Task), table(Period)
    deadline = sa.func.coalesce(t.c.original_due, p.c.end, sa.literal(program.end, sa.Date))
    source = t.outerjoin(p, p.c.id == t.c.period_id)
    if current:
        done_on: Any = t.c.done_on
        due = sa.func.coalesce(t.c.due, deadline)
    else:
        done_on = sa.type_coerce(_closing_done_on(t, as_of), sa.Date)
        due = sa.func.coalesce(_extended_due(t, as_of), t.c.original_due, deadline)
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
            classify_sql(deadline=deadline, done_on=done_on, as_of=as_of).label("status"),
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


def _closing_done_on(t: sa.Table, as_of: date) -> Any:
    """Each task's completion date by its latest closing report up to `as_of` (None when that
    report reopened it): a correlated lookup, one index seek per task (ix_report_task_closing),
    which both databases do far faster than ranking every closing report."""
    rp = table(Report)
    return (
        sa.select(sa.case((rp.c.done == sa.true(), rp.c.completed_on), else_=None))
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
    """The latest value per (task, organization, indicator) effective up to `as_of`."""
    rv = table(ReportValue)
    ranked = (
        sa.select(
            rv.c.task_id,
            rv.c.org_id,
            rv.c.indicator_id,
            rv.c.value_milli,
            rv.c.qualifier,
            sa.func.row_number()
            .over(
                partition_by=(rv.c.task_id, rv.c.org_id, rv.c.indicator_id),
                order_by=(rv.c.effective_on.desc(), rv.c.id.desc()),
            )
            .label("rn"),
        )
        .where(rv.c.program_id == pid, rv.c.effective_on <= as_of)
        .subquery()
    )
    columns = ("task_id", "org_id", "indicator_id", "value_milli", "qualifier")
    return sa.select(*(ranked.c[n] for n in columns)).where(ranked.c.rn == 1)


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


def _totals_source(values: Any, pid: int, current: bool, org_id: int | None) -> sa.Select[Any]:
    """Per task and indicator: the total, and how many of its parts are approximate (gần) or
    lower bounds (trên, hơn). In an organization's view, that organization's figures."""
    if org_id is None and current:
        tt = table(TaskTotal)
        return sa.select(
            tt.c.task_id,
            tt.c.indicator_id,
            tt.c.total_milli,
            tt.c.approx_count.label("approx"),
            tt.c.lower_bound_count.label("lower"),
        ).where(tt.c.program_id == pid, tt.c.contributors > 0)
    approx_case = sa.case((values.c.qualifier == "approx", 1), else_=0)
    lower_case = sa.case((values.c.qualifier.in_(("over", "more_than")), 1), else_=0)
    if org_id is not None:
        return sa.select(
            values.c.task_id,
            values.c.indicator_id,
            values.c.value_milli.label("total_milli"),
            approx_case.label("approx"),
            lower_case.label("lower"),
        ).where(values.c.org_id == org_id)
    return sa.select(
        values.c.task_id,
        values.c.indicator_id,
        sa.func.sum(values.c.value_milli).label("total_milli"),
        sa.func.sum(approx_case).label("approx"),
        sa.func.sum(lower_case).label("lower"),
    ).group_by(values.c.task_id, values.c.indicator_id)


def _qualifier(row: Any) -> str | None:
    return qualifier_from_counts(approx=int(row.approx), lower_bound=int(row.lower))


def _maybe(milli: int | None) -> Decimal | None:
    return None if milli is None else from_milli(milli)


def _chunks(ids: Sequence[int], size: int = 5000) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


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
    for chunk in _chunks(sorted(task_ids)):
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
    for chunk in _chunks(task_ids):
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


def _common_contributions(conn: sa.Connection, values: Any) -> dict[int, int]:
    """Per organization: how many common tasks it has reported figures on."""
    t = table(Task)
    query = (
        sa.select(values.c.org_id, sa.func.count(sa.distinct(values.c.task_id)))
        .join(t, t.c.id == values.c.task_id)
        .where(t.c.kind == "common", t.c.active)
        .group_by(values.c.org_id)
    )
    return {org_id: int(n) for org_id, n in conn.execute(query)}


def program_start(session: Session, program_code: str) -> Program:
    """The program (for callers that need its dates and zone before asking for status)."""
    return get_program(session, program_code)
