"""The plan by chat, offline: a leader sends the plan workbook (or YAML), reads the changes, and
applies them on Confirm, once, keeping every report; `/kehoach` sends the plan back to edit.

People come from the sample report log: 900100 is the chair, 900101 the secretariat (both of
BDVTU), 900003 CA's officer, 900004 MTTQ's, 900005 TD's, 900007 HND's, 900014 HNCT's. Files
are fetched by the bot with getFile and a download, answered here offline.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from sqlmodel import col, func, select
from telegram.request import RequestData

from bot.app import build_application
from bot.i18n import translator
from bot.plan_chat import MAX_CODES
from config.settings import SAMPLE_PLAN, SAMPLE_REPORTS
from storage.database import Database
from storage.documents import PlanDocument, TaskSpec, load_plan, load_report_log
from storage.models import AuditEntry, ChatDraft, Membership, Program, Report, Task
from storage.operations import replay_log
from storage.people import create_invite, redeem_invite, set_language
from storage.plans import export_plan, import_plan
from storage.summaries import program_status
from storage.workbook import read_plan_workbook, write_plan_workbook
from tests.bot.harness import TOKEN, Chat, OfflineRequest, Sent
from tests.bot.running import bot_running
from tests.conftest import NOW, SAMPLE_AS_OF
from tests.fakes.bot_api import FakeBotAPI

pytestmark = pytest.mark.anyio

vi, en = translator("vi"), translator("en")
CHAIR, SECRETARY, CA, MTTQ, TD, HND, HNCT, STRANGER = (
    900100, 900101, 900003, 900004, 900005, 900007, 900014, 555,
)  # fmt: skip
PROGRAM = "CTPH-2019"
TITLE = "Chương trình phối hợp hoạt động vận động quần chúng năm 2019"


@dataclass
class FileRequest(OfflineRequest):
    """The offline Bot API, which also answers getFile and file downloads."""

    stored: dict[str, bytes] = field(default_factory=dict)

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **kw: Any
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return 200, self.stored[url.rsplit("/", 1)[-1]]
        if url.endswith("/getFile") and request_data is not None:
            file_id = str(request_data.parameters["file_id"])
            self.calls.append(("getFile", {"file_id": file_id}))
            result = {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self.stored[file_id]),
                "file_path": f"documents/{file_id}",
            }
            return 200, json.dumps({"ok": True, "result": result}).encode()
        return await super().do_request(url, method, request_data, **kw)


@asynccontextmanager
async def chat_with_files(db: Database, now: datetime) -> AsyncIterator[Chat]:
    """The bot over `db`, offline, able to download what people send."""
    clock = [now]
    request = FileRequest()
    app = build_application(
        token=TOKEN,
        db=db,
        base_url="http://offline.invalid/bot",
        clock=lambda: clock[0],
        request=request,
        get_updates_request=OfflineRequest(),
        register_menu=False,
    )
    async with app:
        yield Chat(app, request, clock)


async def send_file(
    chat: Chat, user: int, content: bytes, name: str, caption: str | None = None
) -> list[Sent]:
    """`user` sends a document named `name`; the bot's replies."""
    update = chat.message_update(user, caption=caption, document=True)
    message = update["message"]
    file_id = f"file-{message['message_id']}"
    message["document"] = {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "file_name": name,
        "file_size": len(content),
    }
    request = chat.request
    assert isinstance(request, FileRequest)
    request.stored[file_id] = content
    return await chat.deliver(update)


def workbook(plan: PlanDocument, tmp_path: Path, name: str = "ke-hoach.xlsx") -> bytes:
    path = tmp_path / name
    write_plan_workbook(plan, path)
    return path.read_bytes()


def edited(plan: PlanDocument) -> PlanDocument:
    """The sample plan with R38 added (HND, TD partner), R12's deadline moved, R35 removed."""
    tasks = [
        t.model_copy(update={"due": date(2019, 11, 25)}) if t.code == "R12" else t
        for t in plan.tasks
        if t.code != "R35"
    ]
    tasks.append(
        TaskSpec(
            code="R38",
            kind="registered",
            title="Hội thi nhà nông đua tài",
            lead="HND",
            partners=("TD",),
            due=date(2019, 10, 15),
        )
    )
    return plan.model_copy(update={"tasks": tuple(tasks)})


def count(db: Database, model: Any, *where: Any) -> int:
    with db.read() as s:
        return int(s.exec(select(func.count()).select_from(model).where(*where)).one())


def stamp(db: Database) -> datetime | None:
    with db.read() as s:
        program = s.exec(select(Program).where(Program.code == PROGRAM)).first()
        return program.updated_at if program is not None else None


