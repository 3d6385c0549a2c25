"""The chat, offline: every command and every refusal, in the user's language, recording only
what was confirmed, once.

People come from the sample report log: 900003 is CA's officer, 900007 HND's, 900010 BDBP's,
900100 the chair, 900101 the secretariat. The clock is 14/06/2019 17:00 in Hòa Sơn.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import col, func, select

from bot.i18n import translator
from storage.database import Database
from storage.models import (
    ChatDraft,
    CurrentValue,
    Difficulty,
    Extension,
    Indicator,
    Membership,
    Report,
    Task,
    from_milli,
)
from storage.people import create_invite
from tests.bot.harness import Chat, chat_with
from tests.conftest import NOW

pytestmark = pytest.mark.anyio

vi, en = translator("vi"), translator("en")
CA, HND, BDBP, CHAIR, SECRETARY, STRANGER = 900003, 900007, 900010, 900100, 900101, 555


def reports(db: Database) -> int:
    with db.read() as s:
        return int(s.exec(select(func.count()).select_from(Report)).one())


def current(db: Database, task: str, org_code: str, indicator: str) -> Decimal | None:
    from storage.models import Organization

    with db.read() as s:
        row = s.exec(
            select(CurrentValue.value_milli)
            .join(Task, col(Task.id) == CurrentValue.task_id)
            .join(Organization, col(Organization.id) == CurrentValue.org_id)
            .join(Indicator, col(Indicator.id) == CurrentValue.indicator_id)
            .where(Task.code == task, Organization.code == org_code, Indicator.code == indicator)
        ).first()
    return from_milli(row) if row is not None else None


async def confirm(chat: Chat, user: int, text: str) -> str:
    """Send a report line, check a read-back came with its three buttons, press Confirm."""
    readback = await chat.say(user, text)
    data = readback.find_button("Xác nhận")
    assert [d.rsplit(":", 1)[1] for d in readback.button_data()] == ["ok", "ed", "no"]
    replies = await chat.press(user, data, readback)
    return replies[-1].text


# --- people who are not bound ----------------------------------------------------------------


async def test_an_unknown_person_only_learns_how_to_join(sample_db: Database) -> None:
    """Whatever a stranger sends, the answer is how to join, and nothing is recorded."""
    before = reports(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        for text in [
            "/viec",
            "/baocao R09 14 mô hình",
            "R09 14 mô hình",
            "/xong R09",
            "/giahan R09 30/6 lý do",
            "/khokhan thiếu kinh phí",
            "/sua R09",
            "/start",
        ]:
            assert (await chat.say(STRANGER, text)).text == vi("chat-join-how"), text
        reply = (await chat.send(STRANGER, None, photo=True, caption="R09 ảnh"))[-1]  # type: ignore[arg-type]
        assert reply.text == vi("chat-join-how")
        await chat.press(STRANGER, "r:1", chat.last(STRANGER))
        assert chat.last_answer()["text"] == vi("chat-not-member-short")
    assert reports(sample_db) == before


async def test_an_english_speaking_stranger_is_answered_in_english(sample_db: Database) -> None:
    """Telegram's language of the user is used until they choose one."""
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(STRANGER, "/tasks", language_code="en")
    assert reply.text == en("chat-join-how")


# --- onboarding --------------------------------------------------------------------------------


def _invite(db: Database, org: str = "HND", role: str = "officer") -> str:
    with db.write() as s:
        return create_invite(
            session=s,
            program_code="CTPH-2019",
            org_code=org,
            role=role,
            created_by="test",
            now=NOW,
        ).code


