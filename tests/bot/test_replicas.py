"""Two replicas of `phoihop run --webhook` on one PostgreSQL database, behind a round-robin load
balancer: 20 officers make 1,000 reports (2,000 updates, each posted to the next replica) while
2,000 reminders wait in the outbox. Every report is recorded once, every reminder reaches its chat
once, none is missing, and both replicas did part of each."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from reminders.messages import PENDING as OUTBOX_PENDING
from reminders.messages import REPORT_CALL, SENDING, SENT
from storage.database import Database
from storage.models import (
    IncomingUpdate,
    Indicator,
    OutboxMessage,
    Program,
    Report,
    ReportValue,
    table,
)
from storage.updates import DONE
from tests.bot.cluster import Cluster
from tests.bot.officers import OFFICERS, bind, report, value
from tests.conftest import PG_URL
from tests.fakes.bot_api import FakeBotAPI

TOKEN = "7000006:Replica-token-for-phoihop-tests"
REPORTS_EACH = 50  # 1,000 reports
REMINDERS = 2_000
OTHERS = [846001 + n for n in range(80)]  # people who only get reminders
WAIT = 120.0
MARK = re.compile(r"đợt (\d+)\b")

pytestmark = pytest.mark.skipif(PG_URL is None, reason="replicas share a PostgreSQL database")


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN) as fake:
        for user in [*OFFICERS, *OTHERS]:
            fake.add_user(user)
        yield fake


def _queue_reminders(db: Database, chats: list[int]) -> None:
    """REMINDERS report calls due a minute ago, round robin over `chats`; the nth names "đợt n"
    (a batch), so that each can be found once in what Telegram received."""
    now = datetime.now(UTC)
    with db.write() as s:
        program = s.exec(select(Program).where(Program.code == "CTPH-2019")).one()
        due, until = now - timedelta(minutes=1), now + timedelta(days=1)
        payload = {"program": "CTPH-2019", "report_due": "2019-06-30", "days_left": 3}
        rows = [
            {
                "program_id": program.id,
                "kind": REPORT_CALL,
                "subject": f"period:{n}",
                "recipient": f"person:{chats[n % len(chats)]}",
                "slot": f"replicas/{n}",
                "chat_id": chats[n % len(chats)],
                "language": "vi",
                "essential": True,
                "payload": {**payload, "period": f"K{n}", "period_name": f"đợt {n}"},
                "due_at": due,
                "expires_at": until,
                "not_before": due,
                "status": OUTBOX_PENDING,
                "attempts": 0,
                "created_at": now,
            }
            for n in range(REMINDERS)
        ]
        s.connection().execute(sa.insert(table(OutboxMessage)), rows)


def _outbox(db: Database) -> Counter[str]:
    t = table(OutboxMessage)
    with db.read() as s:
        rows = s.execute(sa.select(t.c.status, sa.func.count()).group_by(t.c.status)).all()
    return Counter({str(status): int(count) for status, count in rows})


@pytest.mark.slow
def test_two_replicas_record_each_report_and_send_each_reminder_once(
    plan_db: Database, api: FakeBotAPI, tmp_path: Path
) -> None:
    """1,000 reports and 2,000 reminders through two replicas: none twice, none missing."""
    if not plan_db.url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database")
    bind(plan_db)
    _queue_reminders(plan_db, [*OFFICERS, *OTHERS])
    cluster = Cluster(
        plan_db.url, api, tmp_path, replicas=2,
        env={"PHOIHOP_SEND_PER_SECOND": "30", "PHOIHOP_SEND_CHAT_INTERVAL": "0"},
    )  # fmt: skip
    failures: list[BaseException] = []

    def officer(user: int) -> None:
        try:
            for round_ in range(REPORTS_EACH):
                report(api, user, round_, wait=WAIT, what="replicas", deliver=cluster.deliver)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    started = time.monotonic()
    cluster.start()
    try:
        threads = [threading.Thread(target=officer, args=(user,)) for user in OFFICERS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures[0]
        deadline = time.monotonic() + 180
        while _outbox(plan_db)[OUTBOX_PENDING] or _outbox(plan_db)[SENDING]:
            assert time.monotonic() < deadline, f"reminders left: {_outbox(plan_db)}"
            time.sleep(0.5)
    finally:
        codes = cluster.stop()
    assert codes == [0, 0], cluster.log()
    elapsed = time.monotonic() - started

    # Reports: each once, by key and by content; every update processed, by both replicas.
    with plan_db.read() as s:
        keys = s.exec(select(Report.source_key)).all()
        hn = s.exec(select(Indicator.id).where(Indicator.code == "HN")).first()
        values = s.exec(
            select(ReportValue.value_milli).where(ReportValue.indicator_id == hn)
        ).all()
        updates = s.exec(select(IncomingUpdate.status, IncomingUpdate.claimed_by)).all()
    assert len(keys) == len(set(keys)) == len(OFFICERS) * REPORTS_EACH
    expected = Counter(value(u, r) * 1000 for u in OFFICERS for r in range(REPORTS_EACH))
    assert Counter(values) == expected
    assert Counter(status for status, _ in updates) == Counter({DONE: 2 * len(keys)})
    by_replica = Counter(holder for _, holder in updates)
    assert set(by_replica) == {"replica-0", "replica-1"}, by_replica

    # Reminders: each reached its chat exactly once.
    assert _outbox(plan_db) == Counter({SENT: REMINDERS})
    marks = Counter(
        int(found)
        for message in api.sent_messages()
        for found in MARK.findall(message.get("text", ""))
    )
    assert marks == Counter(range(REMINDERS)), "each reminder delivered once"
    print(f"2 replicas: {elapsed:.1f} s, updates by replica {dict(by_replica)}")
