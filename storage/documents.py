"""The plan file and the report log as validated documents, independent of any storage.

A document is read from YAML (or, for plans, from a workbook: see `storage.workbook`) into these
pydantic models. Every problem is reported as an `Issue` that names where it is (section, row,
key, field) and what is wrong as a message code with parameters, so that the chat and the command
line can say it in the user's language. Nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from storage.reminder_settings import ReminderSettings

TaskKind = Literal["common", "registered", "focus"]
Role = Literal["officer", "chair", "vice_chair", "secretary"]
TASK_KINDS: tuple[TaskKind, ...] = ("common", "registered", "focus")
ROLES: tuple[Role, ...] = ("officer", "chair", "vice_chair", "secretary")

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")


@dataclass(frozen=True)
class Issue:
    """One problem in a document: where it is and what is wrong (a catalog code and its params)."""

    section: str
    code: str
    row: int | None = None
    key: str | None = None
    field: str | None = None
    params: dict[str, str] = dataclasses.field(default_factory=dict)

    def sort_key(self) -> tuple[str, int, str]:
        return (self.section, self.row or 0, self.field or "")


class DocumentError(Exception):
    """A document that cannot be used; `issues` says every problem found, not just the first."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(f"{i.section}[{i.row}].{i.field}: {i.code}" for i in issues))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_code(value: str) -> str:
    if not _CODE.match(value):
        raise ValueError("bad_code")
    return value


class ProgramSpec(_Model):
    code: str
    title: str
    document: str | None = None
    level: str | None = None
    area: str | None = None
    start: date
    end: date
    timezone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"
    document_form: Literal["party", "state"] = "party"
    # A lead's completion counts only once the chair or secretariat accepts it.
    verification: bool = False

    _code = field_validator("code")(_check_code)


class CommitteeSpec(_Model):
    name: str
    standing_org: str | None = None
    chair_org: str | None = None
    vice_chair_orgs: tuple[str, ...] = ()


class OrganizationSpec(_Model):
    code: str
    name: str

    _code = field_validator("code")(_check_code)


class IndicatorSpec(_Model):
    code: str
    unit: str
    kind: str = "count"

    _code = field_validator("code")(_check_code)


class PeriodSpec(_Model):
    code: str
    name: str
    start: date
    end: date
    cutoff: date | None = None
    report_due: date | None = None
    meeting: date | None = None

    _code = field_validator("code")(_check_code)


class TaskSpec(_Model):
    code: str
    kind: TaskKind
    title: str
    lead: str
    partners: tuple[str, ...] | Literal["all"] = ()
    # None means "thường xuyên": year-long, judged against the end of its period or program.
    due: date | None = None
    targets: dict[str, Decimal] = Field(default_factory=dict)
    counts_toward: str | None = None
    period: str | None = None
    content_area: str | None = None

    _code = field_validator("code")(_check_code)


class PlanDocument(_Model):
    """A whole plan: the program, its committee, organizations, indicators, periods and tasks."""

    program: ProgramSpec
    committee: CommitteeSpec
    organizations: tuple[OrganizationSpec, ...]
    indicators: tuple[IndicatorSpec, ...] = ()
    periods: tuple[PeriodSpec, ...] = ()
    tasks: tuple[TaskSpec, ...] = ()
    # The reminders' settings (storage.reminder_settings), kept as written once checked.
    reminders: dict[str, Any] | None = None

    @field_validator("reminders")
    @classmethod
    def _reminder_settings(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        ReminderSettings.from_plan(value)  # raises, naming the key, if anything is wrong
        return value


class PersonSpec(_Model):
    telegram_id: int
    name: str
    org: str
    role: Role = "officer"
    language: Literal["vi", "en"] | None = None


class ReportSpec(_Model):
    date: dt.date
    org: str
    task: str
    values: dict[str, Decimal] = Field(default_factory=dict)
    done: bool | None = None
    completed_on: dt.date | None = None
    note: str | None = None
    author: int | None = None
    # In a program with verification on, the day the chair or secretariat accepted this
    # completion (`storage.verification`); without it, a replayed completion waits.
    accepted: dt.date | None = None


class ReportLog(_Model):
    """A chronological log of progress reports and the people who made them."""

    program: str | None = None
    as_of: date | None = None
    people: tuple[PersonSpec, ...] = ()
    reports: tuple[ReportSpec, ...] = ()


# --- reading -----------------------------------------------------------------------------------

_PYDANTIC_CODES = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "date_from_datetime_parsing": "bad_date",
    "date_parsing": "bad_date",
    "date_type": "bad_date",
    "date_from_datetime_inexact": "bad_date",
    "decimal_parsing": "bad_number",
    "decimal_type": "bad_number",
    "finite_number": "bad_number",
    "int_parsing": "bad_number",
    "int_type": "bad_number",
    "bool_parsing": "bad_bool",
    "bool_type": "bad_bool",
    "literal_error": "bad_choice",
    "string_type": "bad_text",
    "tuple_type": "bad_list",
    "dict_type": "bad_mapping",
    "model_type": "bad_mapping",
    "model_attributes_type": "bad_mapping",
}


