"""Tasks given, changed and cancelled after the plan exists, by the committee's leaders in chat.

`/giao` (`/assign`) gives a task in one typed line or step by step; `/suaviec` (`/edittask`)
changes some of its fields; `/huyviec` (`/canceltask`) cancels it. The line is read by
`read_task_line`, a pure function:

    [kind] [mã CODE] "title" chủ trì ORG; phối hợp ORG, ORG | tất cả; hạn 30/9 | thường xuyên;
    chỉ tiêu 20 hội nghị, 5.000 lượt người

- kind (only when giving a task): `chung` / `common`, `dangky` / `đăng ký` / `registered`,
  `trongtam` / `trọng tâm` / `focus`;
- `mã` / `code` CODE: optional; by default the next free code of the kind's pattern in the
  program (CT10 after CT09, R38 after R37, TT01 for a first focus task);
- the title in quotes ("…", “…” or «…»), or unquoted up to the first `;` or `chủ trì`;
  `tên` / `title` names it among the other fields (for `/suaviec`);
- `chủ trì` / `lead` ORG; `phối hợp` / `partners` a list of codes (commas, spaces or `và`), `tất
  cả` / `all`, or `không` / `none`; `hạn` / `thời hạn` / `due` / `deadline` a date (14/6,
  14/06/2019 ...) or `thường xuyên` / `ongoing`; `chỉ tiêu` / `targets` figures as in a typed
  report (units or indicator codes, read by `storage.typed_reports`) or `không` / `none`;
- fields in any order, separated by `;`, new lines or nothing; with or without diacritics.

What was understood waits in a `ChatDraft` (kind "task") until Confirm; confirming it writes
once (`confirm_task_draft`), re-checking that the person still leads the program. A task given
here is counted from the day it is given (`Task.assigned_on`); a cancelled one is deactivated
(`Task.active = False`): it leaves the counts, its reports stay on record. Every change leaves an
`AuditEntry` with the task's plan before and after.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from storage.conversations import cancel_owned_draft, decide_draft, owned_draft
from storage.derived import refresh_task_state
from storage.errors import OperationError
from storage.models import (
    AuditEntry,
    ChatDraft,
    Extension,
    Indicator,
    Membership,
    Organization,
    Person,
    Program,
    Task,
    TaskPartner,
    TaskTarget,
    from_milli,
    table,
    to_milli,
)
from storage.people import Member, member_for
from storage.typed_reports import IndicatorInfo, ReportReader, TaskInfo
from storage.vietnamese import Lang, VietnameseParseError, _plain, parse_date

KINDS = ("common", "registered", "focus")
# The code pattern of a kind's first task, when the program has none of that kind yet.
DEFAULT_PREFIX = {"common": "CT", "registered": "R", "focus": "TT"}
DRAFT_KIND = "task"
TITLE_LIMIT = 500
REASON_LIMIT = 1000
Partners = tuple[str, ...] | Literal["all"]

_t, _tp, _tt = table(Task), table(TaskPartner), table(TaskTarget)
_o, _i, _p = table(Organization), table(Indicator), table(Program)
_d, _pe, _m = table(ChatDraft), table(Person), table(Membership)


# --- what a task is, as the chat shows it -------------------------------------------------------


@dataclass(frozen=True)
class TaskPlan:
    """A task's planned content: what `/giao` gives and `/suaviec` changes."""

    code: str
    kind: str
    title: str
    lead: str
    partners: Partners = ()
    due: date | None = None  # None: "thường xuyên"
    targets: dict[str, Decimal] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "title": self.title,
            "lead": self.lead,
            "partners": self.partners if self.partners == "all" else list(self.partners),
            "due": self.due.isoformat() if self.due else None,
            "targets": {k: str(v) for k, v in self.targets.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskPlan:
        partners = data.get("partners", [])
        return cls(
            code=data["code"],
            kind=data["kind"],
            title=data["title"],
            lead=data["lead"],
            partners="all" if partners == "all" else tuple(partners),
            due=date.fromisoformat(data["due"]) if data.get("due") else None,
            targets={k: Decimal(v) for k, v in data.get("targets", {}).items()},
        )

    def org_codes(self, every: Sequence[str]) -> list[str]:
        """The lead and partner organizations (all of them for "all"), lead first."""
        partners = [c for c in every if c != self.lead] if self.partners == "all" else []
        return [self.lead, *(partners or [c for c in self.partners if c != self.lead])]


# --- reading a typed line (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    """What a typed line says; a field is None when the line does not mention it."""

    kind: str | None = None
    code: str | None = None
    title: str | None = None
    lead: str | None = None
    partners: Partners | None = None
    due_said: bool = False
    due: date | None = None
    targets: dict[str, Decimal] | None = None

    @property
    def empty(self) -> bool:
        return (
            self.title is None
            and self.lead is None
            and self.partners is None
            and not self.due_said
            and self.targets is None
        )


def _fold(text: str) -> str:
    """Lower case without diacritics, one character for one, so positions carry over."""
    return "".join(c if c.isspace() else ((_plain(c) or "?")[0]) for c in text)


_KINDS = (
    (re.compile(r"chung|common"), "common"),
    (re.compile(r"dang[ \t]*ky|registered"), "registered"),
    (re.compile(r"trong[ \t]*tam|focus"), "focus"),
)
_KIND_AT = re.compile(r"\s*(?P<kind>chung|common|dang[ \t]*ky|registered|trong[ \t]*tam|focus)")
_CODE_AT = re.compile(r"[\s:,\-]*(?:ma|code)[ \t]*:?[ \t]*(?P<code>[a-z0-9][a-z0-9._\-]*)")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}")
_FIELDS = {
    "title": r"ten|noi[ \t]+dung|title",
    "lead": r"chu[ \t]*tri|lead",
    "partners": r"phoi[ \t]*hop|partners?",
    "due": r"thoi[ \t]+han|han|deadline|due",
    "targets": r"chi[ \t]*tieu|targets?",
}
_FIELD = re.compile(
    "|".join(
        rf"(?P<{name}>(?<![a-z0-9])(?:{words})(?![a-z0-9]))" for name, words in _FIELDS.items()
    )
)
_LEAD_WORD = re.compile(rf"(?<![a-z0-9])(?:{_FIELDS['lead']})(?![a-z0-9])")
_QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“"}
_SEPARATORS = " \t\n;,.:-–—"
_NONE_WORDS = frozenset({"khong", "none", "khong co", "no"})
_ALL_WORDS = frozenset({"tat ca", "all", "toan bo", "ca ban"})
_ONGOING_WORDS = frozenset({"thuong xuyen", "ongoing", "ca nam", "year-long", "yearlong"})
_LIST_SPLIT = re.compile(r"[\s,;/+&]+")
_JOINERS = frozenset({"va", "and", "voi"})


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quoted(text: str, start: int) -> tuple[str, int] | None:
    """A title in quotes starting at `start` (after spaces): its text and where it ends."""
    pos = start
    while pos < len(text) and text[pos] in " \t:":
        pos += 1
    if pos >= len(text) or text[pos] not in _QUOTES:
        return None
    close = text.find(_QUOTES[text[pos]], pos + 1)
    if close < 0:
        raise VietnameseParseError("task_unclosed_quote", text=_short(text[pos:]))
    return text[pos + 1 : close].strip(), close + 1


