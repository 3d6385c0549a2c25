"""Render summaries and problems to text (any language of the catalogs) and to JSON.

Pure functions of a summary and a `Translator`: the command line and the chat use the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot.i18n import Translator
from storage.documents import Issue
from storage.errors import OperationError
from storage.rules import Status, percent
from storage.summaries import Amount, IndicatorTotal, ProgramStatus
from storage.vietnamese import VietnameseParseError, format_date, format_number

# Long lists are cut in text (ask `program_status` for this many); the JSON has everything.
TEXT_LIST_LIMIT = 60
CODES_INLINE_LIMIT = 10


def number(t: Translator, value: Decimal | int) -> str:
    return format_number(value, lang=t.lang)


def amount(t: Translator, value: Amount, unit: str | None = None) -> str:
    """A value with its qualifier (gần, trên, hơn) and unit, in the user's language."""
    text = number(t, value.value)
    if value.qualifier is not None:
        text = t(f"qualifier-{value.qualifier}", value=text)
    return t("value-with-unit", value=text, unit=unit) if unit else text


def date_text(t: Translator, d: Any) -> str:
    return format_date(d, style="numeric", lang=t.lang)


def _codes(t: Translator, codes: Sequence[str]) -> str:
    if not codes or len(codes) > CODES_INLINE_LIMIT:
        return ""
    return " (" + t("list-separator").join(codes) + ")"


def _indicator_values(t: Translator, lines: Sequence[IndicatorTotal]) -> str:
    parts = []
    for line in lines:
        text = amount(t, line.total, line.unit)
        if line.target is not None:
            text = t("value-with-target", value=text, target=number(t, line.target))
        parts.append(text)
    return t("list-separator").join(parts)


def render_status(status: ProgramStatus, t: Translator, *, org_name: str | None = None) -> str:
    """The chair's summary (or an organization's view) as plain text."""
    out = status_heading(status, t, org_name=org_name)
    out += status_kinds(status, t)
    for section in (status_organizations, status_overdue, status_upcoming, status_totals):
        lines = section(status, t)
        if lines:
            out += ["", *lines]
    return "\n".join(out).rstrip() + "\n"


def status_heading(
    status: ProgramStatus, t: Translator, *, org_name: str | None = None
) -> list[str]:
    """Title, as-of date, whose view, and the headline per kind."""
    sep = t("list-separator")
    out: list[str] = [t("status-title", program=status.program), status.title]
    out.append(t("status-as-of", date=date_text(t, status.as_of)))
    if status.org is not None:
        out.append(t("status-org-view", org=status.org, name=org_name or status.org))
    out.append("")
    kinds = _kinds(status)
    if kinds:
        parts = [
            t(f"headline-part-{k}", done=status.kinds[k].done, total=status.kinds[k].total)
            for k in kinds
        ]
        out.append(t("status-headline", parts=sep.join(parts)))
    else:
        out.append(t("status-headline-empty"))
    return out


def _kinds(status: ProgramStatus) -> list[str]:
    return [k for k in ("common", "registered", "focus") if status.kinds[k].total]


def status_kinds(status: ProgramStatus, t: Translator) -> list[str]:
    """Each kind split four ways, with the rate over tasks already due."""
    out: list[str] = []
    by_status: dict[Status, list[str]] = {}
    for code, st in status.statuses.items():
        by_status.setdefault(st, []).append(code)
    for k in _kinds(status):
        s = status.kinds[k]
        codes_of = {
            st: [c for c in by_status.get(st, []) if status.task_kinds.get(c) == k]
            for st in (Status.DONE_LATE, Status.OVERDUE)
        }
        out += [
            "",
            t("status-kind-title", kind=t(f"kind-{k}"), done=s.done, total=s.total),
            t("status-count-on-time", count=s.on_time),
            t("status-count-late", count=s.late, codes=_codes(t, codes_of[Status.DONE_LATE])),
            t("status-count-in-progress", count=s.in_progress),
            t("status-count-overdue", count=s.overdue, codes=_codes(t, codes_of[Status.OVERDUE])),
        ]
        rate = percent(s.done, s.due)
        if rate is None:
            out.append(t("status-due-rate-none"))
        else:
            out.append(t("status-due-rate", done=s.done, due=s.due, percent=number(t, rate)))
    return out


