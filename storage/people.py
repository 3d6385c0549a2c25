"""People of a program: one-time invitations, who a Telegram user is, their language, whether
their non-essential reminders are muted or snoozed, and the committee group a leader binds.

A person acts for one organization in one role per program (`Membership`). They join by
redeeming an invitation the secretariat made for that organization and role; nobody else can
report. Every function here is a plain storage operation: the chat renders what it returns.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.errors import OperationError
from storage.models import (
    AuditEntry,
    ChatDraft,
    Extension,
    Invite,
    Membership,
    Organization,
    Period,
    Person,
    Program,
    Report,
    Task,
    table,
)
from storage.operations import LEADING_ROLES
from storage.plans import get_program

ROLES = ("officer", "chair", "vice_chair", "secretary")
# Who decides extensions and is told of them.
DECIDING_ROLES = LEADING_ROLES
INVITE_VALIDITY = timedelta(days=7)
# What a person may do to their non-essential reminders.
MUTE, UNMUTE, RESUME, SNOOZE = "mute", "unmute", "resume", "snooze"
REMINDER_ACTIONS = (MUTE, UNMUTE, RESUME, SNOOZE)
# Telegram's deep-link payload allows A-Z, a-z, 0-9, _ and - (up to 64 characters).
_INVITE_BYTES = 9  # 12 characters of token_urlsafe


@dataclass(frozen=True)
class Member:
    """A Telegram user bound to an organization and role in a program."""

    person_id: int
    telegram_id: int
    name: str
    language: str | None
    program_id: int
    program_code: str
    program_title: str
    timezone: str
    org_id: int
    org_code: str
    org_name: str
    role: str
    # The program's stamp, changed by every plan import: what a cache of its plan is keyed by.
    program_version: datetime | None = None
    # How many programs the person is active in (replies name the program when more than one),
    # and whether this one is the program they last chose (or the only one they have).
    programs: int = 1
    chosen: bool = True

    @property
    def leading(self) -> bool:
        """Chair, vice-chair or secretariat: may act for any organization of the program."""
        return self.role in LEADING_ROLES


@dataclass(frozen=True)
class InviteInfo:
    """A created invitation: its code (the `/start` payload) and what it binds to."""

    code: str
    program: str
    org: str
    org_name: str
    role: str
    expires_at: datetime


def create_invite(
    *,
    session: Session,
    program_code: str,
    org_code: str,
    role: str,
    created_by: str,
    now: datetime,
    valid_for: timedelta = INVITE_VALIDITY,
) -> InviteInfo:
    """Make a one-time invitation to act for `org_code` as `role`, valid for `valid_for`."""
    if role not in ROLES:
        raise OperationError("unknown_role", role=role, roles=", ".join(ROLES))
    program = get_program(session, program_code)
    assert program.id is not None
    org = session.exec(
        select(Organization).where(
            Organization.program_id == program.id,
            Organization.code == org_code.upper(),
            Organization.active,
        )
    ).first()
    if org is None:
        raise OperationError("unknown_org", org=org_code)
    assert org.id is not None
    invite = Invite(
        code=secrets.token_urlsafe(_INVITE_BYTES),
        program_id=program.id,
        org_id=org.id,
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    session.add(
        AuditEntry(
            program_id=program.id,
            at=now,
            actor=created_by,
            action="create_invite",
            entity="invite",
            entity_key=org.code,
            detail={"role": role, "expires_at": invite.expires_at.isoformat()},
        )
    )
    session.flush()
    return InviteInfo(invite.code, program.code, org.code, org.name, role, invite.expires_at)


def redeem_invite(
    *,
    session: Session,
    code: str,
    telegram_id: int,
    name: str,
    language: str | None,
    now: datetime,
) -> Member:
    """Bind the Telegram user to the invitation's organization and role; the code is spent."""
    invite = session.exec(select(Invite).where(Invite.code == code).with_for_update()).first()
    if invite is None:
        raise OperationError("invite_unknown")
    if invite.used_at is not None:
        person = session.get(Person, invite.used_by) if invite.used_by else None
        if person is not None and person.telegram_id == telegram_id:
            # The same /start delivered twice: already done.
            found = member_for(session=session, telegram_id=telegram_id)
            if found is not None and found.program_id == invite.program_id:
                return found
        raise OperationError("invite_used")
    if now >= invite.expires_at:
        raise OperationError("invite_expired")
    person = session.exec(select(Person).where(Person.telegram_id == telegram_id)).first()
    if person is None:
        person = Person(telegram_id=telegram_id, name=name, language=language, created_at=now)
    else:
        person.name = name or person.name
    person.current_program_id = invite.program_id
    session.add(person)
    session.flush()
    assert person.id is not None
    membership = session.exec(
        select(Membership).where(
            Membership.person_id == person.id, Membership.program_id == invite.program_id
        )
    ).first()
    if membership is None:
        membership = Membership(
            person_id=person.id,
            program_id=invite.program_id,
            org_id=invite.org_id,
            role=invite.role,
            created_at=now,
        )
    else:
        membership.org_id, membership.role, membership.active = invite.org_id, invite.role, True
    session.add(membership)
    invite.used_by, invite.used_at = person.id, now
    session.add(invite)
    session.add(
        AuditEntry(
            program_id=invite.program_id,
            at=now,
            actor=f"tg:{telegram_id}",
            action="redeem_invite",
            entity="membership",
            entity_key=str(telegram_id),
            detail={"invite": invite.id, "role": invite.role},
        )
    )
    session.flush()
    found = member_for(session=session, telegram_id=telegram_id)
    assert found is not None
    return found


