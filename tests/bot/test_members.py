"""Members in the chat, offline: `/thanhvien` lists who acts for each organization and the gaps
(a button per gap makes an invitation), `/thuhoi` revokes and `/chuyen` moves a person, by
buttons or typed, read back and done on Confirm, the person told; officers and strangers are
refused, forged or stale buttons change nothing.

People come from the sample report log: 900001..900015 are the officers of the 15
organizations in plan order, 900100 the chair and 900101 the secretariat (both of BDVTU).
The clock is 14/06/2019 10:00 UTC.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot import keyboards as kb
from bot.app import COMMANDS
from bot.cli import main
from bot.i18n import translator
from bot.members import parse_move
from storage.database import Database
from storage.models import (
    AuditEntry,
    Membership,
    Organization,
    Person,
    Program,
    Report,
    Task,
)
from storage.operations import upsert_member
from storage.people import member_for
from tests.bot.harness import Chat, Sent, chat_with
from tests.bot.running import bot_running
from tests.bot.test_chat_e2e import _button, _press, _reply_after, _say
from tests.conftest import NOW
from tests.fakes.bot_api import FakeBotAPI
from tests.storage.test_people_programs import BORDER, add_border_program

pytestmark = pytest.mark.anyio

vi, en = translator("vi"), translator("en")
CA, TD, HND, CHAIR, SECRETARY, STRANGER = 900003, 900005, 900007, 900100, 900101, 555
GROUP = -1001234567890
HND_NAME = "Cán bộ đầu mối HND"


def membership_of(db: Database, telegram_id: int) -> int:
    with db.read() as s:
        found = s.exec(
            select(Membership.id)
            .join(Person, col(Person.id) == Membership.person_id)
            .where(Person.telegram_id == telegram_id)
        ).one()
    assert found is not None
    return found


def org_id(db: Database, code: str) -> int:
    return org_id_in(db, "CTPH-2019", code)


def org_id_in(db: Database, program: str, code: str) -> int:
    with db.read() as s:
        found = s.exec(
            select(Organization.id)
            .join(Program, col(Program.id) == Organization.program_id)
            .where(Organization.code == code, Program.code == program)
        ).one()
    assert found is not None
    return found


def bound(db: Database, telegram_id: int) -> tuple[str, str] | None:
    with db.read() as s:
        member = member_for(session=s, telegram_id=telegram_id)
    return None if member is None else (member.org_code, member.role)


def audit_count(db: Database, action: str) -> int:
    with db.read() as s:
        return len(s.exec(select(AuditEntry.id).where(AuditEntry.action == action)).all())


def test_the_commands_have_english_aliases() -> None:
    """thanhvien/members, thuhoi/revoke, chuyen/move are registered."""
    names = {(v, e) for v, e, _ in COMMANDS}
    assert {("thanhvien", "members"), ("thuhoi", "revoke"), ("chuyen", "move")} <= names


def test_typed_moves_are_parsed_from_the_end() -> None:
    """NAME… ORG [role]: the role only when it is one; too few words is not a move."""
    assert parse_move(["Cán", "bộ", "HND", "TD", "officer"]) == ("Cán bộ HND", "TD", "officer")
    assert parse_move(["An", "td"]) == ("An", "td", None)
    assert parse_move(["An", "TD", "Chair"]) == ("An", "TD", "chair")
    assert parse_move(["TD"]) is None
    assert parse_move(["TD", "officer"]) is None


def test_button_data_of_members_follows_the_grammar() -> None:
    """u and y buttons parse; a bad action, a non-hex nonce or a missing field do not."""
    assert kb.parse("u:r:12:0:0") == kb.Press("u", ("r", "12", "0", "0"))
    assert kb.parse("y:5:0a1b2c:ok") == kb.Press("y", ("5", "0a1b2c", "ok"))
    for bad in ("u:z:1:0:0", "u:r:1:0", "u:r:1:0:10", "y:5:zzzzzz:ok", "y:5:0a1b2c:ed"):
        assert kb.parse(bad) is None


# --- /thanhvien ----------------------------------------------------------------------------------


async def test_the_roster_of_the_sample_has_no_gap(sample_db: Database) -> None:
    """Every organization in plan order with its people; 15/15; no invite button."""
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(SECRETARY, "/thanhvien")
    lines = reply.text.split("\n")
    assert lines[:8] == [
        "<b>👥 Người tham gia chương trình CTPH-2019</b>",
        "15/15 cơ quan đã có cán bộ đầu mối.",
        "",
        "• <b>BDVTU</b> Ban Dân vận Tỉnh ủy:",
        "    ◦ Trưởng ban (demo) (Trưởng ban)",
        "    ◦ Tổ giúp việc (demo) (Tổ giúp việc)",
        "    ◦ Cán bộ đầu mối BDVTU (cán bộ đầu mối)",
        "• <b>BCHQS</b> Bộ CHQS tỉnh:",
    ]
    assert lines[17:19] == [
        "• <b>HND</b> Hội Nông dân tỉnh:",
        "    ◦ Cán bộ đầu mối HND (cán bộ đầu mối)",
    ]
    assert lines[-2:] == ["", "✅ Cơ quan nào cũng đã có cán bộ đầu mối."]
    assert len(lines) == 37
    assert reply.buttons == []


async def test_gaps_are_listed_with_a_button_that_makes_an_invitation(
    sample_db: Database,
) -> None:
    """HND and TD without officer: 13/15, both named as gaps, a button each; pressing HND's
    makes a one-time officer invitation for HND."""
    with sample_db.write() as s:
        for tid in (HND, TD):
            row = s.get(Membership, membership_of(sample_db, tid))
            assert row is not None
            row.active = False
            s.add(row)
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CHAIR, "/members")
        lines = reply.text.split("\n")
        assert lines[1] == "13/15 cơ quan đã có cán bộ đầu mối."
        assert lines[13:15] == [
            "• <b>TD</b> Tỉnh đoàn: chưa có ai",
            "• <b>HLHPN</b> Hội LHPN tỉnh:",
        ]
        assert lines[-2:] == [
            "<b>⚠️ Chưa có cán bộ đầu mối (2): TD, HND</b>",
            vi("members-gaps-hint"),
        ]
        assert [b["text"] for row in reply.buttons for b in row] == ["✉️ Mời TD", "✉️ Mời HND"]
        made = await chat.press(CHAIR, reply.find_button("HND"), reply)
    assert len(made) == 1
    assert made[0].text.startswith("Lời mời cho <b>cán bộ đầu mối</b> của <b>HND</b>")
    assert "https://t.me/phoihop_bot?start=" in made[0].text
    assert audit_count(sample_db, "create_invite") == 1


async def test_in_english_for_a_leader_who_chose_english(sample_db: Database) -> None:
    """The same roster in English."""
    async with chat_with(sample_db, NOW) as chat:
        await chat.say(SECRETARY, "/lang en")
        reply = await chat.say(SECRETARY, "/members")
    assert reply.text.split("\n")[:2] == [
        "<b>👥 Members of program CTPH-2019</b>",
        "15/15 organizations have a focal officer.",
    ]
    assert reply.text.endswith("✅ Every organization has a focal officer.")


async def test_a_long_roster_is_split_under_telegrams_limit(sample_db: Database) -> None:
    """120 more people with long names: several messages, each under 4096, buttons on the last."""
    with sample_db.write() as s:
        for n in range(120):
            upsert_member(
                session=s,
                program_code="CTPH-2019",
                telegram_id=700000 + n,
                name=f"Nguyễn Thị Phương Thảo Minh Khai số {n:03d}",
                org_code="CA",
                role="officer",
                now=NOW,
            )
        row = s.get(Membership, membership_of(sample_db, HND))
        assert row is not None
        row.active = False
        s.add(row)
    async with chat_with(sample_db, NOW) as chat:
        replies = await chat.send(CHAIR, "/thanhvien")
    assert len(replies) == 3
    assert all(len(r.text) <= 4096 for r in replies)
    assert replies[0].buttons == replies[1].buttons == []
    assert replies[2].button_data() == [f"u:g:{org_id(sample_db, 'HND')}:0:0"]


@pytest.mark.parametrize("command", ["/thanhvien", "/thuhoi", "/chuyen", "/thuhoi moi"])
async def test_officers_cannot_manage_members(sample_db: Database, command: str) -> None:
    """An officer is told only leaders manage members; a stranger how to join."""
    async with chat_with(sample_db, NOW) as chat:
        officer = await chat.say(HND, command)
        stranger = await chat.say(STRANGER, command)
    assert officer.text == vi("op-members_not_allowed")
    assert stranger.text == vi("chat-join-how")


async def test_members_are_listed_in_private_only(sample_db: Database) -> None:
    """In the committee's group: the private-chat notice, no roster."""
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CHAIR, "/thanhvien", chat_id=GROUP)
    assert reply.text == vi("chat-private-only")


