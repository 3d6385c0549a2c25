"""The status workbook: what the chair's summary says, and every task, ready to print.

Sheets, headers from the catalogs (Vietnamese by default):
- summary ("Tổng hợp"): title, as-of date, the headline per kind ("6/9"), the four-way split and
  the rate over tasks due, each lead organization's registered tasks ("2/3") and what it has
  overdue, the overdue tasks with their days late, the program's totals;
- all tasks ("Danh mục nhiệm vụ"): STT, code, kind, title, lead, partners, deadline, extended
  deadline, status in words, days late, completion date, targets and results as text
  ("210 ngôi nhà; 7.050 triệu đồng");
- one sheet per organization: the tasks it leads or is named a partner on, and those open to
  all (partners: all) it has reported figures on, with its role and its own figures;
- indicators by task and organization ("Chỉ tiêu theo cơ quan"): one row per task and indicator,
  target and total, then one column per organization, as real numbers.

Dates are date cells shown dd/mm/yyyy and figures numeric cells with a thousands format
(Vietnamese Excel shows 7.050), except where a qualifier (gần, trên) makes them text. Every
sheet prints landscape on A4, fitted to the page width, its header row repeated on each page.
The package is streamed straight into the zip archive with inline strings (the organizations'
sheets through temporary files, filled in the same pass as the tasks sheet): openpyxl, even
write-only, spends ~5 µs per cell, 70 s for the 100,000-task program's 5 million cells; this
writes the same SpreadsheetML in about 6 s. Tests read it back with openpyxl.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple, cast
from xml.sax.saxutils import escape, quoteattr

from bot.i18n import Translator
from bot.render import date_text, number
from storage.registers import RegisterIndicator, RegisterTask, TaskRegister, collector_paused
from storage.rules import Status, percent
from storage.summaries import Amount, ProgramStatus

DATE_FORMAT = "DD/MM/YYYY"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
SHEET_NAME_LIMIT = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
ESCAPE_CACHE_SIZE = 20_000
ROW = "\x00"  # the row number in cells made before their row
# Texts with nothing to escape (no &, <, > nor characters XML cannot hold).
_PLAIN = re.compile(r"[^&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*\Z").match
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
# XML's special characters, and those XML 1.0 cannot hold (control characters other than
# tab and newlines), which are dropped.
_XML_ESCAPES: dict[int, str | None] = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    **dict.fromkeys((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)),
}


class _Style:
    """Indexes of the cell formats in styles.xml (see `_STYLES`)."""

    DATE = 1
    INTEGER = 2
    DECIMAL = 3
    BOLD = 4
    HEADER = 5
    TITLE = 6


class _Styled(NamedTuple):
    value: object
    style: int


def write_status_workbook(
    status: ProgramStatus,
    register: TaskRegister,
    t: Translator,
    path_or_stream: str | Path | IO[bytes],
) -> None:
    """Write the workbook of `status` and `register` (the same program and date) to a path or
    a binary stream."""
    with (
        collector_paused(),
        zipfile.ZipFile(path_or_stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
    ):
        writer = _Writer(zf, t)
        writer.summary(status)
        writer.tasks(register)
        writer.indicators(register)
        writer.finish()


class _Sheet:
    """One worksheet streamed into the archive: rows are written as they are appended."""

    def __init__(
        self,
        out: IO[bytes],
        widths: Sequence[float],
        header_row: int | None,
        cache: dict[str, str],
        batch: int = 2000,
    ) -> None:
        self.cache = cache
        self.out = out
        self.batch = batch  # rows kept before they are written out
        self.row = 0
        self.buffer: list[str] = []
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
            for n, w in enumerate(widths, start=1)
        )
        pane = (
            ""
            if header_row is None
            else f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" '
            'activePane="bottomLeft" state="frozen"/>'
        )
        self.buffer.append(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )

    def append(self, values: Sequence[object], more: Sequence[tuple[int, object]] = ()) -> None:
        """One row; None leaves a cell empty, `_Styled` gives a cell its format; `more` are
        (0-based column, value) after `values`, in column order."""
        self.row += 1
        r = str(self.row)
        cells = self.cells(values, 0, r)
        if more:
            cells += "".join(self.cells((value,), n, r) for n, value in sorted(more))
        self.buffer.append(f'<row r="{r}">{cells}</row>')
        if len(self.buffer) >= self.batch:
            self.flush()

    def append_parts(self, parts: Sequence[str]) -> None:
        """One row of cells made by `cells`, in which the row number is `ROW`."""
        self.row += 1
        r = str(self.row)
        self.buffer.append(f'<row r="{r}">{"".join(parts).replace(ROW, r)}</row>')
        if len(self.buffer) >= self.batch:
            self.flush()

    def cells(self, values: Sequence[object], start: int, r: str) -> str:
        """The cells of `values` from the 0-based column `start` on, in row `r`."""
        letters = _letters(start + len(values))
        cells: list[str] = []
        add = cells.append
        for n, value in enumerate(values, start=start):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                add(f'<c r="{letters[n]}{r}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{self.escaped(value)}</t></is></c>")  # type: ignore[arg-type]  # fmt: skip
            elif kind is int:
                add(f'<c r="{letters[n]}{r}"><v>{value}</v></c>')
            elif kind is date:
                add(f'<c r="{letters[n]}{r}" s="{_Style.DATE}"><v>{_serial(value)}</v></c>')  # type: ignore[arg-type]
            elif kind is _Styled:
                value, style = cast(_Styled, value)
                kind = type(value)
                if not style:
                    add(self.cell(letters[n] + r, value, 0))
                elif kind is date:
                    add(f'<c r="{letters[n]}{r}" s="{style}"><v>{_serial(value)}</v></c>')  # type: ignore[arg-type]
                elif kind is int:
                    add(f'<c r="{letters[n]}{r}" s="{style}"><v>{value}</v></c>')
                elif kind is str:
                    add(f'<c r="{letters[n]}{r}" s="{style}" t="inlineStr"><is><t '
                        f'xml:space="preserve">{self.escaped(value)}</t></is></c>')  # type: ignore[arg-type]  # fmt: skip
                else:
                    add(self.cell(letters[n] + r, value, style))
            else:
                add(self.cell(letters[n] + r, value, 0))
        return "".join(cells)

    def cell(self, ref: str, value: object, style: int) -> str:
        """One cell of any other kind of value (bool, Decimal, a subclass)."""
        s = f' s="{style}"' if style else ""
        if isinstance(value, str):
            return (f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                    f"{self.escaped(value)}</t></is></c>")  # fmt: skip
        if isinstance(value, date):
            return f'<c r="{ref}"{s}><v>{_serial(value)}</v></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
        return f'<c r="{ref}"{s}><v>{value}</v></c>'

    def escaped(self, text: str) -> str:
        """`text` as XML character data (without the characters XML cannot hold); the texts
        that recur (kinds, statuses, organization codes) are escaped once, in a bounded cache."""
        result = self.cache.get(text)
        if result is None:
            if _PLAIN(text) is not None:
                return text  # nothing to escape (most texts): not worth an entry
            if len(self.cache) >= ESCAPE_CACHE_SIZE:
                self.cache.clear()  # bounded memory: what recurs is soon there again
            escaped = text.translate(_XML_ESCAPES)
            # The same object when nothing changed: the cache then costs only its entry.
            result = self.cache[text] = text if escaped == text else escaped
        return result

    def flush(self) -> None:
        self.out.write("".join(self.buffer).encode("utf-8"))
        self.buffer = []

    def close(self) -> None:
        self.buffer.append(
            '</sheetData><printOptions gridLines="1"/>'
            '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" '
            'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" '
            'fitToHeight="0"/></worksheet>'
        )
        self.flush()


_LETTERS: list[str] = []


def _letters(count: int) -> list[str]:
    """The letters of the first `count` columns (A, B, ..., Z, AA, ...)."""
    while len(_LETTERS) < count:
        n, letters = len(_LETTERS) + 1, ""
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(65 + rest) + letters
        _LETTERS.append(letters)
    return _LETTERS


def _serial(day: date) -> int:
    """A date as Excel's day number."""
    return day.toordinal() - _EPOCH_ORDINAL


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DECIMAL_FORMAT}"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE5F0"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class _Writer:
    """The sheets of one workbook, streamed into its archive, and the texts looked up once."""

    def __init__(self, zf: zipfile.ZipFile, t: Translator) -> None:
        self.zf = zf
        self.t = t
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
        self.sheet_names: list[str] = []
        self.escaped: dict[str, str] = {}
        self.cell_rests: dict[tuple[str, str | None], str] = {}
        self.figures: dict[tuple[Decimal, str | None, str | None], str] = {}
        self.title_rows: dict[int, int] = {}
        self.current: _Sheet | None = None
        self.out: IO[bytes] | None = None
        self.aside: list[tuple[int, IO[bytes]]] = []

    # --- the package ---------------------------------------------------------------------------

    def sheet(
        self,
        name: str,
        widths: Sequence[float],
        *,
        header_row: int | None = 1,
        aside: bool = False,
    ) -> _Sheet:
        """A new sheet with its widths and print setup (landscape A4, fitted to the width,
        `header_row` repeated on every page). It is written straight into the archive, the
        sheet written before it closed; or, `aside`, into a temporary file, copied in when
        `close_aside` is called, so that several can be filled at once."""
        self.sheet_names.append(self.sheet_name(name))
        index = len(self.sheet_names)
        if header_row is not None:
            self.title_rows[index - 1] = header_row
        if aside:
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close_aside
            self.aside.append((index, spool))
            # Many are filled at once: each keeps few rows in memory.
            return _Sheet(spool, widths, header_row, self.escaped, batch=50)
        self.close_current()
        self.out = self.zf.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True)
        self.current = _Sheet(self.out, widths, header_row, self.escaped)
        return self.current

    def close_current(self) -> None:
        if self.current is not None and self.out is not None:
            self.current.close()
            self.out.close()
            self.current = self.out = None

    def close_aside(self, sheets: Iterable[_Sheet]) -> None:
        """Finish the sheets written aside and copy them into the archive."""
        self.close_current()
        for sheet in sheets:
            sheet.close()
        for index, spool in self.aside:
            spool.seek(0)
            with self.zf.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as out:
                shutil.copyfileobj(spool, out, 1 << 20)
            spool.close()
        self.aside = []

    def sheet_name(self, wanted: str) -> str:
        """A valid sheet name (31 characters, no []:*?/\\), unique in the workbook."""
        taken = {n.casefold() for n in self.sheet_names}
        base = _BAD_SHEET_CHARS.sub("-", wanted).strip("'") or "-"
        name, n = base[:SHEET_NAME_LIMIT], 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        return name

    def finish(self) -> None:
        """Close the last sheet and write the workbook, its relationships and styles."""
        self.close_current()
        names = self.sheet_names
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(names, start=1)
        )
        defined = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(_quoted(names[i]))}!${row}:${row}</definedName>"
            for i, row in sorted(self.title_rows.items())
        )
        workbook = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{defined}</definedNames>" if defined else "")
            + "</workbook>"
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(names) + 1)
        )
        rels += (
            f'<Relationship Id="rId{len(names) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT_SHEET}"/>'
            for n in range(1, len(names) + 1)
        )
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        self.zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self.zf.writestr("xl/workbook.xml", workbook)
        self.zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>',
        )
        self.zf.writestr("xl/styles.xml", _STYLES)

    # --- cells ---------------------------------------------------------------------------------

    def styled(self, value: object, style: int) -> _Styled:
        return _Styled(value, style)

    def bold(self, text: str) -> _Styled:
        return _Styled(text, _Style.BOLD)

    def header(self, keys: Iterable[str], extra: Iterable[str] = ()) -> list[_Styled]:
        return [_Styled(text, _Style.HEADER) for text in [*(self.t(k) for k in keys), *extra]]

    def date_cell(self, value: date | None) -> _Styled | None:
        return None if value is None else _Styled(value, _Style.DATE)

    def number_cell(self, value: Decimal | int | None) -> _Styled | None:
        if value is None:
            return None
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        if isinstance(value, int):
            return _Styled(value, _Style.INTEGER)
        return _Styled(value, _Style.DECIMAL)

    def amount_cell(self, value: Amount | None) -> object:
        """A number cell, or text when a qualifier (gần, trên, hơn) goes with it."""
        if value is None:
            return None
        if value.qualifier is None:
            return self.number_cell(value.value)
        return self.amount_text(value)

    def amount_text(self, value: Amount, unit: str | None = None) -> str:
        return self.figure_text(value.value, value.qualifier, unit)

    def figure_text(self, value: Decimal, qualifier: str | None, unit: str | None) -> str:
        """A figure with its qualifier and unit as text; the figures recur, so each is written
        once, in a bounded cache (equal numbers are written alike: 1.0 as 1)."""
        key = (value, qualifier, unit)
        text = self.figures.get(key)
        if text is None:
            if len(self.figures) >= ESCAPE_CACHE_SIZE:
                self.figures.clear()
            text = number(self.t, value)
            if qualifier is not None:
                text = self.qualified[qualifier].replace("\x00", text)
            if unit:
                text = self.with_unit.replace("\x00", text).replace("\x01", unit)
            self.figures[key] = text
        return text

    def values_text(self, lines: Iterable[tuple[Decimal | Amount, str]]) -> str:
        """ "210 ngôi nhà; 7.050 triệu đồng"."""
        figure = self.figure_text
        return self.value_sep.join(
            figure(v.value, v.qualifier, unit) if isinstance(v, Amount) else figure(v, None, unit)
            for v, unit in lines
        )

    def deadline_cell(self, task: RegisterTask) -> object:
        return self.ongoing if task.original_due is None else self.date_cell(task.original_due)

    # --- sheets --------------------------------------------------------------------------------

    def summary(self, status: ProgramStatus) -> None:
        t = self.t
        ws = self.sheet(
            t("xlsx-sheet-summary"), (26, 16, 12, 14, 14, 16, 16, 22, 30), header_row=None
        )
        ws.append([self.styled(t("xlsx-title", program=status.program), _Style.TITLE)])
        ws.append([status.title])
        ws.append([t("xlsx-as-of", date=date_text(t, status.as_of))])
        if status.org is not None:
            names = {o.code: o.name for o in status.organizations}
            ws.append([t("xlsx-org-view", org=status.org, name=names.get(status.org, status.org))])
        kinds = [k for k, s in status.kinds.items() if s.total]
        parts = [
            t(f"headline-part-{k}", done=status.kinds[k].done, total=status.kinds[k].total)
            for k in kinds
        ]
        if parts:
            ws.append([self.bold(t("xlsx-headline", parts=self.sep.join(parts)))])

        ws.append([])
        ws.append([self.bold(t("xlsx-kinds-title"))])
        ws.append(self.header((
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
            ws.append([self.bold(t("xlsx-orgs-title"))])
            ws.append(self.header((
                "xlsx-col-org", "xlsx-col-registered", "xlsx-col-total", "xlsx-col-on-time",
                "xlsx-col-late", "xlsx-col-in-progress", "xlsx-col-overdue",
                "xlsx-col-overdue-count", "xlsx-col-overdue-tasks",
            )))  # fmt: skip
            for o in orgs:
                codes = self.sep.join(o.overdue_tasks)
                if o.overdue_count > len(o.overdue_tasks):
                    more = t("status-and-more", count=o.overdue_count - len(o.overdue_tasks))
                    codes += self.sep + more
                ws.append([
                    o.code, f"{o.registered_done}/{o.registered_total}", o.registered_total,
                    o.registered_on_time, o.registered_late, o.registered_in_progress,
                    o.registered_overdue, o.overdue_count, codes or None,
                ])  # fmt: skip

        ws.append([])
        if status.overdue:
            ws.append([self.bold(t("xlsx-overdue-title", count=status.overdue_count))])
            ws.append(self.header((
                "xlsx-col-code", "xlsx-col-lead", "xlsx-col-deadline", "xlsx-col-days-late",
                "xlsx-col-extended", "xlsx-col-title",
            )))  # fmt: skip
            for line in status.overdue:
                ws.append([
                    line.code, line.lead, self.date_cell(line.deadline), line.days_late,
                    self.date_cell(line.due if line.due != line.deadline else None), line.title,
                ])  # fmt: skip
            if status.overdue_count > len(status.overdue):
                rest = status.overdue_count - len(status.overdue)
                ws.append([t("xlsx-overdue-more", count=rest, sheet=t("xlsx-sheet-tasks"))])
        else:
            ws.append([t("xlsx-overdue-none")])

        ws.append([])
        ws.append([self.bold(t("xlsx-totals-title"))])
        if status.program_totals and status.org is None:
            ws.append(self.header((
                "xlsx-col-indicator", "xlsx-col-value", "xlsx-col-unit", "xlsx-col-qualifier",
            )))  # fmt: skip
            for total in status.program_totals:
                ws.append([
                    total.indicator, self.number_cell(total.total.value), total.unit,
                    self.amount_text(total.total, total.unit),
                ])  # fmt: skip
        else:
            ws.append([t("xlsx-totals-none")])

    def tasks(self, register: TaskRegister) -> None:
        """The sheet of all tasks and, filled in the same pass, one per organization: the tasks
        it leads or is named a partner on, and those open to all (partners: all) that it has
        reported figures on. A task's cells are made once for all the sheets it is on."""
        t = self.t
        ws = self.sheet(t("xlsx-sheet-tasks"), (6, 10, 14, 50, 10, 24, 12, 12, 18, 9, 12, 24, 30))
        ws.append(self.header((
            "xlsx-col-number", "xlsx-col-code", "xlsx-col-kind", "xlsx-col-title",
            "xlsx-col-lead", "xlsx-col-partners", "xlsx-col-deadline", "xlsx-col-extended",
            "xlsx-col-status", "xlsx-col-days-late", "xlsx-col-done-on", "xlsx-col-targets",
            "xlsx-col-results",
        )))  # fmt: skip
        org_sheets: dict[str, _Sheet] = {}
        for code, name in register.organizations:
            if register.org is not None and code != register.org:
                continue
            sheet = self.sheet(
                code, (6, 10, 14, 10, 50, 12, 12, 18, 9, 12, 26, 30), header_row=2, aside=True
            )
            sheet.append([
                self.bold(t("xlsx-org-sheet-title", org=code, name=name,
                            date=date_text(t, register.as_of))),
            ])  # fmt: skip
            sheet.append(self.header((
                "xlsx-col-number", "xlsx-col-code", "xlsx-col-kind", "xlsx-col-role",
                "xlsx-col-title", "xlsx-col-deadline", "xlsx-col-extended", "xlsx-col-status",
                "xlsx-col-days-late", "xlsx-col-done-on", "xlsx-col-own-results",
                "xlsx-col-results",
            )))  # fmt: skip
            org_sheets[code] = sheet
        lead_cell, partner_cell = (
            ws.cells([t(key)], 3, ROW) for key in ("xlsx-role-lead", "xlsx-role-partner")
        )

        for task in register.tasks:
            kind, status = (
                self.kind_words.get(task.kind, task.kind),
                self.status_words[task.status],
            )
            deadline, extended = self.deadline_cell(task), self.date_cell(task.extended)
            done_on, result = self.date_cell(task.done_on), self.results_text(task)
            ws.append([
                task.number, task.code, kind, task.title, task.lead,
                self.all_partners if task.partners_all else self.sep.join(task.partners) or None,
                deadline, extended, status, task.days_late or None, done_on,
                self.targets_text(task.indicators), result,
            ])  # fmt: skip
            involved: Iterable[str] = (task.lead, *task.partners)
            if task.partners_all:
                reported = {code for x in task.indicators for code, _ in x.by_org}
                involved = (task.lead, *(reported - {task.lead}))
            shared: tuple[str, str, str] | None = None
            # Each organization's own figures, (figure, unit) in indicator order.
            owns: dict[str, list[tuple[Amount, str]]] = {}
            for x in task.indicators:
                for code, a in x.by_org:
                    own_lines = owns.get(code)
                    if own_lines is None:
                        owns[code] = [(a, x.unit)]
                    else:
                        own_lines.append((a, x.unit))
            for org in involved:
                target = org_sheets.get(org)
                if target is None:
                    continue
                if shared is None:
                    shared = (
                        target.cells([task.code, kind], 1, ROW),
                        target.cells(
                            [task.title, deadline, extended, status, task.days_late or None,
                             done_on], 4, ROW,
                        ),
                        target.cells([result], 11, ROW),
                    )  # fmt: skip
                own_lines = owns.get(org)
                own = self.values_text(own_lines) or None if own_lines else None
                target.append_parts((
                    f'<c r="A{ROW}"><v>{target.row - 1}</v></c>', shared[0],
                    lead_cell if org == task.lead else partner_cell, shared[1],
                    "" if own is None else f'<c r="K{ROW}" t="inlineStr"><is><t '
                    f'xml:space="preserve">{target.escaped(own)}</t></is></c>',
                    shared[2],
                ))  # fmt: skip
        self.close_aside(org_sheets.values())

    def targets_text(self, lines: Sequence[RegisterIndicator]) -> str | None:
        text = self.values_text((x.target, x.unit) for x in lines if x.target is not None)
        return text or None

    def results_text(self, task: RegisterTask) -> str | None:
        text = self.values_text((x.total, x.unit) for x in task.indicators if x.total is not None)
        if task.counts_toward and text:
            text += " " + self.t("xlsx-counts-toward", task=task.counts_toward)
        return text or None

    def amount_rest(self, ws: _Sheet, value: Amount) -> str:
        """The cell of `amount_cell(value)` after its reference (' s="2"><v>7</v></c>')."""
        key = (str(value.value), value.qualifier)  # 1.5 and 1.50 are written differently
        rest = self.cell_rests.get(key)
        if rest is None:
            if len(self.cell_rests) >= ESCAPE_CACHE_SIZE:
                self.cell_rests.clear()
            rest = self.cell_rests[key] = ws.cells([self.amount_cell(value)], 0, "")[
                len('<c r="A"') :
            ]
        return rest

    def indicators(self, register: TaskRegister) -> None:
        """One row per task and indicator with figures or a target; one column per
        organization (those that reported any figure)."""
        t = self.t
        reporting = {
            code for task in register.tasks for x in task.indicators for code, _ in x.by_org
        }
        orgs = [code for code, _ in register.organizations if code in reporting]
        column_of = {code: n for n, code in enumerate(orgs, start=7)}
        ws = self.sheet(
            t("xlsx-sheet-indicators"), (6, 10, 12, 16, 12, 12, 14, *([10] * len(orgs)))
        )
        ws.append(self.header((
            "xlsx-col-number", "xlsx-col-task", "xlsx-col-indicator", "xlsx-col-unit",
            "xlsx-col-target", "xlsx-col-total-value", "xlsx-col-qualifier",
        ), orgs))  # fmt: skip
        letters = _letters(7 + len(orgs))
        n = 0
        for task in register.tasks:
            for x in task.indicators:
                n += 1
                total = x.total
                row: list[object] = [
                    n, task.code, x.indicator, x.unit, self.number_cell(x.target),
                    None if total is None else self.number_cell(total.value),
                    None if total is None or total.qualifier is None
                    else self.amount_text(total, x.unit),
                ]  # fmt: skip
                if not x.by_org:
                    ws.append(row)
                    continue
                # The organizations' columns are mostly empty: only the filled ones are made,
                # each from the figure's cell made once (in a bounded cache).
                more = sorted((column_of[code], a) for code, a in x.by_org)
                ws.append_parts((
                    ws.cells(row, 0, ROW),
                    *(f'<c r="{letters[c]}{ROW}"{self.amount_rest(ws, a)}' for c, a in more),
                ))  # fmt: skip


def _quoted(sheet: str) -> str:
    """A sheet name as formulas write it: in quotes, its own quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"