def read_task_line(
    text: str,
    *,
    org_codes: Collection[str],
    indicators: Sequence[IndicatorInfo],
    today: date,
    lang: Lang = "vi",
    giving: bool = True,
) -> TaskLine:
    """Read a typed task (see the module's docstring); `giving`: a new task, starting with its
    kind. Raises `VietnameseParseError` (catalog code `op-<code>`) on what it cannot read."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise VietnameseParseError("task_empty")
    folded = _fold(text)
    orgs = {c.upper(): c for c in org_codes}
    line = TaskLine()
    pos = 0
    if giving:
        match = _KIND_AT.match(folded)
        if match is None or re.match(r"[a-z0-9]", folded[match.end() : match.end() + 1]):
            raise VietnameseParseError("task_no_kind", text=_short(text.split()[0]))
        kind = next(k for pattern, k in _KINDS if pattern.fullmatch(match["kind"]))
        line, pos = replace(line, kind=kind), match.end()
        code = _CODE_AT.match(folded, pos)
        if code is not None and not re.match(r"[a-z0-9]", folded[code.end() : code.end() + 1]):
            line, pos = (
                replace(line, code=text[code.start("code") : code.end()].upper()),
                code.end(),
            )
        quoted = _quoted(text, pos)
        if quoted is not None:
            line, pos = replace(line, title=quoted[0]), quoted[1]
        else:
            ends = [i for i in (text.find(";", pos), text.find("\n", pos)) if i >= 0]
            lead = _LEAD_WORD.search(folded, pos)
            if lead is not None:
                ends.append(lead.start())
            end = min(ends, default=len(text))
            line = replace(line, title=text[pos:end].strip(_SEPARATORS + " "))
            pos = end
    seen: set[str] = set()
    values: dict[str, str] = {}
    while True:
        while pos < len(text) and text[pos] in _SEPARATORS:
            pos += 1
        if pos >= len(text):
            break
        match = _FIELD.match(folded, pos)
        if match is None:
            rest = re.split(r"[;\n]", text[pos:], maxsplit=1)[0]
            raise VietnameseParseError("task_unknown_part", text=_short(rest))
        name = match.lastgroup
        assert name is not None
        if name in seen:
            raise VietnameseParseError(
                "task_repeated_part", text=_short(text[match.start() : match.end()])
            )
        seen.add(name)
        start = match.end()
        while start < len(text) and text[start] in " \t:":
            start += 1
        if name == "title" and (quoted := _quoted(text, start)) is not None:
            values[name], pos = quoted[0], quoted[1]
            continue
        end = len(text)
        for stop in (text.find(";", start), text.find("\n", start)):
            if stop >= 0:
                end = min(end, stop)
        following = _FIELD.search(folded, start, end)
        if following is not None:
            end = following.start()
        values[name], pos = text[start:end].strip(_SEPARATORS + " "), end
    if "title" in values:
        line = replace(line, title=values["title"])
    if "lead" in values:
        line = replace(line, lead=_org(values["lead"], orgs))
    if "partners" in values:
        line = replace(line, partners=_partners(values["partners"], orgs))
    if "due" in values:
        line = replace(line, due_said=True, due=_due(values["due"], today))
    if "targets" in values:
        line = replace(line, targets=read_targets(values["targets"], indicators, lang=lang))
    if line.title is not None:
        if not line.title:
            raise VietnameseParseError("task_no_title")
        if len(line.title) > TITLE_LIMIT:
            raise VietnameseParseError("task_title_too_long", limit=str(TITLE_LIMIT))
    return line


def _org(said: str, orgs: dict[str, str]) -> str:
    words = [w for w in _LIST_SPLIT.split(said.strip()) if w]
    if len(words) != 1:
        raise VietnameseParseError("task_one_lead", text=_short(said or "—"))
    if words[0].upper() not in orgs:
        raise VietnameseParseError("unknown_org", org=_short(words[0]))
    return orgs[words[0].upper()]


def _partners(said: str, orgs: dict[str, str]) -> Partners:
    plain = " ".join(_plain(said).split())
    if plain in _ALL_WORDS:
        return "all"
    if plain in _NONE_WORDS or not plain:
        return ()
    codes: list[str] = []
    for word in _LIST_SPLIT.split(said.strip()):
        if not word or _plain(word) in _JOINERS:
            continue
        if word.upper() not in orgs:
            raise VietnameseParseError("unknown_org", org=_short(word))
        if orgs[word.upper()] not in codes:
            codes.append(orgs[word.upper()])
    return tuple(codes)


def read_kind(said: str) -> str | None:
    """The task kind a word names (chung, đăng ký, trọng tâm; common, registered, focus)."""
    plain = " ".join(_plain(said).split())
    return next((k for pattern, k in _KINDS if pattern.fullmatch(plain)), None)


def read_due(said: str, today: date) -> date | None:
    """A deadline as typed: a date, or None for "thường xuyên" / "ongoing"."""
    return _due(said, today)


def _due(said: str, today: date) -> date | None:
    if " ".join(_plain(said).split()) in _ONGOING_WORDS:
        return None
    if not said.strip():
        raise VietnameseParseError("unreadable_date", text="—")
    return parse_date(said, today=today)


def read_targets(
    said: str, indicators: Sequence[IndicatorInfo], *, lang: Lang = "vi"
) -> dict[str, Decimal]:
    """Targets as typed ("20 hội nghị, 5.000 lượt người", "HN 20"), read the way a typed report
    is; `không` / `none`: no targets."""
    if " ".join(_plain(said).split()) in _NONE_WORDS:
        return {}
    reader = ReportReader(indicators, (), lang=lang)
    try:
        typed = reader.read("X " + said, lambda code: TaskInfo("X", {}))
    except VietnameseParseError as exc:
        if exc.code == "typed_unknown_unit":
            raise VietnameseParseError(
                "task_target_unknown_unit", unit=exc.params["unit"], units=exc.params["units"]
            ) from None
        if exc.code == "typed_which_indicator":
            raise VietnameseParseError(
                "task_target_which", number=exc.params["number"], choices=exc.params["choices"]
            ) from None
        if exc.code == "typed_repeated_indicator":
            raise VietnameseParseError(
                "task_target_repeated", indicator=exc.params["indicator"]
            ) from None
        raise VietnameseParseError("task_target_unreadable", text=_short(said)) from None
    if typed.remark:
        raise VietnameseParseError("task_target_unreadable", text=_short(typed.remark))
    if any(q.value <= 0 for q in typed.values.values()):
        raise VietnameseParseError("task_target_unreadable", text=_short(said))
    return {code: q.value for code, q in typed.values.items()}


# --- reading the program ------------------------------------------------------------------------


def _leader(session: Session, program_id: int, telegram_id: int) -> Member:
    """The person, leading the program (chair, vice-chair, secretariat), or a refusal."""
    member = member_for(session=session, telegram_id=telegram_id, program_id=program_id)
    if member is None or not member.leading:
        raise OperationError("task_not_allowed")
    return member


def _org_ids(conn: sa.Connection, program_id: int) -> dict[str, int]:
    """The program's active organizations, code -> id, in plan order."""
    rows = conn.execute(
        sa.select(_o.c.code, _o.c.id)
        .where(_o.c.program_id == program_id, _o.c.active)
        .order_by(_o.c.position, _o.c.id)
    )
    return {r.code: r.id for r in rows}


