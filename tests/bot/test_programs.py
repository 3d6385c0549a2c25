"""One person in two programs, offline: /chuongtrinh lists and switches, the bot asks which
program when it cannot tell, replies name the program, and no data crosses between programs.

Program A is the sample 2019 plan with its report log; program B is a small bilateral plan made
in the test (`tests/storage/test_people_programs.py`) with the same task codes R01 and R02 and
the same organization code HND, but other titles. 900007 is HND's officer in A and the
secretariat (for HND) in B. The clock is 14/06/2019 17:00 in Hòa Sơn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select
from telegram import Update

from bot.chat import name_program, reply, split_text
from bot.i18n import translator
from reminders.planner import plan_due
from reminders.snapshot import load_snapshot
from storage.database import Database
from storage.models import (
    AuditEntry,
    CurrentValue,
    Extension,
    Indicator,
    Organization,
    OutboxMessage,
    Person,
    Program,
    Report,
    Task,
    from_milli,
    utcnow,
)
from storage.operations import upsert_member
from storage.people import create_invite, member_for
from tests.bot.harness import Chat, Sent, chat_with
from tests.bot.running import bot_running
from tests.bot.test_chat_e2e import _button, _buttons, _press, _say
from tests.conftest import NOW
from tests.fakes.bot_api import FakeBotAPI
from tests.storage.test_people_programs import (
    BORDER,
    HND_OFFICER,
    SAMPLE,
    add_border_program,
    program_id,
)

pytestmark = pytest.mark.anyio

vi, en = translator("vi"), translator("en")
ME = HND_OFFICER
CA = 900003  # CA's officer, in the sample program only
A_TITLE = "Chương trình phối hợp hoạt động vận động quần chúng năm 2019"
B_TITLE = "Chương trình phối hợp bảo vệ biên giới huyện Biên Sơn năm 2019"


def header(code: str) -> str:
    return vi("programs-header", program=code)


@pytest.fixture
def two_db(sample_db: Database) -> Database:
    add_border_program(sample_db)
    return sample_db


def task_id(db: Database, program: str, code: str) -> int:
    with db.read() as s:
        found = s.exec(
            select(Task.id).where(Task.code == code, Task.program_id == program_id(db, program))
        ).one()
    assert found is not None
    return found


def figure(db: Database, program: str, task: str, org: str, indicator: str) -> Decimal | None:
    """The current value of an organization's indicator on a task of one program."""
    pid = program_id(db, program)
    with db.read() as s:
        row = s.exec(
            select(CurrentValue.value_milli)
            .join(Task, col(Task.id) == CurrentValue.task_id)
            .join(Organization, col(Organization.id) == CurrentValue.org_id)
            .join(Indicator, col(Indicator.id) == CurrentValue.indicator_id)
            .where(
                Task.program_id == pid,
                Task.code == task,
                Organization.code == org,
                Indicator.code == indicator,
            )
        ).first()
    return from_milli(row) if row is not None else None


def reports_of(db: Database) -> list[tuple[int, str]]:
    """(program id, task code) of every report, oldest first."""
    with db.read() as s:
        rows = s.exec(
            select(Report.program_id, Task.code)
            .join(Task, col(Task.id) == Report.task_id)
            .order_by(col(Report.id))
        ).all()
    return [(p, c) for p, c in rows]


def current_program(db: Database) -> int | None:
    with db.read() as s:
        return s.exec(select(Person.current_program_id).where(Person.telegram_id == ME)).one()


async def switch(chat: Chat, code: str) -> Sent:
    reply = await chat.say(ME, f"/chuongtrinh {code}")
    assert reply.text.startswith(header(code) + "\n"), reply.text
    return reply


async def confirm(chat: Chat, readback: Sent) -> Sent:
    replies = await chat.press(ME, readback.find_button("Xác nhận"), readback)
    return replies[-1]


# --- never chosen: asked first, then carried out ------------------------------------------------