async def test_an_invitation_binds_once_and_greets_with_what_one_can_do(plan_db: Database) -> None:
    """/start CODE binds the person to the organization and role; the code is then spent."""
    code = _invite(plan_db)
    async with chat_with(plan_db, NOW) as chat:
        reply = await chat.say(700001, f"/start {code}")
        assert reply.text.startswith(vi("chat-joined"))
        assert "<b>cán bộ đầu mối</b> của <b>HND</b> (Hội Nông dân tỉnh)" in reply.text
        assert "/viec" in reply.text and "/baocao" in reply.text
        again = await chat.say(700002, f"/start {code}")
        assert again.text == vi("op-invite_used")
        unknown = await chat.say(700003, "/start khongcomanay")
        assert unknown.text == vi("op-invite_unknown")
    with plan_db.read() as s:
        rows = s.exec(select(Membership.role, Membership.active)).all()
    assert [tuple(r) for r in rows] == [("officer", True)]


async def test_an_expired_invitation_is_refused(plan_db: Database) -> None:
    """Invitations expire after 7 days."""
    code = _invite(plan_db, role="chair")
    async with chat_with(plan_db, NOW + timedelta(days=7, seconds=1)) as chat:
        reply = await chat.say(700001, f"/start {code}")
    assert reply.text == vi("op-invite_expired")
    with plan_db.read() as s:
        assert s.exec(select(Membership)).all() == []


async def test_the_secretariat_invites_from_the_chat(sample_db: Database) -> None:
    """/moi ORG role makes a one-time link; an officer may not."""
    async with chat_with(sample_db, NOW) as chat:
        made = await chat.say(SECRETARY, "/moi HCCB vice_chair")
        assert "https://t.me/phoihop_bot?start=" in made.text
        code = made.text.split("?start=")[1].split()[0]
        joined = await chat.say(700009, f"/start {code}")
        assert "<b>Phó Trưởng ban</b> của <b>HCCB</b>" in joined.text
        refused = await chat.say(CA, "/moi HCCB")
        assert refused.text == vi("chat-invite-not-allowed")
        usage = await chat.say(SECRETARY, "/moi")
        assert usage.text.startswith("Cách dùng: <code>/moi")


# --- /viec --------------------------------------------------------------------------------------


async def test_the_work_list_groups_tasks_by_status_with_buttons(sample_db: Database) -> None:
    """/viec lists what the organization leads or partners on, most urgent first."""
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CA, "/viec")
        lines = reply.text.split("\n")
        assert lines[0] == "📋 <b>Nhiệm vụ của CA</b> (11)"
        assert lines[1:] == [
            "Quá hạn: 1 · đang thực hiện: 3 · đã hoàn thành: 7",
            "",
            "<b>Quá hạn chưa hoàn thành</b>",
            "• <b>R09</b> Tổ tự quản ANTT 20 khu dân cư (chủ trì), hạn 31/05/2019, quá 14 ngày; "
            "14 mô hình (chỉ tiêu 20)",
            "",
            "<b>Đang thực hiện trong hạn</b>",
            "• <b>R05</b> Diễn tập KVPT huyện Minh Giang (phối hợp), hạn 31/10/2019",
            "• <b>CT07</b> Thực hiện QĐ 25-QĐ/TU về xã đặc thù (phối hợp), hạn 31/12/2019",
            "• <b>R23</b> Hòa giải vụ việc phức tạp (phối hợp), hạn 31/12/2019",
            "",
            "<b>Hoàn thành quá hạn</b>",
            "• <b>CT08</b> Tham mưu phương án PCTT-TKCN 2019 (phối hợp), xong ngày 10/04/2019",
            "",
            "<b>Hoàn thành đúng hạn</b>",
            "• <b>CT02</b> Vận động thanh niên nhập ngũ (phối hợp), xong ngày 20/02/2019; "
            "chưa báo số người (chỉ tiêu 1.600)",
            "• <b>R07</b> Mô hình camera an ninh (chủ trì), xong ngày 28/04/2019; 15 mô hình",
            "• <b>R21</b> Diễn đàn Nông dân với pháp luật (phối hợp), xong ngày 31/05/2019",
            "",
            "Trang 1/2",
        ]
        codes = ("R09", "R05", "CT07", "R23", "CT08", "CT02", "R07", "R21")
        assert reply.button_data() == [*(f"r:{i}" for i in _ids(sample_db, *codes)), "v:1"]
        page2 = (await chat.press(CA, "v:1", reply))[-1]
        assert page2.text.split("\n")[-1] == "Trang 2/2"
        assert page2.button_data()[-1] == "v:0"


