"""The paced sender against a fake Delivery, with a clock the tests drive: pacing (per chat, per
group, overall), a 429 holding only its chat, backoff then failure, blocked chats, expiry,
recovery of rows left in flight, and two senders racing on one database."""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from reminders.messages import (
    DIGEST,
    DROPPED,
    EXPIRED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    Outcome,
    Outgoing,
)
from reminders.sender import Pace, PacedSender, Pacer
from storage.database import Database
from storage.models import BlockedChat, OutboxMessage, Program, table

NOW = datetime(2019, 6, 14, 2, 0, tzinfo=UTC)
GROUP = -1001234567890


class FakeClock:
    """A clock that moves only when the sender sleeps, and only once the deliveries it started
    are recorded (time stands still while the database works, as in a discrete simulation)."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start
        self.sender: PacedSender | None = None

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        while self.sender is not None and self.sender.in_flight:
            await asyncio.sleep(0.001)
        # Whole microseconds, rounded up: a wait is never cut short to nothing.
        self.now += timedelta(microseconds=math.ceil(max(seconds, 0.0) * 1e6))
        await asyncio.sleep(0)


@dataclass
class Delivered:
    at: datetime
    message: Outgoing
    outcome: Outcome


class FakeDelivery:
    """Answers by `script(message, nth attempt of that message)`; sent by default."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        script: Callable[[Outgoing, int], Outcome | None] | None = None,
    ) -> None:
        self.clock = clock
        self.script = script or (lambda _m, _n: None)
        self.log: list[Delivered] = []
        self._ids = itertools.count(1000)
        self._tries: dict[int, int] = defaultdict(int)

    async def deliver(self, message: Outgoing) -> Outcome:
        self._tries[message.id] += 1
        outcome = self.script(message, self._tries[message.id])
        if outcome is None:
            outcome = Outcome("sent", message_id=next(self._ids))
        self.log.append(Delivered(self.clock(), message, outcome))
        await asyncio.sleep(0)
        return outcome

    def sent_to(self, chat_id: int) -> list[datetime]:
        return [
            d.at for d in self.log if d.message.chat_id == chat_id and d.outcome.kind == "sent"
        ]

    def tries_to(self, chat_id: int) -> list[datetime]:
        return [d.at for d in self.log if d.message.chat_id == chat_id]


def program(db: Database) -> int:
    with db.write() as session:
        found = session.exec(select(Program).where(Program.code == "T")).first()
        if found is not None:
            assert found.id is not None
            return found.id
        row = Program(
            code="T",
            title="Chương trình thử",
            start=date(2019, 1, 1),
            end=date(2019, 12, 31),
            committee_name="Ban Chỉ đạo",
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


_serial = itertools.count(1)


def queue(
    db: Database,
    chats: Iterable[int],
    *,
    due: datetime = NOW - timedelta(minutes=1),
    expires: datetime = NOW + timedelta(days=1),
    status: str = PENDING,
) -> list[int]:
    """One outbox row per chat in `chats` (repeat a chat for several), in that order."""
    program_id = program(db)
    rows = []
    for chat_id in chats:
        n = next(_serial)
        rows.append(
            OutboxMessage(
                program_id=program_id,
                kind=DIGEST,
                subject=f"test:{n}",
                recipient=f"chat:{chat_id}",
                slot=str(n),
                chat_id=chat_id,
                payload={"n": n},
                due_at=due,
                expires_at=expires,
                not_before=due,
                status=status,
            )
        )
    with db.write() as session:
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows if row.id is not None]


def rows(db: Database) -> dict[int, OutboxMessage]:
    with db.read() as session:
        found = {row.id: row for row in session.exec(select(OutboxMessage)) if row.id is not None}
        session.expunge_all()
        return found


def settled(db: Database) -> bool:
    with db.read() as session:
        o = table(OutboxMessage)
        waiting = session.connection().execute(
            sa.select(sa.func.count()).where(o.c.status.in_((PENDING, SENDING)))
        )
        return waiting.scalar_one() == 0


