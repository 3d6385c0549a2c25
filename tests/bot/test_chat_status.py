"""/tinhhinh and /quahan in the chat: the chair's summary fitted to a phone with drill-down
buttons, an officer's own view, counts only in the group, and who may see what."""

from __future__ import annotations

import io

import pytest

from bot.i18n import translator
from storage.database import Database
from tests.bot.harness import chat_with
from tests.conftest import NOW

pytestmark = pytest.mark.anyio
vi = translator("vi")
CA, CHAIR, SECRETARY, GROUP = 900003, 900100, 900101, -100200300
HEADLINE = "Hoàn thành 6/9 nhiệm vụ chung, 24/37 nhiệm vụ đăng ký chủ trì."


async def test_the_chair_gets_the_brief_summary_with_buttons(sample_db: Database) -> None:
    """The worked example's headline and four-way split, and a button per section."""
    async with chat_with(sample_db, NOW) as chat:
        reply = await chat.say(CHAIR, "/tinhhinh")
    lines = reply.text.split("\n")
    assert lines[2:5] == ["Tính đến ngày 14/06/2019", "", HEADLINE]
    assert "• quá hạn chưa hoàn thành: 3 (R09, R27, R33)" in lines
    assert "• tỷ lệ hoàn thành trên số nhiệm vụ đã đến hạn: 24/27 (88,9%)" in lines
    assert lines[-1] == vi("chat-status-attention", overdue=4, upcoming=0)
    periods = ["q:1", "q:2"]
    assert reply.button_data() == [*(f"s:{s}:20190614" for s in "ouig"), *periods]


async def test_drill_down_sections(sample_db: Database) -> None:
    """Overdue with days late, indicators with CT04's totals, organizations' x/y."""
    async with chat_with(sample_db, NOW) as chat:
        brief = await chat.say(CHAIR, "/tinhhinh")
        overdue = (await chat.press(CHAIR, "s:o:20190614", brief))[-1].text.split("\n")
        totals = (await chat.press(CHAIR, "s:i:20190614", brief))[-1].text
        orgs = (await chat.press(CHAIR, "s:g:20190614", brief))[-1].text.split("\n")
    assert overdue == [
        "Tính đến ngày 14/06/2019",
        "Quá hạn chưa hoàn thành (4):",
        "• CT09 (BDVTU), hạn 31/05/2019, quá 14 ngày: Kiểm tra BCĐ huyện Minh Giang, An Lạc",
        "• R09 (CA), hạn 31/05/2019, quá 14 ngày: Tổ tự quản ANTT 20 khu dân cư",
        "• R27 (BDBP), hạn 31/05/2019, quá 14 ngày: Khám, cấp thuốc miễn phí",
        "• R33 (SLDTBXH), hạn 31/05/2019, quá 14 ngày: Việc làm cho quân nhân xuất ngũ",
    ]
    ct04 = "CT04 Xây, sửa nhà hộ nghèo, gia đình chính sách: 210 ngôi nhà (chỉ tiêu 200), "
    assert f"• {ct04}7.050 triệu đồng" in totals.split("\n")
    assert "• HND: 2/3" in orgs and "• CA: 2/3 · quá hạn: R09" in orgs


async def test_another_date_period_or_organization(sample_db: Database) -> None:
    """/tinhhinh 31/3, /tinhhinh 6T-2019 (its end, not after today), /tinhhinh HND."""
    async with chat_with(sample_db, NOW) as chat:
        march = await chat.say(CHAIR, "/tinhhinh 31/3")
        period = await chat.say(CHAIR, "/tinhhinh 6t-2019")
        hnd = await chat.say(CHAIR, "/tinhhinh HND")
        bad = await chat.say(CHAIR, "/tinhhinh abc")
    assert "Hoàn thành 1/9 nhiệm vụ chung, 7/37 nhiệm vụ đăng ký chủ trì." in march.text
    assert "Tính đến ngày 14/06/2019" in period.text
    assert "Phần việc của HND (Hội Nông dân tỉnh)" in hnd.text
    assert bad.text == vi("chat-status-usage")


async def test_an_officer_sees_the_headline_and_their_own_organization(
    sample_db: Database,
) -> None:
    """An officer: program headline, their organization's view; not another's, no buttons."""
    async with chat_with(sample_db, NOW) as chat:
        mine = await chat.say(CA, "/tinhhinh")
        other = await chat.say(CA, "/tinhhinh HND")
        overdue = await chat.say(CA, "/quahan")
        await chat.press(CA, "s:g:20190614", mine)
        refused = chat.last_answer()["text"]
    assert HEADLINE in mine.text and "Phần việc của CA (Công an tỉnh)" in mine.text
    assert mine.buttons == []
    assert other.text == vi("chat-status-own-org-only", org="CA")
    assert overdue.text.split("\n")[1:] == [
        "Quá hạn chưa hoàn thành (1):",
        "• R09 (CA), hạn 31/05/2019, quá 14 ngày: Tổ tự quản ANTT 20 khu dân cư",
    ]
    assert refused == vi("chat-status-not-allowed")


