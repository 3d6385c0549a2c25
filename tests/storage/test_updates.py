"""Incoming updates: kept once however often they arrive, processed in order, marked."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from storage.models import IncomingUpdate
from storage.updates import (
    DONE,
    FAILED,
    MAX_ATTEMPTS,
    PENDING,
    chat_key,
    claim_updates,
    last_update_id,
    mark_done,
    mark_failed,
    pending_count,
    pending_updates,
    prune_updates,
    release_claims,
    renew_claim,
    store_updates,
    unclaim,
)
from tests.conftest import NOW

LEASE = timedelta(seconds=30)


def _update(update_id: int, text: str = "hi", user: int = 1) -> dict[str, object]:
    message = {"message_id": update_id, "text": text, "from": {"id": user}, "chat": {"id": user}}
    return {"update_id": update_id, "message": message}


def _claim(db: Database, holder: str, limit: int = 10, now: object = NOW) -> list[int]:
    with db.write() as s:
        found = claim_updates(s, holder=holder, now=now, lease=LEASE, limit=limit)  # type: ignore[arg-type]
    return [u for u, _ in found]


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
        # Attempts count claims (`claim_updates`), not marks.
        assert (one.status, one.attempts, one.processed_at, one.error) == (DONE, 0, NOW, None)
        assert (two.status, two.attempts) == (FAILED, 0)
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


def test_chat_key_is_the_sender_else_the_chat() -> None:
    """Updates are ordered per person: a press and a message of one user share a key."""
    press = {"update_id": 1, "callback_query": {"id": "q", "from": {"id": 42}, "data": "x"}}
    group = {"update_id": 2, "my_chat_member": {"chat": {"id": -100}, "date": 0}}
    assert chat_key(press) == 42
    assert chat_key(_update(3, user=7)) == 7
    assert chat_key(group) == -100
    assert chat_key({"update_id": 4}) is None


def test_claims_take_the_oldest_update_of_each_chat_once(db: Database) -> None:
    """Two processes never hold one update, and a chat's next update waits for its previous."""
    with db.write() as s:
        store_updates(s, [_update(1, user=10), _update(2, user=10), _update(3, user=20)], NOW)
        store_updates(s, [_update(4, user=30)], NOW)
    assert _claim(db, "a", limit=2) == [1, 3]
    # Update 2 waits for 1 (same person); 4 is free.
    assert _claim(db, "b") == [4]
    assert _claim(db, "c") == []
    # A process claims only when idle: its own claims are its to take again (a batch cut short).
    assert _claim(db, "b") == [4]
    with db.write() as s:
        assert mark_done(s, 1, NOW)
    assert _claim(db, "c") == [2]
    with db.read() as s:
        two = s.get(IncomingUpdate, 2)
        assert two is not None and (two.claimed_by, two.attempts) == ("c", 0)


def test_a_dead_holders_claim_runs_out_unless_renewed(db: Database) -> None:
    """A claim is a lease: renewed while the work goes on, taken over once it runs out."""
    with db.write() as s:
        store_updates(s, [_update(1, user=10), _update(2, user=20)], NOW)
    assert _claim(db, "a") == [1, 2]
    later = NOW + LEASE + timedelta(seconds=1)
    with db.write() as s:
        assert renew_claim(s, update_id=1, holder="a", now=NOW + LEASE)
        assert not renew_claim(s, update_id=1, holder="b", now=NOW + LEASE)
    # 2 was not renewed: its holder is taken for dead, which counts as an attempt.
    assert _claim(db, "b", now=later) == [2]
    with db.write() as s:
        assert release_claims(s, holder="a") == 1
    assert _claim(db, "b", now=later) == [1, 2]
    with db.write() as s:
        unclaim(s, update_id=1, holder="b")
        assert release_claims(s) == 1
    assert _claim(db, "c", now=later) == [1, 2]
    with db.read() as s:
        attempts = [s.get(IncomingUpdate, u).attempts for u in (1, 2)]  # type: ignore[union-attr]
    assert attempts == [1, 2]


def test_an_update_that_kills_every_holder_is_given_up(db: Database) -> None:
    """After MAX_ATTEMPTS holders died on it the update is failed, not retried for ever."""
    with db.write() as s:
        store_updates(s, [_update(1)], NOW)
    for attempt in range(MAX_ATTEMPTS):
        assert _claim(db, f"p{attempt}") == [1]
        with db.write() as s:
            release_claims(s)
    assert _claim(db, "last") == []
    with db.read() as s:
        one = s.get(IncomingUpdate, 1)
        assert one is not None and one.status == FAILED
        assert one.error == f"gave up: {MAX_ATTEMPTS} processes died working on it"