async def test_first_contact_asks_which_program_then_does_the_command(two_db: Database) -> None:
    """A person in two programs who never chose is asked before /viec, which then runs in the
    program pressed; the choice is remembered and audited."""
    a, b = program_id(two_db, SAMPLE), program_id(two_db, BORDER)
    async with chat_with(two_db, NOW) as chat:
        replies = await chat.send(ME, "/viec")
        assert len(replies) == 1
        ask = replies[0]
        assert ask.text == vi("programs-ask", count=2, programs=f"{SAMPLE}, {BORDER}")
        assert ask.button_data() == [f"h:{a}:a", f"h:{b}:a"]
        assert current_program(two_db) is None
        replies = await chat.press(ME, f"h:{b}:a", ask)
        # The question becomes the answer, then the list of B's tasks follows.
        assert replies[0].message_id == ask.message_id
        assert replies[0].text == header(BORDER) + "\n" + vi(
            "programs-switched",
            program=BORDER,
            title=B_TITLE,
            role=vi("role-secretary"),
            org="HND",
            org_name="Hội Nông dân huyện Biên Sơn",
        )
        tasks = replies[-1].text
        assert tasks.startswith(
            header(BORDER) + "\n" + vi("chat-tasks-title", org="HND", count=3) + "\n"
        )
        assert "R02" in tasks and "K01" in tasks and "Tập huấn kỹ thuật canh tác" in tasks
        assert "R20" not in tasks
        # Chosen now: the next command runs at once.
        again = await chat.say(ME, "/viec")
        assert again.text == tasks
        # Pressing the old question again carries nothing out twice.
        twice = await chat.press(ME, f"h:{b}:a", ask)
        assert len(twice) == 1
        assert (
            vi(
                "programs-already",
                program=BORDER,
                title=B_TITLE,
                role=vi("role-secretary"),
                org="HND",
                org_name="Hội Nông dân huyện Biên Sơn",
            )
            in twice[0].text
        )
    assert current_program(two_db) == b
    with two_db.read() as s:
        audited = s.exec(
            select(AuditEntry.program_id, AuditEntry.detail).where(
                AuditEntry.action == "switch_program"
            )
        ).all()
    assert [tuple(x) for x in audited] == [(b, {"from": None, "to": BORDER})]


async def test_a_typed_report_before_choosing_waits_and_lands_in_the_chosen_program(
    two_db: Database,
) -> None:
    """A report typed before any choice is read back in the program chosen, and recorded there."""
    b = program_id(two_db, BORDER)
    before = reports_of(two_db)
    async with chat_with(two_db, NOW) as chat:
        ask = await chat.say(ME, "R01: đã mở 3 lớp")
        assert ask.text.startswith(vi("programs-ask", count=2, programs=f"{SAMPLE}, {BORDER}"))
        replies = await chat.press(ME, f"h:{b}:a", ask)
        readback = replies[-1]
        assert readback.text.startswith(header(BORDER) + "\n" + vi("chat-readback-title"))
        assert "Tập huấn kỹ thuật canh tác vùng biên" in readback.text
        recorded = await confirm(chat, readback)
        assert recorded.text.startswith(header(BORDER) + "\n" + vi("chat-recorded"))
    assert reports_of(two_db) == [*before, (b, "R01")]
    assert figure(two_db, BORDER, "R01", "HND", "LOP") == Decimal(3)


async def test_free_commands_do_not_wait_for_a_choice(two_db: Database) -> None:
    """Help, language and /chuongtrinh answer at once, even before a program is chosen."""
    async with chat_with(two_db, NOW) as chat:
        listed = await chat.say(ME, "/chuongtrinh")
        helped = await chat.say(ME, "/trogiup")
    a, b = program_id(two_db, SAMPLE), program_id(two_db, BORDER)
    assert listed.button_data() == [f"h:{a}", f"h:{b}"]
    assert listed.text.endswith(
        vi("programs-none-chosen") + "\n" + vi("programs-how", example=SAMPLE)
    )
    assert vi("chat-help-officer") in helped.text


# --- /chuongtrinh -------------------------------------------------------------------------------


