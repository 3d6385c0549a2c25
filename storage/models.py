"""The tables of the system of record.

Reports are an append-only history: nothing here is ever updated in place except the derived
tables (`CurrentValue`, `TaskTotal` and the `done_*`, `deadline` columns of `Task`), which are
the latest state of that history kept beside it so that "status as of today" needs no replay.
They can be rebuilt from the history at any time (`storage.operations.rebuild_derived_state`).
Whatever writes a task's dates or closing state calls `storage.derived.refresh_task_state`.

Indicator values are stored as integers in thousandths (`*_milli`) so that sums are exact on
every database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

MILLI = 1000


def to_milli(value: Decimal | int) -> int:
    """Exact thousandths of a value (values carry at most three decimals)."""
    return int((Decimal(value) * MILLI).to_integral_value())


def from_milli(value: int) -> Decimal:
    """The value of a thousandths integer, without trailing zeros."""
    result = Decimal(value) / MILLI
    return (
        result.quantize(Decimal(1)) if result == result.to_integral_value() else result.normalize()
    )


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; SQLite keeps no zone, so it is restored on read."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; phoihop stores aware UTC timestamps only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def table(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model, for set-based statements."""
    result: sa.Table = model.__table__  # type: ignore[attr-defined]
    return result


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime(), **kw)


