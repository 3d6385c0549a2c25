"""The sample program lived day by day under a controlled clock: reports recorded on their dates,
the planner run at set times, and every planned message "sent" at the tick that finds it due."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from reminders.messages import PENDING, SENT
from reminders.planner import Planner, plan_due
from storage.database import Database
from storage.documents import PlanDocument, ReportLog
from storage.models import OutboxMessage, Person, Program, table
from storage.operations import replay_log
from storage.plans import import_plan

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
GROUP = -1001234567890
REPORT_TIME = time(10, 0)  # the sample's reports are made at 10:00 on their day
TICKS = (time(7, 30), time(10, 0), time(16, 0))


@dataclass(frozen=True)
class Sent:
    at: datetime  # local
    kind: str
    recipient: str  # telegram id, or "group"
    subject: str
    slot: str
    payload: dict[str, object]

    def line(self) -> str:
        about = self.payload.get("task") or self.payload.get("period") or self.payload["program"]
        return f"{self.at:%d/%m/%Y %H:%M} {self.kind} {self.recipient} {about} {self.slot}"


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZONE).astimezone(UTC)


def days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def live(
    database: Database,
    plan: PlanDocument,
    log: ReportLog,
    first: date,
    last: date,
    *,
    ticks: tuple[time, ...] = TICKS,
    incremental: bool = True,
) -> list[Sent]:
    """Import the plan, bind the people and the group, then live the days [first, last].

    The planner remembers its last run, as in `phoihop run`; with `incremental=False` every
    tick plans from scratch, as after a restart."""
    start = local(first, time(0, 0))
    with database.write() as session:
        import_plan(session=session, plan=plan, actor="test", now=start)
        program = session.execute(sa.select(Program)).scalars().one()
        program.group_chat_id = GROUP
    # What happened before, each day's reports made on their day.
    for day in sorted({r.date for r in log.reports if r.date < first}):
        todays = [r for r in log.reports if r.date == day]
        with database.write() as session:
            replay_log(
                session=session,
                log=log.model_copy(update={"reports": todays}),
                now=local(day, REPORT_TIME),
            )
    names = _telegram_ids(database)
    sent: list[Sent] = []
    for day in days(first, last):
        todays = [r for r in log.reports if r.date == day]
        moments = sorted({*ticks, REPORT_TIME} if todays else set(ticks))
        for moment in moments:
            now = local(day, moment)
            if todays and moment == REPORT_TIME:
                with database.write() as session:
                    replay_log(
                        session=session, log=log.model_copy(update={"reports": todays}), now=now
                    )
            if incremental:
                plan_due(database, now)
            else:
                Planner(database).run(now)
            sent.extend(_send_due(database, now, names))
    return sent


def _telegram_ids(database: Database) -> dict[str, str]:
    with database.read() as session:
        p = table(Person)
        rows = session.execute(sa.select(p.c.id, p.c.telegram_id)).all()
    return {f"person:{pid}": str(tid) for pid, tid in rows}


def _send_due(database: Database, now: datetime, names: dict[str, str]) -> list[Sent]:
    o = table(OutboxMessage)
    with database.write() as session:
        rows = session.execute(
            sa.select(o.c.id, o.c.kind, o.c.recipient, o.c.subject, o.c.slot, o.c.payload)
            .where(o.c.status == PENDING, o.c.not_before <= now, o.c.expires_at > now)
            .order_by(o.c.kind, o.c.subject, o.c.recipient, o.c.id)
        ).all()
        if rows:
            session.execute(
                sa.update(o)
                .where(o.c.id.in_([r.id for r in rows]))
                .values(status=SENT, sent_at=now)
            )
    at = now.astimezone(ZONE)
    return [
        Sent(at, r.kind, names.get(r.recipient, "group"), r.subject, r.slot, r.payload)
        for r in rows
    ]