def issues_from_validation(
    error: ValidationError,
    *,
    section_names: Sequence[str] = (),
    rows: dict[str, int] | None = None,
) -> list[Issue]:
    """Translate pydantic's errors into `Issue`s that name section, row, key and field."""
    del section_names
    issues = []
    for err in error.errors():
        loc = list(err["loc"])
        section = str(loc[0]) if loc else "document"
        row: int | None = None
        rest = loc[1:]
        if rest and isinstance(rest[0], int):
            row = rest[0] + 1
            rest = rest[1:]
        # `partners` is "a list or all": report it once, not once per union branch.
        union = any(str(p).startswith(("tuple[", "literal[")) for p in rest)
        fld = ".".join(str(p) for p in rest if not str(p).startswith(("tuple[", "literal[")))
        code = _PYDANTIC_CODES.get(err["type"], "invalid")
        if union and fld == "partners":
            code = "bad_partners"
        msg = str(err.get("msg", ""))
        if err["type"] == "value_error" and "bad_code" in msg:
            code = "bad_code"
        params = {"value": _short(err.get("input")), "detail": msg}
        if code == "bad_choice" and "expected" in err.get("ctx", {}):
            params["choices"] = str(err["ctx"]["expected"])
        issues.append(Issue(section=section, row=row, field=fld or None, code=code, params=params))
    # A union failing in two branches yields two identical issues.
    unique = list(dict.fromkeys(issues_key(i) for i in issues))
    by_key = {issues_key(i): i for i in issues}
    return [by_key[k] for k in unique]


def issues_key(issue: Issue) -> tuple[str, int | None, str | None, str]:
    return (issue.section, issue.row, issue.field, issue.code)


