"""Incoming updates, kept before they have any effect, then processed in order.

python-telegram-bot's Updater confirms a batch of updates to Telegram with its next getUpdates,
before the handlers have run: a process killed in between would lose them. `phoihop run` polls
with `Intake.poll` instead: getUpdates -> store the whole batch in one transaction
(`storage.updates`) -> process every stored pending update in `update_id` order through
`Application.process_update` -> mark it done (or failed, with its error; a failure never blocks
the updates after it). Only the next getUpdates, whose offset is past the stored batch, confirms
it. On start, what was stored but not processed is processed first. An update processed when the
process was killed, before its mark, is processed again; the handlers record nothing twice
(reports are keyed by message, drafts confirmed once). Webhook mode (`bot.webhook`) stores each
update before answering 200 and processes it the same way.

Processes sharing a database (webhook replicas) claim the updates they work on
(`storage.updates.claim_updates`): different chats go to different processes, one chat's updates
are processed one at a time and in order, and a claim is a lease renewed while its update is being
processed, so a replica that dies leaves its updates to the others once the lease runs out. A
process restarted under the same name (host and port, or `PHOIHOP_INSTANCE`) takes its own
claims back at once; in polling mode, where only one process can fetch, every claim is taken back.

`serve` runs the Application around either: `initialize`, `post_init` (the reminders start),
`start`, the intake until SIGINT or SIGTERM, then `stop`, `post_stop`, `shutdown`,
`post_shutdown`, as `run_polling` would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot import logs
from storage.database import Database, unavailable
from storage.models import utcnow
from storage.updates import (
    claim_updates,
    last_update_id,
    mark_done,
    mark_failed,
    prune_updates,
    release_claims,
    renew_claim,
    store_updates,
    unclaim,
)

if TYPE_CHECKING:
    from bot.webhook import WebhookOptions

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
POLL_TIMEOUT = 10  # seconds a getUpdates waits for updates
BATCH = 10  # updates claimed at a time: small, so that replicas share a burst
LEASE = timedelta(seconds=30)
IDLE_CHECK = 1.0  # seconds: how often a replica looks for updates other replicas stored
KEEP_DONE = timedelta(days=7)  # processed updates are forgotten after this; failed ones stay


def describe(error: BaseException | None) -> str:
    return f"{type(error).__name__}: {error}"


class DatabaseAwayError(Exception):
    """Processing stopped because the database could not be reached; it goes on once it can."""


class Intake:
    """Stores incoming updates and processes the stored ones, one at a time, in order."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        holder: str = "poll",
        lease: timedelta = LEASE,
    ) -> None:
        self.application = application
        self.db = db
        self.clock = clock
        self.holder = holder
        self.lease = lease
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._errors: dict[int, BaseException] = {}
        # After the application's own error handler (which logs and apologizes): note the
        # failure so that the update is marked failed.
        application.add_error_handler(self._note_error)

    async def _note_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and context.error is not None:
            self._errors[update.update_id] = context.error

    async def store(self, updates: Sequence[Mapping[str, Any]]) -> int:
        """Keeps a batch in one transaction; returns how many were new."""
        now = self.clock()
        return await asyncio.to_thread(self.db.run_write, lambda s: store_updates(s, updates, now))

    def wake(self) -> None:
        """Something was stored: `work` processes it."""
        self._wake.set()

    async def prune(self) -> None:
        """Forgets updates processed more than `KEEP_DONE` ago (at start)."""
        before = self.clock() - KEEP_DONE
        try:
            count = await asyncio.to_thread(self.db.run_write, lambda s: prune_updates(s, before))
        except Exception:  # housekeeping only
            log.exception("pruning processed updates failed")
            return
        if count:
            log.info("forgot %s update(s) processed before %s", count, before)

    async def take_back_claims(self, *, everyone: bool) -> None:
        """At start: the claims of this process's previous life (or, polling, of anyone)."""
        holder = None if everyone else self.holder
        count = await asyncio.to_thread(
            self.db.run_write, lambda s: release_claims(s, holder=holder)
        )
        if count:
            log.info("took back %s update(s) claimed before a restart", count)

    async def process_pending(self) -> int:
        """Claims and processes stored pending updates, lowest update_id first, until none is
        left to claim; returns how many."""
        count = 0
        async with self._lock:
            while True:
                now = self.clock()
                rows = await asyncio.to_thread(
                    self.db.run_write,
                    lambda s, now=now: claim_updates(
                        s, holder=self.holder, now=now, lease=self.lease, limit=BATCH
                    ),
                )
                if not rows:
                    return count
                for update_id, payload in rows:
                    await self._process(update_id, payload)
                    count += 1

    async def _heartbeat(self, update_id: int) -> None:
        """Renews the claim on an update while it is being processed (a slow export, say)."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            now = self.clock()
            try:
                await asyncio.to_thread(
                    self.db.run_write,
                    lambda s, now=now: renew_claim(
                        s, update_id=update_id, holder=self.holder, now=now
                    ),
                )
            except Exception:  # the next beat tries again; the lease has slack for it
                log.warning("could not renew the claim on update %s", update_id, exc_info=True)

    async def _process(self, update_id: int, payload: dict[str, Any]) -> None:
        raised: BaseException | None = None
        self._errors.pop(update_id, None)
        heartbeat = asyncio.create_task(self._heartbeat(update_id))
        try:
            update = Update.de_json(payload, self.application.bot)
            user = update.effective_user
            logs.bind_update(update_id, user.id if user is not None else None)
            await self.application.process_update(update)
        except Exception as exc:  # process_update hands handler errors to the error handlers
            log.exception("update %s could not be processed", update_id)
            raised = exc
        finally:
            heartbeat.cancel()
        failure = raised or self._errors.pop(update_id, None)
        if unavailable(failure):
            # Not the update's fault: it stays pending and is processed again once the database
            # is back (what its handler wrote was rolled back with its transaction).
            with contextlib.suppress(Exception):
                await asyncio.to_thread(
                    self.db.run_write,
                    lambda s: unclaim(s, update_id=update_id, holder=self.holder),
                )
            raise DatabaseAwayError(f"update {update_id}: {describe(failure)}") from failure
        now = self.clock()
        if failure is None:
            await asyncio.to_thread(self.db.run_write, lambda s: mark_done(s, update_id, now))
        else:
            error = describe(failure)
            log.warning("update %s failed: %s", update_id, error)
            await asyncio.to_thread(
                self.db.run_write, lambda s: mark_failed(s, update_id, error, now)
            )

    async def work(self, stop: asyncio.Event) -> None:
        """Processes what is stored now, whenever woken, and what other replicas stored or left
        behind (looked for every `IDLE_CHECK` seconds), until `stop`."""
        await self.prune()
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.process_pending()
            except DatabaseAwayError as exc:
                log.warning("the database is away, trying again shortly: %s", exc)
                await _sleep_or_stop(stop, 1.0)
                self._wake.set()
            except Exception:  # the database is away (while claiming): try again shortly
                log.exception("processing stored updates failed")
                await _sleep_or_stop(stop, 1.0)
                self._wake.set()
            await _wait_either(stop, self._wake, timeout=IDLE_CHECK)

    async def poll(
        self, stop: asyncio.Event, *, timeout: int = POLL_TIMEOUT, backoff: float = 1.0
    ) -> None:
        """getUpdates -> store -> wake `work`, until `stop`; see the module docstring. The
        stored updates are processed by `work`, which runs beside."""
        bot = self.application.bot
        last = await asyncio.to_thread(self._last_update_id)
        offset = None if last is None else last + 1
        delay = backoff
        while not stop.is_set():
            fetch = asyncio.ensure_future(
                bot.get_updates(
                    offset=offset, timeout=timeout, allowed_updates=list(ALLOWED_UPDATES)
                )
            )
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not fetch.done():
                fetch.cancel()
                with contextlib.suppress(BaseException):
                    await fetch
                return
            try:
                updates = fetch.result()
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                await _sleep_or_stop(stop, seconds)
                continue
            except (InvalidToken, Conflict) as exc:
                log.error("getUpdates refused: %s", exc)
                await _sleep_or_stop(stop, max(delay, 5.0))
                continue
            except TelegramError as exc:
                log.warning("getUpdates failed, retrying in %.0f s: %s", delay, exc)
                await _sleep_or_stop(stop, delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = backoff
            if not updates:
                continue
            payloads = [u.to_dict() for u in updates]
            while True:
                try:
                    await self.store(payloads)
                    break
                except Exception:  # never confirm what is not stored: retry the same batch
                    log.exception("storing %s update(s) failed", len(payloads))
                    if stop.is_set():
                        return
                    await _sleep_or_stop(stop, delay)
                    delay = min(delay * 2, 30.0)
            delay = backoff
            # Never back: a redelivered old update must not move the offset down.
            offset = max([offset or 0, *(u.update_id + 1 for u in updates)])
            self.wake()

    def _last_update_id(self) -> int | None:
        with self.db.read() as s:
            return last_update_id(s)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _wait_either(
    first: asyncio.Event, second: asyncio.Event, *, timeout: float | None = None
) -> None:
    waits = [asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def serve(
    application: Application,  # type: ignore[type-arg]
    db: Database,
    *,
    webhook: WebhookOptions | None = None,
    stop: asyncio.Event | None = None,
    instance: str | None = None,
    lease: timedelta = LEASE,
) -> None:
    """Runs the bot until SIGINT or SIGTERM (or `stop`): polling, or the webhook's server.
    `instance` names this process among replicas (default: host and port)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    holder = instance or f"{socket.gethostname()}:{webhook.port if webhook else 'poll'}"
    intake = Intake(application, db, holder=holder[:64], lease=lease)
    await intake.take_back_claims(everyone=webhook is None)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            if webhook is None:
                try:  # polling and a webhook exclude each other
                    await application.bot.delete_webhook()
                except TelegramError as exc:
                    log.warning("could not delete the webhook: %s", exc)
                worker = asyncio.create_task(intake.work(stop), name="update intake")
                try:
                    await intake.poll(stop)
                finally:
                    stop.set()
                    await worker
            else:
                from bot.webhook import serve_webhook

                await serve_webhook(intake, webhook, stop)
        finally:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        log.info("stopped")
