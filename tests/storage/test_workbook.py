"""The plan workbook: written with Vietnamese sheets and headers, read back equal, and every
problem of an edited workbook reported as an exact `Issue` at its sheet, Excel row and column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from config.settings import SAMPLE_PLAN
from storage.documents import (
    CommitteeSpec,
    DocumentError,
    IndicatorSpec,
    Issue,
    OrganizationSpec,
    PeriodSpec,
    PlanDocument,
    ProgramSpec,
    TaskSpec,
    load_plan,
)
from storage.workbook import read_plan_workbook, write_plan_workbook

TASK_HEADERS = [
    "Mã",
    "Loại",
    "Nội dung nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Thời hạn",
    "Chỉ tiêu",
    "Tính vào",
    "Kỳ",
    "Lĩnh vực",
]
# Excel rows of the sample's tasks: the header is row 1, and the 9 common tasks come first.
CT01_ROW, CT02_ROW, CT04_ROW, R01_ROW, R09_ROW = 2, 3, 5, 11, 19
TASK_COLUMN = {header: index for index, header in enumerate(TASK_HEADERS, start=1)}

Book = Any  # openpyxl ships no type information


def excel_day(year: int, month: int, day: int) -> dt.datetime:
    """What openpyxl reads from a date cell: a naive datetime at midnight (Excel has no zone)."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time())


@pytest.fixture(scope="module")
def sample() -> PlanDocument:
    """The bundled sample plan."""
    return load_plan(SAMPLE_PLAN)


@pytest.fixture
def sample_book(sample: PlanDocument, tmp_path: Path) -> Path:
    """The sample plan written as a workbook of its own for each test."""
    path = tmp_path / "plan.xlsx"
    write_plan_workbook(sample, path)
    return path


def edit(path: Path, change: Callable[[Book], None]) -> Path:
    """Change a written workbook the way a secretary would in Excel, and save it."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def set_task_cell(row: int, header: str, value: object) -> Callable[[Book], None]:
    def change(book: Book) -> None:
        book["Nhiệm vụ"].cell(row=row, column=TASK_COLUMN[header]).value = value

    return change


def issues_of(path: Path) -> list[Issue]:
    with pytest.raises(DocumentError) as caught:
        read_plan_workbook(path)
    return caught.value.issues


def edge_plan(*, reminders: dict[str, Any] | None) -> PlanDocument:
    """A small plan holding every optional and unusual value a plan may have."""
    return PlanDocument(
        program=ProgramSpec(
            code="BT-2020",
            title="Chương trình phối hợp biên giới",
            start=dt.date(2020, 1, 1),
            end=dt.date(2020, 12, 31),
            language="en",
            document_form="state",
        ),
        committee=CommitteeSpec(
            name="Ban Chỉ đạo", standing_org="A", chair_org="A", vice_chair_orgs=("B", "C")
        ),
        organizations=(
            OrganizationSpec(code="A", name="Cơ quan A"),
            OrganizationSpec(code="B", name="Cơ quan B"),
            OrganizationSpec(code="C", name="Cơ quan C"),
            OrganizationSpec(code="2020", name="Mã chỉ có chữ số"),
        ),
        indicators=(
            IndicatorSpec(code="KM", unit="km", kind="length"),
            IndicatorSpec(code="TIEN", unit="triệu đồng", kind="money"),
        ),
        periods=(
            PeriodSpec(
                code="Q1", name="Quý I", start=dt.date(2020, 1, 1), end=dt.date(2020, 3, 31)
            ),
        ),
        tasks=(
            TaskSpec(code="T1", kind="common", title="Tất cả cùng làm", lead="A", partners="all"),
            TaskSpec(
                code="T2",
                kind="focus",
                title="=Tiêu đề bắt đầu bằng dấu bằng\nvà xuống dòng",
                lead="B",
                due=dt.date(2020, 2, 29),
                targets={"KM": Decimal("2.5"), "TIEN": Decimal("1234567.25")},
                period="Q1",
                content_area="Kinh tế",
            ),
            TaskSpec(
                code="T3",
                kind="registered",
                title="Tính vào T2",
                lead="2020",
                partners=("A", "C"),
                due=dt.date(2020, 3, 1),
                targets={"TIEN": Decimal(1000000)},
                counts_toward="T2",
            ),
        ),
        reminders=reminders,
    )


# --- writing and reading back --------------------------------------------------------------------


def test_the_sample_plan_round_trips(sample: PlanDocument, sample_book: Path) -> None:
    """Reading the written sample gives back exactly the plan that was written."""
    assert read_plan_workbook(sample_book) == sample


@pytest.mark.parametrize(
    "reminders",
    [None, {}, {"deadline_days": [7, 3, 1], "working_hours": "07:30-17:00", "digest_weekday": 0}],
)
def test_unusual_values_round_trip(tmp_path: Path, reminders: dict[str, Any] | None) -> None:
    """Partners all or none, ongoing tasks, decimal and large targets, counts_toward, period,
    content area, several vice chairs, empty optional program fields and reminder settings
    (present or absent) all survive a round trip."""
    plan = edge_plan(reminders=reminders)
    path = tmp_path / "edge.xlsx"
    write_plan_workbook(plan, path)
    assert read_plan_workbook(path) == plan
    book = openpyxl.load_workbook(path)
    assert ("Nhắc việc" in book.sheetnames) is (reminders is not None)


def test_sheets_and_task_headers(sample_book: Path) -> None:
    """The workbook has the Vietnamese sheets in order and the task sheet's exact headers."""
    book = openpyxl.load_workbook(sample_book)
    assert book.sheetnames == [
        "Chương trình",
        "Cơ quan thành viên",
        "Chỉ tiêu",
        "Kỳ báo cáo",
        "Nhiệm vụ",
    ]
    tasks = book["Nhiệm vụ"]
    assert [cell.value for cell in tasks[1]] == TASK_HEADERS
    assert all(cell.font.bold for cell in tasks[1])
    assert tasks.freeze_panes == "A2"
    assert [c.value for c in book["Kỳ báo cáo"][1]] == [
        "Mã",
        "Tên kỳ",
        "Từ ngày",
        "Đến ngày",
        "Hạn chốt số liệu",
        "Hạn nộp báo cáo",
        "Ngày họp",
    ]


