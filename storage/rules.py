"""The counting rules of DESIGN.md as pure functions of the facts and a date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa


class Status(StrEnum):
    """The Government Office's four-way classification of a task as of a date."""

    DONE_ON_TIME = "done_on_time"  # hoàn thành đúng hạn
    DONE_LATE = "done_late"  # hoàn thành quá hạn
    IN_PROGRESS = "in_progress"  # đang thực hiện trong hạn
    OVERDUE = "overdue"  # quá hạn chưa hoàn thành

    @property
    def done(self) -> bool:
        return self in (Status.DONE_ON_TIME, Status.DONE_LATE)


def classify(*, deadline: date, done_on: date | None, as_of: date) -> Status:
    """The status of a task with this deadline, done on `done_on` (None: not done by `as_of`)."""
    if done_on is not None:
        return Status.DONE_ON_TIME if done_on <= deadline else Status.DONE_LATE
    return Status.IN_PROGRESS if as_of <= deadline else Status.OVERDUE


def classify_sql(*, deadline: Any, done_on: Any, as_of: date) -> sa.ColumnElement[str]:
    """`classify` as a SQL expression over date columns, so that a database counts 100,000
    tasks without shipping them to Python; a property test holds the two equal."""
    today = sa.literal(as_of, sa.Date)
    return sa.case(
        (sa.and_(done_on.is_not(None), done_on <= deadline), Status.DONE_ON_TIME.value),
        (done_on.is_not(None), Status.DONE_LATE.value),
        (today <= deadline, Status.IN_PROGRESS.value),
        else_=Status.OVERDUE.value,
    )


def days_late(*, deadline: date, as_of: date) -> int:
    """Whole days past the deadline as of a date (0 when not past)."""
    return max(0, (as_of - deadline).days)


def judging_deadline(
    *, original_due: date | None, period_end: date | None, program_end: date
) -> date:
    """The deadline a task is judged by: its own, else ("thường xuyên") its period's or
    program's end."""
    if original_due is not None:
        return original_due
    return period_end if period_end is not None else program_end


def due_rate(done: int, overdue: int) -> tuple[int, int]:
    """The rate over tasks already due, as government reports write it: done / (done + overdue)."""
    return done, done + overdue


def sum_qualifier(qualifiers: Iterable[str | None]) -> str | None:
    """The qualifier of a sum: exact if every part is; 'over' if the inexact parts are all lower
    bounds (trên, hơn); otherwise approximate."""
    kinds = {q for q in qualifiers if q is not None}
    if not kinds:
        return None
    if kinds <= {"over", "more_than"}:
        return "over"
    return "approx"


def qualifier_from_counts(*, approx: int, lower_bound: int) -> str | None:
    """`sum_qualifier` for counts of approximate and lower-bound parts."""
    if approx:
        return "approx"
    return "over" if lower_bound else None


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole in percent with one decimal, or None for an empty whole."""
    if whole == 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"))
