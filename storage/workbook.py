"""The plan as an Excel workbook, because secretariats work in Excel.

One sheet per section with Vietnamese headers: "Chương trình" (one row per field of the program and
its committee), "Cơ quan thành viên", "Chỉ tiêu", "Kỳ báo cáo", "Nhiệm vụ" and, when the plan has
reminder settings, "Nhắc việc" (the settings as YAML text in A1). Dates are real date cells shown
as dd/mm/yyyy; numbers in text are written the Vietnamese way (3.000; 2,5).

Reading gives back a `PlanDocument` equal to the one written. An import is all-or-nothing, so
reading collects every problem before it raises `DocumentError`: problems of single cells (a bad
date, number or choice) are found while the sheets are read, the rest by the same validation as
YAML plans (`PlanDocument`, `check_plan`), whose issues are then moved to where a secretary will
look: the sheet, the Excel row and the column header.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

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
    TextDatesLoader,
    check_plan,
    issues_from_validation,
)
from storage.vietnamese import format_number

PROGRAM_SHEET = "Chương trình"
ORGANIZATIONS_SHEET = "Cơ quan thành viên"
INDICATORS_SHEET = "Chỉ tiêu"
PERIODS_SHEET = "Kỳ báo cáo"
TASKS_SHEET = "Nhiệm vụ"
REMINDERS_SHEET = "Nhắc việc"

LABEL_HEADER = "Mục"
VALUE_HEADER = "Giá trị"
DATE_FORMAT = "DD/MM/YYYY"

ALL_PARTNERS = "tất cả"
ONGOING = "thường xuyên"

_KINDS_OUT = {"common": "chung", "registered": "đăng ký", "focus": "trọng tâm"}
_KINDS_IN = {
    "chung": "common",
    "đăng ký": "registered",
    "đăng ký chủ trì": "registered",
    "trọng tâm": "focus",
    "common": "common",
    "registered": "registered",
    "focus": "focus",
}
_FORMS_OUT = {"party": "đảng", "state": "nhà nước"}
_FORMS_IN = {"đảng": "party", "nhà nước": "state", "party": "party", "state": "state"}
_YES_NO_OUT = {"True": "có", "False": "không"}
_YES_NO_IN = {"có": "true", "không": "false", "yes": "true", "no": "false"}


# --- cell values -------------------------------------------------------------------------------


class _CellError(Exception):
    """A cell that cannot be read: the issue code and its params, located by the caller."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _norm(text: str) -> str:
    """Comparable form of a header or a choice: Excel on different machines may store the same
    Vietnamese letter precomposed or decomposed, in any case, with stray spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _text(value: object) -> str | None:
    """A cell as trimmed text, None when empty. Excel turns codes like 2019 into numbers and
    dates typed into text columns into dates; read them back as what was typed."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _date(value: object) -> dt.date | None:
    """A date cell, or text as dd/mm/yyyy (also with - or .) or ISO yyyy-mm-dd."""
    if isinstance(value, dt.datetime):
        # Excel has no date-only type: a date cell comes back as midnight of that day.
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if text is None:
        return None
    if isinstance(value, str):
        if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text):
            day, month, year = m.groups()
        elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            year, month, day = m.groups()
        else:
            raise _CellError("bad_date", value=text)
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise _CellError("bad_date", value=text) from None
    # A bare number is an Excel serial whose cell lost its date format: too easy to misread.
    raise _CellError("bad_date", value=text)


_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")


def _parse_number(text: str) -> Decimal:
    """A number written the Vietnamese way: dots group thousands, a comma starts decimals.
    "2.5" is refused rather than guessed: it is 2,5 to some writers and a typo of 2.500 to
    others."""
    m = _NUMBER.fullmatch(text.replace(" ", ""))
    if m is None:
        raise _CellError("bad_number", value=text)
    sign, whole, fraction = m.groups()
    return Decimal(f"{sign}{whole.replace('.', '')}.{fraction or '0'}")


