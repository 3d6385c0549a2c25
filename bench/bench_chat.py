"""Benchmark: typed reports through the bot, in-process, over a program of 100,000 tasks.

Issue 3's figure. A generated program (bench/generate.py: 100 organizations, 100,000 tasks, a few
thousand prior reports) is imported into a database and one officer is bound to each
organization. Then the real Application (`bot.app.build_application`) handles, in-process, what
Telegram would send: for each report, the officer's typed line about one of the tasks its
organization leads ("R012345 HN 22, LN 6.150", "CT001234: đã tổ chức khoảng 1.200 lượt người"),
to which the bot answers with its read-back and Confirm / Edit / Cancel buttons, then the press of
Confirm (a callback update with that button's data), which records the report and edits the
message. The Bot API is answered offline by `OfflineBotAPI` below, with the JSON Telegram sends.

Measured per report: the handling time of both updates (`time.perf_counter` around
`Application.process_update`), after a warm-up; reports/s is the number of reports over the wall
time of the whole loop (building the updates and parsing them included). The no-op baseline is
the same Application class with one `MessageHandler(filters.ALL, noop)` and one
`CallbackQueryHandler(noop)`, given the very same updates: what python-telegram-bot costs alone.
At the end the database must hold exactly the new reports, each with the values typed.

    .venv/bin/python bench/bench_chat.py                              # SQLite, full size
    .venv/bin/python bench/bench_chat.py --backend postgresql
    .venv/bin/python bench/bench_chat.py --keep ... then --reuse      # keep / reuse the data
    .venv/bin/python bench/bench_chat.py --reuse --profile            # where the time goes

See the "Chat throughput" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import math
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from generate import PROGRAM_CODE, make_plan
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# The reports are made on 30/12/2019 at 10:00 in Hà Nội, after every prior report.
NOW = datetime(2019, 12, 30, 3, 0, tzinfo=UTC)
TARGET_RATE = 200.0  # reports/s
TARGET_P99_MS = 50.0
TOKEN = "123456:BENCH-TOKEN"
BASE_URL = "http://offline.invalid/bot"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "phoihop", "username": "phoihop_bot"}
OFFICER_ID = 900_000_000  # + the organization's position: the officers' Telegram ids
DECIMAL_INDICATORS = frozenset({"TIEN", "KM"})  # generate.py: indicators with decimals


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: DTZ005


# --- the offline Bot API ---------------------------------------------------------------------


class OfflineBotAPI(BaseRequest):
    """Answers the Bot API in-process with the JSON Telegram returns; keeps, per chat, the last
    message sent or edited (with its buttons) so that the driver can press one."""

    def __init__(self) -> None:
        self.last: dict[int, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self._next_id = 1_000_000

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        self.calls[name] += 1
        params = dict(request_data.parameters) if request_data is not None else {}
        result = self._answer(name, params)
        if result is None:
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {name}"}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name in ("answerCallbackQuery", "setMyCommands", "sendChatAction"):
            return True
        if name == "sendMessage":
            self._next_id += 1
            return self._message(int(params["chat_id"]), self._next_id, params)
        if name == "editMessageText":
            return self._message(int(params["chat_id"]), int(params["message_id"]), params)
        return None

    def _message(self, chat_id: int, message_id: int, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(NOW.timestamp()),
            "chat": {"id": chat_id, "type": "private", "first_name": f"Officer {chat_id}"},
            "from": BOT_USER,
            "text": str(params.get("text", "")),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if markup:
            message["reply_markup"] = markup
        self.last[chat_id] = message
        return message


# --- the workload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Officer:
    telegram_id: int
    org: str
    lang: str


@dataclass
class Planned:
    """One report to make: who types what, and what must be recorded."""

    officer: Officer
    task: str
    line: str
    expected: dict[str, tuple[int, str | None]]  # indicator -> (value in thousandths, qualifier)


def officers_for(orgs: Sequence[str]) -> list[Officer]:
    """One officer per organization; every fourth one uses the bot in English."""
    return [
        Officer(OFFICER_ID + n, org, "en" if n % 4 == 3 else "vi") for n, org in enumerate(orgs)
    ]


def _number(value: Decimal, lang: str) -> str:
    """A number as people of that language write it: 6.150 and 2,5 in Vietnamese."""
    whole = int(value)
    text = f"{whole:,}"
    fraction = value - whole
    if fraction:
        text += "." + str(fraction).split(".")[1].rstrip("0")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


_QUALIFIER_WORDS = {
    "vi": {"approx": "khoảng", "over": "trên", "more_than": "hơn"},
    "en": {"approx": "about", "over": "over", "more_than": "more than"},
}
_DID = {"vi": "đã thực hiện", "en": "done"}


def typed_line(
    rng: random.Random,
    task: str,
    figures: Sequence[tuple[str, str, Decimal, str | None]],
    lang: str,
) -> str:
    """The line an officer types: the task code, then each figure named by its indicator code
    (before or after the number) or by its unit, with a qualifier now and then."""
    style = rng.randrange(3)
    parts = []
    for code, unit, value, qualifier in figures:
        said = _number(value, lang)
        if qualifier:
            said = f"{_QUALIFIER_WORDS[lang][qualifier]} {said}"
        if style == 0:
            parts.append(f"{code} {said}")  # R012345 HN 22, LN 6.150
        elif style == 1:
            parts.append(f"{said} {unit}")  # CT001234: đã thực hiện 22 hội nghị
        else:
            parts.append(f"{said} {code}")  # r012345 22 HN
    if style == 1:
        return f"{task}: {_DID[lang]} " + ", ".join(parts)
    if style == 2:
        return f"{task.lower()} " + " ".join(parts)
    return f"{task} " + ", ".join(parts)


def plan_reports(url: str, officers: Sequence[Officer], n: int, seed: int) -> list[Planned]:
    """`n` reports, round-robin over the officers, each on a distinct task its organization
    leads, with the task's target indicators (or one or two others when it has none)."""
    from storage.models import Indicator, Organization, Program, Task, TaskTarget, table

    engine = sa.create_engine(url)
    t, o, i, tt, p = (
        table(Task),
        table(Organization),
        table(Indicator),
        table(TaskTarget),
        table(Program),
    )
    with engine.connect() as conn:
        pid = conn.execute(sa.select(p.c.id).where(p.c.code == PROGRAM_CODE)).scalar_one()
        units = {
            str(code): str(unit)
            for code, unit in conn.execute(
                sa.select(i.c.code, i.c.unit).where(i.c.program_id == pid).order_by(i.c.position)
            )
        }
        targets: dict[int, list[str]] = defaultdict(list)
        for task_id, code in conn.execute(
            sa.select(tt.c.task_id, i.c.code)
            .join(i, i.c.id == tt.c.indicator_id)
            .where(i.c.program_id == pid)
            .order_by(tt.c.task_id, i.c.position)
        ):
            targets[int(task_id)].append(str(code))
        led: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for code, task_id, org in conn.execute(
            sa.select(t.c.code, t.c.id, o.c.code)
            .join(o, o.c.id == t.c.lead_org_id)
            .where(t.c.program_id == pid, t.c.active)
            .order_by(t.c.id)
        ):
            led[str(org)].append((str(code), int(task_id)))
    engine.dispose()

    rng = random.Random(seed)
    queues = {org: rng.sample(tasks, len(tasks)) for org, tasks in sorted(led.items())}
    codes = list(units)
    planned: list[Planned] = []
    for k in range(n):
        officer = officers[k % len(officers)]
        task, task_id = queues[officer.org].pop()
        inds = targets.get(task_id) or rng.sample(codes, 1 if rng.random() < 0.6 else 2)
        figures = []
        expected: dict[str, tuple[int, str | None]] = {}
        for code in inds:
            if code in DECIMAL_INDICATORS:
                value = Decimal(rng.randint(1, 4000)) / 2  # 0.5 steps: 12.5 km
            else:
                value = Decimal(rng.choice((rng.randint(1, 99), rng.randint(100, 25_000))))
            r = rng.random()
            qualifier = "approx" if r < 0.08 else "over" if r < 0.11 else None
            figures.append((code, units[code], value, qualifier))
            expected[code] = (int(value * 1000), qualifier)
        planned.append(
            Planned(officer, task, typed_line(rng, task, figures, officer.lang), expected)
        )
    return planned


