"""The pure counting rules, with fixed dates."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from storage.database import Database
from storage.rules import (
    Status,
    classify,
    classify_sql,
    days_late,
    judging_deadline,
    percent,
    qualifier_from_counts,
    sum_qualifier,
)

D = date(2019, 5, 31)


def test_four_way_classification() -> None:
    """Done by the deadline is on time, after it late; not done is in progress up to and
    including the deadline day, overdue from the next day."""
    assert classify(deadline=D, done_on=D, as_of=date(2019, 6, 14)) is Status.DONE_ON_TIME
    assert classify(deadline=D, done_on=D + timedelta(1), as_of=D) is Status.DONE_LATE
    assert classify(deadline=D, done_on=None, as_of=D) is Status.IN_PROGRESS
    assert classify(deadline=D, done_on=None, as_of=D + timedelta(1)) is Status.OVERDUE


def test_days_late() -> None:
    """14 days late on 14/06 for a deadline of 31/05; never negative."""
    assert days_late(deadline=D, as_of=date(2019, 6, 14)) == 14
    assert days_late(deadline=D, as_of=date(2019, 5, 1)) == 0


def test_year_long_tasks_are_judged_at_period_or_program_end() -> None:
    """A 'thường xuyên' task has no deadline of its own."""
    end = date(2019, 12, 31)
    assert judging_deadline(original_due=D, period_end=None, program_end=end) == D
    assert judging_deadline(original_due=None, period_end=date(2019, 6, 30), program_end=end) == (
        date(2019, 6, 30)
    )
    assert judging_deadline(original_due=None, period_end=None, program_end=end) == end


def test_qualifier_of_a_sum() -> None:
    """Exact parts give an exact sum; lower bounds give 'over'; anything approximate wins."""
    assert sum_qualifier([None, None]) is None
    assert sum_qualifier([None, "over", "more_than"]) == "over"
    assert sum_qualifier(["approx", "over"]) == "approx"
    assert qualifier_from_counts(approx=0, lower_bound=0) is None
    assert qualifier_from_counts(approx=0, lower_bound=2) == "over"
    assert qualifier_from_counts(approx=1, lower_bound=2) == "approx"


def test_percent() -> None:
    """6/7 is 85,7 %; nothing due is no rate at all."""
    assert str(percent(6, 7)) == "85.7"
    assert percent(0, 0) is None


@given(
    deadline=st.dates(date(2019, 1, 1), date(2019, 12, 31)),
    done=st.none() | st.dates(date(2019, 1, 1), date(2019, 12, 31)),
    as_of=st.dates(date(2019, 1, 1), date(2019, 12, 31)),
)
def test_exactly_one_status_and_it_is_consistent(
    deadline: date, done: date | None, as_of: date
) -> None:
    """Every task has one status; 'done' statuses need a completion date, 'overdue' a passed
    deadline."""
    status = classify(deadline=deadline, done_on=done, as_of=as_of)
    assert status.done == (done is not None)
    if status is Status.OVERDUE:
        assert as_of > deadline and days_late(deadline=deadline, as_of=as_of) > 0


def test_the_sql_classification_equals_the_python_one(db: Database) -> None:
    """`classify_sql` agrees with `classify` on every ordering of deadline, completion date and
    as-of date (each before, on or after the others, and not done), on every backend."""
    days = [D + timedelta(n) for n in (-2, -1, 0, 1, 2)]
    cases = [
        (deadline, done_on, as_of)
        for deadline in days
        for done_on in [None, *days]
        for as_of in days
    ]
    with db.read() as session:
        conn = session.connection()
        for deadline, done_on, as_of in cases:
            got = conn.execute(
                sa.select(
                    classify_sql(
                        deadline=sa.literal(deadline, sa.Date),
                        done_on=sa.literal(done_on, sa.Date),
                        as_of=as_of,
                    )
                )
            ).scalar_one()
            assert Status(got) is classify(deadline=deadline, done_on=done_on, as_of=as_of)