async def drive(sender: PacedSender, until: Callable[[], bool], *, timeout: float = 30.0) -> None:
    """Runs the sender until `until()` holds (checked in a thread), then stops it cleanly."""
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while not await asyncio.to_thread(until):
            if task.done():
                task.result()
                raise AssertionError("the sender stopped by itself")
            if loop.time() > deadline:
                raise AssertionError(f"condition not met within {timeout} s")
            await asyncio.sleep(0.005)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def make(
    db: Database,
    clock: FakeClock,
    delivery: FakeDelivery,
    pace: Pace | None = None,
    **kw: Any,
) -> PacedSender:
    sender = PacedSender(db, delivery, clock=clock, sleep=clock.sleep, pace=pace, **kw)
    clock.sender = sender
    return sender


def windows_ok(times: list[datetime], count: int, seconds: float) -> bool:
    """No `count + 1` of `times` within `seconds` of each other."""
    stamps = sorted(t.timestamp() for t in times)
    return all(b - a >= seconds - 1e-5 for a, b in zip(stamps, stamps[count:], strict=False))


# --- tests -------------------------------------------------------------------------------


def test_sends_everything_and_records_it(db: Database) -> None:
    ids = queue(db, [1, 2, 3, 4, 5] * 4)
    clock = FakeClock()
    delivery = FakeDelivery(clock)
    asyncio.run(drive(make(db, clock, delivery), lambda: settled(db)))
    got = rows(db)
    assert sorted(d.message.id for d in delivery.log) == sorted(ids)
    for row_id in ids:
        row = got[row_id]
        assert row.status == SENT, row
        assert row.attempts == 1 and row.last_error is None
        assert row.telegram_message_id is not None and row.sent_at is not None
    # Oldest first: each chat's messages in the order they were queued.
    for chat_id in (1, 2, 3, 4, 5):
        sent = [d.message.id for d in delivery.log if d.message.chat_id == chat_id]
        assert sent == sorted(sent)


def test_pace_per_chat_per_group_and_overall(db: Database) -> None:
    pace = Pace(global_per_second=10, per_chat_interval=1.0, group_per_minute=5)
    queue(db, [7] * 8 + [GROUP] * 12 + list(range(100, 140)))
    clock = FakeClock()
    delivery = FakeDelivery(clock)
    asyncio.run(drive(make(db, clock, delivery, pace), lambda: settled(db)))
    assert len(delivery.log) == 60
    one_chat = delivery.sent_to(7)
    assert all(b - a >= timedelta(seconds=1) for a, b in itertools.pairwise(one_chat))
    group = delivery.sent_to(GROUP)
    assert len(group) == 12
    assert windows_ok(group, 5, 60.0)
    assert all(b - a >= timedelta(seconds=1) for a, b in itertools.pairwise(group))
    everything = [d.at for d in delivery.log]
    assert windows_ok(everything, 10, 1.0)
    # The many single chats were not held up behind the one busy chat and the group.
    singles = [d.at for d in delivery.log if d.message.chat_id >= 100]
    assert max(singles) <= NOW + timedelta(seconds=6)
    # The group needed two more minutes for its last messages, and got no more than its share.
    assert max(group) >= NOW + timedelta(seconds=120)


def test_pace_uses_the_global_rate(db: Database) -> None:
    """With enough chats ready, the sender keeps the global pace."""
    pace = Pace(global_per_second=25)
    queue(db, range(1, 201))
    clock = FakeClock()
    delivery = FakeDelivery(clock)
    asyncio.run(drive(make(db, clock, delivery, pace), lambda: settled(db)))
    times = [d.at for d in delivery.log]
    assert windows_ok(times, 25, 1.0)
    span = (max(times) - min(times)).total_seconds()
    assert 199 / 25 - 0.01 <= span <= 199 / 25 * 1.05


