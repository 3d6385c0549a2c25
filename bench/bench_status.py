"""Benchmark: plan import, status as of today and as of a past date, peak memory.

For each backend (a SQLite file under bench/data/, a fresh PostgreSQL schema) it migrates, times
`import_plan` of the generated plan, bulk-loads the generated reports with SQLAlchemy Core
executemany inserts, rebuilds the derived tables with `rebuild_derived_state`, then times the
status as a chair gets it (`program_status` with the text's list limit + `render_status`: what
`phoihop status` prints) as of 2019-12-31 (after the last report: "today") and as of 2019-06-30
(history replayed in SQL), and, for information, the full JSON (`status --json`, every task's
status). Every measurement runs in a fresh subprocess, whose peak RSS is the memory figure.

    .venv/bin/python bench/bench_status.py                      # full size, both backends
    .venv/bin/python bench/bench_status.py --tasks 10000 --reports 100000 --backend sqlite

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from generate import PROGRAM_CODE, ReportRow, make_plan, make_reports

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TODAY = date(2019, 12, 31)
PAST = date(2019, 6, 30)
NOW = datetime(2019, 12, 31, 12, 0, tzinfo=UTC)
TARGET_TODAY_MS = 300.0
TARGET_PAST_MS = 3000.0
TARGET_RSS_MB = 400.0


def _proc_status_mb(key: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident set size.

    VmHWM, not `getrusage().ru_maxrss`: on Linux the latter keeps, across the exec that starts
    a child, the peak of the parent it was forked from (here the process that bulk-loaded the
    reports), so a child would report the parent's peak instead of its own.
    """
    hwm = _proc_status_mb("VmHWM")
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def rss_mb() -> float:
    return _proc_status_mb("VmRSS") or 0.0


def reset_peak_rss() -> bool:
    """Start measuring the peak afresh from the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def emit(result: dict[str, Any]) -> None:
    """A child's result: one JSON line the parent looks for."""
    print("RESULT " + json.dumps(result), flush=True)


# --- children: each runs in a fresh process ---------------------------------------------------


# --- children: each runs in a fresh process ---------------------------------------------------


def child_import(args: argparse.Namespace) -> None:
    """Generate the plan and import it into a migrated, empty database."""
    from storage.database import Database
    from storage.plans import import_plan

    baseline_mb = rss_mb()
    started = time.perf_counter()
    plan = make_plan(orgs=args.orgs, tasks=args.tasks, seed=args.seed)
    generated = time.perf_counter()
    plan_rss_mb, generate_peak_mb = rss_mb(), peak_rss_mb()
    reset_peak_rss()
    db = Database(args.url)
    with db.write() as session:
        begun = time.perf_counter()
        changes = import_plan(session=session, plan=plan, actor="bench", now=NOW)
        imported = time.perf_counter()
    committed = time.perf_counter()
    db.dispose()
    emit(
        {
            "generate_s": generated - started,
            "import_s": committed - begun,
            "commit_s": committed - imported,
            "tasks_added": len(changes.tasks.added),
            "baseline_rss_mb": baseline_mb,
            "plan_rss_mb": plan_rss_mb,
            "peak_rss_mb": max(generate_peak_mb, peak_rss_mb()),
        }
    )


def child_status(args: argparse.Namespace) -> None:
    """Open the database and compute the status as of `args.as_of`, `args.runs` times: the
    chair's text (lists cut as `phoihop status` cuts them) and, with --full, the full JSON."""
    from bot.i18n import translator
    from bot.render import TEXT_LIST_LIMIT, render_status, status_json
    from storage.database import Database
    from storage.summaries import program_status

    as_of = date.fromisoformat(args.as_of)
    rss_before = rss_mb()
    db = Database(args.url)
    t = translator("vi")
    runs: list[float] = []
    digest, headline = "", ""
    for _ in range(args.runs):
        with db.read() as session:
            started = time.perf_counter()
            if args.full:
                data = status_json(
                    program_status(session=session, program_code=PROGRAM_CODE, as_of=as_of)
                )
                text = json.dumps(data, sort_keys=True, ensure_ascii=False)
            else:
                status = program_status(
                    session=session, program_code=PROGRAM_CODE, as_of=as_of,
                    limit=TEXT_LIST_LIMIT,
                )  # fmt: skip
                text = render_status(status, t)
            runs.append((time.perf_counter() - started) * 1000)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if not args.full:
            headline = next(line for line in text.splitlines() if line.startswith("Hoàn thành"))
    db.dispose()
    emit(
        {
            "runs_ms": runs,
            "digest": digest,
            "headline": headline,
            "chars": len(text),
            "rss_before_mb": rss_before,
            "peak_rss_mb": peak_rss_mb(),
        }
    )