# --- /thuhoi -------------------------------------------------------------------------------------


async def _revoke_hnd_by_buttons(chat: Chat, db: Database) -> list[Sent]:
    picker = await chat.say(CHAIR, "/thuhoi")
    assert picker.text.startswith("Chọn người cần thu hồi quyền (trang 1/3)")
    assert len(picker.button_data()) == 8 + 1 + 1  # 8 people, next page, pending invites
    page2 = (await chat.press(CHAIR, picker.find_button("Sau"), picker))[0]
    assert page2.text.startswith("Chọn người cần thu hồi quyền (trang 2/3)")
    readback = (await chat.press(CHAIR, page2.find_button(HND_NAME), page2))[0]
    assert readback.text == vi(
        "members-revoke-readback",
        name=HND_NAME,
        role="cán bộ đầu mối",
        org="HND",
        org_name="Hội Nông dân tỉnh",
    )
    assert bound(db, HND) == ("HND", "officer")  # nothing before Confirm
    return await chat.press(CHAIR, readback.find_button("Xác nhận"), readback)


async def test_revoke_by_buttons_then_the_person_cannot_report_and_figures_stay(
    sample_db: Database,
) -> None:
    """Picker → page 2 → HND's officer → Confirm: revoked, audited, the person told; their
    /baocao is refused as not bound; /tinhhinh's figures are the same as before."""
    async with chat_with(sample_db, NOW) as chat:
        before = await chat.say(CHAIR, "/tinhhinh")
        sent = await _revoke_hnd_by_buttons(chat, sample_db)
        assert [(s.chat_id, s.text) for s in sent] == [
            (
                CHAIR,
                "✅ Đã thu hồi quyền của <b>Cán bộ đầu mối HND</b> (cán bộ đầu mối của HND). "
                "Đã báo cho người đó.",
            ),
            (
                HND,
                vi(
                    "members-told-revoked",
                    role="cán bộ đầu mối",
                    org="HND",
                    org_name="Hội Nông dân tỉnh",
                    program="CTPH-2019",
                ),
            ),
        ]
        assert bound(sample_db, HND) is None
        assert audit_count(sample_db, "revoke_member") == 1
        assert (await chat.say(HND, "/baocao")).text == vi("chat-join-how")
        assert (await chat.say(HND, "R19 12 mô hình")).text == vi("chat-join-how")
        after = await chat.say(CHAIR, "/tinhhinh")
        assert after.text == before.text
        assert "24/37" in after.text
        roster = await chat.say(CHAIR, "/thanhvien")
    assert "14/15 cơ quan đã có cán bộ đầu mối." in roster.text
    assert "• <b>HND</b> Hội Nông dân tỉnh: chưa có ai\n• <b>HCCB</b>" in roster.text