def _ids(db: Database, *codes: str) -> list[int]:
    with db.read() as s:
        by_code = {t.code: t.id for t in s.exec(select(Task)).all()}
    return [int(by_code[c]) for c in codes]  # type: ignore[arg-type]


# --- /baocao: typed lines -----------------------------------------------------------------------


async def test_a_typed_line_is_read_back_and_recorded_on_confirm(sample_db: Database) -> None:
    """ "R09: đã xây dựng 14/20 tổ tự quản" is read back exactly; nothing is recorded before
    Confirm; Confirm records it."""
    before = reports(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "R09: đã xây dựng 15/20 tổ tự quản")
        assert readback.text.split("\n") == [
            "Xin xác nhận báo cáo:",
            "Nhiệm vụ: <b>R09</b> Tổ tự quản ANTT 20 khu dân cư",
            "Cơ quan: <b>CA</b>",
            "• MH: 15 mô hình (chỉ tiêu 20)",
            "• Ghi chú: đã xây dựng tổ tự quản",
            "Ngày báo cáo: 14/06/2019",
        ]
        assert reports(sample_db) == before
        data = readback.find_button("Xác nhận")
        done = (await chat.press(CA, data, readback))[-1]
        assert done.text.split("\n")[:2] == [
            "✅ <b>Đã ghi nhận</b>",
            "Nhiệm vụ: <b>R09</b> Tổ tự quản ANTT 20 khu dân cư",
        ]
        assert reports(sample_db) == before + 1
        assert current(sample_db, "R09", "CA", "MH") == Decimal(15)
        # Confirm pressed again: one report still.
        await chat.press(CA, data, readback)
        assert chat.last_answer()["text"] == vi("chat-draft-already")
        assert reports(sample_db) == before + 1


@pytest.mark.parametrize(
    ("user", "text", "task", "org", "values"),
    [
        (
            HND,
            "CT01 HND 22 hội nghị, 6.150 lượt người",
            "CT01",
            "HND",
            {"HN": Decimal(22), "LN": Decimal(6150)},
        ),
        (BDBP, "/baocao R27 LN 2100", "R27", "BDBP", {"LN": Decimal(2100)}),
        (
            HND,
            "ct01 22 hoi nghi; 6.150 luot nguoi",
            "CT01",
            "HND",
            {"HN": Decimal(22), "LN": Decimal(6150)},
        ),
        (
            CHAIR,
            "CT04 HND xây 3 ngôi nhà trị giá trên 1,5 tỷ đồng",
            "CT04",
            "HND",
            {"NHA": Decimal(3), "TIEN": Decimal(1500)},
        ),
    ],
)
async def test_lines_typed_as_people_write_them(
    sample_db: Database, user: int, text: str, task: str, org: str, values: dict[str, Decimal]
) -> None:
    """Task, organization, units, Vietnamese numbers, no diacritics, a leader reporting for
    an organization: each line records the values it says."""
    async with chat_with(sample_db, NOW) as chat:
        await confirm(chat, user, text)
    for indicator, value in values.items():
        assert current(sample_db, task, org, indicator) == value


async def test_the_same_message_delivered_twice_drafts_once(sample_db: Database) -> None:
    """Telegram delivering one message twice gives one draft, so one report at most."""
    async with chat_with(sample_db, NOW) as chat:
        update = chat.message_update(CA, "R09 16 mô hình")
        first = (await chat.deliver(update))[-1]
        second = (await chat.deliver(update))[-1]
        assert first.button_data() == second.button_data()
        await chat.press(CA, first.find_button("Xác nhận"), first)
        await chat.press(CA, second.find_button("Xác nhận"), second)
    with sample_db.read() as s:
        assert len(s.exec(select(ChatDraft)).all()) == 1
        assert len(s.exec(select(Report).where(Report.source_key.startswith("draft:"))).all()) == 1


