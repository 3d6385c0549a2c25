"""Verification of completions in the chat, offline: an officer's /xong waits, the chair and
secretariat get it with Accept / Return, the headline moves only on acceptance, a return
carries its reason to the officer, and only leaders decide.

People come from the sample report log (900003 is CA's officer, 900007 HND's, 900100 the chair,
900101 the secretariat); the sample's plan has verification turned on, so its 30 completions
all wait. The clock is 14/06/2019 17:00 in Hòa Sơn.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.i18n import translator
from bot.render import render_issue
from storage.database import Database
from storage.documents import Issue, PlanDocument, ReportLog
from storage.models import AuditEntry, Task, Verification
from storage.operations import replay_log
from storage.plans import import_plan
from tests.bot.harness import Chat, Sent, chat_with
from tests.conftest import NOW

pytestmark = pytest.mark.anyio

vi, en = translator("vi"), translator("en")
CA, HND, CHAIR, SECRETARY = 900003, 900007, 900100, 900101
BEFORE = "Hoàn thành 0/9 nhiệm vụ chung, 0/37 nhiệm vụ đăng ký chủ trì."
AFTER = "Hoàn thành 0/9 nhiệm vụ chung, 1/37 nhiệm vụ đăng ký chủ trì."


@pytest.fixture
def verified_db(db: Database, sample_plan: PlanDocument, sample_log: ReportLog) -> Database:
    """The sample program with verification on and its report log replayed."""
    program = sample_plan.program.model_copy(update={"verification": True})
    with db.write() as s:
        import_plan(session=s, plan=sample_plan.model_copy(update={"program": program}),
                    actor="test", now=NOW)  # fmt: skip
        replay_log(session=s, log=sample_log, now=NOW)
    return db


async def headline(chat: Chat) -> str:
    return (await chat.say(CHAIR, "/tinhhinh")).text.split("\n")[4]


async def report_done(chat: Chat, officer: int, text: str) -> list[Sent]:
    """/xong read back, then Confirm: the officer's message and what the leaders were sent."""
    readback = await chat.say(officer, text)
    return await chat.press(officer, readback.find_button("Xác nhận"), readback)


def cards_for(sent: list[Sent], task: str) -> dict[int, Sent]:
    return {m.chat_id: m for m in sent if m.buttons and f"Chờ nghiệm thu: {task}" in m.text}


async def test_accepting_counts_the_task_done(verified_db: Database) -> None:
    """/xong → the officer is told it waits; chair and secretariat get the card with Accept /
    Return; /tinhhinh moves from 0/37 to 1/37 only once the chair accepts; the officer hears
    the outcome; the secretariat's later press says it was already decided."""
    async with chat_with(verified_db, NOW) as chat:
        assert await headline(chat) == BEFORE
        sent = await report_done(chat, CA, "/xong R09 10/6")
        assert sent[0].chat_id == CA
        assert sent[0].text.endswith(vi("chat-verify-waiting", task="R09"))
        cards = cards_for(sent, "R09")
        assert sorted(cards) == [CHAIR, SECRETARY]
        card = cards[CHAIR]
        assert "Hoàn thành ngày 10/06/2019 (báo ngày 14/06/2019), thời hạn 31/05/2019" in card.text
        accept, give_back = card.button_data()
        assert (accept, give_back) == (
            f"a:{accept.split(':')[1]}:ok",
            f"a:{accept.split(':')[1]}:rt",
        )
        assert await headline(chat) == BEFORE

        await chat.press(CA, accept, card)
        assert chat.last_answer()["text"] == vi("op-not_verifier")
        assert await headline(chat) == BEFORE

        decided = await chat.press(CHAIR, accept, card)
        assert [(m.chat_id, m.text) for m in decided] == [
            (CHAIR, vi("chat-verify-accepted-by-you", task="R09", org="CA",
                       status="hoàn thành quá hạn")),
            (CA, vi("chat-verify-accepted", task="R09", title="Tổ tự quản ANTT 20 khu dân cư",
                    decided="14/06/2019", status="hoàn thành quá hạn", completed="10/06/2019")),
        ]  # fmt: skip
        assert await headline(chat) == AFTER

        await chat.press(SECRETARY, cards[SECRETARY].button_data()[0], cards[SECRETARY])
        assert chat.last_answer()["text"] == vi(
            "chat-verify-already", task="R09", status="đã nghiệm thu", date="14/06/2019"
        )
        assert await headline(chat) == AFTER
    with verified_db.read() as s:
        actions = s.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "verification")
        ).all()
    assert list(actions) == ["accept_completion"]