class Updates:
    """Updates as Telegram sends them (JSON dicts), numbered as Telegram numbers them."""

    def __init__(self, start: int = 0) -> None:
        # Message ids name the drafts (exactly once): a reused database must get new ones.
        self.update_id = self.message_id = self.callback_id = start

    @staticmethod
    def _user(officer: Officer) -> dict[str, Any]:
        return {
            "id": officer.telegram_id,
            "is_bot": False,
            "first_name": f"Cán bộ {officer.org}",
            "language_code": officer.lang,
        }

    def message(self, officer: Officer, text: str) -> dict[str, Any]:
        self.update_id += 1
        self.message_id += 1
        return {
            "update_id": self.update_id,
            "message": {
                "message_id": self.message_id,
                "date": int(NOW.timestamp()),
                "chat": {
                    "id": officer.telegram_id,
                    "type": "private",
                    "first_name": f"Cán bộ {officer.org}",
                },
                "from": self._user(officer),
                "text": text,
            },
        }

    def press(self, officer: Officer, message: dict[str, Any], data: str) -> dict[str, Any]:
        self.update_id += 1
        self.callback_id += 1
        return {
            "update_id": self.update_id,
            "callback_query": {
                "id": f"{officer.telegram_id}{self.callback_id:08d}",
                "from": self._user(officer),
                "chat_instance": f"ci{officer.telegram_id}",
                "data": data,
                "message": {k: v for k, v in message.items() if k != "reply_markup"},
            },
        }