def test_senders_on_one_database_share_the_global_pace(db: Database) -> None:
    """Two replicas' senders each pace at half the rate, so together they keep the limit; when
    one stops (or its lease runs out), the other takes the whole rate again."""
    pace = Pace(global_per_second=20)
    clock = FakeClock()
    one, two = (make(db, clock, FakeDelivery(clock), pace) for _ in range(2))

    async def sweep(sender: PacedSender) -> None:
        sender._last_sweep = None
        await sender._maybe_sweep()

    async def scenario() -> list[tuple[int, float]]:
        seen = []
        await sweep(one)
        seen.append((one.senders, one.pacer.step))
        await sweep(two)
        await sweep(one)
        seen.append((one.senders, one.pacer.step))
        seen.append((two.senders, two.pacer.step))
        await two.run(_stopped())  # a clean stop gives its lease back
        await sweep(one)
        seen.append((one.senders, one.pacer.step))
        clock.now += timedelta(seconds=10)  # the first one's own lease renews; a dead one's ends
        await sweep(one)
        seen.append((one.senders, one.pacer.step))
        return seen

    assert asyncio.run(scenario()) == [(1, 0.05), (2, 0.1), (2, 0.1), (1, 0.05), (1, 0.05)]


def _stopped() -> asyncio.Event:
    stop = asyncio.Event()
    stop.set()
    return stop


def test_429_holds_only_its_chat(db: Database) -> None:
    held = queue(db, [5] * 3)
    queue(db, [6] * 3 + [8] * 3)

    def script(message: Outgoing, nth: int) -> Outcome | None:
        if message.id == held[0] and nth == 1:
            return Outcome("retry_after", retry_after=30, error="Flood control exceeded")
        return None

    clock = FakeClock()
    delivery = FakeDelivery(clock, script)
    asyncio.run(drive(make(db, clock, delivery), lambda: settled(db)))
    limited = next(d for d in delivery.log if d.outcome.kind == "retry_after")
    to_five = delivery.tries_to(5)
    assert to_five[0] == limited.at
    # Nothing went to chat 5 during its 30 seconds ...
    assert all(t >= limited.at + timedelta(seconds=30) for t in to_five[1:])
    assert len(delivery.sent_to(5)) == 3
    # ... while the other chats went on at their own pace.
    others = delivery.sent_to(6) + delivery.sent_to(8)
    assert len(others) == 6
    assert all(t < limited.at + timedelta(seconds=5) for t in others)
    got = rows(db)
    assert got[held[0]].status == SENT and got[held[0]].attempts == 1
    assert got[held[0]].last_error is None


def test_transient_errors_back_off_then_fail(db: Database) -> None:
    [bad] = queue(db, [9])
    [good] = queue(db, [10])

    def script(message: Outgoing, nth: int) -> Outcome | None:
        if message.chat_id == 9:
            return Outcome("transient", error=f"Timed out ({nth})")
        return None

    clock = FakeClock()
    delivery = FakeDelivery(clock, script)
    sender = make(db, clock, delivery, max_attempts=5, backoff_base=2.0, backoff_cap=10.0)
    asyncio.run(drive(sender, lambda: settled(db)))
    tries = delivery.tries_to(9)
    assert len(tries) == 5
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(tries)]
    for gap, wanted in zip(gaps, [2, 4, 8, 10], strict=True):  # doubling, capped
        assert wanted <= gap < wanted + 1.5
    got = rows(db)
    assert got[bad].status == FAILED and got[bad].attempts == 5
    assert got[bad].last_error == "Timed out (5)"
    assert got[good].status == SENT
    assert sender.backoff(1) == 2 and sender.backoff(3) == 8 and sender.backoff(20) == 10


def test_a_transient_error_then_success(db: Database) -> None:
    [row_id] = queue(db, [11])
    clock = FakeClock()
    delivery = FakeDelivery(
        clock, lambda _m, nth: Outcome("transient", error="Bad Gateway") if nth < 3 else None
    )
    asyncio.run(drive(make(db, clock, delivery), lambda: settled(db)))
    row = rows(db)[row_id]
    assert row.status == SENT and row.attempts == 3 and row.last_error is None


