"""What the chat keeps between two messages: drafts read back for Confirm, and the step of a
button conversation. Both live in the database so that a restart, a message delivered twice or
a button pressed twice changes nothing twice.

A draft is what the bot understood (a report, a completion, a correction, an extension request)
in a JSON payload. Confirming it performs the operation once, under the draft's own source key;
confirming it again returns the first outcome.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from storage.errors import OperationError
from storage.models import ChatDraft, ChatState, Extension, Person, Report, table
from storage.operations import RecordedReport, record_report, request_extension
from storage.people import Member
from storage.vietnamese import Quantity

DRAFT_KINDS = ("report", "extension")
_d, _cs, _pe = table(ChatDraft), table(ChatState), table(Person)
_OWNED = (
    sa.select(
        _d.c.id,
        _d.c.nonce,
        _d.c.kind,
        _d.c.status,
        _d.c.payload,
        _d.c.person_id,
        _d.c.program_id,
        _d.c.chat_id,
        _d.c.report_id,
        _pe.c.telegram_id,
    )
    .join(_pe, _pe.c.id == _d.c.person_id)
    .where(_d.c.id == sa.bindparam("id"))
)


@dataclass(frozen=True)
class Draft:
    """A draft as stored; `created` is False when the same source had drafted it before."""

    id: int
    nonce: str
    kind: str
    status: str
    payload: dict[str, Any]
    person_id: int
    program_id: int
    chat_id: int
    report_id: int | None
    created: bool = False


def _draft(row: Any, *, created: bool = False) -> Draft:
    """A draft from its table row (an ORM object or a Core row with the same names)."""
    assert row.id is not None
    return Draft(
        id=row.id,
        nonce=row.nonce,
        kind=row.kind,
        status=row.status,
        payload=dict(row.payload),
        person_id=row.person_id,
        program_id=row.program_id,
        chat_id=row.chat_id,
        report_id=row.report_id,
        created=created,
    )


def save_draft(
    *,
    session: Session,
    source_key: str,
    member: Member,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
) -> Draft:
    """Keep what was understood from `source_key` until it is confirmed or cancelled."""
    if kind not in DRAFT_KINDS:
        raise ValueError(f"unknown draft kind {kind!r}")
    earlier_id = (
        session.connection()
        .execute(
            sa.select(_d.c.id).where(_d.c.source_key == sa.bindparam("key")), {"key": source_key}
        )
        .scalar()
    )
    if earlier_id is not None:
        earlier = session.get(ChatDraft, earlier_id)
        assert earlier is not None
        return _draft(earlier)
    row = ChatDraft(
        source_key=source_key,
        person_id=member.person_id,
        program_id=member.program_id,
        chat_id=chat_id,
        kind=kind,
        payload=payload,
        nonce=secrets.token_hex(3),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _draft(row, created=True)


def owned_draft(
    *,
    session: Session,
    draft_id: int,
    nonce: str,
    telegram_id: int,
    kinds: Collection[str],
    lock: bool = False,
) -> Draft:
    """The draft a button names, if it is of one of `kinds`, the button's nonce matches and the
    presser made it; refused as `stale_button` or `not_your_draft`. With `lock`, the draft stays
    locked until the transaction ends (confirming or cancelling it)."""
    query = _OWNED.with_for_update(of=_d) if lock else _OWNED
    row = session.connection().execute(query, {"id": draft_id}).first()
    # Every feature keeps its drafts in the same table and confirms them with its own buttons:
    # to a feature, a draft of another kind is as if it did not exist.
    if row is None or row.kind not in kinds or not secrets.compare_digest(row.nonce, nonce):
        raise OperationError("stale_button")
    if row.telegram_id != telegram_id:
        raise OperationError("not_your_draft")
    return _draft(row)


def decide_draft(*, session: Session, draft_id: int, **values: Any) -> None:
    """Write what was decided of a draft (status, decided_at, payload...); a copy of the draft
    the session holds is read again when next used."""
    session.connection().execute(sa.update(_d).where(_d.c.id == draft_id).values(**values))
    stale = session.identity_map.get(session.identity_key(ChatDraft, (draft_id,)))
    if stale is not None:
        session.expire(stale)


@dataclass(frozen=True)
class Confirmed:
    """The outcome of confirming a draft: the report recorded (or the extension asked for);
    `again` when the draft had been confirmed before."""

    draft: Draft
    again: bool
    report: RecordedReport | None = None
    extension_id: int | None = None


def values_of(payload: dict[str, Any]) -> dict[str, Quantity]:
    """The indicator values of a report payload: {code: [value, qualifier]}."""
    return {
        code: Quantity(Decimal(value), qualifier)
        for code, (value, qualifier) in payload.get("values", {}).items()
    }


def payload_values(values: dict[str, Quantity]) -> dict[str, list[str | None]]:
    """The JSON form of indicator values, exact (decimals as strings)."""
    return {code: [str(q.value), q.qualifier] for code, q in values.items()}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def confirm_draft(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> Confirmed:
    """Do what the draft says, once; re-checks that its author may still do it."""
    row = owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=DRAFT_KINDS,
        lock=True,
    )
    if row.status == "confirmed":
        return Confirmed(row, again=True, extension_id=row.payload.get("extension_id"))
    if row.status != "pending":
        raise OperationError("draft_cancelled")
    p = row.payload
    key = f"draft:{row.id}"
    report: RecordedReport | None = None
    extension_id: int | None = None
    if row.kind == "report":
        report = record_report(
            session=session,
            program_code=p["program"],
            task_code=p["task"],
            org_code=p["org"],
            effective_on=date.fromisoformat(p["effective_on"]),
            values=values_of(p),
            done=p.get("done"),
            completed_on=_day(p.get("completed_on")),
            note=p.get("note"),
            evidence=p.get("evidence", []),
            author_telegram_id=telegram_id,
            require_closing=True,
            corrects_id=p.get("corrects"),
            source_key=key,
            now=now,
        )
        decided: dict[str, Any] = {"report_id": report.report_id}
    else:
        ext = request_extension(
            session=session,
            program_code=p["program"],
            task_code=p["task"],
            new_due=date.fromisoformat(p["new_due"]),
            requested_on=date.fromisoformat(p["effective_on"]),
            reason=p.get("reason", ""),
            requested_by=row.person_id,
            source_key=key,
            now=now,
        )
        extension_id = ext.id
        decided = {"payload": {**p, "extension_id": ext.id}}
    decide_draft(session=session, draft_id=row.id, status="confirmed", decided_at=now, **decided)
    done = replace(row, status="confirmed", **decided)
    return Confirmed(done, again=False, report=report, extension_id=extension_id)


def cancel_owned_draft(
    *,
    session: Session,
    draft_id: int,
    nonce: str,
    telegram_id: int,
    kinds: Collection[str],
    now: datetime,
    confirmed: Callable[[Draft], OperationError],
) -> Draft:
    """Drop a pending draft of one of `kinds` (the checks of `owned_draft`); a confirmed one
    stays confirmed, refused with the error `confirmed(draft)` makes."""
    row = owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=kinds,
        lock=True,
    )
    if row.status == "confirmed":
        raise confirmed(row)
    decide_draft(session=session, draft_id=row.id, status="cancelled", decided_at=now)
    return replace(row, status="cancelled")


def cancel_draft(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> Draft:
    """Drop a pending report or extension draft (a confirmed one stays confirmed)."""
    return cancel_owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=DRAFT_KINDS,
        now=now,
        confirmed=lambda _: OperationError("draft_already_recorded"),
    )


def open_draft(*, session: Session, draft_id: int, nonce: str, telegram_id: int) -> Draft:
    """A draft of this person, to edit it."""
    return owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=DRAFT_KINDS,
    )


# --- the step of a button conversation ----------------------------------------------------------


def set_step(
    *, session: Session, person_id: int, step: str, data: dict[str, Any], now: datetime
) -> None:
    """Remember that the person's next message answers `step`."""
    row = session.get(ChatState, person_id)
    if row is None:
        row = ChatState(person_id=person_id, step=step, data=data, updated_at=now)
    else:
        row.step, row.data, row.updated_at = step, data, now
    session.add(row)
    session.flush()


