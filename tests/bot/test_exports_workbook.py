"""The status workbook of the sample: the sample's exact figures where a secretary looks."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.exports.status_workbook import write_status_workbook
from bot.i18n import translator
from storage.database import Database
from storage.registers import RegisterTask, TaskRegister, task_register
from storage.rules import Status
from storage.summaries import ProgramStatus, program_status

from ..conftest import SAMPLE_AS_OF

PROGRAM = "CTPH-2019"
ORG_FIGURES = {
    "BDVTU": "3/3", "BCHQS": "2/3", "CA": "2/3", "MTTQ": "1/3", "TD": "2/3", "HLHPN": "2/3",
    "HND": "2/3", "HCCB": "1/2", "LDLD": "2/2", "BDBP": "1/2", "HCTD": "2/2", "BTGTU": "1/2",
    "SLDTBXH": "1/2", "HNCT": "1/2", "DPTTH": "1/2",
}  # fmt: skip


def workbook_of(db: Database, lang: str = "vi", org: str | None = None) -> Any:
    with db.read() as session:
        status = program_status(
            session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF, org_code=org
        )
        register = task_register(
            session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF, org_code=org
        )
    stream = io.BytesIO()
    write_status_workbook(status, register, translator(lang), stream)
    stream.seek(0)
    return openpyxl.load_workbook(stream)


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]


def table(sheet: Any, header_row: int = 1) -> list[dict[str, Any]]:
    """The rows under the header row as dicts by header."""
    all_rows = list(sheet.iter_rows(values_only=True))
    header = all_rows[header_row - 1]
    return [
        dict(zip(header, r, strict=False))
        for r in all_rows[header_row:]
        if any(v is not None for v in r)
    ]


@pytest.fixture
def book(sample_db: Database) -> Any:
    return workbook_of(sample_db)


def test_sheets(book: Any) -> None:
    """Summary, all tasks, one sheet per organization in plan order, indicators."""
    assert book.sheetnames == [
        "Tổng hợp", "Danh mục nhiệm vụ", *ORG_FIGURES, "Chỉ tiêu theo cơ quan",
    ]  # fmt: skip


def test_summary_headline_split_and_organizations(book: Any) -> None:
    summary = rows(book["Tổng hợp"])
    texts = [r[0] for r in summary]
    assert "Tính đến ngày 14/06/2019" in texts
    assert "Hoàn thành 6/9 nhiệm vụ chung, 24/37 nhiệm vụ đăng ký chủ trì." in texts
    by_kind = {
        r[0]: r[1:8] for r in summary if r[0] in ("Nhiệm vụ chung", "Nhiệm vụ đăng ký chủ trì")
    }
    assert by_kind["Nhiệm vụ chung"] == ("6/9", 9, 5, 1, 2, 1, "6/7 (85,7%)")
    assert by_kind["Nhiệm vụ đăng ký chủ trì"] == ("24/37", 37, 22, 2, 10, 3, "24/27 (88,9%)")
    per_org = {r[0]: r[1] for r in summary if r[0] in ORG_FIGURES}
    assert per_org == ORG_FIGURES
    overdue = {r[0]: (r[1], r[3]) for r in summary if r[0] in ("CT09", "R09", "R27", "R33")}
    assert overdue == {
        "CT09": ("BDVTU", 14), "R09": ("CA", 14), "R27": ("BDBP", 14), "R33": ("SLDTBXH", 14),
    }  # fmt: skip
    assert "Nhiệm vụ quá hạn chưa hoàn thành (4)" in texts
    totals = {r[0]: r[1] for r in summary if r[2] in ("ngôi nhà", "hội nghị")}
    assert totals == {"NHA": 210, "HN": 163}


def test_all_tasks_sheet(book: Any) -> None:
    sheet = book["Danh mục nhiệm vụ"]
    tasks = {r["Mã"]: r for r in table(sheet)}
    assert len(tasks) == 46
    ct04 = tasks["CT04"]
    assert ct04["STT"] == 4
    assert ct04["Kết quả"] == "210 ngôi nhà; 7.050 triệu đồng"
    assert ct04["Chỉ tiêu giao"] == "200 ngôi nhà"
    assert ct04["Chủ trì"] == "MTTQ"
    assert ct04["Tình trạng"] == "hoàn thành đúng hạn"
    assert tasks["CT01"]["Kết quả"] == "163 hội nghị; 44.850 lượt người"
    assert tasks["CT06"]["Kết quả"] == "20.115 suất quà; 5.120 triệu đồng"
    assert tasks["CT01"]["Phối hợp"] == "Tất cả cơ quan thành viên"
    overdue = {
        c: r["Số ngày quá hạn"]
        for c, r in tasks.items()
        if r["Tình trạng"] == "quá hạn chưa hoàn thành"
    }
    assert overdue == {"CT09": 14, "R09": 14, "R27": 14, "R33": 14}
    assert tasks["CT09"]["Thời hạn"].date() == date(2019, 5, 31)
    late = sorted(c for c, r in tasks.items() if r["Tình trạng"] == "hoàn thành quá hạn")
    assert late == ["CT08", "R16", "R32"]
    assert tasks["CT08"]["Ngày hoàn thành"].date() == date(2019, 4, 10)
    assert sheet["G2"].number_format == "DD/MM/YYYY"


def test_organization_sheets(book: Any) -> None:
    """Each organization's sheet: the tasks it leads or partners on, with its own figures."""
    for org, figures in ORG_FIGURES.items():
        mine = table(book[org], header_row=2)
        led = [r for r in mine if r["Vai trò"] == "Chủ trì" and r["Mã"].startswith("R")]
        done = sum(1 for r in led if r["Tình trạng"].startswith("hoàn thành"))
        assert f"{done}/{len(led)}" == figures, org
    hnd = {r["Mã"]: r for r in table(book["HND"], header_row=2)}
    assert hnd["CT01"]["Vai trò"] == "Phối hợp"
    assert hnd["CT01"]["Số liệu của cơ quan"] == "22 hội nghị; 6.150 lượt người"
    assert hnd["CT05"]["Vai trò"] == "Chủ trì"
    assert hnd["CT03"]["Vai trò"] == "Phối hợp"  # named partner, nothing reported yet
    assert "CT07" not in hnd  # open to all, and HND has reported nothing on it