async def test_the_list_marks_the_current_program_and_its_buttons_switch(two_db: Database) -> None:
    """/chuongtrinh lists code, title, organization and role, marks the current one; a button
    switches and says where one is now."""
    a, b = program_id(two_db, SAMPLE), program_id(two_db, BORDER)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        listed = await chat.say(ME, "/chuongtrinh")
        assert listed.text == "\n".join(
            [
                vi("programs-title", count=2),
                vi(
                    "programs-line",
                    mark="✅",
                    program=SAMPLE,
                    title=A_TITLE,
                    role=vi("role-officer"),
                    org="HND",
                    org_name="Hội Nông dân tỉnh",
                ),
                vi(
                    "programs-line",
                    mark="▫️",
                    program=BORDER,
                    title=B_TITLE,
                    role=vi("role-secretary"),
                    org="HND",
                    org_name="Hội Nông dân huyện Biên Sơn",
                ),
                "",
                vi("programs-current", program=SAMPLE),
                vi("programs-how", example=BORDER),
            ]
        )
        assert [b["text"] for row in listed.buttons for b in row] == [f"✅ {SAMPLE}", BORDER]
        assert listed.button_data() == [f"h:{a}", f"h:{b}"]
        replies = await chat.press(ME, f"h:{b}", listed)
        assert replies[-1].text.startswith(header(BORDER) + "\n")
        assert (
            vi(
                "programs-switched",
                program=BORDER,
                title=B_TITLE,
                role=vi("role-secretary"),
                org="HND",
                org_name="Hội Nông dân huyện Biên Sơn",
            )
            in replies[-1].text
        )
    assert current_program(two_db) == b


async def test_switching_to_an_unknown_program_is_refused_politely(two_db: Database) -> None:
    """An unknown code, or a program one is not in, changes nothing and names one's programs."""
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, BORDER)
        refused = await chat.say(ME, "/chuongtrinh XYZ-1")
        english = await chat.say(ME, "/program NOPE")
        stranger = await chat.say(555, "/chuongtrinh")
    assert refused.text == header(BORDER) + "\n" + vi(
        "op-not_in_program", program="XYZ-1", programs=f"{SAMPLE}, {BORDER}"
    )
    assert english.text.endswith(
        vi("op-not_in_program", program="NOPE", programs=f"{SAMPLE}, {BORDER}")
    )
    assert stranger.text == vi("chat-join-how")
    assert current_program(two_db) == program_id(two_db, BORDER)


async def test_one_program_people_see_no_header_and_have_nothing_to_choose(
    two_db: Database,
) -> None:
    """A person in one program gets today's replies, without the program line."""
    async with chat_with(two_db, NOW) as chat:
        tasks = await chat.say(CA, "/viec")
        listed = await chat.say(CA, "/chuongtrinh")
    assert tasks.text.startswith(vi("chat-tasks-title", org="CA", count=11))
    assert "📂" not in tasks.text
    assert listed.text == "\n".join(
        [
            vi("programs-title", count=1),
            vi(
                "programs-line",
                mark="✅",
                program=SAMPLE,
                title=A_TITLE,
                role=vi("role-officer"),
                org="CA",
                org_name="Công an tỉnh",
            ),
            "",
            vi("programs-only-one"),
        ]
    )
    assert listed.buttons == []


# --- only the current program's data ---------------------------------------------------------


async def test_tasks_and_status_show_only_the_current_program(two_db: Database) -> None:
    """/viec and /tinhhinh show the current program's tasks and figures; switching changes them."""
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        tasks_a = (await chat.say(ME, "/viec")).text
        status_a = (await chat.say(ME, "/tinhhinh")).text
        await switch(chat, BORDER)
        tasks_b = (await chat.say(ME, "/viec")).text
        status_b = await chat.say(ME, "/tinhhinh")
    assert tasks_a.startswith(
        header(SAMPLE) + "\n" + vi("chat-tasks-title", org="HND", count=8) + "\n"
    )
    assert "R20" in tasks_a and "K01" not in tasks_a and "Tập huấn" not in tasks_a
    assert tasks_b.startswith(
        header(BORDER) + "\n" + vi("chat-tasks-title", org="HND", count=3) + "\n"
    )
    assert "R20" not in tasks_b and "CT05" not in tasks_b
    assert status_a.startswith(header(SAMPLE) + "\n" + vi("status-title", program=SAMPLE))
    assert A_TITLE in status_a and B_TITLE not in status_a
    # A's officer view: HND's own count in A (2 of 3 registered tasks done).
    assert vi("status-org-view", org="HND", name="Hội Nông dân tỉnh") in status_a
    assert status_b.text.startswith(header(BORDER) + "\n" + vi("status-title", program=BORDER))
    assert B_TITLE in status_b.text and A_TITLE not in status_b.text
    # The secretariat of B gets the drill-down buttons; an officer of A did not.
    assert "s:o:20190614" in status_b.button_data()