async def test_a_report_read_back_before_the_revoke_is_refused_after_it(
    sample_db: Database,
) -> None:
    """HND's officer reads back a report on R20, is revoked, then presses Confirm: refused as
    not a member; nothing recorded."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(HND, "R20 3 mô hình")
        confirm = readback.find_button("Xác nhận")
        revoke = await chat.say(CHAIR, f"/thuhoi {HND_NAME}")
        await chat.press(CHAIR, revoke.find_button("Xác nhận"), revoke)
        await chat.press(HND, confirm, readback)
        answer = chat.last_answer()["text"]
    assert answer == vi("op-not_member", program="CTPH-2019")
    with sample_db.read() as s:
        recorded = s.exec(
            select(Report.id).join(Task, col(Task.id) == Report.task_id).where(Task.code == "R20")
        ).all()
    assert recorded == []


async def test_revoke_typed_by_name(sample_db: Database) -> None:
    """`/thuhoi can bo dau moi hnd` reads back HND's officer; Cancel changes nothing."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(SECRETARY, "/thuhoi can bo dau moi hnd")
        assert readback.text.startswith("Thu hồi quyền của <b>Cán bộ đầu mối HND</b>")
        confirm = readback.find_button("Xác nhận")
        cancelled = await chat.press(SECRETARY, readback.find_button("Hủy"), readback)
        assert cancelled[0].text == vi("members-cancelled")
        await chat.press(SECRETARY, confirm, readback)
        assert chat.last_answer()["text"] == vi("op-member_change_cancelled")
    assert bound(sample_db, HND) == ("HND", "officer")