# What a button may name, by the word `program_of` takes.
_OWNED_BY: dict[str, Any] = {
    "task": Task,
    "report": Report,
    "draft": ChatDraft,
    "extension": Extension,
    "period": Period,
    "organization": Organization,
}
_pe, _m, _p, _o = table(Person), table(Membership), table(Program), table(Organization)
# Asked on every update, so built once.
_MEMBER_ROWS = (
    sa.select(
        _pe.c.id.label("person_id"),
        _pe.c.telegram_id,
        _pe.c.name,
        _pe.c.language,
        _pe.c.current_program_id,
        _m.c.program_id,
        _m.c.role,
        _p.c.code.label("program_code"),
        _p.c.title.label("program_title"),
        _p.c.timezone,
        _p.c.updated_at,
        _p.c.group_chat_id,
        _o.c.id.label("org_id"),
        _o.c.code.label("org_code"),
        _o.c.name.label("org_name"),
    )
    .join(_m, _m.c.person_id == _pe.c.id)
    .join(_p, _p.c.id == _m.c.program_id)
    .join(_o, _o.c.id == _m.c.org_id)
    .where(_pe.c.telegram_id == sa.bindparam("tid"), _m.c.active)
    .order_by(_m.c.id.desc())
)


def member_for(
    *,
    session: Session,
    telegram_id: int,
    program_id: int | None = None,
    program_code: str | None = None,
    chat_id: int | None = None,
) -> Member | None:
    """Who this Telegram user is: in `program_id` (or `program_code`) only, when given; else in
    the program whose committee group is `chat_id`, else their current (or latest) program."""
    rows = session.connection().execute(_MEMBER_ROWS, {"tid": telegram_id}).all()
    count = len(rows)
    current = next((r.program_id for r in rows if r.current_program_id == r.program_id), None)
    if program_id is not None:
        rows = [r for r in rows if r.program_id == program_id]
    elif program_code is not None:
        rows = [r for r in rows if r.program_code.upper() == program_code.upper()]
    elif chat_id is not None:
        rows = [r for r in rows if r.group_chat_id == chat_id] or rows
    if not rows:
        return None
    r = next((r for r in rows if r.program_id == current), rows[0])
    return _member(r, count, count == 1 or r.program_id == current)


