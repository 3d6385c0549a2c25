"""Tasks by chat, offline: /giao in one line and step by step, /suaviec, /huyviec; read back,
done once on Confirm, the officers of the lead and partners told at once; refusals change
nothing.

People come from the sample report log: 900100 is the chair, 900101 the secretariat, 9000xx the
officers (900005 TD, 900006 HLHPN, 900007 HND, 900003 CA, 900004 MTTQ). The clock is 14/06/2019
17:00 in Hòa Sơn.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.chat import local_day
from bot.i18n import translator
from storage.conversations import get_step
from storage.database import Database
from storage.models import AuditEntry, ChatDraft, Person, Task, utcnow
from storage.operations import upsert_member
from storage.summaries import program_status
from tests.bot.harness import Chat, chat_with
from tests.bot.running import bot_running
from tests.bot.test_chat_e2e import _button, _invite, _press, _reply_after, _say
from tests.conftest import NOW
from tests.fakes.bot_api import FakeBotAPI
from tests.storage.test_people_programs import BORDER, SAMPLE, add_border_program, program_id

pytestmark = pytest.mark.anyio

vi, en = translator("vi"), translator("en")
CHAIR, SECRETARY = 900100, 900101
TD, HLHPN, HND, CA, MTTQ = 900005, 900006, 900007, 900003, 900004
LINE = (
    '/giao trongtam "Tổ chức hội nghị sơ kết" chủ trì HND; phối hợp HLHPN, TD; hạn 30/9; '
    "chỉ tiêu 20 hội nghị"
)


def headline(db: Database, kind: str) -> tuple[int, int]:
    with db.read() as s:
        k = program_status(session=s, program_code="CTPH-2019", as_of=date(2019, 6, 14)).kinds[
            kind
        ]
    return (k.done, k.total)


def tasks(db: Database) -> int:
    with db.read() as s:
        return int(s.exec(select(func.count()).select_from(Task).where(col(Task.active))).one())


def to(chat: Chat, user: int, since: int) -> list[str]:
    return [m.text for m in chat.request.order[since:] if m.chat_id == user]


READBACK_VI = "\n".join(
    [
        "<b>Giao nhiệm vụ mới</b>, xin kiểm tra rồi bấm Xác nhận:",
        "Mã: <b>TT01</b> (nhiệm vụ trọng tâm)",
        "Nội dung: Tổ chức hội nghị sơ kết",
        "Chủ trì: <b>HND</b>",
        "Phối hợp: HLHPN, TD",
        "Thời hạn: 30/09/2019",
        "Chỉ tiêu: 20 hội nghị",
        vi("assign-code-generated"),
    ]
)


async def test_one_line_is_read_back_given_on_confirm_once_and_told(sample_db: Database) -> None:
    """The chair's line is read back; Confirm gives TT01 (focus 0/1), the officers of HND,
    HLHPN and TD each get the notice; Confirm again records nothing more."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CHAIR, LINE)
        assert readback.text == READBACK_VI
        assert [d.rsplit(":", 1)[1] for d in readback.button_data()] == ["ok", "no"]
        assert headline(sample_db, "focus") == (0, 0)
        since = len(chat.request.order)
        ok = readback.find_button("Xác nhận")
        await chat.press(CHAIR, ok, readback)
        assert chat.last_answer()["text"] == vi("assign-done-short")
        done = chat.last(CHAIR).text
        assert done.startswith("✅ Đã giao nhiệm vụ <b>TT01</b>; đã báo cho 3 cán bộ đầu mối.")
        notice = "\n".join(
            [
                "📌 Ban Chỉ đạo vừa giao nhiệm vụ mới, cơ quan của bạn <b>{}</b>:",
                *READBACK_VI.split("\n")[1:-1],
            ]
        )
        assert to(chat, HND, since) == [notice.format("chủ trì")]
        assert to(chat, HLHPN, since) == [notice.format("phối hợp")]
        assert to(chat, TD, since) == [notice.format("phối hợp")]
        assert to(chat, CA, since) == []
        since = len(chat.request.order)
        await chat.press(CHAIR, ok, readback)
        assert chat.last_answer()["text"] == vi("assign-already")
        assert len(chat.request.order) == since
        # The lead's work list has it, in progress.
        assert "<b>TT01</b>" in (await chat.say(HND, "/viec")).text
    assert headline(sample_db, "focus") == (0, 1)
    with sample_db.read() as s:
        assert s.exec(select(Task.title).where(Task.code == "TT01")).one() == (
            "Tổ chức hội nghị sơ kết"
        )


