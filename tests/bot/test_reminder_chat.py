"""Reminders in the chat, offline: `/nhom` binds the committee's group (leaders only, in a group),
`/nhacnho` shows and changes one's snooze and mute, by buttons and typed, refusing bad input and
foreign or stale buttons without changing anything.

People come from the sample report log: 900007 is HND's officer, 900100 the chair, 900101 the
secretariat. The clock is 14/06/2019 10:00 UTC, 17:00 in Hòa Sơn (Asia/Ho_Chi_Minh, UTC+7).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import keyboards as kb
from bot.app import COMMANDS, MENU
from bot.i18n import translator
from bot.reminder_chat import Change, parse_change
from storage.database import Database
from storage.models import AuditEntry, Person, Program
from tests.bot.harness import chat_with
from tests.conftest import NOW

pytestmark = pytest.mark.anyio

vi, en = translator("vi"), translator("en")
HND, CA, CHAIR, SECRETARY, STRANGER = 900007, 900003, 900100, 900101, 555
GROUP, OTHER_GROUP = -1001234567890, -1009876543210


def group_of(db: Database) -> int | None:
    with db.read() as s:
        return s.exec(select(Program.group_chat_id).where(Program.code == "CTPH-2019")).one()


def person_id(db: Database, telegram_id: int) -> int:
    with db.read() as s:
        found = s.exec(select(Person.id).where(Person.telegram_id == telegram_id)).one()
    assert found is not None
    return found


def state(db: Database, telegram_id: int) -> tuple[bool, datetime | None]:
    with db.read() as s:
        row = s.exec(
            select(Person.muted, Person.snoozed_until).where(Person.telegram_id == telegram_id)
        ).one()
    return row[0], row[1]


# --- the commands are registered ---------------------------------------------------------------


def test_both_commands_have_english_aliases_and_the_menu_shows_reminders() -> None:
    names = {(vi_name, en_name) for vi_name, en_name, _ in COMMANDS}
    assert {("nhom", "group"), ("nhacnho", "reminders")} <= names
    assert "nhacnho" in MENU
    assert vi("command-nhacnho") and en("command-nhacnho")


# --- /nhom ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("leader", [CHAIR, SECRETARY])
async def test_a_leader_binds_the_group(sample_db: Database, leader: int) -> None:
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(leader, "/nhom", chat_id=GROUP)
        assert reply.chat_id == GROUP
        assert reply.text == vi("chat-group-bound", program="CTPH-2019")
        assert group_of(sample_db) == GROUP
        again = await chat.say(leader, "/group", chat_id=GROUP)
        assert again.text == vi("chat-group-already", program="CTPH-2019")
    with sample_db.read() as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "bind_group")).all()
        assert [(a.actor, a.detail["chat_id"]) for a in audit] == [(f"tg:{leader}", GROUP)]


async def test_binding_another_group_moves_the_program_there(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        await chat.say(CHAIR, "/nhom", chat_id=GROUP)
        moved = await chat.say(SECRETARY, "/nhom", chat_id=OTHER_GROUP)
    assert vi("chat-group-moved") in moved.text
    assert group_of(sample_db) == OTHER_GROUP


async def test_a_vice_chair_binds_the_group(sample_db: Database) -> None:
    from storage.models import Membership

    with sample_db.write() as s:
        membership = s.exec(
            select(Membership).where(Membership.person_id == person_id(sample_db, CA))
        ).one()
        membership.role = "vice_chair"
        s.add(membership)
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CA, "/nhom", chat_id=GROUP)
    assert reply.text == vi("chat-group-bound", program="CTPH-2019")
    assert group_of(sample_db) == GROUP


@pytest.mark.parametrize("user", [HND, STRANGER])
async def test_others_are_told_politely_and_nothing_changes(
    sample_db: Database, user: int
) -> None:
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(user, "/nhom", chat_id=GROUP)
        assert reply.text == vi("chat-group-not-allowed")
        english = await chat.say(user, "/group", chat_id=GROUP, language_code="en")
        if user == STRANGER:
            assert english.text == en("chat-group-not-allowed")
    assert group_of(sample_db) is None


async def test_nhom_in_a_private_chat_explains_where_to_use_it(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CHAIR, "/nhom")
    assert reply.text == vi("chat-group-in-group-only")
    assert group_of(sample_db) is None


# --- /nhacnho: seeing -----------------------------------------------------------------------


async def test_reminders_shows_the_state_with_buttons(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(HND, "/nhacnho")
    assert reply.text.startswith(vi("chat-reminders-on"))
    pid = person_id(sample_db, HND)
    assert reply.button_data() == [f"m:{pid}:s1", f"m:{pid}:s7", f"m:{pid}:mu"]
    assert all(len(d.encode()) <= kb.CALLBACK_LIMIT for d in reply.button_data())


async def test_reminders_in_english(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        await chat.say(HND, "/lang")
        await chat.press(HND, "l:en")
        reply = await chat.say(HND, "/reminders")
    assert reply.text.startswith(en("chat-reminders-on"))
    assert "/reminders snooze 3" in reply.text


async def test_reminders_is_for_bound_people_in_private(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        assert (await chat.say(STRANGER, "/nhacnho tat")).text == vi("chat-join-how")
        in_group = await chat.say(HND, "/nhacnho tat", chat_id=GROUP)
        assert in_group.text == vi("chat-private-only")
    assert state(sample_db, HND) == (False, None)


# --- /nhacnho: typed -----------------------------------------------------------------------------


async def test_typed_snooze_ends_at_the_same_local_time_days_later(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(HND, "/nhacnho hoãn 3")
        assert reply.text.startswith(vi("chat-reminders-done-snooze", days=3))
        # 17:00 in Hòa Sơn on 14/06, three days on.
        assert vi("chat-reminders-snoozed", until="17/06/2019 17:00") in reply.text
        assert state(sample_db, HND) == (False, NOW + timedelta(days=3))
        assert f"m:{person_id(sample_db, HND)}:go" in reply.button_data()


async def test_typed_mute_unmute_and_resume(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        muted = await chat.say(HND, "/nhacnho tắt")
        assert muted.text.startswith(vi("chat-reminders-done-mute"))
        assert vi("chat-reminders-muted") in muted.text
        assert state(sample_db, HND) == (True, None)
        assert f"m:{person_id(sample_db, HND)}:um" in muted.button_data()
        await chat.say(HND, "/nhacnho bat")
        assert state(sample_db, HND) == (False, None)
        await chat.say(HND, "/nhacnho tat")
        await chat.say(HND, "/nhacnho hoan 7")
        assert state(sample_db, HND) == (True, NOW + timedelta(days=7))
        resumed = await chat.say(HND, "/reminders resume")
        assert resumed.text.startswith(vi("chat-reminders-done-resume"))
        assert state(sample_db, HND) == (False, None)
        english = await chat.say(HND, "/reminders snooze 2")
        assert english.text.startswith(vi("chat-reminders-done-snooze", days=2))
        assert state(sample_db, HND) == (False, NOW + timedelta(days=2))
        assert (await chat.say(HND, "/nhacnho off")).text.startswith(
            vi("chat-reminders-done-mute")
        )


@pytest.mark.parametrize(
    "typed", ["hoan", "hoan 0", "hoan 31", "hoan -1", "hoan ba", "hoan 3 ngay", "xyz", "tat 3"]
)
async def test_bad_input_explains_and_changes_nothing(sample_db: Database, typed: str) -> None:
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(HND, f"/nhacnho {typed}")
    assert reply.text == vi("chat-reminders-usage", text=typed, max=30)
    assert state(sample_db, HND) == (False, None)


async def test_typed_text_is_escaped_in_the_usage(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(HND, "/nhacnho <b>&")
    assert "&lt;b&gt;&amp;" in reply.text


def test_parse_change() -> None:
    assert parse_change("Tạm dừng 5") == Change("snooze", 5)
    assert parse_change("  HOÃN   30 ") == Change("snooze", 30)
    assert parse_change("tiếp tục") == Change("resume")
    assert parse_change("bật") == Change("unmute")
    assert parse_change("hoan ٣") is None  # digits are ASCII digits
    assert parse_change("") is None


# --- /nhacnho: buttons ---------------------------------------------------------------------------


async def test_buttons_snooze_a_day_a_week_mute_and_resume(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        shown = await chat.say(HND, "/nhacnho")
        await chat.press(HND, shown.find_button("1 ngày"), shown)
        assert state(sample_db, HND) == (False, NOW + timedelta(days=1))
        assert chat.last_answer()["text"] == vi("chat-reminders-done-snooze", days=1)
        edited = chat.request.messages[(HND, shown.message_id)]
        assert vi("chat-reminders-snoozed", until="15/06/2019 17:00") in edited.text
        await chat.press(HND, edited.find_button("1 tuần"), edited)
        assert state(sample_db, HND) == (False, NOW + timedelta(days=7))
        await chat.press(HND, edited.find_button("Tắt"), edited)
        assert state(sample_db, HND) == (True, NOW + timedelta(days=7))
        await chat.press(HND, edited.find_button("Bật lại"), edited)
        assert state(sample_db, HND) == (False, NOW + timedelta(days=7))
        await chat.press(HND, edited.find_button("Nhắc lại ngay"), edited)
        assert state(sample_db, HND) == (False, None)
        assert vi("chat-reminders-on") in edited.text


async def test_a_snooze_that_ended_shows_as_on(sample_db: Database) -> None:
    async with chat_with(sample_db, NOW) as chat:
        await chat.say(HND, "/nhacnho hoan 1")
        chat.set_now(NOW + timedelta(days=1, seconds=1))
        reply = await chat.say(HND, "/nhacnho")
    assert reply.text.startswith(vi("chat-reminders-on"))


async def test_another_persons_button_is_refused(sample_db: Database) -> None:
    """Callback data is re-authorized: HND's buttons do nothing for CA, or for a stranger."""
    async with chat_with(sample_db, NOW) as chat:
        shown = await chat.say(HND, "/nhacnho")
        data = shown.find_button("Tắt")
        for user in (CA, STRANGER):
            await chat.press(user, data, shown)
            assert chat.last_answer()["text"] == vi("op-stale_button")
    assert state(sample_db, HND) == (False, None)
    assert state(sample_db, CA) == (False, None)