def _short(value: object) -> str:
    if value is None or isinstance(value, dict):
        return ""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class TextDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, but dates stay text for pydantic to read: PyYAML would raise a bare
    ValueError on `due: 2019-02-30`; pydantic reports it as a bad date at its place (and
    settings stored as JSON, which has no dates, stay storable)."""


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    """Read a YAML file, reporting unreadable files and syntax errors as issues."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DocumentError(
            [Issue("file", "file_not_found", params={"path": str(path)})]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(
            [Issue("file", "file_unreadable", params={"path": str(path), "detail": str(exc)})]
        ) from None
    try:
        return yaml.load(text, Loader=TextDatesLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DocumentError(
            [Issue("file", "yaml_syntax", row=line, params={"detail": str(exc).splitlines()[0]})]
        ) from None


def parse_plan(data: Any) -> PlanDocument:
    """Validate raw plan data (from YAML or a workbook) into a `PlanDocument`."""
    if not isinstance(data, dict):
        raise DocumentError([Issue("document", "bad_mapping")])
    try:
        plan = PlanDocument.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(issues_from_validation(exc)) from None
    problems = check_plan(plan)
    if problems:
        raise DocumentError(problems)
    return plan


def load_plan(path: Path) -> PlanDocument:
    """Read a plan from a .yaml/.yml file or an .xlsx workbook."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from storage.workbook import read_plan_workbook

        plan: PlanDocument = read_plan_workbook(path)
        return plan
    if suffix not in (".yaml", ".yml"):
        raise DocumentError([Issue("file", "unknown_format", params={"path": str(path)})])
    return parse_plan(load_yaml(path))


def parse_report_log(data: Any) -> ReportLog:
    """Validate raw report-log data into a `ReportLog`."""
    if not isinstance(data, dict):
        raise DocumentError([Issue("document", "bad_mapping")])
    try:
        return ReportLog.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(issues_from_validation(exc)) from None


def load_report_log(path: Path) -> ReportLog:
    """Read a report log from YAML."""
    return parse_report_log(load_yaml(path))


def _duplicates(section: str, codes: Iterable[str]) -> list[Issue]:
    seen: dict[str, int] = {}
    issues = []
    for row, code in enumerate(codes, start=1):
        if code in seen:
            issues.append(
                Issue(section, "duplicate_code", row=row, key=code, field="code",
                      params={"value": code, "first_row": str(seen[code])})
            )  # fmt: skip
        else:
            seen[code] = row
    return issues


def check_plan(plan: PlanDocument) -> list[Issue]:
    """Cross-reference checks that a single field cannot express; every problem, in order."""
    issues: list[Issue] = []
    issues += _duplicates("organizations", (o.code for o in plan.organizations))
    issues += _duplicates("indicators", (i.code for i in plan.indicators))
    issues += _duplicates("periods", (p.code for p in plan.periods))
    issues += _duplicates("tasks", (t.code for t in plan.tasks))
    orgs = {o.code for o in plan.organizations}
    indicators = {i.code for i in plan.indicators}
    periods = {p.code for p in plan.periods}
    tasks = {t.code: t for t in plan.tasks}

    prog = plan.program
    if prog.end < prog.start:
        dates = {"start": prog.start.isoformat(), "end": prog.end.isoformat()}
        issues.append(Issue("program", "end_before_start", field="end", params=dates))
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(prog.timezone)
    except (KeyError, ValueError, OSError):
        issues.append(Issue("program", "bad_timezone", field="timezone",
                            params={"value": prog.timezone}))  # fmt: skip

    com = plan.committee
    for fld, value in (("standing_org", com.standing_org), ("chair_org", com.chair_org)):
        if value is not None and value not in orgs:
            issues.append(Issue("committee", "unknown_org", field=fld, params={"value": value}))
    for value in com.vice_chair_orgs:
        if value not in orgs:
            issues.append(
                Issue("committee", "unknown_org", field="vice_chair_orgs", params={"value": value})
            )

    for row, p in enumerate(plan.periods, start=1):
        if p.end < p.start:
            dates = {"start": p.start.isoformat(), "end": p.end.isoformat()}
            issues.append(
                Issue(
                    "periods", "end_before_start", row=row, key=p.code, field="end", params=dates
                )
            )

    for row, t in enumerate(plan.tasks, start=1):

        def bad(code: str, fld: str, value: str, row: int = row, key: str = t.code) -> None:
            issues.append(Issue("tasks", code, row=row, key=key, field=fld,
                                params={"value": value}))  # fmt: skip

        if t.lead not in orgs:
            bad("unknown_org", "lead", t.lead)
        if t.partners != "all":
            for p_code in t.partners:
                if p_code not in orgs:
                    bad("unknown_org", "partners", p_code)
                elif p_code == t.lead:
                    bad("partner_is_lead", "partners", p_code)
        for ind, amount in t.targets.items():
            if ind not in indicators:
                bad("unknown_indicator", "targets", ind)
            elif amount < 0:
                bad("negative_number", "targets", f"{ind}: {amount}")
        if t.period is not None and t.period not in periods:
            bad("unknown_period", "period", t.period)
        if t.counts_toward is not None:
            target = tasks.get(t.counts_toward)
            if target is None:
                bad("unknown_task", "counts_toward", t.counts_toward)
            elif t.counts_toward == t.code or target.counts_toward is not None:
                # One level only: a chain would make "not added again" ambiguous.
                bad("counts_toward_chain", "counts_toward", t.counts_toward)
    return sorted(issues, key=Issue.sort_key)
