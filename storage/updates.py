"""Incoming updates, kept before they have any effect.

The bot stores every update Telegram delivers (a batch of getUpdates in one transaction, or one
webhook request) before it confirms it to Telegram, then processes the pending ones in
`update_id` order and marks each `done`, or `failed` with its error. Storing is idempotent: an
update delivered again (Telegram redelivers what was not confirmed) is ignored, so an update is
processed once however often it arrives; one processed when the process was killed before its
mark is processed again, which the handlers tolerate (they key what they record by message).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from storage.models import IncomingUpdate, table

PENDING = "pending"
DONE = "done"
FAILED = "failed"
ERROR_LENGTH = 500

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
        .values(status=status, attempts=_t.c.attempts + 1, processed_at=now, error=error)
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
