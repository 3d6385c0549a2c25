"""Benchmark: plan import, status as of today and as of a past date, peak memory.

For each backend (a SQLite file under bench/data/, a fresh PostgreSQL schema) it migrates, times
`import_plan` of the generated plan, bulk-loads the generated reports with SQLAlchemy Core
executemany inserts, rebuilds the derived tables with `rebuild_derived_state`, then times
`program_status` + `status_json` as of 2019-12-31 (after the last report: the derived tables
answer) and as of 2019-06-30 (history replayed in SQL). Every status measurement and the import
run in a fresh subprocess, whose peak RSS is the memory figure.

    .venv/bin/python bench/bench_status.py                      # full size, both backends
    .venv/bin/python bench/bench_status.py --tasks 10000 --reports 100000 --backend sqlite

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

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
# The sub-steps of storage.summaries.program_status that are module-level functions.
STEPS = (
    "get_program",
    "_extended_dues",
    "_done_as_of",
    "_task_totals",
    "_breakdown",
    "_targets",
    "_common_contributions",
)

P = ParamSpec("P")
R = TypeVar("R")


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


WORKAROUNDS: list[str] = []


def apply_workarounds() -> None:
    """Work around storage bugs that would stop the benchmark, without changing what is measured.

    `_extended_dues` in storage/plans.py and storage/summaries.py end with `dict(rows)` on a
    `CursorResult`; SQLAlchemy 2.1's result has a `keys()` method, so `dict()` takes it for a
    mapping and fails ("'CursorResult' object is not subscriptable"). The wrapper calls the
    original and, only if it fails that way, runs the same query with `.all()` (the extension
    table is empty here, so the cost is one trivial query). A fixed storage never triggers it.
    """
    import storage.plans as plans
    import storage.summaries as summaries
    from storage.models import Extension, table

    ext = table(Extension)

    def fixed(conn: sa.Connection, pid: int, as_of: date | None = None) -> dict[int, date]:
        query = sa.select(ext.c.task_id, ext.c.new_due).where(
            ext.c.program_id == pid, ext.c.status == "approved"
        )
        if as_of is not None:
            query = query.where(ext.c.decided_on <= as_of)
        rows = conn.execute(query.order_by(ext.c.decided_on, ext.c.id)).all()
        dues: dict[int, date] = {}
        for task_id, new_due in rows:
            dues[task_id] = new_due
        return dues

    for module in (plans, summaries):
        original = getattr(module, "_extended_dues")  # noqa: B009
        name = f"{module.__name__}._extended_dues"

        def guarded(*a: Any, _original: Any = original, _name: str = name) -> dict[int, date]:
            if _name not in WORKAROUNDS:
                try:
                    result: dict[int, date] = _original(*a)
                    return result
                except TypeError as exc:
                    if "not subscriptable" not in str(exc):
                        raise
                    WORKAROUNDS.append(_name)
            return fixed(*a)

        setattr(module, "_extended_dues", guarded)  # noqa: B010


def child_import(args: argparse.Namespace) -> None:
    """Generate the plan and import it into a migrated, empty database."""
    from storage.database import Database
    from storage.plans import import_plan

    apply_workarounds()
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
            "workarounds": WORKAROUNDS,
        }
    )


WHAT_IFS = ("org-order", "latest-index")
LATEST_INDEX = "ix_bench_what_if_latest"


def apply_what_if(names: Sequence[str]) -> None:
    """Experiments, not the code under test: what a proposed fix would give.

    org-order: `storage.summaries._org_order(orgs)` builds a dict over every organization and
    `program_status` calls it once per (task, indicator) total; here it is built once per call.
    (latest-index is a database change, made by the parent: see `latest_index`.)
    """
    if "org-order" in names:
        import storage.summaries as summaries

        original = getattr(summaries, "_org_order")  # noqa: B009
        memo: list[tuple[Any, Any]] = []

        def once(orgs: Any) -> Any:
            if not memo or memo[0][0] is not orgs:
                memo[:] = [(orgs, original(orgs))]
            return memo[0][1]

        setattr(summaries, "_org_order", once)  # noqa: B010


def latest_index(url: str, *, create: bool) -> None:
    """What-if latest-index: an index that serves the as-of replay's window over report values
    in its own order and covers the columns it reads (no sort, no table lookups)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if not create:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {LATEST_INDEX}")
        elif engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                f"CREATE INDEX {LATEST_INDEX} ON reportvalue (program_id, task_id, org_id, "
                "indicator_id, effective_on DESC, id DESC) INCLUDE (value_milli, qualifier)"
            )
            conn.exec_driver_sql("ANALYZE reportvalue")
        else:
            conn.exec_driver_sql(
                f"CREATE INDEX {LATEST_INDEX} ON reportvalue (program_id, task_id, org_id, "
                "indicator_id, effective_on DESC, id DESC, value_milli, qualifier)"
            )
    engine.dispose()


