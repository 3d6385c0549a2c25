"""The fault suite: `phoihop run` against the fake Bot API over HTTP while 20 officers stream 500
typed reports (each read back and confirmed), killed with SIGKILL at 20 random moments and started
again, on SQLite and on PostgreSQL, and once more with the database server stopped and started
again mid-run. In the end every report is recorded exactly once (each update was stored before
Telegram heard it was received; one processed again records nothing twice; one that found the
database away waits for it), nothing is marked failed, and the SQLite file is sound.

A supervisor starts the bot again whenever it exits by itself (it cannot start while its
database is down), as systemd's `Restart=always` or a container runtime would.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from config.settings import SAMPLE_PLAN
from storage.database import Database
from storage.documents import load_plan
from storage.models import IncomingUpdate, Indicator, Report, ReportValue, table
from storage.plans import import_plan
from storage.updates import DONE, FAILED, PENDING
from tests.bot.officers import OFFICERS, bind, report, value
from tests.conftest import NOW
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.private_postgres import PrivatePostgres, binaries

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7000004:Faults-token-for-phoihop-tests"
REPORTS_EACH = 25  # 500 reports in all
KILLS = 20
WAIT = 120.0  # seconds an officer waits for an answer (the bot may be down, or its database)


class Bot:
    """`phoihop run` in its own process, killed and started again at will, and started again by
    its supervisor whenever it exits by itself."""

    def __init__(self, url: str, api: FakeBotAPI, logs: Path) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "PHOIHOP_REMINDERS_PLANNING": "off",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        self.logs = logs
        self.runs: list[Path] = []
        self.exits: list[int] = []  # exit codes of the runs that ended by themselves
        self.kills = 0
        self.process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._supervising = threading.Event()
        self._supervisor = threading.Thread(target=self._supervise, name="supervisor")

    def _start(self) -> None:
        self.runs.append(self.logs / f"run{len(self.runs)}.log")
        with self.runs[-1].open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.logs, env=self.env, stdout=out, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip

    def start(self) -> None:
        with self._lock:
            self._start()
        self._supervising.set()
        self._supervisor.start()

    def _supervise(self) -> None:
        while self._supervising.is_set():
            with self._lock:
                if self.process is not None and (code := self.process.poll()) is not None:
                    self.exits.append(code)
                    time.sleep(0.5)
                    self._start()
            time.sleep(0.1)

    def kill(self) -> None:
        with self._lock:
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1
            self._start()

    def ensure_stopped(self) -> None:
        """After a failure: no bot left running, nobody to start it again."""
        if self._supervising.is_set():
            self._supervising.clear()
            self._supervisor.join()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> int:
        """A clean stop (SIGTERM), once the last run has started: a process still importing
        Python has no handler yet and would die of the signal (-15), which says nothing."""
        self._supervising.clear()
        self._supervisor.join()
        assert self.process is not None
        deadline = time.monotonic() + 60
        while "Application started" not in self.runs[-1].read_text():
            assert self.process.poll() is None, self.runs[-1].read_text()
            assert time.monotonic() < deadline, "the last run did not start"
            time.sleep(0.1)
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


class Progress:
    """Reports confirmed so far, for the chaos to strike at chosen points of the stream."""

    def __init__(self) -> None:
        self.count = 0
        self._cond = threading.Condition()

    def add(self) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def reach(self, count: int, stop: threading.Event) -> bool:
        with self._cond:
            while self.count < count and not stop.is_set():
                self._cond.wait(0.2)
            return not stop.is_set()


def _officer(api: FakeBotAPI, user: int, progress: Progress, seed: int) -> None:
    """Types each report, waits for its readback, presses Confirm and waits for the answer."""
    for round_ in range(REPORTS_EACH):
        report(api, user, round_, wait=WAIT, what=f"seed {seed}")
        progress.add()


def _officer_of(api: FakeBotAPI, user: int, progress: Progress, seed: int) -> Callable[[], None]:
    return lambda: _officer(api, user, progress, seed)


def _stream(
    api: FakeBotAPI, bot: Bot, seed: int, outage: Callable[[], None] | None = None
) -> None:
    """The 20 officers' 500 reports, with KILLS kills (and the outage) at random points."""
    rng = random.Random(seed)
    total = len(OFFICERS) * REPORTS_EACH
    kills_at = sorted(rng.sample(range(5, total - 5), KILLS))
    outage_at = rng.randrange(total // 4, total // 2)
    progress = Progress()
    finished = threading.Event()
    failures: list[BaseException] = []

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # reported by the main thread
                failures.append(exc)
                finished.set()

        return run

    def killer() -> None:
        for at in kills_at:
            if not progress.reach(at, finished):
                return
            time.sleep(rng.uniform(0.0, 0.4))
            bot.kill()

    def cut() -> None:
        if outage is not None and progress.reach(outage_at, finished):
            outage()

    chaos = [threading.Thread(target=guarded(killer)), threading.Thread(target=guarded(cut))]
    officers = [
        threading.Thread(target=guarded(_officer_of(api, user, progress, seed)))
        for user in OFFICERS
    ]
    for thread in [*chaos, *officers]:
        thread.start()
    for thread in officers:
        thread.join()
    finished.set()
    for thread in chaos:
        thread.join()
    if failures:
        raise failures[0]
    assert progress.count == total
    assert bot.kills == KILLS, f"all kills struck while reports flowed (seed {seed})"


def _statuses(db: Database) -> Counter[str]:
    with db.read() as s:
        t = table(IncomingUpdate)
        query = sa.select(t.c.status, sa.func.count()).group_by(t.c.status)
        return Counter(dict(s.execute(query).all()))


def _check(db: Database, bot: Bot, seed: int, started: float) -> None:
    """Everything stored is processed; each report recorded once, by key and by content."""
    deadline = time.monotonic() + 60
    while _statuses(db)[PENDING]:
        assert time.monotonic() < deadline, f"updates left pending (seed {seed})"
        time.sleep(0.2)
    assert bot.stop() == 0
    with db.read() as s:
        keys = s.exec(select(Report.source_key)).all()
        hn = s.exec(select(Indicator.id).where(Indicator.code == "HN")).first()
        values = s.exec(
            select(ReportValue.value_milli).where(ReportValue.indicator_id == hn)
        ).all()
    expected = Counter(value(u, r) * 1000 for u in OFFICERS for r in range(REPORTS_EACH))
    assert len(keys) == len(set(keys)) == len(OFFICERS) * REPORTS_EACH, seed
    assert Counter(values) == expected, seed
    statuses = _statuses(db)
    # A text and a Confirm per report, every one processed, none given up.
    assert statuses == Counter({DONE: 2 * len(keys)}), (seed, statuses)
    assert statuses[FAILED] == 0
    if db.url.startswith("sqlite"):
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    print(
        f"seed {seed}: {len(bot.runs)} runs ({bot.kills} kills, exits {bot.exits}), "
        f"{time.monotonic() - started:.1f} s"
    )


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN) as fake:
        for user in OFFICERS:
            fake.add_user(user)
        yield fake


