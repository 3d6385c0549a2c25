"""The texts of reminders, calls, announcements and digests: every kind in both languages, with
dates and numbers the Vietnamese way, HTML Telegram accepts, people's data escaped, and the
command to act."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.i18n import translator
from bot.reminder_texts import _RENDERERS, render_outgoing
from reminders.messages import (
    COMPLETION,
    DEADLINE,
    DIGEST,
    ESCALATION,
    KINDS,
    MISSING_REPORTS,
    OVERDUE,
    REPORT_CALL,
    Outgoing,
)
from storage.database import Database
from storage.models import Program
from tests.fakes.bot_api import parse_html

P = "CTPH-2019"
MISSING = [["CA", "Công an tỉnh"], ["SLDTBXH", "Sở LĐ-TB&XH"]]
PAYLOADS: dict[str, dict[str, Any]] = {
    DEADLINE: {
        "program": P,
        "task": "R09",
        "title": "Xây dựng mô hình tổ tự quản",
        "due": "2019-06-07",
        "days_left": 7,
        "role": "lead",
    },
    OVERDUE: {
        "program": P,
        "task": "R27",
        "title": "Tuyên truyền biên giới",
        "due": "2019-05-31",
        "days_late": 3,
    },
    ESCALATION: {
        "program": P,
        "task": "R33",
        "title": "Hỗ trợ hộ nghèo",
        "due": "2019-05-31",
        "days_late": 14,
        "lead": "SLDTBXH",
        "lead_name": "Sở LĐ-TB&XH",
    },
    REPORT_CALL: {
        "program": P,
        "period": "6T-2019",
        "period_name": "6 tháng đầu năm 2019",
        "report_due": "2019-06-10",
        "days_left": 10,
    },
    MISSING_REPORTS: {
        "program": P,
        "period": "6T-2019",
        "period_name": "6 tháng đầu năm 2019",
        "report_due": "2019-06-10",
        "missing": MISSING,
        "total": 15,
    },
    COMPLETION: {
        "program": P,
        "task": "R19",
        "title": "Hội thi dân vận khéo",
        "lead": "HND",
        "lead_name": "Hội Nông dân tỉnh",
        "completed_on": "2019-06-12",
        "on_time": True,
    },
    DIGEST: {"program": P, "as_of": "2019-06-14"},
}
# The command each kind asks the reader to use, per language.
ACTS = {
    DEADLINE: ("/xong R09", "/done R09"),
    OVERDUE: ("/giahan R27", "/extend R27"),
    ESCALATION: ("/quahan", "/overdue"),
    REPORT_CALL: ("/baocao", "/report"),
    MISSING_REPORTS: ("/tinhhinh 6T-2019", "/status 6T-2019"),
    COMPLETION: ("/tinhhinh", "/status"),
    DIGEST: ("/tinhhinh", "/status"),
}


def program_id(db: Database) -> int:
    with db.read() as s:
        pid = s.exec(select(Program.id).where(Program.code == P)).one()
    assert pid is not None
    return pid


def outgoing(db: Database, kind: str, language: str | None = "vi", **changes: Any) -> Outgoing:
    return Outgoing(
        id=1,
        program_id=program_id(db),
        kind=kind,
        chat_id=900007,
        language=language,
        payload={**PAYLOADS[kind], **changes},
        due_at=datetime(2019, 6, 14, 1, 30, tzinfo=UTC),
    )


def shown(db: Database, kind: str, language: str | None = "vi", **changes: Any) -> str:
    """The text as the reader sees it; Telegram's HTML parser (strict) must accept it."""
    text = render_outgoing(outgoing(db, kind, language, **changes), database=db, i18n=translator)
    visible, _ = parse_html(text, strict_escaping=True)
    assert len(visible) < 1000  # fits a phone screen or two
    return visible