async def test_cancel_records_nothing_and_edit_asks_again(sample_db: Database) -> None:
    """Cancel drops the draft; Edit asks for the line again, the task already known."""
    before = reports(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "R09 16 mô hình")
        cancelled = (await chat.press(CA, readback.find_button("Hủy"), readback))[-1]
        assert cancelled.text == vi("chat-draft-cancelled")
        readback = await chat.say(CA, "R09 16 mô hình")
        asked = (await chat.press(CA, readback.find_button("Sửa"), readback))[-1]
        assert asked.text == vi("chat-report-type-line", task="R09")
        again = await chat.say(CA, "17 mô hình")
        assert "• MH: 17 mô hình (chỉ tiêu 20)" in again.text.split("\n")
        await chat.press(CA, again.find_button("Xác nhận"), again)
    assert reports(sample_db) == before + 1
    assert current(sample_db, "R09", "CA", "MH") == Decimal(17)


# --- /baocao: buttons ---------------------------------------------------------------------------


async def test_the_button_path_task_indicator_number_confirm(sample_db: Database) -> None:
    """/baocao → task → indicator → typed number → read back → Confirm."""
    (r09,) = _ids(sample_db, "R09")
    async with chat_with(sample_db, NOW) as chat:
        picker = await chat.say(CA, "/baocao")
        assert picker.text == vi("chat-report-choose-task")
        assert f"r:{r09}" in picker.button_data()
        what = (await chat.press(CA, f"r:{r09}", picker))[-1]
        assert what.text.endswith("Báo cáo gì?")
        assert "hạn 31/05/2019, quá 14 ngày" in what.text
        mh = what.find_button("MH (mô hình)")
        assert [b.split(":")[0] for b in what.button_data()] == ["i", "i", "k", "n"]
        prompt = (await chat.press(CA, mh, what))[-1]
        assert "<b>mô hình</b> (MH) của nhiệm vụ R09" in prompt.text
        bad = await chat.say(CA, "mười tám")
        assert bad.text == vi("op-unreadable_number", text="mười tám")
        readback = await chat.say(CA, "gần 18")
        assert "• MH: gần 18 mô hình (chỉ tiêu 20)" in readback.text.split("\n")
        await chat.press(CA, readback.find_button("Xác nhận"), readback)
    assert current(sample_db, "R09", "CA", "MH") == Decimal(18)


async def test_a_note_by_button(sample_db: Database) -> None:
    """The note button keeps the typed text as the report's note."""
    (r09,) = _ids(sample_db, "R09")
    async with chat_with(sample_db, NOW) as chat:
        what = (await chat.press(CA, f"r:{r09}", await chat.say(CA, "/baocao")))[-1]
        await chat.press(CA, what.find_button("Ghi chú"), what)
        readback = await chat.say(CA, "Đã ra mắt 2 tổ ở xã An Lạc")
        await chat.press(CA, readback.find_button("Xác nhận"), readback)
    with sample_db.read() as s:
        last = s.exec(select(Report).order_by(col(Report.id).desc())).first()
        assert last is not None and last.note == "Đã ra mắt 2 tổ ở xã An Lạc"


# --- /xong --------------------------------------------------------------------------------------


