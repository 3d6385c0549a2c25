"""`phoihop reminders`: the outbox's status (counts, what is next, what failed) and the preview of
what would be sent to whom and when, which sends and writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from config.settings import SAMPLE_PLAN, SAMPLE_REPORTS
from reminders.messages import FAILED, SENT
from reminders.planner import Planner
from storage.database import Database
from storage.models import OutboxMessage, Program, table
from tests.bot.test_cli import P, cli, snapshot

# 14/06/2019 08:00 in Hòa Sơn: the slots open that morning.
MORNING = datetime(2019, 6, 14, 1, 0, tzinfo=UTC)
PREVIEW_10_14_JUNE = [
    "• 10/06/2019 07:30  quá hạn  Cán bộ đầu mối CA (CA)  R09",
    "• 10/06/2019 07:30  quá hạn  Cán bộ đầu mối BDBP (BDBP)  R27",
    "• 10/06/2019 07:30  quá hạn  Cán bộ đầu mối SLDTBXH (SLDTBXH)  R33",
    "• 10/06/2019 07:30  quá hạn  Cán bộ đầu mối BDVTU (BDVTU)  CT09",
    "• 10/06/2019 07:30  đề nghị báo cáo  Cán bộ đầu mối BDVTU (BDVTU)  6T-2019",
    "• 10/06/2019 07:30  đề nghị báo cáo  Cán bộ đầu mối HNCT (HNCT)  6T-2019",
    "• 10/06/2019 07:30  đề nghị báo cáo  Cán bộ đầu mối BCHQS (BCHQS)  6T-2019",
    "• 11/06/2019 07:30  chưa báo cáo  Tổ giúp việc (demo) (BDVTU)  6T-2019",
    "• 14/06/2019 07:30  báo lãnh đạo  Trưởng ban (demo) (BDVTU)  R09",
    "• 14/06/2019 07:30  báo lãnh đạo  Tổ giúp việc (demo) (BDVTU)  R09",
    "• 14/06/2019 07:30  báo lãnh đạo  Trưởng ban (demo) (BDVTU)  R27",
    "• 14/06/2019 07:30  báo lãnh đạo  Tổ giúp việc (demo) (BDVTU)  R27",
    "• 14/06/2019 07:30  báo lãnh đạo  Trưởng ban (demo) (BDVTU)  R33",
    "• 14/06/2019 07:30  báo lãnh đạo  Tổ giúp việc (demo) (BDVTU)  R33",
    "• 14/06/2019 07:30  báo lãnh đạo  Trưởng ban (demo) (BDVTU)  CT09",
    "• 14/06/2019 07:30  báo lãnh đạo  Tổ giúp việc (demo) (BDVTU)  CT09",
]


@pytest.fixture
def loaded(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The sample plan and its whole report log (each backend), via the command line."""
    assert cli(capsys, "--database-url", db_url, "import", str(SAMPLE_PLAN)).code == 0
    assert cli(capsys, "--database-url", db_url, "replay", str(SAMPLE_REPORTS)).code == 0
    return db_url


def planned(url: str) -> Database:
    """The outbox planned on the morning of 14/06/2019; one message sent, one failed."""
    db = Database(url)
    with db.read() as s:
        pid = s.execute(sa.select(table(Program).c.id)).scalar_one()
    assert Planner(db).plan_program(pid, MORNING).planned > 0
    o = table(OutboxMessage)
    with db.write() as s:
        ids = s.execute(sa.select(o.c.id).order_by(o.c.id)).scalars().all()
        s.execute(sa.update(o).where(o.c.id == ids[0]).values(status=SENT, sent_at=MORNING))
        s.execute(
            sa.update(o)
            .where(o.c.id == ids[1])
            .values(status=FAILED, attempts=3, last_error="Bad Request: chat not found")
        )
    return db


# --- status --------------------------------------------------------------------------------------


def test_status_of_an_empty_outbox(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    run = cli(capsys, "--database-url", loaded, "reminders", "status")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "Hàng đợi tin nhắc việc: 0 tin",
        "",
        "Không có tin nào đang chờ gửi.",
        "",
        "Không có tin nào gửi lỗi.",
    ]