def test_task_cells_as_written(sample_book: Path) -> None:
    """A task row reads as a secretary expects: Vietnamese kind, partner codes, a real date cell
    shown dd/mm/yyyy, and targets with a dot for thousands."""
    tasks = openpyxl.load_workbook(sample_book)["Nhiệm vụ"]
    ct04 = [cell.value for cell in tasks[CT04_ROW]]
    assert ct04 == [
        "CT04",
        "chung",
        "Xây, sửa nhà hộ nghèo, gia đình chính sách",
        "MTTQ",
        "LDLD, HCTD, BCHQS, TD, HLHPN",
        excel_day(2019, 5, 31),
        "NHA: 200",
        None,
        None,
        None,
    ]
    assert tasks.cell(row=CT04_ROW, column=TASK_COLUMN["Thời hạn"]).number_format == "DD/MM/YYYY"
    assert tasks.cell(row=CT01_ROW, column=TASK_COLUMN["Phối hợp"]).value == "tất cả"
    assert tasks.cell(row=CT02_ROW, column=TASK_COLUMN["Chỉ tiêu"]).value == "NGUOI: 1.600"


def test_program_sheet_as_written(tmp_path: Path) -> None:
    """The program sheet has one labelled row per field; empty optional fields stay empty."""
    path = tmp_path / "edge.xlsx"
    write_plan_workbook(edge_plan(reminders=None), path)
    rows = list(openpyxl.load_workbook(path)["Chương trình"].iter_rows(values_only=True))
    assert rows == [
        ("Mục", "Giá trị"),
        ("Mã chương trình", "BT-2020"),
        ("Tên chương trình", "Chương trình phối hợp biên giới"),
        ("Văn bản", None),
        ("Cấp", None),
        ("Địa bàn", None),
        ("Ngày bắt đầu", excel_day(2020, 1, 1)),
        ("Ngày kết thúc", excel_day(2020, 12, 31)),
        ("Múi giờ", "Asia/Ho_Chi_Minh"),
        ("Ngôn ngữ", "en"),
        ("Thể thức văn bản", "nhà nước"),
        ("Tên Ban Chỉ đạo", "Ban Chỉ đạo"),
        ("Cơ quan thường trực", "A"),
        ("Cơ quan trưởng ban", "A"),
        ("Cơ quan phó trưởng ban", "B, C"),
    ]


