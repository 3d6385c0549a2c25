"""The draft of a period's review report (báo cáo sơ kết / tổng kết) as a Word document.

The form is the Party's (36-HD/VPTW): issuing body in capitals with a `*` under it and the
number on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and the place and date in words on the
right, "BÁO CÁO" and the subject centered, sections I-V, the signature block and the recipients,
then the appendix table of every task in a landscape section; the State form (Nghị định 30/2020)
when the program's `document_form` is "state". Times New Roman, A4. Every text comes from the
catalogs (`bot/locales/*/review.ftl`); dates in running text are written 14-6-2019.

The body is laid out with python-docx. The appendix may have 100,000 rows, far too many for
python-docx's row by row API: one prepared row is laid out with python-docx, and the saved
document's XML gets all rows as text made from that row, split at the cells' placeholders.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from sqlmodel import Session

from bot.i18n import Translator
from bot.render import amount, number
from storage.review import AppendixRow, ReviewFacts, review_facts
from storage.rules import Status, percent
from storage.summaries import ProgramStatus, program_status
from storage.vietnamese import format_date, format_number

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
# Lists in the body are cut to this many lines; the appendix has every task.
BODY_LIST_LIMIT = 100
APPENDIX_WIDTHS_CM = (1.2, 8.8, 2.2, 3.6, 3.0, 5.2, 3.2)  # 27.2 cm: A4 landscape less margins
_PLACEHOLDER = "\ue000{}\ue001"
_PLACEHOLDER_RE = re.compile("\ue000(\\d)\ue001")
# Characters XML 1.0 does not allow (a title pasted from anywhere may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CELL_PROPS = re.compile("<w:tcPr>.*?</w:tcPr>")
_ROW_START = re.compile("<w:tr[ >]")
_FIGURES_COLUMN = 5
_ROWS_PER_WRITE = 2000
_LINE_BREAK = '</w:t></w:r><w:r>{rpr}<w:br/><w:t xml:space="preserve">'


def write_review(
    status: ProgramStatus,
    facts: ReviewFacts,
    t: Translator,
    path_or_stream: str | Path | IO[bytes],
) -> None:
    """Write the review draft of `facts.period` as of `status.as_of` (a `program_status` of
    the whole program, with or without a list limit) to a path or a binary stream."""
    doc = Document()
    _setup(doc)
    _heading(doc, facts, t)
    _leadership(doc, facts, t)
    _results(doc, status, facts, t)
    _assessment(doc, status, facts, t)
    _directions(doc, facts, t)
    _heading_paragraph(doc, t("review-section-recommendations"))
    _body(doc, t("review-recommendations-text"))
    _signature(doc, facts, t)
    _appendix(doc, facts, t)
    buffer = io.BytesIO()
    doc.save(buffer)
    _write_with_rows(buffer, facts.appendix, t, path_or_stream)


def build_review(
    *,
    session: Session,
    program_code: str,
    as_of: date,
    t: Translator,
    path_or_stream: str | Path | IO[bytes],
    period_code: str | None = None,
) -> ReviewFacts:
    """Read the status and the review's facts as of a date in one session and write the draft;
    the status's lists are cut to what the body shows (the appendix has every task)."""
    status = program_status(
        session=session, program_code=program_code, as_of=as_of, limit=BODY_LIST_LIMIT
    )
    facts = review_facts(
        session=session,
        program_code=program_code,
        period_code=period_code,
        as_of=as_of,
        next_limit=BODY_LIST_LIMIT,
    )
    write_review(status, facts, t, path_or_stream)
    return facts


# --- layout helpers -----------------------------------------------------------------------------


def _setup(doc: Any) -> None:
    """A4 portrait with the administrative margins; Times New Roman 14 pt everywhere."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.space_before = Pt(0)


def _paragraph(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Any = None,
    size: float | None = None,
    space_after: float | None = None,
) -> Any:
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _body(doc: Any, text: str) -> Any:
    """A paragraph of running text: justified, first line indented."""
    paragraph = _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def _heading_paragraph(doc: Any, text: str) -> Any:
    paragraph = _paragraph(doc, text, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_before = Pt(6)
    return paragraph


def _sub_heading(doc: Any, text: str) -> Any:
    paragraph = _heading_paragraph(doc, text)
    paragraph.runs[0].italic = True
    return paragraph


def _no_borders(table: Any) -> None:
    """No borders around or inside the table (the heading and the signature block)."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props = table._tbl.tblPr
    # The schema's order: tblBorders comes before these.
    later = [props.find(qn(f"w:{name}")) for name in _AFTER_BORDERS]
    successor = next((element for element in later if element is not None), None)
    if successor is None:
        props.append(borders)
    else:
        successor.addprevious(borders)


