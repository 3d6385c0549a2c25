"""Who acts for which organization of a program, and how the leaders change it: the roster with
its gaps (organizations nobody reports for), revoking a membership and moving a person to
another organization or role, each read back as a draft and done once on Confirm.

Only the program's leading roles (chair, vice-chair, secretariat) manage members; every change
is re-checked when it is confirmed, audited with what it was before, and refused (never half
done) when it would leave the program without a leading member. A revoked membership stays on
record (`Membership.active` is False): the reports made under it still count.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.conversations import cancel_owned_draft, decide_draft, owned_draft
from storage.errors import OperationError
from storage.models import (
    AuditEntry,
    ChatDraft,
    Invite,
    Membership,
    Organization,
    Person,
    Program,
)
from storage.operations import LEADING_ROLES
from storage.people import ROLES, InviteInfo, create_invite

REVOKE, MOVE = "revoke", "move"
CHANGE_KINDS = (REVOKE, MOVE)
# Within an organization the leaders come first, in this order.
_ROLE_ORDER = {"chair": 0, "vice_chair": 1, "secretary": 2, "officer": 3}


@dataclass(frozen=True)
class BoundMember:
    """One active membership: who, for which organization, in which role."""

    membership_id: int
    person_id: int
    telegram_id: int | None
    name: str
    language: str | None
    org_id: int
    org_code: str
    org_name: str
    role: str

    @property
    def leading(self) -> bool:
        return self.role in LEADING_ROLES


@dataclass(frozen=True)
class OrgRoster:
    """An organization of the plan and the people bound to it."""

    org_id: int
    code: str
    name: str
    members: tuple[BoundMember, ...]

    @property
    def has_officer(self) -> bool:
        """Whether a focal officer (role `officer`) acts for it."""
        return any(m.role == "officer" for m in self.members)


@dataclass(frozen=True)
class Roster:
    """Every organization of a program in plan order with who is bound to it; `gaps` are the
    organizations with no active focal officer, the ones the secretariat must still invite."""

    program_id: int
    program_code: str
    program_title: str
    timezone: str
    organizations: tuple[OrgRoster, ...]

    @property
    def gaps(self) -> tuple[OrgRoster, ...]:
        return tuple(o for o in self.organizations if not o.has_officer)

    @property
    def covered(self) -> int:
        return len(self.organizations) - len(self.gaps)

    @property
    def members(self) -> tuple[BoundMember, ...]:
        """Everybody bound, organization by organization in plan order."""
        return tuple(m for o in self.organizations for m in o.members)


def _program(session: Session, program_id: int, *, lock: bool = False) -> Program:
    program = session.get(Program, program_id, with_for_update=lock)
    if program is None:
        raise OperationError("unknown_program", program=str(program_id))
    return program


def _bound(session: Session, program_id: int) -> list[BoundMember]:
    rows = session.exec(
        select(Membership, Person, Organization)
        .join(Person, col(Person.id) == Membership.person_id)
        .join(Organization, col(Organization.id) == Membership.org_id)
        .where(Membership.program_id == program_id, Membership.active)
    ).all()
    found = [
        BoundMember(
            membership_id=m.id or 0,
            person_id=p.id or 0,
            telegram_id=p.telegram_id,
            name=p.name,
            language=p.language,
            org_id=o.id or 0,
            org_code=o.code,
            org_name=o.name,
            role=m.role,
        )
        for m, p, o in rows
    ]
    found.sort(key=lambda b: (_ROLE_ORDER.get(b.role, 9), _fold(b.name), b.membership_id))
    return found


def list_members(*, session: Session, program_id: int) -> Roster:
    """The program's organizations in plan order, who is bound to each, and the gaps."""
    program = _program(session, program_id)
    orgs = session.exec(
        select(Organization)
        .where(Organization.program_id == program_id, Organization.active)
        .order_by(col(Organization.position), col(Organization.id))
    ).all()
    by_org: dict[int, list[BoundMember]] = {}
    for member in _bound(session, program_id):
        by_org.setdefault(member.org_id, []).append(member)
    return Roster(
        program_id=program_id,
        program_code=program.code,
        program_title=program.title,
        timezone=program.timezone,
        organizations=tuple(
            OrgRoster(o.id or 0, o.code, o.name, tuple(by_org.get(o.id or 0, ()))) for o in orgs
        ),
    )


def members_by_code(*, session: Session, program_code: str) -> Roster:
    """`list_members` of the program with this code (for the command line)."""
    program = session.exec(select(Program).where(Program.code == program_code)).first()
    if program is None or program.id is None:
        raise OperationError("unknown_program", program=program_code)
    return list_members(session=session, program_id=program.id)