def status_organizations(status: ProgramStatus, t: Translator) -> list[str]:
    """Each lead organization's registered tasks done/total and what it has overdue."""
    sep = t("list-separator")
    out: list[str] = []
    orgs = [o for o in status.organizations if o.registered_total or o.overdue_count]
    if orgs:
        out.append(t("status-orgs-title"))
        for o in orgs[:TEXT_LIST_LIMIT]:
            extra = []
            if o.overdue_count:
                codes = sep.join(o.overdue_tasks[:CODES_INLINE_LIMIT])
                if o.overdue_count > CODES_INLINE_LIMIT:
                    codes += sep + t("status-and-more", count=o.overdue_count - CODES_INLINE_LIMIT)
                extra.append(t("status-org-overdue", codes=codes))
            out.append(
                t(
                    "status-org-line",
                    org=o.code,
                    done=o.registered_done,
                    total=o.registered_total,
                    extra=(" · " + "; ".join(extra)) if extra else "",
                )
            )
        if len(orgs) > TEXT_LIST_LIMIT:
            out.append(t("status-more", count=len(orgs) - TEXT_LIST_LIMIT))

    return out


def status_overdue(status: ProgramStatus, t: Translator) -> list[str]:
    """The overdue tasks with their days late."""
    out: list[str] = []
    if status.overdue:
        out.append(t("status-overdue-title", count=status.overdue_count))
        for line in status.overdue[:TEXT_LIST_LIMIT]:
            extended = (
                t("status-extended", date=date_text(t, line.due))
                if line.due != line.deadline
                else ""
            )
            out.append(
                t(
                    "status-overdue-line",
                    task=line.code,
                    lead=line.lead,
                    due=date_text(t, line.deadline),
                    days=line.days_late,
                    extended=extended,
                    title=line.title,
                )
            )
        if status.overdue_count > TEXT_LIST_LIMIT:
            out.append(t("status-more", count=status.overdue_count - TEXT_LIST_LIMIT))
    else:
        out.append(t("status-overdue-none"))

    return out


def status_upcoming(status: ProgramStatus, t: Translator) -> list[str]:
    """The deadlines of the next 30 days."""
    out: list[str] = []
    days = 30
    if status.upcoming:
        out.append(t("status-upcoming-title", days=days, count=status.upcoming_count))
        for line in status.upcoming[:TEXT_LIST_LIMIT]:
            out.append(
                t(
                    "status-upcoming-line",
                    task=line.code,
                    lead=line.lead,
                    due=date_text(t, line.due),
                    left=line.days_left,
                    title=line.title,
                )
            )
        if status.upcoming_count > TEXT_LIST_LIMIT:
            out.append(t("status-more", count=status.upcoming_count - TEXT_LIST_LIMIT))
    else:
        out.append(t("status-upcoming-none", days=days))

    return out


def status_totals(status: ProgramStatus, t: Translator) -> list[str]:
    """Indicator totals per task, each organization's part, and the program's totals."""
    sep = t("list-separator")
    out: list[str] = []
    if status.task_totals:
        out.append(t("status-totals-title"))
        for task in status.task_totals[:TEXT_LIST_LIMIT]:
            values = _indicator_values(t, task.indicators)
            if task.counts_toward:
                values += " " + t("status-totals-toward", task=task.counts_toward)
            out.append(t("status-totals-line", task=task.task, title=task.title, values=values))
            orgs_in = _breakdown_rows(task.indicators)
            if len(orgs_in) > 1:
                for org_code, org_parts in orgs_in.items():
                    out.append(
                        t(
                            "status-totals-part",
                            org=org_code,
                            values=sep.join(amount(t, a, unit) for unit, a in org_parts),
                        )
                    )
        if status.task_totals_count > TEXT_LIST_LIMIT:
            out.append(t("status-more", count=status.task_totals_count - TEXT_LIST_LIMIT))
        if status.program_totals and status.org is None:
            out += ["", t("status-program-totals-title")]
            for total in status.program_totals:
                out.append(
                    t("status-program-totals-line", value=amount(t, total.total, total.unit))
                )
    else:
        out.append(t("status-totals-none"))
    return out


