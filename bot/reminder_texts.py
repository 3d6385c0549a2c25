"""The texts of the messages the bot sends by itself (`reminders.messages` kinds), rendered at
send time from an outbox row's payload, in the recipient's language (else the program's), from
the catalog `reminders.ftl`.

Short enough for a phone, polite, and each ends with the command to act. Everything that comes
from the plan or from people (codes, titles, names) is escaped: the text is Telegram HTML.

Also the command line's view of them: `phoihop reminders status` (the outbox) and `phoihop
reminders preview` (the policy's schedule for a range of days, nothing sent or written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.chat import esc
from bot.i18n import Translator, translator
from bot.render import date_text, status_heading
from reminders.messages import (
    COMPLETION,
    DEADLINE,
    DIGEST,
    ESCALATION,
    FAILED,
    KINDS,
    MISSING_REPORTS,
    OVERDUE,
    PENDING,
    REPORT_CALL,
    STATUSES,
    Outgoing,
    Planned,
)
from reminders.outbox import OutboxRow, RecipientName, outbox_summary, recipient_names
from reminders.policy import schedule
from reminders.snapshot import load_snapshot
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
    if message.language is not None and message.kind != DIGEST:
        # The planner gives every message its language: nothing to read on the sender's path.
        return "\n".join(_RENDERERS[message.kind](i18n(message.language), message.payload))
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


# --- the command line: `phoihop reminders status` and `preview` --------------------------------


def _local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M")


def _about(payload: dict[str, Any]) -> str:
    """What a message is about: its task or period code, else its program's."""
    return str(payload.get("task") or payload.get("period") or payload.get("program") or "")


def _names(
    t: Translator, people: dict[tuple[int, str], RecipientName]
) -> dict[tuple[int, str], str]:
    """(program id, recipient) -> "Name (ORG)", for printing."""
    return {key: t("cli-reminders-person", name=p.name, org=p.org) for key, p in people.items()}


def _recipient(t: Translator, names: dict[tuple[int, str], str], pid: int, who: str) -> str:
    if who.startswith("group:"):
        return t("cli-reminders-group")
    return names.get((pid, who)) or t("cli-reminders-unknown", recipient=who)


def outbox_status(session: Session, t: Translator, program: Program | None) -> str:
    """The outbox (of one program, or of all): counts by status and kind, the next pending
    messages and the recently failed ones with their error; times in each program's zone."""
    summary = outbox_summary(session, None if program is None else program.id)
    counts = summary.counts
    lines = [
        t("cli-reminders-title-all", count=summary.total)
        if program is None
        else t("cli-reminders-title", program=program.code, count=summary.total)
    ]
    sep = t("list-separator")
    ordered = [s for s in STATUSES if s in counts] + sorted(set(counts) - set(STATUSES))
    for status in ordered:
        by_kind = counts[status]
        kinds = sep.join(
            t("cli-reminders-kind-count", kind=_kind_name(t, k), count=by_kind[k])
            for k in [*[k for k in KINDS if k in by_kind], *sorted(set(by_kind) - set(KINDS))]
        )
        lines.append(
            t(
                "cli-reminders-status-line",
                status=_status_name(t, status),
                count=sum(by_kind.values()),
                kinds=kinds,
            )
        )
    names = _names(t, summary.names)

    def line(r: OutboxRow) -> str:
        return t(
            "cli-reminders-line",
            when=_local(r.at, r.timezone),
            kind=_kind_name(t, r.kind),
            recipient=_recipient(t, names, r.program_id, r.recipient),
            subject=_about(r.payload),
        )

    pending, failed = summary.pending, summary.failed
    pending_count, failed_count = summary.count(PENDING), summary.count(FAILED)
    lines.append("")
    if pending:
        lines.append(t("cli-reminders-next-title", count=pending_count))
        lines += [line(r) for r in pending]
        if pending_count > len(pending):
            lines.append(t("cli-reminders-more", count=pending_count - len(pending)))
    else:
        lines.append(t("cli-reminders-next-none"))
    lines.append("")
    if failed:
        lines.append(t("cli-reminders-failed-title", count=failed_count))
        for r in failed:
            lines.append(line(r))
            lines.append(t("cli-reminders-error", error=r.last_error or "-", attempts=r.attempts))
    else:
        lines.append(t("cli-reminders-failed-none"))
    return "\n".join(lines) + "\n"


def _kind_name(t: Translator, kind: str) -> str:
    return t(f"cli-reminders-kind-{kind}") if kind in KINDS else kind


def _status_name(t: Translator, status: str) -> str:
    return t(f"cli-reminders-status-{status}") if status in STATUSES else status


@dataclass(frozen=True)
class Preview:
    """What would be sent in a range of local days, without sending."""

    program: str
    zone: str
    first: date
    last: date
    messages: list[Planned]
    names: dict[tuple[int, str], str]
    program_id: int


def preview(session: Session, t: Translator, program: Program, first: date, last: date) -> Preview:
    """The policy's schedule for the local days [first, last], as the data stands now."""
    assert program.id is not None
    zone = ZoneInfo(program.timezone)
    start = datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    snapshot = load_snapshot(session, program.id, first, last)
    messages = schedule(snapshot, start, end)
    names = _names(t, recipient_names(session, [program.id], (m.recipient for m in messages)))
    return Preview(program.code, program.timezone, first, last, messages, names, program.id)


def preview_text(p: Preview, t: Translator) -> str:
    lines = [
        t(
            "cli-reminders-preview-title",
            program=p.program,
            start=date_text(t, p.first),
            end=date_text(t, p.last),
            zone=p.zone,
            count=len(p.messages),
        )
    ]
    lines += [
        t(
            "cli-reminders-line",
            when=_local(m.due_at, p.zone),
            kind=_kind_name(t, m.kind),
            recipient=_recipient(t, p.names, p.program_id, m.recipient),
            subject=_about(m.payload),
        )
        for m in p.messages
    ]
    if not p.messages:
        lines.append(t("cli-reminders-preview-none"))
    return "\n".join(lines) + "\n"


def preview_json(p: Preview, t: Translator) -> dict[str, Any]:
    zone = ZoneInfo(p.zone)
    return {
        "program": p.program,
        "from": p.first.isoformat(),
        "to": p.last.isoformat(),
        "timezone": p.zone,
        "messages": [
            {
                "at": m.due_at.astimezone(zone).isoformat(),
                "kind": m.kind,
                "recipient": m.recipient,
                "recipient_name": _recipient(t, p.names, p.program_id, m.recipient),
                "chat_id": m.chat_id,
                "subject": _about(m.payload),
                "slot": m.slot,
                "essential": m.essential,
                "language": m.language,
                "payload": m.payload,
            }
            for m in p.messages
        ],
    }