async def test_the_group_gets_counts_only(sample_db: Database) -> None:
    """In the committee's group: the headline and the number overdue, no task or figure."""
    async with chat_with(sample_db, NOW) as chat:
        status = await chat.say(CHAIR, "/tinhhinh", chat_id=GROUP)
        overdue = await chat.say(CA, "/quahan", chat_id=GROUP)
        await chat.press(CHAIR, "s:o:20190614", status)
        refused = chat.last_answer()["text"]
    assert status.text.split("\n")[-1] == HEADLINE
    assert "R09" not in status.text and status.buttons == []
    assert overdue.text == vi("chat-status-overdue-count", count=4)
    assert refused == vi("chat-status-not-allowed")


async def test_strangers_only_learn_how_to_join(sample_db: Database) -> None:
    """Nobody unbound sees any figure."""
    async with chat_with(sample_db, NOW) as chat:
        for text in ("/tinhhinh", "/quahan", "/status", "/overdue"):
            assert (await chat.say(555, text)).text == vi("chat-join-how")


async def test_the_chair_gets_the_three_documents_as_files(sample_db: Database) -> None:
    """/xuat sends the status workbook, the review draft and the chart, as of today or a date;
    each holds the sample's figures."""
    import docx
    import openpyxl

    async with chat_with(sample_db, NOW) as chat:
        sent = await chat.send(CHAIR, "/xuat")
        only = await chat.send(SECRETARY, "/export png 31/3")
        bad = await chat.say(CHAIR, "/xuat abc")
    assert [m.text for m in sent] == [
        vi("chat-export-status", date="14/06/2019"),
        vi("chat-export-review", date="14/06/2019"),
        vi("chat-export-chart", date="14/06/2019"),
    ]
    files = {name: data for chat_id, name, data in chat.request.files if chat_id == CHAIR}
    assert sorted(files) == [
        "bao-cao_CTPH-2019_2019-06-14.docx",
        "bieu-do_CTPH-2019_2019-06-14.png",
        "tinh-hinh_CTPH-2019_2019-06-14.xlsx",
    ]
    book = openpyxl.load_workbook(io.BytesIO(files["tinh-hinh_CTPH-2019_2019-06-14.xlsx"]))
    cells = {
        str(c)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    assert any("24/37" in c for c in cells)
    review = docx.Document(io.BytesIO(files["bao-cao_CTPH-2019_2019-06-14.docx"]))
    assert "24/37" in "\n".join(p.text for p in review.paragraphs)
    assert [m.text for m in only] == [vi("chat-export-chart", date="31/03/2019")]
    assert bad.text == vi("chat-export-usage")


async def test_officers_and_the_group_get_no_export(sample_db: Database) -> None:
    """An officer cannot get the whole program's documents, nor can the group."""
    async with chat_with(sample_db, NOW) as chat:
        officer = await chat.send(CA, "/xuat")
        group = await chat.send(CHAIR, "/xuat", chat_id=GROUP)
    assert [m.text for m in officer] == [vi("chat-export-not-allowed")]
    assert [m.text for m in group] == [vi("chat-export-not-allowed")]
    assert chat.request.files == []


async def test_one_organization_and_another_period_by_buttons(sample_db: Database) -> None:
    """From the organizations' list, an organization's view; a period's button, the status at
    its end (not after today)."""
    async with chat_with(sample_db, NOW) as chat:
        brief = await chat.say(CHAIR, "/tinhhinh")
        orgs = (await chat.press(CHAIR, "s:g:20190614", brief))[-1]
        hnd = orgs.find_button("HND")
        assert hnd.startswith("w:") and hnd.endswith(":20190614")
        view = (await chat.press(CHAIR, hnd, orgs))[-1]
        period = (await chat.press(CHAIR, brief.find_button("6T-2019"), brief))[-1]
        await chat.press(CA, hnd, orgs)
        refused = chat.last_answer()["text"]
    assert "Phần việc của HND (Hội Nông dân tỉnh)" in view.text
    assert (
        "• CT05 Chuyển giao KHKT trồng trọt, chăn nuôi: 420 buổi, 33.000 lượt người" in view.text
    )
    assert "Tính đến ngày 14/06/2019" in period.text and HEADLINE in period.text
    assert refused == vi("chat-status-not-allowed")
