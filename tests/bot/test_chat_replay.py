"""The sample report log said in the chat, by the sample's officers, gives exactly DESIGN.md's
worked example: the chat and the log replay leave the same record."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from bot.render import status_json
from storage.database import Database
from storage.documents import PlanDocument, ReportLog
from storage.models import Report
from storage.operations import replay_log
from storage.people import create_invite
from storage.plans import import_plan
from storage.summaries import program_status
from storage.vietnamese import format_number
from tests.bot.harness import Chat, chat_with
from tests.conftest import NOW, SAMPLE_AS_OF

pytestmark = pytest.mark.anyio
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PROGRAM = "CTPH-2019"


async def _join_everyone(chat: Chat, db: Database, log: ReportLog) -> dict[str, int]:
    """Each person of the log redeems an invitation with /start; the officers by org."""
    officers: dict[str, int] = {}
    for person in log.people:
        with db.write() as s:
            code = create_invite(
                session=s,
                program_code=PROGRAM,
                org_code=person.org,
                role=person.role,
                created_by="test",
                now=NOW,
            ).code
        reply = await chat.say(person.telegram_id, f"/start {code}")
        assert reply.text.startswith("✅")
        if person.role == "officer":
            officers.setdefault(person.org, person.telegram_id)
    return officers


async def _confirmed(chat: Chat, user: int, text: str) -> None:
    readback = await chat.say(user, text)
    assert readback.text.startswith("Xin xác nhận"), (text, readback.text)
    replies = await chat.press(user, readback.find_button("Xác nhận"), readback)
    assert replies[-1].text.startswith("✅ <b>Đã ghi nhận</b>"), (text, replies[-1].text)


async def test_the_sample_log_said_in_chat_gives_the_worked_example(
    plan_db: Database, sample_log: ReportLog, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """Every report of the log typed by its organization's officer on its day (values as one
    line with indicator codes and Vietnamese numbers, completions with /xong), each confirmed:
    the status as of 14/06/2019 equals the replayed log's, figure for figure."""
    async with chat_with(plan_db, NOW) as chat:
        officers = await _join_everyone(chat, plan_db, sample_log)
        for spec in sample_log.reports:
            chat.set_now(datetime.combine(spec.date, time(9, 30), ZONE))
            user = officers[spec.org]
            if spec.values:
                parts = [f"{code} {format_number(value)}" for code, value in spec.values.items()]
                await _confirmed(chat, user, f"{spec.task} " + ", ".join(parts))
            if spec.done:
                await _confirmed(chat, user, f"/xong {spec.task}")

    with plan_db.read() as s:
        said = program_status(session=s, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
    # The same log replayed by `phoihop replay`'s code path, in a database of its own.
    other = Database(f"sqlite:///{tmp_path / 'replayed.db'}")
    other.upgrade()
    with other.write() as s:
        import_plan(session=s, plan=sample_plan, actor="test", now=NOW)
        replay_log(session=s, log=sample_log, now=NOW)
    with other.read() as s:
        replayed = program_status(session=s, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
    other.dispose()
    with plan_db.read() as s:
        chat_reports = s.exec(select(func.count()).select_from(Report)).one()
    # One chat report per line of figures and one per completion.
    said_count = sum(bool(r.values) for r in sample_log.reports)
    said_count += sum(bool(r.done) for r in sample_log.reports)
    assert chat_reports == said_count == 80
    common, registered = said.kinds["common"], said.kinds["registered"]
    assert (
        common.done,
        common.total,
        common.on_time,
        common.late,
        common.in_progress,
        common.overdue,
        common.due,
    ) == (6, 9, 5, 1, 2, 1, 7)
    assert (
        registered.done,
        registered.total,
        registered.on_time,
        registered.late,
        registered.in_progress,
        registered.overdue,
        registered.due,
    ) == (24, 37, 22, 2, 10, 3, 27)
    assert [(x.code, x.days_late) for x in said.overdue] == [
        ("CT09", 14),
        ("R09", 14),
        ("R27", 14),
        ("R33", 14),
    ]
    totals = {t.task: {i.indicator: i.total.value for i in t.indicators} for t in said.task_totals}
    assert totals["CT01"] == {"HN": 163, "LN": 44850}
    assert totals["CT04"] == {"NHA": 210, "TIEN": 7050}
    assert totals["CT06"] == {"SQ": 20115, "TIEN": 5120}
    assert status_json(said) == status_json(replayed)
