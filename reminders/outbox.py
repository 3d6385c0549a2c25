"""The outbox as read by people: counts by status and kind, the next pending messages, the
recently failed ones, and who a `person:<id>` recipient is. Plain data; the command line words it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from reminders.messages import FAILED, PENDING
from storage.database import in_chunks
from storage.models import Membership, Organization, OutboxMessage, Person, Program, table

NEXT_LIMIT = 10
FAILED_LIMIT = 10
_outbox, _program = table(OutboxMessage), table(Program)


@dataclass(frozen=True)
class OutboxRow:
    """One message of the outbox: `at` is when it may go (pending) or was due (failed), in UTC;
    `timezone` is its program's."""

    id: int
    program_id: int
    timezone: str
    kind: str
    recipient: str
    payload: dict[str, Any]
    at: datetime
    last_error: str | None = None
    attempts: int = 0


@dataclass(frozen=True)
class RecipientName:
    """A person a message goes to: their name and their organization's code."""

    name: str
    org: str


@dataclass(frozen=True)
class OutboxSummary:
    """The outbox of one program, or of all."""

    counts: dict[str, dict[str, int]]  # status -> kind -> messages
    pending: list[OutboxRow]  # the next NEXT_LIMIT, soonest first
    failed: list[OutboxRow]  # the last FAILED_LIMIT, latest first
    names: dict[tuple[int, str], RecipientName]  # (program id, recipient) of those rows

    @property
    def total(self) -> int:
        return sum(sum(by_kind.values()) for by_kind in self.counts.values())

    def count(self, status: str) -> int:
        """How many messages have `status`."""
        return sum(self.counts.get(status, {}).values())


def outbox_summary(session: Session, program_id: int | None = None) -> OutboxSummary:
    """The outbox of `program_id` (None: of every program): counts by status and kind, the next
    pending messages and the most recently failed ones, with their recipients' names."""
    o = _outbox
    where = [] if program_id is None else [o.c.program_id == program_id]
    conn = session.connection()
    counts: dict[str, dict[str, int]] = {}
    for status, kind, count in conn.execute(
        sa.select(o.c.status, o.c.kind, sa.func.count())
        .where(*where)
        .group_by(o.c.status, o.c.kind)
    ):
        counts.setdefault(status, {})[kind] = int(count)
    columns = (o.c.id, o.c.program_id, o.c.kind, o.c.recipient, o.c.payload)
    pending = conn.execute(
        sa.select(*columns, o.c.not_before.label("at"))
        .where(*where, o.c.status == PENDING)
        .order_by(o.c.not_before, o.c.id)
        .limit(NEXT_LIMIT)
    ).all()
    failed = conn.execute(
        sa.select(*columns, o.c.due_at.label("at"), o.c.last_error, o.c.attempts)
        .where(*where, o.c.status == FAILED)
        .order_by(o.c.id.desc())
        .limit(FAILED_LIMIT)
    ).all()
    rows = [*pending, *failed]
    zones: dict[int, str] = dict(
        conn.execute(
            sa.select(_program.c.id, _program.c.timezone).where(
                _program.c.id.in_(sorted({r.program_id for r in rows}) or [-1])
            )
        ).all()
    )
    names = recipient_names(session, zones, (r.recipient for r in rows))

    def row(r: Any) -> OutboxRow:
        return OutboxRow(
            id=r.id,
            program_id=r.program_id,
            timezone=zones[r.program_id],
            kind=r.kind,
            recipient=r.recipient,
            payload=r.payload or {},
            at=_utc(r.at),
            last_error=getattr(r, "last_error", None),
            attempts=getattr(r, "attempts", 0),
        )

    return OutboxSummary(counts, [row(r) for r in pending], [row(r) for r in failed], names)


def recipient_names(
    session: Session, program_ids: Iterable[int], recipients: Iterable[str]
) -> dict[tuple[int, str], RecipientName]:
    """(program id, recipient) -> the person's name and organization, for the `person:<id>`
    recipients that are members of one of `program_ids` (a group has no entry)."""
    wanted = {int(r.split(":", 1)[1]) for r in recipients if r.startswith("person:")}
    ids = set(program_ids)
    names: dict[tuple[int, str], RecipientName] = {}
    if wanted and ids:
        person, member, org = table(Person), table(Membership), table(Organization)
        for chunk in in_chunks(sorted(wanted)):
            rows = session.connection().execute(
                sa.select(member.c.program_id, person.c.id, person.c.name, org.c.code)
                .join(member, member.c.person_id == person.c.id)
                .join(org, org.c.id == member.c.org_id)
                .where(person.c.id.in_(chunk), member.c.program_id.in_(sorted(ids)))
            )
            for r in rows:
                names[(r.program_id, f"person:{r.id}")] = RecipientName(r.name, r.code)
    return names


def _utc(moment: datetime) -> datetime:
    """A timestamp read through Core (SQLite gives it naive, in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
