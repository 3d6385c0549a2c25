"""Verification of completions end to end over real HTTP: `phoihop run` as a user starts it,
against the strict fake Bot API, for a program whose plan turns verification on.

The sample plan, with `verification: true` written into a copy, is imported by `phoihop import`;
HND's officer reports R19 done (`/xong R19 12/6`) and confirms; the chair gets the card with
Accept / Return and accepts; the officer is told and the chair's `/tinhhinh` counts one more
done. Then R20 is returned by the secretariat with a typed reason that reaches the officer. Every
request the bot makes must pass the fake's checks (texts, HTML, callback data, chats).
"""

from __future__ import annotations

import html
import io
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.cli import main
from bot.i18n import translator
from config.settings import SAMPLE_PLAN
from storage.database import Database
from storage.models import Program, Task, Verification
from tests.bot.running import bot_running
from tests.bot.test_chat_e2e import (
    _button,
    _buttons,
    _invite,
    _press,
    _reply_after,
    _say,
)
from tests.fakes.bot_api import FakeBotAPI

HND, CHAIR, SECRETARY = 820001, 820002, 820003
vi = translator("vi")


def plain(text: str) -> str:
    """What a user sees of a catalog text sent as HTML."""
    return html.unescape(re.sub("<[^>]+>", "", text))


@pytest.fixture
def verified_db(db: Database, tmp_path: Path) -> Database:
    """The sample plan with `verification: true` in a copy, imported as an administrator
    does (`phoihop import`)."""
    plan = tmp_path / "plan-2019.yaml"
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    marker = "  language: vi\n"
    assert text.count(marker) == 1
    plan.write_text(text.replace(marker, marker + "  verification: true\n"), encoding="utf-8")
    out = io.StringIO()
    assert main(["import", str(plan), "--database-url", db.url], out=out) == 0, out.getvalue()
    with db.read() as s:
        assert s.exec(select(Program.verification)).one() is True
    return db


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token="7000002:E2E-token-for-verification") as fake:
        for user in (HND, CHAIR, SECRETARY):
            fake.add_user(user, first_name=f"Người {user}")
        yield fake