def confirm_data(message: dict[str, Any], label: str) -> str:
    """The callback data of the button labelled `label` (Confirm) of a read-back."""
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if button.get("text") == label and "callback_data" in button:
                return str(button["callback_data"])
    raise RuntimeError(f"no {label!r} button in the bot's answer: {message.get('text')!r}")


# --- the measurement --------------------------------------------------------------------------


@dataclass
class Timings:
    """Per report: the handling time of the typed line and of the Confirm press, in seconds."""

    line: list[float] = field(default_factory=list)
    press: list[float] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def report(self) -> list[float]:
        return [a + b for a, b in zip(self.line, self.press, strict=True)]

    @property
    def updates(self) -> list[float]:
        return self.line + self.press


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1] * 1000


def build_bot(url: str) -> tuple[Application, OfflineBotAPI, Any]:  # type: ignore[type-arg]
    from bot.app import build_application
    from storage.database import Database

    db = Database(url)
    api = OfflineBotAPI()
    app = build_application(
        token=TOKEN,
        db=db,
        base_url=BASE_URL,
        clock=lambda: NOW,
        request=api,
        get_updates_request=OfflineBotAPI(),
        register_menu=False,
    )
    return app, api, db


def build_noop() -> tuple[Application, OfflineBotAPI]:  # type: ignore[type-arg]
    async def noop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        return None

    api = OfflineBotAPI()
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(BASE_URL)
        .request(api)
        .get_updates_request(OfflineBotAPI())
        .concurrent_updates(False)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, noop))
    app.add_handler(CallbackQueryHandler(noop))
    return app, api