def _member(r: Any, count: int, chosen: bool) -> Member:
    return Member(
        person_id=r.person_id,
        telegram_id=r.telegram_id,
        name=r.name,
        language=r.language,
        program_id=r.program_id,
        program_code=r.program_code,
        program_title=r.program_title,
        timezone=r.timezone,
        org_id=r.org_id,
        org_code=r.org_code,
        org_name=r.org_name,
        role=r.role,
        program_version=r.updated_at,
        programs=count,
        chosen=chosen,
    )


@dataclass(frozen=True)
class ProgramsOf:
    """The programs a person is active in (by program code) and the one they last chose (None
    when they never chose one of these: then, with several, the chat asks before acting)."""

    members: tuple[Member, ...]
    current_id: int | None

    @property
    def several(self) -> bool:
        return len(self.members) > 1

    @property
    def codes(self) -> str:
        return ", ".join(m.program_code for m in self.members)


def programs_of(*, session: Session, telegram_id: int) -> ProgramsOf:
    """Every program the Telegram user is an active member of, ordered by program code."""
    rows = session.connection().execute(_MEMBER_ROWS, {"tid": telegram_id}).all()
    current = next((r.program_id for r in rows if r.current_program_id == r.program_id), None)
    members = sorted(
        (_member(r, len(rows), len(rows) == 1 or r.program_id == current) for r in rows),
        key=lambda m: m.program_code,
    )
    return ProgramsOf(tuple(members), current)


def switch_program(
    *,
    session: Session,
    telegram_id: int,
    program_code: str | None = None,
    program_id: int | None = None,
    now: datetime,
) -> tuple[Member, bool]:
    """Make the program typed (`program_code`) or pressed (`program_id`) the person's current
    program (remembered on the person, audited as `switch_program` in that program): the member
    there, and whether anything changed. Refused when they are not an active member of it: a
    code typed as `not_in_program` (naming their programs), a button as `stale_button`."""
    mine = programs_of(session=session, telegram_id=telegram_id)
    if program_id is not None:
        member = next((m for m in mine.members if m.program_id == program_id), None)
        if member is None:
            raise OperationError("stale_button")
    else:
        typed = (program_code or "").strip()
        member = next((m for m in mine.members if m.program_code.upper() == typed.upper()), None)
        if member is None:
            raise OperationError("not_in_program", program=typed, programs=mine.codes or "-")
    person = session.get(Person, member.person_id, with_for_update=True)
    assert person is not None
    if person.current_program_id == member.program_id:
        return replace(member, chosen=True), False
    previous = next(
        (m.program_code for m in mine.members if m.program_id == person.current_program_id), None
    )
    person.current_program_id = member.program_id
    session.add(person)
    session.add(
        AuditEntry(
            program_id=member.program_id,
            at=now,
            actor=f"tg:{telegram_id}",
            action="switch_program",
            entity="person",
            entity_key=str(telegram_id),
            detail={"from": previous, "to": member.program_code},
        )
    )
    session.flush()
    return replace(member, chosen=True), True


def programs_with_task(*, session: Session, telegram_id: int, task_code: str) -> list[Member]:
    """Of the person's programs, those that have an active task with this code (any case)."""
    mine = programs_of(session=session, telegram_id=telegram_id)
    if not mine.members:
        return []
    having = set(
        session.exec(
            select(Task.program_id).where(
                col(Task.program_id).in_([m.program_id for m in mine.members]),
                Task.code == task_code.strip().upper(),
                Task.active,
            )
        ).all()
    )
    return [m for m in mine.members if m.program_id in having]


def program_of(*, session: Session, kind: str, thing_id: int) -> int | None:
    """The program a task, report, draft, extension, period or organization belongs to (what
    a button naming it is re-authorized against); None when there is no such thing."""
    model = _OWNED_BY[kind]
    found = session.get(model, thing_id)
    return None if found is None else int(found.program_id)


def language_of(*, session: Session, telegram_id: int) -> str | None:
    """The language a person chose, if they did."""
    return session.exec(select(Person.language).where(Person.telegram_id == telegram_id)).first()