_STEP = sa.select(_cs.c.step, _cs.c.data).where(_cs.c.person_id == sa.bindparam("person"))
_CLEAR_STEP = sa.delete(_cs).where(_cs.c.person_id == sa.bindparam("person"))


def get_step(*, session: Session, person_id: int) -> tuple[str, dict[str, Any]] | None:
    """The step the person's next message answers, if any (asked of every message)."""
    row = session.connection().execute(_STEP, {"person": person_id}).first()
    return (row.step, dict(row.data)) if row is not None else None


def clear_step(*, session: Session, person_id: int) -> None:
    session.flush()
    session.connection().execute(_CLEAR_STEP, {"person": person_id})
    stale = session.identity_map.get(session.identity_key(ChatState, (person_id,)))
    if stale is not None:
        session.expunge(stale)


@dataclass(frozen=True)
class ReportRef:
    """Which report, about what, made when and by whom."""

    id: int
    task_id: int
    effective_on: date
    author_id: int | None


def _ref(report: Report | None) -> ReportRef | None:
    if report is None or report.id is None:
        return None
    return ReportRef(report.id, report.task_id, report.effective_on, report.author_id)


def last_report_of(*, session: Session, person_id: int, task_id: int) -> ReportRef | None:
    """The person's latest report on the task (what a correction corrects)."""
    return _ref(
        session.exec(
            select(Report)
            .where(Report.author_id == person_id, Report.task_id == task_id)
            .order_by(Report.id.desc())  # type: ignore[union-attr]
        ).first()
    )


def report_ref(*, session: Session, report_id: int) -> ReportRef | None:
    return _ref(session.get(Report, report_id))


def extension_of(*, session: Session, extension_id: int) -> Extension | None:
    return session.get(Extension, extension_id)