def _indicator_ids(conn: sa.Connection, program_id: int) -> dict[str, int]:
    rows = conn.execute(
        sa.select(_i.c.code, _i.c.id)
        .where(_i.c.program_id == program_id, _i.c.active)
        .order_by(_i.c.position, _i.c.id)
    )
    return {r.code: r.id for r in rows}


def _task_row(conn: sa.Connection, program_id: int, code: str, *, lock: bool = False) -> Any:
    query = sa.select(_t).where(_t.c.program_id == program_id, _t.c.code == code.upper())
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None or not row.active:
        raise OperationError("unknown_task", task=code)
    return row


def _plan_of(conn: sa.Connection, row: Any) -> TaskPlan:
    lead = conn.execute(sa.select(_o.c.code).where(_o.c.id == row.lead_org_id)).scalar_one()
    partners: Partners = "all"
    if not row.partners_all:
        partners = tuple(
            conn.execute(
                sa.select(_o.c.code)
                .join(_tp, _tp.c.org_id == _o.c.id)
                .where(_tp.c.task_id == row.id)
                .order_by(_tp.c.position, _o.c.position)
            ).scalars()
        )
    targets = {
        r.code: from_milli(r.value_milli)
        for r in conn.execute(
            sa.select(_i.c.code, _tt.c.value_milli)
            .join(_tt, _tt.c.indicator_id == _i.c.id)
            .where(_tt.c.task_id == row.id)
            .order_by(_i.c.position, _i.c.id)
        )
    }
    return TaskPlan(
        code=row.code,
        kind=row.kind,
        title=row.title,
        lead=lead,
        partners=partners,
        due=row.original_due,
        targets=targets,
    )