def test_indicators_sheet(book: Any) -> None:
    lines = table(book["Chỉ tiêu theo cơ quan"])
    ct04 = {r["Đơn vị tính"]: r for r in lines if r["Mã nhiệm vụ"] == "CT04"}
    assert ct04["ngôi nhà"]["Tổng kết quả"] == 210
    assert ct04["ngôi nhà"]["Chỉ tiêu giao"] == 200
    assert ct04["triệu đồng"]["Tổng kết quả"] == 7050
    assert ct04["triệu đồng"]["MTTQ"] == 4200
    parts = [v for k, v in ct04["ngôi nhà"].items() if k in ORG_FIGURES and v is not None]
    assert sum(parts) == 210
    assert book["Chỉ tiêu theo cơ quan"]["F2"].number_format == "#,##0"


def test_print_setup(book: Any) -> None:
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1
    assert book["Danh mục nhiệm vụ"].print_title_rows == "$1:$1"
    assert book["HND"].print_title_rows == "$2:$2"


def test_english_and_organization_view(sample_db: Database, tmp_path: Path) -> None:
    """The same workbook in English; an organization's view has only its own sheet."""
    book = workbook_of(sample_db, "en")
    assert book.sheetnames[:2] == ["Summary", "Tasks"]
    tasks = {r["Code"]: r for r in table(book["Tasks"])}
    assert tasks["CT04"]["Results"] == "210 ngôi nhà; 7,050 triệu đồng"
    view = workbook_of(sample_db, "vi", org="HND")
    assert view.sheetnames == ["Tổng hợp", "Danh mục nhiệm vụ", "HND", "Chỉ tiêu theo cơ quan"]
    assert all(r["Mã"] for r in table(view["Danh mục nhiệm vụ"]))
    assert date(2019, 6, 14)  # as-of date of the view


def test_text_is_escaped_and_sheet_names_valid(tmp_path: Path) -> None:
    """Titles with XML's special characters survive; organization codes that are not valid
    sheet names are made valid and unique."""
    task = RegisterTask(
        number=1, code="X1", kind="registered", title='A & B <c> "d"\x07', lead="A/B",
        partners=("C",), partners_all=False, original_due=None, deadline=date(2019, 12, 31),
        due=date(2019, 12, 31), status=Status.IN_PROGRESS, done_on=None, days_late=0,
        counts_toward=None, indicators=(),
    )  # fmt: skip
    register = TaskRegister(
        program="P", title="T & U", as_of=date(2019, 6, 14), org=None,
        organizations=(("A/B", "a"), ("A-B", "b"), ("Tổng hợp", "c")), tasks=[task],
    )  # fmt: skip
    status = ProgramStatus(
        program="P", title="T & U", timezone="Asia/Ho_Chi_Minh", as_of=date(2019, 6, 14),
        org=None, kinds={}, organizations=[], overdue=[], upcoming=[], task_totals=[],
        program_totals=[],
    )  # fmt: skip
    path = tmp_path / "x.xlsx"
    write_status_workbook(status, register, translator("vi"), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Tổng hợp", "Danh mục nhiệm vụ", "A-B", "A-B (2)", "Tổng hợp (2)", "Chỉ tiêu theo cơ quan",
    ]  # fmt: skip
    row = table(book["Danh mục nhiệm vụ"])[0]
    assert row["Nội dung nhiệm vụ"] == 'A & B <c> "d"'
    assert row["Thời hạn"] == "Thường xuyên"
    assert table(book["A-B"], header_row=2)[0]["Mã"] == "X1"


def test_summary_with_cut_lists(sample_db: Database) -> None:
    """Given a status whose lists are cut (as the chat asks for them), the summary says how
    many overdue tasks are left out and where they all are; the tasks sheet has them all."""
    with sample_db.read() as session:
        status = program_status(session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF, limit=2)
        register = task_register(session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
    stream = io.BytesIO()
    write_status_workbook(status, register, translator("vi"), stream)
    book = openpyxl.load_workbook(stream)
    texts = [r[0] for r in rows(book["Tổng hợp"])]
    assert "Nhiệm vụ quá hạn chưa hoàn thành (4)" in texts
    assert "… và 2 nhiệm vụ quá hạn khác: xem trang «Danh mục nhiệm vụ»." in texts
    overdue = [r for r in table(book["Danh mục nhiệm vụ"]) if r["Số ngày quá hạn"] == 14]
    assert len(overdue) == 4