def test_edge_task_cells_as_written(tmp_path: Path) -> None:
    """Decimals are written with a comma, an ongoing task says so, and a title starting with
    "=" stays text rather than becoming a formula."""
    path = tmp_path / "edge.xlsx"
    write_plan_workbook(edge_plan(reminders=None), path)
    rows = list(openpyxl.load_workbook(path)["Nhiệm vụ"].iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("T1", "chung", "Tất cả cùng làm", "A", "tất cả", "thường xuyên", None, None, None, None),
        (
            "T2",
            "trọng tâm",
            "=Tiêu đề bắt đầu bằng dấu bằng\nvà xuống dòng",
            "B",
            None,
            excel_day(2020, 2, 29),
            "KM: 2,5; TIEN: 1.234.567,25",
            None,
            "Q1",
            "Kinh tế",
        ),
        (
            "T3",
            "đăng ký",
            "Tính vào T2",
            "2020",
            "A, C",
            excel_day(2020, 3, 1),
            "TIEN: 1.000.000",
            "T2",
            None,
            None,
        ),
    ]


# --- what a secretary may type ------------------------------------------------------------------


def test_typed_variants_are_accepted(sample: PlanDocument, sample_book: Path) -> None:
    """Text dates (dd/mm/yyyy or ISO), "thường xuyên" or an empty deadline, English or long
    kinds, "all", codes separated by semicolons and numbers typed as numbers all read."""
    changes = [
        set_task_cell(CT01_ROW, "Thời hạn", "14/6/2019"),
        set_task_cell(CT02_ROW, "Thời hạn", "2019-02-28"),
        set_task_cell(CT04_ROW, "Thời hạn", "  Thường Xuyên "),
        set_task_cell(R01_ROW, "Thời hạn", None),
        set_task_cell(CT01_ROW, "Loại", "Registered"),
        set_task_cell(R01_ROW, "Loại", "đăng ký chủ trì"),
        set_task_cell(CT01_ROW, "Phối hợp", "ALL"),
        set_task_cell(CT02_ROW, "Phối hợp", "TD; CA ,MTTQ"),
        set_task_cell(CT02_ROW, "Chỉ tiêu", "NGUOI: 1600 ; "),
    ]
    for change in changes:
        edit(sample_book, change)
    tasks = {t.code: t for t in read_plan_workbook(sample_book).tasks}
    assert tasks["CT01"].due == dt.date(2019, 6, 14)
    assert tasks["CT01"].kind == "registered"
    assert tasks["CT01"].partners == "all"
    assert tasks["CT02"].due == dt.date(2019, 2, 28)
    assert tasks["CT02"].partners == ("TD", "CA", "MTTQ")
    assert tasks["CT02"].targets == {"NGUOI": Decimal(1600)}
    assert tasks["CT04"].due is None
    assert tasks["R01"].due is None
    assert tasks["R01"].kind == "registered"


def test_columns_found_by_header_and_blank_rows_skipped(
    sample: PlanDocument, sample_book: Path
) -> None:
    """Columns may be moved, renamed in another case or joined by extra columns, and blank rows
    may be left between tasks: the plan reads the same."""

    def rearrange(book: Book) -> None:
        sheet = book["Nhiệm vụ"]
        sheet.insert_cols(1)
        sheet.cell(row=1, column=1).value = "Ghi chú"
        sheet.cell(row=2, column=1).value = "cột thêm của văn phòng"
        sheet.cell(row=1, column=2).value = "  mã "
        sheet.move_range("B1:B60", cols=20)
        sheet.insert_rows(5, amount=2)

    assert read_plan_workbook(edit(sample_book, rearrange)) == sample


# --- problems, located ---------------------------------------------------------------------------


def test_unknown_lead(sample_book: Path) -> None:
    """A lead that is not a member organization is reported at its row and column."""
    edit(sample_book, set_task_cell(R09_ROW, "Chủ trì", "CAX"))
    assert issues_of(sample_book) == [
        Issue("Nhiệm vụ", "unknown_org", row=R09_ROW, key="R09", field="Chủ trì",
              params={"value": "CAX"}),
    ]  # fmt: skip


