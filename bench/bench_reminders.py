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
import statistics
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import bench_documents
import sqlalchemy as sa
from bench_status import DEFAULT_PG_URL, backend_url, log
from generate import PROGRAM_CODE

TARGET_S = 1.0
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MOMENTS = (datetime(2019, 6, 14, 10, 0, tzinfo=ZONE), datetime(2019, 12, 31, 10, 0, tzinfo=ZONE))


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


def measure(url: str, moment: datetime, runs: int) -> dict[str, float]:
    from reminders.planner import plan_due
    from storage.database import Database

    db = Database(url)
    first = plan_due(db, moment)
    steady: list[float] = []
    for i in range(1, runs + 1):
        result = plan_due(db, moment + timedelta(minutes=i))
        steady.append(result.seconds)
    db.dispose()
    return {
        "first_s": first.seconds,
        "written": first.planned,
        "steady_s": statistics.median(steady),
        "steady_max_s": max(steady),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="phoihop reminder planning benchmark")
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
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
                m = measure(url, moment, args.runs)
                verdict = "PASS" if m["steady_s"] <= TARGET_S else "FAIL"
                log(
                    f"{backend} {moment:%d/%m/%Y %H:%M}: {people} people; first run "
                    f"{m['first_s']:.2f} s writing {m['written']:,.0f} messages; every minute "
                    f"after: {m['steady_s'] * 1000:.0f} ms median, "
                    f"{m['steady_max_s'] * 1000:.0f} ms max, {verdict} (<= {TARGET_S:.0f} s) "
                    f"[{time.perf_counter() - started:.1f} s]"
                )
            clear_outbox(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
