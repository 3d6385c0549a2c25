"""Replicas on one database take turns at the planning job: it runs once, not once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reminders.planner import Planner
from storage.database import Database
from storage.leases import release_lease, take_lease

NOW = datetime(2019, 6, 14, 1, 0, tzinfo=UTC)
TTL = timedelta(minutes=2)


def take(db: Database, holder: str, now: datetime = NOW) -> bool:
    with db.write() as session:
        return take_lease(session=session, name="job", holder=holder, now=now, ttl=TTL)


def test_one_holder_at_a_time_until_the_lease_runs_out(db: Database) -> None:
    assert take(db, "a")
    assert not take(db, "b")
    assert take(db, "a", NOW + timedelta(minutes=1))  # renewed until 01:03
    assert not take(db, "b", NOW + timedelta(minutes=2, seconds=59))
    assert take(db, "b", NOW + timedelta(minutes=3, seconds=1))  # a stopped renewing
    assert not take(db, "a", NOW + timedelta(minutes=3, seconds=2))
    with db.write() as session:
        release_lease(session=session, name="job", holder="b")
    assert take(db, "a", NOW + timedelta(minutes=3, seconds=3))


def test_a_lease_from_a_clock_that_went_back_is_run_out(db: Database) -> None:
    assert take(db, "a", NOW + timedelta(days=1))
    assert take(db, "b", NOW)


def test_two_planners_plan_once_each_minute(sample_db: Database) -> None:
    first, second = Planner(sample_db), Planner(sample_db)
    ran = []
    for minute in range(5):
        now = NOW + timedelta(minutes=minute)
        ran.append((first.run(now).skipped, second.run(now).skipped))
    assert ran == [(False, True)] * 5
    first.release()
    assert not second.run(NOW + timedelta(minutes=5)).skipped
    assert first.run(NOW + timedelta(minutes=6)).skipped