def test_impossible_date(sample_book: Path) -> None:
    """30/02/2019 in a deadline is a bad date at its row and column."""
    edit(sample_book, set_task_cell(CT04_ROW, "Thời hạn", "30/02/2019"))
    assert issues_of(sample_book) == [
        Issue("Nhiệm vụ", "bad_date", row=CT04_ROW, key="CT04", field="Thời hạn",
              params={"value": "30/02/2019"}),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "reported"),
    [
        ("NHA: 2.00", "NHA: 2.00"),
        ("NHA: 200; HN: nhiều", "HN: nhiều"),
        ("NHA 200", "NHA 200"),
        (200, "200"),
    ],
)
def test_bad_number(sample_book: Path, typed: object, reported: str) -> None:
    """Targets that are not "CODE: number" pairs in Vietnamese notation are bad numbers, naming
    the unreadable part."""
    edit(sample_book, set_task_cell(CT04_ROW, "Chỉ tiêu", typed))
    assert issues_of(sample_book) == [
        Issue("Nhiệm vụ", "bad_number", row=CT04_ROW, key="CT04", field="Chỉ tiêu",
              params={"value": reported}),
    ]  # fmt: skip


def test_bad_kind(sample_book: Path) -> None:
    """An unknown kind is a bad choice that lists the allowed ones, reported once."""
    edit(sample_book, set_task_cell(R01_ROW, "Loại", "khác"))
    assert issues_of(sample_book) == [
        Issue("Nhiệm vụ", "bad_choice", row=R01_ROW, key="R01", field="Loại",
              params={"value": "khác", "choices": "chung, đăng ký, trọng tâm"}),
    ]  # fmt: skip


def test_duplicate_code_names_the_first_excel_row(sample_book: Path) -> None:
    """A repeated task code points to the Excel row where the code first appears."""
    edit(sample_book, set_task_cell(R09_ROW, "Mã", "CT04"))
    assert issues_of(sample_book) == [
        Issue("Nhiệm vụ", "duplicate_code", row=R09_ROW, key="CT04", field="Mã",
              params={"value": "CT04", "first_row": str(CT04_ROW)}),
    ]  # fmt: skip


def test_program_sheet_problems(sample_book: Path) -> None:
    """On the program sheet, problems name the row and label of the field: an unknown label, a
    vice chair who is not a member, and an end before the start."""

    def change(book: Book) -> None:
        sheet = book["Chương trình"]
        sheet["A5"] = "Cấp độ"
        sheet["B8"] = "31/12/2018"
        sheet["B15"] = "BCHQS; XYZ"

    edit(sample_book, change)
    assert issues_of(sample_book) == [
        Issue("Chương trình", "unknown_field", row=5, field="Mục", params={"value": "Cấp độ"}),
        Issue("Chương trình", "end_before_start", row=8, field="Ngày kết thúc",
              params={"start": "2019-01-01", "end": "2018-12-31"}),
        Issue("Chương trình", "unknown_org", row=15, field="Cơ quan phó trưởng ban",
              params={"value": "XYZ"}),
    ]  # fmt: skip


def test_missing_sheet(sample_book: Path) -> None:
    """A deleted sheet is reported by name."""
    edit(sample_book, lambda book: book.remove(book["Chỉ tiêu"]))
    assert issues_of(sample_book) == [
        Issue("file", "missing_sheet", params={"sheet": "Chỉ tiêu"}),
    ]


def test_missing_column(sample_book: Path) -> None:
    """A deleted column is reported by its header on its sheet."""
    edit(sample_book, lambda book: book["Nhiệm vụ"].delete_cols(TASK_COLUMN["Phối hợp"]))
    assert issues_of(sample_book) == [
        Issue("Nhiệm vụ", "missing_column", row=1, field="Phối hợp",
              params={"sheet": "Nhiệm vụ", "column": "Phối hợp"}),
    ]  # fmt: skip


def test_text_file_named_xlsx(tmp_path: Path) -> None:
    """A file that is not a workbook is unreadable, not a crash."""
    path = tmp_path / "plan.xlsx"
    path.write_text("Mã;Tên\nCA;Công an\n", encoding="utf-8")
    [issue] = issues_of(path)
    assert (issue.section, issue.code, issue.params["path"]) == (
        "file",
        "file_unreadable",
        str(path),
    )
    assert issue.params["detail"] != ""


def test_missing_file(tmp_path: Path) -> None:
    """A workbook that does not exist is reported as such."""
    path = tmp_path / "none.xlsx"
    assert issues_of(path) == [Issue("file", "file_not_found", params={"path": str(path)})]


def test_bad_reminder_settings(sample_book: Path) -> None:
    """Reminder settings that are not YAML are reported on their sheet."""
    edit(sample_book, lambda book: book.create_sheet("Nhắc việc").cell(row=1, column=1,
                                                                       value="a: [1"))  # fmt: skip
    [issue] = issues_of(sample_book)
    assert (issue.section, issue.code, issue.row) == ("Nhắc việc", "yaml_syntax", 1)