def task_plan(*, session: Session, program_id: int, code: str) -> TaskPlan:
    """An active task's plan, or `OperationError('unknown_task')`."""
    conn = session.connection()
    return _plan_of(conn, _task_row(conn, program_id, code))


def _counted_in(conn: sa.Connection, row: Any) -> None:
    """Refuse to cancel a task that other active tasks count toward (their figures would leave
    the program's totals with it)."""
    codes = list(
        conn.execute(
            sa.select(_t.c.code)
            .where(_t.c.counts_toward_id == row.id, _t.c.active)
            .order_by(_t.c.position, _t.c.id)
        ).scalars()
    )
    if codes:
        raise OperationError("task_counted_in", task=row.code, tasks=", ".join(codes))


def plan_task_cancel(*, session: Session, member: Member, code: str) -> TaskPlan:
    """The task a leader is about to cancel, or a refusal (not a leader, unknown task, a task
    others count toward)."""
    if not member.leading:
        raise OperationError("task_not_allowed")
    conn = session.connection()
    row = _task_row(conn, member.program_id, code)
    _counted_in(conn, row)
    return _plan_of(conn, row)


def program_orgs(*, session: Session, program_id: int) -> list[tuple[int, str, str]]:
    """The program's active organizations (id, code, name) in plan order, for buttons."""
    rows = session.connection().execute(
        sa.select(_o.c.id, _o.c.code, _o.c.name)
        .where(_o.c.program_id == program_id, _o.c.active)
        .order_by(_o.c.position, _o.c.id)
    )
    return [(r.id, r.code, r.name) for r in rows]