@pytest.mark.parametrize(
    ("typed", "key", "params"),
    [
        ("/thuhoi Nguyễn", "op-member_not_found", {"name": "Nguyễn"}),
        ("/revoke Cán bộ đầu mối", "op-member_ambiguous", None),
    ],
)
async def test_a_typed_name_that_is_not_one_person_is_explained(
    sample_db: Database, typed: str, key: str, params: dict[str, str] | None
) -> None:
    """No match or several: said politely, with how to say it right; nothing changes."""
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CHAIR, typed)
    if params is not None:
        assert reply.text == vi(key, **params)
    else:
        assert reply.text.startswith("Có nhiều người khớp «Cán bộ đầu mối»: ")
    assert reply.buttons == []
    assert audit_count(sample_db, "revoke_member") == 0


async def test_the_last_leader_cannot_revoke_themselves(sample_db: Database) -> None:
    """The secretariat revoked, the chair's own revoke is refused with the reason."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CHAIR, "/thuhoi Tổ giúp việc (demo)")
        await chat.press(CHAIR, readback.find_button("Xác nhận"), readback)
        refused = await chat.say(CHAIR, "/thuhoi Trưởng ban (demo)")
    assert refused.text == vi("op-last_leader", name="Trưởng ban (demo)")
    assert bound(sample_db, CHAIR) == ("BDVTU", "chair")
    assert bound(sample_db, SECRETARY) is None


async def test_pending_invitations_are_listed_and_one_cancelled(sample_db: Database) -> None:
    """`/thuhoi moi`: the unused invitation with a cancel button; cancelled, its code fails."""
    async with chat_with(sample_db, NOW) as chat:
        assert (await chat.say(CHAIR, "/thuhoi moi")).text == vi("members-invites-none")
        made = await chat.say(SECRETARY, "/moi TD")
        code = made.text.rsplit("<code>", 1)[1].split("</code>", 1)[0]
        listed = await chat.say(CHAIR, "/revoke invites")
        assert listed.text == (
            "📨 Lời mời chưa dùng (1), nhấn nút để hủy một lời mời:\n"
            "• TD (cán bộ đầu mối), hết hạn ngày 21/06/2019"
        )
        done = await chat.press(CHAIR, listed.find_button("Hủy lời mời TD"), listed)
        assert done[-1].text == vi("members-invite-cancelled", org="TD", role="cán bộ đầu mối")
        await chat.press(CHAIR, listed.button_data()[0], listed)
        assert chat.last_answer()["text"] == vi("op-invite_gone")
        spent = await chat.say(STRANGER, f"/start {code}")
    assert spent.text == vi("op-invite_expired")
    assert audit_count(sample_db, "cancel_invite") == 1


# --- /chuyen -------------------------------------------------------------------------------------


async def test_move_typed_then_reports_are_for_the_new_organization(sample_db: Database) -> None:
    """`/chuyen … HND TD`: read back, Confirm, the person told; their report on R14 (led by TD),
    refused before, is now recorded for TD."""
    async with chat_with(sample_db, NOW) as chat:
        refused = await chat.say(HND, "R14 3 km")
        assert "R14" in refused.text and not refused.button_data()
        readback = await chat.say(CHAIR, f"/chuyen {HND_NAME} TD")
        assert readback.text == vi(
            "members-move-readback",
            name=HND_NAME,
            before_role="cán bộ đầu mối",
            before_org="HND",
            after_role="cán bộ đầu mối",
            after_org="TD",
            after_org_name="Tỉnh đoàn",
        )
        sent = await chat.press(CHAIR, readback.find_button("Xác nhận"), readback)
        assert [s.chat_id for s in sent] == [CHAIR, HND]
        assert sent[0].text == vi("members-moved", name=HND_NAME, role="cán bộ đầu mối", org="TD")
        assert sent[1].text.startswith("Từ nay bạn là cán bộ đầu mối của <b>TD</b> (Tỉnh đoàn)")
        assert bound(sample_db, HND) == ("TD", "officer")
        report = await chat.say(HND, "R14 3 km")
        await chat.press(HND, report.find_button("Xác nhận"), report)
    with sample_db.read() as s:
        org = s.exec(
            select(Organization.code)
            .join(Report, col(Report.org_id) == Organization.id)
            .join(Task, col(Task.id) == Report.task_id)
            .join(Person, col(Person.id) == Report.author_id)
            .where(Task.code == "R14", Person.telegram_id == HND)
        ).all()
    assert org == ["TD"]


async def test_move_by_buttons_person_org_role(sample_db: Database) -> None:
    """Person → organization → role → Confirm: CA's officer becomes vice-chair at MTTQ."""
    mid = membership_of(sample_db, CA)
    async with chat_with(sample_db, NOW) as chat:
        picker = await chat.say(SECRETARY, "/chuyen")
        assert picker.text.startswith("Chọn người cần chuyển (trang 1/3)")
        orgs = (await chat.press(SECRETARY, picker.find_button("Cán bộ đầu mối CA"), picker))[0]
        assert orgs.text == vi(
            "members-move-org", name="Cán bộ đầu mối CA", role="cán bộ đầu mối", org="CA"
        )
        assert len(orgs.button_data()) == 15
        roles = (await chat.press(SECRETARY, orgs.find_button("MTTQ"), orgs))[0]
        assert roles.button_data() == [
            f"u:l:{mid}:{org_id(sample_db, 'MTTQ')}:{n}" for n in range(4)
        ]
        readback = (await chat.press(SECRETARY, roles.find_button("Phó Trưởng ban"), roles))[0]
        assert "sang Phó Trưởng ban của <b>MTTQ</b>" in readback.text
        confirm = readback.find_button("Xác nhận")
        await chat.press(SECRETARY, confirm, readback)
        await chat.press(SECRETARY, confirm, readback)
        assert chat.last_answer()["text"] == vi("members-already")
    assert bound(sample_db, CA) == ("MTTQ", "vice_chair")
    assert audit_count(sample_db, "move_member") == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/chuyen TD", "usage"),
        (f"/chuyen {HND_NAME} XYZ", "op-unknown_org"),
        (f"/chuyen {HND_NAME} HND officer", "op-move_nothing"),
    ],
)
async def test_a_bad_typed_move_is_explained(
    sample_db: Database, typed: str, expected: str
) -> None:
    """Too few words: usage; unknown organization or nothing to change: refused politely."""
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CHAIR, typed)
    texts = {
        "usage": vi("members-move-usage", roles="officer, chair, vice_chair, secretary"),
        "op-unknown_org": vi("op-unknown_org", org="XYZ"),
        "op-move_nothing": vi("op-move_nothing", name=HND_NAME, org="HND"),
    }
    assert reply.text == texts[expected]
    assert bound(sample_db, HND) == ("HND", "officer")