async def test_returning_asks_the_reason_and_tells_the_officer(verified_db: Database) -> None:
    """Return asks the secretariat for the reason; the typed reason goes to HND's officer, the
    task stays open (the headline does not move) and HND may report it done again."""
    async with chat_with(verified_db, NOW) as chat:
        sent = await report_done(chat, HND, "/xong R19 12/6")
        card = cards_for(sent, "R19")[SECRETARY]
        prompt = await chat.press(SECRETARY, card.button_data()[1], card)
        assert prompt[-1].text == vi("chat-verify-reason-prompt", task="R19", org="HND")
        told = await chat.send(SECRETARY, "Thiếu biên bản giải ngân")
        assert [(m.chat_id, m.text) for m in told] == [
            (SECRETARY, vi("chat-verify-returned-by-you", task="R19", org="HND",
                           status="hoàn thành đúng hạn", reason="Thiếu biên bản giải ngân")),
            (HND, vi("chat-verify-returned", task="R19", title="Cho vay Quỹ hỗ trợ nông dân",
                     completed="12/06/2019", decided="14/06/2019",
                     status="hoàn thành đúng hạn", reason="Thiếu biên bản giải ngân")),
        ]  # fmt: skip
        assert await headline(chat) == BEFORE
        # Returned is decided: the chair's Accept on the same card changes nothing.
        await chat.press(CHAIR, cards_for(sent, "R19")[CHAIR].button_data()[0])
        assert chat.last_answer()["text"].startswith("Báo cáo hoàn thành nhiệm vụ R19 đã được")
        again = await report_done(chat, HND, "/xong R19 13/6")
        assert sorted(cards_for(again, "R19")) == [CHAIR, SECRETARY]
    with verified_db.read() as s:
        rows = s.exec(
            select(Verification.status, Verification.reason)
            .join(Task, col(Task.id) == Verification.task_id)
            .where(Task.code == "R19")
            .order_by(col(Verification.id))
        ).all()
    # The sample's own R19 completion gave way to the one reported in the chat.
    assert list(rows) == [
        ("superseded", None), ("returned", "Thiếu biên bản giải ngân"), ("pending", None),
    ]  # fmt: skip


async def test_duyet_lists_what_waits_to_leaders_only(verified_db: Database) -> None:
    """/duyet: the chair sees how many wait and the first five cards with their buttons; an
    officer is told only leaders verify; in English it is /verify."""
    async with chat_with(verified_db, NOW) as chat:
        sent = await chat.send(CHAIR, "/duyet")
        assert sent[0].text == vi("chat-verify-list", count=30, shown=5)
        codes = [m.text.split("Chờ nghiệm thu: ", 1)[1].split("</b>")[0] for m in sent[1:]]
        assert codes == ["R26", "R06", "R29", "CT02", "R01"]
        assert all(len(m.button_data()) == 2 for m in sent[1:])
        assert (await chat.say(CA, "/duyet")).text == vi("op-not_verifier")
        assert (await chat.say(CA, "/verify")).text == vi("op-not_verifier")


async def test_off_nothing_waits(sample_db: Database) -> None:
    """Verification off (the sample as is): /xong closes at once, nobody is asked, /duyet says
    the program does not verify."""
    async with chat_with(sample_db, NOW) as chat:
        sent = await report_done(chat, HND, "/xong R19 12/6")
        assert [m.chat_id for m in sent] == [HND]
        assert vi("chat-verify-waiting", task="R19") not in sent[0].text
        assert vi("chat-recorded-status", task="R19", status="hoàn thành đúng hạn",
                  deadline="30/06/2019") in sent[0].text  # fmt: skip
        assert (await chat.say(CHAIR, "/duyet")).text == vi("chat-verify-off", program="CTPH-2019")
    with sample_db.read() as s:
        assert s.exec(select(Verification)).all() == []