class Program(SQLModel, table=True):
    """A coordination program (chương trình phối hợp) and its steering committee."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    title: str
    document: str | None = None
    level: str | None = None
    area: str | None = None
    start: date
    end: date
    timezone: str = Field(default="Asia/Ho_Chi_Minh", max_length=64)
    language: str = Field(default="vi", max_length=8)
    document_form: str = Field(default="party", max_length=16)
    committee_name: str
    standing_org: str | None = Field(default=None, max_length=64)
    chair_org: str | None = Field(default=None, max_length=64)
    vice_chair_orgs: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    reminders: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    # The committee's group chat, bound in the chat by a leader (`/nhom`): announcements and
    # the weekly digest go there.
    group_chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    # Completions wait for the chair's or secretariat's acceptance (`storage.verification`).
    verification: bool = False
    # The latest effective date of any report or extension: as-of dates from it on need no replay.
    last_effective_on: date | None = None
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class Organization(SQLModel, table=True):
    """A member organization (cơ quan thành viên) of one program's committee."""

    __table_args__ = (sa.UniqueConstraint("program_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    code: str = Field(max_length=64)
    name: str
    position: int = 0
    active: bool = True


class Indicator(SQLModel, table=True):
    """A measured quantity with its unit (hội nghị, lượt người, triệu đồng ...)."""

    __table_args__ = (sa.UniqueConstraint("program_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    code: str = Field(max_length=64)
    unit: str
    kind: str = Field(default="count", max_length=32)
    position: int = 0
    active: bool = True


class Period(SQLModel, table=True):
    """A reporting period (kỳ báo cáo) with its cut-off, report due date and meeting."""

    __table_args__ = (sa.UniqueConstraint("program_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    code: str = Field(max_length=64)
    name: str
    start: date
    end: date
    cutoff: date | None = None
    report_due: date | None = None
    meeting: date | None = None
    position: int = 0
    active: bool = True


class Task(SQLModel, table=True):
    """A task of the plan: common, registered by one lead organization, or focus."""

    __table_args__ = (
        sa.UniqueConstraint("program_id", "code"),
        sa.Index("ix_task_program_kind", "program_id", "kind"),
        # Status as of today from the derived columns, by index (storage.derived): counts,
        # codes per kind and status in plan order, open tasks by judging deadline.
        sa.Index(
            "ix_task_counts", "program_id", "kind", "lead_org_id", "done_state", "deadline",
            "due", "active", "assigned_on", "counts_toward_id", "id",
        ),
        sa.Index(
            "ix_task_state", "program_id", "kind", "done_state", "position", "id", "deadline",
            "active", "assigned_on",
        ),
        sa.Index("ix_task_open", "program_id", "done_state", "deadline", "position", "id"),
        sa.Index("ix_task_position", "program_id", "position", "id"),
        # Reminders: the tasks with a given deadline (reminders.snapshot).
        sa.Index("ix_task_due", "program_id", "due"),
        sa.Index(
            "ix_task_lead_open", "program_id", "done_state", "lead_org_id", "position", "id",
            "deadline", "active", "assigned_on",
        ),
    )  # fmt: skip
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    code: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    title: str
    lead_org_id: int = Field(foreign_key="organization.id", index=True)
    partners_all: bool = False
    # The plan's deadline (None: "thường xuyên"); `due` is the deadline for planning and
    # reminders after approved extensions. Status is judged against `original_due`.
    original_due: date | None = None
    due: date | None = None
    counts_toward_id: int | None = Field(default=None, foreign_key="task.id")
    period_id: int | None = Field(default=None, foreign_key="period.id")
    content_area: str | None = None
    # A task given after the plan exists is not counted as of dates before it was given.
    assigned_on: date | None = None
    position: int = 0
    active: bool = True
    # Derived: the closing state as of the latest report (see module docstring).
    done_on: date | None = None
    done_effective_on: date | None = None
    # Derived (storage.derived.refresh_task_state): the judging deadline (`original_due`, else
    # the period's or program's end) and, once done, "done_on_time" or "done_late" (None: open).
    deadline: date | None = None
    done_state: str | None = Field(default=None, max_length=16)
    created_at: datetime = _ts(default_factory=utcnow)
    updated_at: datetime = _ts(default_factory=utcnow)


class TaskPartner(SQLModel, table=True):
    """A partner organization (cơ quan phối hợp) of a task."""

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    org_id: int = Field(foreign_key="organization.id", primary_key=True, index=True)
    position: int = 0


class TaskTarget(SQLModel, table=True):
    """A task's target value (chỉ tiêu) for one indicator."""

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    value_milli: int = Field(sa_type=sa.BigInteger)


class Person(SQLModel, table=True):
    """Somebody who uses the bot, known by their Telegram user id."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_type=sa.BigInteger, unique=True)
    name: str
    language: str | None = Field(default=None, max_length=8)
    # The program the person last acted in, for people who belong to several.
    current_program_id: int | None = Field(default=None, foreign_key="program.id")
    # Reminders: non-essential ones wait until `snoozed_until`, and are not sent at all while
    # `muted`; deadlines on the day, overdue notices and calls due today always go.
    snoozed_until: datetime | None = _ts(default=None)
    muted: bool = False
    created_at: datetime = _ts(default_factory=utcnow)


class Membership(SQLModel, table=True):
    """A person's organization and role in one program (officer, chair, vice_chair, secretary)."""

    __table_args__ = (sa.UniqueConstraint("person_id", "program_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    org_id: int = Field(foreign_key="organization.id")
    role: str = Field(max_length=16)
    active: bool = True
    created_at: datetime = _ts(default_factory=utcnow)


class Extension(SQLModel, table=True):
    """A deadline extension (gia hạn): requested by an officer, decided by chair or secretariat."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    requested_by: int | None = Field(default=None, foreign_key="person.id")
    requested_on: date
    new_due: date
    reason: str = ""
    status: str = Field(default="pending", max_length=16)
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_on: date | None = None
    # The chat message that asked for it, so a message delivered twice asks once.
    source_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: datetime = _ts(default_factory=utcnow)


class Report(SQLModel, table=True):
    """One progress report, as made: never changed, corrected only by a later report."""

    __table_args__ = (
        sa.Index("ix_report_program_effective", "program_id", "effective_on"),
        sa.Index("ix_report_task_closing", "task_id", "closes", "effective_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    task_id: int = Field(foreign_key="task.id")
    org_id: int = Field(foreign_key="organization.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="person.id")
    # The day the report was made: its date for every as-of question.
    effective_on: date
    done: bool | None = None
    completed_on: date | None = None
    # True when this report's `done` decides the task (it comes from the lead or secretariat).
    closes: bool = False
    note: str | None = None
    evidence: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # The author's earlier report that this one corrects (both stay on record).
    corrects_id: int | None = Field(default=None, foreign_key="report.id")
    source_key: str = Field(max_length=200, unique=True)
    created_at: datetime = _ts(default_factory=utcnow)


class ReportValue(SQLModel, table=True):
    """One indicator value of a report, with its qualifier (approx, over, more_than)."""

    __table_args__ = (
        sa.Index(
            "ix_report_value_latest", "program_id", "task_id", "org_id", "indicator_id",
            "effective_on", "id",
        ),
    )  # fmt: skip
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    program_id: int = Field(foreign_key="program.id")
    task_id: int = Field(foreign_key="task.id")
    org_id: int = Field(foreign_key="organization.id")
    indicator_id: int = Field(foreign_key="indicator.id")
    effective_on: date
    value_milli: int = Field(sa_type=sa.BigInteger)
    qualifier: str | None = Field(default=None, max_length=16)


class CurrentValue(SQLModel, table=True):
    """Derived: an organization's latest value per (task, indicator)."""

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    org_id: int = Field(foreign_key="organization.id", primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    value_milli: int = Field(sa_type=sa.BigInteger)
    qualifier: str | None = Field(default=None, max_length=16)
    effective_on: date
    report_value_id: int = Field(foreign_key="reportvalue.id")


class TaskTotal(SQLModel, table=True):
    """Derived: the sum over organizations of the current values of a task's indicator."""

    __table_args__ = (
        # A program's totals read in order without the table: per indicator, and per task.
        sa.Index(
            "ix_tasktotal_sums", "program_id", "indicator_id", "contributors", "total_milli",
            "approx_count", "lower_bound_count",
        ),
        sa.Index("ix_tasktotal_tasks", "program_id", "task_id", "contributors"),
    )  # fmt: skip

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    total_milli: int = Field(default=0, sa_type=sa.BigInteger)
    # How many of the summed values are approximate, or lower bounds (trên, hơn).
    approx_count: int = 0
    lower_bound_count: int = 0
    contributors: int = 0


class Invite(SQLModel, table=True):
    """A one-time invitation to act for an organization in a role, redeemed by `/start CODE`."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    org_id: int = Field(foreign_key="organization.id")
    role: str = Field(max_length=16)
    created_by: str = Field(max_length=200)
    created_at: datetime = _ts(default_factory=utcnow)
    expires_at: datetime = _ts()
    used_by: int | None = Field(default=None, foreign_key="person.id")
    used_at: datetime | None = _ts(default=None)


class ChatDraft(SQLModel, table=True):
    """What the bot understood from a person and read back to them, waiting for Confirm.

    Kept in the database so that a Confirm pressed after a restart, or pressed twice, records
    exactly once: the draft is confirmed once and its report's source key is the draft's.
    """

    id: int | None = Field(default=None, primary_key=True)
    # The chat message (or button press) that produced it: delivered twice, drafted once.
    source_key: str = Field(max_length=200, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    program_id: int = Field(foreign_key="program.id")
    chat_id: int = Field(sa_type=sa.BigInteger)
    kind: str = Field(max_length=16)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    # A short random word in the buttons' callback data: a guessed draft id alone is not enough.
    nonce: str = Field(max_length=16)
    status: str = Field(default="pending", max_length=16)
    report_id: int | None = Field(default=None, foreign_key="report.id")
    created_at: datetime = _ts(default_factory=utcnow)
    decided_at: datetime | None = _ts(default=None)


class ChatState(SQLModel, table=True):
    """Where a person is in a button conversation (waiting for a number, a note, a correction)."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    updated_at: datetime = _ts(default_factory=utcnow)


class Difficulty(SQLModel, table=True):
    """A difficulty or proposal (khó khăn, đề xuất) an officer raised, kept for the review."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    org_id: int = Field(foreign_key="organization.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    period_id: int | None = Field(default=None, foreign_key="period.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    raised_on: date
    text: str
    source_key: str = Field(max_length=200, unique=True)
    created_at: datetime = _ts(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Who changed what, when: every write operation leaves one."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    at: datetime = _ts(default_factory=utcnow)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_key: str = Field(default="", max_length=200)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class OutboxMessage(SQLModel, table=True):
    """A message the bot is to send by itself: a reminder, a call, an announcement, a digest.

    Planned by `reminders.planner` and sent by `reminders.sender`. The key (kind, subject,
    recipient, slot) is unique: planning the same message twice, after a restart, by a second
    replica or while catching up after downtime, writes one row, and so sends once.

    `status` goes pending -> sending -> sent; or to `failed` (gave up), `dropped` (no longer
    makes sense: the task was done, the slot expired) or `skipped` (the chat blocked the bot).
    A row left `sending` by a process that died is the one message that may have been
    delivered without being marked; the sender logs it and sends it again.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        sa.UniqueConstraint("kind", "subject", "recipient", "slot", name="uq_outbox_key"),
        sa.Index("ix_outbox_ready", "status", "not_before", "id"),
        sa.Index("ix_outbox_program_expiry", "program_id", "expires_at"),
        sa.Index("ix_outbox_subject", "subject", "expires_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    kind: str = Field(max_length=32)
    subject: str = Field(max_length=64)  # "task:12", "period:3", "program:1"
    recipient: str = Field(max_length=64)  # "person:5" or "group:-100123"
    slot: str = Field(max_length=64)  # which occurrence: "2019-06-07/-7", "2019-W24"
    chat_id: int = Field(sa_type=sa.BigInteger)
    language: str | None = Field(default=None, max_length=8)
    essential: bool = True
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    due_at: datetime = _ts()  # not sent before (the next working moment of its slot)
    expires_at: datetime = _ts()  # not sent after: a later slot took its place
    not_before: datetime = _ts()  # due_at, or later after a snooze, a 429 or an error
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    claimed_at: datetime | None = _ts(default=None)
    sent_at: datetime | None = _ts(default=None)
    telegram_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    created_at: datetime = _ts(default_factory=utcnow)


class BlockedChat(SQLModel, table=True):
    """A chat Telegram said the bot may not write to (the person blocked it, the bot left the
    group): the sender skips it instead of retrying forever, until the chat speaks again."""

    chat_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    reason: str = Field(max_length=500)
    at: datetime = _ts(default_factory=utcnow)


class IncomingUpdate(SQLModel, table=True):
    """An update Telegram delivered, kept before it has any effect (`storage.updates`).

    Stored as received (`payload`, Telegram's JSON) before polling confirms it or a webhook
    answers 200; processed in `update_id` order, then `done`, or `failed` with its error (a
    failed update is kept for the record and never blocks the ones after it)."""

    __tablename__ = "incoming_update"
    __table_args__ = (
        sa.Index("ix_incoming_update_status", "status", "update_id"),
        sa.Index("ix_incoming_update_chat", "chat_key", "status", "update_id"),
    )

    update_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    received_at: datetime = _ts(default_factory=utcnow)
    status: str = Field(default="pending", max_length=16)  # pending | done | failed
    attempts: int = 0
    processed_at: datetime | None = _ts(default=None)
    error: str | None = Field(default=None, max_length=500)
    # The chat (or user) it comes from: one chat's updates are processed one at a time, in order.
    chat_key: int | None = Field(default=None, sa_type=sa.BigInteger)
    # The process working on it, and when it took it or last said it still was (a lease).
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _ts(default=None)


class JobLease(SQLModel, table=True):
    """Which process runs a scheduled job (`storage.leases`): replicas on one database take
    turns, so the minute's reminder planning runs once, not once per replica."""

    name: str = Field(max_length=64, primary_key=True)
    holder: str = Field(max_length=64)
    until: datetime = _ts()


class Verification(SQLModel, table=True):
    """A completion reported by a lead (or the secretariat) in a program with verification on,
    waiting for the chair or secretariat to accept it or return it (`storage.verification`).

    The done report itself never closes the task; an acceptance records the closing report
    (`closing_report_id`, dated the day of the acceptance, completed on the reported date).
    `status`: pending -> accepted | returned, or `superseded` by a later completion or reopening
    of the same task before anyone decided."""

    __table_args__ = (sa.Index("ix_verification_pending", "program_id", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    task_id: int = Field(foreign_key="task.id", index=True)
    report_id: int = Field(foreign_key="report.id", unique=True)
    org_id: int = Field(foreign_key="organization.id")
    completed_on: date
    status: str = Field(default="pending", max_length=16)
    decided_by: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = _ts(default=None)
    decided_on: date | None = None
    reason: str | None = None
    closing_report_id: int | None = Field(default=None, foreign_key="report.id")
    created_at: datetime = _ts(default_factory=utcnow)
