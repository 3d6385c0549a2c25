"""The sample program lived from 01/05/2019 to 30/06/2019 under a controlled clock: the exact
list of messages the bot sends (kind, recipient, local time), and the rules it shows."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path

import pytest
import sqlalchemy as sa

from reminders.calendar import WorkCalendar
from reminders.planner import plan_due
from storage.database import Database
from storage.documents import PlanDocument, ReportLog
from storage.models import OutboxMessage, table
from storage.reminder_settings import ReminderSettings
from tests.conftest import BACKENDS, PG_URL, pg_schema_url
from tests.reminders.simulation import ZONE, Sent, live, local

GOLDEN = Path(__file__).with_name("golden") / "sample-2019-05-01-2019-06-30.txt"
CHAIR, SECRETARY = "900100", "900101"


@pytest.fixture(scope="module", params=BACKENDS)
def may_june(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sample_plan: PlanDocument,
    sample_log: ReportLog,
) -> Iterator[list[Sent]]:
    """The two months lived once per backend; the tests below read the same list."""
    with own_database(request.param, tmp_path_factory.mktemp("may-june")) as db:
        yield live(db, sample_plan, sample_log, date(2019, 5, 1), date(2019, 6, 30))


@contextmanager
def own_database(backend: str, folder: Path) -> Iterator[Database]:
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'test.db'}"
        database = Database(url)
        database.upgrade()
        yield database
        database.dispose()
        return
    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    database = Database(pg_schema_url(PG_URL, schema))
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def test_the_exact_list_of_messages(may_june: list[Sent]) -> None:
    """Every message of the two months, line for line, is the reviewed golden list."""
    lines = [sent.line() for sent in may_june]
    if os.environ.get("PHOIHOP_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert lines == GOLDEN.read_text(encoding="utf-8").splitlines()
    assert Counter(sent.kind for sent in may_june) == {
        "deadline": 131,
        "completion": 59,
        "report_call": 20,
        "overdue": 19,
        "escalation": 10,
        "digest": 9,
        "missing_reports": 1,
    }


def test_planning_from_scratch_at_every_tick_gives_the_same_list(
    db: Database, sample_plan: PlanDocument, sample_log: ReportLog
) -> None:
    """The planner's memory of its last run is only a shortcut: after a restart at any tick it
    would have planned the very same messages."""
    lines = [
        s.line()
        for s in live(db, sample_plan, sample_log, date(2019, 5, 1), date(2019, 6, 30),
                      incremental=False)
    ]  # fmt: skip
    assert lines == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_nothing_goes_outside_working_hours_or_on_days_off(may_june: list[Sent]) -> None:
    calendar = WorkCalendar(ZONE, ReminderSettings())
    for sent in may_june:
        assert calendar.is_working_day(sent.at.date()), sent.line()
        assert time(7, 30) <= sent.at.time() < time(17, 0), sent.line()
    days = {sent.at.date() for sent in may_june}
    # Labour Day (Wednesday 01/05/2019) is a holiday: what fell due then went on 02/05.
    assert date(2019, 5, 1) not in days
    assert "02/05/2019 07:30 overdue 900006 R16 2019-04-30/+1" in [s.line() for s in may_june]


def test_overdue_escalation_and_the_four_late_tasks(may_june: list[Sent]) -> None:
    escalations = [s.line() for s in may_june if s.kind == "escalation"]
    assert escalations == [
        "14/05/2019 07:30 escalation 900100 R16 2019-04-30/+14",
        "14/05/2019 07:30 escalation 900101 R16 2019-04-30/+14",
    ] + [
        f"14/06/2019 07:30 escalation {who} {code} 2019-05-31/+14"
        for code in ("R09", "R27", "R33", "CT09")
        for who in (CHAIR, SECRETARY)
    ]
    assert {s.payload["days_late"] for s in may_june if s.kind == "escalation"} == {14}
    # Overdue notices: the next working day (Saturday 01/06 -> Monday 03/06), then weekly.
    overdue_r09 = [
        s.line() for s in may_june if s.kind == "overdue" and s.payload["task"] == "R09"
    ]
    assert overdue_r09 == [
        "03/06/2019 07:30 overdue 900003 R09 2019-05-31/+1",
        "10/06/2019 07:30 overdue 900003 R09 2019-05-31/+8",
        "17/06/2019 07:30 overdue 900003 R09 2019-05-31/+15",
        "24/06/2019 07:30 overdue 900003 R09 2019-05-31/+22",
    ]
    # Days late are counted to the day the notice goes.
    late = [
        s.payload["days_late"]
        for s in may_june
        if s.kind == "overdue" and s.payload["task"] == "R09"
    ]
    assert late == [3, 10, 17, 24]


def test_report_calls_and_the_missing_list(may_june: list[Sent]) -> None:
    calls = [s for s in may_june if s.kind == "report_call"]
    first = [s for s in calls if s.slot == "2019-06-10/-10"]
    assert {s.at.strftime("%d/%m/%Y %H:%M") for s in first} == {"31/05/2019 07:30"}
    assert len(first) == 15  # every organization's officer
    # On the day, only those that had not reported since the first call.
    on_day = sorted(s.recipient for s in calls if s.slot == "2019-06-10/-0")
    assert on_day == ["900001", "900002", "900005", "900006", "900014"]
    (missing,) = [s for s in may_june if s.kind == "missing_reports"]
    assert missing.line() == "11/06/2019 07:30 missing_reports 900101 6T-2019 2019-06-10/+1"
    assert missing.payload["missing"] == [
        ["BDVTU", "Ban Dân vận Tỉnh ủy"],
        ["BCHQS", "Bộ CHQS tỉnh"],
        ["HNCT", "Hội Người cao tuổi tỉnh"],
    ]
    assert missing.payload["total"] == 15


def test_completions_are_announced_once_in_working_hours(may_june: list[Sent]) -> None:
    r28 = [s.line() for s in may_june if s.kind == "completion" and s.payload["task"] == "R28"]
    # Recorded on Saturday 08/06: announced on Monday morning, to the group and the partner.
    assert r28 == [
        "10/06/2019 07:30 completion group R28 done",
        "10/06/2019 07:30 completion 900005 R28 done",
    ]
    keys = Counter((s.kind, s.recipient, s.payload.get("task"), s.slot) for s in may_june)
    assert max(keys.values()) == 1
    ct01 = [s for s in may_june if s.kind == "completion" and s.payload["task"] == "CT01"]
    assert len(ct01) == 15 and all(s.payload["on_time"] for s in ct01)  # the group, 14 partners


def test_planning_again_at_the_same_moment_writes_nothing(
    db: Database, sample_plan: PlanDocument, sample_log: ReportLog
) -> None:
    live(db, sample_plan, sample_log, date(2019, 6, 14), date(2019, 6, 14))
    now = local(date(2019, 6, 14), time(16, 0))
    with db.read() as session:
        before = session.execute(sa.select(sa.func.count()).select_from(table(OutboxMessage)))
        count = before.scalar()
    again = plan_due(db, now)
    assert (again.planned, again.revived, again.dropped) == (0, 0, 0)
    with db.read() as session:
        after = session.execute(sa.select(sa.func.count()).select_from(table(OutboxMessage)))
        assert after.scalar() == count