_CODE_PARTS = re.compile(r"([A-Za-z]*)(\d+)")


def next_code(conn: sa.Connection, program_id: int, kind: str) -> str:
    """The next free code of a kind, following the pattern most of its codes share (CT10 after
    CT09, R38 after R37; TT01 for a first focus task). Cancelled tasks keep their codes."""
    rows = conn.execute(sa.select(_t.c.code, _t.c.kind).where(_t.c.program_id == program_id))
    codes = [(r.code, r.kind) for r in rows]
    patterns: Counter[tuple[str, int]] = Counter()
    for code, k in codes:
        match = _CODE_PARTS.fullmatch(code)
        if k == kind and match is not None:
            patterns[(match[1], len(match[2]))] += 1
    prefix, width = patterns.most_common(1)[0][0] if patterns else (DEFAULT_PREFIX[kind], 2)
    taken = [
        int(m[2])
        for code, _ in codes
        if (m := _CODE_PARTS.fullmatch(code)) is not None and m[1].upper() == prefix.upper()
    ]
    return f"{prefix}{max(taken, default=0) + 1:0{width}d}"


# --- checking a plan before it is read back -----------------------------------------------------


def _check(
    conn: sa.Connection, program: Any, plan: TaskPlan, today: date, *, new_due: bool = True
) -> TaskPlan:
    """Refuse what the program cannot hold; drop the lead from its own partners."""
    if plan.kind not in KINDS:
        raise OperationError("task_no_kind", text=plan.kind)
    if not plan.title.strip():
        raise OperationError("task_no_title")
    orgs = _org_ids(conn, program.id)
    if plan.lead not in orgs:
        raise OperationError("unknown_org", org=plan.lead)
    partners = plan.partners
    if partners != "all":
        for code in partners:
            if code not in orgs:
                raise OperationError("unknown_org", org=code)
        partners = tuple(c for c in partners if c != plan.lead)
    indicators = _indicator_ids(conn, program.id)
    for code in plan.targets:
        if code not in indicators:
            raise OperationError("task_unknown_indicator", indicator=code)
    if plan.due is not None and new_due:
        if plan.due < today:
            raise OperationError("task_due_past", due=plan.due.strftime("%d/%m/%Y"))
        if plan.due > program.end:
            raise OperationError(
                "task_due_after_end",
                due=plan.due.strftime("%d/%m/%Y"),
                end=program.end.strftime("%d/%m/%Y"),
            )
    return replace(plan, partners=partners)


def _program(conn: sa.Connection, program_id: int) -> Any:
    return conn.execute(sa.select(_p).where(_p.c.id == program_id)).one()


def plan_new_task(
    *, session: Session, member: Member, line: TaskLine, today: date
) -> tuple[TaskPlan, bool]:
    """The task a typed line gives, checked, with its code (the next free one unless given);
    and whether the code was given. Refuses what is missing or wrong."""
    if not member.leading:
        raise OperationError("task_not_allowed")
    conn = session.connection()
    if line.kind is None:
        raise OperationError("task_no_kind", text="—")
    if not line.title:
        raise OperationError("task_no_title")
    if line.lead is None:
        raise OperationError("task_no_lead")
    code = line.code
    if code is not None:
        if _CODE.fullmatch(code) is None:
            raise OperationError("task_bad_code", text=code)
        taken = conn.execute(
            sa.select(_t.c.id).where(_t.c.program_id == member.program_id, _t.c.code == code)
        ).first()
        if taken is not None:
            raise OperationError("task_code_taken", task=code)
    plan = TaskPlan(
        code=code or next_code(conn, member.program_id, line.kind),
        kind=line.kind,
        title=line.title,
        lead=line.lead,
        partners=line.partners if line.partners is not None else (),
        due=line.due,
        targets=line.targets or {},
    )
    return _check(conn, _program(conn, member.program_id), plan, today), code is not None