async def test_the_evidence_goes_with_the_card(verified_db: Database) -> None:
    """A photo sent as R09's evidence before /xong is counted on the card and sent to each
    decider right after it, with its caption."""
    async with chat_with(verified_db, NOW) as chat:
        await chat.deliver(chat.message_update(CA, photo=True, caption="R09 biên bản nghiệm thu"))
        sent = await report_done(chat, CA, "/xong R09")
        card = cards_for(sent, "R09")[CHAIR]
        assert vi("chat-verify-card-evidence", count=1) in card.text
        assert "Ghi chú" not in card.text
        photos = [p for name, p in chat.request.calls if name == "sendPhoto"]
        assert [(int(p["chat_id"]), p["photo"], p["caption"]) for p in photos] == [
            (who, "photo-1", vi("chat-verify-evidence-caption", task="R09", n=1, count=1))
            for who in (CHAIR, SECRETARY)
        ]


async def test_a_reason_typed_after_someone_else_decided(verified_db: Database) -> None:
    """The secretariat presses Return, the chair accepts meanwhile: the typed reason is
    answered with what was decided, changes nothing, and the step is over."""
    async with chat_with(verified_db, NOW) as chat:
        sent = await report_done(chat, CA, "/xong R09 10/6")
        cards = cards_for(sent, "R09")
        await chat.press(SECRETARY, cards[SECRETARY].button_data()[1], cards[SECRETARY])
        await chat.press(CHAIR, cards[CHAIR].button_data()[0], cards[CHAIR])
        late = await chat.say(SECRETARY, "Thiếu biên bản")
        assert late.text == vi(
            "chat-verify-already", task="R09", status="đã nghiệm thu", date="14/06/2019"
        )
        assert await headline(chat) == AFTER
        # The next line is a report again, read back as one.
        readback = await chat.say(SECRETARY, "R09 CA 20 mô hình")
        assert readback.find_button("Xác nhận")
    with verified_db.read() as s:
        rows = s.exec(
            select(Verification.status, Verification.reason)
            .join(Task, col(Task.id) == Verification.task_id)
            .where(Task.code == "R09")
        ).all()
    assert list(rows) == [("accepted", None)]


async def test_the_readback_says_the_completion_will_wait(verified_db: Database) -> None:
    """/xong's readback, before Confirm, ends with the notice that the completion will wait
    for acceptance when the program verifies (in English too)."""
    async with chat_with(verified_db, NOW) as chat:
        readback = await chat.say(CA, "/xong R09 10/6")
        assert readback.text.split("\n")[-2:] == [
            vi("chat-readback-date", date="14/06/2019"),
            vi("chat-verify-readback", task="R09"),
        ]
        assert readback.find_button("Xác nhận")
        await chat.say(CA, "/lang en")
        readback = await chat.say(CA, "/done R09 10/6")
        assert readback.text.split("\n")[-1] == en("chat-verify-readback", task="R09")


async def test_off_the_readback_has_no_notice(sample_db: Database) -> None:
    """Without verification, /xong's readback ends with the report's date as before."""
    async with chat_with(sample_db, NOW) as chat:
        readback = await chat.say(CA, "/xong R09 10/6")
        assert readback.text.split("\n")[-1] == vi("chat-readback-date", date="14/06/2019")


def marked(text: str) -> list[str]:
    """The codes of the tasks the work list marks as waiting for acceptance."""
    mark = vi("chat-task-awaiting", when="")
    return [x.split("<b>")[1].split("</b>")[0] for x in text.split("\n") if mark in x]


# On the first page of CA's /viec (overdue first, most days late first): the sample's
# completions that wait, of tasks CA leads or partners on.
WAITING_CA = ["CT02", "CT08", "R07", "R21", "CT01", "R08", "R03"]
WAITING_CA_R09 = ["CT02", "CT08", "R07", "R09", "R21", "CT01", "R08", "R03"]


