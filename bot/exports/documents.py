"""The three review documents of a program as of a date, by kind: the status workbook (xlsx),
the review report draft (docx) and the status chart (png). One entry point for the command line
and the chat, so both make exactly the same files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO, Literal

from sqlmodel import Session

from bot.i18n import Translator
from storage.registers import task_register
from storage.summaries import program_status

Kind = Literal["status", "review", "chart"]
KINDS: tuple[Kind, ...] = ("status", "review", "chart")
SUFFIX: dict[Kind, str] = {"status": ".xlsx", "review": ".docx", "chart": ".png"}


def file_name(kind: Kind, program_code: str, as_of: date) -> str:
    """A file name that says what and when: `tinh-hinh_CTPH-2019_2019-06-14.xlsx`."""
    stem = {"status": "tinh-hinh", "review": "bao-cao", "chart": "bieu-do"}[kind]
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in program_code)
    return f"{stem}_{safe}_{as_of.isoformat()}{SUFFIX[kind]}"


def write_document(
    *,
    session: Session,
    kind: Kind,
    program_code: str,
    as_of: date,
    t: Translator,
    path_or_stream: str | Path | IO[bytes],
    period_code: str | None = None,
) -> None:
    """Write one document of the program as of a date."""
    # python-docx, openpyxl and matplotlib take a second or more to import: loaded with the
    # first document asked for, not at every start of the bot (a restart serves sooner).
    from bot.exports.chart import render_chart, status_chart
    from bot.exports.review import build_review
    from bot.exports.status_workbook import write_status_workbook

    if kind == "review":
        build_review(
            session=session,
            program_code=program_code,
            as_of=as_of,
            t=t,
            path_or_stream=path_or_stream,
            period_code=period_code,
        )
        return
    status = program_status(session=session, program_code=program_code, as_of=as_of)
    if kind == "chart":
        render_chart(status_chart(status, t), t, path_or_stream)
        return
    register = task_register(session=session, program_code=program_code, as_of=as_of)
    write_status_workbook(status, register, t, path_or_stream)