# --- buttons re-authorized ---------------------------------------------------------------------


async def test_forged_or_stale_member_buttons_change_nothing(sample_db: Database) -> None:
    """Made-up ids, an officer pressing a leader's button, a role out of range, an org of no
    program, a Confirm pressed by another leader or with a wrong nonce: refused, nothing done."""
    mid = membership_of(sample_db, HND)
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CHAIR, f"/thuhoi {HND_NAME}")
        confirm = readback.find_button("Xác nhận")
        draft = confirm.split(":")[1]
        cases = [
            (CHAIR, "u:r:999999:0:0", "op-member_gone"),
            (CHAIR, "u:g:999999:0:0", "op-member_gone"),
            (HND, f"u:r:{mid}:0:0", "op-members_not_allowed"),
            (TD, f"u:g:{org_id(sample_db, 'HND')}:0:0", "op-members_not_allowed"),
            (TD, "u:p:1:0:0", "op-members_not_allowed"),
            (HND, "u:i:0:0:0", "op-members_not_allowed"),
            (CHAIR, f"u:l:{mid}:{org_id(sample_db, 'TD')}:7", "op-stale_button"),
            (CHAIR, f"u:o:{mid}:999999:0", "op-stale_button"),
            (SECRETARY, confirm, "op-not_your_draft"),
            (CHAIR, f"y:{draft}:abcdef:ok", "op-stale_button"),
            (CHAIR, "y:99999:abcdef:ok", "op-stale_button"),
            (CHAIR, "u:r:1:0:x", "op-stale_button"),
        ]
        for presser, data, key in cases:
            sent = await chat.press(presser, data, readback)
            assert sent == [], data
            assert chat.last_answer()["text"] == vi(key), data
    assert bound(sample_db, HND) == ("HND", "officer")
    assert audit_count(sample_db, "revoke_member") == 0
    assert audit_count(sample_db, "create_invite") == 0