async def test_the_work_list_marks_a_completion_waiting(verified_db: Database) -> None:
    """CA's /viec marks the tasks whose completion waits (the sample's, CT08 as a partner);
    R09 reported done is marked (still among the overdue); once the chair accepts it, it is
    listed done, without the mark."""
    r09_line = vi("chat-task-line", task="R09", title="Tổ tự quản ANTT 20 khu dân cư",
                  role="chủ trì", when="{}")  # fmt: skip
    async with chat_with(verified_db, NOW) as chat:
        before = (await chat.say(CA, "/viec")).text
        assert marked(before) == WAITING_CA
        sent = await report_done(chat, CA, "/xong R09 10/6")
        waiting = (await chat.say(CA, "/viec")).text
        assert marked(waiting) == WAITING_CA_R09
        overdue = vi("chat-task-overdue", due="31/05/2019", days=14)
        line = r09_line.format(vi("chat-task-awaiting", when=overdue))
        assert line == (
            "• <b>R09</b> Tổ tự quản ANTT 20 khu dân cư (chủ trì), hạn 31/05/2019,"
            " quá 14 ngày, ⏳ chờ nghiệm thu"
        )
        assert any(x.startswith(line + ";") for x in waiting.split("\n"))
        card = cards_for(sent, "R09")[CHAIR]
        await chat.press(CHAIR, card.button_data()[0], card)
        accepted = await chat.say(CA, "/viec")
        assert marked(accepted.text) == WAITING_CA
        assert "<b>R09</b>" not in accepted.text  # done: listed last, on the next page
        page_2 = await chat.press(CA, accepted.find_button(vi("chat-page-next")), accepted)
        done = r09_line.format(vi("chat-task-done", date="10/06/2019"))
        assert [x for x in page_2[-1].text.split("\n") if "<b>R09</b>" in x] == [
            done + "; 14 mô hình (chỉ tiêu 20)"
        ]


async def test_the_status_tells_leaders_how_many_wait(verified_db: Database) -> None:
    """The chair's /tinhhinh ends with how many completions wait (the sample's 30, then 31
    after R09's /xong, 30 once accepted); an officer's status has no such line."""
    async with chat_with(verified_db, NOW) as chat:
        status = (await chat.say(CHAIR, "/tinhhinh")).text
        assert status.split("\n")[-1] == vi("chat-status-awaiting", count=30)
        assert status.split("\n")[-2] == vi("chat-status-attention", overdue=25, upcoming=8)
        sent = await report_done(chat, CA, "/xong R09 10/6")
        status = (await chat.say(CHAIR, "/tinhhinh")).text
        assert status.split("\n")[-1] == vi("chat-status-awaiting", count=31)
        card = cards_for(sent, "R09")[SECRETARY]
        await chat.press(SECRETARY, card.button_data()[0], card)
        status = (await chat.say(SECRETARY, "/tinhhinh")).text
        assert status.split("\n")[-1] == vi("chat-status-awaiting", count=30)
        assert status.split("\n")[4] == AFTER
        assert "nghiệm thu" not in (await chat.say(CA, "/tinhhinh")).text


def test_a_refused_logged_acceptance_is_said_with_its_place() -> None:
    """`phoihop replay`'s message for an acceptance dated before its report names the entry,
    the field and both dates, in Vietnamese and English."""
    dates = {"task": "R09", "date": "2019-06-09", "reported": "2019-06-10"}
    issue = Issue("reports", "accepted_before_report", row=3, key="R09", field="accepted",
                  params=dates)  # fmt: skip
    assert render_issue(issue, vi, source="log") == (
        "• mục «reports» phần tử thứ 3 (R09) trường «accepted»: "
        "Nhiệm vụ R09: ngày nghiệm thu 2019-06-09 trước ngày báo cáo 2019-06-10."
    )
    assert render_issue(issue, en, source="log").endswith(
        "Task R09: accepted on 2019-06-09, before the report of 2019-06-10."
    )
