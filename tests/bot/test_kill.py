"""Kill -9: `phoihop run` against the fake Bot API while ten officers type reports and press
Confirm, killed with SIGKILL at random moments and started again. In the end every report is
recorded exactly once (each update was stored before Telegram heard it was received, and
processing one again records nothing twice), and the SQLite file is sound."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from storage.database import Database
from storage.models import IncomingUpdate, Indicator, Report, ReportValue, table, utcnow
from storage.people import create_invite, redeem_invite
from storage.updates import DONE, PENDING
from tests.fakes.bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7000004:Kill-token-for-phoihop-tests"
ORGS = ("BDVTU", "BCHQS", "CA", "MTTQ", "TD", "HLHPN", "HND", "HCCB", "LDLD", "BDBP")
OFFICERS = {830001 + n: org for n, org in enumerate(ORGS)}
ROUNDS = 3
KILLS = 5
JSON = dict[str, Any]


def _bind(db: Database) -> None:
    with db.write() as s:
        for user, org in OFFICERS.items():
            code = create_invite(
                session=s,
                program_code="CTPH-2019",
                org_code=org,
                role="officer",
                created_by="test",
                now=utcnow(),
            ).code
            redeem_invite(
                session=s, code=code, telegram_id=user, name=f"Cán bộ {org}", language="vi",
                now=utcnow(),
            )  # fmt: skip


class Bot:
    """`phoihop run` in its own process; `kill` and `start` it again at will."""

    def __init__(self, db: Database, api: FakeBotAPI, logs: Path) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": db.url,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "PHOIHOP_REMINDERS_PLANNING": "off",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        self.logs = logs
        self.runs: list[Path] = []
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.runs.append(self.logs / f"run{len(self.runs)}.log")
        with self.runs[-1].open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.logs,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def _readback(api: FakeBotAPI, user: int, after: int, timeout: float = 40) -> JSON:
    """The newest message with a Confirm button among those sent after the first `after`."""

    def found(a: FakeBotAPI) -> bool:
        return any(_confirm(m) for m in a.sent_messages(user)[after:])

    api.wait_for(found, timeout=timeout, what=f"a readback to {user}")
    return [m for m in api.sent_messages(user)[after:] if _confirm(m)][-1]


def _answered(api: FakeBotAPI, query: str, seed: int) -> None:
    def answered(a: FakeBotAPI) -> bool:
        return a.callback_answer(query) is not None

    api.wait_for(answered, timeout=40, what=f"Confirm answered (seed {seed})")


def _confirm(message: JSON) -> str | None:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    for row in rows:
        for button in row:
            if "Xác nhận" in button["text"]:
                return str(button["callback_data"])
    return None


def _value(user: int, round_: int) -> int:
    return (user - 830000) * 10 + round_  # a number no other report carries (under 1.000)


@pytest.mark.slow
def test_killed_at_random_moments_every_report_recorded_once(
    plan_db: Database, tmp_path: Path
) -> None:
    db = plan_db
    _bind(db)
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    started = time.monotonic()
    with FakeBotAPI(token=TOKEN) as api:
        for user in OFFICERS:
            api.add_user(user)
        bot = Bot(db, api, tmp_path)
        bot.start()
        done = threading.Event()

        def killer() -> None:
            for _ in range(KILLS):
                if done.wait(rng.uniform(1.5, 4.0)):
                    return
                bot.kill()
                bot.start()

        chaos = threading.Thread(target=killer, name="killer")
        chaos.start()
        queries: list[str] = []
        try:
            for round_ in range(ROUNDS):
                before = {user: len(api.sent_messages(user)) for user in OFFICERS}
                for user in OFFICERS:
                    api.send_text(user, f"CT01 {_value(user, round_)} hội nghị")
                for user in OFFICERS:
                    readback = _readback(api, user, before[user])
                    assert f"{_value(user, round_)} hội nghị" in readback["text"], readback
                    data = _confirm(readback)
                    assert data is not None
                    queries.append(api.press(user, readback, data))
                for query in queries[-len(OFFICERS) :]:
                    _answered(api, query, seed)
        finally:
            done.set()
            chaos.join()
        # Everything stored is processed.
        deadline = time.monotonic() + 30
        while _statuses(db)[PENDING]:
            assert time.monotonic() < deadline, f"updates left pending (seed {seed})"
            time.sleep(0.1)
        assert bot.stop() == 0
        errors = api.errors

    # Each report once: by its key and by its content.
    with db.read() as s:
        keys = s.exec(select(Report.source_key)).all()
        hn = s.exec(select(Indicator.id).where(Indicator.code == "HN")).first()
        values = s.exec(
            select(ReportValue.value_milli).where(ReportValue.indicator_id == hn)
        ).all()
    expected = Counter(_value(u, r) * 1000 for u in OFFICERS for r in range(ROUNDS))
    assert len(keys) == len(set(keys)) == len(OFFICERS) * ROUNDS, seed
    assert Counter(values) == expected, seed
    statuses = _statuses(db)
    assert sum(statuses.values()) == statuses[DONE] + statuses["failed"] == 2 * len(keys)
    # A press processed again after a kill answers a query Telegram already saw answered: the
    # only refusal allowed (its update is then marked failed). Nothing else failed.
    assert all("query is too old" in (c.error or "") for c in errors), errors
    assert statuses["failed"] <= len(errors)
    if db.url.startswith("sqlite"):
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    print(f"seed {seed}: {len(bot.runs)} runs, {time.monotonic() - started:.1f} s, {statuses}")


def _statuses(db: Database) -> Counter[str]:
    with db.read() as s:
        t = table(IncomingUpdate)
        query = sa.select(t.c.status, sa.func.count()).group_by(t.c.status)
        return Counter(dict(s.execute(query).all()))