def plan_task_edit(
    *, session: Session, member: Member, code: str, line: TaskLine, today: date
) -> tuple[TaskPlan, TaskPlan]:
    """The task as it is and as the typed line would make it (only the fields said change)."""
    if not member.leading:
        raise OperationError("task_not_allowed")
    conn = session.connection()
    before = _plan_of(conn, _task_row(conn, member.program_id, code))
    if line.empty:
        raise OperationError("task_nothing_to_change", task=before.code)
    after = replace(
        before,
        title=line.title if line.title is not None else before.title,
        lead=line.lead if line.lead is not None else before.lead,
        partners=line.partners if line.partners is not None else before.partners,
        due=line.due if line.due_said else before.due,
        targets=line.targets if line.targets is not None else before.targets,
    )
    # An unchanged deadline already past stays allowed: only a new one must be ahead.
    after = _check(
        conn, _program(conn, member.program_id), after, today, new_due=after.due != before.due
    )
    if after == before:
        raise OperationError("task_nothing_to_change", task=before.code)
    return before, after


# --- writing ------------------------------------------------------------------------------------


def _write_links(conn: sa.Connection, task_id: int, plan: TaskPlan, program_id: int) -> None:
    orgs, indicators = _org_ids(conn, program_id), _indicator_ids(conn, program_id)
    conn.execute(sa.delete(_tp).where(_tp.c.task_id == task_id))
    conn.execute(sa.delete(_tt).where(_tt.c.task_id == task_id))
    if plan.partners != "all" and plan.partners:
        conn.execute(
            sa.insert(_tp),
            [
                {"task_id": task_id, "org_id": orgs[c], "position": n}
                for n, c in enumerate(plan.partners)
            ],
        )
    if plan.targets:
        conn.execute(
            sa.insert(_tt),
            [
                {"task_id": task_id, "indicator_id": indicators[c], "value_milli": to_milli(v)}
                for c, v in plan.targets.items()
            ],
        )


def _touch(conn: sa.Connection, program_id: int, now: datetime) -> None:
    """The program's stamp moves: chat caches and the reminders' planner see a new plan."""
    conn.execute(sa.update(_p).where(_p.c.id == program_id).values(updated_at=now))


def _audit(
    conn: sa.Connection,
    program_id: int,
    *,
    actor: str,
    action: str,
    code: str,
    now: datetime,
    detail: dict[str, Any],
) -> None:
    conn.execute(
        sa.insert(table(AuditEntry)).values(
            program_id=program_id,
            at=now,
            actor=actor,
            action=action,
            entity="task",
            entity_key=code,
            detail=detail,
        )
    )


def _expire(session: Session) -> None:
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Task | Program):
            session.expire(instance)


def create_task(
    *,
    session: Session,
    program_id: int,
    plan: TaskPlan,
    assigned_on: date,
    actor: str,
    now: datetime,
) -> TaskPlan:
    """Write a new task of the program (counted from `assigned_on`), its partners and targets."""
    conn = session.connection()
    plan = _check(conn, _program(conn, program_id), plan, assigned_on)
    taken = conn.execute(
        sa.select(_t.c.id).where(_t.c.program_id == program_id, _t.c.code == plan.code)
    ).first()
    if taken is not None:
        raise OperationError("task_code_taken", task=plan.code)
    position = conn.execute(
        sa.select(sa.func.max(_t.c.position)).where(_t.c.program_id == program_id)
    ).scalar()
    task_id = conn.execute(
        sa.insert(_t)
        .values(
            program_id=program_id,
            code=plan.code,
            kind=plan.kind,
            title=plan.title,
            lead_org_id=_org_ids(conn, program_id)[plan.lead],
            partners_all=plan.partners == "all",
            original_due=plan.due,
            due=plan.due,
            assigned_on=assigned_on,
            position=(position or 0) + 1,
            active=True,
            created_at=now,
            updated_at=now,
        )
        .returning(_t.c.id)
    ).scalar_one()
    _write_links(conn, task_id, plan, program_id)
    refresh_task_state(conn, program_id, [task_id])
    _touch(conn, program_id, now)
    _audit(
        conn,
        program_id,
        actor=actor,
        action="assign_task",
        code=plan.code,
        now=now,
        detail={"before": None, "after": plan.to_json()},
    )
    _expire(session)
    return plan


