"""The status workbook: what the chair's summary says, and every task, ready to print.

Sheets, headers from the catalogs (Vietnamese by default):
- summary ("Tổng hợp"): title, as-of date, the headline per kind ("6/9"), the four-way split and
  the rate over tasks due, each lead organization's registered tasks ("2/3") and what it has
  overdue, the overdue tasks with their days late, the program's totals;
- all tasks ("Danh mục nhiệm vụ"): STT, code, kind, title, lead, partners, deadline, extended
  deadline, status in words, days late, completion date, targets and results as text
  ("210 ngôi nhà; 7.050 triệu đồng");
- one sheet per organization: the tasks it leads or partners on, its role and its own figures;
- indicators by task and organization ("Chỉ tiêu theo cơ quan"): one row per task and indicator,
  target and total, then one column per organization, as real numbers.

Dates are date cells shown dd/mm/yyyy and figures numeric cells with a thousands format
(Vietnamese Excel shows 7.050), except where a qualifier (gần, trên) makes them text. Every
sheet prints landscape on A4, fitted to the page width, its header row repeated on each page.
openpyxl's write-only mode streams the rows, so 100,000 tasks stay fast and small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.i18n import Translator
from bot.render import date_text, number
from storage.registers import RegisterIndicator, RegisterTask, TaskRegister
from storage.rules import Status, percent
from storage.summaries import Amount, ProgramStatus

DATE_FORMAT = "DD/MM/YYYY"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
SHEET_NAME_LIMIT = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


def write_status_workbook(
    status: ProgramStatus,
    register: TaskRegister,
    t: Translator,
    path_or_stream: str | Path | IO[bytes],
) -> None:
    """Write the workbook of `status` and `register` (the same program and date) to a path or
    a binary stream."""
    book = Workbook(write_only=True)
    writer = _Writer(book, t)
    writer.summary(status)
    writer.tasks(register)
    writer.indicators(register)
    book.save(path_or_stream)


class _Writer:
    """The cell makers of one workbook: styles, and texts looked up once."""

    def __init__(self, book: Workbook, t: Translator) -> None:
        self.book = book
        self.t = t
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=14)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.status_words = {s: t(f"status-{s.value}") for s in Status}
        self.kind_words = {k: t(f"kind-{k}") for k in ("common", "registered", "focus")}
        self.sep = t("list-separator")
        self.value_sep = t("xlsx-value-separator")
        self.ongoing = t("xlsx-ongoing")
        self.all_partners = t("xlsx-partners-all")
        # "{value} {unit}" as the catalog words it, filled without a catalog call per value.
        self.with_unit = t("value-with-unit", value="\x00", unit="\x01")
        self.qualified = {
            q: t(f"qualifier-{q}", value="\x00") for q in ("approx", "over", "more_than")
        }
        self.sheet_names: set[str] = set()

    # --- cells ---------------------------------------------------------------------------------

    def sheet(self, name: str, widths: Sequence[float], *, header_row: int | None = 1) -> Any:
        """A new sheet with its column widths and print setup."""
        ws = self.book.create_sheet(self.sheet_name(name))
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        if header_row is not None:
            ws.print_title_rows = f"{header_row}:{header_row}"
            ws.freeze_panes = f"A{header_row + 1}"
        return ws

    def sheet_name(self, wanted: str) -> str:
        """A valid sheet name (31 characters, no []:*?/\\), unique in the workbook."""
        base = _BAD_SHEET_CHARS.sub("-", wanted).strip("'") or "-"
        name, n = base[:SHEET_NAME_LIMIT], 1
        while name.casefold() in self.sheet_names:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        self.sheet_names.add(name.casefold())
        return name

    def styled(self, ws: Any, value: object, *, font: Font | None = None, fmt: str = "") -> Any:
        cell = WriteOnlyCell(ws, value=value)
        if font is not None:
            cell.font = font
        if fmt:
            cell.number_format = fmt
        return cell

    def header(self, ws: Any, keys: Iterable[str], extra: Iterable[str] = ()) -> list[Any]:
        cells = []
        for text in [*(self.t(k) for k in keys), *extra]:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = self.bold
            cell.fill = _HEADER_FILL
            cell.alignment = self.wrap
            cells.append(cell)
        return cells

    def date_cell(self, ws: Any, value: date | None) -> Any:
        return None if value is None else self.styled(ws, value, fmt=DATE_FORMAT)

    def number_cell(self, ws: Any, value: Decimal | int | None) -> Any:
        if value is None:
            return None
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        return self.styled(
            ws, value, fmt=INTEGER_FORMAT if isinstance(value, int) else DECIMAL_FORMAT
        )

    def amount_cell(self, ws: Any, value: Amount | None) -> Any:
        """A number cell, or text when a qualifier (gần, trên, hơn) goes with it."""
        if value is None:
            return None
        if value.qualifier is None:
            return self.number_cell(ws, value.value)
        return self.amount_text(value)

    def amount_text(self, value: Amount, unit: str | None = None) -> str:
        text = number(self.t, value.value)
        if value.qualifier is not None:
            text = self.qualified[value.qualifier].replace("\x00", text)
        return self.with_unit.replace("\x00", text).replace("\x01", unit) if unit else text

    def values_text(self, lines: Iterable[tuple[Decimal | Amount, str]]) -> str:
        """ "210 ngôi nhà; 7.050 triệu đồng"."""
        return self.value_sep.join(
            self.amount_text(v if isinstance(v, Amount) else Amount(v), unit) for v, unit in lines
        )

    def deadline_text(self, task: RegisterTask) -> Any:
        return self.ongoing if task.original_due is None else task.original_due

    # --- sheets --------------------------------------------------------------------------------

    def summary(self, status: ProgramStatus) -> None:
        t = self.t
        ws = self.sheet(
            t("xlsx-sheet-summary"), (26, 16, 12, 14, 14, 16, 16, 22, 30), header_row=None
        )
        ws.append([self.styled(ws, t("xlsx-title", program=status.program), font=self.title_font)])
        ws.append([status.title])
        ws.append([t("xlsx-as-of", date=_date(t, status.as_of))])
        if status.org is not None:
            names = {o.code: o.name for o in status.organizations}
            ws.append([t("xlsx-org-view", org=status.org, name=names.get(status.org, status.org))])
        kinds = [k for k, s in status.kinds.items() if s.total]
        parts = [
            t(f"headline-part-{k}", done=status.kinds[k].done, total=status.kinds[k].total)
            for k in kinds
        ]
        if parts:
            ws.append(
                [self.styled(ws, t("xlsx-headline", parts=self.sep.join(parts)), font=self.bold)]
            )

        ws.append([])
        ws.append([self.styled(ws, t("xlsx-kinds-title"), font=self.bold)])
        ws.append(self.header(ws, (
            "xlsx-col-kind", "xlsx-col-done-of-total", "xlsx-col-total", "xlsx-col-on-time",
            "xlsx-col-late", "xlsx-col-in-progress", "xlsx-col-overdue", "xlsx-col-due-rate",
        )))  # fmt: skip
        for k in kinds:
            s = status.kinds[k]
            rate = percent(s.done, s.due)
            ws.append([
                self.kind_words.get(k, k), f"{s.done}/{s.total}", s.total, s.on_time, s.late,
                s.in_progress, s.overdue,
                t("xlsx-due-rate-none") if rate is None
                else t("xlsx-due-rate", done=s.done, due=s.due, percent=number(t, rate)),
            ])  # fmt: skip

        orgs = [o for o in status.organizations if o.registered_total or o.overdue_count]
        if orgs:
            ws.append([])
            ws.append([self.styled(ws, t("xlsx-orgs-title"), font=self.bold)])
            ws.append(self.header(ws, (
                "xlsx-col-org", "xlsx-col-registered", "xlsx-col-total", "xlsx-col-on-time",
                "xlsx-col-late", "xlsx-col-in-progress", "xlsx-col-overdue",
                "xlsx-col-overdue-count", "xlsx-col-overdue-tasks",
            )))  # fmt: skip
            for o in orgs:
                ws.append([
                    o.code, f"{o.registered_done}/{o.registered_total}", o.registered_total,
                    o.registered_on_time, o.registered_late, o.registered_in_progress,
                    o.registered_overdue, o.overdue_count, self.sep.join(o.overdue_tasks),
                ])  # fmt: skip

        ws.append([])
        if status.overdue:
            ws.append(
                [
                    self.styled(
                        ws, t("xlsx-overdue-title", count=status.overdue_count), font=self.bold
                    )
                ]
            )
            ws.append(self.header(ws, (
                "xlsx-col-code", "xlsx-col-lead", "xlsx-col-deadline", "xlsx-col-days-late",
                "xlsx-col-extended", "xlsx-col-title",
            )))  # fmt: skip
            for line in status.overdue:
                ws.append([
                    line.code, line.lead, self.date_cell(ws, line.deadline), line.days_late,
                    self.date_cell(ws, line.due if line.due != line.deadline else None),
                    line.title,
                ])  # fmt: skip
        else:
            ws.append([t("xlsx-overdue-none")])

        ws.append([])
        ws.append([self.styled(ws, t("xlsx-totals-title"), font=self.bold)])
        if status.program_totals and status.org is None:
            ws.append(
                self.header(
                    ws,
                    (
                        "xlsx-col-indicator",
                        "xlsx-col-value",
                        "xlsx-col-unit",
                        "xlsx-col-qualifier",
                    ),
                )
            )
            for total in status.program_totals:
                ws.append([
                    total.indicator, self.number_cell(ws, total.total.value), total.unit,
                    self.amount_text(total.total, total.unit),
                ])  # fmt: skip
        else:
            ws.append([t("xlsx-totals-none")])

    def tasks(self, register: TaskRegister) -> None:
        """The sheet of all tasks, and one per organization, written in one pass."""
        t = self.t
        columns = (
            "xlsx-col-number", "xlsx-col-code", "xlsx-col-kind", "xlsx-col-title",
            "xlsx-col-lead", "xlsx-col-partners", "xlsx-col-deadline", "xlsx-col-extended",
            "xlsx-col-status", "xlsx-col-days-late", "xlsx-col-done-on", "xlsx-col-targets",
            "xlsx-col-results",
        )  # fmt: skip
        ws = self.sheet(t("xlsx-sheet-tasks"), (6, 10, 14, 50, 10, 24, 12, 12, 18, 9, 12, 24, 30))
        ws.append(self.header(ws, columns))
        org_columns = (
            "xlsx-col-number", "xlsx-col-code", "xlsx-col-kind", "xlsx-col-role",
            "xlsx-col-title", "xlsx-col-deadline", "xlsx-col-extended", "xlsx-col-status",
            "xlsx-col-days-late", "xlsx-col-done-on", "xlsx-col-own-results",
            "xlsx-col-results",
        )  # fmt: skip
        org_widths = (6, 10, 14, 10, 50, 12, 12, 18, 9, 12, 26, 30)
        org_sheets: dict[str, tuple[Any, list[int]]] = {}
        for code, name in register.organizations:
            if register.org is not None and code != register.org:
                continue
            sheet = self.sheet(code, org_widths, header_row=2)
            sheet.append([
                self.styled(sheet, t("xlsx-org-sheet-title", org=code, name=name,
                                     date=_date(t, register.as_of)), font=self.bold)
            ])  # fmt: skip
            sheet.append(self.header(sheet, org_columns))
            org_sheets[code] = (sheet, [0])
        lead_word, partner_word = t("xlsx-role-lead"), t("xlsx-role-partner")

        for task in register.tasks:
            status_word = self.status_words[task.status]
            kind_word = self.kind_words.get(task.kind, task.kind)
            results = self.results_text(task)
            deadline = self.deadline_text(task)
            ws.append([
                task.number, task.code, kind_word, task.title, task.lead,
                self.all_partners if task.partners_all else self.sep.join(task.partners),
                self.date_cell(ws, deadline) if isinstance(deadline, date) else deadline,
                self.date_cell(ws, task.extended), status_word, task.days_late or None,
                self.date_cell(ws, task.done_on), self.targets_text(task.indicators), results,
            ])  # fmt: skip
            involved: Iterable[str] = (
                org_sheets if task.partners_all else (task.lead, *task.partners)
            )
            for org in involved:
                entry = org_sheets.get(org)
                if entry is None:
                    continue
                sheet, count = entry
                count[0] += 1
                sheet.append([
                    count[0], task.code, kind_word,
                    lead_word if org == task.lead else partner_word, task.title,
                    self.date_cell(sheet, deadline) if isinstance(deadline, date) else deadline,
                    self.date_cell(sheet, task.extended), status_word, task.days_late or None,
                    self.date_cell(sheet, task.done_on), self.own_text(task.indicators, org),
                    results,
                ])  # fmt: skip

    def targets_text(self, lines: Sequence[RegisterIndicator]) -> str | None:
        text = self.values_text((x.target, x.unit) for x in lines if x.target is not None)
        return text or None

    def results_text(self, task: RegisterTask) -> str | None:
        text = self.values_text((x.total, x.unit) for x in task.indicators if x.total is not None)
        if task.counts_toward and text:
            text += " " + self.t("xlsx-counts-toward", task=task.counts_toward)
        return text or None

    def own_text(self, lines: Sequence[RegisterIndicator], org: str) -> str | None:
        own = [(a, x.unit) for x in lines for code, a in x.by_org if code == org]
        return self.values_text(own) or None

    def indicators(self, register: TaskRegister) -> None:
        """One row per task and indicator with figures or a target; one column per
        organization (those that reported any figure)."""
        t = self.t
        reporting = {
            code for task in register.tasks for x in task.indicators for code, _ in x.by_org
        }
        orgs = [code for code, _ in register.organizations if code in reporting]
        column_of = {code: n for n, code in enumerate(orgs)}
        ws = self.sheet(
            t("xlsx-sheet-indicators"), (6, 10, 12, 16, 12, 12, 14, *([10] * len(orgs)))
        )
        ws.append(self.header(ws, (
            "xlsx-col-number", "xlsx-col-task", "xlsx-col-indicator", "xlsx-col-unit",
            "xlsx-col-target", "xlsx-col-total-value", "xlsx-col-qualifier",
        ), orgs))  # fmt: skip
        n = 0
        for task in register.tasks:
            for x in task.indicators:
                n += 1
                parts: list[Any] = [None] * len(orgs)
                for code, a in x.by_org:
                    parts[column_of[code]] = self.amount_cell(ws, a)
                total = x.total
                ws.append([
                    n, task.code, x.indicator, x.unit, self.number_cell(ws, x.target),
                    None if total is None else self.number_cell(ws, total.value),
                    None if total is None or total.qualifier is None
                    else self.amount_text(total, x.unit),
                    *parts,
                ])  # fmt: skip


def _date(t: Translator, value: date) -> str:
    return date_text(t, value)