def _codes(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _choice(table: Mapping[str, str], shown: Iterable[str]) -> Callable[[object], str | None]:
    def read(value: object) -> str | None:
        text = _text(value)
        if text is None:
            return None
        found = table.get(_norm(text))
        if found is None:
            raise _CellError("bad_choice", value=text, choices=", ".join(shown))
        return found

    return read


# Readers turn a cell into the value `PlanDocument.model_validate` accepts (None: leave it out);
# writers turn a field's value into a cell.


def _read_partners(value: object) -> str | list[str] | None:
    text = _text(value)
    if text is None:
        return None
    if _norm(text) in (ALL_PARTNERS, "all"):
        return "all"
    return _codes(text)


def _write_partners(value: object) -> str | None:
    if value == "all":
        return ALL_PARTNERS
    return ", ".join(value) if isinstance(value, tuple) and value else None


def _read_due(value: object) -> dt.date | None:
    text = _text(value)
    if text is not None and _norm(text) == ONGOING:
        return None
    return _date(value)


def _write_due(value: object) -> object:
    # An empty cell also means "thường xuyên", but written out it cannot pass for a forgotten date.
    return ONGOING if value is None else value


def _read_targets(value: object) -> dict[str, Decimal] | None:
    text = _text(value)
    if text is None:
        return None
    if not isinstance(value, str):
        # A bare number says how much but not of which indicator.
        raise _CellError("bad_number", value=text)
    targets: dict[str, Decimal] = {}
    bad: list[str] = []
    for part in re.split(r"[;\n]", text):
        code, colon, number = part.partition(":")
        if not part.strip():
            continue
        if not colon or not code.strip():
            bad.append(part.strip())
            continue
        if code.strip() in targets:
            # The last would silently win over the first: the writer must choose.
            raise _CellError("duplicate_code", value=code.strip())
        try:
            targets[code.strip()] = _parse_number(number.strip())
        except _CellError:
            bad.append(part.strip())
    if bad:
        raise _CellError("bad_number", value="; ".join(bad))
    return targets


def _write_targets(value: object) -> str | None:
    if not isinstance(value, dict) or not value:
        return None
    return "; ".join(f"{code}: {format_number(amount)}" for code, amount in value.items())


def _read_code_list(value: object) -> list[str] | None:
    text = _text(value)
    return None if text is None else _codes(text)


def _write_code_list(value: object) -> str | None:
    return ", ".join(value) if isinstance(value, tuple) and value else None


def _write_choice(table: Mapping[str, str]) -> Callable[[object], object]:
    return lambda value: table.get(str(value), value)


def _identity(value: object) -> object:
    return value


@dataclass(frozen=True)
class _Column:
    """One field of a spec as a column (or, on the program sheet, as a row)."""

    field: str
    header: str
    read: Callable[[object], object] = _text
    write: Callable[[object], object] = _identity
    width: int = 14
    is_date: bool = False


def _date_column(name: str, header: str, width: int = 13) -> _Column:
    return _Column(name, header, _date, width=width, is_date=True)


_TASK_KIND = _Column(
    "kind",
    "Loại",
    _choice(_KINDS_IN, _KINDS_OUT.values()),
    _write_choice(_KINDS_OUT),
    width=11,
)
_DOCUMENT_FORM = _Column(
    "document_form",
    "Thể thức văn bản",
    _choice(_FORMS_IN, _FORMS_OUT.values()),
    _write_choice(_FORMS_OUT),
)

# Verification of completions (nghiệm thu): a program sheet row written only when on, so that
# workbooks of programs without it read and write as before.
_VERIFICATION = _Column(
    "verification",
    "Nghiệm thu hoàn thành",
    _choice(_YES_NO_IN, _YES_NO_OUT.values()),
    _write_choice(_YES_NO_OUT),
)


@dataclass(frozen=True)
class _Table:
    """A list section of the plan as a sheet, one row per item."""

    sheet: str
    section: str
    spec: type[BaseModel]
    columns: tuple[_Column, ...]


_TABLES = (
    _Table(
        ORGANIZATIONS_SHEET,
        "organizations",
        OrganizationSpec,
        (_Column("code", "Mã", width=12), _Column("name", "Tên cơ quan", width=40)),
    ),
    _Table(
        INDICATORS_SHEET,
        "indicators",
        IndicatorSpec,
        (
            _Column("code", "Mã", width=12),
            _Column("unit", "Đơn vị tính", width=20),
            _Column("kind", "Loại", width=14),
        ),
    ),
    _Table(
        PERIODS_SHEET,
        "periods",
        PeriodSpec,
        (
            _Column("code", "Mã", width=12),
            _Column("name", "Tên kỳ", width=30),
            _date_column("start", "Từ ngày"),
            _date_column("end", "Đến ngày"),
            _date_column("cutoff", "Hạn chốt số liệu", 17),
            _date_column("report_due", "Hạn nộp báo cáo", 17),
            _date_column("meeting", "Ngày họp"),
        ),
    ),
    _Table(
        TASKS_SHEET,
        "tasks",
        TaskSpec,
        (
            _Column("code", "Mã", width=10),
            _TASK_KIND,
            _Column("title", "Nội dung nhiệm vụ", width=50),
            _Column("lead", "Chủ trì", width=11),
            _Column("partners", "Phối hợp", _read_partners, _write_partners, width=28),
            _Column("due", "Thời hạn", _read_due, _write_due, width=13, is_date=True),
            _Column("targets", "Chỉ tiêu", _read_targets, _write_targets, width=20),
            _Column("counts_toward", "Tính vào", width=10),
            _Column("period", "Kỳ", width=10),
            _Column("content_area", "Lĩnh vực", width=18),
        ),
    ),
)

# The program sheet: (section, column) in the order of its rows; the header is the "Mục" label.
_PROGRAM_ROWS: tuple[tuple[str, _Column], ...] = (
    ("program", _Column("code", "Mã chương trình")),
    ("program", _Column("title", "Tên chương trình")),
    ("program", _Column("document", "Văn bản")),
    ("program", _Column("level", "Cấp")),
    ("program", _Column("area", "Địa bàn")),
    ("program", _date_column("start", "Ngày bắt đầu")),
    ("program", _date_column("end", "Ngày kết thúc")),
    ("program", _Column("timezone", "Múi giờ")),
    ("program", _Column("language", "Ngôn ngữ")),
    ("program", _DOCUMENT_FORM),
    ("program", _VERIFICATION),
    ("committee", _Column("name", "Tên Ban Chỉ đạo")),
    ("committee", _Column("standing_org", "Cơ quan thường trực")),
    ("committee", _Column("chair_org", "Cơ quan trưởng ban")),
    ("committee", _Column("vice_chair_orgs", "Cơ quan phó trưởng ban", _read_code_list,
                          _write_code_list)),
)  # fmt: skip

_SHEET_ORDER = (
    "file",
    "document",
    PROGRAM_SHEET,
    *(table.sheet for table in _TABLES),
    REMINDERS_SHEET,
)


# --- writing -----------------------------------------------------------------------------------


def write_plan_workbook(plan: PlanDocument, target: Path) -> None:
    """Write `plan` as an .xlsx workbook that `read_plan_workbook` reads back equal."""
    # openpyxl (which loads numpy when it finds it) is imported when a workbook is written or
    # read, not with this module: the bot starts, and restarts, without it.
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = PROGRAM_SHEET
    _write_header(sheet, ((LABEL_HEADER, 26), (VALUE_HEADER, 70)))
    specs: dict[str, BaseModel] = {"program": plan.program, "committee": plan.committee}
    shown = [
        (s, c) for s, c in _PROGRAM_ROWS if c is not _VERIFICATION or plan.program.verification
    ]
    for row, (section, column) in enumerate(shown, start=2):
        sheet.cell(row=row, column=1, value=column.header).font = Font(bold=True)
        value = column.write(getattr(specs[section], column.field))
        _put(sheet.cell(row=row, column=2), value, column, wrap=True)

    for table in _TABLES:
        sheet = book.create_sheet(table.sheet)
        _write_header(sheet, ((c.header, c.width) for c in table.columns))
        items: Sequence[BaseModel] = getattr(plan, table.section)
        for row, item in enumerate(items, start=2):
            for col, column in enumerate(table.columns, start=1):
                value = column.write(getattr(item, column.field))
                _put(sheet.cell(row=row, column=col), value, column, wrap=column.width >= 28)
        if items:
            sheet.auto_filter.ref = sheet.dimensions

    if plan.reminders is not None:
        sheet = book.create_sheet(REMINDERS_SHEET)
        text = yaml.safe_dump(plan.reminders, allow_unicode=True, sort_keys=False)
        _put(sheet.cell(row=1, column=1), text, None, wrap=True)
        sheet.column_dimensions["A"].width = 80
    book.save(target)


def _write_header(sheet: Any, headers: Iterable[tuple[str, int]]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for col, (header, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"


def _put(cell: Any, value: object, column: _Column | None, *, wrap: bool) -> None:
    from openpyxl.styles import Alignment

    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        # openpyxl takes any text starting with "=" for a formula; this one is a title.
        cell.data_type = "s"
    if column is not None and column.is_date and isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    cell.alignment = Alignment(vertical="top", wrap_text=wrap)


# --- reading -----------------------------------------------------------------------------------


@dataclass
class _Item:
    """One item as read: its Excel row, the raw fields for validation, its code if any."""

    row: int
    data: dict[str, Any]
    key: str | None = None


@dataclass
class _Raw:
    """The whole workbook as raw plan data, with where each part came from."""

    program: dict[str, Any] = field(default_factory=dict)
    committee: dict[str, Any] = field(default_factory=dict)
    label_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    items: dict[str, list[_Item]] = field(default_factory=dict)
    reminders: dict[str, Any] | None = None

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"program": self.program, "committee": self.committee}
        data.update({name: [i.data for i in items] for name, items in self.items.items()})
        if self.reminders is not None:
            data["reminders"] = self.reminders
        return data


def read_plan_workbook(source: Path) -> PlanDocument:
    """Read a plan from a workbook; raise `DocumentError` with every problem found."""
    book = _open(source)
    try:
        issues = _missing_structure(book)
        if issues:
            # Without its sheets and columns the content cannot be checked without noise.
            raise DocumentError(_sorted(issues))
        raw = _Raw()
        issues += _read_program(book[PROGRAM_SHEET], raw)
        for table in _TABLES:
            issues += _read_table(book[table.sheet], table, raw)
        if REMINDERS_SHEET in book.sheetnames:
            issues += _read_reminders(book[REMINDERS_SHEET], raw)
    finally:
        book.close()
    plan, found = _validate(raw, unreadable={(i.section, i.row, i.field) for i in issues})
    issues += found
    if issues or plan is None:
        raise DocumentError(_sorted(issues))
    return plan


def _open(source: Path) -> Any:
    path = str(source)
    if not source.is_file():
        raise DocumentError([Issue("file", "file_not_found", params={"path": path})])
    import openpyxl

    try:
        return openpyxl.load_workbook(source, data_only=True)
    except Exception as exc:
        # openpyxl fails on foreign or damaged files in many ways (BadZipFile, KeyError, XML
        # parse errors, InvalidFileException...): for the user they are all "cannot read".
        detail = str(exc) or type(exc).__name__
        raise DocumentError(
            [Issue("file", "file_unreadable", params={"path": path, "detail": detail})]
        ) from None


def _headers(sheet: Any) -> dict[str, int]:
    """Column index (0-based) of each header, by its comparable form; the first one wins."""
    found: dict[str, int] = {}
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    for index, value in enumerate(first):
        text = _text(value)
        if text is not None:
            found.setdefault(_norm(text), index)
    return found


def _missing_structure(book: Any) -> list[Issue]:
    expected: list[tuple[str, tuple[str, ...]]] = [(PROGRAM_SHEET, (LABEL_HEADER, VALUE_HEADER))]
    expected += [(t.sheet, tuple(c.header for c in t.columns)) for t in _TABLES]
    issues = []
    for sheet, headers in expected:
        if sheet not in book.sheetnames:
            issues.append(Issue("file", "missing_sheet", params={"sheet": sheet}))
            continue
        present = _headers(book[sheet])
        issues += [
            Issue(sheet, "missing_column", row=1, field=h, params={"sheet": sheet, "column": h})
            for h in headers
            if _norm(h) not in present
        ]
    return issues


def _rows(sheet: Any, columns: Sequence[str]) -> Iterable[tuple[int, dict[str, object]]]:
    """Each non-blank row below the header: its Excel number and its cells by header."""
    present = _headers(sheet)
    indexes = {header: present[_norm(header)] for header in columns}
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = {h: values[i] if i < len(values) else None for h, i in indexes.items()}
        if any(_text(v) is not None for v in cells.values()):
            yield number, cells


def _read_cell(
    column: _Column, value: object, sheet: str, row: int, key: str | None, field: str
) -> tuple[object, list[Issue]]:
    try:
        return column.read(value), []
    except _CellError as problem:
        params = dict(problem.params)
        if problem.code == "duplicate_code":
            # Repeated within the cell itself, so "first seen" is this same row.
            params["first_row"] = str(row)
        issue = Issue(sheet, problem.code, row=row, key=key, field=field, params=params)
        return None, [issue]


def _read_program(sheet: Any, raw: _Raw) -> list[Issue]:
    by_label = {_norm(column.header): (section, column) for section, column in _PROGRAM_ROWS}
    first_row: dict[str, int] = {}
    issues: list[Issue] = []
    for row, cells in _rows(sheet, (LABEL_HEADER, VALUE_HEADER)):
        label = _text(cells[LABEL_HEADER]) or ""
        entry = by_label.get(_norm(label))
        if entry is None:
            issues.append(Issue(PROGRAM_SHEET, "unknown_field", row=row, field=LABEL_HEADER,
                                params={"value": label}))  # fmt: skip
            continue
        section, column = entry
        if column.header in first_row:
            issues.append(Issue(PROGRAM_SHEET, "duplicate_code", row=row, field=LABEL_HEADER,
                                params={"value": label,
                                        "first_row": str(first_row[column.header])}))  # fmt: skip
            continue
        first_row[column.header] = row
        raw.label_rows[section, column.field] = row
        value, found = _read_cell(
            column, cells[VALUE_HEADER], PROGRAM_SHEET, row, None, column.header
        )
        issues += found
        if value is not None:
            target = raw.program if section == "program" else raw.committee
            target[column.field] = value
    return issues


def _read_table(sheet: Any, table: _Table, raw: _Raw) -> list[Issue]:
    items = raw.items.setdefault(table.section, [])
    issues: list[Issue] = []
    for row, cells in _rows(sheet, [c.header for c in table.columns]):
        key = _text(cells["Mã"])
        item = _Item(row, {}, key)
        for column in table.columns:
            value, found = _read_cell(
                column, cells[column.header], table.sheet, row, key, column.header
            )
            issues += found
            if value is not None:
                item.data[column.field] = value
        items.append(item)
    return issues


def _read_reminders(sheet: Any, raw: _Raw) -> list[Issue]:
    text = _text(sheet.cell(row=1, column=1).value)
    if text is None:
        return []
    try:
        # An unquoted date stays text, as it does in a YAML plan.
        settings = yaml.load(text, Loader=TextDatesLoader)
    except yaml.YAMLError as exc:
        detail = str(exc).splitlines()[0]
        return [Issue(REMINDERS_SHEET, "yaml_syntax", row=1, params={"detail": detail})]
    if settings is None:
        return []
    if not isinstance(settings, dict):
        return [Issue(REMINDERS_SHEET, "bad_mapping", row=1, params={"value": text[:60]})]
    raw.reminders = settings
    return []


# --- validation, located in the workbook -------------------------------------------------------

_PLACEHOLDER_PROGRAM = ProgramSpec(
    code="X", title="X", start=dt.date(2000, 1, 1), end=dt.date(2000, 1, 1)
)
_PLACEHOLDER_COMMITTEE = CommitteeSpec(name="X")

# A reference to an item that failed validation is not a second problem: (code -> section).
_REFERENCES = {
    "unknown_org": "organizations",
    "unknown_indicator": "indicators",
    "unknown_period": "periods",
    "unknown_task": "tasks",
    "counts_toward_chain": "tasks",
}


def _validate(
    raw: _Raw, *, unreadable: set[tuple[str, int | None, str | None]]
) -> tuple[PlanDocument | None, list[Issue]]:
    """The plan and every issue of validation and cross-checks, located in the workbook.
    `unreadable` cells (sheet, row, header) were already reported and left out of `raw`."""
    try:
        plan = PlanDocument.model_validate(raw.data())
    except ValidationError as exc:
        located = [_locate(i, raw, raw.items) for i in issues_from_validation(exc)]
        # A required cell left out for being unreadable is not "missing" as well.
        issues = [i for i in located if (i.section, i.row, i.field) not in unreadable]
        return None, issues + _check_valid_part(raw)
    return plan, [_locate(i, raw, raw.items) for i in check_plan(plan)]


def _valid(spec: type[BaseModel], data: Mapping[str, Any]) -> bool:
    try:
        spec.model_validate(data)
    except ValidationError:
        return False
    return True


def _check_valid_part(raw: _Raw) -> list[Issue]:
    """Cross-checks of the items that are valid on their own, so that one bad cell does not hide
    the problems of every other row: invalid items are left out, and so are the references to
    them and the checks of placeholders standing for an invalid program or committee."""
    kept: dict[str, list[_Item]] = {}
    dropped: dict[str, set[str]] = {}
    for table in _TABLES:
        items = raw.items.get(table.section, [])
        valid = [_valid(table.spec, i.data) for i in items]
        kept[table.section] = [i for i, ok in zip(items, valid, strict=True) if ok]
        dropped[table.section] = {
            i.key for i, ok in zip(items, valid, strict=True) if i.key and not ok
        }
    program_ok = _valid(ProgramSpec, raw.program)
    committee_ok = _valid(CommitteeSpec, raw.committee)
    partial = PlanDocument(
        program=ProgramSpec.model_validate(raw.program) if program_ok else _PLACEHOLDER_PROGRAM,
        committee=(
            CommitteeSpec.model_validate(raw.committee) if committee_ok else _PLACEHOLDER_COMMITTEE
        ),
        organizations=tuple(
            OrganizationSpec.model_validate(i.data) for i in kept["organizations"]
        ),
        indicators=tuple(IndicatorSpec.model_validate(i.data) for i in kept["indicators"]),
        periods=tuple(PeriodSpec.model_validate(i.data) for i in kept["periods"]),
        tasks=tuple(TaskSpec.model_validate(i.data) for i in kept["tasks"]),
    )
    issues = []
    for issue in check_plan(partial):
        if (issue.section == "program" and not program_ok) or (
            issue.section == "committee" and not committee_ok
        ):
            continue
        refers_to = _REFERENCES.get(issue.code)
        if refers_to and issue.params.get("value") in dropped[refers_to]:
            continue
        issues.append(_locate(issue, raw, kept))
    return issues


def _headers_by_field(section: str) -> dict[str, str]:
    for table in _TABLES:
        if table.section == section:
            return {c.field: c.header for c in table.columns}
    return {c.field: c.header for s, c in _PROGRAM_ROWS if s == section}


def _sheet_of(section: str) -> str:
    if section in ("program", "committee"):
        return PROGRAM_SHEET
    if section == "reminders":
        return REMINDERS_SHEET
    return next((t.sheet for t in _TABLES if t.section == section), section)


def _locate(issue: Issue, raw: _Raw, items: Mapping[str, Sequence[_Item]]) -> Issue:
    """Move an issue of the plan's data (section, 1-based index, field name) to the workbook
    (sheet, Excel row, column header or, on the program sheet, the row's label)."""
    section = issue.section
    name = (issue.field or "").split(".")[0]
    headers = _headers_by_field(section)
    field_header = headers.get(name, issue.field) if issue.field else None
    row, key, params = issue.row, issue.key, dict(issue.params)
    if section in ("program", "committee"):
        row = raw.label_rows.get((section, name))
    elif section == "reminders":
        row = 1
    elif section in items and issue.row is not None:
        listed = items[section]
        if 0 < issue.row <= len(listed):
            row, key = listed[issue.row - 1].row, key or listed[issue.row - 1].key
        first = params.get("first_row", "")
        if first.isdigit() and 0 < int(first) <= len(listed):
            params["first_row"] = str(listed[int(first) - 1].row)
    return replace(
        issue, section=_sheet_of(section), row=row, key=key, field=field_header, params=params
    )


def _sorted(issues: Iterable[Issue]) -> list[Issue]:
    """In the order of the workbook: sheet by sheet, row by row, column by column."""
    columns = {
        table.sheet: {c.header: n for n, c in enumerate(table.columns)} for table in _TABLES
    }

    def where(issue: Issue) -> tuple[int, int, int]:
        sheet = _SHEET_ORDER.index(issue.section) if issue.section in _SHEET_ORDER else 99
        column = columns.get(issue.section, {}).get(issue.field or "", -1)
        return (sheet, issue.row or 0, column)

    return sorted(issues, key=where)
