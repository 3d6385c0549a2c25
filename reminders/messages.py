"""What the bot says by itself: the kinds of planned messages, their payloads, and the interface
through which they are delivered (the bot implements it; tests use fakes).

A planned message is a row of `storage.models.OutboxMessage`. Its `payload` holds plain JSON
values, so that the text is rendered at send time, in the recipient's language, from the
catalogs (`bot/locales/*/reminders.ftl`). Payload keys per kind:

- `deadline`: program, task, title, due (ISO date), days_left (0 on the day), role
  ("lead" or "partner"), original_due (ISO date, only when an approved extension moved it).
- `overdue`: program, task, title, due, days_late.
- `escalation`: program, task, title, due, days_late, lead (organization code), lead_name.
- `report_call`: program, period (code), period_name, report_due (ISO date), days_left.
- `missing_reports`: program, period, period_name, report_due, missing (list of
  [code, name] pairs, in plan order; empty when every organization reported), total (number
  of organizations called).
- `completion`: program, task, title, lead, lead_name, completed_on (ISO date), on_time (bool).
- `digest`: program, as_of (ISO date); the counts are read at send time, as of that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

DEADLINE = "deadline"
OVERDUE = "overdue"
ESCALATION = "escalation"
REPORT_CALL = "report_call"
MISSING_REPORTS = "missing_reports"
COMPLETION = "completion"
DIGEST = "digest"
KINDS = (DEADLINE, OVERDUE, ESCALATION, REPORT_CALL, MISSING_REPORTS, COMPLETION, DIGEST)

# Outbox statuses.
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"  # gave up: Telegram refused it for good, or errors outlasted the retries
DROPPED = "dropped"  # no longer makes sense: the task was done, a later slot replaced it
SKIPPED = "skipped"  # the chat blocked the bot (or the bot left the group)
STATUSES = (PENDING, SENDING, SENT, FAILED, DROPPED, SKIPPED)
EXPIRED = "expired"  # the `last_error` of a row dropped because its slot closed unsent


@dataclass(frozen=True, slots=True)
class Planned:
    """One message the policy says is due: the outbox row it becomes.

    `recipient` is "person:<id>" or "group:<chat id>"; `chat_id` is where Telegram delivers
    it. It may be sent from `due_at` (UTC) and no later than `expires_at` (UTC).
    """

    kind: str
    subject: str
    recipient: str
    slot: str
    chat_id: int
    language: str | None
    essential: bool
    due_at: datetime
    expires_at: datetime
    payload: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.subject, self.recipient, self.slot)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An outbox row handed to a `Delivery`: everything needed to render and send it."""

    id: int
    program_id: int
    kind: str
    chat_id: int
    language: str | None
    payload: dict[str, Any]
    due_at: datetime


OutcomeKind = Literal["sent", "retry_after", "transient", "blocked", "migrated", "failed"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one delivery attempt.

    - sent: delivered; `message_id` is Telegram's.
    - retry_after: Telegram said 429; nothing more to this chat for `retry_after` seconds.
    - transient: a network error, a timeout or a 5xx; try again later, with backoff.
    - blocked: the person blocked the bot, or the bot is no longer in the group.
    - migrated: the group became a supergroup, now `new_chat_id`; send there instead.
    - failed: refused for good (a bad request); not retried.
    """

    kind: OutcomeKind
    message_id: int | None = None
    retry_after: float = 0.0
    error: str | None = None
    new_chat_id: int | None = None


class Delivery(Protocol):
    """Sends one outgoing message; never raises for Telegram's answers, returns an Outcome."""

    async def deliver(self, message: Outgoing) -> Outcome: ...
