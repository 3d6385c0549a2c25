"""End to end over real HTTP: `phoihop run` as a user starts it, against the strict fake Bot API,
with several officers in private chats and the committee's group.

The whole flow: invitations, /start, /viec, a report by buttons, a typed report, /xong, evidence,
an extension asked, approved and told; the group sees no organization's details. Every request
the bot makes must pass the fake's checks (texts, HTML, callback data, chats).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.i18n import translator
from storage.database import Database
from storage.models import Extension, Report, Task, utcnow
from storage.people import create_invite
from tests.bot.running import ROOT as ROOT
from tests.bot.running import bot_running
from tests.fakes.bot_api import FakeBotAPI

CA, HND, CHAIR, SECRETARY = 810001, 810002, 810003, 810004
GROUP = -1001234567890
vi = translator("vi")
JSON = dict[str, Any]


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token="7000001:E2E-token-for-phoihop-tests") as fake:
        for user in (CA, HND, CHAIR, SECRETARY):
            fake.add_user(user, first_name=f"Người {user}")
        fake.add_group(GROUP, title="Ban Chỉ đạo tỉnh")
        yield fake


@pytest.fixture
def bot(plan_db: Database, api: FakeBotAPI, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """`phoihop run` in its own process, polling the fake Bot API."""
    with bot_running(plan_db.url, api, tmp_path) as process:
        yield process


def _private() -> JSON:
    return {"type": "all_private_chats"}


def _invite(db: Database, org: str, role: str) -> str:
    with db.write() as s:
        return create_invite(
            session=s,
            program_code="CTPH-2019",
            org_code=org,
            role=role,
            created_by="test",
            now=utcnow(),
        ).code


def _reply_after(api: FakeBotAPI, chat_id: int, count: int, timeout: float = 10) -> JSON:
    """The bot's newest message in the chat once it has sent more than `count` there."""
    api.wait_for(
        lambda a: len(a.sent_messages(chat_id)) > count,
        timeout=timeout,
        what=f"a reply in {chat_id}",
    )
    return api.sent_messages(chat_id)[-1]


def _say(api: FakeBotAPI, user: int, text: str, *, chat_id: int | None = None) -> JSON:
    where = chat_id or user
    before = len(api.sent_messages(where))
    api.send_text(user, text, chat_id=chat_id)
    return _reply_after(api, where, before)


