"""The paced sender: takes ready rows of the outbox and hands them to a `Delivery`, within
Telegram's limits, recording every outcome.

One dispatcher coroutine claims rows and starts deliveries (at most `concurrency` at once):

- **Pace.** A message goes only when three limits allow it: the global rate (one message every
  1/`global_per_second` seconds), the per-chat interval (nothing to a chat within
  `per_chat_interval` of the last message to it, nor while a message to it is in flight) and the
  group window (at most `group_per_minute` in any 60 seconds to one group; group chat ids are
  negative). A 429 holds its chat, in memory and by the row's `not_before`, for its retry_after:
  it delays only what it concerns.
- **Claim.** Each message is claimed at the moment its slot comes, by one conditional UPDATE
  that picks the next ready row (pending, `not_before` passed, not expired, its chat neither
  blocked nor held, oldest `not_before` first) and moves it pending -> sending (attempts + 1,
  `claimed_at`). Only a row still pending is claimed, so a planner dropping it concurrently, or a
  second sender on the same database, wins cleanly; on PostgreSQL the row is picked with
  `FOR UPDATE SKIP LOCKED`, so replicas never wait on each other's rows. Claiming one row per
  slot keeps a single row in flight per delivery: a process killed mid-run leaves at most
  `concurrency` rows in "sending".
- **Shared pace.** Replicas on one database share the global rate: every sweep, a sender renews
  its lease `sender:<id>` (storage.leases) and counts the live ones, and paces itself at
  `global_per_second` divided by that count, so N replicas together stay within Telegram's limit.
- **Outcomes.** sent (sent_at, telegram_message_id); retry_after (back to pending after it; a
  429 is not counted as an attempt); transient (pending again with exponential backoff, "failed"
  after `max_attempts`); blocked (the chat goes to `BlockedChat`, this row and the chat's other
  pending rows to "skipped"); failed. Every outcome's text goes to `last_error` (None when sent).
- **Sweeps.** About once a second: ready rows past their `expires_at` become "dropped" (last_error
  "expired"), ready rows to a blocked chat "skipped".
- **Restarts.** `recover_in_flight()`, called before `run`, puts rows left in "sending" by a
  process that died back to pending and logs each at WARNING: the one case where a message may be
  delivered twice.

Database work is synchronous SQLAlchemy run in threads (`asyncio.to_thread`), so the event loop
(and the bot's handlers) never wait on it. The clock and the sleep are injectable: tests drive
time by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session

from reminders.messages import (
    DROPPED,
    EXPIRED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    Delivery,
    Outcome,
    Outgoing,
)
from storage.database import Database, is_sqlite
from storage.groups import migrate_group
from storage.leases import live_holders, release_lease, take_lease
from storage.models import BlockedChat, OutboxMessage, table

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]

_OUTBOX = table(OutboxMessage)
_BLOCKED = table(BlockedChat)
_ERROR_LENGTH = 500


SENDER_LEASE = "sender:"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Pace:
    """Telegram's limits, with a margin: messages a second overall, seconds between two messages
    to one chat, messages a minute to one group."""

    global_per_second: float = 25.0
    per_chat_interval: float = 1.0
    group_per_minute: int = 18


class Pacer:
    """Which chats may receive a message now, and when the next global slot comes.

    Times are POSIX seconds of the sender's clock. Pure bookkeeping: it never sleeps.
    """

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self.step = 1.0 / pace.global_per_second
        # A slot taken this late after its time (the sleep overshot) still counts as taken
        # on time: the schedule keeps its rate instead of drifting by every overshoot.
        self.slack = min(0.25 * self.step, 0.01)
        self.next_global = 0.0
        self._chat_free: dict[int, float] = {}  # chat -> earliest next message
        self._groups: dict[int, deque[float]] = {}  # group -> its sends of the last minute
        self.in_flight: set[int] = set()

    def record(self, chat_id: int, at: float, slot: float | None = None) -> None:
        """A message to `chat_id` leaves at `at`, in the global slot scheduled at `slot` (by
        default `at`): the next global slot comes one step after it."""
        self.next_global = max(self.next_global, at if slot is None else slot) + self.step
        self._chat_free[chat_id] = max(self._chat_free.get(chat_id, 0.0), at) + (
            self.pace.per_chat_interval
        )
        if chat_id < 0:
            self._groups.setdefault(chat_id, deque()).append(at)

    def hold(self, chat_id: int, until: float) -> None:
        """Nothing to `chat_id` before `until` (a 429's retry_after)."""
        self._chat_free[chat_id] = max(self._chat_free.get(chat_id, 0.0), until)

    def free_at(self, chat_id: int, now: float) -> float:
        """When `chat_id` may next receive a message (<= now: at once); in flight: +inf."""
        if chat_id in self.in_flight:
            return float("inf")
        at = self._chat_free.get(chat_id, 0.0)
        window = self._groups.get(chat_id)
        if window is not None:
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.pace.group_per_minute:
                at = max(at, window[len(window) - self.pace.group_per_minute] + 60.0)
        return at

    def unavailable(self, now: float) -> tuple[list[int], float | None]:
        """The chats that may not receive a message now, and the soonest time one of them
        frees up by the clock alone (None: none will; in-flight chats free up when their
        delivery ends). Forgets what no longer matters."""
        busy = set(self.in_flight)
        soonest: float | None = None
        for chat_id in set(self._chat_free) | set(self._groups):
            if chat_id in self.in_flight:
                continue
            at = self.free_at(chat_id, now)
            if at > now:
                busy.add(chat_id)
                soonest = at if soonest is None else min(soonest, at)
        for chat_id, at in list(self._chat_free.items()):
            if at <= now:
                del self._chat_free[chat_id]
        for chat_id, window in list(self._groups.items()):
            if not window:
                del self._groups[chat_id]
        return sorted(busy), soonest


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= _ERROR_LENGTH else text[: _ERROR_LENGTH - 1] + "…"


class PacedSender:
    """Sends the outbox through `delivery` within `pace`; see the module docstring."""

    def __init__(
        self,
        database: Database,
        delivery: Delivery,
        *,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        pace: Pace | None = None,
        concurrency: int = 4,
        max_attempts: int = 8,
        backoff_base: float = 2.0,
        backoff_cap: float = 600.0,
        poll_interval: float = 1.0,
        sweep_interval: float = 1.0,
        lease: float = 60.0,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.database = database
        self.delivery = delivery
        self.clock = clock
        self.sleep = sleep
        self.pace = pace or Pace()
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.poll_interval = poll_interval
        self.sweep_interval = sweep_interval
        self.lease = lease
        self._mine: set[int] = set()  # rows this sender has claimed and not yet recorded
        self.pacer = Pacer(self.pace)
        self._postgres = not is_sqlite(database.engine)
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_sweep: float | None = None
        # This sender's lease among the senders sharing the database (see "Shared pace").
        self.lease_name = f"{SENDER_LEASE}{uuid.uuid4().hex[:16]}"
        self.senders = 1

    # --- the public face ---------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Deliveries started and not yet recorded."""
        return len(self._tasks)

    def wake(self) -> None:
        """New rows may be ready (the planner just ran): look now rather than at the next poll."""
        self._wake.set()

    def recover_in_flight(self) -> list[int]:
        """Rows left "sending" by a sender that died go back to pending; each is logged, for it
        may have been delivered already and will be sent again. Returns their ids.

        A row counts as left once its claim is older than `lease` seconds (longer than any
        delivery takes), so that a replica starting beside another never takes the rows the
        other is sending; with one process, `lease=0` takes them all at once."""
        now = self.clock()
        rows = self._write(lambda conn: self._recover(conn, now))
        self._log_recovered(rows)
        return [row.id for row in rows]

    def _recover(self, conn: Connection, now: datetime) -> list[Any]:
        stale = sa.and_(
            _OUTBOX.c.status == SENDING,
            sa.or_(
                _OUTBOX.c.claimed_at.is_(None),
                _OUTBOX.c.claimed_at <= now - timedelta(seconds=self.lease),
            ),
        )
        if self._mine:
            stale = sa.and_(stale, _OUTBOX.c.id.not_in(sorted(self._mine)))
        rows = conn.execute(
            sa.select(_OUTBOX.c.id, _OUTBOX.c.kind, _OUTBOX.c.chat_id)
            .where(stale)
            .order_by(_OUTBOX.c.id)
        ).all()
        if rows:
            conn.execute(
                sa.update(_OUTBOX)
                .where(_OUTBOX.c.id.in_([row.id for row in rows]), stale)
                .values(status=PENDING)
            )
        return list(rows)

    @staticmethod
    def _log_recovered(rows: Iterable[Any]) -> None:
        for row in rows:
            log.warning(
                "outbox message %s (%s to chat %s) was in flight when its sender stopped: "
                "may have been delivered; sending again",
                row.id,
                row.kind,
                row.chat_id,
            )

    async def run(self, stop: asyncio.Event) -> None:
        """Sends until `stop` is set, then waits for the deliveries in flight to be recorded."""
        semaphore = asyncio.Semaphore(self.concurrency)
        try:
            while not stop.is_set():
                try:
                    await self._maybe_sweep()
                    slot = await self._wait_global_slot(stop)
                    if stop.is_set():
                        break
                    await semaphore.acquire()
                    started = False
                    try:
                        started = await self._dispatch_one(semaphore, stop, slot)
                    finally:
                        if not started:
                            semaphore.release()
                except Exception:
                    log.exception("outbox sender: unexpected error; retrying shortly")
                    await self._pause(stop, self.poll_interval)
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            with contextlib.suppress(Exception):  # the lease runs out by itself anyway
                await asyncio.to_thread(
                    self.database.run_write,
                    lambda s: release_lease(
                        session=s, name=self.lease_name, holder=self.lease_name
                    ),
                )

    # --- the dispatcher ----------------------------------------------------------------------

    def _now(self) -> float:
        return self.clock().timestamp()

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        """Sleeps `seconds`, or less if woken or stopped."""
        if seconds <= 0 or stop.is_set():
            return
        if self._wake.is_set():
            self._wake.clear()
            return
        sleeper = asyncio.ensure_future(self.sleep(seconds))
        waiters = [
            sleeper,
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(stop.wait()),
        ]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            for waiter in waiters:
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
        self._wake.clear()

    async def _wait_global_slot(self, stop: asyncio.Event) -> float | None:
        """Waits for the next global slot; returns its scheduled time if it had to wait for it
        (None: the slot was already due, the sender was behind or idle)."""
        waited: float | None = None
        while not stop.is_set():
            delay = self.pacer.next_global - self._now()
            if delay <= 0:
                return waited
            waited = self.pacer.next_global
            sleeper = asyncio.ensure_future(self.sleep(delay))
            stopper = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait([sleeper, stopper], return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in (sleeper, stopper):
                    waiter.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await waiter
        return waited

    async def _dispatch_one(
        self, semaphore: asyncio.Semaphore, stop: asyncio.Event, slot: float | None
    ) -> bool:
        """Claims the next sendable row and starts its delivery (True); or waits (False)."""
        now = self.clock()
        if slot is not None and now.timestamp() - slot > self.pacer.slack:
            slot = None  # taken late (all deliveries were busy): the schedule restarts now
        busy, soonest = self.pacer.unavailable(now.timestamp())
        message = await asyncio.to_thread(self._claim, now, busy)
        if message is None:
            wait = self.poll_interval
            if soonest is not None:
                wait = min(wait, max(0.0, soonest - now.timestamp()))
            await self._pause(stop, max(wait, 0.001))
            return False
        self.pacer.record(
            message.chat_id, self._now(), slot=now.timestamp() if slot is None else slot
        )
        self.pacer.in_flight.add(message.chat_id)
        self._mine.add(message.id)
        task = asyncio.create_task(self._deliver(message, semaphore))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _deliver(self, message: Outgoing, semaphore: asyncio.Semaphore) -> None:
        try:
            try:
                outcome = await self.delivery.deliver(message)
            except Exception as exc:  # a Delivery never raises for Telegram's answers: a bug
                log.exception("delivering outbox message %s raised", message.id)
                outcome = Outcome("transient", error=f"internal error: {exc!r}")
            now = self.clock()
            if outcome.kind == "retry_after":
                self.pacer.hold(message.chat_id, now.timestamp() + outcome.retry_after)
            await self._record(message, outcome, now)
        finally:
            self.pacer.in_flight.discard(message.chat_id)
            self._mine.discard(message.id)
            semaphore.release()
            self._wake.set()

    async def _record(self, message: Outgoing, outcome: Outcome, now: datetime) -> None:
        for attempt in range(1, 6):
            try:
                if outcome.kind == "migrated" and outcome.new_chat_id is not None:
                    await asyncio.to_thread(
                        self.database.run_write, lambda s: self._migrate(s, message, outcome, now)
                    )
                else:
                    await asyncio.to_thread(
                        self._write, lambda c: self._apply(c, message, outcome, now)
                    )
                return
            except Exception:
                if attempt == 5:
                    log.exception(
                        "could not record the outcome (%s) of outbox message %s; it stays "
                        "'sending' and will be sent again after a restart",
                        outcome.kind,
                        message.id,
                    )
                    return
                log.warning("recording outbox message %s failed; retrying", message.id)
                await asyncio.sleep(0.1 * 2**attempt)

    async def _maybe_sweep(self) -> None:
        now = self.clock()
        stamp = now.timestamp()
        if self._last_sweep is not None and stamp - self._last_sweep < self.sweep_interval:
            return
        self._last_sweep = stamp
        senders = await asyncio.to_thread(
            self.database.run_write, lambda s: self._sweep_and_share(s, now)
        )
        if senders != self.senders:
            log.info(
                "outbox: %s sender(s) share the pace of %s/s", senders, self.pace.global_per_second
            )
            self.senders = senders
            self.pacer.step = senders / self.pace.global_per_second

    def _sweep_and_share(self, session: Session, now: datetime) -> int:
        """The sweep, and this sender's lease renewed: one transaction a sweep. Returns how
        many senders share the pace."""
        self._sweep(session.connection(), now)
        ttl = timedelta(seconds=max(5.0, 5 * self.sweep_interval))
        take_lease(session=session, name=self.lease_name, holder=self.lease_name, now=now, ttl=ttl)
        return max(1, live_holders(session=session, prefix=SENDER_LEASE, now=now))

    # --- database work (in threads) ------------------------------------------------------------

    def _write(self, work: Callable[[Connection], Any]) -> Any:
        return self.database.run_write(lambda session: work(session.connection()))

    def _sweep(self, conn: Connection, now: datetime) -> None:
        # A sender that died (another replica, or this process before a restart) left rows.
        self._log_recovered(self._recover(conn, now))
        ready = sa.and_(_OUTBOX.c.status == PENDING, _OUTBOX.c.not_before <= now)
        expired = conn.execute(
            sa.update(_OUTBOX)
            .where(ready, _OUTBOX.c.expires_at <= now)
            .values(status=DROPPED, last_error=EXPIRED)
        )
        reason = (
            sa.select(_BLOCKED.c.reason)
            .where(_BLOCKED.c.chat_id == _OUTBOX.c.chat_id)
            .scalar_subquery()
        )
        skipped = conn.execute(
            sa.update(_OUTBOX)
            .where(ready, _OUTBOX.c.chat_id.in_(sa.select(_BLOCKED.c.chat_id)))
            .values(status=SKIPPED, last_error=sa.func.coalesce(reason, "blocked"))
        )
        if expired.rowcount or skipped.rowcount:
            log.info(
                "outbox: %s expired message(s) dropped, %s to blocked chats skipped",
                expired.rowcount,
                skipped.rowcount,
            )

    def _claim(self, now: datetime, busy: Iterable[int]) -> Outgoing | None:
        busy = list(busy)

        def work(conn: Connection) -> Outgoing | None:
            pick = (
                sa.select(_OUTBOX.c.id)
                .where(
                    _OUTBOX.c.status == PENDING,
                    _OUTBOX.c.not_before <= now,
                    _OUTBOX.c.expires_at > now,
                    _OUTBOX.c.chat_id.not_in(sa.select(_BLOCKED.c.chat_id)),
                )
                .order_by(_OUTBOX.c.not_before, _OUTBOX.c.id)
                .limit(1)
            )
            if busy:
                pick = pick.where(_OUTBOX.c.chat_id.not_in(busy))
            if self._postgres:
                pick = pick.with_for_update(skip_locked=True)
            row = conn.execute(
                sa.update(_OUTBOX)
                .where(_OUTBOX.c.id == pick.scalar_subquery(), _OUTBOX.c.status == PENDING)
                .values(status=SENDING, attempts=_OUTBOX.c.attempts + 1, claimed_at=now)
                .returning(
                    _OUTBOX.c.id,
                    _OUTBOX.c.program_id,
                    _OUTBOX.c.kind,
                    _OUTBOX.c.chat_id,
                    _OUTBOX.c.language,
                    _OUTBOX.c.payload,
                    _OUTBOX.c.due_at,
                )
            ).first()
            if row is None:
                return None
            return Outgoing(
                id=row.id,
                program_id=row.program_id,
                kind=row.kind,
                chat_id=row.chat_id,
                language=row.language,
                payload=dict(row.payload or {}),
                due_at=row.due_at,
            )

        result: Outgoing | None = self._write(work)
        return result

    def _migrate(
        self, session: Session, message: Outgoing, outcome: Outcome, now: datetime
    ) -> None:
        """The group became a supergroup: the message (and every other pending one to the old
        chat) goes to the new chat, and so does the committee group of its programs."""
        assert outcome.new_chat_id is not None
        session.connection().execute(
            sa.update(_OUTBOX)
            .where(_OUTBOX.c.id == message.id, _OUTBOX.c.status == SENDING)
            .values(
                status=PENDING,
                not_before=now,
                attempts=_OUTBOX.c.attempts - 1,
                last_error=_clip(outcome.error),
            )
        )
        migrate_group(
            session=session,
            old_chat_id=message.chat_id,
            new_chat_id=outcome.new_chat_id,
            now=now,
        )
        log.warning(
            "chat %s became supergroup %s: its messages and committee group moved there",
            message.chat_id,
            outcome.new_chat_id,
        )

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th attempt failed transiently."""
        return float(min(self.backoff_cap, self.backoff_base * 2 ** max(0, attempts - 1)))

    def _apply(self, conn: Connection, message: Outgoing, outcome: Outcome, now: datetime) -> None:
        this = sa.and_(_OUTBOX.c.id == message.id, _OUTBOX.c.status == SENDING)
        error = _clip(outcome.error)
        if outcome.kind == "sent":
            conn.execute(
                sa.update(_OUTBOX)
                .where(_OUTBOX.c.id == message.id)
                .values(
                    status=SENT,
                    sent_at=now,
                    telegram_message_id=outcome.message_id,
                    last_error=None,
                )
            )
        elif outcome.kind == "retry_after":
            later = now + timedelta(seconds=max(outcome.retry_after, 0.0))
            conn.execute(
                sa.update(_OUTBOX)
                .where(this)
                .values(
                    status=PENDING,
                    not_before=later,
                    attempts=_OUTBOX.c.attempts - 1,
                    last_error=error or f"retry after {outcome.retry_after:g} s",
                )
            )
            log.info(
                "outbox message %s: 429, chat %s held %.1f s",
                message.id,
                message.chat_id,
                outcome.retry_after,
            )
        elif outcome.kind == "transient":
            attempts = conn.execute(
                sa.select(_OUTBOX.c.attempts).where(_OUTBOX.c.id == message.id)
            ).scalar_one()
            if attempts >= self.max_attempts:
                values: dict[str, Any] = {"status": FAILED, "last_error": error}
                log.error(
                    "outbox message %s failed after %s attempts: %s", message.id, attempts, error
                )
            else:
                delay = self.backoff(attempts)
                values = {
                    "status": PENDING,
                    "not_before": now + timedelta(seconds=delay),
                    "last_error": error,
                }
                log.info(
                    "outbox message %s: transient error (%s), again in %g s",
                    message.id,
                    error,
                    delay,
                )
            conn.execute(sa.update(_OUTBOX).where(this).values(**values))
        elif outcome.kind in ("blocked", "migrated"):  # migrated without a new id: as blocked
            reason = error or "blocked"
            known = conn.execute(
                sa.select(_BLOCKED.c.chat_id).where(_BLOCKED.c.chat_id == message.chat_id)
            ).first()
            if known is None:
                conn.execute(
                    sa.insert(_BLOCKED).values(chat_id=message.chat_id, reason=reason, at=now)
                )
            conn.execute(
                sa.update(_OUTBOX)
                .where(
                    sa.or_(
                        _OUTBOX.c.id == message.id,
                        sa.and_(_OUTBOX.c.chat_id == message.chat_id, _OUTBOX.c.status == PENDING),
                    )
                )
                .where(_OUTBOX.c.status.in_((PENDING, SENDING)))
                .values(status=SKIPPED, last_error=reason)
            )
            log.warning(
                "chat %s may not be written to (%s): marked blocked", message.chat_id, reason
            )
        else:
            conn.execute(
                sa.update(_OUTBOX).where(this).values(status=FAILED, last_error=error or "failed")
            )
            log.error("outbox message %s refused: %s", message.id, error)