def set_language(
    *, session: Session, telegram_id: int, name: str, language: str, now: datetime
) -> None:
    """Remember a person's language (anyone may choose one, bound or not)."""
    if language not in ("vi", "en"):
        raise OperationError("unknown_language", language=language)
    person = session.exec(select(Person).where(Person.telegram_id == telegram_id)).first()
    if person is None:
        person = Person(telegram_id=telegram_id, name=name, created_at=now)
    person.language = language
    session.add(person)
    session.flush()


@dataclass(frozen=True)
class Recipient:
    """Somebody to tell something: their chat is their Telegram id."""

    telegram_id: int
    language: str | None
    role: str


def people_with_roles(
    *, session: Session, program_id: int, roles: frozenset[str]
) -> list[Recipient]:
    """The bound people of a program holding one of `roles`."""
    rows = session.exec(
        select(Person.telegram_id, Person.language, Membership.role)
        .join(Membership, col(Membership.person_id) == Person.id)
        .where(
            Membership.program_id == program_id,
            Membership.active,
            col(Membership.role).in_(roles),
            col(Person.telegram_id).is_not(None),
        )
        .order_by(col(Person.telegram_id))
    ).all()
    return [Recipient(tid, lang, role) for tid, lang, role in rows if tid is not None]


@dataclass(frozen=True)
class ReminderState:
    """Whether a person's non-essential reminders are muted, and until when they are snoozed."""

    muted: bool
    snoozed_until: datetime | None  # only when still in the future


def reminder_state(*, session: Session, person_id: int, now: datetime) -> ReminderState:
    """A person's reminder state as of `now` (an unknown person has reminders on)."""
    person = session.get(Person, person_id)
    if person is None:
        return ReminderState(False, None)
    until = person.snoozed_until
    return ReminderState(person.muted, until if until is not None and until > now else None)


def change_reminders(
    *,
    session: Session,
    member: Member,
    action: str,
    days: int = 0,
    now: datetime,
) -> ReminderState:
    """Mute, unmute, resume or snooze (for `days`) a person's non-essential reminders; a snooze
    ends at the same local time (the program's zone) `days` later. Audited as `set_reminders`."""
    if action not in REMINDER_ACTIONS:
        raise ValueError(f"unknown reminder action {action!r}")
    person = session.get(Person, member.person_id)
    if person is None:  # pragma: no cover - a member is a person
        raise LookupError(member.person_id)
    detail: dict[str, object] = {"action": action}
    if action == MUTE:
        person.muted = True
    elif action == UNMUTE:
        person.muted = False
    elif action == RESUME:
        person.muted, person.snoozed_until = False, None
    else:
        local = now.astimezone(ZoneInfo(member.timezone))
        person.snoozed_until = (local + timedelta(days=days)).astimezone(UTC)
        detail["until"] = person.snoozed_until.isoformat()
    session.add(person)
    session.add(
        AuditEntry(
            program_id=member.program_id,
            at=now,
            actor=f"tg:{member.telegram_id}",
            action="set_reminders",
            entity="person",
            entity_key=str(member.telegram_id),
            detail=detail,
        )
    )
    session.flush()
    return reminder_state(session=session, person_id=member.person_id, now=now)


def bind_group(*, session: Session, member: Member, chat_id: int, now: datetime) -> str:
    """Make `chat_id` the member's program's committee group (where completions and the weekly
    digest go): 'bound', 'moved' (it replaced another group) or 'already'. Audited as
    `bind_group`; whether the member may do so is the caller's to check."""
    program = session.get(Program, member.program_id, with_for_update=True)
    if program is None:  # pragma: no cover - a member's program exists
        raise LookupError(member.program_id)
    if program.group_chat_id == chat_id:
        return "already"
    outcome = "bound" if program.group_chat_id is None else "moved"
    previous = program.group_chat_id
    program.group_chat_id = chat_id
    session.add(program)
    session.add(
        AuditEntry(
            program_id=member.program_id,
            at=now,
            actor=f"tg:{member.telegram_id}",
            action="bind_group",
            entity="program",
            entity_key=member.program_code,
            detail={"chat_id": chat_id, "previous": previous},
        )
    )
    session.flush()
    return outcome
