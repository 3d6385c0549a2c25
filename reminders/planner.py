"""The planning job: every minute, write what is due into the outbox, once.

For each running program it reads a snapshot, asks the policy which slots are open now, and
inserts the rows it does not have yet (the outbox key is unique, so a restart, a catch-up after
downtime or a second replica planning at the same moment still writes each message once). Pending
rows whose slot no longer applies (the task was done, the organization reported, the person
snoozed) are dropped; they come back if their slot opens again before it expires.
"""

from __future__ import annotations

import logging
import time
import uuid
import weakref
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from reminders.calendar import WorkCalendar
from reminders.messages import DROPPED, EXPIRED, PENDING
from reminders.policy import Policy, ProgramSnapshot, plan_now
from reminders.snapshot import (
    Version,
    load_snapshot,
    open_deadlines,
    program_only,
    read_version,
    reported_tasks_since,
    snoozes,
)
from storage.database import Database, in_chunks
from storage.leases import release_lease, take_lease
from storage.models import OutboxMessage, Program, table

log = logging.getLogger(__name__)

NO_LONGER = "no longer applies"
# Programs are planned from a month before they start to a month after they end.
_MARGIN = timedelta(days=31)

_outbox = table(OutboxMessage)
_KEY = ("kind", "subject", "recipient", "slot")


@dataclass
class PlanResult:
    programs: int = 0
    planned: int = 0  # rows written
    revived: int = 0  # dropped rows whose slot opened again
    dropped: int = 0
    seconds: float = 0.0
    full: bool = True  # whether every task was looked at (else only what changed)
    skipped: bool = False  # another process holds the planning lease

    def add(self, other: PlanResult) -> None:
        self.programs += other.programs
        self.planned += other.planned
        self.revived += other.revived
        self.dropped += other.dropped
        self.full = self.full and other.full


def running_programs(session: Session, now: datetime) -> list[int]:
    p = table(Program)
    day = now.date()
    return list(
        session.connection()
        .execute(
            sa.select(p.c.id)
            .where(p.c.start <= day + _MARGIN, p.c.end >= day - _MARGIN)
            .order_by(p.c.id)
        )
        .scalars()
    )


@dataclass
class _Known:
    """What the last run of a program saw: a run with the same plan version only looks at the
    tasks reported on since, and at the deadlines with a slot opening since."""

    version: Version
    at: datetime
    deadlines: set[date]
    snooze_ends: list[float]


class Planner:
    """Plans every running program; remembers each program's last run, so that a minute with
    nothing new reads little. What it remembers is only a shortcut: a fresh planner (after a
    restart, on another replica) plans everything from the database and writes the same rows."""

    FULL_EVERY = timedelta(hours=6)
    LEASE = "plan_reminders"

    def __init__(self, database: Database, *, lease: timedelta = timedelta(minutes=2)) -> None:
        self.database = database
        self.lease = lease
        self.holder = uuid.uuid4().hex
        self._known: dict[int, _Known] = {}

    def run(self, now: datetime) -> PlanResult:
        """Plan every running program as of `now` (aware); never raises for one program.

        Replicas on one database take turns: a run that finds another process holding the
        planning lease does nothing (`skipped`)."""
        started = time.perf_counter()
        total = PlanResult()
        with self.database.write() as session:
            held = take_lease(
                session=session, name=self.LEASE, holder=self.holder, now=now, ttl=self.lease
            )
        if not held:
            self._known.clear()  # another process planned: start from scratch when it is ours
            total.skipped = True
            total.seconds = time.perf_counter() - started
            return total
        with self.database.read() as session:
            programs = running_programs(session, now)
        for program_id in programs:
            try:
                total.add(self.plan_program(program_id, now))
            except Exception:
                self._known.pop(program_id, None)
                log.exception("planning reminders of program %s failed", program_id)
        total.seconds = time.perf_counter() - started
        return total

    def plan_program(self, program_id: int, now: datetime) -> PlanResult:
        subjects: set[str] | None = None
        with self.database.read() as session:
            program = session.get(Program, program_id)
            if program is None:
                return PlanResult()
            today = now.astimezone(ZoneInfo(program.timezone)).date()
            version = read_version(session, program_id)
            known = self._known.get(program_id)
            if known is not None and not self._must_plan_all(known, version, now):
                changed = (
                    reported_tasks_since(session, program_id, known.version.report)
                    if version.report != known.version.report
                    else set()
                )
                after, until = known.at.timestamp(), now.timestamp()
                policy = Policy(program_only(program))
                opening = {
                    due for due in known.deadlines if policy.opens_between(due, after, until)
                }
                snapshot = load_snapshot(session, program_id, today, only=(changed, opening))
                subjects = {f"task:{task_id}" for task_id in changed}
                subjects.update(f"task:{task.id}" for task in snapshot.tasks)
                subjects.update(f"period:{period.id}" for period in snapshot.periods)
                subjects.add(f"program:{program_id}")
                deadlines = known.deadlines | {task.due for task in snapshot.tasks}
                snooze_ends = known.snooze_ends
            else:
                snapshot = load_snapshot(session, program_id, today)
                deadlines = open_deadlines(session, program_id)
                calendar = WorkCalendar(snapshot.zone, snapshot.settings)
                snooze_ends = sorted(
                    calendar.next_working_moment(at).timestamp()
                    for at in snoozes(session, program_id)
                )
        with self.database.write() as session:
            result = write_plan(session, snapshot, now, subjects)
        self._known[program_id] = _Known(version, now, deadlines, snooze_ends)
        result.programs = 1
        result.full = subjects is None
        return result

    def _must_plan_all(self, known: _Known, version: Version, now: datetime) -> bool:
        return (
            version.plan != known.version.plan
            or not known.at < now <= known.at + self.FULL_EVERY
            or any(known.at.timestamp() < end <= now.timestamp() for end in known.snooze_ends)
        )

    def release(self) -> None:
        """Give the planning lease back (a clean stop): another process may plan at once."""
        with self.database.write() as session:
            release_lease(session=session, name=self.LEASE, holder=self.holder)
        self._known.clear()


