"""Benchmark: the reminder planning job on the 100,000-task program.

Builds the database like `bench_status.py` (or, with --reuse, uses the one an earlier `--keep`
run left), binds one officer per organization, a chair and a secretary, and the committee group,
then times `reminders.planner.plan_due`, the job `phoihop run` runs every minute:
- the first run at a moment (it writes every open slot into the outbox),
- the next runs, one minute apart (the steady state: nothing new to write), median of --runs,
at 14/06/2019 10:00 and at 31/12/2019 10:00 (the end of the year: most overdue notices).

    .venv/bin/python bench/bench_reminders.py --backend both --keep
    .venv/bin/python bench/bench_reminders.py --backend sqlite --reuse
    .venv/bin/python bench/bench_reminders.py --tasks 10000 --reports 100000 --backend sqlite
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

import bench_documents
import sqlalchemy as sa
from bench_status import DEFAULT_PG_URL, backend_url, log
from generate import PROGRAM_CODE

TARGET_S = 1.0
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MOMENTS = (datetime(2019, 6, 14, tzinfo=ZONE), datetime(2019, 12, 31, tzinfo=ZONE))


def bind_people(url: str) -> int:
    """One officer per organization, a chair and a secretary; the committee group. Idempotent."""
    from storage.database import Database
    from storage.models import Membership, Organization, Person, Program, table

    db = Database(url)
    with db.write() as session:
        conn = session.connection()
        program = table(Program)
        pid = conn.execute(sa.select(program.c.id).where(program.c.code == PROGRAM_CODE)).scalar()
        conn.execute(sa.update(program).where(program.c.id == pid).values(group_chat_id=-1009))
        conn.execute(sa.delete(table(Membership)).where(table(Membership).c.program_id == pid))
        orgs = table(Organization)
        org_ids = list(
            conn.execute(
                sa.select(orgs.c.id).where(orgs.c.program_id == pid).order_by(orgs.c.position)
            ).scalars()
        )
        roles = [(org, "officer") for org in org_ids] + [
            (org_ids[0], "chair"),
            (org_ids[0], "secretary"),
        ]
        now = datetime.now(ZONE)
        for n, (org, role) in enumerate(roles):
            telegram_id = 7_000_000 + n
            person = table(Person)
            person_id = conn.execute(
                sa.select(person.c.id).where(person.c.telegram_id == telegram_id)
            ).scalar()
            if person_id is None:
                person_id = conn.execute(
                    sa.insert(person)
                    .values(
                        telegram_id=telegram_id, name=f"bench {n}", created_at=now, muted=False
                    )
                    .returning(person.c.id)
                ).scalar_one()
            conn.execute(
                sa.insert(table(Membership)).values(
                    person_id=person_id, program_id=pid, org_id=org, role=role, active=True,
                    created_at=now,
                )
            )  # fmt: skip
    db.dispose()
    return len(roles)


def clear_outbox(url: str) -> None:
    from storage.database import Database
    from storage.models import OutboxMessage, table

    db = Database(url)
    with db.write() as session:
        session.connection().execute(sa.delete(table(OutboxMessage)))
    db.dispose()


def record_some(db: Any, day: date, count: int, rng: random.Random, now: datetime) -> None:
    """`count` reports by leads on open tasks, a third of them closing the task."""
    from storage.models import Organization, Task, table
    from storage.operations import record_report

    t, o = table(Task), table(Organization)
    with db.write() as session:
        conn = session.connection()
        open_tasks = conn.execute(
            sa.select(t.c.code, o.c.code)
            .join(o, o.c.id == t.c.lead_org_id)
            .where(t.c.done_on.is_(None))
            .limit(5000)
        ).all()
        for n, (task_code, org_code) in enumerate(rng.sample(open_tasks, count)):
            record_report(
                session=session, program_code=PROGRAM_CODE, task_code=task_code,
                org_code=org_code, effective_on=day, done=n % 3 == 0 or None,
                note="bench", source_key=f"bench-{now.isoformat()}-{n}", now=now,
            )  # fmt: skip


def measure(url: str, moment: datetime, runs: int, reports: int) -> dict[str, float]:
    """A morning: the first run at 07:00 (after a start: every task), the run at 07:30 when
    the day's slots open, then minutes with nothing new, then minutes with `reports` new
    reports each."""
    from reminders.planner import Planner
    from storage.database import Database

    db = Database(url)
    planner = Planner(db)
    day = moment.date()
    opening = datetime.combine(day, dtime(7, 30), tzinfo=ZONE)
    first = planner.run(opening - timedelta(minutes=30))
    morning = planner.run(opening)
    idle = [planner.run(opening + timedelta(minutes=i)).seconds for i in range(1, runs + 1)]
    rng = random.Random(1)
    busy: list[float] = []
    for i in range(runs + 1, 2 * runs + 1):
        now = opening + timedelta(minutes=i)
        record_some(db, day, reports, rng, now - timedelta(seconds=30))
        busy.append(planner.run(now).seconds)
    db.dispose()
    return {
        "first_s": first.seconds,
        "first_written": first.planned,
        "morning_s": morning.seconds,
        "morning_written": morning.planned,
        "idle_s": statistics.median(idle),
        "busy_s": statistics.median(busy),
        "busy_max_s": max(busy),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="phoihop reminder planning benchmark")
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reports-per-minute", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PHOIHOP_BENCH_PG_URL")
        or os.environ.get("PHOIHOP_TEST_DATABASE_URL")
        or DEFAULT_PG_URL,
    )
    parser.add_argument("--batch", type=int, default=20_000, help="reports per insert batch")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file / PG schema")
    parser.add_argument("--reuse", action="store_true", help="measure data kept by --keep")
    parser.add_argument("--sqlite-analyze", action="store_true")
    args = parser.parse_args(argv)

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"phoihop reminders: {args.orgs:,} organizations, {args.tasks:,} tasks, "
        f"{args.reports:,} reports (seed {args.seed}); {os.cpu_count()} CPUs"
    )
    for backend in backends:
        with backend_url(backend, args) as url:
            if url is None:
                print(f"note: {backend} skipped: unreachable at {args.pg_url}")
                continue
            bench_documents.setup(backend, url, args)
            people = bind_people(url)
            for moment in MOMENTS:
                clear_outbox(url)
                started = time.perf_counter()
                m = measure(url, moment, args.runs, args.reports_per_minute)
                worst = max(m["morning_s"], m["idle_s"], m["busy_s"])
                verdict = "PASS" if worst <= TARGET_S else "FAIL"
                log(
                    f"{backend} {moment:%d/%m/%Y}: {people} people. After a start (07:00): "
                    f"{m['first_s']:.2f} s, {m['first_written']:,.0f} messages written. 07:30, "
                    f"the day's slots open: {m['morning_s'] * 1000:.0f} ms, "
                    f"{m['morning_written']:,.0f} written. A minute with nothing new: "
                    f"{m['idle_s'] * 1000:.0f} ms; with {args.reports_per_minute} new reports: "
                    f"{m['busy_s'] * 1000:.0f} ms median, {m['busy_max_s'] * 1000:.0f} ms max. "
                    f"{verdict} (<= {TARGET_S:.0f} s) [{time.perf_counter() - started:.1f} s]"
                )
            clear_outbox(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
