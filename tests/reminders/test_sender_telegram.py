"""The paced sender with the real Bot (python-telegram-bot over HTTP) against the strict fake Bot
API with Telegram's flood limits on: a normal run meets no 429; a 429 storm delays only what it
hits, for its retry_after, and every message arrives exactly once; a chat that blocked the bot
is marked and skipped; Bot API errors map to the outbox's outcomes."""

from __future__ import annotations

import asyncio
import html
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.delivery import TelegramDelivery, outcome_of
from bot.scheduling import ReminderOptions, Reminders
from reminders.messages import FAILED, SENT, SKIPPED, Outgoing
from reminders.planner import PlanResult
from reminders.sender import Pace, PacedSender
from storage.database import Database
from storage.models import BlockedChat, OutboxMessage
from tests.fakes.bot_api import FakeBotAPI
from tests.reminders.test_sender import drive, queue, rows, settled

GROUP = -1009876543210
MARK = re.compile(r"#(\d+)\b")


def render(message: Outgoing) -> str:
    return f"<b>Nhắc việc</b> #{message.id} {html.escape('hạn & báo cáo')}"


def ready(db: Database, chats: list[int]) -> list[int]:
    """Outbox rows due a minute ago (by the real clock), one per chat in `chats`."""
    now = datetime.now(UTC)
    return queue(db, chats, due=now - timedelta(minutes=1), expires=now + timedelta(days=1))


async def with_bot(api: FakeBotAPI, work: Callable[[Bot], Awaitable[None]]) -> None:
    bot = Bot(api.token, base_url=api.base_url, request=HTTPXRequest(connection_pool_size=8))
    async with bot:
        await work(bot)


def sender(db: Database, bot: Bot, **kw: Any) -> PacedSender:
    return PacedSender(db, TelegramDelivery(bot, render), **kw)


def delivered(api: FakeBotAPI) -> Counter[int]:
    """How often each outbox id reached a chat."""
    return Counter(int(MARK.findall(m["text"])[0]) for m in api.sent_messages())


def too_many(api: FakeBotAPI) -> list[Any]:
    return [c for c in api.calls_to("sendMessage") if c.status == 429]


def test_a_normal_run_meets_no_429(db: Database) -> None:
    users = list(range(50001, 50020))
    with FakeBotAPI(rate_limits=True) as api:
        for user in users:
            api.add_user(user)
        api.add_group(GROUP)
        ids = ready(db, [u for _ in range(10) for u in users] + [GROUP] * 11)

        async def work(bot: Bot) -> None:
            await drive(sender(db, bot), lambda: settled(db), timeout=60)

        asyncio.run(with_bot(api, work))
        assert too_many(api) == [] and api.errors == []
        assert delivered(api) == Counter(ids)
        got = rows(db)
        assert {got[i].status for i in ids} == {SENT}
        assert {got[i].attempts for i in ids} == {1}
        # The text went as HTML, escaped, with its entity.
        first = api.sent_messages(users[0])[0]
        assert "hạn & báo cáo" in first["text"] and first["entities"][0]["type"] == "bold"


def test_a_429_storm(db: Database) -> None:
    users = list(range(60001, 60011))
    with FakeBotAPI(rate_limits=True) as api:
        for user in users:
            api.add_user(user)
        ids = ready(db, [u for _ in range(5) for u in users])
        api.storm_429(
            12, retry_after=2, method="sendMessage"
        )  # the next 12 messages, wherever they go
        api.storm_429(
            3, retry_after=3, chat_id=users[0], method="sendMessage"
        )  # and then chat 1 alone, again

        async def work(bot: Bot) -> None:
            await drive(sender(db, bot), lambda: settled(db), timeout=60)

        asyncio.run(with_bot(api, work))
        assert delivered(api) == Counter(ids)  # every message, exactly once
        refused = too_many(api)
        assert len(refused) == 15
        # Nothing went to a chat before its retry_after had passed.
        calls = defaultdict(list)
        for call in api.calls_to("sendMessage"):
            calls[call.params["chat_id"]].append(call)
        for chat_calls in calls.values():
            for before, after in itertools.pairwise(chat_calls):
                if before.status == 429:
                    assert before.error is not None
                    wait = int(before.error.rsplit(" ", 1)[-1])
                    assert after.at - before.at >= wait - 0.05, (before, after)
        # ... and nothing but the storm was refused: the pace kept within Telegram's limits.
        assert all("retry after" in (c.error or "") for c in api.errors)
        got = rows(db)
        assert {got[i].status for i in ids} == {SENT}
        assert {got[i].attempts for i in ids} == {1}  # a 429 is not an attempt