async def test_a_report_lands_in_the_current_program_only(two_db: Database) -> None:
    """R01 exists in both programs: a report to it in B is B's (program and figures), A's R01
    figures do not move; in A, the same line is A's R01 (which HND does not work on)."""
    b = program_id(two_db, BORDER)
    a_before = {
        org: figure(two_db, SAMPLE, "R01", org, ind)
        for org, ind in (("BDVTU", "HN"), ("HND", "LOP"), ("BDVTU", "LOP"))
    }
    before = reports_of(two_db)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, BORDER)
        readback = await chat.say(ME, "R01: đã mở 3 lớp")
        assert vi("chat-readback-org", org="HND") in readback.text
        await confirm(chat, readback)
        await switch(chat, SAMPLE)
        refused = await chat.say(ME, "R01: đã mở 3 lớp")
    assert reports_of(two_db) == [*before, (b, "R01")]
    assert figure(two_db, BORDER, "R01", "HND", "LOP") == Decimal(3)
    assert {
        org: figure(two_db, SAMPLE, "R01", org, ind)
        for org, ind in (("BDVTU", "HN"), ("HND", "LOP"), ("BDVTU", "LOP"))
    } == a_before
    assert refused.text == header(SAMPLE) + "\n" + vi("op-not_involved", org="HND", task="R01")


# --- buttons act in the program of what they name ------------------------------------------


async def test_a_draft_of_a_pressed_after_switching_to_b_is_recorded_in_a(
    two_db: Database,
) -> None:
    """Confirm on program A's read-back, pressed after switching to B, records in A and says so."""
    a = program_id(two_db, SAMPLE)
    before = reports_of(two_db)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        readback = await chat.say(ME, "R20: đã xây dựng 4 mô hình")
        assert readback.text.startswith(header(SAMPLE) + "\n")
        await switch(chat, BORDER)
        recorded = await confirm(chat, readback)
        assert recorded.text.startswith(header(SAMPLE) + "\n" + vi("chat-recorded"))
        assert "5 mô hình tổ hợp tác" in recorded.text
    assert reports_of(two_db) == [*before, (a, "R20")]
    assert figure(two_db, SAMPLE, "R20", "HND", "MH") == Decimal(4)
    assert current_program(two_db) == program_id(two_db, BORDER)


async def test_an_edit_of_a_draft_of_a_lands_in_a(two_db: Database) -> None:
    """Edit on A's read-back after switching to B: the line typed next is read in A."""
    a = program_id(two_db, SAMPLE)
    before = reports_of(two_db)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        readback = await chat.say(ME, "R20: đã xây dựng 4 mô hình")
        await switch(chat, BORDER)
        prompt = (await chat.press(ME, readback.find_button("Sửa"), readback))[-1]
        assert prompt.text == header(SAMPLE) + "\n" + vi("chat-report-type-line", task="R20")
        again = await chat.say(ME, "3 mô hình")
        assert again.text.startswith(header(SAMPLE) + "\n" + vi("chat-readback-title"))
        await confirm(chat, again)
    assert reports_of(two_db) == [*before, (a, "R20")]
    assert figure(two_db, SAMPLE, "R20", "HND", "MH") == Decimal(3)


async def test_a_task_button_of_a_pressed_after_switching_to_b_acts_in_a(
    two_db: Database,
) -> None:
    """A task button names its task: pressed in B, it still offers A's task, labelled A."""
    r20 = task_id(two_db, SAMPLE, "R20")
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        picker = await chat.say(ME, "/baocao")
        assert f"r:{r20}" in picker.button_data()
        await switch(chat, BORDER)
        offered = (await chat.press(ME, f"r:{r20}", picker))[-1]
    assert offered.text.startswith(header(SAMPLE) + "\n")
    assert "5 mô hình tổ hợp tác" in offered.text
    assert f"k:{r20}" in offered.button_data()