def run_child(mode: str, url: str, *extra: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--url", url]
    proc = subprocess.run([*command, *extra], capture_output=True, text=True, check=False)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[len("RESULT ") :])
            return result
    raise RuntimeError(f"child {mode} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")


# --- the parent: set up each backend and measure -----------------------------------------------


@dataclass
class BackendResult:
    backend: str
    figures: dict[str, Any] = field(default_factory=dict)
    status: dict[str, dict[str, Any]] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: DTZ005


def _batched(rows: Iterator[ReportRow], size: int) -> Iterator[list[ReportRow]]:
    batch: list[ReportRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ids(conn: sa.Connection, tbl: Any, pid: int) -> dict[str, int]:
    """Code to id of a program's organizations or indicators."""
    rows = conn.execute(sa.select(tbl.c.code, tbl.c.id).where(tbl.c.program_id == pid))
    return {str(code): int(row_id) for code, row_id in rows}


def bulk_load(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Insert the generated reports and their values in batches, ids given explicitly."""
    from storage.models import (
        Indicator,
        Organization,
        Program,
        Report,
        ReportValue,
        Task,
        table,
    )

    plan = make_plan(orgs=args.orgs, tasks=args.tasks, seed=args.seed)
    engine = sa.create_engine(url)
    rp, rv = table(Report), table(ReportValue)
    t, o, i = table(Task), table(Organization), table(Indicator)
    pg = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        if not pg:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")  # bulk setup only
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        prog = table(Program)
        pid = conn.execute(sa.select(prog.c.id).where(prog.c.code == PROGRAM_CODE)).scalar_one()
        orgs, inds = _ids(conn, o, pid), _ids(conn, i, pid)
        tasks = {
            code: (tid, lead)
            for code, tid, lead in conn.execute(
                sa.select(t.c.code, t.c.id, t.c.lead_org_id).where(t.c.program_id == pid)
            )
        }
        next_report = (conn.execute(sa.select(sa.func.max(rp.c.id))).scalar() or 0) + 1
        next_value = (conn.execute(sa.select(sa.func.max(rv.c.id))).scalar() or 0) + 1
        conn.commit()
        insert_report, insert_value = sa.insert(rp), sa.insert(rv)
        created: dict[date, datetime] = {}
        n_reports = n_values = 0
        db_seconds = 0.0
        started = time.perf_counter()
        for batch in _batched(make_reports(plan, args.reports, seed=args.seed), args.batch):
            reports: list[dict[str, Any]] = []
            values: list[dict[str, Any]] = []
            for row in batch:
                task_id, lead_id = tasks[row.task]
                org_id = orgs[row.org]
                at = created.get(row.effective_on)
                if at is None:
                    at = created[row.effective_on] = datetime.combine(
                        row.effective_on, dtime(3, tzinfo=UTC)
                    )
                reports.append(
                    {
                        "id": next_report,
                        "program_id": pid,
                        "task_id": task_id,
                        "org_id": org_id,
                        "author_id": None,
                        "effective_on": row.effective_on,
                        "done": row.done,
                        "completed_on": row.completed_on if row.done else None,
                        "closes": row.done is not None and org_id == lead_id,
                        "note": row.note,
                        "evidence": [],
                        "source_key": f"bench:{next_report}",
                        "created_at": at,
                    }
                )
                for value in row.values:
                    values.append(
                        {
                            "id": next_value,
                            "report_id": next_report,
                            "program_id": pid,
                            "task_id": task_id,
                            "org_id": org_id,
                            "indicator_id": inds[value.indicator],
                            "effective_on": row.effective_on,
                            "value_milli": value.value_milli,
                            "qualifier": value.qualifier,
                        }
                    )
                    next_value += 1
                next_report += 1
            db_started = time.perf_counter()
            conn.execute(insert_report, reports)
            conn.execute(insert_value, values)
            conn.commit()
            db_seconds += time.perf_counter() - db_started
            n_reports += len(reports)
            n_values += len(values)
            if n_reports % (args.batch * 10) == 0:
                log(f"  loaded {n_reports:,} reports")
        if pg:
            for name in ("report", "reportvalue"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            conn.commit()
    engine.dispose()
    return {
        "load_s": time.perf_counter() - started,
        "load_db_s": db_seconds,
        "reports": n_reports,
        "values": n_values,
    }


def rebuild(url: str) -> float:
    from storage.database import Database
    from storage.operations import rebuild_derived_state

    db = Database(url)
    started = time.perf_counter()
    with db.write() as session:
        rebuild_derived_state(session=session, program_code=PROGRAM_CODE)
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed


def settle(url: str, *, analyze: bool) -> float:
    """After the bulk load: PostgreSQL gets the VACUUM ANALYZE autovacuum would soon do;
    SQLite checkpoints its WAL (and runs ANALYZE only when asked: the application does not)."""
    engine = sa.create_engine(url)
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "VACUUM ANALYZE program, organization, indicator, period, task, taskpartner, "
                "tasktarget, extension, report, reportvalue, currentvalue, tasktotal"
            )
        else:
            if analyze:
                conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return time.perf_counter() - started


@contextmanager
def backend_url(backend: str, args: argparse.Namespace) -> Iterator[str | None]:
    """A URL of an empty database for the backend (None if unreachable), removed afterwards
    unless --keep."""
    name = f"bench_{args.orgs}o_{args.tasks}t_{args.reports}r"
    if backend == "sqlite":
        path = DATA / f"{name}.db"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            if not args.keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    schema = name if (args.keep or args.reuse) else f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(args.pg_url)
    try:
        with admin.begin() as conn:
            if not args.reuse:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    except sa.exc.OperationalError as exc:
        log(f"PostgreSQL unreachable at {args.pg_url}: {str(exc.orig).strip()}")
        admin.dispose()
        yield None
        return
    url = sa.make_url(args.pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        if not args.keep:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def run_backend(backend: str, url: str, args: argparse.Namespace) -> BackendResult:
    from storage.database import Database

    result = BackendResult(backend)
    fig = result.figures
    db = Database(url)
    if args.reuse and db.schema_state() == "current":
        log(f"{backend}: reusing the data already loaded")
        db.dispose()
    else:
        db.dispose()
        started = time.perf_counter()
        db = Database(url)
        db.upgrade()
        db.dispose()
        fig["migrate_s"] = time.perf_counter() - started
        log(f"{backend}: migrated in {fig['migrate_s']:.1f} s; importing the plan")
        imported = run_child(
            "import", url, "--orgs", str(args.orgs), "--tasks", str(args.tasks),
            "--seed", str(args.seed),
        )  # fmt: skip
        fig.update(
            generate_s=imported["generate_s"],
            import_s=imported["import_s"],
            import_rss_mb=imported["peak_rss_mb"],
            plan_rss_mb=imported["plan_rss_mb"],
            baseline_rss_mb=imported["baseline_rss_mb"],
        )
        log(f"{backend}: imported in {imported['import_s']:.1f} s; loading reports")
        loaded = bulk_load(url, args)
        fig.update(loaded)
        log(f"{backend}: {loaded['reports']:,} reports loaded in {loaded['load_s']:.1f} s")
        fig["rebuild_s"] = rebuild(url)
        log(f"{backend}: derived state rebuilt in {fig['rebuild_s']:.1f} s")
        fig["settle_s"] = settle(url, analyze=args.sqlite_analyze)
        log(f"{backend}: settled in {fig['settle_s']:.1f} s")
    measure_status(backend, url, args, result)
    return result


def measure_status(
    backend: str, url: str, args: argparse.Namespace, result: BackendResult
) -> None:
    for label, as_of in (("today", TODAY), ("past", PAST)):
        for kind, extra in (("text", []), ("json", ["--full"])):
            runs = "1" if kind == "json" and not args.json_runs else str(args.runs + 1)
            measured = run_child(
                "status", url, "--as-of", as_of.isoformat(), "--runs", runs, *extra
            )
            result.status[f"{label}-{kind}"] = measured
            median, worst = _timing(measured)
            log(
                f"{backend}: status {label} ({as_of}) {kind}: median {median:.0f} ms, "
                f"max {worst:.0f} ms, peak RSS {measured['peak_rss_mb']:.0f} MB "
                f"{measured.get('headline', '')}"
            )


# --- the report ---------------------------------------------------------------------------------


def _verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "FAIL"


def _timing(measured: dict[str, Any]) -> tuple[float, float]:
    """Median and max of the timed runs (the first is a warm-up when there are several)."""
    timed = measured["runs_ms"][1:] or measured["runs_ms"]
    return statistics.median(timed), max(timed)


def print_report(results: Sequence[BackendResult], args: argparse.Namespace) -> None:
    names = [r.backend for r in results]
    width = 22
    print()
    print(
        f"phoihop benchmark: {args.orgs:,} organizations, {args.tasks:,} tasks, "
        f"{args.reports:,} reports (seed {args.seed}); {os.cpu_count()} CPUs"
    )
    header = f"{'':<46}" + "".join(f"{n:>{width}}" for n in names) + "   target"
    print(header)
    print("-" * len(header))

    def row(label: str, cells: Sequence[str], target: str = "") -> None:
        print(f"{label:<46}" + "".join(f"{c:>{width}}" for c in cells) + f"   {target}")

    def fig(key: str, fmt: str) -> list[str]:
        return [format(r.figures[key], fmt) if key in r.figures else "-" for r in results]

    def rss(value: float) -> str:
        return f"{value:.0f} {_verdict(value, TARGET_RSS_MB)}"

    if any("import_s" in r.figures for r in results):
        row("import_plan (s)", fig("import_s", ".1f"))
        row("import peak RSS (MB)", [
            rss(r.figures["import_rss_mb"]) if "import_rss_mb" in r.figures else "-"
            for r in results
        ], f"<= {TARGET_RSS_MB:.0f} MB")  # fmt: skip
        row("  of which the plan document (MB)", [
            f"{r.figures['plan_rss_mb'] - r.figures['baseline_rss_mb']:.0f}"
            if "plan_rss_mb" in r.figures else "-" for r in results
        ])  # fmt: skip
    for label, as_of, target in (
        ("today", TODAY, TARGET_TODAY_MS),
        ("past", PAST, TARGET_PAST_MS),
    ):
        text = [r.status[f"{label}-text"] for r in results]
        cells = [f"{m:.0f} / {w:.0f} {_verdict(m, target)}" for m, w in map(_timing, text)]
        row(f"status {label} {as_of}, median / max (ms)", cells, f"<= {target:.0f} ms")
        row(f"status {label} peak RSS (MB)", [rss(s["peak_rss_mb"]) for s in text],
            f"<= {TARGET_RSS_MB:.0f} MB")  # fmt: skip
        full = [r.status[f"{label}-json"] for r in results]
        row(f"  full JSON {label}, median (ms)", [f"{_timing(s)[0]:.0f}" for s in full])
        row(f"  full JSON {label} peak RSS (MB)", [rss(s["peak_rss_mb"]) for s in full])
    row("RSS before opening the database (MB)", [
        f"{r.status['today-text']['rss_before_mb']:.0f}" for r in results
    ])  # fmt: skip
    if any("load_s" in r.figures for r in results):
        print("setup (not targets):")
        row("  generate plan (s)", fig("generate_s", ".1f"))
        row("  migrate (s)", fig("migrate_s", ".1f"))
        row("  bulk load reports (s)", fig("load_s", ".1f"))
        row("  reports / values loaded", [
            f"{r.figures['reports']:,} / {r.figures['values']:,}" if "reports" in r.figures
            else "-" for r in results
        ])  # fmt: skip
        row("  rebuild_derived_state (s)", fig("rebuild_s", ".1f"))
        row("  VACUUM ANALYZE / checkpoint (s)", fig("settle_s", ".1f"))
    for key in ("today-text", "past-text", "today-json", "past-json"):
        digests = {r.status[key]["digest"] for r in results}
        same = "identical" if len(digests) == 1 else "DIFFERENT"
        print(f"status {key} across backends: {same} ({', '.join(sorted(digests))})")
    for r in results:
        print(f"{r.backend} today: {r.status['today-text']['headline']}")
        print(f"{r.backend} past:  {r.status['past-text']['headline']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="phoihop status and import benchmark")
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PHOIHOP_BENCH_PG_URL")
        or os.environ.get("PHOIHOP_TEST_DATABASE_URL")
        or DEFAULT_PG_URL,
        help="PostgreSQL database to create the bench schema in",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed status runs (after 1 warm-up)")
    parser.add_argument(
        "--json-runs", action="store_true", help="time the full JSON as often as the text"
    )
    parser.add_argument("--batch", type=int, default=20_000, help="reports per insert batch")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file / PG schema")
    parser.add_argument(
        "--reuse", action="store_true", help="measure data kept by an earlier --keep run"
    )
    parser.add_argument(
        "--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite after loading"
    )
    # Internal: the subprocesses.
    parser.add_argument("--child", choices=("import", "status"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "import":
        child_import(args)
        return 0
    if args.child == "status":
        child_status(args)
        return 0

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results: list[BackendResult] = []
    skipped: list[str] = []
    for backend in backends:
        with backend_url(backend, args) as url:
            if url is None:
                skipped.append(f"{backend} skipped: unreachable at {args.pg_url}")
                continue
            results.append(run_backend(backend, url, args))
    if results:
        print_report(results, args)
    for note in skipped:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