def edit_task(
    *,
    session: Session,
    program_id: int,
    before: TaskPlan,
    after: TaskPlan,
    actor: str,
    now: datetime,
) -> TaskPlan:
    """Change a task to `after`, provided it is still as `before` (nobody changed it since)."""
    conn = session.connection()
    row = _task_row(conn, program_id, before.code, lock=True)
    if _plan_of(conn, row) != before:
        raise OperationError("task_changed_meanwhile", task=before.code)
    values: dict[str, Any] = {
        "title": after.title,
        "lead_org_id": _org_ids(conn, program_id)[after.lead],
        "partners_all": after.partners == "all",
        "updated_at": now,
    }
    if after.due != before.due:
        ext = table(Extension)
        extended = conn.execute(
            sa.select(ext.c.new_due)
            .where(ext.c.task_id == row.id, ext.c.status == "approved")
            .order_by(ext.c.decided_on.desc(), ext.c.id.desc())
        ).first()
        # An approved extension still moves the deadline for planning, unless the new one is
        # later than it.
        due = after.due
        if extended is not None and after.due is not None and extended.new_due > after.due:
            due = extended.new_due
        values |= {"original_due": after.due, "due": due}
    conn.execute(sa.update(_t).where(_t.c.id == row.id).values(**values))
    _write_links(conn, row.id, after, program_id)
    refresh_task_state(conn, program_id, [row.id])
    _touch(conn, program_id, now)
    _audit(
        conn,
        program_id,
        actor=actor,
        action="edit_task",
        code=before.code,
        now=now,
        detail={"before": before.to_json(), "after": after.to_json()},
    )
    _expire(session)
    return after


def cancel_task(
    *,
    session: Session,
    program_id: int,
    before: TaskPlan,
    reason: str,
    actor: str,
    now: datetime,
) -> TaskPlan:
    """Cancel a task: it leaves the plan's counts (`active` False); its reports stay."""
    conn = session.connection()
    row = _task_row(conn, program_id, before.code, lock=True)
    if _plan_of(conn, row) != before:
        raise OperationError("task_changed_meanwhile", task=before.code)
    _counted_in(conn, row)
    conn.execute(sa.update(_t).where(_t.c.id == row.id).values(active=False, updated_at=now))
    _touch(conn, program_id, now)
    _audit(
        conn,
        program_id,
        actor=actor,
        action="cancel_task",
        code=before.code,
        now=now,
        detail={"before": before.to_json(), "after": None, "reason": reason},
    )
    _expire(session)
    return before


# --- who is told --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """An officer to tell of a task given, changed or cancelled."""

    telegram_id: int
    language: str | None
    org: str
    leads: bool


def officers_of(
    *, session: Session, program_id: int, plans: Sequence[TaskPlan], exclude: int | None = None
) -> list[Notice]:
    """The bound officers of the lead and partner organizations of the plans (a task before
    and after a change), once each, lead's first; `exclude` (the one acting) is not told."""
    conn = session.connection()
    every = list(_org_ids(conn, program_id))
    leads = {p.lead for p in plans}
    wanted: list[str] = []
    for plan in plans:
        wanted += [c for c in plan.org_codes(every) if c not in wanted]
    rows = conn.execute(
        sa.select(_pe.c.telegram_id, _pe.c.language, _o.c.code)
        .join(_m, _m.c.person_id == _pe.c.id)
        .join(_o, _o.c.id == _m.c.org_id)
        .where(
            _m.c.program_id == program_id,
            _m.c.active,
            _m.c.role == "officer",
            _pe.c.telegram_id.is_not(None),
            _o.c.code.in_(wanted),
        )
        .order_by(_pe.c.telegram_id)
    ).all()
    order = {code: n for n, code in enumerate(wanted)}
    notices = [
        Notice(r.telegram_id, r.language, r.code, r.code in leads)
        for r in rows
        if r.telegram_id != exclude
    ]
    return sorted(notices, key=lambda n: (order[n.org], n.telegram_id))


# --- drafts: read back, then Confirm ------------------------------------------------------------


