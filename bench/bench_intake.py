"""Benchmark: incoming updates per second with one and with two replicas, and the time from a
kill to serving again.

Updates/s: --officers officers of the sample program (each bound to one of its organizations)
make --reports typed reports each, as people do: type "CT01 123 hội nghị", wait for the readback,
press Confirm, wait for its answer (two updates a report). The bot is `phoihop run --webhook` in
1, then 2, processes on one database (a fresh schema of the PostgreSQL server of --database-url),
each update posted to the next replica in turn as a load balancer would, the fake Bot API as
Telegram. The figure is updates processed / time from the first post to the last answer.

Kill to serving: `phoihop run` (polling) is killed with SIGKILL and started again at once, as a
supervisor would; an officer writes /trogiup right after the kill; the figure is the time from
the kill to the bot's answer (target <= 10 s). Measured on PostgreSQL and on SQLite.

    .venv/bin/python bench/bench_intake.py                      # ~3 min
    .venv/bin/python bench/bench_intake.py --reports 10 --kills 3
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # tests.bot.cluster and tests.fakes.bot_api, from this checkout

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "7000010:Bench-intake-token-for-phoihop"
TARGET_SERVING = 10.0


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: DTZ005


@contextmanager
def sample_database(url: str) -> Iterator[str]:
    """A fresh database with the sample plan: a new schema of a PostgreSQL server (dropped
    afterwards), or a new SQLite file."""
    from config.settings import SAMPLE_PLAN
    from storage.database import Database
    from storage.documents import load_plan
    from storage.models import utcnow
    from storage.plans import import_plan

    if url.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix="bench-intake-")
        target = f"sqlite:///{folder}/bench.db"
        schema = None
    else:
        schema = f"bench_intake_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        target = (
            sa.make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    db = Database(target)
    db.upgrade()
    with db.write() as s:
        import_plan(session=s, plan=load_plan(SAMPLE_PLAN), actor="bench", now=utcnow())
    db.dispose()
    try:
        yield target
    finally:
        if schema is not None:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


def updates_per_second(url: str, replicas: int, officers: dict[int, str], reports: int) -> float:
    """Runs the report stream through `replicas` webhook processes; updates per second."""
    from storage.database import Database
    from tests.bot.cluster import Cluster
    from tests.bot.officers import bind, report
    from tests.fakes.bot_api import FakeBotAPI

    with sample_database(url) as target, FakeBotAPI(token=TOKEN) as api:
        for user in officers:
            api.add_user(user)
        db = Database(target)
        bind(db, officers)
        db.dispose()
        logs = Path(tempfile.mkdtemp(prefix="bench-intake-logs-"))
        cluster = Cluster(target, api, logs, replicas=replicas)
        failures: list[BaseException] = []

        def officer(user: int) -> None:
            try:
                for round_ in range(reports):
                    report(api, user, round_, wait=120, what="bench", deliver=cluster.deliver)
            except BaseException as exc:
                failures.append(exc)

        cluster.start()
        try:
            threads = [threading.Thread(target=officer, args=(user,)) for user in officers]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            cluster.stop()
        if failures:
            raise failures[0]
        return 2 * reports * len(officers) / elapsed


def kill_to_serving(url: str, kills: int) -> list[float]:
    """Seconds from each SIGKILL to the answer of a /trogiup sent right after it."""
    from tests.fakes.bot_api import FakeBotAPI

    user = 849001
    with sample_database(url) as target, FakeBotAPI(token=TOKEN) as api:
        api.add_user(user)
        env = {
            **os.environ,
            "DATABASE_URL": target,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        logs = Path(tempfile.mkdtemp(prefix="bench-intake-kill-"))

        def start(n: int) -> subprocess.Popen[bytes]:
            with (logs / f"run{n}.log").open("w") as out:
                return subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "run"],
                    cwd=logs,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )

        def ask(timeout: float = 60) -> None:
            before = len(api.sent_messages(user))
            api.send_text(user, "/trogiup")
            api.wait_for(
                lambda a: len(a.sent_messages(user)) > before, timeout=timeout, what="help"
            )

        process = start(0)
        ask()  # serving: the first start is not measured
        times = []
        for n in range(1, kills + 1):
            time.sleep(1.0)
            process.send_signal(signal.SIGKILL)
            killed = time.perf_counter()
            process.wait()
            process = start(n)
            ask()
            times.append(time.perf_counter() - killed)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        return times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--reports", type=int, default=25, help="reports per officer")
    parser.add_argument("--replicas", default="1,2", help="replica counts to measure")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PHOIHOP_TEST_DATABASE_URL", DEFAULT_PG),
        help="the PostgreSQL server (a fresh schema is made and dropped)",
    )
    args = parser.parse_args(argv)
    from tests.bot.officers import ORGS

    officers = {840001 + n: ORGS[n % len(ORGS)] for n in range(args.officers)}
    updates = 2 * args.officers * args.reports
    rates = {}
    for count in (int(n) for n in args.replicas.split(",")):
        log(f"{count} replica(s) on PostgreSQL: {updates:,} updates from {args.officers} officers")
        rates[count] = updates_per_second(args.database_url, count, officers, args.reports)
        log(f"  {rates[count]:.1f} updates/s")
    serving = {}
    for name, url in (("PostgreSQL", args.database_url), ("SQLite", "sqlite://")):
        log(f"kill to serving on {name}: {args.kills} kills")
        serving[name] = kill_to_serving(url, args.kills)
        log("  " + ", ".join(f"{t:.2f}" for t in serving[name]) + " s")
    print()
    print("| replicas (PostgreSQL) | updates/s |")
    print("|---:|---:|")
    for count, rate in rates.items():
        print(f"| {count} | {rate:.1f} |")
    print()
    print(f"| kill to serving | median | max | target ≤ {TARGET_SERVING:.0f} s |")
    print("|---|---:|---:|---|")
    for name, times in serving.items():
        verdict = "met" if max(times) <= TARGET_SERVING else "MISSED"
        print(f"| {name} | {statistics.median(times):.2f} s | {max(times):.2f} s | {verdict} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