def test_blocked_chat_is_marked_and_skipped(db: Database) -> None:
    blocked = queue(db, [12] * 4)
    others = queue(db, [13] * 2)
    clock = FakeClock()
    delivery = FakeDelivery(
        clock,
        lambda m, _n: (
            Outcome("blocked", error="Forbidden: bot was blocked by the user")
            if m.chat_id == 12
            else None
        ),
    )
    asyncio.run(drive(make(db, clock, delivery), lambda: settled(db)))
    assert len(delivery.tries_to(12)) == 1
    got = rows(db)
    assert {got[i].status for i in blocked} == {SKIPPED}
    assert {got[i].last_error for i in blocked} == {"Forbidden: bot was blocked by the user"}
    assert {got[i].status for i in others} == {SENT}
    with db.read() as session:
        mark = session.get(BlockedChat, 12)
        assert mark is not None and "blocked" in mark.reason

    # Rows planned later for that chat are skipped without a try.
    later = queue(db, [12, 13])
    asyncio.run(drive(make(db, clock, delivery), lambda: settled(db)))
    got = rows(db)
    assert got[later[0]].status == SKIPPED
    assert got[later[1]].status == SENT
    assert len(delivery.tries_to(12)) == 1


def test_failed_is_final(db: Database) -> None:
    [row_id] = queue(db, [14])
    clock = FakeClock()
    delivery = FakeDelivery(
        clock, lambda _m, _n: Outcome("failed", error="Bad Request: message is too long")
    )
    asyncio.run(drive(make(db, clock, delivery), lambda: settled(db)))
    row = rows(db)[row_id]
    assert row.status == FAILED and row.last_error == "Bad Request: message is too long"
    assert len(delivery.log) == 1


def test_expired_rows_are_dropped(db: Database) -> None:
    [stale] = queue(db, [15], due=NOW - timedelta(days=2), expires=NOW - timedelta(hours=1))
    [edge] = queue(db, [16], due=NOW - timedelta(days=2), expires=NOW)
    [fresh] = queue(db, [17])
    [future] = queue(db, [18], due=NOW + timedelta(hours=1))
    clock = FakeClock()
    delivery = FakeDelivery(clock)

    def done() -> bool:
        got = rows(db)
        return got[fresh].status == SENT and got[stale].status == DROPPED

    asyncio.run(drive(make(db, clock, delivery), done))
    got = rows(db)
    assert got[stale].last_error == EXPIRED and got[edge].status == DROPPED
    assert got[future].status == PENDING
    assert [d.message.id for d in delivery.log] == [fresh]