async def drive_bot(
    app: Application,  # type: ignore[type-arg]
    api: OfflineBotAPI,
    updates: Updates,
    planned: Sequence[Planned],
    recorded: list[tuple[dict[str, Any], dict[str, Any]]],
    profiler: cProfile.Profile | None = None,
) -> Timings:
    """Each report: the typed line, then Confirm on the read-back. Keeps the updates given."""
    from bot.i18n import translator

    labels = {lang: translator(lang)("chat-button-confirm") for lang in ("vi", "en")}
    timings = Timings()
    clock = time.perf_counter
    started = clock()
    for report in planned:
        officer = report.officer
        line = updates.message(officer, report.line)
        update = Update.de_json(line, app.bot)
        if profiler is not None:
            profiler.enable()
        t0 = clock()
        await app.process_update(update)
        t1 = clock()
        if profiler is not None:
            profiler.disable()
        readback = api.last.get(officer.telegram_id)
        if readback is None:
            raise RuntimeError(f"no answer to {report.line!r}")
        press = updates.press(officer, readback, confirm_data(readback, labels[officer.lang]))
        update = Update.de_json(press, app.bot)
        if profiler is not None:
            profiler.enable()
        t2 = clock()
        await app.process_update(update)
        t3 = clock()
        if profiler is not None:
            profiler.disable()
        api.last.pop(officer.telegram_id, None)
        timings.line.append(t1 - t0)
        timings.press.append(t3 - t2)
        recorded.append((line, press))
    timings.wall_s = clock() - started
    return timings


async def drive_noop(
    app: Application,  # type: ignore[type-arg]
    recorded: Sequence[tuple[dict[str, Any], dict[str, Any]]],
) -> Timings:
    """The very same updates, handled by no-op handlers."""
    timings = Timings()
    clock = time.perf_counter
    started = clock()
    for line, press in recorded:
        update = Update.de_json(line, app.bot)
        t0 = clock()
        await app.process_update(update)
        t1 = clock()
        update = Update.de_json(press, app.bot)
        t2 = clock()
        await app.process_update(update)
        t3 = clock()
        timings.line.append(t1 - t0)
        timings.press.append(t3 - t2)
    timings.wall_s = clock() - started
    return timings


class SqlTrace:
    """Statements executed (and their time) while enabled, by statement text."""

    def __init__(self, engine: sa.Engine) -> None:
        self.on = False
        self.count: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._started: list[float] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self._started.append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        elapsed = time.perf_counter() - self._started.pop()
        if self.on:
            key = " ".join(statement.split())
            self.count[key] += 1
            self.seconds[key] += elapsed


# --- the database -----------------------------------------------------------------------------


def size_name(args: argparse.Namespace) -> str:
    return f"chat_{args.orgs}o_{args.tasks}t_{args.prior}r"


@contextmanager
def backend_url(args: argparse.Namespace) -> Iterator[str]:
    """The database to use: a SQLite file under bench/data/ or a PostgreSQL schema; removed at
    the end unless --keep."""
    if args.backend == "sqlite":
        path = DATA / f"{size_name(args)}.db"
        files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
        if not args.reuse:
            for f in files:
                f.unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            if not args.keep:
                for f in files:
                    f.unlink(missing_ok=True)
        return
    schema = size_name(args) if (args.keep or args.reuse) else f"chat_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(args.pg_url)
    with admin.begin() as conn:
        if not args.reuse:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    url = sa.make_url(args.pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        if not args.keep:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def loaded(url: str) -> bool:
    """Whether the database already holds the program (migrated to the current schema)."""
    from storage.database import Database
    from storage.models import Program, table

    db = Database(url)
    try:
        if db.schema_state() != "current":
            return False
        with db.engine.connect() as conn:
            p = table(Program)
            return (
                conn.execute(sa.select(p.c.id).where(p.c.code == PROGRAM_CODE)).first() is not None
            )
    finally:
        db.dispose()


def child_build(args: argparse.Namespace) -> None:
    """In a fresh process (the plan document is big): migrate, import the plan, bulk-load the
    prior reports and rebuild the derived state, as bench_status.py does."""
    from bench_status import bulk_load, rebuild, settle

    from storage.database import Database
    from storage.plans import import_plan

    db = Database(args.url)
    db.upgrade()
    started = time.perf_counter()
    plan = make_plan(orgs=args.orgs, tasks=args.tasks, seed=args.seed)
    with db.write() as session:
        import_plan(session=session, plan=plan, actor="bench", now=NOW)
    db.dispose()
    del plan
    log(f"  plan imported in {time.perf_counter() - started:.1f} s")
    bulk_load(
        args.url,
        argparse.Namespace(
            orgs=args.orgs, tasks=args.tasks, seed=args.seed, reports=args.prior, batch=5000
        ),
    )
    rebuild(args.url)
    settle(args.url, analyze=False)
    log(f"  {args.prior:,} prior reports loaded")


def bind_officers(url: str, officers: Sequence[Officer]) -> None:
    from storage.database import Database
    from storage.operations import upsert_member

    db = Database(url)
    with db.write() as session:
        for officer in officers:
            upsert_member(
                session=session,
                program_code=PROGRAM_CODE,
                telegram_id=officer.telegram_id,
                name=f"Cán bộ {officer.org}",
                org_code=officer.org,
                role="officer",
                now=NOW,
                language=officer.lang,
            )
    db.dispose()


def org_codes(url: str) -> list[str]:
    from storage.models import Organization, Program, table

    engine = sa.create_engine(url)
    o, p = table(Organization), table(Program)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(o.c.code)
            .join(p, p.c.id == o.c.program_id)
            .where(p.c.code == PROGRAM_CODE, o.c.active)
            .order_by(o.c.position, o.c.id)
        )
        codes = [str(code) for (code,) in rows]
    engine.dispose()
    return codes


