"""The facts of a period's review report (báo cáo sơ kết / tổng kết) beyond the status.

`storage.summaries.program_status` has the counts, the organizations, the overdue list and the
totals; the review document also needs the program's heading data, the period it reviews, the
difficulties officers raised in it, the next period's tasks and, for its appendix, every task
with its lead, partners, deadlines, figures and status. All of it is read with a few set-based
statements (a program may have 100,000 tasks), and each task's status is the very expression
`program_status` counts with, so the appendix and the counts always agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from storage.errors import OperationError
from storage.models import (
    CurrentValue,
    Difficulty,
    Indicator,
    Organization,
    Period,
    Task,
    TaskPartner,
    TaskTarget,
    TaskTotal,
    from_milli,
    table,
)
from storage.plans import get_program
from storage.rules import Status, days_late, qualifier_from_counts
from storage.summaries import (
    Amount,
    _approx_case,
    _derived_state_complete,
    _latest_values,
    _lower_case,
    _tasks,
)

# Words that name the kind of an administrative unit before its name, dropped for the place
# of the date line ("tỉnh Hòa Sơn" -> "Hòa Sơn").
_UNIT_PREFIXES = ("thành phố ", "thị xã ", "thị trấn ", "tỉnh ", "huyện ", "quận ", "xã ",
                  "phường ")  # fmt: skip


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    """A reporting period (kỳ báo cáo)."""

    code: str
    name: str
    start: date
    end: date
    cutoff: date | None
    report_due: date | None
    meeting: date | None


@dataclass(frozen=True, slots=True)
class DifficultyLine:
    """A difficulty or proposal an officer raised (/khokhan), in the order they were raised."""

    org: str
    org_name: str
    raised_on: date
    text: str
    task: str | None = None


@dataclass(frozen=True, slots=True)
class NextTask:
    """A task for the next period: still open with a deadline after the period, or one of the
    next period's focus tasks."""

    code: str
    kind: str
    title: str
    lead: str
    deadline: date | None  # the plan's (None: "thường xuyên")
    due: date  # after extensions, as of the date
    status: Status


class Figure(NamedTuple):
    """A task's target (chỉ tiêu) and result (kết quả) for one indicator as of the date."""

    indicator: str
    unit: str
    target: Decimal | None
    result: Amount | None


class AppendixRow(NamedTuple):
    """One task of the appendix table, in plan order (a named tuple: a program may have
    100,000 of them, and a tuple is made several times faster than a frozen dataclass)."""

    number: int  # STT
    code: str
    kind: str
    title: str
    lead: str
    partners: tuple[str, ...]
    partners_all: bool
    deadline: date | None  # the plan's deadline (None: "thường xuyên")
    judged_by: date  # the deadline the status is judged by
    extended: date | None  # the deadline after approved extensions, when it differs
    figures: tuple[Figure, ...]
    status: Status
    days_late: int


@dataclass(frozen=True)
class ReviewFacts:
    """What the review document needs beyond `ProgramStatus`."""

    program: str
    title: str
    document: str | None
    level: str | None
    area: str | None
    committee_name: str
    document_form: str  # "party" | "state"
    standing_org: str | None
    chair_org: str | None
    as_of: date
    period: PeriodFacts | None
    next_period: PeriodFacts | None
    final: bool  # the period ends with the program: a tổng kết, not a sơ kết
    difficulties: list[DifficultyLine]
    next_tasks: list[NextTask]
    next_tasks_count: int
    appendix: list[AppendixRow]
    org_names: dict[str, str]

    @property
    def place(self) -> str:
        """The place of the date line: the area without its kind ("tỉnh Hòa Sơn" -> "Hòa Sơn")."""
        area = (self.area or "").strip()
        lowered = area.lower()
        for prefix in _UNIT_PREFIXES:
            if lowered.startswith(prefix):
                return area[len(prefix) :].strip()
        return area