async def test_step_by_step_with_buttons(sample_db: Database) -> None:
    """/giao alone: kind → title → lead (button) → partners (toggles) → deadline → targets;
    the same read-back and Confirm give R38 (registered 24/38)."""
    async with chat_with(sample_db, NOW) as chat:
        kinds = await chat.say(CHAIR, "/giao")
        assert kinds.text == vi("assign-step-kind")
        await chat.press(CHAIR, kinds.find_button("đăng ký"), kinds)
        assert chat.last(CHAIR).text == vi("assign-step-title", kind="nhiệm vụ đăng ký chủ trì")
        leads = await chat.say(CHAIR, "Ra mắt mô hình dân vận khéo")
        assert [b["text"] for b in leads.buttons[0]] == ["BDVTU", "BCHQS", "CA", "MTTQ"]
        await chat.press(CHAIR, leads.find_button("Sau"), leads)
        page2 = chat.last(CHAIR)
        assert [b["text"] for b in page2.buttons[0]] == ["LDLD", "BDBP", "HCTD", "BTGTU"]
        await chat.press(CHAIR, page2.find_button("Trước"), page2)
        await chat.press(CHAIR, chat.last(CHAIR).find_button("HND"))
        partners = chat.last(CHAIR)
        assert "HND" not in [b["text"] for row in partners.buttons for b in row]
        await chat.press(CHAIR, partners.find_button("TD"), partners)
        await chat.press(CHAIR, chat.last(CHAIR).find_button("CA"))
        await chat.press(CHAIR, chat.last(CHAIR).find_button("✅ TD"))
        shown = chat.last(CHAIR)
        assert shown.text.endswith("Đang chọn: CA")
        await chat.press(CHAIR, shown.find_button("Xong"), shown)
        assert chat.last(CHAIR).text == vi("assign-step-due")
        bad = await chat.say(CHAIR, "31/2")
        assert bad.text == vi("op-no_such_date", text="31/2") + "\n\n" + vi("assign-step-again")
        assert (await chat.say(CHAIR, "30/9")).text == vi("assign-step-targets")
        readback = await chat.say(CHAIR, "3 mô hình")
        assert readback.text.split("\n")[1:7] == [
            "Mã: <b>R38</b> (nhiệm vụ đăng ký chủ trì)",
            "Nội dung: Ra mắt mô hình dân vận khéo",
            "Chủ trì: <b>HND</b>",
            "Phối hợp: CA",
            "Thời hạn: 30/09/2019",
            "Chỉ tiêu: 3 mô hình",
        ]
        since = len(chat.request.order)
        await chat.press(CHAIR, readback.find_button("Xác nhận"), readback)
        assert len(to(chat, HND, since)) == 1 and len(to(chat, CA, since)) == 1
        # The conversation is over: a typed line is a report again, not a step's answer.
        with sample_db.read() as s:
            person = s.exec(select(Person).where(Person.telegram_id == CHAIR)).one()
            assert person.id is not None
            assert get_step(session=s, person_id=person.id) is None
    assert headline(sample_db, "registered") == (24, 38)