def report_state(url: str) -> tuple[int, int]:
    """The number of Report rows and the highest id."""
    from storage.models import Report, table

    engine = sa.create_engine(url)
    r = table(Report)
    with engine.connect() as conn:
        count, top = conn.execute(sa.select(sa.func.count(), sa.func.max(r.c.id))).one()
    engine.dispose()
    return int(count), int(top or 0)


def verify(url: str, after_id: int, planned: Sequence[Planned]) -> list[str]:
    """Problems with what was recorded: one report per planned one, by its officer's
    organization, with exactly the values typed (value and qualifier)."""
    from storage.models import Indicator, Organization, Person, Report, ReportValue, Task, table

    r, rv, t, o, i, person = (
        table(Report), table(ReportValue), table(Task), table(Organization), table(Indicator),
        table(Person),
    )  # fmt: skip
    engine = sa.create_engine(url)
    found: dict[tuple[str, str], dict[str, tuple[int, str | None]]] = defaultdict(dict)
    authors: dict[tuple[str, str], int | None] = {}
    with engine.connect() as conn:
        for task, org, author, ind, milli, qualifier in conn.execute(
            sa.select(t.c.code, o.c.code, person.c.telegram_id, i.c.code, rv.c.value_milli,
                      rv.c.qualifier)
            .select_from(r)
            .join(t, t.c.id == r.c.task_id)
            .join(o, o.c.id == r.c.org_id)
            .outerjoin(person, person.c.id == r.c.author_id)
            .outerjoin(rv, rv.c.report_id == r.c.id)
            .outerjoin(i, i.c.id == rv.c.indicator_id)
            .where(r.c.id > after_id)
        ):  # fmt: skip
            key = (str(task), str(org))
            authors[key] = author
            if ind is not None:
                found[key][str(ind)] = (int(milli), qualifier)
    engine.dispose()
    problems = []
    for report in planned:
        key = (report.task, report.officer.org)
        if key not in authors:
            problems.append(f"{report.line!r}: not recorded")
        elif authors[key] != report.officer.telegram_id:
            problems.append(f"{report.line!r}: author {authors[key]}")
        elif found.get(key, {}) != report.expected:
            problems.append(f"{report.line!r}: {found.get(key)} != {report.expected}")
    extra = set(authors) - {(p.task, p.officer.org) for p in planned}
    problems += [f"unexpected report on {task} by {org}" for task, org in sorted(extra)]
    return problems


# --- the run ----------------------------------------------------------------------------------