def review_facts(
    *,
    session: Session,
    program_code: str,
    period_code: str | None = None,
    as_of: date,
    next_limit: int | None = None,
) -> ReviewFacts:
    """The review's facts as of a date, for the period `period_code` (or the shortest period
    containing `as_of`, else the latest that ended before it). With `next_limit`, the next
    period's tasks are cut to that many (`next_tasks_count` says how many there are)."""
    program = get_program(session, program_code)
    assert program.id is not None
    conn = session.connection()
    pid = program.id
    o = table(Organization)
    orgs = conn.execute(sa.select(o.c.id, o.c.code, o.c.name).where(o.c.program_id == pid)).all()
    code_of = {r.id: r.code for r in orgs}
    name_of = {r.code: r.name for r in orgs}

    periods = _periods(conn, pid)
    period = _period(periods, period_code, as_of)
    next_period = _next_period(periods, period)

    current = program.last_effective_on is None or as_of >= program.last_effective_on
    derived = _derived_state_complete(conn, pid)
    t = table(Task)
    counted = _tasks(program, as_of, current, None, derived=derived)
    c = counted.selected_columns
    rows = conn.execute(
        counted.with_only_columns(
            c.id, c.code, c.kind, c.title, c.lead_org_id, c.deadline, c.due, c.status,
            t.c.original_due, t.c.partners_all, t.c.period_id,
        ).order_by(t.c.position, t.c.id)
    ).all()  # fmt: skip

    partners = _partners(conn, pid, code_of)
    figures = _figures(conn, pid, as_of, current)
    appendix: list[AppendixRow] = []
    next_tasks: list[NextTask] = []
    next_count = 0
    no_partners: tuple[str, ...] = ()
    no_figures: tuple[Figure, ...] = ()
    period_end = None if period is None else period[1].end
    next_id = None if next_period is None else next_period[0]
    overdue = Status.OVERDUE
    # Unpacked and positional: this loop runs once per task (100,000 in a big program).
    for n, r in enumerate(rows, start=1):
        (task_id, code, kind, title, lead_id, deadline, due, state, original_due, partners_all,
         period_id) = r  # fmt: skip
        status = _STATUS[state]
        lead = code_of[lead_id]
        appendix.append(
            AppendixRow(
                n, code, kind, title, lead, partners.get(task_id, no_partners),
                bool(partners_all), original_due, deadline, due if due != deadline else None,
                figures.get(task_id, no_figures), status,
                days_late(deadline=deadline, as_of=as_of) if status is overdue else 0,
            )
        )  # fmt: skip
        if status in _DONE:
            continue
        if (period_end is not None and due > period_end) or (
            kind == "focus" and period_id is not None and period_id == next_id
        ):
            next_count += 1
            if next_limit is None or len(next_tasks) < next_limit:
                next_tasks.append(NextTask(code, kind, title, lead, original_due, due, status))

    return ReviewFacts(
        program=program.code,
        title=program.title,
        document=program.document,
        level=program.level,
        area=program.area,
        committee_name=program.committee_name,
        document_form=program.document_form or "party",
        standing_org=program.standing_org,
        chair_org=program.chair_org,
        as_of=as_of,
        period=None if period is None else period[1],
        next_period=None if next_period is None else next_period[1],
        final=period is not None and period[1].end >= program.end,
        difficulties=_difficulties(conn, pid, period, as_of, code_of, name_of),
        next_tasks=next_tasks,
        next_tasks_count=next_count,
        appendix=appendix,
        org_names=name_of,
    )


_PeriodRow = tuple[int, PeriodFacts]
_STATUS = {s.value: s for s in Status}
_DONE = frozenset({Status.DONE_ON_TIME, Status.DONE_LATE})


def _periods(conn: sa.Connection, pid: int) -> list[_PeriodRow]:
    p = table(Period)
    return [
        (
            r.id,
            PeriodFacts(r.code, r.name, r.start, r.end, r.cutoff, r.report_due, r.meeting),
        )
        for r in conn.execute(
            sa.select(p).where(p.c.program_id == pid, p.c.active).order_by(p.c.position, p.c.id)
        )
    ]


def _period(periods: list[_PeriodRow], code: str | None, as_of: date) -> _PeriodRow | None:
    """The period asked for, else the shortest containing `as_of`, else the latest ended."""
    if code is not None:
        for row in periods:
            if row[1].code.casefold() == code.strip().casefold():
                return row
        raise OperationError("review_unknown_period", period=code)
    containing = [r for r in periods if r[1].start <= as_of <= r[1].end]
    if containing:
        return min(containing, key=lambda r: (r[1].end - r[1].start, r[1].end))
    ended = [r for r in periods if r[1].end < as_of]
    return max(ended, key=lambda r: r[1].end) if ended else None


def _next_period(periods: list[_PeriodRow], period: _PeriodRow | None) -> _PeriodRow | None:
    """The period after `period`: of those ending later, the one ending first."""
    if period is None:
        return None
    later = [r for r in periods if r[1].end > period[1].end]
    return min(later, key=lambda r: (r[1].end, r[1].start)) if later else None


def _partners(
    conn: sa.Connection, pid: int, code_of: dict[int, str]
) -> dict[int, tuple[str, ...]]:
    """Each task's partner organizations' codes, in plan order."""
    tp, t = table(TaskPartner), table(Task)
    result: dict[int, list[str]] = defaultdict(list)
    for task_id, org_id in conn.execute(
        sa.select(tp.c.task_id, tp.c.org_id)
        .join(t, t.c.id == tp.c.task_id)
        .where(t.c.program_id == pid, t.c.active)
        .order_by(tp.c.task_id, tp.c.position, tp.c.org_id)
    ).all():
        result[task_id].append(code_of[org_id])
    return {k: tuple(v) for k, v in result.items()}