def _fold(text: str) -> str:
    """A name as compared when typed: no case, no diacritics (đ as d), single spaces."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def find_member(*, session: Session, program_id: int, text: str) -> BoundMember:
    """The one active member a typed name designates: the whole name (case and diacritics
    aside), else the only name containing it; refused when none or several match."""
    wanted = _fold(text.lstrip("@"))
    if not wanted:
        raise OperationError("member_not_found", name=text)
    members = _bound(session, program_id)
    exact = [m for m in members if _fold(m.name) == wanted]
    if len(exact) == 1:
        return exact[0]
    matches = exact or [m for m in members if wanted in _fold(m.name)]
    if not matches:
        raise OperationError("member_not_found", name=text)
    if len(matches) > 1:
        names = ", ".join(f"{m.name} ({m.org_code})" for m in matches[:5])
        raise OperationError("member_ambiguous", name=text, matches=names)
    return matches[0]


def _require_leader(session: Session, program_id: int, telegram_id: int) -> BoundMember:
    for member in _bound(session, program_id):
        if member.telegram_id == telegram_id and member.leading:
            return member
    raise OperationError("members_not_allowed")


def _active_membership(session: Session, program_id: int, membership_id: int) -> BoundMember:
    for member in _bound(session, program_id):
        if member.membership_id == membership_id:
            return member
    raise OperationError("member_gone")


def member_choice(*, session: Session, membership_id: int, actor_telegram_id: int) -> Roster:
    """The roster of the program a membership belongs to, once the actor is found to lead it
    and the membership to be still active (a button names a membership: both are re-checked)."""
    row = session.get(Membership, membership_id)
    if row is None:
        raise OperationError("member_gone")
    _require_leader(session, row.program_id, actor_telegram_id)
    _active_membership(session, row.program_id, membership_id)
    return list_members(session=session, program_id=row.program_id)


def roster_for_leader(*, session: Session, program_id: int, actor_telegram_id: int) -> Roster:
    """The roster, for a leading member of the program only."""
    _require_leader(session, program_id, actor_telegram_id)
    return list_members(session=session, program_id=program_id)


def _org(session: Session, program_id: int, org_code: str) -> Organization:
    org = session.exec(
        select(Organization).where(
            Organization.program_id == program_id,
            Organization.code == org_code.upper(),
            Organization.active,
        )
    ).first()
    if org is None:
        raise OperationError("unknown_org", org=org_code)
    return org


def _leaders_left(session: Session, program_id: int, without: int) -> int:
    return sum(1 for m in _bound(session, program_id) if m.leading and m.membership_id != without)


def _check_revoke(session: Session, target: BoundMember, program_id: int) -> None:
    if target.leading and _leaders_left(session, program_id, target.membership_id) == 0:
        raise OperationError("last_leader", name=target.name)


def _check_move(
    session: Session, target: BoundMember, program_id: int, org: Organization, role: str
) -> None:
    if role not in ROLES:
        raise OperationError("unknown_role", role=role, roles=", ".join(ROLES))
    if (org.id, role) == (target.org_id, target.role):
        raise OperationError("move_nothing", name=target.name, org=org.code)
    if (
        target.leading
        and role not in LEADING_ROLES
        and _leaders_left(session, program_id, target.membership_id) == 0
    ):
        raise OperationError("last_leader", name=target.name)


@dataclass(frozen=True)
class Change:
    """A membership revoked or moved (or proposed to be): who, from what, to what.
    `again` when the draft had been confirmed before (nothing was done twice)."""

    kind: str
    program_id: int
    program_code: str
    membership_id: int
    name: str
    telegram_id: int | None
    language: str | None
    before_org: str
    before_org_name: str
    before_role: str
    after_org: str | None = None
    after_org_name: str | None = None
    after_role: str | None = None
    again: bool = False


def _change(
    kind: str, program: Program, target: BoundMember, org: Organization | None, role: str | None
) -> Change:
    return Change(
        kind=kind,
        program_id=program.id or 0,
        program_code=program.code,
        membership_id=target.membership_id,
        name=target.name,
        telegram_id=target.telegram_id,
        language=target.language,
        before_org=target.org_code,
        before_org_name=target.org_name,
        before_role=target.role,
        after_org=org.code if org is not None else None,
        after_org_name=org.name if org is not None else None,
        after_role=role,
    )


def _audit(session: Session, change: Change, actor: str, now: datetime) -> None:
    detail: dict[str, Any] = {
        "membership": change.membership_id,
        "name": change.name,
        "before": {"org": change.before_org, "role": change.before_role},
    }
    if change.kind == MOVE:
        detail["after"] = {"org": change.after_org, "role": change.after_role}
    session.add(
        AuditEntry(
            program_id=change.program_id,
            at=now,
            actor=actor,
            action=f"{change.kind}_member",
            entity="membership",
            entity_key=str(change.telegram_id or change.membership_id),
            detail=detail,
        )
    )


def revoke_membership(
    *,
    session: Session,
    program_id: int,
    membership_id: int,
    actor_telegram_id: int | None,
    now: datetime,
) -> Change:
    """End a membership: the person no longer acts for the organization (their reports stay).
    A chat actor must lead the program; the last leading member cannot be revoked."""
    program = _program(session, program_id, lock=True)
    if actor_telegram_id is not None:
        _require_leader(session, program_id, actor_telegram_id)
    target = _active_membership(session, program_id, membership_id)
    _check_revoke(session, target, program_id)
    row = session.get(Membership, membership_id)
    assert row is not None
    row.active = False
    session.add(row)
    change = _change(REVOKE, program, target, None, None)
    actor = f"tg:{actor_telegram_id}" if actor_telegram_id is not None else "system"
    _audit(session, change, actor, now)
    session.flush()
    return change


def move_membership(
    *,
    session: Session,
    program_id: int,
    membership_id: int,
    org_code: str,
    role: str,
    actor_telegram_id: int | None,
    now: datetime,
) -> Change:
    """Make a member act for another organization and/or in another role, audited with the
    before and after. A chat actor must lead the program; the last leading member cannot be
    made an officer."""
    program = _program(session, program_id, lock=True)
    if actor_telegram_id is not None:
        _require_leader(session, program_id, actor_telegram_id)
    target = _active_membership(session, program_id, membership_id)
    org = _org(session, program_id, org_code)
    _check_move(session, target, program_id, org, role)
    row = session.get(Membership, membership_id)
    assert row is not None and org.id is not None
    row.org_id, row.role = org.id, role
    session.add(row)
    change = _change(MOVE, program, target, org, role)
    actor = f"tg:{actor_telegram_id}" if actor_telegram_id is not None else "system"
    _audit(session, change, actor, now)
    session.flush()
    return change


# --- read back, then Confirm ---------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A change read back to a leader, waiting for Confirm (`draft_id` and `nonce` name it)."""

    draft_id: int
    nonce: str
    change: Change