@pytest.fixture
def bot(verified_db: Database, api: FakeBotAPI, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """`phoihop run` in its own process, polling the fake Bot API."""
    with bot_running(verified_db.url, api, tmp_path) as process:
        yield process


def _headline(api: FakeBotAPI) -> list[str]:
    """The chair's /tinhhinh: its lines."""
    return str(_say(api, CHAIR, "/tinhhinh")["text"]).split("\n")


@pytest.mark.slow
def test_a_completion_accepted_and_one_returned_over_http(
    verified_db: Database, api: FakeBotAPI, bot: subprocess.Popen[str]
) -> None:
    """/xong R19 12/6 read back with the waiting notice → Confirm → the chair's card with
    Accept / Return → Accept → the officer told, the chair's /tinhhinh one more done; /xong R20
    → the secretariat's Return → the reason typed → the officer told the reason, the count
    unchanged; every request passes the fake's checks."""
    for user, (org, role) in {
        HND: ("HND", "officer"),
        CHAIR: ("BDVTU", "chair"),
        SECRETARY: ("BDVTU", "secretary"),
    }.items():
        code = _invite(verified_db, org, role)
        assert _say(api, user, f"/start {code}")["text"].startswith("✅")
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    year = today.year

    before = _headline(api)
    assert before[4] == "Hoàn thành 0/9 nhiệm vụ chung, 0/37 nhiệm vụ đăng ký chủ trì."
    assert not any("nghiệm thu" in line for line in before)

    # The officer's /xong: read back with the notice that it will wait, then confirmed.
    readback = _say(api, HND, "/xong R19 12/6")
    assert readback["text"].split("\n")[-1] == plain(vi("chat-verify-readback", task="R19"))
    chair_before = len(api.sent_messages(CHAIR))
    secretary_before = len(api.sent_messages(SECRETARY))
    waiting = _press(api, HND, readback, _button(readback, "Xác nhận"))
    assert waiting["text"].endswith(plain(vi("chat-verify-waiting", task="R19")))

    # The chair and the secretariat each get the card with Accept / Return.
    card = _reply_after(api, CHAIR, chair_before)
    assert card["text"].split("\n")[:3] == [
        "📥 Chờ nghiệm thu: R19 Cho vay Quỹ hỗ trợ nông dân",
        "Cơ quan chủ trì: HND",
        plain(vi("chat-verify-card-dates", completed=f"12/06/{year}",
                 reported=today.strftime("%d/%m/%Y"), deadline="30/06/2019")),
    ]  # fmt: skip
    assert [label for label, _ in _buttons(card)] == ["✅ Nghiệm thu", "↩️ Trả lại"]
    assert _reply_after(api, SECRETARY, secretary_before)["text"] == card["text"]

    # /viec marks R19 as waiting; /tinhhinh counts it waiting, not done.
    tasks = _say(api, HND, "/viec")
    assert "R19 Cho vay Quỹ hỗ trợ nông dân (chủ trì), hạn 30/06/2019" in tasks["text"]
    r19 = [x for x in tasks["text"].split("\n") if x.startswith("• R19 ")]
    assert len(r19) == 1 and "⏳ chờ nghiệm thu" in r19[0]
    pending = _headline(api)
    assert pending[4] == before[4]
    assert pending[-1] == plain(vi("chat-status-awaiting", count=1))

    # Accept: the chair's card says so, the officer is told, the count moves.
    officer_before = len(api.sent_messages(HND))
    accepted = _press(api, CHAIR, card, _button(card, "Nghiệm thu"))
    assert accepted["text"] == plain(
        vi("chat-verify-accepted-by-you", task="R19", org="HND", status="hoàn thành quá hạn")
    )
    told = _reply_after(api, HND, officer_before)
    assert told["text"] == plain(
        vi("chat-verify-accepted", task="R19", title="Cho vay Quỹ hỗ trợ nông dân",
           decided=today.strftime("%d/%m/%Y"), status="hoàn thành quá hạn",
           completed=f"12/06/{year}")
    )  # fmt: skip
    after = _headline(api)
    assert after[4] == "Hoàn thành 0/9 nhiệm vụ chung, 1/37 nhiệm vụ đăng ký chủ trì."
    assert not any("nghiệm thu" in line for line in after)

    # R20 returned by the secretariat, with a typed reason that reaches the officer.
    readback = _say(api, HND, "/xong R20")
    secretary_before = len(api.sent_messages(SECRETARY))
    _press(api, HND, readback, _button(readback, "Xác nhận"))
    card = _reply_after(api, SECRETARY, secretary_before)
    assert card["text"].startswith("📥 Chờ nghiệm thu: R20 ")
    prompt = _press(api, SECRETARY, card, _button(card, "Trả lại"), expect_new=True)
    assert prompt["text"] == plain(vi("chat-verify-reason-prompt", task="R20", org="HND"))
    officer_before = len(api.sent_messages(HND))
    returned = _say(api, SECRETARY, "Thiếu biên bản nghiệm thu")
    assert returned["text"] == plain(
        vi("chat-verify-returned-by-you", task="R20", org="HND", status="hoàn thành quá hạn",
           reason="Thiếu biên bản nghiệm thu")
    )  # fmt: skip
    told = _reply_after(api, HND, officer_before)
    assert told["text"] == plain(
        vi("chat-verify-returned", task="R20", title="5 mô hình tổ hợp tác",
           reason="Thiếu biên bản nghiệm thu")
    )  # fmt: skip
    assert _headline(api)[4] == after[4]

    with verified_db.read() as s:
        rows = s.exec(
            select(Task.code, Verification.status, Verification.reason)
            .join(Task, col(Task.id) == Verification.task_id)
            .order_by(col(Verification.id))
        ).all()
    assert [tuple(r) for r in rows] == [
        ("R19", "accepted", None),
        ("R20", "returned", "Thiếu biên bản nghiệm thu"),
    ]
    assert bot.poll() is None, "the bot is still running"
    assert api.errors == []