def test_recovery_of_rows_left_in_flight(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    [left] = queue(db, [19], status=SENDING)
    [waiting] = queue(db, [20])
    clock = FakeClock()
    delivery = FakeDelivery(clock)
    sender = make(db, clock, delivery)
    with caplog.at_level(logging.WARNING, logger="reminders.sender"):
        assert sender.recover_in_flight() == [left]
    [record] = [r for r in caplog.records if "in flight" in r.getMessage()]
    assert "may have been delivered; sending again" in record.getMessage()
    assert f"message {left} " in record.getMessage() and "chat 19" in record.getMessage()
    assert rows(db)[left].status == PENDING
    asyncio.run(drive(sender, lambda: settled(db)))
    assert sorted(d.message.id for d in delivery.log) == sorted([left, waiting])
    assert sender.recover_in_flight() == []


def test_a_replica_takes_back_only_rows_whose_claim_outlived_the_lease(db: Database) -> None:
    """Another sender's rows in flight are left alone; a dead one's come back after the lease."""
    [theirs] = queue(db, [22], status=SENDING)
    clock = FakeClock()
    with db.write() as session:
        session.connection().execute(
            sa.update(table(OutboxMessage))
            .where(table(OutboxMessage).c.id == theirs)
            .values(claimed_at=clock() - timedelta(seconds=10))
        )
    sender = make(db, clock, FakeDelivery(clock), lease=60.0)
    assert sender.recover_in_flight() == []
    assert rows(db)[theirs].status == SENDING
    clock.now += timedelta(seconds=51)
    assert sender.recover_in_flight() == [theirs]
    assert rows(db)[theirs].status == PENDING


def test_a_group_that_became_a_supergroup_gets_its_messages_there(db: Database) -> None:
    """Telegram answers "chat migrated": the message, the other pending ones to the old chat
    and the program's committee group move to the new chat, and everything is sent there."""
    old, new = -100777, -1009777
    pid = program(db)
    with db.write() as session:
        found = session.get(Program, pid)
        assert found is not None
        found.group_chat_id = old
        session.add(found)
    rows_ids = queue(db, [old, old])
    clock = FakeClock()

    def script(message: Outgoing, _n: int) -> Outcome | None:
        if message.chat_id == old:
            return Outcome("migrated", error=f"chat migrated to {new}", new_chat_id=new)
        return None

    delivery = FakeDelivery(clock, script)
    asyncio.run(drive(make(db, clock, delivery), lambda: settled(db)))
    got = rows(db)
    assert [got[i].status for i in rows_ids] == [SENT, SENT]
    assert [got[i].chat_id for i in rows_ids] == [new, new]
    assert len(delivery.sent_to(new)) == 2
    assert [d.outcome.kind for d in delivery.log if d.message.chat_id == old] == ["migrated"]
    with db.read() as session:
        moved = session.get(Program, pid)
        assert moved is not None and moved.group_chat_id == new
        assert session.get(BlockedChat, old) is None


def test_a_row_dropped_meanwhile_is_not_claimed(db: Database) -> None:
    [row_id] = queue(db, [21])
    with db.write() as session:
        o = table(OutboxMessage)
        session.connection().execute(
            sa.update(o).where(o.c.id == row_id).values(status=DROPPED, last_error="done")
        )
    sender = make(db, FakeClock(), FakeDelivery(FakeClock()))
    assert sender._claim(NOW, []) is None
    assert rows(db)[row_id].status == DROPPED


def test_two_senders_never_send_a_row_twice(db: Database) -> None:
    ids = queue(db, list(range(1, 301)))
    pace = Pace(global_per_second=2000, per_chat_interval=0.0, group_per_minute=1000)
    seen: list[int] = []

    class Slow(FakeDelivery):
        async def deliver(self, message: Outgoing) -> Outcome:
            seen.append(message.id)
            await asyncio.sleep(0.001)
            return await super().deliver(message)

    async def both() -> None:
        started = time.monotonic()

        def clock() -> datetime:  # real time, from NOW on
            return NOW + timedelta(seconds=time.monotonic() - started)

        a, b = (
            PacedSender(db, Slow(clock), clock=clock, pace=pace, concurrency=3, poll_interval=0.05)
            for _ in range(2)
        )
        await asyncio.gather(drive(a, lambda: settled(db)), drive(b, lambda: settled(db)))

    asyncio.run(both())
    assert sorted(seen) == sorted(ids)
    got = rows(db)
    assert {got[i].status for i in ids} == {SENT}
    assert {got[i].attempts for i in ids} == {1}


def test_pacer_group_window() -> None:
    pacer = Pacer(Pace(global_per_second=100, per_chat_interval=0.0, group_per_minute=3))
    for at in (0.0, 10.0, 20.0):
        assert pacer.free_at(GROUP, at) <= at
        pacer.record(GROUP, at)
    assert pacer.free_at(GROUP, 30.0) == 60.0
    busy, soonest = pacer.unavailable(30.0)
    assert busy == [GROUP] and soonest == 60.0
    pacer.hold(5, 45.0)
    assert pacer.unavailable(30.0) == ([GROUP, 5], 45.0)
    assert pacer.free_at(GROUP, 61.0) <= 61.0