def _breakdown_rows(lines: Sequence[IndicatorTotal]) -> dict[str, list[tuple[str, Amount]]]:
    rows: dict[str, list[tuple[str, Amount]]] = {}
    for line in lines:
        for org_code, a in line.by_org:
            rows.setdefault(org_code, []).append((line.unit, a))
    return rows


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def status_json(status: ProgramStatus) -> dict[str, Any]:
    """The same figures as `render_status`, as a JSON-ready dict (shape documented in README)."""
    kinds = {
        k: {
            "done": s.done,
            "total": s.total,
            "on_time": s.on_time,
            "late": s.late,
            "in_progress": s.in_progress,
            "overdue": s.overdue,
            "due": s.due,
        }
        for k, s in status.kinds.items()
    }
    qualifiers: dict[str, dict[str, str]] = {}
    for task in status.task_totals:
        for line in task.indicators:
            if line.total.qualifier:
                qualifiers.setdefault(task.task, {})[line.indicator] = line.total.qualifier
    return {
        "program": status.program,
        "as_of": status.as_of.isoformat(),
        "org": status.org,
        "kinds": kinds,
        "organizations": {
            o.code: {
                "name": o.name,
                "registered_done": o.registered_done,
                "registered_total": o.registered_total,
                "registered_on_time": o.registered_on_time,
                "registered_late": o.registered_late,
                "registered_in_progress": o.registered_in_progress,
                "registered_overdue": o.registered_overdue,
                "overdue": o.overdue_count,
                "overdue_tasks": list(o.overdue_tasks),
                "common_contributions": o.common_contributions,
            }
            for o in status.organizations
        },
        "overdue": [
            {
                "task": x.code,
                "kind": x.kind,
                "lead": x.lead,
                "due": x.deadline.isoformat(),
                "extended_due": x.due.isoformat() if x.due != x.deadline else None,
                "days_late": x.days_late,
            }
            for x in status.overdue
        ],
        "upcoming": [
            {
                "task": x.code,
                "kind": x.kind,
                "lead": x.lead,
                "due": x.due.isoformat(),
                "days_left": x.days_left,
            }
            for x in status.upcoming
        ],
        "task_totals": {
            task.task: {line.indicator: _json_number(line.total.value) for line in task.indicators}
            for task in status.task_totals
        },
        "task_breakdown": {
            task.task: {
                line.indicator: {org: _json_number(a.value) for org, a in line.by_org}
                for line in task.indicators
                if line.by_org
            }
            for task in status.task_totals
            if any(line.by_org for line in task.indicators)
        },
        "qualifiers": qualifiers,
        "counts_toward": {
            task.task: task.counts_toward for task in status.task_totals if task.counts_toward
        },
        "program_totals": {
            total.indicator: _json_number(total.total.value) for total in status.program_totals
        },
        "statuses": {code: str(st) for code, st in status.statuses.items()},
    }


# --- problems ----------------------------------------------------------------------------------

_OPERATION_SECTIONS = frozenset({"reports", "people"})


def render_issue(issue: Issue, t: Translator, *, source: str) -> str:
    """One problem of a document, with where it is; `source` is 'yaml', 'sheet' or 'log'."""
    style = "sheet" if source == "sheet" else "yaml"
    where: list[str] = []
    if issue.section in ("file", "document"):
        where.append(t("where-file"))
        if issue.row is not None:
            where.append(t("where-row-file", row=issue.row))
    else:
        where.append(t(f"where-section-{style}", section=issue.section))
        if issue.row is not None:
            where.append(t(f"where-row-{style}", row=issue.row))
        if issue.key:
            where.append(t("where-key", key=issue.key))
        if issue.field:
            where.append(t(f"where-field-{style}", field=issue.field))
    if issue.section in _OPERATION_SECTIONS:
        message = t(f"op-{issue.code}", **issue.params)
    else:
        message = t(f"error-{issue.code}", **issue.params)
    return t("cli-issue-line", where=" ".join(where), message=message)


def render_operation_error(error: OperationError | VietnameseParseError, t: Translator) -> str:
    """A refused operation, said politely in the user's language."""
    return t(f"op-{error.code}", **error.params)