async def test_a_status_button_of_b_pressed_after_switching_to_a_shows_b(
    two_db: Database,
) -> None:
    """B's drill-down (its secretariat's) pressed while working in A (an officer there) shows
    B's overdue tasks, not A's, and is not refused for A's role."""
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, BORDER)
        status = await chat.say(ME, "/tinhhinh")
        await switch(chat, SAMPLE)
        shown = (await chat.press(ME, "s:o:20190614", status))[-1]
    assert shown.text.startswith(header(BORDER) + "\n" + vi("status-as-of", date="14/06/2019"))
    assert "R02" in shown.text and "R09" not in shown.text and "CT09" not in shown.text


async def test_a_button_of_a_program_one_left_is_refused(two_db: Database) -> None:
    """Leaving B, its buttons (a draft's, a switch to B) no longer act: refused, not carried
    out in A."""
    from storage.models import Membership

    before = reports_of(two_db)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, BORDER)
        readback = await chat.say(ME, "R01: đã mở 3 lớp")
        with two_db.write() as s:
            membership = s.exec(
                select(Membership).where(Membership.program_id == program_id(two_db, BORDER))
            ).one()
            membership.active = False
            s.add(membership)
        await chat.press(ME, readback.find_button("Xác nhận"), readback)
        answer = chat.last_answer()
        await chat.press(ME, f"h:{program_id(two_db, BORDER)}", readback)
        switch_answer = chat.last_answer()
    assert answer["show_alert"] is True
    assert (switch_answer["text"], switch_answer["show_alert"]) == (vi("op-stale_button"), True)
    assert reports_of(two_db) == before
    assert current_program(two_db) == program_id(two_db, BORDER)  # left: chosen anew on asking


# --- a task of the other program ---------------------------------------------------------------


async def test_a_report_on_a_task_of_the_other_program_asks_which(two_db: Database) -> None:
    """R20 is only A's: typed while in B, the bot asks (not "unknown task"), and the report is
    A's once A is pressed."""
    a = program_id(two_db, SAMPLE)
    before = reports_of(two_db)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, BORDER)
        ask = await chat.say(ME, "R20: đã xây dựng 4 mô hình")
        assert ask.text == vi(
            "programs-task-elsewhere", task="R20", current=BORDER, programs=SAMPLE
        )
        assert ask.button_data() == [f"h:{a}:a"]
        readback = (await chat.press(ME, f"h:{a}:a", ask))[-1]
        assert readback.text.startswith(header(SAMPLE) + "\n" + vi("chat-readback-title"))
        await confirm(chat, readback)
        # A code in neither program is still simply unknown.
        unknown = await chat.say(ME, "Z99: đã xong")
    assert reports_of(two_db) == [*before, (a, "R20")]
    assert current_program(two_db) == a
    assert unknown.text == header(SAMPLE) + "\n" + vi("op-unknown_task", task="Z99")


async def test_done_on_a_task_of_the_other_program_asks_which(two_db: Database) -> None:
    """/xong K01 while in A (K01 is B's) asks, then reads back B's completion."""
    b = program_id(two_db, BORDER)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        ask = await chat.say(ME, "/xong K01")
        assert ask.text == vi(
            "programs-task-elsewhere", task="K01", current=SAMPLE, programs=BORDER
        )
        readback = (await chat.press(ME, f"h:{b}:a", ask))[-1]
    assert readback.text.startswith(header(BORDER) + "\n" + vi("chat-readback-title"))
    assert "Tuyên truyền pháp luật về biên giới" in readback.text