async def test_done_states_the_status_and_the_new_count(sample_db: Database) -> None:
    """/xong R20 12/6 by the lead: on time, and HND's registered count goes to 3/3."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(HND, "/xong R20 12/6")
        assert "• Hoàn thành ngày 12/06/2019" in readback.text.split("\n")
        done = (await chat.press(HND, readback.find_button("Xác nhận"), readback))[-1]
    assert done.text.split("\n")[-2:] == [
        "Nhiệm vụ R20: <b>hoàn thành đúng hạn</b> (hạn 30/09/2019).",
        "HND đã hoàn thành 3/3 nhiệm vụ đăng ký chủ trì.",
    ]
    with sample_db.read() as s:
        task = s.exec(select(Task).where(Task.code == "R20")).one()
        assert task.done_on == date(2019, 6, 12)


async def test_done_late_is_said_late(sample_db: Database) -> None:
    """Closing an overdue task today says it was done late."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "/xong R09")
        done = (await chat.press(CA, readback.find_button("Xác nhận"), readback))[-1]
    assert "Nhiệm vụ R09: <b>hoàn thành quá hạn</b> (hạn 31/05/2019)." in done.text.split("\n")
    assert done.text.split("\n")[-1] == "CA đã hoàn thành 3/3 nhiệm vụ đăng ký chủ trì."


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "text", "key", "params"),
    [
        (CA, "R27 LN 5", "op-not_involved", {"org": "CA", "task": "R27"}),
        (CA, "R09 MTTQ 5 mô hình", "op-not_your_org", {"org": "MTTQ"}),
        (CA, "X99 5 hội nghị", "op-unknown_task", {"task": "X99"}),
        (CA, "/xong R20", "op-not_involved", {"org": "CA", "task": "R20"}),
        (HND, "/xong CT01", "op-not_lead", {"task": "CT01", "org": "HND"}),
        (HND, "/xong R20 31/2", "op-no_such_date", {"text": "31/2"}),
        (HND, "/xong R20 20/6", "op-completion_in_future", {"date": "2019-06-20"}),
        (CA, "/xong", "chat-done-usage", {}),
        (CA, "/giahan R09", "chat-extend-usage", {}),
        (CA, "/giahan R09 31/2 lý do", "op-no_such_date", {"text": "31/2"}),
        (CA, "/giahan R09 30/6", "chat-extend-reason-missing", {}),
        (CA, "/giahan CT01 30/6 lý do", "chat-extend-not-lead", {"task": "CT01", "org": "CA"}),
        (CA, "/sua R27", "chat-correct-nothing", {"task": "R27"}),
        (CA, "/sua", "chat-correct-usage", {}),
        (CA, "/lenhla", "chat-unknown-command", {}),
        (CA, "x" * 4097, "chat-too-long", {"limit": 4096}),
    ],
)
async def test_each_refusal_says_why_and_records_nothing(
    sample_db: Database, user: int, text: str, key: str, params: dict[str, object]
) -> None:
    """Bad input gets its own clear message in the user's language and changes nothing."""
    before = reports(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        replies = await chat.send(user, text)
    assert [r.text for r in replies] == [vi(key, **params)]
    assert reports(sample_db) == before
    with sample_db.read() as s:
        assert s.exec(select(Extension)).all() == []


async def test_refusals_are_in_english_for_english_users(sample_db: Database) -> None:
    """After /lang en, replies and refusals are English."""
    async with chat_with(sample_db, NOW) as chat:
        assert (await chat.say(CA, "/lang en")).text == en("chat-language-set")
        assert (await chat.say(CA, "R27 LN 5")).text == en("op-not_involved", org="CA", task="R27")
        readback = await chat.say(CA, "R09 MH 1,234.5")
        assert "• MH: 1,234.5 mô hình (target 20)" in readback.text.split("\n")
        back = (await chat.press(CA, "l:vi", readback))[-1]
        assert back.text == vi("chat-language-set")


async def test_forged_and_foreign_buttons_are_refused(sample_db: Database) -> None:
    """Unparsable data, a guessed draft, someone else's draft: refused, nothing recorded."""
    before = reports(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "R09 19 mô hình")
        real = readback.find_button("Xác nhận")
        draft_id = real.split(":")[1]
        for forged in [
            "zz",
            "d:1",
            f"d:{draft_id}:000000:ok",
            "d:99999:abcdef:ok",
            "r:x",
            "x" * 65,
            "r:999999",
        ]:
            await chat.press(CA, forged, readback)
            assert chat.last_answer()["text"] == vi("op-stale_button"), forged
        await chat.press(HND, real, readback)
        assert chat.last_answer()["text"] == vi("op-not_your_draft")
        await chat.press(CHAIR, f"x:{draft_id}:a", readback)
        assert chat.last_answer()["text"] == vi("chat-extend-not-allowed")
    assert reports(sample_db) == before


async def test_a_report_button_naming_another_features_draft_is_stale(sample_db: Database) -> None:
    """Drafts of other kinds (a task, a plan, a member change) share the table: a report's
    Confirm button carrying one's id and nonce is refused as stale and decides nothing."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "R09 19 mô hình")
        draft_id = int(readback.find_button("Xác nhận").split(":")[1])
        with sample_db.write() as s:
            draft = s.get(ChatDraft, draft_id)
            assert draft is not None
            draft.kind = "task"
            s.add(draft)
        for action in ("ok", "no", "ed"):
            await chat.press(CA, f"d:{draft_id}:{draft.nonce}:{action}", readback)
            assert chat.last_answer()["text"] == vi("op-stale_button"), action
    with sample_db.read() as s:
        draft = s.get(ChatDraft, draft_id)
        assert draft is not None and draft.status == "pending"


async def test_the_group_gets_no_organization_details(sample_db: Database) -> None:
    """In the committee's group, detail commands point to the private chat; plain text gets no
    answer at all."""
    group = -100200300
    async with chat_with(sample_db, NOW) as chat:
        for text in ["/viec", "/baocao R09 14 mô hình", "/xong R09", "/start"]:
            reply = await chat.say(CA, text, chat_id=group)
            assert reply.text == vi("chat-private-only"), text
            assert reply.buttons == [
                [{"text": vi("chat-open-private"), "url": "https://t.me/phoihop_bot"}]
            ]
        assert await chat.send(CA, "R09 14 mô hình", chat_id=group) == []
        assert (await chat.say(CA, "/trogiup", chat_id=group)).text == vi("chat-help-group")


# --- evidence, corrections ----------------------------------------------------------------------


async def test_a_captioned_photo_or_file_is_evidence(sample_db: Database) -> None:
    """The Telegram file id is kept on a report of that task; no caption says how."""
    async with chat_with(sample_db, NOW) as chat:
        kept = (await chat.send(CA, None, photo=True, caption="R09 biên bản ra mắt"))[-1]  # type: ignore[arg-type]
        assert kept.text == vi("chat-evidence-kept", task="R09", org="CA")
        doc = (await chat.send(CA, None, document=True, caption="r09"))[-1]  # type: ignore[arg-type]
        assert doc.text == vi("chat-evidence-kept", task="R09", org="CA")
        how = (await chat.send(CA, None, photo=True))[-1]  # type: ignore[arg-type]
        assert how.text == vi("chat-evidence-how")
    with sample_db.read() as s:
        rows = s.exec(select(Report.evidence, Report.note).order_by(col(Report.id))).all()
    assert [[e, n] for e, n in rows if e] == [[["photo-1"], "biên bản ra mắt"], [["doc-2"], None]]


async def test_the_author_corrects_their_last_report_and_history_keeps_both(
    sample_db: Database,
) -> None:
    """/sua R09 reads back a correction; on Confirm the figure changes and both reports stay."""
    async with chat_with(sample_db, NOW) as chat:
        await confirm(chat, CA, "R09 16 mô hình")
        prompt = await chat.say(CA, "/sua R09")
        assert prompt.text == vi(
            "chat-correct-prompt", task="R09", date="14/06/2019", figures="16 mô hình"
        )
        readback = await chat.say(CA, "15 mô hình")
        assert readback.text.split("\n")[0] == vi("chat-readback-correction")
        await chat.press(CA, readback.find_button("Xác nhận"), readback)
    assert current(sample_db, "R09", "CA", "MH") == Decimal(15)
    with sample_db.read() as s:
        rows = s.exec(
            select(Report.id, Report.corrects_id)
            .where(col(Report.source_key).startswith("draft:"))
            .order_by(col(Report.id))
        ).all()
    assert len(rows) == 2 and rows[1][1] == rows[0][0]


# --- extensions, difficulties -------------------------------------------------------------------


async def test_an_extension_goes_to_the_chair_and_the_officer_hears_the_outcome(
    sample_db: Database,
) -> None:
    """/giahan → Confirm → chair and secretariat get Approve/Reject → approved: the planning
    deadline moves, the original stays, the officer is told."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "/giahan R09 30/6 chờ kinh phí")
        assert "Hạn hiện tại: 31/05/2019 → hạn mới: <b>30/06/2019</b>" in readback.text
        sent = await chat.press(CA, readback.find_button("Xác nhận"), readback)
        assert sent[0].text == vi("chat-extend-sent", task="R09", new_due="30/06/2019")
        asks = {m.chat_id: m for m in sent[1:]}
        assert sorted(asks) == [CHAIR, SECRETARY]
        approve = asks[CHAIR].find_button("Đồng ý")
        await chat.press(CA, approve, asks[CHAIR])
        assert chat.last_answer()["text"] == vi("chat-extend-not-allowed")
        decided = await chat.press(CHAIR, approve, asks[CHAIR])
        assert [m.text for m in decided] == [
            vi("chat-extend-approved-by-you", task="R09", new_due="30/06/2019"),
            vi("chat-extend-approved", task="R09", new_due="30/06/2019", original="31/05/2019"),
        ]
        await chat.press(SECRETARY, asks[SECRETARY].find_button("Đồng ý"), asks[SECRETARY])
        assert chat.last_answer()["text"].startswith("Đề nghị gia hạn này đã được xử lý")
    with sample_db.read() as s:
        task = s.exec(select(Task).where(Task.code == "R09")).one()
        assert (task.original_due, task.due) == (date(2019, 5, 31), date(2019, 6, 30))
        (ext,) = s.exec(select(Extension)).all()
        assert (ext.status, ext.reason) == ("approved", "chờ kinh phí")


async def test_a_difficulty_is_kept_for_the_review(sample_db: Database) -> None:
    """/khokhan keeps the text with the organization and period; alone, it asks for it."""
    async with chat_with(sample_db, NOW) as chat:
        kept = await chat.say(CA, "/khokhan thiếu kinh phí cho tổ tự quản")
        assert kept.text == vi("chat-difficulty-kept", org="CA")
        assert (await chat.say(CA, "/khokhan")).text == vi("chat-difficulty-prompt")
        await chat.say(CA, "Đề xuất hỗ trợ camera")
    with sample_db.read() as s:
        rows = s.exec(select(Difficulty.text).order_by(col(Difficulty.id))).all()
    assert list(rows) == ["thiếu kinh phí cho tổ tự quản", "Đề xuất hỗ trợ camera"]


async def test_help_depends_on_the_role(sample_db: Database) -> None:
    """/trogiup: officers see the reporting commands; the chair also hears of extensions."""
    async with chat_with(sample_db, NOW) as chat:
        officer = await chat.say(CA, "/trogiup")
        chair = await chat.say(CHAIR, "/help")
    assert vi("chat-help-leading") not in officer.text
    assert vi("chat-help-leading") in chair.text and vi("chat-help-inviter") in chair.text


async def test_a_draft_survives_a_restart(sample_db: Database) -> None:
    """Read back by one process, confirmed after a restart: recorded once."""
    before = reports(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "R09 19 mô hình")
        data = readback.find_button("Xác nhận")
    async with chat_with(sample_db, NOW) as restarted:
        restarted.request.messages[(readback.chat_id, readback.message_id)] = readback
        restarted.request.order.append(readback)
        await restarted.press(CA, data, readback)
        await restarted.press(CA, data, readback)
    assert reports(sample_db) == before + 1
    assert current(sample_db, "R09", "CA", "MH") == Decimal(19)


async def test_start_lifts_a_block_the_sender_recorded(sample_db: Database) -> None:
    """A person who blocked the bot and comes back with /start gets reminders again."""
    from storage.models import BlockedChat

    with sample_db.write() as session:
        session.add(BlockedChat(chat_id=CA, reason="Forbidden: bot was blocked by the user"))
    async with chat_with(sample_db, NOW) as chat:
        await chat.say(CA, "/start")
    with sample_db.read() as session:
        assert session.get(BlockedChat, CA) is None
