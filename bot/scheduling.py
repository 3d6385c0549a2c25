"""Reminders inside `phoihop run`: the planning job and the paced sender, on the bot's loop.

When the Application starts (`post_init`), `Reminders.start` puts the rows a killed process left
in flight back to pending (each logged), starts the sender task, and starts an APScheduler
`AsyncIOScheduler` (UTC) whose job runs `reminders.planner.plan_due` in a thread every minute
(first at once; one at a time; missed runs coalesced) and then wakes the sender. When the
Application stops (`post_stop`, or `post_shutdown` if it never ran), `Reminders.stop` stops the
job and lets the deliveries in flight finish and be recorded, while the Bot is still open.

Knobs, from the environment until they have a place in `config.settings` (all optional):
`PHOIHOP_REMINDERS_PLANNING` (0/false/off: the planning job does not run; the sender still
sends what the outbox holds), `PHOIHOP_SEND_PER_SECOND` (25), `PHOIHOP_SEND_CHAT_INTERVAL`
(1.0 s), `PHOIHOP_SEND_GROUP_PER_MINUTE` (18), `PHOIHOP_SEND_CONCURRENCY` (4),
`PHOIHOP_PLAN_EVERY` (60 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from telegram import Bot
from telegram.ext import Application

from bot.chat import SERVICES
from bot.delivery import Render, TelegramDelivery
from bot.i18n import translator
from bot.reminder_texts import render_outgoing
from config.settings import Settings
from reminders.messages import Outgoing
from reminders.planner import PlanResult, plan_due, release_planning
from reminders.sender import Clock, Pace, PacedSender, utc_now
from storage.database import Database

log = logging.getLogger(__name__)

REMINDERS = "phoihop.reminders"  # where the running service sits in `application.bot_data`
_OFF = ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class ReminderOptions:
    """How the reminders run inside the bot."""

    planning: bool = True
    plan_every: float = 60.0
    pace: Pace = field(default_factory=Pace)
    concurrency: int = 4
    lease: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderOptions:
        pace = Pace(
            global_per_second=settings.send_per_second,
            per_chat_interval=settings.send_chat_interval,
            group_per_minute=settings.send_group_per_minute,
        )
        return cls(
            planning=settings.reminders_planning,
            plan_every=settings.plan_every,
            pace=pace,
            concurrency=settings.send_concurrency,
            lease=settings.send_lease,
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ReminderOptions:
        """From the settings (environment and `.env`), or from `environ` alone."""
        settings = Settings() if environ is None else Settings.model_validate(dict(environ))
        return cls.from_settings(settings)


def default_render(database: Database) -> Render:
    """The reminders' texts from the catalogs, in each recipient's language."""

    def render(message: Outgoing) -> str:
        return render_outgoing(message, database=database, i18n=translator)

    return render


class Reminders:
    """The planning job and the sender of one bot process."""

    def __init__(
        self,
        database: Database,
        bot: Bot,
        *,
        options: ReminderOptions | None = None,
        render: Render | None = None,
        clock: Clock = utc_now,
        plan: Callable[[Database, datetime], PlanResult] = plan_due,
    ) -> None:
        if getattr(bot, "rate_limiter", None) is not None:
            # A rate limiter would retry a 429 by itself, holding every chat behind one.
            raise ValueError("the reminders' Bot must have no rate limiter; the sender paces")
        self.database = database
        self.options = options or ReminderOptions()
        self.clock = clock
        self.plan = plan
        self.sender = PacedSender(
            database,
            TelegramDelivery(bot, render or default_render(database)),
            clock=clock,
            pace=self.options.pace,
            concurrency=self.options.concurrency,
            lease=self.options.lease,
        )
        self.scheduler: AsyncIOScheduler | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await asyncio.to_thread(self.sender.recover_in_flight)
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.sender.run(self._stop), name="outbox sender")
        if self.options.planning:
            scheduler = AsyncIOScheduler(timezone=UTC)
            scheduler.add_job(
                self.plan_once,
                "interval",
                seconds=self.options.plan_every,
                next_run_time=datetime.now(UTC),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                id="plan_reminders",
            )
            scheduler.start()
            self.scheduler = scheduler
        log.info(
            "reminders started: planning %s, pace %s/s, %s s a chat, %s/min a group",
            f"every {self.options.plan_every:g} s" if self.options.planning else "off",
            self.options.pace.global_per_second,
            self.options.pace.per_chat_interval,
            self.options.pace.group_per_minute,
        )

    async def plan_once(self) -> PlanResult | None:
        """The job: plan what is due now (in a thread), then wake the sender."""
        try:
            result = await asyncio.to_thread(self.plan, self.database, self.clock())
        except Exception:
            log.exception("planning reminders failed")
            return None
        if result.planned or result.dropped or result.revived:
            log.info(
                "planned %s message(s), revived %s, dropped %s in %.2f s",
                result.planned,
                result.revived,
                result.dropped,
                result.seconds,
            )
        self.sender.wake()
        return result

    async def stop(self, timeout: float = 30.0) -> None:
        """Stops planning and sending; deliveries in flight finish and are recorded."""
        if self.scheduler is not None:
            with contextlib.suppress(Exception):
                self.scheduler.shutdown(wait=False)
            self.scheduler = None
            try:  # another replica, or the next start, may plan at once
                await asyncio.to_thread(release_planning, self.database)
            except Exception:
                log.exception("could not give the planning lease back")
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(task, timeout)
        except TimeoutError:
            log.warning("the outbox sender did not stop within %s s", timeout)
        except Exception:
            log.exception("the outbox sender failed")


async def start_reminders(application: Application) -> None:  # type: ignore[type-arg]
    """`post_init`: start the reminders of the bot's database."""
    services = application.bot_data[SERVICES]
    reminders = Reminders(
        services.db,
        application.bot,
        options=ReminderOptions.from_environ(),
        clock=services.clock,
    )
    application.bot_data[REMINDERS] = reminders
    await reminders.start()


async def stop_reminders(application: Application) -> None:  # type: ignore[type-arg]
    """`post_stop` / `post_shutdown`: stop them (a second call does nothing)."""
    reminders = application.bot_data.get(REMINDERS)
    if isinstance(reminders, Reminders):
        await reminders.stop()