async def test_evidence_and_corrections_for_the_other_program_ask_which(
    two_db: Database,
) -> None:
    """A captioned photo for K01 (B's) sent while in A asks, then is kept as B's evidence; /sua
    and /giahan of B's task ask the same way."""
    b = program_id(two_db, BORDER)
    before = reports_of(two_db)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        replies = await chat.send(ME, None, photo=True, caption="K01 biên bản buổi tuyên truyền")  # type: ignore[arg-type]
        ask = replies[-1]
        assert ask.text == vi(
            "programs-task-elsewhere", task="K01", current=SAMPLE, programs=BORDER
        )
        kept = (await chat.press(ME, f"h:{b}:a", ask))[-1]
        assert kept.text == header(BORDER) + "\n" + vi(
            "chat-evidence-kept", task="K01", org="BDBP"
        )
        await switch(chat, SAMPLE)
        fix = await chat.say(ME, "/sua K01")
        extend = await chat.say(ME, "/giahan K01 31/12 chờ kinh phí")
    assert reports_of(two_db) == [*before, (b, "K01")]
    with two_db.read() as s:
        evidence = s.exec(select(Report.evidence).order_by(col(Report.id).desc())).first()
    assert evidence is not None and len(evidence) == 1
    for asked in (fix, extend):
        assert asked.text == vi(
            "programs-task-elsewhere", task="K01", current=SAMPLE, programs=BORDER
        )


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_reach_the_person_in_each_program_for_that_program(two_db: Database) -> None:
    """The reminders' recipients come from each program's membership: the person is HND's
    officer in A and B's secretariat, whatever their current program; each reminder is about
    its own program's tasks."""
    a, b = program_id(two_db, SAMPLE), program_id(two_db, BORDER)
    with two_db.read() as s:
        hnd = dict(
            s.exec(
                select(Organization.program_id, Organization.id).where(Organization.code == "HND")
            ).all()
        )
        person = s.exec(select(Person.id).where(Person.telegram_id == ME)).one()
        views = {
            pid: [
                (p.org_id, p.role)
                for p in load_snapshot(s, pid, NOW.date()).people
                if p.telegram_id == ME
            ]
            for pid in (a, b)
        }
    assert views == {a: [(hnd[a], "officer")], b: [(hnd[b], "secretary")]}
    # 14/06 10:00 in Hòa Sơn: B's R02 (overdue 14 days) is escalated to B's secretariat;
    # 23/09: A's R11 and R20, on which HND works, are 7 days off.
    plan_due(two_db, datetime(2019, 6, 14, 3, 0, tzinfo=UTC))
    plan_due(two_db, datetime(2019, 9, 23, 3, 0, tzinfo=UTC))
    with two_db.read() as s:
        codes = {t.id: (t.program_id, t.code) for t in s.exec(select(Task)).all()}
        rows = s.exec(
            select(OutboxMessage.program_id, OutboxMessage.kind, OutboxMessage.subject)
            .where(OutboxMessage.recipient == f"person:{person}")
            .order_by(col(OutboxMessage.id))
        ).all()
    sent = [(pid, kind, codes[int(subject.split(":")[1])]) for pid, kind, subject in rows]
    assert sent == [
        (b, "escalation", (b, "R02")),
        (a, "deadline", (a, "R11")),
        (a, "deadline", (a, "R20")),
    ]


async def test_every_piece_of_a_long_reply_names_the_program(two_db: Database) -> None:
    """A reply cut at Telegram's limit names the program on each piece (buttons come on the
    last one, so a press there still knows its program); one-program people get plain pieces."""
    with two_db.read() as s:
        mine = member_for(session=s, telegram_id=ME, program_code=BORDER)
        theirs = member_for(session=s, telegram_id=CA)
    assert mine is not None and theirs is not None
    text = "\n".join(f"dòng {n:04d} " + "x" * 40 for n in range(200))
    async with chat_with(two_db, NOW) as chat:
        for person, member in ((ME, mine), (CA, theirs)):
            update = Update.de_json(chat.message_update(person, "/viec"), chat.app.bot)
            name_program(update, vi, member)
            await reply(update, text)
        pieces = [m.text for m in chat.request.order if m.chat_id == ME]
        plain = [m.text for m in chat.request.order if m.chat_id == CA]
    assert len(pieces) == 3 and len(plain) == 3
    assert all(p.startswith(header(BORDER) + "\n") and len(p) <= 4096 for p in pieces)
    assert [p.removeprefix(header(BORDER) + "\n") for p in pieces] == split_text(
        text, 4096 - len(header(BORDER)) - 1
    )
    assert "\n".join(plain) == text


# --- messages to others, and the committee's group ----------------------------------------------