@pytest.mark.parametrize("data", ["m:1:s2", "m:1", "m:x:mu", "m:1:mu:1", "m:1:MU"])
async def test_malformed_buttons_are_stale(sample_db: Database, data: str) -> None:
    assert kb.parse(data) is None
    async with chat_with(sample_db, NOW) as chat:
        shown = await chat.say(HND, "/nhacnho")
        await chat.press(HND, data, shown)
        assert chat.last_answer()["text"] == vi("op-stale_button")
    assert state(sample_db, HND) == (False, None)


def test_the_longest_reminder_button_fits() -> None:
    data = kb.data("m", 999_999_999_999, "go")
    assert len(data.encode()) <= kb.CALLBACK_LIMIT
    assert kb.parse(data) == kb.Press("m", ("999999999999", "go"))


async def test_snooze_uses_the_programs_time_zone(sample_db: Database) -> None:
    """Late evening in Hòa Sơn is the next local day: the snooze ends that local time."""
    late = datetime(2019, 6, 14, 16, 30, tzinfo=UTC)  # 23:30 local
    async with chat_with(sample_db, late) as chat:
        reply = await chat.say(HND, "/nhacnho hoan 1")
    assert vi("chat-reminders-snoozed", until="15/06/2019 23:30") in reply.text
    assert state(sample_db, HND) == (False, late + timedelta(days=1))