def _buttons(message: JSON) -> list[tuple[str, str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def _button(message: JSON, label: str) -> str:
    for text, data in _buttons(message):
        if label in text:
            return data
    raise AssertionError(f"no button {label!r} in {_buttons(message)}")


def _press(
    api: FakeBotAPI,
    user: int,
    message: JSON,
    data: str,
    chat_id: int | None = None,
    expect_new: bool = False,
) -> JSON:
    """Press a button; the message it turned into (edited), or the next new one."""
    where = chat_id or user
    before = len(api.sent_messages(where))
    old_text = message.get("text")
    query = api.press(user, message, data)
    api.wait_for(lambda a: a.callback_answer(query) is not None, what=f"answer to {data}")
    if expect_new:
        return _reply_after(api, where, before)

    def changed(a: FakeBotAPI) -> bool:
        now = [m for m in a.sent_messages(where) if m["message_id"] == message["message_id"]]
        return len(a.sent_messages(where)) > before or (bool(now) and now[0]["text"] != old_text)

    api.wait_for(changed, what=f"effect of {data}")
    edited = [m for m in api.sent_messages(where) if m["message_id"] == message["message_id"]]
    if len(api.sent_messages(where)) > before:
        return api.sent_messages(where)[-1]
    return edited[0]


@pytest.mark.slow
def test_the_whole_flow_over_http(
    plan_db: Database, api: FakeBotAPI, bot: subprocess.Popen[str]
) -> None:
    """Invite → /start → /viec → button report → typed report → /xong → evidence → extension
    approved; the group gets no details; every request passes the fake's checks."""
    codes = {
        CA: _invite(plan_db, "CA", "officer"),
        HND: _invite(plan_db, "HND", "officer"),
        CHAIR: _invite(plan_db, "BDVTU", "chair"),
        SECRETARY: _invite(plan_db, "BDVTU", "secretary"),
    }
    _flow(plan_db, api, codes)
    assert bot.poll() is None, "the bot is still running"
    assert api.errors == []


def _flow(db: Database, api: FakeBotAPI, codes: dict[int, str]) -> None:
    # The menu is registered in both languages.
    assert [c["command"] for c in api.commands(_private(), "vi")][:2] == ["viec", "baocao"]
    assert [c["command"] for c in api.commands(_private(), "en")][:2] == ["tasks", "report"]

    # Onboarding: each person opens their invitation; a spent code is refused.
    for user, code in codes.items():
        assert _say(api, user, f"/start {code}")["text"].startswith("✅")
    assert _say(api, HND, f"/start {codes[CA]}")["text"] == vi("op-invite_used")

    # /viec lists CA's tasks with a button per task.
    tasks = _say(api, CA, "/viec")
    assert tasks["text"].startswith("📋 Nhiệm vụ của CA (11)")
    with db.read() as s:
        r09 = s.exec(select(Task.id).where(Task.code == "R09")).one()

    # A report by buttons: task → indicator → number → Confirm.
    what = _press(api, CA, tasks, f"r:{r09}", expect_new=True)
    prompt = _press(api, CA, what, _button(what, "MH"), expect_new=True)
    assert "mô hình" in prompt["text"]
    readback = _say(api, CA, "15")
    assert "• MH: 15 mô hình (chỉ tiêu 20)" in readback["text"]
    recorded = _press(api, CA, readback, _button(readback, "Xác nhận"))
    assert recorded["text"].startswith("✅ Đã ghi nhận")

    # A typed report, then Confirm.
    readback = _say(api, HND, "CT01 22 hội nghị, 6.150 lượt người")
    assert "• HN: 22 hội nghị (chỉ tiêu 150)" in readback["text"]
    assert "• LN: 6.150 lượt người" in readback["text"]
    assert _press(api, HND, readback, _button(readback, "Xác nhận"))["text"].startswith("✅")

    # /xong: the lead closes its task, hears the status and its count.
    readback = _say(api, HND, "/xong R20")
    done = _press(api, HND, readback, _button(readback, "Xác nhận"))
    assert "Nhiệm vụ R20: hoàn thành quá hạn (hạn 30/09/2019)." in done["text"]
    assert "HND đã hoàn thành 1/3 nhiệm vụ đăng ký chủ trì." in done["text"]

    # Evidence: a captioned photo.
    before = len(api.sent_messages(CA))
    api.send_photo(CA, caption="R09 biên bản ra mắt tổ tự quản")
    assert _reply_after(api, CA, before)["text"] == re.sub(
        "<[^>]+>", "", vi("chat-evidence-kept", task="R09", org="CA")
    )

    # An extension: asked, confirmed, sent to the chair and the secretariat, approved, told.
    readback = _say(api, CA, "/giahan R09 31/12/2026 chờ kinh phí")
    chair_before = len(api.sent_messages(CHAIR))
    secretary_before = len(api.sent_messages(SECRETARY))
    _press(api, CA, readback, _button(readback, "Xác nhận"))
    ask = _reply_after(api, CHAIR, chair_before)
    assert "Đề nghị gia hạn" in ask["text"] and "R09" in ask["text"]
    assert _reply_after(api, SECRETARY, secretary_before)["text"] == ask["text"]
    officer_before = len(api.sent_messages(CA))
    _press(api, CHAIR, ask, _button(ask, "Đồng ý"))
    told = _reply_after(api, CA, officer_before)
    assert told["text"].startswith("✅ Đề nghị gia hạn R09 đến 31/12/2026 đã được đồng ý.")

    # The group: details only in private.
    group_reply = _say(api, CA, "/viec", chat_id=GROUP)
    assert group_reply["text"] == vi("chat-private-only")

    with db.read() as s:
        reports = s.exec(select(Report).order_by(col(Report.id))).all()
        assert len(reports) == 4
        assert (reports[-1].task_id, len(reports[-1].evidence)) == (r09, 1)
        ext = s.exec(select(Extension)).one()
        assert ext.status == "approved"
        task = s.exec(select(Task).where(Task.code == "R09")).one()
        assert (str(task.original_due), str(task.due)) == ("2019-05-31", "2026-12-31")
