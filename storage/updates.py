"""Incoming updates, kept before they have any effect.

The bot stores every update Telegram delivers (a batch of getUpdates in one transaction, or one
webhook request) before it confirms it to Telegram, then processes the pending ones in
`update_id` order and marks each `done`, or `failed` with its error. Storing is idempotent: an
update delivered again (Telegram redelivers what was not confirmed) is ignored, so an update is
processed once however often it arrives; one processed when the process was killed before its
mark is processed again, which the handlers tolerate (they key what they record by message).

Several processes may share the table (webhook replicas on PostgreSQL). A process claims the
updates it works on (`claim_updates`): a claim is a lease, renewed while the work goes on and
taken over by another process once it runs out (its holder died). Only the oldest pending update
of a chat can be claimed, so one chat's updates are processed one at a time and in order, while
different chats go to different processes. An update whose holders died `MAX_ATTEMPTS` times
(it kills whoever works on it) is marked failed instead of being tried for ever; an update whose
processing found the database away is given back and processed again later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from storage.models import IncomingUpdate, table

PENDING = "pending"
DONE = "done"
FAILED = "failed"
ERROR_LENGTH = 500
MAX_ATTEMPTS = 5
GAVE_UP = "gave up: {attempts} processes died working on it"

_t = table(IncomingUpdate)


def store_updates(session: Session, updates: Iterable[Mapping[str, Any]], now: datetime) -> int:
    """Keeps each update (Telegram's JSON, with its `update_id`) as pending, unless one with
    the same id is already kept; returns how many were new."""
    rows = [
        {
            "update_id": int(update["update_id"]),
            "payload": dict(update),
            "received_at": now,
            "status": PENDING,
            "attempts": 0,
            "chat_key": chat_key(update),
        }
        for update in updates
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(_t)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(_t.c.update_id)
    )
    return len(session.connection().execute(stmt).all())


def chat_key(update: Mapping[str, Any]) -> int | None:
    """Whose update it is: the user who sent or pressed it, else its chat."""
    for kind, body in update.items():
        if kind == "update_id" or not isinstance(body, Mapping):
            continue
        sender = body.get("from")
        if isinstance(sender, Mapping) and isinstance(sender.get("id"), int):
            return int(sender["id"])
        chat = body.get("chat")
        if isinstance(chat, Mapping) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return None


def claim_updates(
    session: Session, *, holder: str, now: datetime, lease: timedelta, limit: int
) -> list[tuple[int, dict[str, Any]]]:
    """Claims up to `limit` pending updates for `holder`, oldest first: the oldest pending
    update of each chat, when nobody holds it or its holder's lease ran out. Returns them as
    (update_id, payload). On PostgreSQL, rows another process is claiming are skipped."""
    earlier = _t.alias("earlier")
    same_chat_before = (
        sa.select(earlier.c.update_id)
        .where(
            earlier.c.chat_key == _t.c.chat_key,
            earlier.c.status == PENDING,
            earlier.c.update_id < _t.c.update_id,
        )
        .exists()
    )
    query = (
        sa.select(_t.c.update_id, _t.c.payload, _t.c.attempts, _t.c.claimed_by)
        .where(
            _t.c.status == PENDING,
            sa.or_(
                _t.c.claimed_at.is_(None),
                _t.c.claimed_at < now - lease,
                # Its own, left from a batch cut short (the database went away): a process
                # claims only when it is working on nothing.
                _t.c.claimed_by == holder,
            ),
            ~same_chat_before,
        )
        .order_by(_t.c.update_id)
        .limit(limit)
    )
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=_t)
    rows = conn.execute(query).all()
    claimed: list[tuple[int, dict[str, Any]]] = []
    taken_over: list[int] = []
    for update_id, payload, attempts, claimed_by in rows:
        # A claim that ran out: its holder died working on it.
        died = claimed_by is not None and claimed_by != holder
        if attempts + died >= MAX_ATTEMPTS:
            error = GAVE_UP.format(attempts=attempts + died)
            conn.execute(
                sa.update(_t)
                .where(_t.c.update_id == update_id)
                .values(status=FAILED, processed_at=now, error=error, claimed_by=None)
            )
            continue
        claimed.append((int(update_id), payload))
        if died:
            taken_over.append(int(update_id))
    if claimed:
        conn.execute(
            sa.update(_t)
            .where(_t.c.update_id.in_([u for u, _ in claimed]))
            .values(claimed_by=holder, claimed_at=now)
        )
    if taken_over:
        conn.execute(
            sa.update(_t).where(_t.c.update_id.in_(taken_over)).values(attempts=_t.c.attempts + 1)
        )
    return claimed


def renew_claim(session: Session, *, update_id: int, holder: str, now: datetime) -> bool:
    """`holder` is still working on the update: its lease starts again from `now`."""
    result = session.connection().execute(
        sa.update(_t)
        .where(_t.c.update_id == update_id, _t.c.claimed_by == holder, _t.c.status == PENDING)
        .values(claimed_at=now)
    )
    return bool(result.rowcount)


def release_claims(session: Session, *, holder: str | None = None) -> int:
    """At start: gives back the pending updates `holder` (a process that died under the same
    name), or every process (`None`: polling, where only one process can be fetching), had
    claimed. Each counts as an attempt: its holder died working on it."""
    query = sa.update(_t).where(_t.c.status == PENDING, _t.c.claimed_by.is_not(None))
    if holder is not None:
        query = query.where(_t.c.claimed_by == holder)
    values = {"claimed_by": None, "claimed_at": None, "attempts": _t.c.attempts + 1}
    result = session.connection().execute(query.values(**values))
    return int(result.rowcount or 0)


def unclaim(session: Session, *, update_id: int, holder: str) -> None:
    """`holder` gives an update back unfinished (the database went away under it): it is
    processed again, by whoever claims it first, and that is not counted as an attempt."""
    session.connection().execute(
        sa.update(_t)
        .where(_t.c.update_id == update_id, _t.c.claimed_by == holder, _t.c.status == PENDING)
        .values(claimed_by=None, claimed_at=None)
    )


def pending_updates(session: Session, limit: int | None = None) -> list[IncomingUpdate]:
    """The updates not processed yet, oldest (lowest update_id) first."""
    query = (
        select(IncomingUpdate)
        .where(IncomingUpdate.status == PENDING)
        .order_by(col(IncomingUpdate.update_id))
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def pending_count(session: Session) -> int:
    query = select(func.count()).select_from(_t).where(_t.c.status == PENDING)
    return int(session.exec(query).one())


def last_update_id(session: Session) -> int | None:
    """The highest update_id ever kept (polling confirms up to it on start)."""
    value = session.exec(select(func.max(_t.c.update_id))).one()
    return None if value is None else int(value)


def _mark(session: Session, update_id: int, status: str, now: datetime, error: str | None) -> bool:
    result = session.connection().execute(
        sa.update(_t)
        .where(_t.c.update_id == update_id, _t.c.status == PENDING)
        .values(status=status, processed_at=now, error=error)
    )
    return bool(result.rowcount)


def mark_done(session: Session, update_id: int, now: datetime) -> bool:
    """A pending update processed; False if it was not pending (another process did it)."""
    return _mark(session, update_id, DONE, now, None)


def mark_failed(session: Session, update_id: int, error: str, now: datetime) -> bool:
    """A pending update whose processing raised: kept with its error, not tried again."""
    return _mark(session, update_id, FAILED, now, error[:ERROR_LENGTH])


def prune_updates(session: Session, before: datetime) -> int:
    """Forgets updates processed (`done`) before `before`; failed ones stay on record. Telegram
    never delivers them again: they were confirmed long ago."""
    result = session.connection().execute(
        sa.delete(_t).where(_t.c.status == DONE, _t.c.processed_at < before)
    )
    return int(result.rowcount or 0)