async def test_steps_skip_targets_stop_and_stale_buttons(sample_db: Database) -> None:
    """«No targets» reads back without targets; «Stop» ends the conversation with nothing
    changed; a button of an ended conversation is refused as stale."""
    async with chat_with(sample_db, NOW) as chat:
        kinds = await chat.say(CHAIR, "/giao")
        await chat.press(CHAIR, kinds.find_button("trọng tâm"), kinds)
        await chat.say(CHAIR, "Tuyên truyền")
        await chat.say(CHAIR, "td")
        partners = chat.last(CHAIR)
        await chat.press(CHAIR, partners.find_button("tất cả"), partners)
        assert chat.last(CHAIR).text.endswith("Đang chọn: tất cả cơ quan thành viên")
        await chat.press(CHAIR, chat.last(CHAIR).find_button("Xong"))
        skip = await chat.say(CHAIR, "thường xuyên")
        await chat.press(CHAIR, skip.find_button("Không có chỉ tiêu"), skip)
        readback = chat.last(CHAIR)
        assert "Thời hạn: thường xuyên" in readback.text
        assert "Chỉ tiêu: không có" in readback.text
        assert "Phối hợp: tất cả cơ quan thành viên" in readback.text
        await chat.press(CHAIR, readback.find_button("Hủy"), readback)
        assert chat.last(CHAIR).text == vi("assign-draft-cancelled")

        kinds = await chat.say(CHAIR, "/giao")
        common = kinds.find_button("chung")
        await chat.press(CHAIR, kinds.find_button("Dừng"), kinds)
        assert chat.last(CHAIR).text == vi("assign-step-quit")
        await chat.press(CHAIR, common, kinds)
        assert chat.last_answer()["text"] == vi("op-stale_button")
    assert headline(sample_db, "focus") == (0, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '/giao chung "X" chủ trì XYZ',
            vi("op-unknown_org", org="XYZ") + "\n\n" + vi("assign-usage"),
        ),
        (
            '/giao chung "X" chủ trì HND; hạn 31/2',
            vi("op-no_such_date", text="31/2") + "\n\n" + vi("assign-usage"),
        ),
        (
            '/giao chung "X" chủ trì HND; hạn 1/6',
            vi("op-task_due_past", due="01/06/2019") + "\n\n" + vi("assign-usage"),
        ),
        (
            '/giao chung "X" chủ trì HND; chỉ tiêu 20 cây cầu',
            vi(
                "op-task_target_unknown_unit",
                unit="cây cầu",
                units="hội nghị, buổi, lớp, mô hình, lượt người, người, ngôi nhà, suất quà, "
                "triệu đồng, ngày công, km, xã, vụ việc, đơn vị máu, tác phẩm, văn bản",
            )
            + "\n\n"
            + vi("assign-usage"),
        ),
        ('/giao chung "X"', vi("op-task_no_lead") + "\n\n" + vi("assign-usage")),
        ("/giao viec", vi("op-task_no_kind", text="viec") + "\n\n" + vi("assign-usage")),
        ("/suaviec R09", vi("assign-edit-usage")),
        (
            "/suaviec R99 hạn 30/9",
            vi("op-unknown_task", task="R99") + "\n\n" + vi("assign-edit-usage"),
        ),
        ("/huyviec R09", vi("assign-cancel-reason-missing", task="R09")),
        ("/huyviec", vi("assign-cancel-usage")),
    ],
)
async def test_bad_input_is_refused_politely_and_changes_nothing(
    sample_db: Database, text: str, expected: str
) -> None:
    """Unknown organization, impossible or past date, unknown unit, missing parts: a message
    that says what is wrong and how to say it, no draft, no task."""
    before = tasks(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        assert (await chat.say(CHAIR, text)).text == expected
    assert tasks(sample_db) == before
    with sample_db.read() as s:
        assert s.exec(select(func.count()).select_from(ChatDraft)).one() == 0


async def test_officers_may_not_assign_edit_or_cancel(sample_db: Database) -> None:
    """An officer's /giao, /suaviec, /huyviec and their pressing of a leader's buttons are
    refused; nothing changes."""
    async with chat_with(sample_db, NOW) as chat:
        for text in [LINE, "/giao", "/suaviec R09 hạn 30/9", "/huyviec R09 gộp"]:
            assert (await chat.say(HND, text)).text == vi("op-task_not_allowed")
        readback = await chat.say(CHAIR, LINE)
        await chat.press(HND, readback.find_button("Xác nhận"), readback)
        assert chat.last_answer()["text"] == vi("op-not_your_draft")
    assert headline(sample_db, "focus") == (0, 0)


async def test_edit_and_cancel_are_read_back_kept_in_history_and_told(sample_db: Database) -> None:
    """/suaviec R09 moves its deadline and partners (CA's, MTTQ's and HND's officers told, the
    history holds before and after); /huyviec R09 takes it out of the counts (24/36) and tells
    CA and HND in their language."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CHAIR, "/suaviec r09 hạn 31/8; phối hợp HND")
        assert readback.text.split("\n") == [
            vi("assign-readback-edit", task="R09", title="Tổ tự quản ANTT 20 khu dân cư"),
            "Phối hợp: MTTQ → <b>HND</b>",
            "Thời hạn: 31/05/2019 → <b>31/08/2019</b>",
        ]
        changes = readback.text.split("\n")[1:]
        since = len(chat.request.order)
        await chat.press(CHAIR, readback.find_button("Xác nhận"), readback)
        assert chat.last(CHAIR).text == vi("assign-done-edit", task="R09", told=3)
        for officer in (CA, MTTQ, HND):
            assert to(chat, officer, since) == [
                "\n".join(
                    [
                        vi(
                            "assign-notice-edit",
                            task="R09",
                            title="Tổ tự quản ANTT 20 khu dân cư",
                        ),
                        *changes,
                    ]
                )
            ]
        assert headline(sample_db, "registered") == (24, 37)

        await chat.say(CA, "/ngonngu en")
        readback = await chat.say(SECRETARY, "/huyviec R09 gộp vào CT09")
        assert "Lý do: gộp vào CT09" in readback.text
        since = len(chat.request.order)
        await chat.press(SECRETARY, readback.find_button("Xác nhận"), readback)
        assert to(chat, CA, since) == [
            en("assign-notice-cancel", task="R09", title="Tổ tự quản ANTT 20 khu dân cư")
            + "\n"
            + en("assign-line-reason", reason="gộp vào CT09")
        ]
        assert len(to(chat, HND, since)) == 1 and to(chat, MTTQ, since) == []
        assert (await chat.say(CHAIR, "/suaviec R09 hạn 30/9")).text.startswith(
            vi("op-unknown_task", task="R09")
        )
    assert headline(sample_db, "registered") == (24, 36)
    with sample_db.read() as s:
        actions = s.exec(
            select(AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.entity == "task")
            .order_by(col(AuditEntry.id))
        ).all()
    assert [tuple(a) for a in actions] == [
        ("edit_task", "tg:900100"),
        ("cancel_task", "tg:900101"),
    ]


async def test_an_english_chair(sample_db: Database) -> None:
    """English keywords, read back and confirmed in English."""
    async with chat_with(sample_db, NOW + timedelta(minutes=1)) as chat:
        await chat.say(CHAIR, "/lang en")
        readback = await chat.say(
            CHAIR, '/assign common code CT20 "Blood drive" lead HCTD; partners all; due ongoing'
        )
        assert readback.text.split("\n") == [
            en("assign-readback-give"),
            "Code: <b>CT20</b> (common task)",
            "Title: Blood drive",
            "Lead: <b>HCTD</b>",
            "Partners: every member organization",
            "Deadline: ongoing",
            "Targets: none",
        ]
        await chat.press(CHAIR, readback.find_button("Confirm"), readback)
        assert chat.last(CHAIR).text.startswith(en("assign-done-give", task="CT20", told=15))
    assert headline(sample_db, "common") == (6, 10)


async def test_a_person_in_two_programs_gives_tasks_only_where_they_lead(
    sample_db: Database,
) -> None:
    """900007 is HND's officer in the sample and the secretariat of a border program: there the
    task takes that program's pattern (K02 after K01), its officer is told with the program
    named; in the sample the same person may not give tasks."""
    add_border_program(sample_db)
    with sample_db.write() as s:
        upsert_member(
            session=s, program_code=BORDER, telegram_id=HLHPN, name="Đồn BP",
            org_code="BDBP", role="officer", now=NOW,
        )  # fmt: skip
    async with chat_with(sample_db, NOW) as chat:
        await chat.say(HND, f"/chuongtrinh {BORDER}")
        readback = await chat.say(
            HND, '/giao chung "Họp dân biên giới" chủ trì BDBP; phối hợp HND'
        )
        assert readback.text.split("\n")[:3] == [
            vi("programs-header", program=BORDER),
            vi("assign-readback-give"),
            "Mã: <b>K02</b> (nhiệm vụ chung)",
        ]
        since = len(chat.request.order)
        await chat.press(HND, readback.find_button("Xác nhận"), readback)
        told = to(chat, HLHPN, since)
        assert len(told) == 1
        assert told[0].startswith(
            vi("programs-header", program=BORDER) + "\n" + vi("assign-notice-give", role="chủ trì")
        )
        await chat.say(HND, f"/chuongtrinh {SAMPLE}")
        refused = await chat.say(HND, '/giao chung "X" chủ trì HND')
        assert refused.text.endswith(vi("op-task_not_allowed"))
    border = program_id(sample_db, BORDER)
    with sample_db.read() as s:
        assert s.exec(select(Task.program_id).where(Task.code == "K02")).all() == [border]
    assert headline(sample_db, "common") == (6, 9)


# --- end to end over HTTP ------------------------------------------------------------------------

E2E_CHAIR, E2E_HND, E2E_CA = 820001, 820002, 820003


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token="7000002:E2E-token-for-assign-tests") as fake:
        for user in (E2E_CHAIR, E2E_HND, E2E_CA):
            fake.add_user(user, first_name=f"Người {user}")
        yield fake


@pytest.fixture
def running(plan_db: Database, api: FakeBotAPI, tmp_path: Path) -> Iterator[None]:
    """`phoihop run` in its own process, polling the fake Bot API."""
    with bot_running(plan_db.url, api, tmp_path) as process:
        yield
        assert process.poll() is None, "the bot is still running"


@pytest.mark.slow
@pytest.mark.usefixtures("running")
def test_giving_a_task_over_http(plan_db: Database, api: FakeBotAPI) -> None:
    """Over the strict fake Bot API: the chair gives a task in one line, confirms it, and the
    lead's and the partner's officers receive the notice; every request passes the fake."""
    for user, org, role in [(E2E_CHAIR, "BDVTU", "chair"), (E2E_HND, "HND", "officer"),
                            (E2E_CA, "CA", "officer")]:  # fmt: skip
        assert _say(api, user, f"/start {_invite(plan_db, org, role)}")["text"].startswith("✅")
    readback = _say(
        api,
        E2E_CHAIR,
        '/giao dangky "Ra mắt tổ tự quản" chủ trì HND; phối hợp CA; hạn thường xuyên',
    )
    assert "Mã: R38 (nhiệm vụ đăng ký chủ trì)" in readback["text"]
    hnd_before, ca_before = len(api.sent_messages(E2E_HND)), len(api.sent_messages(E2E_CA))
    done = _press(api, E2E_CHAIR, readback, _button(readback, "Xác nhận"))
    assert done["text"].startswith("✅ Đã giao nhiệm vụ R38; đã báo cho 2 cán bộ đầu mối.")
    told = _reply_after(api, E2E_HND, hnd_before)["text"]
    assert told.startswith("📌 Ban Chỉ đạo vừa giao nhiệm vụ mới, cơ quan của bạn chủ trì:")
    assert "Phối hợp: CA" in told
    assert "cơ quan của bạn phối hợp" in _reply_after(api, E2E_CA, ca_before)["text"]
    assert api.errors == []
    with plan_db.read() as s:
        task = s.exec(select(Task).where(Task.code == "R38")).one()
        assert (task.title, task.kind, task.original_due, task.assigned_on) == (
            "Ra mắt tổ tự quản",
            "registered",
            None,
            local_day(utcnow(), None),
        )