async def test_an_extension_of_b_is_asked_and_decided_in_b_while_working_in_a(
    two_db: Database,
) -> None:
    """B's secretariat (working in A) is asked about B's extension under B's line, and their
    Approve decides it in B; the asker, in one program, gets today's words."""
    border_officer = 700777
    with two_db.write() as s:
        upsert_member(
            session=s,
            program_code=BORDER,
            telegram_id=border_officer,
            name="Cán bộ BDBP",
            org_code="BDBP",
            role="officer",
            now=NOW,
        )
    b = program_id(two_db, BORDER)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, SAMPLE)
        readback = await chat.say(border_officer, "/giahan R02 30/6 chờ phối hợp")
        assert not readback.text.startswith("📂")
        await chat.press(border_officer, readback.find_button("Xác nhận"), readback)
        ask = chat.last(ME)
        assert ask.text.startswith(header(BORDER) + "\n" + "📨")
        assert "Tuần tra chung đường biên giới" in ask.text
        decided = await chat.press(ME, ask.find_button("Đồng ý"), ask)
        told = chat.last(border_officer)
    assert decided[0].text == header(BORDER) + "\n" + vi(
        "chat-extend-approved-by-you", task="R02", new_due="30/06/2019"
    )
    assert told.text == vi(
        "chat-extend-approved", task="R02", new_due="30/06/2019", original="31/05/2019"
    )
    with two_db.read() as s:
        extension = s.exec(select(Extension.program_id, Extension.status)).one()
    assert tuple(extension) == (b, "approved")
    assert current_program(two_db) == program_id(two_db, SAMPLE)


async def test_in_a_committee_group_the_person_speaks_for_its_program(two_db: Database) -> None:
    """In A's committee group, /tinhhinh gives A's counts even while the person works in B."""
    group = -100555
    with two_db.write() as s:
        program = s.exec(select(Program).where(Program.code == SAMPLE)).one()
        program.group_chat_id = group
        s.add(program)
    async with chat_with(two_db, NOW) as chat:
        await switch(chat, BORDER)
        counts = await chat.say(ME, "/tinhhinh", chat_id=group)
    assert counts.text.startswith(header(SAMPLE) + "\n" + vi("status-title", program=SAMPLE))
    assert B_TITLE not in counts.text


async def test_joining_a_second_program_says_so(sample_db: Database) -> None:
    """An invitation to a second program binds there, makes it current, and the greeting names
    it and tells how to switch."""
    add_border_program(sample_db, telegram_id=700001)  # someone else is B's secretariat
    with sample_db.write() as s:
        code = create_invite(
            session=s,
            program_code=BORDER,
            org_code="HND",
            role="officer",
            created_by="test",
            now=NOW,
        ).code
    async with chat_with(sample_db, NOW) as chat:
        joined = await chat.say(ME, f"/start {code}")
        tasks = await chat.say(ME, "/viec")
    assert joined.text.startswith(header(BORDER) + "\n" + vi("chat-joined"))
    assert joined.text.endswith(vi("programs-help", count=2))
    assert tasks.text.startswith(
        header(BORDER) + "\n" + vi("chat-tasks-title", org="HND", count=3)
    )


# --- end to end over HTTP --------------------------------------------------------------------

E2E_USER = 820001
E2E_NEW = 820002  # bound to both programs as a report log binds people: never chose


@pytest.fixture
def e2e_db(plan_db: Database) -> Database:
    """The sample plan (nothing reported) and the bilateral plan, nobody bound."""
    add_border_program(plan_db, telegram_id=None)
    return plan_db


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token="7000002:E2E-token-for-programs") as fake:
        fake.add_user(E2E_USER, first_name="Người hai chương trình")
        fake.add_user(E2E_NEW, first_name="Người chưa chọn")
        yield fake


@pytest.fixture
def running_bot(e2e_db: Database, api: FakeBotAPI, tmp_path: Path) -> Iterator[None]:
    """`phoihop run` in its own process, polling the fake Bot API."""
    with bot_running(e2e_db.url, api, tmp_path) as process:
        yield
        assert process.poll() is None, "the bot is still running"