def test_every_problem_reported_at_once(sample_book: Path) -> None:
    """Several problems in different sheets and rows are all reported, in workbook order, and a
    bad required cell does not hide the cross-checks of other rows nor cause noise about rows
    that refer to it."""
    changes = [
        set_task_cell(R09_ROW, "Chủ trì", "CAX"),
        set_task_cell(CT04_ROW, "Thời hạn", "30/02/2019"),
        set_task_cell(CT02_ROW, "Chỉ tiêu", "NGUOI: 1,6,0"),
        set_task_cell(CT04_ROW, "Loại", "?"),  # R16 counts toward CT04: not a second problem
        set_task_cell(R01_ROW, "Nội dung nhiệm vụ", None),
        set_task_cell(CT01_ROW, "Kỳ", "Q9"),
    ]
    for change in changes:
        edit(sample_book, change)

    # BCHQS loses its name: the tasks it leads or joins are not reported again.
    def unname(book: Book) -> None:
        book["Cơ quan thành viên"]["B3"].value = None

    edit(sample_book, unname)
    assert issues_of(sample_book) == [
        Issue("Cơ quan thành viên", "missing", row=3, key="BCHQS", field="Tên cơ quan",
              params={"value": "", "detail": "Field required"}),
        Issue("Nhiệm vụ", "unknown_period", row=CT01_ROW, key="CT01", field="Kỳ",
              params={"value": "Q9"}),
        Issue("Nhiệm vụ", "bad_number", row=CT02_ROW, key="CT02", field="Chỉ tiêu",
              params={"value": "NGUOI: 1,6,0"}),
        Issue("Nhiệm vụ", "bad_choice", row=CT04_ROW, key="CT04", field="Loại",
              params={"value": "?", "choices": "chung, đăng ký, trọng tâm"}),
        Issue("Nhiệm vụ", "bad_date", row=CT04_ROW, key="CT04", field="Thời hạn",
              params={"value": "30/02/2019"}),
        Issue("Nhiệm vụ", "missing", row=R01_ROW, key="R01", field="Nội dung nhiệm vụ",
              params={"value": "", "detail": "Field required"}),
        Issue("Nhiệm vụ", "unknown_org", row=R09_ROW, key="R09", field="Chủ trì",
              params={"value": "CAX"}),
    ]  # fmt: skip


def test_indicator_repeated_in_one_cell(sample_book: Path) -> None:
    """An indicator given twice in one task's targets is refused rather than one value winning."""
    edit(sample_book, set_task_cell(CT04_ROW, "Chỉ tiêu", "NHA: 200; NHA: 300"))
    assert issues_of(sample_book) == [
        Issue("Nhiệm vụ", "duplicate_code", row=CT04_ROW, key="CT04", field="Chỉ tiêu",
              params={"value": "NHA", "first_row": str(CT04_ROW)}),
    ]  # fmt: skip


def test_period_dates_typed_as_text(sample: PlanDocument, sample_book: Path) -> None:
    """Period dates may be typed as text; an impossible one is reported at its row and column."""

    def change(book: Book) -> None:
        sheet = book["Kỳ báo cáo"]
        sheet["C2"] = "01/01/2019"
        sheet["E2"] = "07.06.2019"
        sheet["F3"] = "32/12/2019"

    edit(sample_book, change)
    assert issues_of(sample_book) == [
        Issue("Kỳ báo cáo", "bad_date", row=3, key="N-2019", field="Hạn nộp báo cáo",
              params={"value": "32/12/2019"}),
    ]  # fmt: skip

    edit(sample_book, lambda book: book["Kỳ báo cáo"].cell(row=3, column=6, value="10/12/2019"))
    assert read_plan_workbook(sample_book) == sample


def test_reminder_dates_stay_text(sample_book: Path) -> None:
    """An unquoted date in the reminder settings stays text, as in a YAML plan, so that the
    settings can be stored as JSON."""
    edit(
        sample_book,
        lambda book: book.create_sheet("Nhắc việc").cell(
            row=1, column=1, value="extra_holidays: [2019-09-02]\nmissing_after_days: 3\n"
        ),
    )
    plan = read_plan_workbook(sample_book)
    assert plan.reminders == {"extra_holidays": ["2019-09-02"], "missing_after_days": 3}