def _figures(
    conn: sa.Connection, pid: int, as_of: date, current: bool
) -> dict[int, tuple[Figure, ...]]:
    """Per task: each indicator with a target or a result as of the date, in indicator order."""
    i, tt, t = table(Indicator), table(TaskTarget), table(Task)
    indicators = {
        r.id: (n, r.code, r.unit)
        for n, r in enumerate(
            conn.execute(
                sa.select(i.c.id, i.c.code, i.c.unit)
                .where(i.c.program_id == pid)
                .order_by(i.c.position, i.c.id)
            )
        )
    }
    if current and _derived_state_complete(conn, pid):
        tot = table(TaskTotal)
        totals = sa.select(
            tot.c.task_id, tot.c.indicator_id, tot.c.total_milli,
            tot.c.approx_count.label("approx"), tot.c.lower_bound_count.label("lower"),
        ).where(tot.c.program_id == pid, tot.c.contributors > 0)  # fmt: skip
    else:
        values: Any = (
            table(CurrentValue) if current else _latest_values(pid, as_of).subquery("latest")
        )
        where = (values.c.program_id == pid,) if current else ()
        totals = (
            sa.select(
                values.c.task_id,
                values.c.indicator_id,
                sa.func.sum(values.c.value_milli).label("total_milli"),
                sa.func.sum(_approx_case(values)).label("approx"),
                sa.func.sum(_lower_case(values)).label("lower"),
            )
            .where(*where)
            .group_by(values.c.task_id, values.c.indicator_id)
        )
    # Targets and totals in one stream ordered by task and indicator, so that each task's
    # figures are consecutive rows (a target and a total of one indicator: two rows).
    none = sa.cast(sa.null(), sa.BigInteger)
    targets = (
        sa.select(tt.c.task_id, tt.c.indicator_id, tt.c.value_milli.label("target"),
                  none.label("total"), sa.literal(0).label("approx"), sa.literal(0).label("lower"))
        .join(t, t.c.id == tt.c.task_id)
        .where(t.c.program_id == pid, t.c.active)
    )  # fmt: skip
    results = totals.subquery("totals")
    both = sa.union_all(
        targets,
        sa.select(results.c.task_id, results.c.indicator_id, none.label("target"),
                  results.c.total_milli.label("total"), results.c.approx, results.c.lower),
    ).subquery("figures")  # fmt: skip
    position = {code: n for n, code, _ in indicators.values()}
    figures: dict[int, tuple[Figure, ...]] = {}
    current_task: int | None = None
    lines: list[Figure] = []
    previous: int | None = None
    for task_id, ind, target, total, approx, lower in conn.execute(
        sa.select(both).order_by(both.c.task_id, both.c.indicator_id)
    ).all():
        if task_id != current_task:
            if lines:
                figures[current_task] = _in_order(lines, position)  # type: ignore[index]
            current_task, lines, previous = task_id, [], None
        result = None
        if total is not None:
            qualifier = (
                qualifier_from_counts(approx=int(approx), lower_bound=int(lower))
                if approx or lower
                else None
            )
            result = Amount(_value(int(total)), qualifier)
        code, unit = indicators[ind][1], indicators[ind][2]
        if ind == previous:  # the second row of an indicator: merge it into the first
            first = lines[-1]
            lines[-1] = Figure(
                code,
                unit,
                _maybe(target) if first.target is None else first.target,
                result if first.result is None else first.result,
            )
        else:
            lines.append(Figure(code, unit, _maybe(target), result))
        previous = ind
    if lines:
        figures[current_task] = _in_order(lines, position)  # type: ignore[index]
    return figures


def _in_order(lines: list[Figure], position: dict[str, int]) -> tuple[Figure, ...]:
    """A task's figures in the plan's order of indicators."""
    if len(lines) == 1:
        return (lines[0],)
    return tuple(sorted(lines, key=lambda f: position[f.indicator]))


def _maybe(milli: int | None) -> Decimal | None:
    return None if milli is None else _value(int(milli))


def _value(milli: int) -> Decimal:
    """`from_milli`, quicker for whole numbers (most figures)."""
    whole, rest = divmod(milli, 1000)
    return Decimal(whole) if rest == 0 else from_milli(milli)


def _difficulties(
    conn: sa.Connection,
    pid: int,
    period: _PeriodRow | None,
    as_of: date,
    code_of: dict[int, str],
    name_of: dict[str, str],
) -> list[DifficultyLine]:
    """The difficulties raised during the period (up to the date), oldest first."""
    d, t = table(Difficulty), table(Task)
    query = (
        sa.select(d.c.org_id, d.c.raised_on, d.c.text, t.c.code)
        .outerjoin(t, t.c.id == d.c.task_id)
        .where(d.c.program_id == pid, d.c.raised_on <= as_of)
        .order_by(d.c.raised_on, d.c.id)
    )
    if period is not None:
        query = query.where(d.c.raised_on >= period[1].start, d.c.raised_on <= period[1].end)
    return [
        DifficultyLine(
            org=code_of[org_id],
            org_name=name_of[code_of[org_id]],
            raised_on=raised_on,
            text=text,
            task=task,
        )
        for org_id, raised_on, text, task in conn.execute(query)
    ]


__all__ = [
    "AppendixRow",
    "DifficultyLine",
    "Figure",
    "NextTask",
    "PeriodFacts",
    "ReviewFacts",
    "review_facts",
]