_PLANNERS: weakref.WeakKeyDictionary[Database, Planner] = weakref.WeakKeyDictionary()


def plan_due(database: Database, now: datetime) -> PlanResult:
    """Plan every running program of `database` as of `now`, with its process-wide planner."""
    planner = _PLANNERS.get(database)
    if planner is None:
        planner = _PLANNERS[database] = Planner(database)
    return planner.run(now)


def release_planning(database: Database) -> None:
    """The process-wide planner of `database` gives its lease back, if it has one."""
    planner = _PLANNERS.pop(database, None)
    if planner is not None:
        planner.release()


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(_outbox).on_conflict_do_nothing(index_elements=list(_KEY))


def write_plan(
    session: Session,
    snapshot: ProgramSnapshot,
    now: datetime,
    subjects: Collection[str] | None = None,
) -> PlanResult:
    """Make the outbox hold the messages of the program's slots open at `now`: all of them, or
    those about `subjects` (the snapshot then holds only the tasks among them)."""
    result = PlanResult()
    program_id = snapshot.program_id
    conn = session.connection()
    o = _outbox
    columns = (o.c.id, o.c.kind, o.c.subject, o.c.recipient, o.c.slot, o.c.status, o.c.last_error)
    live = sa.and_(o.c.program_id == program_id, o.c.expires_at > now)
    if subjects is None:
        rows: list[Any] = list(conn.execute(sa.select(*columns).where(live)))
    else:
        ordered = sorted(subjects)
        rows = [
            row
            for chunk in in_chunks(ordered)
            for row in conn.execute(sa.select(*columns).where(live, o.c.subject.in_(chunk)))
        ]
    existing = {(r.kind, r.subject, r.recipient, r.slot): r for r in rows}
    planned, open_keys = plan_now(snapshot, now, existing)
    wanted = {m.key: m for m in planned}
    fresh = [
        {
            "program_id": program_id,
            "kind": m.kind,
            "subject": m.subject,
            "recipient": m.recipient,
            "slot": m.slot,
            "chat_id": m.chat_id,
            "language": m.language,
            "essential": m.essential,
            "payload": m.payload,
            "due_at": m.due_at,
            "expires_at": m.expires_at,
            "not_before": m.due_at,
            "status": PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for key, m in wanted.items()
        if key not in existing
    ]
    if fresh:
        count = conn.execute(_insert(session), fresh).rowcount
        result.planned = count if count is not None and count >= 0 else len(fresh)
    opening = WorkCalendar(snapshot.zone, snapshot.settings).next_working_moment(now)
    revive = [
        {"row": row.id, "due": opening}
        for key, row in existing.items()
        if key in open_keys and row.status == DROPPED and row.last_error == NO_LONGER
    ]
    if revive:
        result.revived = (
            conn.execute(
                sa.update(o)
                .where(o.c.id == sa.bindparam("row"), o.c.status == DROPPED)
                .values(status=PENDING, not_before=sa.bindparam("due"), last_error=None),
                revive,
            ).rowcount
            or 0
        )
    gone = [
        row.id for key, row in existing.items() if key not in open_keys and row.status == PENDING
    ]
    for chunk in in_chunks(gone):
        result.dropped += (
            conn.execute(
                sa.update(o)
                .where(o.c.id.in_(chunk), o.c.status == PENDING)
                .values(status=DROPPED, last_error=NO_LONGER)
            ).rowcount
            or 0
        )
    result.dropped += (
        conn.execute(
            sa.update(o)
            .where(o.c.program_id == program_id, o.c.status == PENDING, o.c.expires_at <= now)
            .values(status=DROPPED, last_error=EXPIRED)
        ).rowcount
        or 0
    )
    return result