def _save(
    session: Session,
    *,
    source_key: str,
    actor: BoundMember,
    program_id: int,
    chat_id: int,
    change: Change,
    now: datetime,
) -> Proposal:
    earlier = session.exec(select(ChatDraft).where(ChatDraft.source_key == source_key)).first()
    if earlier is not None and earlier.id is not None:
        # The same message or press delivered twice: the same draft.
        return Proposal(earlier.id, earlier.nonce, change)
    payload = {
        "membership": change.membership_id,
        "before": {"org": change.before_org, "role": change.before_role},
        "after": {"org": change.after_org, "role": change.after_role},
    }
    row = ChatDraft(
        source_key=source_key,
        person_id=actor.person_id,
        program_id=program_id,
        chat_id=chat_id,
        kind=change.kind,
        payload=payload,
        nonce=secrets.token_hex(3),
        created_at=now,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return Proposal(row.id, row.nonce, change)


def propose_change(
    *,
    session: Session,
    actor_telegram_id: int,
    membership_id: int,
    kind: str,
    org_code: str | None = None,
    role: str | None = None,
    chat_id: int,
    source_key: str,
    now: datetime,
) -> Proposal:
    """Check a revoke or a move (to `org_code`, `role`) as if done now and keep it as a draft
    to read back; nothing changes until `confirm_change`."""
    if kind not in CHANGE_KINDS:
        raise ValueError(f"unknown change {kind!r}")
    row = session.get(Membership, membership_id)
    if row is None:
        raise OperationError("member_gone")
    program = _program(session, row.program_id)
    actor = _require_leader(session, row.program_id, actor_telegram_id)
    target = _active_membership(session, row.program_id, membership_id)
    if kind == REVOKE:
        _check_revoke(session, target, row.program_id)
        change = _change(REVOKE, program, target, None, None)
    else:
        org = _org(session, row.program_id, org_code or "")
        new_role = role or target.role
        _check_move(session, target, row.program_id, org, new_role)
        change = _change(MOVE, program, target, org, new_role)
    return _save(
        session,
        source_key=source_key,
        actor=actor,
        program_id=row.program_id,
        chat_id=chat_id,
        change=change,
        now=now,
    )


def propose_named_change(
    *,
    session: Session,
    program_id: int,
    name: str,
    actor_telegram_id: int,
    kind: str,
    org_code: str | None = None,
    role: str | None = None,
    chat_id: int,
    source_key: str,
    now: datetime,
) -> Proposal:
    """`propose_change` for the one member of the program a typed name designates."""
    target = find_member(session=session, program_id=program_id, text=name)
    return propose_change(
        session=session,
        actor_telegram_id=actor_telegram_id,
        membership_id=target.membership_id,
        kind=kind,
        org_code=org_code,
        role=role,
        chat_id=chat_id,
        source_key=source_key,
        now=now,
    )


def confirm_change(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> Change:
    """Do the change a draft says, once, re-checking everything; refused as `member_changed`
    when the membership is no longer what was read back."""
    row = owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=CHANGE_KINDS,
        lock=True,
    )
    p = row.payload
    if row.status == "confirmed":
        return Change(**{**p["done"], "again": True})
    if row.status != "pending":
        raise OperationError("member_change_cancelled")
    current = session.get(Membership, int(p["membership"]))
    if current is None:
        raise OperationError("member_gone")
    org = session.get(Organization, current.org_id)
    before = p["before"]
    if (
        not current.active
        or org is None
        or (org.code, current.role) != (before["org"], before["role"])
    ):
        raise OperationError("member_changed")
    if row.kind == REVOKE:
        change = revoke_membership(
            session=session,
            program_id=row.program_id,
            membership_id=current.id or 0,
            actor_telegram_id=telegram_id,
            now=now,
        )
    else:
        change = move_membership(
            session=session,
            program_id=row.program_id,
            membership_id=current.id or 0,
            org_code=p["after"]["org"],
            role=p["after"]["role"],
            actor_telegram_id=telegram_id,
            now=now,
        )
    done = {k: v for k, v in change.__dict__.items() if k != "again"}
    decide_draft(
        session=session,
        draft_id=row.id,
        status="confirmed",
        decided_at=now,
        payload={**p, "done": done},
    )
    session.flush()
    return change


def cancel_change(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> None:
    """Drop a pending change (a confirmed one stays done)."""
    cancel_owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=CHANGE_KINDS,
        now=now,
        confirmed=lambda _: OperationError("member_change_done"),
    )


# --- invitations --------------------------------------------------------------------------------


def invite_for_org(
    *, session: Session, org_id: int, actor_telegram_id: int, now: datetime
) -> InviteInfo:
    """A one-time officer invitation for an organization (a gap of the roster), made by a
    leading member of its program."""
    org = session.get(Organization, org_id)
    if org is None or not org.active:
        raise OperationError("member_gone")
    _require_leader(session, org.program_id, actor_telegram_id)
    program = _program(session, org.program_id)
    return create_invite(
        session=session,
        program_code=program.code,
        org_code=org.code,
        role="officer",
        created_by=f"tg:{actor_telegram_id}",
        now=now,
    )


@dataclass(frozen=True)
class PendingInvite:
    """An invitation neither used nor expired."""

    invite_id: int
    org_code: str
    org_name: str
    role: str
    created_by: str
    expires_at: datetime


def pending_invites(
    *, session: Session, program_id: int, actor_telegram_id: int, now: datetime
) -> list[PendingInvite]:
    """The program's unused, unexpired invitations (for a leading member), oldest first."""
    _require_leader(session, program_id, actor_telegram_id)
    rows = session.exec(
        select(Invite, Organization)
        .join(Organization, col(Organization.id) == Invite.org_id)
        .where(
            Invite.program_id == program_id,
            col(Invite.used_at).is_(None),
            Invite.expires_at > now,
        )
        .order_by(col(Invite.created_at), col(Invite.id))
    ).all()
    return [
        PendingInvite(i.id or 0, o.code, o.name, i.role, i.created_by, i.expires_at)
        for i, o in rows
    ]


def cancel_invite(
    *, session: Session, invite_id: int, actor_telegram_id: int, now: datetime
) -> PendingInvite:
    """Make an unused invitation unusable from now on (it ends now), audited."""
    invite = session.get(Invite, invite_id, with_for_update=True)
    if invite is None:
        raise OperationError("invite_gone")
    _require_leader(session, invite.program_id, actor_telegram_id)
    if invite.used_at is not None or invite.expires_at <= now:
        raise OperationError("invite_gone")
    org = session.get(Organization, invite.org_id)
    assert org is not None
    invite.expires_at = now
    session.add(invite)
    session.add(
        AuditEntry(
            program_id=invite.program_id,
            at=now,
            actor=f"tg:{actor_telegram_id}",
            action="cancel_invite",
            entity="invite",
            entity_key=org.code,
            detail={"invite": invite.id, "role": invite.role},
        )
    )
    session.flush()
    return PendingInvite(invite_id, org.code, org.name, invite.role, invite.created_by, now)
