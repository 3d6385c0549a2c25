"""Benchmark: the paced sender's rate against the fake Bot API, as a fraction of its pace.

Queues --messages outbox rows (report calls, due a minute ago) to --chats private chats and a few
groups in a fresh database (a SQLite file under bench/data/, or a fresh schema of the PostgreSQL
server of --database-url, dropped afterwards), then runs `reminders.sender.PacedSender` with the
bot's `TelegramDelivery` (python-telegram-bot over HTTP, the real texts from the catalogs) against
the strict fake Bot API in this process, with Telegram's flood limits on. It prints the achieved
rate (messages / time from the start to the last one recorded sent) as a fraction of the
configured global pace (target >= 0.9), and how many 429s Telegram's limits answered (target 0).

    .venv/bin/python bench/bench_sender.py                           # 10,000 at 25/s: ~400 s
    .venv/bin/python bench/bench_sender.py --messages 1500           # ~60 s
    .venv/bin/python bench/bench_sender.py --messages 1500 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
TARGET = 0.9
sys.path.insert(0, str(ROOT))  # tests.fakes.bot_api, from this checkout


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: DTZ005


@contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new schema of `url` (dropped)."""
    if url is None or url.startswith("sqlite"):
        DATA.mkdir(exist_ok=True)
        path = DATA / "bench_sender.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        yield url or f"sqlite:///{path}"
        return
    schema = f"bench_sender_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            sa.make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def recipients(chats: int, groups: int, messages: int) -> list[int]:
    """Chat ids, round robin over the private chats; one message in a hundred to a group."""
    people = [8_000_001 + n for n in range(chats)]
    teams = [-1_009_000_000_001 - n for n in range(groups)]
    out = []
    for n in range(messages):
        if teams and n % 100 == 99:
            out.append(teams[(n // 100) % len(teams)])
        else:
            out.append(people[n % len(people)])
    return out


def queue(url: str, chat_ids: Sequence[int]) -> None:
    from reminders.messages import PENDING, REPORT_CALL
    from storage.database import Database
    from storage.models import OutboxMessage, Program, table

    db = Database(url)
    db.upgrade()
    now = datetime.now(UTC)
    with db.write() as session:
        program = Program(
            code="BENCH-SEND",
            title="Chương trình thử gửi",
            start=date(2019, 1, 1),
            end=date(2019, 12, 31),
            committee_name="Ban Chỉ đạo",
        )
        session.add(program)
        session.flush()
        due = now - timedelta(minutes=1)
        rows = [
            {
                "program_id": program.id,
                "kind": REPORT_CALL,
                "subject": f"period:{n}",
                "recipient": f"chat:{chat_id}",
                "slot": f"bench/{n}",
                "chat_id": chat_id,
                "language": "vi",
                "essential": True,
                "payload": {
                    "program": "BENCH-SEND",
                    "period": f"K{n}",
                    "period_name": "6 tháng đầu năm",
                    "report_due": "2019-06-30",
                    "days_left": 3,
                },
                "due_at": due,
                "expires_at": now + timedelta(days=1),
                "not_before": due,
                "status": PENDING,
                "attempts": 0,
                "created_at": now,
            }
            for n, chat_id in enumerate(chat_ids)
        ]
        for i in range(0, len(rows), 2000):
            session.connection().execute(sa.insert(table(OutboxMessage)), rows[i : i + 2000])
    db.dispose()


async def send_all(url: str, args: argparse.Namespace, chat_ids: Sequence[int]) -> None:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.delivery import TelegramDelivery
    from bot.i18n import translator
    from bot.reminder_texts import render_outgoing
    from reminders.messages import PENDING, SENDING, SENT, Outgoing
    from reminders.sender import Pace, PacedSender
    from storage.database import Database
    from storage.models import OutboxMessage, table
    from tests.fakes.bot_api import FakeBotAPI

    db = Database(url)
    outbox = table(OutboxMessage)
    pace = Pace(global_per_second=args.pace)

    def render(message: Outgoing) -> str:
        return render_outgoing(message, database=db, i18n=translator)

    def counts() -> Counter[str]:
        with db.read() as session:
            found = session.connection().execute(
                sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status)
            )
            return Counter({str(status): int(n) for status, n in found})

    with FakeBotAPI(rate_limits=True) as api:
        for chat_id in sorted(set(chat_ids)):
            if chat_id > 0:
                api.add_user(chat_id)
            else:
                api.add_group(chat_id)
        request = HTTPXRequest(connection_pool_size=args.concurrency + 4)
        async with Bot(api.token, base_url=api.base_url, request=request) as bot:
            sender = PacedSender(
                db, TelegramDelivery(bot, render), pace=pace, concurrency=args.concurrency
            )
            stop = asyncio.Event()
            log(f"sending {len(chat_ids):,} messages at {args.pace:g}/s ({url.split(':')[0]})")
            started = time.perf_counter()
            task = asyncio.create_task(sender.run(stop))
            last_report = started
            while True:
                await asyncio.sleep(0.5)
                status = await asyncio.to_thread(counts)
                if status[PENDING] + status[SENDING] == 0:
                    break
                if task.done():
                    task.result()
                if time.perf_counter() - last_report >= 30:
                    last_report = time.perf_counter()
                    log(f"  {status[SENT]:,} sent")
            stop.set()
            await task
        calls = api.calls_to("sendMessage")
    with db.read() as session:
        last = session.connection().execute(sa.select(sa.func.max(outbox.c.sent_at))).scalar()
        first_claim = (
            session.connection().execute(sa.select(sa.func.min(outbox.c.claimed_at))).scalar()
        )
    db.dispose()
    ok = [c for c in calls if c.ok]
    refused = [c for c in calls if c.status == 429]
    stamps = sorted(c.at for c in ok)
    assert last is not None and first_claim is not None
    elapsed = (last - first_claim).total_seconds() + 1 / args.pace
    rate = len(ok) / elapsed
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    window = max(
        (sum(1 for t in stamps[i : i + 60] if t - stamps[i] < 1.0) for i in range(len(stamps))),
        default=0,
    )
    print()
    print(f"messages sent          {len(ok):,} of {len(chat_ids):,}")
    print(f"429 answers            {len(refused)} (target 0)")
    print(f"time, first to last    {elapsed:.1f} s (wall {time.perf_counter() - started:.1f} s)")
    print(f"rate                   {rate:.2f}/s for a pace of {args.pace:g}/s")
    print(
        f"fraction of the pace   {rate / args.pace:.3f} "
        f"(target >= {TARGET}: {'met' if rate / args.pace >= TARGET else 'NOT met'})"
    )
    if gaps:
        print(f"gap between messages   median {statistics.median(gaps) * 1000:.1f} ms")
    print(f"most in any second     {window}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=1_000, help="private chats")
    parser.add_argument("--groups", type=int, default=10, help="groups (1 message in 100)")
    parser.add_argument("--pace", type=float, default=25.0, help="messages a second overall")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--database-url", help="a PostgreSQL server (a fresh schema is made); default SQLite"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    chat_ids = recipients(args.chats, args.groups, args.messages)
    with fresh_database(args.database_url) as url:
        started = time.perf_counter()
        queue(url, chat_ids)
        log(f"queued {len(chat_ids):,} messages in {time.perf_counter() - started:.1f} s")
        asyncio.run(send_all(url, args, chat_ids))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