async def test_a_confirm_after_the_person_was_changed_elsewhere_is_refused(
    sample_db: Database,
) -> None:
    """Two read-backs of HND's officer; the move confirmed first, the revoke is refused."""
    async with chat_with(sample_db, NOW) as chat:
        revoke = await chat.say(CHAIR, f"/thuhoi {HND_NAME}")
        move = await chat.say(SECRETARY, f"/chuyen {HND_NAME} TD")
        await chat.press(SECRETARY, move.find_button("Xác nhận"), move)
        await chat.press(CHAIR, revoke.find_button("Xác nhận"), revoke)
        assert chat.last_answer()["text"] == vi("op-member_changed")
    assert bound(sample_db, HND) == ("TD", "officer")


# --- several programs ----------------------------------------------------------------------------


async def test_a_leader_of_one_program_manages_that_one_only(sample_db: Database) -> None:
    """900007, HND's officer in the sample and secretary of a second program: there they see
    its roster (2 organizations, both gaps: a secretary is no focal officer); a button naming
    a sample membership is refused; revoked in the sample by its chair, they stay the second
    program's secretary."""
    add_border_program(sample_db)
    async with chat_with(sample_db, NOW) as chat:
        await chat.say(HND, f"/chuongtrinh {BORDER}")
        roster = await chat.say(HND, "/thanhvien")
        assert roster.text.split("\n")[:3] == [
            vi("programs-header", program=BORDER),
            f"<b>👥 Người tham gia chương trình {BORDER}</b>",
            "0/2 cơ quan đã có cán bộ đầu mối.",
        ]
        assert "    ◦ Cán bộ đầu mối HND (Tổ giúp việc)" in roster.text
        assert roster.button_data() == [
            f"u:g:{org_id_in(sample_db, BORDER, code)}:0:0" for code in ("HND", "BDBP")
        ]
        await chat.press(HND, f"u:r:{membership_of(sample_db, CA)}:0:0", roster)
        assert chat.last_answer()["text"] == vi("op-members_not_allowed")
        readback = await chat.say(CHAIR, f"/thuhoi {HND_NAME}")
        await chat.press(CHAIR, readback.find_button("Xác nhận"), readback)
    with sample_db.read() as s:
        in_border = member_for(session=s, telegram_id=HND, program_code=BORDER)
        in_sample = member_for(session=s, telegram_id=HND, program_code="CTPH-2019")
    assert in_sample is None
    assert in_border is not None and (in_border.org_code, in_border.role) == ("HND", "secretary")
    assert bound(sample_db, CA) == ("CA", "officer")


# --- the command line ---------------------------------------------------------------------------


