"""Benchmark: the status workbook (.xlsx) and the status chart (.png) of the 100,000-task program.

Builds the database like `bench_status.py` (or, with --reuse, measures the one an earlier
`--keep` run left in bench/data/ or in the PostgreSQL bench schema), then, each in a fresh
subprocess whose peak RSS is the memory figure, times as of 2019-12-31 ("today"):
- xlsx: `program_status` (lists cut as the chat cuts them: the summary sheet lists the first
  overdue tasks, the tasks sheet all of them) + `task_register` + `write_status_workbook`;
- chart: `program_status` (the same) + `status_chart` + `render_chart` to a PNG.

    .venv/bin/python bench/bench_documents.py --backend sqlite --keep     # full size
    .venv/bin/python bench/bench_documents.py --backend sqlite --reuse    # measure again
    .venv/bin/python bench/bench_documents.py --tasks 10000 --reports 100000 --backend sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import bench_status
from bench_status import DEFAULT_PG_URL, TODAY, backend_url, emit, log, peak_rss_mb, rss_mb
from generate import PROGRAM_CODE

TARGET_XLSX_S = 15.0
TARGET_CHART_S = 3.0
TARGET_RSS_MB = 400.0


def child_document(args: argparse.Namespace) -> None:
    """Build one document as of `args.as_of` into a temporary file and time it."""
    from bot.exports.chart import render_chart, status_chart
    from bot.exports.status_workbook import write_status_workbook
    from bot.i18n import translator
    from bot.render import TEXT_LIST_LIMIT
    from storage.database import Database
    from storage.registers import task_register
    from storage.summaries import program_status

    as_of = date.fromisoformat(args.as_of)
    t = translator("vi")
    db = Database(args.url)
    rss_before = rss_mb()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"document.{args.document}"
        started = time.perf_counter()
        with db.read() as session:
            status = program_status(
                session=session, program_code=PROGRAM_CODE, as_of=as_of, limit=TEXT_LIST_LIMIT
            )
            figures["status_s"] = time.perf_counter() - started
            if args.document == "xlsx":
                register = task_register(session=session, program_code=PROGRAM_CODE, as_of=as_of)
                figures["register_s"] = time.perf_counter() - started - figures["status_s"]
                figures["tasks"] = len(register.tasks)
        if args.document == "xlsx":
            written = time.perf_counter()
            write_status_workbook(status, register, t, out)
            figures["write_s"] = time.perf_counter() - written
        else:
            drawn = time.perf_counter()
            render_chart(status_chart(status, t), t, out)
            figures["render_s"] = time.perf_counter() - drawn
        figures["total_s"] = time.perf_counter() - started
        figures["bytes"] = out.stat().st_size
    db.dispose()
    emit({**figures, "rss_before_mb": rss_before, "peak_rss_mb": peak_rss_mb()})


def run_child(url: str, *extra: str) -> dict[str, Any]:
    """Run `child_document` in a fresh process and return its result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "document", "--url", url]
    proc = subprocess.run([*command, *extra], capture_output=True, text=True, check=False)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return result
    raise RuntimeError(f"child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")


def setup(backend: str, url: str, args: argparse.Namespace) -> None:
    """Migrate, import the plan, bulk-load the reports and rebuild the derived state, as
    `bench_status.py` does; with --reuse and data already there, nothing."""
    from storage.database import Database

    db = Database(url)
    state = db.schema_state()
    db.dispose()
    if args.reuse and state == "current":
        log(f"{backend}: reusing the data already loaded")
        return
    db = Database(url)
    db.upgrade()
    db.dispose()
    bench_status.run_child(
        "import", url, "--orgs", str(args.orgs), "--tasks", str(args.tasks),
        "--seed", str(args.seed),
    )  # fmt: skip
    log(f"{backend}: plan imported; loading reports")
    loaded = bench_status.bulk_load(url, args)
    log(f"{backend}: {loaded['reports']:,} reports loaded in {loaded['load_s']:.1f} s")
    bench_status.rebuild(url)
    bench_status.settle(url, analyze=args.sqlite_analyze)
    log(f"{backend}: derived state rebuilt")


def _verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "FAIL"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="phoihop document benchmark (xlsx, chart)")
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
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
    parser.add_argument("--child", choices=("document",), help=argparse.SUPPRESS)
    parser.add_argument("--document", choices=("xlsx", "png"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "document":
        child_document(args)
        return 0

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"phoihop documents: {args.orgs:,} organizations, {args.tasks:,} tasks, "
        f"{args.reports:,} reports (seed {args.seed}), as of {TODAY}; {os.cpu_count()} CPUs"
    )
    for backend in backends:
        with backend_url(backend, args) as url:
            if url is None:
                print(f"note: {backend} skipped: unreachable at {args.pg_url}")
                continue
            setup(backend, url, args)
            for document, target in (("xlsx", TARGET_XLSX_S), ("png", TARGET_CHART_S)):
                m = run_child(url, "--document", document, "--as-of", TODAY.isoformat())
                parts = ", ".join(
                    f"{k[:-2]} {m[k]:.2f} s" for k in ("status_s", "register_s", "write_s",
                                                       "render_s") if k in m
                )  # fmt: skip
                log(
                    f"{backend} {document}: {m['total_s']:.2f} s "
                    f"{_verdict(m['total_s'], target)} (<= {target:.0f} s; {parts}), "
                    f"peak RSS {m['peak_rss_mb']:.0f} MB "
                    f"{_verdict(m['peak_rss_mb'], TARGET_RSS_MB)}, {m['bytes']:,} bytes"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