_AFTER_BORDERS = ("shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _cell(table: Any, row: int, col: int, width_cm: float) -> Any:
    cell = table.cell(row, col)
    cell.width = Cm(width_cm)
    return cell


def _party_date(day: date) -> str:
    return format_date(day, style="party")


def _date_words(t: Translator, day: date) -> str:
    return format_date(day, style="words", lang=t.lang)


def _sep(t: Translator) -> str:
    return t("list-separator")


# --- the sections -------------------------------------------------------------------------------


def _heading(doc: Any, facts: ReviewFacts, t: Translator) -> None:
    """The heading table, "BÁO CÁO" and the subject."""
    state = facts.document_form == "state"
    place = facts.place
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = _cell(table, 0, 0, 6.8), _cell(table, 0, 1, 9.2)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    issuer = t(
        "review-issuer-state" if state else "review-issuer-party",
        level=facts.level or "province",
        place=place.upper(),
    )
    run = left.paragraphs[0].add_run(issuer)
    run.font.size = Pt(13)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(left, facts.committee_name.upper(), bold=True, align=center, size=13,
               space_after=0)  # fmt: skip
    if not state:
        _paragraph(left, t("review-star"), align=center, size=13, space_after=0)
    _paragraph(left, t("review-number-state" if state else "review-number-party"),
               align=center, size=13)  # fmt: skip
    if state:
        right.paragraphs[0].alignment = center
        run = right.paragraphs[0].add_run(t("review-state-name"))
        run.bold, run.font.size = True, Pt(13)
        _paragraph(right, t("review-state-motto"), bold=True, underline=True, align=center,
                   space_after=6)  # fmt: skip
    else:
        right.paragraphs[0].alignment = center
        run = right.paragraphs[0].add_run(t("review-party-name"))
        run.bold, run.underline, run.font.size = True, True, Pt(15)
        right.paragraphs[0].paragraph_format.space_after = Pt(6)
    day = t("review-place-date", place=place, date=_date_words(t, facts.as_of))
    _paragraph(right, day, italic=True, align=center)

    _paragraph(doc, "", space_after=0)
    _paragraph(doc, t("review-title"), bold=True, align=center, size=15, space_after=0)
    if facts.period is not None:
        subject = t(
            "review-subject",
            final="yes" if facts.final else "no",
            period=facts.period.name,
            program=facts.title,
        )
    else:
        subject = t("review-subject-no-period", program=facts.title,
                    date=_party_date(facts.as_of))  # fmt: skip
    _paragraph(doc, subject, bold=True, align=center, space_after=0)
    _paragraph(doc, "-----", align=center)


def _leadership(doc: Any, facts: ReviewFacts, t: Translator) -> None:
    _heading_paragraph(doc, t("review-section-leadership"))
    document = t("review-document", document=facts.document) if facts.document else ""
    _body(
        doc,
        t(
            "review-leadership-text",
            program=facts.title,
            document=document,
            committee=facts.committee_name,
        ),
    )


_KINDS = ("common", "registered", "focus")


def _codes_by_status(facts: ReviewFacts) -> dict[tuple[str, Status], list[str]]:
    result: dict[tuple[str, Status], list[str]] = {}
    for row in facts.appendix:
        if row.status in (Status.DONE_LATE, Status.OVERDUE):
            result.setdefault((row.kind, row.status), []).append(row.code)
    return result


def _codes(t: Translator, codes: Sequence[str]) -> str:
    if not codes or len(codes) > BODY_LIST_LIMIT:
        return ""
    return t("review-codes", codes=_sep(t).join(codes))


def _results(doc: Any, status: ProgramStatus, facts: ReviewFacts, t: Translator) -> None:
    """II: the x/y sentence, the four-way split per kind, figures, organizations."""
    _heading_paragraph(doc, t("review-section-results"))
    kinds = [k for k in _KINDS if k in status.kinds and status.kinds[k].total]
    as_of = _party_date(status.as_of)
    if not kinds:
        _body(doc, t("review-results-none", date=as_of))
        return
    parts = [
        t(f"review-part-{k}", done=str(status.kinds[k].done), total=str(status.kinds[k].total))
        for k in kinds
    ]
    _body(doc, t("review-results-headline", date=as_of, parts=_sep(t).join(parts)))
    codes = _codes_by_status(facts)
    for k in kinds:
        s = status.kinds[k]
        rate_value = percent(s.done, s.due)
        rate = (
            t("review-rate-none")
            if rate_value is None
            else t("review-rate", done=str(s.done), due=str(s.due),
                   percent=number(t, rate_value))
        )  # fmt: skip
        _body(
            doc,
            t(
                "review-split",
                kind=t(f"review-kind-{k}"),
                on_time=str(s.on_time),
                late=str(s.late),
                late_codes=_codes(t, codes.get((k, Status.DONE_LATE), [])),
                in_progress=str(s.in_progress),
                overdue=str(s.overdue),
                overdue_codes=_codes(t, codes.get((k, Status.OVERDUE), [])),
                rate=rate,
            ).rstrip(),
        )

    # Figures of the common tasks (every task's are in the appendix).
    with_figures = [
        row
        for row in facts.appendix
        if row.kind == "common" and any(f.result is not None for f in row.figures)
    ]
    if with_figures:
        _body(doc, t("review-figures-title"))
        for row in with_figures[:BODY_LIST_LIMIT]:
            values = []
            for figure in row.figures:
                if figure.result is None:
                    continue
                text = amount(t, figure.result, figure.unit)
                if figure.target is not None:
                    text = t("review-value-target", value=text, target=number(t, figure.target))
                values.append(text)
            line = t("review-figure-line", code=row.code, title=row.title,
                     values=_sep(t).join(values))  # fmt: skip
            _body(doc, line)
        if len(with_figures) > BODY_LIST_LIMIT:
            _body(
                doc, t("review-more-see-appendix", count=str(len(with_figures) - BODY_LIST_LIMIT))
            )
    elif status.kinds.get("common") and status.kinds["common"].total:
        _body(doc, t("review-figures-none"))

    orgs = [o for o in status.organizations if o.registered_total]
    if orgs:
        _body(doc, t("review-orgs-title"))
        for o in orgs:
            overdue = ""
            if o.registered_overdue and o.overdue_tasks:
                shown = _sep(t).join(o.overdue_tasks[:10])
                if o.overdue_count > 10:
                    shown += "…"
                overdue = t("review-org-overdue", codes=shown)
            _body(
                doc,
                t(
                    "review-org-line",
                    name=o.name,
                    code=o.code,
                    done=str(o.registered_done),
                    total=str(o.registered_total),
                    overdue=overdue,
                ),
            )
    contributors = [o.code for o in status.organizations if o.common_contributions]
    if contributors:
        _body(doc, t("review-org-contributions", orgs=_sep(t).join(contributors)))


def _assessment(doc: Any, status: ProgramStatus, facts: ReviewFacts, t: Translator) -> None:
    """III: strengths (templated), limitations: overdue tasks and the difficulties raised."""
    _heading_paragraph(doc, t("review-section-assessment"))
    _sub_heading(doc, t("review-strengths-title"))
    done = sum(k.done for k in status.kinds.values())
    total = sum(k.total for k in status.kinds.values())
    due = sum(k.due for k in status.kinds.values())
    rate_value = percent(done, due)
    rate = (
        t("review-strengths-no-rate")
        if rate_value is None
        else t("review-strengths-rate", percent=number(t, rate_value))
    )
    _body(doc, t("review-strengths-text", done=str(done), total=str(total), rate=rate))

    _sub_heading(doc, t("review-limitations-title"))
    count = status.overdue_count or len(status.overdue)
    if count:
        _body(doc, t("review-overdue-intro", count=str(count)))
        for line in status.overdue[:BODY_LIST_LIMIT]:
            _body(
                doc,
                t(
                    "review-overdue-line",
                    code=line.code,
                    title=line.title,
                    lead=line.lead,
                    deadline=_party_date(line.deadline),
                    days=str(line.days_late),
                ),
            )
        shown = min(len(status.overdue), BODY_LIST_LIMIT)
        if count > shown:
            _body(doc, t("review-more", count=str(count - shown)))
    else:
        _body(doc, t("review-overdue-none"))
    if facts.difficulties:
        _body(doc, t("review-difficulties-intro"))
        for d in facts.difficulties[:BODY_LIST_LIMIT]:
            text = d.text + (t("review-difficulty-task", task=d.task) if d.task else "")
            _body(doc, t("review-difficulty-line", org=d.org_name, text=text))
        if len(facts.difficulties) > BODY_LIST_LIMIT:
            _body(doc, t("review-more", count=str(len(facts.difficulties) - BODY_LIST_LIMIT)))
    else:
        _body(doc, t("review-difficulties-none"))
    _body(doc, t("review-causes"))


def _directions(doc: Any, facts: ReviewFacts, t: Translator) -> None:
    """IV: the next period's tasks."""
    if facts.next_period is not None:
        title = t("review-section-directions", period=facts.next_period.name.upper())
    else:
        title = t("review-section-directions-plain")
    _heading_paragraph(doc, title)
    if not facts.next_tasks:
        _body(doc, t("review-next-none"))
        return
    _body(doc, t("review-directions-text"))
    for task in facts.next_tasks[:BODY_LIST_LIMIT]:
        deadline = (
            _party_date(task.due) if task.deadline is not None else t("review-deadline-ongoing")
        )
        _body(doc, t("review-next-line", code=task.code, title=task.title, lead=task.lead,
                     deadline=deadline))  # fmt: skip
    shown = min(len(facts.next_tasks), BODY_LIST_LIMIT)
    if facts.next_tasks_count > shown:
        _body(doc, t("review-more-see-appendix", count=str(facts.next_tasks_count - shown)))


def _signature(doc: Any, facts: ReviewFacts, t: Translator) -> None:
    """Recipients bottom left, the signer bottom right."""
    _paragraph(doc, "")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    left, right = _cell(table, 0, 0, 8), _cell(table, 0, 1, 8)
    paragraph = left.paragraphs[0]
    run = paragraph.add_run(t("review-recipients-title"))
    run.bold, run.italic, run.underline, run.font.size = True, True, True, Pt(12)
    paragraph.paragraph_format.space_after = Pt(0)
    lines = []
    for org in (facts.chair_org, facts.standing_org):
        name = facts.org_names.get(org or "")
        if name and t("review-recipient-line", name=name) not in lines:
            lines.append(t("review-recipient-line", name=name))
    lines += [t("review-recipients-members"), t("review-recipients-file")]
    for line in lines:
        _paragraph(left, line, size=11, space_after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].alignment = center
    run = right.paragraphs[0].add_run(t("review-sign-for"))
    run.bold = True
    right.paragraphs[0].paragraph_format.space_after = Pt(0)
    _paragraph(right, t("review-sign-title"), bold=True, align=center, space_after=60)
    _paragraph(right, t("review-sign-name"), bold=True, align=center)


# --- the appendix -------------------------------------------------------------------------------


def _appendix(doc: Any, facts: ReviewFacts, t: Translator) -> None:
    """The landscape section with the appendix table: its header row, and one prepared row whose
    cells hold placeholders, which `_write_with_rows` replaces by every task's row."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(1.5), Cm(1)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, t("review-appendix-title"), bold=True, align=center, space_after=0)
    _paragraph(
        doc,
        t("review-appendix-subtitle", program=facts.title, date=_party_date(facts.as_of)),
        bold=True,
        align=center,
        space_after=0,
    )
    _paragraph(doc, t("review-appendix-caption", committee=facts.committee_name), italic=True,
               align=center)  # fmt: skip

    headers = [
        t(key)
        for key in (
            "review-col-number", "review-col-task", "review-col-lead", "review-col-partners",
            "review-col-deadline", "review-col-figures", "review-col-status",
        )
    ]  # fmt: skip
    table = doc.add_table(rows=2, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for n, width in enumerate(APPENDIX_WIDTHS_CM):
        table.columns[n].width = Cm(width)
    # The cells' looks are paragraph styles, so that each of the many rows stays small.
    left = doc.styles.add_style("Appendix cell", WD_STYLE_TYPE.PARAGRAPH)
    left.base_style = doc.styles["Normal"]
    left.font.size = Pt(TABLE_PT)
    left.paragraph_format.space_after = Pt(0)
    left.paragraph_format.first_line_indent = Cm(0)
    middle = doc.styles.add_style("Appendix cell centered", WD_STYLE_TYPE.PARAGRAPH)
    middle.base_style = left
    middle.paragraph_format.alignment = center
    for n, text in enumerate(headers):
        header = _cell(table, 0, n, APPENDIX_WIDTHS_CM[n]).paragraphs[0]
        header.style = middle
        header.add_run(text).bold = True
        prepared = table.cell(1, n).paragraphs[0]
        prepared.style = middle if n in (0, 2, 4) else left
        prepared.add_run(_PLACEHOLDER.format(n))
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_props.append(repeat)  # the header row repeats on every page


class _RowText:
    """The seven cells of tasks' rows as XML text, fast: each catalog message is formatted
    once with markers and then filled in by `str.format`, not by Fluent per row."""

    def __init__(self, t: Translator, line_break: str) -> None:
        self.t = t
        self.sep = _sep(t)
        self.line_break = line_break
        self.partners_all = _xml_text(t("review-partners-all"))
        self.ongoing = t("review-deadline-ongoing")
        self.extended = _pattern(t, "review-deadline-extended", "deadline", "extended")
        self.both = _pattern(t, "review-figure-both", "target", "result", "unit")
        self.target = _pattern(t, "review-figure-target", "target", "unit")
        self.result = _pattern(t, "review-figure-result", "result", "unit")
        self.overdue = _xml_text(_pattern(t, "review-status-overdue", "days"))
        self.status = {s: _xml_text(t(f"review-status-{s.value}", days="0")) for s in Status}
        self.lang = t.lang
        self.group = format_number(1000, lang=t.lang)[1]

    def number(self, value: Decimal) -> str:
        """`format_number`, quicker for whole numbers (most figures)."""
        whole = int(value)
        if whole == value:
            return f"{whole:,}".replace(",", self.group)
        return format_number(value, lang=self.lang)

    def cells(self, row: AppendixRow) -> tuple[str, ...]:
        """STT, task, lead, partners, deadline, targets/results, status (escaped for XML)."""
        deadline = self.ongoing if row.deadline is None else format_date(row.deadline)
        if row.extended is not None:
            deadline = self.extended.format(deadline, format_date(row.extended))
        figures = []
        for f in row.figures:
            target = None if f.target is None else self.number(f.target)
            if f.result is None:
                result = None
            elif f.result.qualifier is None:
                result = self.number(f.result.value)
            else:
                result = amount(self.t, f.result)
            if target is not None and result is not None:
                figures.append(self.both.format(target, result, f.unit))
            elif target is not None:
                figures.append(self.target.format(target, f.unit))
            elif result is not None:
                figures.append(self.result.format(result, f.unit))
        return (
            str(row.number),
            _xml_text(f"{row.code}. {row.title}"),
            row.lead,
            self.partners_all if row.partners_all else self.sep.join(row.partners),
            _xml_text(deadline),
            self.line_break.join([_xml_text(f) for f in figures]),
            self.overdue.format(row.days_late) if row.status is Status.OVERDUE
            else self.status[row.status],
        )  # fmt: skip


def _pattern(t: Translator, key: str, *names: str) -> str:
    """A catalog message as a `str.format` pattern of its parameters, in the order given."""
    markers = {name: f"\ue002{n}\ue003" for n, name in enumerate(names)}
    text = t(key, **markers).replace("{", "{{").replace("}", "}}")
    for n in range(len(names)):
        text = text.replace(f"\ue002{n}\ue003", f"{{{n}}}")
    return text


def _xml_text(text: str) -> str:
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    return escape(text)


def _write_with_rows(
    saved: io.BytesIO,
    rows: Sequence[AppendixRow],
    t: Translator,
    path_or_stream: str | Path | IO[bytes],
) -> None:
    """Copy the saved document, its prepared appendix row replaced by one row per task."""
    saved.seek(0)
    with zipfile.ZipFile(saved) as source:
        document = source.read("word/document.xml").decode("utf-8")
        marker = document.index(_PLACEHOLDER.format(0))
        start = max(m.start() for m in _ROW_START.finditer(document, 0, marker))
        end = document.index("</w:tr>", marker) + len("</w:tr>")
        # The rows' cells take their widths from the table's grid.
        row = _CELL_PROPS.sub("", document[start:end])
        pieces = _PLACEHOLDER_RE.split(row)  # static, "0", static, ... static
        statics = [p.replace("{", "{{").replace("}", "}}") for p in pieces[0::2]]
        template = statics[0] + "".join(
            f"{{{n}}}{static}" for n, static in zip(pieces[1::2], statics[1:], strict=True)
        )
        figures_at = pieces[1::2].index(str(_FIGURES_COLUMN))
        text = _RowText(t, _line_break(pieces[2 * figures_at]))
        target = zipfile.ZipFile(path_or_stream, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        with target:
            for info in source.infolist():
                if info.filename != "word/document.xml":
                    target.writestr(info.filename, source.read(info.filename))
                    continue
                # Written in pieces: the rows never make one big string.
                with target.open(info.filename, "w") as out:
                    out.write(document[:start].encode("utf-8"))
                    for first in range(0, len(rows), _ROWS_PER_WRITE):
                        batch = rows[first : first + _ROWS_PER_WRITE]
                        body = "".join([template.format(*text.cells(row)) for row in batch])
                        out.write(body.encode("utf-8"))
                    out.write(document[end:].encode("utf-8"))


def _line_break(before: str) -> str:
    """A line break inside a cell's text: end the run, break, start a run like it."""
    run_start = max(m.start() for m in re.finditer("<w:r[ >]", before))
    props = re.search(r"<w:rPr>.*?</w:rPr>", before[run_start:])
    return _LINE_BREAK.format(rpr=props.group(0) if props else "")
