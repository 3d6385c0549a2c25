"""Incoming updates: kept once however often they arrive, processed in order, marked."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from storage.models import IncomingUpdate
from storage.updates import (
    DONE,
    FAILED,
    PENDING,
    last_update_id,
    mark_done,
    mark_failed,
    pending_count,
    pending_updates,
    prune_updates,
    store_updates,
)
from tests.conftest import NOW


def _update(update_id: int, text: str = "hi") -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": update_id, "text": text}}


def test_a_batch_is_stored_once_and_listed_in_order(db: Database) -> None:
    with db.write() as s:
        assert last_update_id(s) is None
        assert store_updates(s, [_update(7), _update(5), _update(6)], NOW) == 3
    with db.write() as s:
        # Telegram delivers again what was not confirmed: the copies change nothing.
        assert store_updates(s, [_update(6, "again"), _update(8)], NOW) == 1
        assert store_updates(s, [], NOW) == 0
    with db.read() as s:
        pending = pending_updates(s)
        assert [u.update_id for u in pending] == [5, 6, 7, 8]
        assert pending[1].payload == _update(6)
        assert all(u.status == PENDING and u.attempts == 0 for u in pending)
        assert pending_count(s) == 4
        assert last_update_id(s) == 8
        assert [u.update_id for u in pending_updates(s, limit=2)] == [5, 6]


def test_marks_done_and_failed(db: Database) -> None:
    with db.write() as s:
        store_updates(s, [_update(1), _update(2), _update(3)], NOW)
    with db.write() as s:
        assert mark_done(s, 1, NOW)
        assert mark_failed(s, 2, "ValueError: " + "x" * 900, NOW)
        assert not mark_done(s, 1, NOW), "only a pending update is marked"
        assert not mark_done(s, 99, NOW)
    with db.read() as s:
        assert [u.update_id for u in pending_updates(s)] == [3]
        assert pending_count(s) == 1
        one, two = s.get(IncomingUpdate, 1), s.get(IncomingUpdate, 2)
        assert one is not None and two is not None
        assert (one.status, one.attempts, one.processed_at, one.error) == (DONE, 1, NOW, None)
        assert (two.status, two.attempts) == (FAILED, 1)
        assert two.error is not None and len(two.error) == 500
    with db.write() as s:
        # A done update delivered again stays done: it is never processed twice.
        assert store_updates(s, [_update(1), _update(2)], NOW) == 0
    with db.read() as s:
        assert [u.update_id for u in pending_updates(s)] == [3]


def test_big_update_ids(db: Database) -> None:
    big = 2**40 + 3
    with db.write() as s:
        store_updates(s, [_update(big)], NOW)
    with db.read() as s:
        assert last_update_id(s) == big
        assert pending_updates(s)[0].update_id == big


def test_prune_forgets_old_done_updates_only(db: Database) -> None:
    with db.write() as s:
        store_updates(s, [_update(1), _update(2), _update(3), _update(4)], NOW)
        mark_done(s, 1, NOW - timedelta(days=10))
        mark_failed(s, 2, "boom", NOW - timedelta(days=10))
        mark_done(s, 3, NOW)
    with db.write() as s:
        assert prune_updates(s, NOW - timedelta(days=7)) == 1
    with db.read() as s:
        assert s.get(IncomingUpdate, 1) is None
        assert [u for u in (2, 3, 4) if s.get(IncomingUpdate, u) is None] == []