def test_status_counts_next_and_failed(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = planned(loaded)
    o = table(OutboxMessage)
    with db.read() as s:
        total = s.execute(sa.select(sa.func.count()).select_from(o)).scalar_one()
        failed_kind = s.execute(sa.select(o.c.kind).where(o.c.status == FAILED)).scalar_one()
    db.dispose()
    run = cli(capsys, "--database-url", loaded, "reminders", "status", P)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == f"Hàng đợi tin nhắc việc của {P}: {total} tin"
    assert lines[1].startswith(f"• chờ gửi: {total - 2} (")
    assert lines[2].startswith("• đã gửi: 1 (") and lines[3].startswith("• lỗi: 1 (")
    assert f"Tin sắp gửi ({total - 2}):" in lines
    # Planned at 08:00, so sent from then on; the first ten, then how many more.
    nexts = [line for line in lines if line.startswith("• 14/06/2019 08:00  ")]
    assert len(nexts) == min(total - 2, 10) + 1  # and the failed one
    if total - 2 > 10:
        assert f"… và {total - 12} tin nữa." in lines
    assert "  báo lãnh đạo  Trưởng ban (demo) (BDVTU)  R09" in run.out
    assert "Tin gửi lỗi gần đây (1):" in lines
    assert "    lỗi: Bad Request: chat not found (đã thử 3 lần)" in lines
    kinds = {"escalation": "báo lãnh đạo", "overdue": "quá hạn", "digest": "điểm tin tuần"}
    assert f"• lỗi: 1 ({kinds.get(failed_kind, failed_kind)} 1)" in lines
    # The same for every program, and in English.
    every = cli(capsys, "--database-url", loaded, "reminders", "status")
    assert every.out.splitlines()[0] == f"Hàng đợi tin nhắc việc: {total} tin"
    english = cli(capsys, "--database-url", loaded, "--lang", "en", "reminders", "status", P)
    assert english.out.splitlines()[0] == f"Reminders' outbox of {P}: {total} messages"
    assert "Recently failed (1):" in english.out
    assert "    error: Bad Request: chat not found (3 attempts)" in english.out


def test_status_of_an_unknown_program_is_refused(
    loaded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run = cli(capsys, "--database-url", loaded, "reminders", "status", "NOPE")
    assert run.code == 1 and "NOPE" in run.err and run.out == ""


# --- preview -------------------------------------------------------------------------------------


def test_preview_lists_what_would_be_sent_and_sends_nothing(
    loaded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(loaded)
    run = cli(
        capsys,
        "--database-url",
        loaded,
        "reminders",
        "preview",
        P,
        "--from",
        "10/06/2019",
        "--to",
        "14/6/2019",
    )
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == (
        f"Dự kiến tin nhắc việc của {P} từ 10/06/2019 đến 14/06/2019 "
        "(giờ Asia/Ho_Chi_Minh): 16 tin."
    )
    assert lines[1:] == PREVIEW_10_14_JUNE
    assert snapshot(loaded) == before


def test_preview_in_english_and_as_json(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--database-url", loaded, "reminders", "preview", P, "--from", "10/6/2019"]
    english = cli(capsys, *args, "--to", "14/6/2019", "--lang", "en")
    assert english.code == 0, english.err
    assert (
        english.out.splitlines()[1] == "• 10/06/2019 07:30  overdue  Cán bộ đầu mối CA (CA)  R09"
    )
    assert "escalation  Trưởng ban (demo) (BDVTU)  CT09" in english.out
    run = cli(capsys, *args, "--to", "14/6/2019", "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert (data["program"], data["from"], data["to"]) == (P, "2019-06-10", "2019-06-14")
    assert data["timezone"] == "Asia/Ho_Chi_Minh"
    assert len(data["messages"]) == len(PREVIEW_10_14_JUNE)
    first = data["messages"][0]
    assert first["at"] == "2019-06-10T07:30:00+07:00"
    assert (first["kind"], first["subject"], first["chat_id"]) == ("overdue", "R09", 900003)
    assert first["recipient"].startswith("person:")
    assert first["recipient_name"] == "Cán bộ đầu mối CA (CA)"
    assert first["payload"]["task"] == "R09" and first["payload"]["days_late"] > 0
    missing = next(m for m in data["messages"] if m["kind"] == "missing_reports")
    assert missing["slot"] and missing["essential"] in (True, False)


def test_preview_names_the_committee_group(
    loaded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(loaded)
    with db.write() as s:
        s.execute(sa.update(table(Program)).values(group_chat_id=-1001234567890))
    db.dispose()
    run = cli(
        capsys,
        "--database-url",
        loaded,
        "reminders",
        "preview",
        P,
        "--from",
        "17/06/2019",
        "--to",
        "17/06/2019",
    )
    assert run.code == 0, run.err
    assert "• 17/06/2019 07:30  điểm tin tuần  nhóm Ban Chỉ đạo  CTPH-2019" in run.out


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("14/06/2019", "10/06/2019"), "ngày cuối 10/06/2019 trước ngày đầu 14/06/2019"),
        (("31/02/2019", "10/06/2019"), "31/02/2019"),
        (("10/06/2019", "hôm nào"), "--to"),
    ],
)
def test_bad_dates_are_refused_and_nothing_changes(
    loaded: str, capsys: pytest.CaptureFixture[str], dates: tuple[str, str], message: str
) -> None:
    before = snapshot(loaded)
    first, last = dates
    run = cli(
        capsys, "--database-url", loaded, "reminders", "preview", P, "--from", first, "--to", last
    )
    assert run.code == 1 and message in run.err and run.out == ""
    assert snapshot(loaded) == before


def test_bad_usage(loaded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "--database-url", loaded, "reminders").code == 2
    assert cli(capsys, "--database-url", loaded, "reminders", "preview", P).code == 2
    assert cli(capsys, "--database-url", loaded, "reminders", "nonsense").code == 2
    unknown = cli(
        capsys, "--database-url", loaded, "reminders", "preview", "NOPE", "--from", "1/6/2019",
        "--to", "2/6/2019",
    )  # fmt: skip
    assert unknown.code == 1 and "NOPE" in unknown.err