@pytest.mark.slow
def test_500_reports_through_20_kills_each_recorded_once(
    plan_db: Database, api: FakeBotAPI, tmp_path: Path
) -> None:
    """SIGKILL at 20 random moments of a 500-report stream loses no report, doubles none."""
    bind(plan_db)
    seed = random.randrange(1_000_000)
    started = time.monotonic()
    bot = Bot(plan_db.url, api, tmp_path)
    bot.start()
    try:
        _stream(api, bot, seed)
        _check(plan_db, bot, seed, started)
    finally:
        bot.ensure_stopped()


@pytest.fixture
def stoppable_postgres() -> Iterator[PrivatePostgres]:
    found = binaries()
    if found is None:  # pragma: no cover - this machine and CI have them
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    server = PrivatePostgres(found)
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.mark.slow
def test_the_database_stopped_and_started_mid_run_loses_nothing(
    stoppable_postgres: PrivatePostgres, api: FakeBotAPI, tmp_path: Path
) -> None:
    """The PostgreSQL server stopped (immediately, as in a crash) for a few seconds in the middle
    of the 500-report stream, on top of the 20 kills: every report recorded exactly once."""
    db = Database(stoppable_postgres.url)
    db.upgrade()
    with db.write() as s:
        import_plan(session=s, plan=load_plan(SAMPLE_PLAN), actor="test", now=NOW)
    bind(db)
    seed = random.randrange(1_000_000)
    down_for = random.Random(seed).uniform(3.0, 6.0)

    def outage() -> None:
        stoppable_postgres.stop("immediate")
        time.sleep(down_for)
        stoppable_postgres.start()

    started = time.monotonic()
    bot = Bot(db.url, api, tmp_path)
    bot.start()
    try:
        _stream(api, bot, seed, outage)
        db.dispose()  # its pooled connections died with the server
        _check(db, bot, seed, started)
    finally:
        bot.ensure_stopped()
        db.dispose()
