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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from reminders.calendar import WorkCalendar
from reminders.messages import DROPPED, PENDING
from reminders.policy import ProgramSnapshot, plan_now
from reminders.snapshot import load_snapshot
from storage.database import Database
from storage.models import OutboxMessage, Program, table

log = logging.getLogger(__name__)

NO_LONGER = "no longer applies"
EXPIRED = "expired"
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

    def add(self, other: PlanResult) -> None:
        self.programs += other.programs
        self.planned += other.planned
        self.revived += other.revived
        self.dropped += other.dropped


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


def plan_due(database: Database, now: datetime) -> PlanResult:
    """Plan every running program as of `now` (aware); never raises for one program's data."""
    started = time.perf_counter()
    total = PlanResult()
    with database.read() as session:
        programs = running_programs(session, now)
    for program_id in programs:
        try:
            total.add(plan_program(database, program_id, now))
        except Exception:
            log.exception("planning reminders of program %s failed", program_id)
    total.seconds = time.perf_counter() - started
    return total


def plan_program(database: Database, program_id: int, now: datetime) -> PlanResult:
    with database.read() as session:
        program = session.get(Program, program_id)
        if program is None:
            return PlanResult()
        today = now.astimezone(ZoneInfo(program.timezone)).date()
        snapshot = load_snapshot(session, program_id, today)
    with database.write() as session:
        result = write_plan(session, snapshot, now)
    result.programs = 1
    return result


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(_outbox).on_conflict_do_nothing(index_elements=list(_KEY))


def write_plan(session: Session, snapshot: ProgramSnapshot, now: datetime) -> PlanResult:
    """Make the outbox hold the messages of the program's slots open at `now`."""
    result = PlanResult()
    program_id = snapshot.program_id
    conn = session.connection()
    o = _outbox
    existing = {
        (r.kind, r.subject, r.recipient, r.slot): r
        for r in conn.execute(
            sa.select(
                o.c.id, o.c.kind, o.c.subject, o.c.recipient, o.c.slot, o.c.status, o.c.last_error
            ).where(o.c.program_id == program_id, o.c.expires_at > now)
        )
    }
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
    for i in range(0, len(gone), 900):
        result.dropped += (
            conn.execute(
                sa.update(o)
                .where(o.c.id.in_(gone[i : i + 900]), o.c.status == PENDING)
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