def test_a_blocked_user_is_marked(db: Database) -> None:
    with FakeBotAPI(rate_limits=True) as api:
        api.add_user(70001)
        api.add_user(70002)
        api.block(70002)
        fine = ready(db, [70001, 70001])
        blocked = ready(db, [70002, 70002, 70002])
        [unknown] = ready(db, [70003])  # a chat Telegram does not know

        async def work(bot: Bot) -> None:
            await drive(sender(db, bot), lambda: settled(db), timeout=30)

        asyncio.run(with_bot(api, work))
        assert len([c for c in api.calls_to("sendMessage") if c.params["chat_id"] == 70002]) == 1
        got = rows(db)
        assert {got[i].status for i in fine} == {SENT}
        assert {got[i].status for i in blocked} == {SKIPPED}
        assert got[blocked[0]].last_error == "Forbidden: bot was blocked by the user"
        assert (
            got[unknown].status == SKIPPED
            and "chat not found" in (got[unknown].last_error or "").lower()
        )
        with db.read() as session:
            assert session.get(BlockedChat, 70002) is not None
            assert session.get(BlockedChat, 70003) is not None


def test_transient_errors_then_sent_and_bad_requests_fail(db: Database) -> None:
    with FakeBotAPI(rate_limits=True) as api:
        api.add_user(80001)
        api.add_user(80002)
        [flaky] = ready(db, [80001])
        api.fail_next(2, status=502, chat_id=80001)

        def too_long(message: Outgoing) -> str:
            return "x" * 5000 if message.chat_id == 80002 else render(message)

        [long] = ready(db, [80002])

        async def work(bot: Bot) -> None:
            s = PacedSender(db, TelegramDelivery(bot, too_long), backoff_base=0.2)
            await drive(s, lambda: settled(db), timeout=30)

        asyncio.run(with_bot(api, work))
        got = rows(db)
        assert got[flaky].status == SENT and got[flaky].attempts == 3
        assert got[long].status == FAILED and "too long" in (got[long].last_error or "")


def test_outcomes_of_bot_api_errors() -> None:
    assert outcome_of(RetryAfter(7)).retry_after == 7
    assert outcome_of(RetryAfter(timedelta(seconds=2.5))).retry_after == 2.5
    assert outcome_of(RetryAfter(7)).kind == "retry_after"
    assert outcome_of(Forbidden("Forbidden: bot was kicked from the group chat")).kind == (
        "blocked"
    )
    migrated = outcome_of(ChatMigrated(-1001111))
    assert (migrated.kind, migrated.new_chat_id) == ("migrated", -1001111)
    assert "-1001111" in (migrated.error or "")
    assert outcome_of(BadRequest("Chat not found")).kind == "blocked"
    assert outcome_of(BadRequest("Can't parse entities: unclosed tag")).kind == "failed"
    assert outcome_of(TimedOut()).kind == "transient"
    assert outcome_of(NetworkError("Bad Gateway")).kind == "transient"


def test_reminders_plan_at_once_then_send(db: Database) -> None:
    """Inside the bot: the planning job runs at start, in a thread, and wakes the sender; a row
    left in flight is recovered first; stopping lets the deliveries end."""
    [left] = ready(db, [95001])
    with db.write() as session:
        row = session.get(OutboxMessage, left)
        assert row is not None
        row.status = "sending"
    planned: list[int] = []

    def plan(database: Database, now: datetime) -> PlanResult:
        assert now.tzinfo is not None
        if not planned:
            planned.extend(ready(database, [95001, 95002, 95003]))
        return PlanResult(programs=1, planned=3)

    with FakeBotAPI(rate_limits=True) as api:
        for user in (95001, 95002, 95003):
            api.add_user(user)

        async def work(bot: Bot) -> None:
            options = ReminderOptions(plan_every=3600.0)
            reminders = Reminders(db, bot, options=options, render=render, plan=plan)
            await reminders.start()
            try:
                deadline = asyncio.get_running_loop().time() + 20
                while not planned or not await asyncio.to_thread(settled, db):
                    assert asyncio.get_running_loop().time() < deadline
                    await asyncio.sleep(0.02)
            finally:
                await reminders.stop()
            await reminders.stop()  # a second stop does nothing

        asyncio.run(with_bot(api, work))
        assert delivered(api) == Counter([left, *planned])


def test_reminder_options_from_the_environment() -> None:
    assert ReminderOptions.from_environ({}) == ReminderOptions()
    options = ReminderOptions.from_environ(
        {
            "PHOIHOP_REMINDERS_PLANNING": "off",
            "PHOIHOP_SEND_PER_SECOND": "10",
            "PHOIHOP_SEND_CHAT_INTERVAL": "0.5",
            "PHOIHOP_SEND_GROUP_PER_MINUTE": "6",
        }
    )
    assert not options.planning
    assert options.pace == Pace(global_per_second=10, per_chat_interval=0.5, group_per_minute=6)