def test_every_kind_has_a_text() -> None:
    assert set(_RENDERERS) == set(KINDS) == set(PAYLOADS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_kind_renders_in_each_language_with_its_command(
    sample_db: Database, kind: str, lang: str
) -> None:
    """Valid HTML, in the recipient's language, ending with the command to act."""
    text = shown(sample_db, kind, lang)
    vi_act, en_act = ACTS[kind]
    assert (vi_act if lang == "vi" else en_act) in text
    assert (en_act if lang == "vi" else vi_act) not in text


def test_a_message_without_a_language_is_in_the_programs(plan_db: Database) -> None:
    assert shown(plan_db, DEADLINE, None) == shown(plan_db, DEADLINE, "vi")
    with plan_db.write() as s:
        program = s.exec(select(Program).where(Program.code == P)).one()
        program.language = "en"
        s.add(program)
    assert shown(plan_db, DEADLINE, None) == shown(plan_db, DEADLINE, "en")


def test_deadline_days_left_and_on_the_day(plan_db: Database) -> None:
    """'còn 7 ngày' before, 'hôm nay là hạn' on the day; the date as dd/mm/yyyy."""
    text = shown(plan_db, DEADLINE)
    assert "R09" in text and "Xây dựng mô hình tổ tự quản" in text
    assert "Hạn hoàn thành 07/06/2019, còn 7 ngày." in text
    assert "chủ trì" in text and "/xong R09" in text and "/giahan R09" in text
    today = shown(plan_db, DEADLINE, days_left=0)
    assert "Hôm nay là hạn hoàn thành (07/06/2019)." in today
    assert "còn" not in today
    assert "Due 07/06/2019, 1 day left." in shown(plan_db, DEADLINE, "en", days_left=1)
    assert "Due 07/06/2019, 3 days left." in shown(plan_db, DEADLINE, "en", days_left=3)
    assert "Due today (07/06/2019)." in shown(plan_db, DEADLINE, "en", days_left=0)


def test_deadline_for_a_partner_asks_for_a_report_not_completion(plan_db: Database) -> None:
    text = shown(plan_db, DEADLINE, role="partner")
    assert "phối hợp" in text and "/baocao R09" in text
    assert "/xong" not in text and "/giahan" not in text
    english = shown(plan_db, DEADLINE, "en", role="partner")
    assert "partner" in english and "/report R09" in english and "/done" not in english


def test_an_extended_deadline_shows_both_dates(plan_db: Database) -> None:
    text = shown(plan_db, DEADLINE, due="2019-06-30", original_due="2019-05-31", days_left=3)
    assert "Hạn hoàn thành 30/06/2019, còn 3 ngày." in text
    assert "gia hạn từ 31/05/2019 đến 30/06/2019" in text
    assert "extended from 31/05/2019 to 30/06/2019" in shown(
        plan_db, DEADLINE, "en", due="2019-06-30", original_due="2019-05-31", days_left=3
    )
    assert "gia hạn" not in shown(plan_db, DEADLINE, original_due=None)


def test_overdue_says_how_many_days_late(plan_db: Database) -> None:
    text = shown(plan_db, OVERDUE)
    assert "R27" in text and "quá hạn 3 ngày" in text and "31/05/2019" in text
    assert "3 days overdue" in shown(plan_db, OVERDUE, "en")
    assert "1 day overdue" in shown(plan_db, OVERDUE, "en", days_late=1)


def test_escalation_names_the_task_the_lead_and_the_days_late(plan_db: Database) -> None:
    text = shown(plan_db, ESCALATION)
    assert "R33" in text and "Hỗ trợ hộ nghèo" in text and "quá hạn 14 ngày" in text
    assert "SLDTBXH (Sở LĐ-TB&XH)" in text and "31/05/2019" in text
    assert "/quahan" in text and "/tinhhinh" in text


def test_report_call_days_left_or_today(plan_db: Database) -> None:
    text = shown(plan_db, REPORT_CALL)
    assert "6 tháng đầu năm 2019 (6T-2019)" in text
    assert "Hạn gửi 10/06/2019, còn 10 ngày." in text
    today = shown(plan_db, REPORT_CALL, days_left=0)
    assert "Hôm nay là hạn gửi báo cáo (10/06/2019)." in today
    assert "The report is due today (10/06/2019)." in shown(
        plan_db, REPORT_CALL, "en", days_left=0
    )


def test_missing_reports_lists_the_organizations_or_says_all_reported(plan_db: Database) -> None:
    text = shown(plan_db, MISSING_REPORTS)
    assert "2/15 cơ quan chưa gửi báo cáo:" in text
    assert "• CA: Công an tỉnh\n• SLDTBXH: Sở LĐ-TB&XH" in text
    everyone = shown(plan_db, MISSING_REPORTS, missing=[])
    assert "Cả 15 cơ quan đã gửi báo cáo." in everyone and "chưa gửi" not in everyone
    assert "All 15 organizations have reported." in shown(
        plan_db, MISSING_REPORTS, "en", missing=[]
    )


def test_completion_on_time_or_late(plan_db: Database) -> None:
    text = shown(plan_db, COMPLETION)
    assert "R19" in text and "HND (Hội Nông dân tỉnh)" in text
    assert "hoàn thành ngày 12/06/2019, đúng hạn" in text
    late = shown(plan_db, COMPLETION, on_time=False)
    assert "quá hạn" in late and "đúng hạn" not in late
    assert "done on 12/06/2019, late" in shown(plan_db, COMPLETION, "en", on_time=False)


def test_the_digest_gives_counts_as_of_its_date_read_at_send_time(sample_db: Database) -> None:
    """The headline of the worked example, and the overdue count; no task details."""
    text = shown(sample_db, DIGEST)
    assert "Tính đến ngày 14/06/2019" in text
    assert "Hoàn thành 6/9 nhiệm vụ chung, 24/37 nhiệm vụ đăng ký chủ trì." in text
    assert "Quá hạn chưa hoàn thành: 4 nhiệm vụ." in text
    assert "R09" not in text and "CT09" not in text
    english = shown(sample_db, DIGEST, "en")
    assert "6/9 common tasks" in english and "Overdue and not done: 4 tasks." in english
    earlier = shown(sample_db, DIGEST, as_of="2019-03-31")
    assert "Tính đến ngày 31/03/2019" in earlier and "6/9 nhiệm vụ chung" not in earlier


def test_user_derived_text_is_escaped(plan_db: Database) -> None:
    """Titles and names with <, > and & arrive as typed, never as markup."""
    nasty = "<b>Hội & đoàn</b> <script>"
    cases: list[tuple[str, dict[str, Any]]] = [
        (DEADLINE, {"title": nasty, "task": "R<1>"}),
        (OVERDUE, {"title": nasty}),
        (ESCALATION, {"lead_name": nasty}),
        (REPORT_CALL, {"period_name": nasty}),
        (MISSING_REPORTS, {"missing": [["A&B", nasty]], "period": "6T&"}),
        (COMPLETION, {"title": nasty, "lead_name": nasty}),
    ]
    for kind, changes in cases:
        text = render_outgoing(outgoing(plan_db, kind, **changes), database=plan_db)
        visible, _ = parse_html(text, strict_escaping=True)
        assert nasty in visible or "A&B" in visible, kind
        assert "<script>" not in text


def test_large_numbers_are_written_the_vietnamese_way(plan_db: Database) -> None:
    text = shown(plan_db, MISSING_REPORTS, total=1200, missing=[["CA", "Công an tỉnh"]])
    assert "1/1.200 cơ quan" in text
    assert "1/1,200 organizations" in shown(
        plan_db, MISSING_REPORTS, "en", total=1200, missing=[["CA", "Công an tỉnh"]]
    )


def test_an_unknown_kind_is_refused(plan_db: Database) -> None:
    with pytest.raises(ValueError, match="nonsense"):
        render_outgoing(_unknown(plan_db), database=plan_db)


def _unknown(db: Database) -> Outgoing:
    base = outgoing(db, DEADLINE)
    return Outgoing(base.id, base.program_id, "nonsense", 1, None, {}, base.due_at)