def preview_of(replies: list[Sent]) -> Sent:
    assert replies, "no reply"
    return replies[-1]


EDIT_PREVIEW = "\n".join(
    [
        f"📋 Thay đổi kế hoạch chương trình <b>{PROGRAM}</b> ({TITLE}):",
        "• Nhiệm vụ mới (1): R38",
        "• Nhiệm vụ sửa (1): R12",
        "• Nhiệm vụ bỏ (1): R35",
        "Nhiệm vụ bỏ được ẩn khỏi kế hoạch; các báo cáo đã có vẫn được giữ nguyên.",
        "Cơ quan có nhiệm vụ thay đổi (4): MTTQ, TD, HND, HNCT. 4 cán bộ đầu mối của các cơ quan"
        " này sẽ nhận tin báo.",
        "Bấm <b>Áp dụng</b> để thay đổi toàn bộ một lần (lỗi thì không thay đổi gì), hoặc"
        " <b>Hủy</b>.",
    ]
)


# --- an edited plan on the sample program -----------------------------------------------------


async def test_an_edited_workbook_shows_its_changes_and_applies_them_keeping_reports(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """The secretariat's edited workbook is read back exactly, applied on Confirm, every report
    kept; DESIGN.md's figures of the tasks it did not touch still hold; officers are told."""
    reports_before = count(sample_db, Report)
    with sample_db.write() as s:
        set_language(session=s, telegram_id=TD, name="TD", language="en", now=NOW)
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(
            chat, SECRETARY, workbook(edited(sample_plan), tmp_path), "kh.xlsx"
        )
        preview = preview_of(replies)
        assert preview.text == EDIT_PREVIEW
        assert [b["text"] for row in preview.buttons for b in row] == ["✅ Áp dụng", "✖️ Hủy"]
        assert count(sample_db, Task, Task.code == "R38") == 0  # nothing yet

        replies = await chat.press(SECRETARY, preview.find_button("Áp dụng"), preview)

    assert chat.last_answer()["text"] == vi("plan-applied-short")
    by_chat = {r.chat_id: r.text for r in replies}
    assert by_chat[SECRETARY] == (
        "✅ Đã áp dụng kế hoạch chương trình <b>CTPH-2019</b>: 1 nhiệm vụ mới, 1 nhiệm vụ sửa,"
        " 1 nhiệm vụ bỏ. Mọi báo cáo vẫn được giữ. Đã báo tin cho 4 cán bộ đầu mối."
    )
    assert by_chat[HND] == (
        "📋 Kế hoạch chương trình <b>CTPH-2019</b> vừa được cập nhật. Với HND:\n"
        "• nhiệm vụ mới: R38\n"
        "Gửi /viec để xem các nhiệm vụ của cơ quan."
    )
    assert by_chat[TD] == (
        "📋 The plan of program <b>CTPH-2019</b> has just been updated. For TD:\n"
        "• new tasks: R38\n"
        "Send /tasks to see your organization's tasks."
    )
    assert by_chat[MTTQ].splitlines()[1] == "• nhiệm vụ có thay đổi: R12"
    assert by_chat[HNCT].splitlines()[1] == "• nhiệm vụ được bỏ: R35"
    assert set(by_chat) == {SECRETARY, MTTQ, TD, HND, HNCT}

    # Every report is kept, R35's too (its task is deactivated, not deleted).
    assert count(sample_db, Report) == reports_before
    assert count(sample_db, Report, col(Report.task_id).in_(
        select(Task.id).where(Task.code == "R35"))) == 1  # fmt: skip
    assert count(sample_db, Task, Task.code == "R35", Task.active) == 0
    with sample_db.read() as s:
        status = program_status(session=s, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
        plan_now = export_plan(session=s, program_code=PROGRAM)
    assert plan_now == edited(sample_plan)
    k = status.kinds
    assert (k["common"].done, k["common"].total, k["common"].on_time, k["common"].late) == (
        6, 9, 5, 1,
    )  # fmt: skip
    assert (k["common"].in_progress, k["common"].overdue) == (2, 1)
    # R35 (HNCT, done on time) left, R38 (in progress) came: 23/37.
    registered = k["registered"]
    assert (registered.done, registered.total, registered.on_time, registered.late) == (
        23, 37, 21, 2,
    )  # fmt: skip
    assert (registered.in_progress, registered.overdue) == (11, 3)
    got = {o.code: f"{o.registered_done}/{o.registered_total}" for o in status.organizations}
    assert got == {
        "BDVTU": "3/3", "BCHQS": "2/3", "CA": "2/3", "MTTQ": "1/3", "TD": "2/3",
        "HLHPN": "2/3", "HND": "2/4", "HCCB": "1/2", "LDLD": "2/2", "BDBP": "1/2",
        "HCTD": "2/2", "BTGTU": "1/2", "SLDTBXH": "1/2", "HNCT": "0/1", "DPTTH": "1/2",
    }  # fmt: skip
    assert [(x.code, x.days_late) for x in status.overdue] == [
        ("CT09", 14), ("R09", 14), ("R27", 14), ("R33", 14),
    ]  # fmt: skip
    totals = {
        t.task: {i.indicator: i.total.value for i in t.indicators} for t in status.task_totals
    }
    assert totals["CT01"] == {"HN": 163, "LN": 44850}
    assert totals["CT02"] == {"NGUOI": 1600}
    assert totals["CT04"] == {"NHA": 210, "TIEN": 7050}
    assert totals["CT05"] == {"BUOI": 795, "LN": 62000}
    assert totals["CT06"] == {"SQ": 20115, "TIEN": 5120}


async def test_confirm_twice_applies_once(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """A second Confirm (or the same press delivered again) imports nothing and tells nobody."""
    async with chat_with_files(sample_db, NOW) as chat:
        preview = preview_of(
            await send_file(chat, CHAIR, workbook(edited(sample_plan), tmp_path), "kh.xlsx")
        )
        data = preview.find_button("Áp dụng")
        first = await chat.press(CHAIR, data, preview)
        assert len(first) == 5  # the chair's message edited, four officers told
        after_first = stamp(sample_db)
        second = await chat.press(CHAIR, data, preview)
    assert second == []
    assert chat.last_answer()["text"] == vi("plan-already-applied")
    assert stamp(sample_db) == after_first
    assert count(sample_db, AuditEntry, AuditEntry.action == "import_plan") == 1


async def test_cancel_changes_nothing_and_a_cancelled_preview_cannot_be_applied(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """Cancel leaves the plan as it was; its Apply button is then refused politely."""
    before = stamp(sample_db)
    async with chat_with_files(sample_db, NOW) as chat:
        preview = preview_of(
            await send_file(chat, CHAIR, workbook(edited(sample_plan), tmp_path), "kh.xlsx")
        )
        apply = preview.find_button("Áp dụng")
        cancelled = await chat.press(CHAIR, preview.find_button("Hủy"), preview)
        assert [(r.text, r.buttons) for r in cancelled] == [(vi("plan-cancelled"), [])]
        assert await chat.press(CHAIR, apply, preview) == []
    assert chat.last_answer() == {
        "callback_query_id": chat.last_answer()["callback_query_id"],
        "text": vi("op-plan_cancelled"),
        "show_alert": True,
    }
    assert stamp(sample_db) == before
    assert count(sample_db, Task, Task.code == "R38") == 0
    assert count(sample_db, Task, Task.code == "R35", Task.active) == 1


async def test_a_stale_preview_is_refused_and_asks_for_the_file_again(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """Two previews of the same program: once one is applied, the other's Confirm is refused
    (the program changed since it was shown) and asks to send the file again."""
    async with chat_with_files(sample_db, NOW) as chat:
        first = preview_of(
            await send_file(chat, CHAIR, workbook(edited(sample_plan), tmp_path), "a.xlsx")
        )
        first_apply = first.find_button("Áp dụng")
        other = sample_plan.model_copy(
            update={"tasks": tuple(t for t in sample_plan.tasks if t.code != "R36")}
        )
        second = preview_of(await send_file(chat, SECRETARY, workbook(other, tmp_path), "b.xlsx"))
        chat.set_now(NOW + timedelta(minutes=5))
        await chat.press(SECRETARY, second.find_button("Áp dụng"), second)
        applied = stamp(sample_db)
        refused = await chat.press(CHAIR, first_apply, first)
    message = vi("op-plan_stale", program=PROGRAM)
    assert message == (
        "Kế hoạch chương trình CTPH-2019 đã thay đổi sau khi bạn xem trước. Hãy gửi lại tệp kế"
        " hoạch để xem lại thay đổi."
    )
    assert chat.last_answer()["text"] == message
    assert [(r.chat_id, r.text, r.buttons) for r in refused] == [(CHAIR, message, [])]
    assert stamp(sample_db) == applied
    assert count(sample_db, Task, Task.code == "R38") == 0
    assert count(sample_db, Task, Task.code == "R36", Task.active) == 0


# --- broken files ---------------------------------------------------------------------------


async def test_a_broken_workbook_is_refused_with_its_rows_and_changes_nothing(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """Each problem is named by sheet, row and column; no draft, no change."""
    path = tmp_path / "hong.xlsx"
    write_plan_workbook(edited(sample_plan), path)
    book = openpyxl.load_workbook(path)
    tasks = book["Nhiệm vụ"]
    headers = [c.value for c in tasks[1]]
    tasks.cell(row=3, column=headers.index("Chủ trì") + 1, value="XYZ")
    tasks.cell(row=5, column=headers.index("Thời hạn") + 1, value="31/02/2019")
    book.save(path)
    before = stamp(sample_db)
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(chat, CHAIR, path.read_bytes(), "hong.xlsx")
    assert [r.text for r in replies] == [
        "❌ Không dùng được tệp <b>hong.xlsx</b>: 2 lỗi. Kế hoạch chưa thay đổi gì; hãy sửa rồi"
        " gửi lại tệp.\n"
        "• trang «Nhiệm vụ» dòng 3 (CT02) cột «Chủ trì»: không có cơ quan mã «XYZ» trong danh"
        " sách cơ quan thành viên.\n"
        "• trang «Nhiệm vụ» dòng 5 (CT04) cột «Thời hạn»: «31/02/2019» không phải là ngày hợp"
        " lệ; hãy viết ngày theo dạng dd/mm/yyyy (trong YAML: yyyy-mm-dd)."
    ]
    assert stamp(sample_db) == before
    assert count(sample_db, ChatDraft) == 0


async def test_problems_quoting_html_are_escaped(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """A cell holding < and & is quoted safely: Telegram accepts the message as HTML."""
    broken = sample_plan.model_dump(mode="json")
    broken["tasks"][0]["lead"] = "<XYZ & co>"
    content = yaml.safe_dump(broken, allow_unicode=True).encode()
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(chat, CHAIR, content, "kh.yaml")
    assert chat.request.errors == []
    assert [r.text.splitlines()[1] for r in replies] == [
        "• mục «tasks» phần tử thứ 1 (CT01) trường «lead»: không có cơ quan mã"
        " «&lt;XYZ &amp; co&gt;» trong danh sách cơ quan thành viên."
    ]


async def test_a_leaders_caption_that_names_no_task_leaves_it_a_plan(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """A leader's workbook captioned with words, not a task code, is previewed as a plan."""
    content = workbook(edited(sample_plan), tmp_path)
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(chat, CHAIR, content, "kh.xlsx", caption="Kế hoạch sửa đổi")
    assert [r.text for r in replies] == [EDIT_PREVIEW]


async def test_a_file_that_is_no_workbook_is_refused(sample_db: Database, tmp_path: Path) -> None:
    """Bytes that are not a workbook: the file cannot be read, said with its own name."""
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(chat, CHAIR, b"not a zip", "ke-hoach.xlsx")
    text = replies[-1].text
    assert text.startswith("❌ Không dùng được tệp <b>ke-hoach.xlsx</b>: 1 lỗi.")
    assert "\n• tệp: không đọc được tệp ke-hoach.xlsx: " in text
    assert count(sample_db, ChatDraft) == 0


async def test_many_problems_are_listed_up_to_a_limit(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """A file with 46 problems lists 25 and says how many more."""
    broken = sample_plan.model_dump(mode="json")
    for task in broken["tasks"]:
        task["lead"] = "XYZ"
    content = yaml.safe_dump(broken, allow_unicode=True).encode()
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(chat, CHAIR, content, "kh.yaml")
    text = "\n".join(r.text for r in replies)
    assert text.startswith("❌ Không dùng được tệp <b>kh.yaml</b>: 46 lỗi.")
    assert text.count("\n• ") == 25
    assert text.endswith("\n… và 21 lỗi khác.")


# --- YAML -------------------------------------------------------------------------------------


async def test_a_yaml_plan_file_is_previewed_and_applied_too(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """A .yaml plan goes the same way as a workbook."""
    content = yaml.safe_dump(edited(sample_plan).model_dump(mode="json"), allow_unicode=True)
    async with chat_with_files(sample_db, NOW) as chat:
        preview = preview_of(await send_file(chat, CHAIR, content.encode(), "ke-hoach.yml"))
        assert preview.text == EDIT_PREVIEW
        await chat.press(CHAIR, preview.find_button("Áp dụng"), preview)
    assert count(sample_db, Task, Task.code == "R38", Task.active) == 1


async def test_an_english_speaker_reads_the_preview_in_english(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """The preview speaks the sender's language."""
    with sample_db.write() as s:
        set_language(session=s, telegram_id=CHAIR, name="Chair", language="en", now=NOW)
    async with chat_with_files(sample_db, NOW) as chat:
        preview = preview_of(
            await send_file(chat, CHAIR, workbook(edited(sample_plan), tmp_path), "kh.xlsx")
        )
    assert preview.text.splitlines() == [
        f"📋 Changes to the plan of program <b>{PROGRAM}</b> ({TITLE}):",
        "• New tasks (1): R38",
        "• Changed tasks (1): R12",
        "• Removed tasks (1): R35",
        "Removed tasks are hidden from the plan; their reports are kept as they are.",
        "Organizations whose tasks change (4): MTTQ, TD, HND, HNCT. 4 focal officer(s) of these"
        " organizations will be told.",
        "Press <b>Apply</b> to make every change at once (or none, if anything fails), or"
        " <b>Cancel</b>.",
    ]
    assert [b["text"] for row in preview.buttons for b in row] == ["✅ Apply", "✖️ Cancel"]


async def test_the_same_plan_changes_nothing(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """A plan equal to the current one says so, with no button and no draft."""
    content = SAMPLE_PLAN.read_bytes()
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(chat, CHAIR, content, "plan-2019.yaml")
    assert [(r.text, r.buttons) for r in replies] == [
        (
            "Kế hoạch trong tệp giống hệt kế hoạch hiện có của chương trình <b>CTPH-2019</b>:"
            " không có gì để thay đổi.",
            [],
        )
    ]
    assert count(sample_db, ChatDraft) == 0


# --- who may -----------------------------------------------------------------------------------


async def test_officers_and_strangers_get_a_polite_refusal(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """An officer's or a stranger's plan file is refused politely; nothing downloaded."""
    content = workbook(edited(sample_plan), tmp_path)
    before = stamp(sample_db)
    async with chat_with_files(sample_db, NOW) as chat:
        officer = await send_file(chat, CA, content, "kh.xlsx")
        stranger = await send_file(chat, STRANGER, content, "kh.xlsx")
    assert [r.text for r in officer] == [vi("plan-refused-officer")]
    assert officer[0].text.startswith("Cảm ơn bạn! Chỉ Trưởng ban, Phó trưởng ban")
    assert [r.text for r in stranger] == [vi("plan-refused-stranger")]
    assert not [c for c in chat.request.calls if c[0] == "getFile"]
    assert stamp(sample_db) == before


async def test_an_officers_captioned_workbook_is_evidence(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """A workbook with a task code as caption from an officer is kept as that task's evidence."""
    content = workbook(edited(sample_plan), tmp_path)
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(chat, CA, content, "danh-sach.xlsx", caption="R09 danh sách")
        leader = await send_file(chat, CHAIR, content, "ds.xlsx", caption="CT01 danh sách")
    assert [r.text for r in replies] == [vi("chat-evidence-kept", task="R09", org="CA")]
    assert [r.text for r in leader] == [vi("chat-evidence-kept", task="CT01", org="BDVTU")]
    with sample_db.read() as s:
        evidence = s.exec(select(Report.evidence).order_by(col(Report.id).desc())).first()
    assert evidence is not None and len(evidence) == 1
    assert count(sample_db, ChatDraft) == 0


async def test_a_leader_of_another_program_may_not_change_this_one(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """Leading one program gives no right over another's plan."""
    other = sample_plan.model_copy(
        update={"program": sample_plan.program.model_copy(update={"code": "CTPH-KHAC"})}
    )
    with sample_db.write() as s:
        import_plan(session=s, plan=other, actor="test", now=NOW)
        code = create_invite(
            session=s, program_code="CTPH-KHAC", org_code="BDVTU", role="chair",
            created_by="test", now=NOW,
        ).code  # fmt: skip
        redeem_invite(session=s, code=code, telegram_id=STRANGER, name="X", language="vi", now=NOW)
    before = stamp(sample_db)
    async with chat_with_files(sample_db, NOW) as chat:
        replies = await send_file(
            chat, STRANGER, workbook(edited(sample_plan), tmp_path), "k.xlsx"
        )
    assert [r.text for r in replies] == [vi("op-plan_not_allowed", program=PROGRAM)]
    assert stamp(sample_db) == before


# --- a new program --------------------------------------------------------------------------


async def test_a_plan_workbook_creates_the_sample_program(db: Database, tmp_path: Path) -> None:
    """A leader of some program sends the sample plan's workbook: the program is created, they
    are its secretariat for the standing organization (audited); the sample log then gives
    DESIGN.md's figures."""
    sample = load_plan(SAMPLE_PLAN)
    first = sample.model_copy(
        update={"program": sample.program.model_copy(update={"code": "CTPH-2018"})}
    )
    with db.write() as s:
        import_plan(session=s, plan=first, actor="test", now=NOW)
        code = create_invite(
            session=s, program_code="CTPH-2018", org_code="MTTQ", role="vice_chair",
            created_by="test", now=NOW,
        ).code  # fmt: skip
        redeem_invite(
            session=s, code=code, telegram_id=777, name="Phó ban", language=None, now=NOW
        )
    async with chat_with_files(db, NOW) as chat:
        preview = preview_of(await send_file(chat, 777, workbook(sample, tmp_path), "kh.xlsx"))
        assert preview.text == "\n".join(
            [
                f"📋 Tệp này tạo <b>chương trình mới {PROGRAM}</b>: {TITLE}",
                "Gồm 15 cơ quan, 16 chỉ tiêu, 2 kỳ báo cáo, 46 nhiệm vụ.",
                "Bạn sẽ là Tổ giúp việc của chương trình, thay mặt BDVTU.",
                "Cơ quan có nhiệm vụ thay đổi (15): BDVTU, BCHQS, CA, MTTQ, TD, HLHPN, HND, HCCB,"
                " LDLD, BDBP, HCTD, BTGTU, SLDTBXH, HNCT, DPTTH. 0 cán bộ đầu mối của các cơ quan"
                " này sẽ nhận tin báo.",
                "Bấm <b>Áp dụng</b> để thay đổi toàn bộ một lần (lỗi thì không thay đổi gì), hoặc"
                " <b>Hủy</b>.",
            ]
        )
        assert stamp(db) is None
        done = await chat.press(777, preview.find_button("Áp dụng"), preview)
        assert [r.text for r in done] == [
            "✅ Đã tạo chương trình <b>CTPH-2019</b> với 46 nhiệm vụ. Bạn là Tổ giúp việc của"
            " chương trình, thay mặt BDVTU; hãy dùng /moi để mời các cơ quan."
        ]
        # The creator now acts in the new program: /kehoach sends its plan.
        await chat.send(777, "/kehoach")
    name, data = chat.request.files[-1][1:]
    assert name == "ke-hoach-CTPH-2019.xlsx"
    (tmp_path / "back.xlsx").write_bytes(data)
    assert read_plan_workbook(tmp_path / "back.xlsx") == sample

    with db.read() as s:
        membership = s.exec(
            select(Membership.role).join(Program).where(Program.code == PROGRAM)
        ).all()
        audit = s.exec(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
            .join(Program)
            .where(Program.code == PROGRAM)
            .order_by(col(AuditEntry.id))
        ).all()
    assert membership == ["secretary"]
    assert [(a, b) for a, b, _ in audit] == [
        ("create_program", "tg:777"),
        ("add_member", "tg:777"),
    ]
    assert audit[1][2] == {"org": "BDVTU", "role": "secretary", "why": "created_program"}

    with db.write() as s:
        replay_log(session=s, log=load_report_log(SAMPLE_REPORTS), now=NOW, program_code=PROGRAM)
    with db.read() as s:
        status = program_status(session=s, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
    assert (status.kinds["common"].done, status.kinds["common"].total) == (6, 9)
    assert (status.kinds["registered"].done, status.kinds["registered"].total) == (24, 37)


async def test_nobody_unbound_creates_a_program(db: Database, tmp_path: Path) -> None:
    """Without any program to lead, a plan for a new program is refused."""
    async with chat_with_files(db, NOW) as chat:
        replies = await send_file(chat, 777, workbook(load_plan(SAMPLE_PLAN), tmp_path), "k.xlsx")
    assert [r.text for r in replies] == [vi("plan-refused-stranger")]
    assert count(db, Program) == 0


# --- /kehoach and big plans ------------------------------------------------------------------


async def test_kehoach_sends_the_plan_to_leaders_only(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """The chair gets the current plan as a workbook that reads back equal; an officer is
    refused; English speakers use /plan."""
    async with chat_with_files(sample_db, NOW) as chat:
        in_group = await chat.say(CHAIR, "/kehoach", chat_id=-100123)
        await chat.send(CHAIR, "/kehoach")
        refused = await chat.say(CA, "/plan")
    assert in_group.text == vi("chat-private-only")
    chat_id, name, data = chat.request.files[-1]
    assert (chat_id, name) == (CHAIR, "ke-hoach-CTPH-2019.xlsx")
    assert chat.request.order[-2].text == vi("plan-export-caption", program=PROGRAM)
    (tmp_path / "plan.xlsx").write_bytes(data)
    assert read_plan_workbook(tmp_path / "plan.xlsx") == sample_plan
    assert refused.text == vi("op-plan_not_allowed", program=PROGRAM)


async def test_a_big_plan_lists_some_codes_and_fits_telegrams_limit(
    sample_db: Database, sample_plan: PlanDocument, tmp_path: Path
) -> None:
    """300 new tasks: the preview names 15 and counts the rest, within 4096 characters."""
    extra = tuple(
        TaskSpec(code=f"N{n:03}", kind="registered", title=f"Việc {n}", lead="HND",
                 due=date(2019, 12, 1) - timedelta(days=n % 30))
        for n in range(1, 301)
    )  # fmt: skip
    big = sample_plan.model_copy(update={"tasks": sample_plan.tasks + extra})
    async with chat_with_files(sample_db, NOW) as chat:
        preview = preview_of(await send_file(chat, CHAIR, workbook(big, tmp_path), "kh.xlsx"))
    codes = ", ".join(f"N{n:03}" for n in range(1, MAX_CODES + 1))
    assert preview.text.splitlines()[1] == f"• Nhiệm vụ mới (300): {codes} và 285 mục khác"
    assert len(preview.text) < 1000


# --- end to end, over HTTP ---------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token="7000002:E2E-token-for-plan-tests") as fake:
        for user in (CHAIR, SECRETARY, CA, MTTQ, TD, HND, HNCT):
            fake.add_user(user, first_name=f"Người {user}")
        yield fake


@pytest.fixture
def running_bot(
    sample_db: Database, api: FakeBotAPI, tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    """`phoihop run` in its own process over the sample program (its report log replayed),
    polling the fake Bot API."""
    with bot_running(sample_db.url, api, tmp_path) as process:
        yield process


def _after(api: FakeBotAPI, chat_id: int, count: int) -> dict[str, Any]:
    api.wait_for(lambda a: len(a.sent_messages(chat_id)) > count, timeout=20, what="a reply")
    return api.sent_messages(chat_id)[-1]


def _plain(text: str) -> str:
    return re.sub("<[^>]+>", "", text)


def _download(api: FakeBotAPI, file_id: str) -> bytes:
    """Fetch a file the bot sent, as any Bot API client would: getFile, then the file URL."""
    url = f"{api.base_url}{api.token}/getFile?file_id={file_id}"
    with urllib.request.urlopen(url, timeout=10) as answer:
        path = json.load(answer)["result"]["file_path"]
    with urllib.request.urlopen(f"{api.base_file_url}{api.token}/{path}", timeout=10) as answer:
        data: bytes = answer.read()
    return data


@pytest.mark.slow
def test_the_plan_by_chat_over_http(
    sample_db: Database,
    sample_plan: PlanDocument,
    api: FakeBotAPI,
    running_bot: subprocess.Popen[str],
    tmp_path: Path,
) -> None:
    """/kehoach → the workbook downloaded, edited and sent back → the preview → Apply → the
    officers told; a broken workbook refused with its row; an officer's workbook refused, and
    with a task code as caption kept as evidence. Every request passes the fake's checks."""
    before = len(api.sent_messages(SECRETARY))
    api.send_text(SECRETARY, "/kehoach")
    sent = _after(api, SECRETARY, before)
    assert sent["document"]["file_name"] == "ke-hoach-CTPH-2019.xlsx"
    assert sent["caption"] == vi("plan-export-caption", program=PROGRAM)
    (tmp_path / "plan.xlsx").write_bytes(_download(api, sent["document"]["file_id"]))
    assert read_plan_workbook(tmp_path / "plan.xlsx") == sample_plan

    # A broken workbook: refused with its sheet, row and column; nothing changes.
    path = tmp_path / "plan.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Nhiệm vụ"]
    lead = [c.value for c in sheet[1]].index("Chủ trì") + 1
    sheet.cell(row=3, column=lead, value="XYZ")
    book.save(tmp_path / "hong.xlsx")
    before = len(api.sent_messages(SECRETARY))
    api.send_document(SECRETARY, (tmp_path / "hong.xlsx").read_bytes(), file_name="hong.xlsx")
    assert _after(api, SECRETARY, before)["text"] == (
        "❌ Không dùng được tệp hong.xlsx: 1 lỗi. Kế hoạch chưa thay đổi gì; hãy sửa rồi gửi lại"
        " tệp.\n• trang «Nhiệm vụ» dòng 3 (CT02) cột «Chủ trì»: không có cơ quan mã «XYZ» trong"
        " danh sách cơ quan thành viên."
    )

    # The edited workbook: the preview, then Apply; officers are told.
    content = workbook(edited(sample_plan), tmp_path, "sua.xlsx")
    before = len(api.sent_messages(SECRETARY))
    api.send_document(SECRETARY, content, file_name="ke-hoach-sua.xlsx")
    preview = _after(api, SECRETARY, before)
    assert preview["text"] == _plain(EDIT_PREVIEW)
    apply = next(
        b["callback_data"]
        for row in preview["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "✅ Áp dụng"
    )
    told_before = len(api.sent_messages(HND))
    query = api.press(SECRETARY, preview, apply)
    api.wait_for(lambda a: a.callback_answer(query) is not None, what="the answer to Apply")
    notice = _after(api, HND, told_before)
    assert notice["text"] == (
        "📋 Kế hoạch chương trình CTPH-2019 vừa được cập nhật. Với HND:\n"
        "• nhiệm vụ mới: R38\n"
        "Gửi /viec để xem các nhiệm vụ của cơ quan."
    )
    edited_preview = next(
        m for m in api.sent_messages(SECRETARY) if m["message_id"] == preview["message_id"]
    )
    assert edited_preview["text"].startswith("✅ Đã áp dụng kế hoạch chương trình CTPH-2019")
    assert count(sample_db, Task, Task.code == "R38", Task.active) == 1
    assert count(sample_db, Task, Task.code == "R35", Task.active) == 0

    # An officer's workbook is not a plan; with a task code as caption it is evidence.
    before = len(api.sent_messages(CA))
    api.send_document(CA, content, file_name="ke-hoach.xlsx")
    assert _after(api, CA, before)["text"] == _plain(vi("plan-refused-officer"))
    reports = count(sample_db, Report)
    before = len(api.sent_messages(CA))
    api.send_document(CA, content, file_name="danh-sach.xlsx", caption="R09 danh sách tổ")
    assert _after(api, CA, before)["text"] == _plain(
        vi("chat-evidence-kept", task="R09", org="CA")
    )
    assert count(sample_db, Report) == reports + 1
    assert running_bot.poll() is None
    assert api.errors == []


@pytest.mark.slow
def test_a_workbook_sent_over_http_creates_the_sample_program(
    db: Database, api: FakeBotAPI, tmp_path: Path
) -> None:
    """Over HTTP: the vice-chair of last year's program sends the sample plan's workbook; the
    preview says a new program; Apply creates it with its 46 tasks, and the sample log replayed
    on it gives DESIGN.md's headline (6/9, 24/37)."""
    sample = load_plan(SAMPLE_PLAN)
    last_year = sample.model_copy(
        update={"program": sample.program.model_copy(update={"code": "CTPH-2018"})}
    )
    with db.write() as s:
        import_plan(session=s, plan=last_year, actor="test", now=NOW)
        code = create_invite(
            session=s, program_code="CTPH-2018", org_code="MTTQ", role="vice_chair",
            created_by="test", now=NOW,
        ).code  # fmt: skip
        redeem_invite(
            session=s, code=code, telegram_id=CHAIR, name="Phó ban", language=None, now=NOW
        )
    with bot_running(db.url, api, tmp_path) as process:
        before = len(api.sent_messages(CHAIR))
        api.send_document(CHAIR, workbook(sample, tmp_path), file_name="ke-hoach-2019.xlsx")
        preview = _after(api, CHAIR, before)
        assert preview["text"].startswith(f"📋 Tệp này tạo chương trình mới {PROGRAM}: {TITLE}")
        assert count(db, Program, Program.code == PROGRAM) == 0
        apply = next(
            b["callback_data"]
            for row in preview["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"] == "✅ Áp dụng"
        )
        query = api.press(CHAIR, preview, apply)
        api.wait_for(lambda a: a.callback_answer(query) is not None, what="the answer to Apply")
        assert process.poll() is None
    assert api.errors == []
    with db.read() as s:
        program = s.exec(select(Program).where(Program.code == PROGRAM)).one()
        tasks = s.exec(
            select(func.count()).select_from(Task).where(Task.program_id == program.id)
        ).one()
    assert tasks == 46
    with db.write() as s:
        replay_log(session=s, log=load_report_log(SAMPLE_REPORTS), now=NOW, program_code=PROGRAM)
    with db.read() as s:
        status = program_status(session=s, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
    assert (status.kinds["common"].done, status.kinds["common"].total) == (6, 9)
    assert (status.kinds["registered"].done, status.kinds["registered"].total) == (24, 37)