@dataclass(frozen=True)
class TaskDraft:
    """A task draft as stored; `created` is False when its source had drafted it before."""

    id: int
    nonce: str
    status: str
    payload: dict[str, Any]
    program_id: int
    created: bool = False


def save_task_draft(
    *,
    session: Session,
    source_key: str,
    member: Member,
    chat_id: int,
    payload: dict[str, Any],
    now: datetime,
) -> TaskDraft:
    """Keep a task to give, change or cancel until it is confirmed (one draft per source)."""
    if not member.leading:
        raise OperationError("task_not_allowed")
    conn = session.connection()
    earlier = conn.execute(sa.select(_d).where(_d.c.source_key == source_key)).first()
    if earlier is not None:
        return TaskDraft(
            earlier.id, earlier.nonce, earlier.status, dict(earlier.payload), earlier.program_id
        )
    nonce = secrets.token_hex(3)
    draft_id = conn.execute(
        sa.insert(_d)
        .values(
            source_key=source_key,
            person_id=member.person_id,
            program_id=member.program_id,
            chat_id=chat_id,
            kind=DRAFT_KIND,
            payload=payload,
            nonce=nonce,
            status="pending",
            created_at=now,
        )
        .returning(_d.c.id)
    ).scalar_one()
    return TaskDraft(draft_id, nonce, "pending", payload, member.program_id, created=True)


@dataclass(frozen=True)
class TaskOutcome:
    """What confirming a task draft did: `again` when it had been confirmed before (then
    nobody is to be told again)."""

    action: str  # give, edit, cancel
    again: bool
    program_id: int
    before: TaskPlan | None
    after: TaskPlan | None
    reason: str = ""
    notices: list[Notice] = field(default_factory=list)


def _outcome(payload: dict[str, Any], program_id: int, *, again: bool) -> TaskOutcome:
    before, after = payload.get("before"), payload.get("after")
    return TaskOutcome(
        action=payload["action"],
        again=again,
        program_id=program_id,
        before=TaskPlan.from_json(before) if before else None,
        after=TaskPlan.from_json(after) if after else None,
        reason=payload.get("reason", ""),
    )


def confirm_task_draft(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> TaskOutcome:
    """Give, change or cancel the task the draft says, once, re-checking that its author still
    leads the program; the officers concerned are returned to be told."""
    row = owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=(DRAFT_KIND,),
        lock=True,
    )
    payload = dict(row.payload)
    if row.status == "confirmed":
        return _outcome(payload, row.program_id, again=True)
    if row.status != "pending":
        raise OperationError("task_draft_cancelled")
    member = _leader(session, row.program_id, telegram_id)
    # Given today in the program's zone: counted from that day on.
    today = now.astimezone(ZoneInfo(member.timezone)).date()
    actor = f"tg:{telegram_id}"
    outcome = _outcome(payload, row.program_id, again=False)
    if outcome.action == "give":
        assert outcome.after is not None
        plan = outcome.after
        if not payload.get("code_given"):
            plan = replace(plan, code=next_code(session.connection(), row.program_id, plan.kind))
        after = create_task(
            session=session,
            program_id=row.program_id,
            plan=plan,
            assigned_on=today,
            actor=actor,
            now=now,
        )
        payload["after"] = after.to_json()
        plans = [after]
    elif outcome.action == "edit":
        assert outcome.before is not None and outcome.after is not None
        edit_task(
            session=session,
            program_id=row.program_id,
            before=outcome.before,
            after=outcome.after,
            actor=actor,
            now=now,
        )
        plans = [outcome.before, outcome.after]
    else:
        assert outcome.before is not None
        cancel_task(
            session=session,
            program_id=row.program_id,
            before=outcome.before,
            reason=outcome.reason,
            actor=actor,
            now=now,
        )
        plans = [outcome.before]
    decide_draft(
        session=session, draft_id=draft_id, status="confirmed", decided_at=now, payload=payload
    )
    notices = officers_of(
        session=session, program_id=member.program_id, plans=plans, exclude=telegram_id
    )
    return replace(_outcome(payload, row.program_id, again=False), notices=notices)


def cancel_task_draft(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> None:
    """Drop a pending task draft (a confirmed one stays confirmed)."""
    cancel_owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=(DRAFT_KIND,),
        now=now,
        confirmed=lambda _: OperationError("task_draft_confirmed"),
    )