def summary(timings: Timings) -> dict[str, float]:
    n = len(timings.line)
    return {
        "reports": n,
        "rate": n / timings.wall_s,
        "handling_rate": n / sum(timings.report),
        "p50": percentile(timings.report, 50),
        "p99": percentile(timings.report, 99),
        "max": max(timings.report) * 1000,
        "mean": statistics.fmean(timings.report) * 1000,
        "line_p50": percentile(timings.line, 50),
        "line_p99": percentile(timings.line, 99),
        "press_p50": percentile(timings.press, 50),
        "press_p99": percentile(timings.press, 99),
        "update_p50": percentile(timings.updates, 50),
        "update_p99": percentile(timings.updates, 99),
    }


_LAYERS = (
    ("sqlite3 / psycopg (the driver itself)", ("sqlite3.", "psycopg")),
    ("SQLAlchemy / SQLModel", ("/sqlalchemy/", "/sqlmodel/")),
    ("python-telegram-bot", ("/telegram/",)),
    ("fluent (catalogs)", ("/fluent",)),
    ("phoihop storage/", ("/storage/",)),
    ("phoihop bot/", ("/bot/",)),
    ("the offline Bot API and this driver", ("bench_chat.py",)),
    ("json", ("/json/", "json.")),
    ("re (regular expressions)", ("/re/", "'re.", "Pattern")),
    ("asyncio", ("/asyncio/",)),
)