def _plain(text: str) -> str:
    return re.sub("<[^>]+>", "", text)


@pytest.mark.slow
@pytest.mark.usefixtures("running_bot")
def test_two_programs_over_http(e2e_db: Database, api: FakeBotAPI) -> None:
    """Over real HTTP: join two programs by invitation, replies name the program, /program's
    button switches, a report on the other program's task asks which and lands there; somebody
    who never chose is asked before /tasks, which then runs in the program pressed."""
    a, b = program_id(e2e_db, SAMPLE), program_id(e2e_db, BORDER)
    with e2e_db.write() as s:
        codes = [
            create_invite(
                session=s,
                program_code=program,
                org_code="HND",
                role=role,
                created_by="test",
                now=utcnow(),
            ).code
            for program, role in ((SAMPLE, "officer"), (BORDER, "secretary"))
        ]
    menu = [c["command"] for c in api.commands({"type": "all_private_chats"}, "en")]
    assert "program" in menu
    first = _say(api, E2E_USER, f"/start {codes[0]}")["text"]
    assert first.startswith("✅") and "📂" not in first
    second = _say(api, E2E_USER, f"/start {codes[1]}")["text"]
    assert second.startswith(f"📂 {BORDER}\n✅")
    tasks = _say(api, E2E_USER, "/viec")["text"]
    assert tasks.startswith(f"📂 {BORDER}\n📋 Nhiệm vụ của HND (3)")

    listed = _say(api, E2E_USER, "/chuongtrinh")
    assert _buttons(listed) == [(SAMPLE, f"h:{a}"), (f"✅ {BORDER}", f"h:{b}")]
    switched = _press(api, E2E_USER, listed, f"h:{a}")
    assert switched["text"].startswith(f"📂 {SAMPLE}\nĐã chuyển sang chương trình {SAMPLE}")
    tasks = _say(api, E2E_USER, "/viec")["text"]
    assert tasks.startswith(f"📂 {SAMPLE}\n📋 Nhiệm vụ của HND (8)")

    ask = _say(api, E2E_USER, "K01: 200 lượt người")
    assert ask["text"] == _plain(
        vi("programs-task-elsewhere", task="K01", current=SAMPLE, programs=BORDER)
    )
    readback = _press(api, E2E_USER, ask, f"h:{b}:a", expect_new=True)
    assert readback["text"].startswith(f"📂 {BORDER}\n")
    assert "• LN: 200 lượt người (chỉ tiêu 2.000)" in readback["text"]
    recorded = _press(api, E2E_USER, readback, _button(readback, "Xác nhận"))
    assert recorded["text"].startswith(f"📂 {BORDER}\n✅ Đã ghi nhận")
    with e2e_db.read() as s:
        reports = s.exec(
            select(Report.program_id, Task.code).join(Task, col(Task.id) == Report.task_id)
        ).all()
        current = s.exec(
            select(Person.current_program_id).where(Person.telegram_id == E2E_USER)
        ).one()
    assert [tuple(r) for r in reports] == [(b, "K01")]
    assert current == b

    # Somebody bound to both without choosing is asked first; /tasks then runs in A.
    with e2e_db.write() as s:
        for program in (SAMPLE, BORDER):
            upsert_member(
                session=s,
                program_code=program,
                telegram_id=E2E_NEW,
                name="Người chưa chọn",
                org_code="HND",
                role="officer",
                now=utcnow(),
            )
    ask = _say(api, E2E_NEW, "/tasks")
    assert ask["text"] == _plain(vi("programs-ask", count=2, programs=f"{SAMPLE}, {BORDER}"))
    assert _buttons(ask) == [(SAMPLE, f"h:{a}:a"), (BORDER, f"h:{b}:a")]
    tasks = _press(api, E2E_NEW, ask, f"h:{a}:a", expect_new=True)
    assert tasks["text"].startswith(f"📂 {SAMPLE}\n📋 Nhiệm vụ của HND (8)")
    answered = [m for m in api.sent_messages(E2E_NEW) if m["message_id"] == ask["message_id"]]
    assert answered[0]["text"].startswith(f"📂 {SAMPLE}\nĐã chuyển sang chương trình {SAMPLE}")
    assert api.errors == []