def test_the_command_line_prints_the_roster_and_the_gaps(sample_db: Database) -> None:
    """`phoihop members PROGRAM`: the same roster as plain text, the gaps and how to invite;
    an unknown program is refused with exit code 1."""
    out = io.StringIO()
    assert main(["members", "CTPH-2019", "--database-url", sample_db.url], out=out) == 0
    lines = out.getvalue().split("\n")
    assert lines[:5] == [
        "👥 Người tham gia chương trình CTPH-2019",
        "15/15 cơ quan đã có cán bộ đầu mối.",
        "",
        "• BDVTU Ban Dân vận Tỉnh ủy:",
        "    ◦ Trưởng ban (demo) (Trưởng ban)",
    ]
    assert lines[-2:] == ["✅ Cơ quan nào cũng đã có cán bộ đầu mối.", ""]
    with sample_db.write() as s:
        row = s.get(Membership, membership_of(sample_db, HND))
        assert row is not None
        row.active = False
        s.add(row)
    out = io.StringIO()
    assert (
        main(["members", "CTPH-2019", "--lang", "en", "--database-url", sample_db.url], out=out)
        == 0
    )
    assert out.getvalue().split("\n")[-4:] == [
        "",
        "⚠️ No focal officer yet (1): HND",
        "Invite for a gap: phoihop invite CTPH-2019 ORG",
        "",
    ]
    assert "14/15 organizations have a focal officer." in out.getvalue()
    assert main(["members", "NOPE", "--database-url", sample_db.url], out=io.StringIO()) == 1


# --- end to end over HTTP -----------------------------------------------------------------------

NEWCOMER = 810077


@pytest.fixture
def members_api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token="7000002:E2E-members-token") as fake:
        for user in (CHAIR, HND, NEWCOMER):
            fake.add_user(user, first_name=f"Người {user}")
        yield fake


@pytest.fixture
def members_bot(
    sample_db: Database, members_api: FakeBotAPI, tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    """`phoihop run` on the sample program, polling the fake Bot API."""
    with bot_running(sample_db.url, members_api, tmp_path) as process:
        yield process


@pytest.mark.slow
def test_members_end_to_end_over_http(
    sample_db: Database, members_api: FakeBotAPI, members_bot: subprocess.Popen[str]
) -> None:
    """Revoke by buttons (the person told, then refused), the gap's invite button, a newcomer
    joining by it, a typed move confirmed and told; every request passes the fake's checks."""
    api = members_api
    picker = _say(api, CHAIR, "/thuhoi")
    page2 = _press(api, CHAIR, picker, _button(picker, "Sau"))
    readback = _press(api, CHAIR, page2, _button(page2, HND_NAME))
    assert readback["text"].startswith("Thu hồi quyền của Cán bộ đầu mối HND")
    told_before = len(api.sent_messages(HND))
    done = _press(api, CHAIR, readback, _button(readback, "Xác nhận"))
    assert done["text"].startswith("✅ Đã thu hồi quyền của Cán bộ đầu mối HND")
    told = _reply_after(api, HND, told_before)
    assert told["text"].startswith("Bạn không còn là cán bộ đầu mối của HND")
    assert _say(api, HND, "/baocao")["text"].startswith("Chào bạn!")

    roster = _say(api, CHAIR, "/thanhvien")
    assert "14/15 cơ quan đã có cán bộ đầu mối." in roster["text"]
    invite = _press(api, CHAIR, roster, _button(roster, "Mời HND"), expect_new=True)
    code = invite["text"].rsplit("Mã mời: ", 1)[1].strip()
    assert _say(api, NEWCOMER, f"/start {code}")["text"].startswith("✅")
    assert "15/15" in _say(api, CHAIR, "/members")["text"]

    readback = _say(api, CHAIR, f"/chuyen Người {NEWCOMER} TD")
    told_before = len(api.sent_messages(NEWCOMER))
    moved = _press(api, CHAIR, readback, _button(readback, "Xác nhận"))
    assert moved["text"].startswith(f"✅ Đã chuyển Người {NEWCOMER} sang cán bộ đầu mối của TD")
    told = _reply_after(api, NEWCOMER, told_before)
    assert told["text"].startswith("Từ nay bạn là cán bộ đầu mối của TD (Tỉnh đoàn)")
    assert bound(sample_db, NEWCOMER) == ("TD", "officer")
    assert members_bot.poll() is None, "the bot is still running"
    assert api.errors == []
