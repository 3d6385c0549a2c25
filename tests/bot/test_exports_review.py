"""The review report draft (.docx) of the sample, opened with python-docx: the sample's exact
figures where they belong, the heading, the appendix."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from sqlmodel import select

from bot.exports.review import build_review, write_review
from bot.i18n import Translator, translator
from storage.database import Database
from storage.models import Program, Task
from storage.operations import record_difficulty
from storage.review import review_facts
from storage.summaries import program_status
from tests.conftest import NOW, SAMPLE_AS_OF

PROGRAM = "CTPH-2019"
PER_LEAD = {
    "BDVTU": "3/3", "BCHQS": "2/3", "CA": "2/3", "MTTQ": "1/3", "TD": "2/3", "HLHPN": "2/3",
    "HND": "2/3", "HCCB": "1/2", "LDLD": "2/2", "BDBP": "1/2", "HCTD": "2/2", "BTGTU": "1/2",
    "SLDTBXH": "1/2", "HNCT": "1/2", "DPTTH": "1/2",
}  # fmt: skip
DIFFICULTY = "Thiếu kinh phí tổ chức hội nghị ở cơ sở"


def review_doc(db: Database, lang: str = "vi", as_of: date = SAMPLE_AS_OF) -> DocxDocument:
    stream = io.BytesIO()
    with db.read() as session:
        build_review(
            session=session, program_code=PROGRAM, as_of=as_of, t=translator(lang),
            path_or_stream=stream,
        )  # fmt: skip
    stream.seek(0)
    return Document(stream)


def paragraphs(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


def section(texts: list[str], start: str, end: str) -> list[str]:
    """The paragraphs from the one starting with `start` to the one starting with `end`."""
    first = next(n for n, x in enumerate(texts) if x.startswith(start))
    last = next(n for n, x in enumerate(texts) if x.startswith(end) and n > first)
    return texts[first:last]


@pytest.fixture
def sample_with_difficulty(sample_db: Database) -> Database:
    with sample_db.write() as s:
        record_difficulty(
            session=s, program_code=PROGRAM, org_code="HND", text=DIFFICULTY,
            raised_on=date(2019, 6, 5), source_key="test:difficulty", now=NOW,
        )  # fmt: skip
    return sample_db


def test_heading_in_party_form(sample_db: Database) -> None:
    """Issuing body in capitals, *, number; the Party's name underlined, place and date in
    words; BÁO CÁO and the subject; A4 in Times New Roman."""
    doc = review_doc(sample_db)
    heading = doc.tables[0]
    left, right = (cell.text for cell in heading.rows[0].cells)
    assert left.splitlines() == [
        "TỈNH ỦY HÒA SƠN",
        "BAN CHỈ ĐẠO PHỐI HỢP HOẠT ĐỘNG VẬN ĐỘNG QUẦN CHÚNG XD&BV TỔ QUỐC TỈNH",
        "*",
        "Số      -BC/BCĐ",
    ]
    assert right.splitlines() == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hòa Sơn, ngày 14 tháng 6 năm 2019"]
    party = heading.rows[0].cells[1].paragraphs[0].runs[0]
    assert party.underline and party.bold
    texts = paragraphs(doc)
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == (
        "Sơ kết 6 tháng đầu năm 2019 thực hiện "
        "Chương trình phối hợp hoạt động vận động quần chúng năm 2019"
    )
    first = doc.sections[0]
    assert first.page_width is not None and first.page_height is not None
    assert (round(first.page_width.cm, 1), round(first.page_height.cm, 1)) == (21.0, 29.7)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 14
    signature = doc.tables[1].rows[0].cells
    assert signature[0].text.startswith("Nơi nhận:")
    assert signature[1].text.splitlines()[:2] == ["T/M BAN CHỈ ĐẠO", "TRƯỞNG BAN"]


def test_state_form(sample_db: Database) -> None:
    """A State body's committee gets the national title and motto instead."""
    with sample_db.write() as s:
        program = s.exec(select(Program).where(Program.code == PROGRAM)).one()
        program.document_form = "state"
        s.add(program)
    doc = review_doc(sample_db)
    left, right = (cell.text for cell in doc.tables[0].rows[0].cells)
    assert left.splitlines()[0] == "UBND TỈNH HÒA SƠN" and "*" not in left.splitlines()
    assert right.splitlines()[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]