def layers(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time (tottime) summed by library, from the unstripped profile."""
    totals: defaultdict[str, float] = defaultdict(float)
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, tottime, *_rest) in raw.items():
        where = f"{filename} {function}"
        name = next(
            (label for label, needles in _LAYERS if any(n in where for n in needles)), "other"
        )
        totals[name] += tottime
    return sorted(totals.items(), key=lambda item: -item[1])


def print_profile(profiler: cProfile.Profile, trace: SqlTrace, reports: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total_own = sum(seconds for _, seconds in layers(stats))
    print("Own time by library (per report, under cProfile):")
    for name, seconds in layers(stats):
        print(
            f"  {name:<42}{seconds / reports * 1000:8.2f} ms  {seconds / total_own * 100:5.1f} %"
        )
    stats.strip_dirs().sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue())
    total = sum(trace.seconds.values())
    print(
        f"SQL: {sum(trace.count.values()) / reports:.1f} statements per report, "
        f"{total / reports * 1000:.2f} ms per report in the driver's execute"
    )
    for statement, seconds in sorted(trace.seconds.items(), key=lambda item: -item[1])[:30]:
        print(
            f"  {trace.count[statement] / reports:5.2f}/report {seconds / reports * 1000:7.3f} "
            f"ms/report  {statement[:230]}"
        )


async def measure(
    url: str, args: argparse.Namespace, planned: Sequence[Planned], first_id: int
) -> None:
    warm, measured = planned[: args.warmup], planned[args.warmup :]
    updates = Updates(first_id)
    app, api, db = build_bot(url)
    trace = SqlTrace(db.engine) if args.profile else None
    recorded: list[tuple[dict[str, Any], dict[str, Any]]] = []
    async with app:
        log(f"warm-up: {len(warm)} reports")
        await drive_bot(app, api, updates, warm, [])
        log(f"measuring {len(measured):,} reports")
        profiler = cProfile.Profile() if args.profile else None
        if trace is not None:
            trace.on = True
        bot = await drive_bot(app, api, updates, measured, recorded, profiler)
        if trace is not None:
            trace.on = False
    db.dispose()
    noop_app, _ = build_noop()
    async with noop_app:
        await drive_noop(noop_app, recorded[: args.warmup])
        base = await drive_noop(noop_app, recorded)
    unexpected = {k: v for k, v in api.calls.items() if k not in ("getMe",)}
    log(f"Bot API calls: {dict(unexpected)}")

    s, b = summary(bot), summary(base)
    profiled = " (under cProfile: not the figures)" if args.profile else ""
    print()
    print(
        f"phoihop chat benchmark{profiled}: {args.backend}, {args.orgs} organizations, "
        f"{args.tasks:,} tasks, {args.prior:,} prior reports; {len(measured):,} typed reports "
        f"after {len(warm)} of warm-up; {os.cpu_count()} CPUs"
    )
    header = f"{'':<38}{'bot':>12}{'no-op':>12}{'bot/no-op':>11}   target"
    print(header)
    print("-" * len(header))

    def row(label: str, key: str, fmt: str, target: str = "") -> None:
        # The ratio of times: how many times longer the bot takes than python-telegram-bot.
        ratio = b[key] / s[key] if "rate" in key else s[key] / b[key] if b[key] else math.nan
        print(f"{label:<38}{s[key]:>12{fmt}}{b[key]:>12{fmt}}{ratio:>10,.0f}x   {target}")

    rate_ok = "PASS" if s["rate"] >= TARGET_RATE else "FAIL"
    p99_ok = "PASS" if s["p99"] <= TARGET_P99_MS else "FAIL"
    row("reports/s (wall time of the loop)", "rate", ",.0f", f">= {TARGET_RATE:.0f} {rate_ok}")
    row("reports/s (handling time only)", "handling_rate", ",.0f")
    row("per report p50 (ms)", "p50", ".2f")
    row("per report p99 (ms)", "p99", ".2f", f"<= {TARGET_P99_MS:.0f} {p99_ok}")
    row("per report max (ms)", "max", ".2f")
    row("per report mean (ms)", "mean", ".2f")
    row("  typed line p50 (ms)", "line_p50", ".2f")
    row("  typed line p99 (ms)", "line_p99", ".2f")
    row("  Confirm press p50 (ms)", "press_p50", ".2f")
    row("  Confirm press p99 (ms)", "press_p99", ".2f")
    row("per update p50 (ms)", "update_p50", ".2f")
    row("per update p99 (ms)", "update_p99", ".2f")
    if args.profile and profiler is not None and trace is not None:
        print()
        print_profile(profiler, trace, len(measured))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--prior", type=int, default=5_000, help="reports loaded beforehand")
    parser.add_argument("--reports", type=int, default=2_000, help="typed reports measured")
    parser.add_argument("--warmup", type=int, default=200, help="reports before measuring")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PHOIHOP_BENCH_PG_URL")
        or os.environ.get("PHOIHOP_TEST_DATABASE_URL")
        or DEFAULT_PG_URL,
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use a database kept before")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile and count SQL (slower: not the figures)"
    )
    parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build:
        child_build(args)
        return 0

    with backend_url(args) as url:
        if args.reuse and loaded(url):
            log(f"{args.backend}: reusing {size_name(args)}")
        else:
            log(f"{args.backend}: building {size_name(args)} (plan, prior reports)")
            started = time.perf_counter()
            command = [sys.executable, str(Path(__file__).resolve()), "--child-build"]
            command += ["--url", url, "--orgs", str(args.orgs), "--tasks", str(args.tasks)]
            command += ["--prior", str(args.prior), "--seed", str(args.seed)]
            subprocess.run(command, check=True)
            log(f"{args.backend}: built in {time.perf_counter() - started:.0f} s")
        officers = officers_for(org_codes(url))
        bind_officers(url, officers)
        count_before, top_before = report_state(url)
        planned = plan_reports(url, officers, args.warmup + args.reports, args.seed)
        asyncio.run(measure(url, args, planned, top_before))
        count_after, _ = report_state(url)
        problems = verify(url, top_before, planned)
        new = count_after - count_before
        expected = len(planned)
        ok = new == expected and not problems
        print(
            f"verification: {new:,} new Report rows (expected {expected:,}: "
            f"{args.warmup} warm-up + {args.reports:,}); "
            f"{'every value recorded as typed' if not problems else f'{len(problems)} problems'}"
            f": {'OK' if ok else 'FAILED'}"
        )
        for problem in problems[:20]:
            print(f"  {problem}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
