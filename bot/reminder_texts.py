"""The texts of the messages the bot sends by itself (`reminders.messages` kinds), rendered at
send time from an outbox row's payload, in the recipient's language (else the program's), from
the catalog `reminders.ftl`.

Short enough for a phone, polite, and each ends with the command to act. Everything that comes
from the plan or from people (codes, titles, names) is escaped: the text is Telegram HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from bot.chat import esc
from bot.i18n import Translator, translator
from bot.render import date_text, status_heading
from reminders.messages import (
    COMPLETION,
    DEADLINE,
    DIGEST,
    ESCALATION,
    MISSING_REPORTS,
    OVERDUE,
    REPORT_CALL,
    Outgoing,
)
from storage.database import Database
from storage.models import Program
from storage.summaries import program_status

I18n = Callable[[str | None], Translator]


def render_outgoing(message: Outgoing, *, database: Database, i18n: I18n = translator) -> str:
    """The HTML text of an outgoing message, in its recipient's language.

    `i18n` gives the translator of a language code (`bot.i18n.translator`). The database is read
    for the program's language when the message has none, and for the digest's counts.
    """
    if message.kind not in _RENDERERS:
        raise ValueError(f"no text for messages of kind {message.kind!r}")
    with database.read() as session:
        program = session.get(Program, message.program_id)
        if program is None:
            raise ValueError(f"outgoing message {message.id}: no program {message.program_id}")
        t = i18n(message.language or program.language)
        if message.kind == DIGEST:
            as_of = date.fromisoformat(str(message.payload["as_of"]))
            status = program_status(session=session, program_code=program.code, as_of=as_of)
            lines = [t("reminder-digest-title"), *map(esc, status_heading(status, t))]
            lines += [
                t("reminder-digest-overdue", count=status.overdue_count),
                "",
                t("reminder-digest-act"),
            ]
            return "\n".join(lines)
    return "\n".join(_RENDERERS[message.kind](t, message.payload))


def _day(t: Translator, value: Any) -> str:
    return date_text(t, date.fromisoformat(str(value)))


def _days(t: Translator, value: Any) -> str:
    return t("reminder-days", days=int(value))


def _task(p: dict[str, Any]) -> dict[str, str]:
    return {"task": esc(p["task"]), "title": esc(p["title"])}


def _deadline(t: Translator, p: dict[str, Any]) -> list[str]:
    lead = p.get("role", "lead") == "lead"
    due = _day(t, p["due"])
    days_left = int(p["days_left"])
    lines = [
        t("reminder-deadline-title", **_task(p)),
        t("reminder-deadline-lead" if lead else "reminder-deadline-partner"),
        t("reminder-deadline-left", due=due, days=_days(t, days_left))
        if days_left > 0
        else t("reminder-deadline-today", due=due),
    ]
    if p.get("original_due"):
        lines.append(t("reminder-deadline-extended", original=_day(t, p["original_due"]), due=due))
    act = "reminder-deadline-act-lead" if lead else "reminder-deadline-act-partner"
    lines += ["", t(act, task=esc(p["task"]))]
    return lines


def _overdue(t: Translator, p: dict[str, Any]) -> list[str]:
    return [
        t("reminder-overdue-title", days=_days(t, p["days_late"]), **_task(p)),
        t("reminder-overdue-due", due=_day(t, p["due"])),
        "",
        t("reminder-overdue-act", task=esc(p["task"])),
    ]


def _escalation(t: Translator, p: dict[str, Any]) -> list[str]:
    return [
        t("reminder-escalation-title", days=_days(t, p["days_late"]), **_task(p)),
        t(
            "reminder-escalation-lead",
            lead=esc(p["lead"]),
            lead_name=esc(p["lead_name"]),
            due=_day(t, p["due"]),
        ),
        "",
        t("reminder-escalation-act"),
    ]


def _period(p: dict[str, Any]) -> dict[str, str]:
    return {"period": esc(p["period"]), "period_name": esc(p["period_name"])}


def _report_call(t: Translator, p: dict[str, Any]) -> list[str]:
    due = _day(t, p["report_due"])
    days_left = int(p["days_left"])
    return [
        t("reminder-report-call-title", **_period(p)),
        t("reminder-report-call-left", due=due, days=_days(t, days_left))
        if days_left > 0
        else t("reminder-report-call-today", due=due),
        "",
        t("reminder-report-call-act"),
    ]


def _missing_reports(t: Translator, p: dict[str, Any]) -> list[str]:
    missing: Sequence[Sequence[str]] = p.get("missing") or []
    total = int(p["total"])
    lines = [t("reminder-missing-title", due=_day(t, p["report_due"]), **_period(p))]
    if missing:
        lines.append(t("reminder-missing-some", count=len(missing), total=total))
        lines += [
            t("reminder-missing-line", org=esc(code), name=esc(name)) for code, name in missing
        ]
    else:
        lines.append(t("reminder-missing-none", total=total))
    lines += ["", t("reminder-missing-act", period=esc(p["period"]))]
    return lines


def _completion(t: Translator, p: dict[str, Any]) -> list[str]:
    key = "reminder-completion-on-time" if p.get("on_time") else "reminder-completion-late"
    return [
        t("reminder-completion-title", **_task(p)),
        t(
            key,
            lead=esc(p["lead"]),
            lead_name=esc(p["lead_name"]),
            date=_day(t, p["completed_on"]),
        ),
        "",
        t("reminder-completion-act"),
    ]


_RENDERERS: dict[str, Callable[[Translator, dict[str, Any]], list[str]]] = {
    DEADLINE: _deadline,
    OVERDUE: _overdue,
    ESCALATION: _escalation,
    REPORT_CALL: _report_call,
    MISSING_REPORTS: _missing_reports,
    COMPLETION: _completion,
    DIGEST: lambda t, p: [],  # read from storage at send time, in render_outgoing
}