def test_results_section_has_the_sample_figures(sample_db: Database) -> None:
    """II: 6/9 and 24/37 in the government's sentence, the four-way split with the due-rate,
    CT04's 210 ngôi nhà and 7.050 triệu đồng, and each organization's x/y."""
    texts = section(paragraphs(review_doc(sample_db)), "II.", "III.")
    assert texts[1] == (
        "Tính đến ngày 14-6-2019, thành viên Ban Chỉ đạo đã chỉ đạo thực hiện và hoàn thành "
        "6/9 nhiệm vụ chung, 24/37 nhiệm vụ do các cơ quan thành viên đăng ký chủ trì."
    )
    joined = "\n".join(texts)
    assert (
        "Nhiệm vụ chung: 5 nhiệm vụ hoàn thành đúng hạn; 1 nhiệm vụ hoàn thành quá hạn (CT08); "
        "2 nhiệm vụ đang thực hiện trong hạn; 1 nhiệm vụ quá hạn chưa hoàn thành (CT09). "
        "Tỷ lệ hoàn thành trên số nhiệm vụ đã đến hạn: 6/7 (85,7%)."
    ) in texts
    assert "(R09, R27, R33)" in joined and "24/27 (88,9%)" in joined
    ct04 = next(x for x in texts if x.startswith("- CT04 "))
    assert "210 ngôi nhà" in ct04 and "7.050 triệu đồng" in ct04
    assert "163 hội nghị" in joined and "44.850 lượt người" in joined
    assert "20.115 suất quà" in joined and "5.120 triệu đồng" in joined
    got = {}
    for line in texts:
        match = re.match(r"- .* \((\w+)\): hoàn thành (\d+/\d+) nhiệm vụ", line)
        if match:
            got[match.group(1)] = match.group(2)
    assert got == PER_LEAD


def test_assessment_lists_overdue_and_difficulties(sample_with_difficulty: Database) -> None:
    """III: the four overdue tasks with 14 days late, and the difficulty an officer raised."""
    texts = section(paragraphs(review_doc(sample_with_difficulty)), "III.", "IV.")
    overdue = [x for x in texts if "quá hạn 14 ngày" in x]
    assert [x.split()[1] for x in overdue] == ["CT09", "R09", "R27", "R33"]
    assert "Còn 4 nhiệm vụ quá hạn chưa hoàn thành:" in texts
    assert "- CT09 Kiểm tra BCĐ huyện Minh Giang, An Lạc (BDVTU chủ trì): hạn 31-5-2019, " \
        "quá hạn 14 ngày." in texts  # fmt: skip
    assert f"- Hội Nông dân tỉnh: {DIFFICULTY}" in texts


def test_directions_list_the_next_period_tasks(sample_db: Database) -> None:
    """IV: the next period's name and its tasks with their deadlines as Party texts write them."""
    texts = section(paragraphs(review_doc(sample_db)), "IV.", "V.")
    assert texts[0] == "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM NĂM 2019"
    assert "- CT03 Giúp 1 huyện, 12 xã đạt chuẩn NTM (MTTQ chủ trì, hạn 15-12-2019)." in texts
    assert sum(x.startswith("- ") for x in texts) == 12


def test_appendix_table(sample_db: Database) -> None:
    """The landscape appendix: a header and one row per task (9 common + 37 registered; the
    sample has no focus tasks), with lead, partners, deadline, figures and status."""
    doc = review_doc(sample_db)
    assert doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    table = doc.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == [
        "STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Chỉ tiêu/Kết quả", "Tình trạng",
    ]  # fmt: skip
    assert len(rows) == 47
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 47)]
    by_code = {r[1].split(".")[0]: r for r in rows[1:]}
    assert by_code["CT01"][3] == "tất cả"
    assert by_code["CT04"][1:5] == [
        "CT04. Xây, sửa nhà hộ nghèo, gia đình chính sách", "MTTQ",
        "LDLD, HCTD, BCHQS, TD, HLHPN", "31/05/2019",
    ]  # fmt: skip
    assert by_code["CT04"][5].splitlines() == [
        "Chỉ tiêu 200, đạt 210 ngôi nhà",
        "Đạt 7.050 triệu đồng",
    ]
    assert by_code["CT04"][6] == "Hoàn thành đúng hạn"
    assert by_code["CT08"][6] == "Hoàn thành quá hạn"
    assert by_code["CT03"][6] == "Đang thực hiện trong hạn"
    overdue = {code for code, r in by_code.items() if r[6] == "Quá hạn chưa hoàn thành (14 ngày)"}
    assert overdue == {"CT09", "R09", "R27", "R33"}


def test_english_catalog_and_stream_or_path(sample_db: Database, tmp_path: Path) -> None:
    """The same document in English, written to a path."""
    t: Translator = translator("en")
    path = tmp_path / "review.docx"
    with sample_db.read() as session:
        status = program_status(session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
        facts = review_facts(session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
    write_review(status, facts, t, path)
    doc = Document(str(path))
    texts = paragraphs(doc)
    assert "REPORT" in texts
    assert any("6/9 common tasks, 24/37 tasks registered by member organizations" in x
               for x in texts)  # fmt: skip
    assert len(doc.tables[-1].rows) == 47
    assert doc.tables[0].rows[0].cells[1].text.startswith("COMMUNIST PARTY OF VIETNAM")


def test_titles_are_escaped(sample_db: Database) -> None:
    """Characters XML reserves (and ones it cannot hold) in a title do not break the file."""
    with sample_db.write() as s:
        task = s.exec(select(Task).where(Task.code == "R01")).one()
        task.title = 'Thi đua <Dân vận khéo> & "tốt"\x07'
        s.add(task)
    rows = review_doc(sample_db).tables[-1].rows
    r01 = next(r for r in rows if r.cells[1].text.startswith("R01."))
    assert r01.cells[1].text == 'R01. Thi đua <Dân vận khéo> & "tốt"'
