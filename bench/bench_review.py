"""Benchmark: the review report draft (.docx) of the 100,000-task program.

Builds (or reuses, when its file is there) the generated program in a SQLite file of its own
under bench/data/ with the same steps as bench_status.py (import, bulk-loaded reports, derived
state), then, in a fresh subprocess, times what `bot.exports.review.build_review` does:
`program_status` (lists cut as the body shows them) and `review_facts` as of the date, and
`write_review` of the whole document (every task in the appendix), and prints the time of each
part and the peak RSS. Target: ≤ 5 s.

    .venv/bin/python bench/bench_review.py                   # full size, SQLite
    .venv/bin/python bench/bench_review.py --tasks 10000 --reports 100000
    .venv/bin/python bench/bench_review.py --setup-only --keep   # only build the database
    .venv/bin/python bench/bench_review.py --keep --date 2019-06-30   # a past date (replayed)

The database file is deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench_status import (
    DATA,
    bulk_load,
    log,
    peak_rss_mb,
    rebuild,
    rss_mb,
    run_child,
    settle,
)
from generate import PROGRAM_CODE

TODAY = date(2019, 12, 31)  # after the generated program's last report
TARGET_S = 5.0


def db_path(args: argparse.Namespace) -> Path:
    return DATA / f"review_{args.orgs}o_{args.tasks}t_{args.reports}r.db"


def setup(url: str, args: argparse.Namespace) -> None:
    """Migrate, import the generated plan (in a child), load the reports, rebuild."""
    from storage.database import Database

    db = Database(url)
    db.upgrade()
    db.dispose()
    log("migrated; importing the plan")
    imported = run_child(
        "import", url, "--orgs", str(args.orgs), "--tasks", str(args.tasks),
        "--seed", str(args.seed),
    )  # fmt: skip
    log(f"imported in {imported['import_s']:.1f} s; loading reports")
    args.batch = 20_000
    loaded = bulk_load(url, args)
    log(f"{loaded['reports']:,} reports loaded in {loaded['load_s']:.1f} s")
    log(f"derived state rebuilt in {rebuild(url):.1f} s")
    settle(url, analyze=False)


def child_review(args: argparse.Namespace) -> None:
    """Build the review document `args.runs` times as of `args.as_of`; one JSON result line."""
    from bot.exports.review import BODY_LIST_LIMIT, write_review
    from bot.i18n import translator
    from storage.database import Database
    from storage.review import review_facts
    from storage.summaries import program_status

    as_of = date.fromisoformat(args.as_of)
    out = Path(args.out)
    db = Database(args.url)
    t = translator("vi")
    runs: list[dict[str, float]] = []
    rows = 0
    for _ in range(args.runs):
        with db.read() as session:
            started = time.perf_counter()
            # What `build_review` does, timed part by part.
            status = program_status(
                session=session, program_code=PROGRAM_CODE, as_of=as_of, limit=BODY_LIST_LIMIT
            )
            got_status = time.perf_counter()
            facts = review_facts(
                session=session, program_code=PROGRAM_CODE, as_of=as_of,
                next_limit=BODY_LIST_LIMIT,
            )  # fmt: skip
            got_facts = time.perf_counter()
        write_review(status, facts, t, out)
        written = time.perf_counter()
        rows = len(facts.appendix)
        runs.append(
            {
                "status_s": got_status - started,
                "facts_s": got_facts - got_status,
                "write_s": written - got_facts,
                "total_s": written - started,
            }
        )
    db.dispose()
    result = {
        "runs": runs,
        "rows": rows,
        "size_mb": out.stat().st_size / 1e6,
        "rss_before_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
    }
    out.unlink(missing_ok=True)
    print("RESULT " + json.dumps(result), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="phoihop review document benchmark")
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (after 1 warm-up)")
    parser.add_argument(
        "--date", type=date.fromisoformat, default=TODAY,
        help="as of this date (default 2019-12-31, after the last report: 'today')",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--setup-only", action="store_true", help="only build the database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_review(args)
        return 0

    DATA.mkdir(exist_ok=True)
    path = db_path(args)
    url = f"sqlite:///{path}"
    try:
        if path.exists():
            log(f"reusing {path.name}")
        else:
            setup(url, args)
        if args.setup_only:
            return 0
        command = [
            sys.executable, str(Path(__file__).resolve()), "--child", "--url", url,
            "--as-of", args.date.isoformat(), "--runs", str(args.runs + 1),
            "--out", str(DATA / "review-bench.docx"),
        ]  # fmt: skip
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
        if not lines:
            raise RuntimeError(f"child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(lines[-1][len("RESULT ") :])
        report(result, args)
    finally:
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    return 0


def report(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Print each timed run (the first one is the warm-up) and the verdict."""
    print(
        f"review .docx, {args.tasks:,} tasks, {args.reports:,} reports, SQLite, "
        f"as of {args.date}: "
        f"{result['rows']:,} appendix rows, {result['size_mb']:.1f} MB"
    )
    timed = result["runs"][1:] or result["runs"]
    for n, run in enumerate(result["runs"]):
        print(
            f"  run {n}{' (warm-up)' if n == 0 and len(result['runs']) > 1 else ''}: "
            f"status {run['status_s']:.2f} s, facts {run['facts_s']:.2f} s, "
            f"docx {run['write_s']:.2f} s, total {run['total_s']:.2f} s"
        )
    best = min(r["total_s"] for r in timed)
    worst = max(r["total_s"] for r in timed)
    verdict = "PASS" if worst <= TARGET_S else "FAIL"
    print(
        f"total {best:.2f}-{worst:.2f} s (target ≤ {TARGET_S:.0f} s: {verdict}); "
        f"peak RSS {result['peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