class StepTimer:
    """Wall time spent in each of `STEPS` and in each SQL statement, per status call."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = defaultdict(float)
        self.sql: dict[str, float] = defaultdict(float)
        self._started: list[float] = []

    def wrap(self, name: str, fn: Callable[P, R]) -> Callable[P, R]:
        def timed(*a: P.args, **kw: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.steps[name] += time.perf_counter() - started

        return timed

    def install(self, engine: sa.Engine) -> None:
        import storage.summaries as summaries

        for name in STEPS:
            setattr(summaries, name, self.wrap(name, getattr(summaries, name)))

        @sa.event.listens_for(engine, "before_cursor_execute")
        def _before(*_: Any) -> None:
            self._started.append(time.perf_counter())

        @sa.event.listens_for(engine, "after_cursor_execute")
        def _after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            key = " ".join(statement.split())[:90]
            self.sql[key] += time.perf_counter() - self._started.pop()

    def reset(self) -> None:
        self.steps.clear()
        self.sql.clear()


def child_status(args: argparse.Namespace) -> None:
    """Open the database and compute the status as of `args.as_of`, `args.runs` times."""
    from bot.render import status_json
    from storage.database import Database
    from storage.summaries import program_status

    apply_workarounds()
    as_of = date.fromisoformat(args.as_of)
    rss_before = rss_mb()
    apply_what_if(args.what_if)
    db = Database(args.url)
    timer = StepTimer()
    if args.steps:
        timer.install(db.engine)
    runs: list[dict[str, Any]] = []
    digest = ""
    summary: dict[str, Any] = {}
    for _ in range(args.runs):
        timer.reset()
        with db.read() as session:
            started = time.perf_counter()
            status = program_status(session=session, program_code=PROGRAM_CODE, as_of=as_of)
            computed = time.perf_counter()
            data = status_json(status)
            rendered = time.perf_counter()
        runs.append(
            {
                "total_ms": (rendered - started) * 1000,
                "status_ms": (computed - started) * 1000,
                "json_ms": (rendered - computed) * 1000,
                "steps_ms": {k: v * 1000 for k, v in timer.steps.items()},
                "sql_ms": {k: v * 1000 for k, v in timer.sql.items()},
            }
        )
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
        summary = {
            k: f"{v['done']}/{v['total']} (overdue {v['overdue']})"
            for k, v in data["kinds"].items()
        }
        del status, data
    profile_text = ""
    if args.cprofile:
        profiler = cProfile.Profile()
        with db.read() as session:
            profiler.enable()
            status_json(program_status(session=session, program_code=PROGRAM_CODE, as_of=as_of))
            profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        profile_text = out.getvalue()
    db.dispose()
    emit(
        {
            "runs": runs,
            "digest": digest,
            "summary": summary,
            "rss_before_mb": rss_before,
            "peak_rss_mb": peak_rss_mb(),
            "profile": profile_text,
            "workarounds": WORKAROUNDS,
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
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""


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
            workarounds=imported["workarounds"],
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
    what_if = ["--what-if", ",".join(args.what_if)] if args.what_if else []
    if "latest-index" in args.what_if:
        started = time.perf_counter()
        latest_index(url, create=True)
        log(f"{backend}: what-if index created in {time.perf_counter() - started:.1f} s")
    try:
        measure_status(backend, url, args, result, what_if)
    finally:
        if "latest-index" in args.what_if:
            latest_index(url, create=False)
    return result


def measure_status(
    backend: str,
    url: str,
    args: argparse.Namespace,
    result: BackendResult,
    what_if: Sequence[str],
) -> None:
    for label, as_of in (("today", TODAY), ("past", PAST)):
        extra = ["--as-of", as_of.isoformat(), "--runs", str(args.runs + 1), "--steps", *what_if]
        if args.cprofile:
            extra.append("--cprofile")
        measured = run_child("status", url, *extra)
        result.status[label] = measured
        timed = measured["runs"][1:] or measured["runs"]
        totals = [r["total_ms"] for r in timed]
        log(
            f"{backend}: status {label} ({as_of}): median {statistics.median(totals):.0f} ms, "
            f"max {max(totals):.0f} ms; {measured['summary']}"
        )
        once = ["--as-of", as_of.isoformat(), "--runs", "1", *what_if]
        result.memory[label] = run_child("status", url, *once)
        log(f"{backend}: status {label} peak RSS {result.memory[label]['peak_rss_mb']:.0f} MB")


# --- the report ---------------------------------------------------------------------------------


def _verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "FAIL"


def _timing(measured: dict[str, Any], key: str = "total_ms") -> tuple[float, float]:
    timed = measured["runs"][1:] or measured["runs"]
    values = [r[key] for r in timed]
    return statistics.median(values), max(values)


def print_report(results: Sequence[BackendResult], args: argparse.Namespace) -> None:
    names = [r.backend for r in results]
    width = 26
    print()
    print(
        f"phoihop benchmark: {args.orgs:,} organizations, {args.tasks:,} tasks, "
        f"{args.reports:,} reports (seed {args.seed}); {os.cpu_count()} CPUs"
    )
    if args.what_if:
        print(
            f"WHAT-IF RUN: proposed fixes applied ({', '.join(args.what_if)}), not the code as is"
        )
    header = f"{'':<44}" + "".join(f"{n:>{width}}" for n in names) + "   target"
    print(header)
    print("-" * len(header))

    def row(label: str, cells: Sequence[str], target: str = "") -> None:
        print(f"{label:<44}" + "".join(f"{c:>{width}}" for c in cells) + f"   {target}")

    def fig(key: str, fmt: str) -> list[str]:
        return [format(r.figures[key], fmt) if key in r.figures else "-" for r in results]

    if any("import_s" in r.figures for r in results):
        row("import_plan (s)", fig("import_s", ".1f"))
        row(
            "import peak RSS (MB)",
            [
                f"{r.figures['import_rss_mb']:.0f} "
                f"{_verdict(r.figures['import_rss_mb'], TARGET_RSS_MB)}"
                if "import_rss_mb" in r.figures
                else "-"
                for r in results
            ],
            f"<= {TARGET_RSS_MB:.0f} MB",
        )
        row("  of which the plan document in memory (MB)", [
            f"{r.figures['plan_rss_mb'] - r.figures['baseline_rss_mb']:.0f}"
            if "plan_rss_mb" in r.figures else "-" for r in results
        ])  # fmt: skip
    for label, as_of, target in (
        ("today", TODAY, TARGET_TODAY_MS),
        ("past", PAST, TARGET_PAST_MS),
    ):
        cells = []
        for r in results:
            median, worst = _timing(r.status[label])
            cells.append(f"{median:.0f} / {worst:.0f} {_verdict(median, target)}")
        row(f"status {label} {as_of} median / max (ms)", cells, f"<= {target:.0f} ms")
        cells = []
        for r in results:
            s_med, _ = _timing(r.status[label], "status_ms")
            j_med, _ = _timing(r.status[label], "json_ms")
            cells.append(f"{s_med:.0f} + {j_med:.0f}")
        row("  of which program_status + status_json", cells)
        cells = [
            f"{r.memory[label]['peak_rss_mb']:.0f} "
            f"{_verdict(r.memory[label]['peak_rss_mb'], TARGET_RSS_MB)}"
            for r in results
        ]
        row(f"status {label} peak RSS (MB)", cells, f"<= {TARGET_RSS_MB:.0f} MB")
    row("  RSS before opening the database (MB)", [
        f"{r.memory['today']['rss_before_mb']:.0f}" for r in results
    ])  # fmt: skip
    if any("load_s" in r.figures for r in results):
        print("setup (not targets):")
        row("  generate plan (s)", fig("generate_s", ".1f"))
        row("  migrate (s)", fig("migrate_s", ".1f"))
        row("  bulk load reports, total (s)", fig("load_s", ".1f"))
        row("  bulk load, in the database (s)", fig("load_db_s", ".1f"))
        row("  reports / values loaded", [
            f"{r.figures['reports']:,} / {r.figures['values']:,}" if "reports" in r.figures
            else "-" for r in results
        ])  # fmt: skip
        row("  rebuild_derived_state (s)", fig("rebuild_s", ".1f"))
        row("  VACUUM ANALYZE / checkpoint (s)", fig("settle_s", ".1f"))
    for label in ("today", "past"):
        digests = {r.status[label]["digest"] for r in results}
        same = "identical" if len(digests) == 1 else "DIFFERENT"
        print(f"status_json {label} across backends: {same} ({', '.join(sorted(digests))})")

    print("\nwhere the time goes (mean of the timed runs, ms):")
    for r in results:
        for label in ("today", "past"):
            timed = r.status[label]["runs"][1:] or r.status[label]["runs"]
            steps: dict[str, float] = defaultdict(float)
            for run in timed:
                for k, v in run["steps_ms"].items():
                    steps[k] += v / len(timed)
            sql: dict[str, float] = defaultdict(float)
            for run in timed:
                for k, v in run["sql_ms"].items():
                    sql[k] += v / len(timed)
            s_med = statistics.mean(run["status_ms"] for run in timed)
            j_med = statistics.mean(run["json_ms"] for run in timed)
            rest = s_med - sum(steps.values())
            parts = ", ".join(f"{k} {v:.0f}" for k, v in steps.items())
            print(
                f"  {r.backend} {label}: program_status {s_med:.0f} = {parts}, "
                f"tasks query + classify + assembly {rest:.0f}; status_json {j_med:.0f}"
            )
            if args.verbose:
                for k, v in sorted(sql.items(), key=lambda kv: -kv[1])[:8]:
                    print(f"      {v:8.1f} ms  {k}")
            if args.cprofile and r.status[label]["profile"]:
                print(r.status[label]["profile"])
    for r in results:
        if r.note:
            print(f"note: {r.backend}: {r.note}")
    sources = [m for r in results for m in (*r.status.values(), r.figures)]
    used = sorted({w for m in sources for w in m.get("workarounds", ())})
    if used:
        print(f"note: storage bug worked around (see apply_workarounds): {', '.join(used)}")


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
    parser.add_argument("--batch", type=int, default=20_000, help="reports per insert batch")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file / PG schema")
    parser.add_argument(
        "--reuse", action="store_true", help="measure data kept by an earlier --keep run"
    )
    parser.add_argument(
        "--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite after loading"
    )
    parser.add_argument("--cprofile", action="store_true", help="print a cProfile of each call")
    parser.add_argument(
        "--what-if",
        type=lambda text: [n for n in text.split(",") if n],
        default=[],
        help=f"measure proposed fixes instead of the code as it is: {', '.join(WHAT_IFS)}",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print the slowest SQL")
    # Internal: the subprocesses.
    parser.add_argument("--child", choices=("import", "status"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--steps", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = set(args.what_if) - set(WHAT_IFS)
    if unknown:
        parser.error(f"unknown --what-if: {', '.join(sorted(unknown))}")

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
