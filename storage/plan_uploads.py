"""A plan sent by chat: read it, preview what it would change, apply it on Confirm, once.

A leader (chair, vice-chair, secretariat) of a program sends the plan workbook or YAML file. The
preview is the import run and undone (inside a savepoint), kept as a `ChatDraft`
of kind "plan" whose payload is the plan itself (JSON) and the program's stamp
(`Program.updated_at`) as it was when previewed. Confirm applies exactly what was previewed,
all or nothing, keeping every report (the import deactivates, never deletes), and only if the
program has not changed since: a stale preview is refused and the file must be sent again.

Why the plan in the draft rather than Telegram's file_id: Confirm then needs neither Telegram nor
a second parse, applies the very plan that was shown, and works after a restart.

Who may: the leaders of the plan's program. A plan naming a program that does not exist yet
creates it; only somebody already leading some program may do that (an unbound person has nobody
to authorize them), and they become `secretary` of the new plan's standing organization.
"""

from __future__ import annotations

import dataclasses
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.conversations import cancel_owned_draft, decide_draft, owned_draft
from storage.documents import DocumentError, PlanDocument, TaskSpec, load_plan
from storage.errors import OperationError
from storage.models import (
    AuditEntry,
    ChatDraft,
    Membership,
    Organization,
    Person,
    Program,
    table,
)
from storage.operations import LEADING_ROLES
from storage.people import Member, member_for
from storage.plans import PlanChanges, SectionChanges, export_plan, import_plan

PLAN_DRAFT = "plan"
PLAN_SUFFIXES = (".xlsx", ".yaml", ".yml")
# The role of whoever creates a new program by sending its plan.
CREATOR_ROLE = "secretary"
_d, _pe = table(ChatDraft), table(Person)


def read_uploaded_plan(content: bytes, file_name: str) -> PlanDocument:
    """The plan in a file sent by chat (.xlsx, .yaml or .yml); `DocumentError` names every
    problem by sheet or section, row and column, with the file called by the name it was sent
    under (not the temporary copy read here)."""
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="phoihop-plan-") as folder:
        path = Path(folder) / f"plan{suffix if suffix in PLAN_SUFFIXES else '.bin'}"
        path.write_bytes(content)
        try:
            return load_plan(path)
        except DocumentError as exc:
            issues = [
                dataclasses.replace(i, params={**i.params, "path": file_name})
                if "path" in i.params
                else i
                for i in exc.issues
            ]
            raise DocumentError(issues) from None


def leads_a_program(*, session: Session, telegram_id: int) -> bool:
    """Whether this person leads (chair, vice-chair, secretariat) any program."""
    return _leading_membership(session, telegram_id) is not None


@dataclass(frozen=True)
class OrgChanges:
    """The tasks of one organization (as lead or partner) that a plan adds, changes, removes."""

    org: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanPreview:
    """What a plan would change; `draft_id` and `nonce` are None when it changes nothing."""

    program: str
    title: str
    changes: PlanChanges
    # Organizations whose tasks are added, changed or removed, in plan order.
    affected: tuple[str, ...]
    # Bound focal officers of those organizations: who will be told.
    officers: int
    draft_id: int | None = None
    nonce: str | None = None


@dataclass(frozen=True)
class Notice:
    """What to tell one officer after a plan was applied: their organization's changes."""

    telegram_id: int
    language: str | None
    changes: OrgChanges


@dataclass(frozen=True)
class PlanApplied:
    """The outcome of Confirm; `again` when it had been applied before (nothing done now)."""

    program: str
    created: bool
    again: bool
    tasks: Mapping[str, int]  # added, changed, removed: how many
    affected: tuple[str, ...] = ()
    notices: tuple[Notice, ...] = ()
    # For a new program: the organization its creator now acts for, as secretariat.
    creator_org: str | None = None


def preview_plan_upload(
    *,
    session: Session,
    telegram_id: int,
    plan: PlanDocument,
    source_key: str,
    chat_id: int,
    now: datetime,
) -> PlanPreview:
    """What importing `plan` would change, kept as a draft for Confirm; refuses anybody who
    may not change (or create) the plan's program. The same message previewed twice yields the
    same draft."""
    program = _program(session, plan.program.code)
    member = _authorize(session, telegram_id, plan, program)
    stamp = _stamp(program)
    old = export_plan(session=session, program_code=program.code) if program else None
    # The import itself, undone: `import_plan(dry_run=True)` cannot look up organizations,
    # indicators or periods that the plan adds and its tasks use, and this is exactly what
    # Confirm will do.
    savepoint = session.begin_nested()
    try:
        changes = import_plan(session=session, plan=plan, actor="preview", now=now)
    finally:
        savepoint.rollback()
    by_org = org_changes(old, plan, changes.tasks)
    affected = tuple(by_org)
    officers = len(_officers(session, program.id if program else None, affected, telegram_id))
    title = plan.program.title
    if not changes.any:
        return PlanPreview(plan.program.code, title, changes, affected, officers)
    earlier = (
        session.connection()
        .execute(sa.select(_d.c.id, _d.c.nonce).where(_d.c.source_key == source_key))
        .first()
    )
    if earlier is not None:
        draft_id, nonce = earlier.id, earlier.nonce
    else:
        row = ChatDraft(
            source_key=source_key,
            person_id=member.person_id,
            program_id=member.program_id,
            chat_id=chat_id,
            kind=PLAN_DRAFT,
            payload={
                "program": plan.program.code,
                "stamp": stamp,
                "plan": plan.model_dump(mode="json"),
            },
            nonce=secrets.token_hex(3),
            created_at=now,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        draft_id, nonce = row.id, row.nonce
    return PlanPreview(plan.program.code, title, changes, affected, officers, draft_id, nonce)


def apply_plan_upload(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> PlanApplied:
    """Apply a previewed plan once: re-checks who confirms, refuses a preview the program has
    moved on from (`plan_stale`), keeps every report. Confirmed again: the first outcome."""
    row = owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=(PLAN_DRAFT,),
        lock=True,
    )
    payload = dict(row.payload)
    if row.status == "confirmed":
        result = payload.get("result", {})
        return PlanApplied(
            program=payload["program"],
            created=bool(result.get("created")),
            again=True,
            tasks=result.get("tasks", {}),
        )
    if row.status != "pending":
        raise OperationError("plan_cancelled")
    plan = PlanDocument.model_validate(payload["plan"])
    code = plan.program.code
    program = session.exec(select(Program).where(Program.code == code).with_for_update()).first()
    if _stamp(program) != payload.get("stamp"):
        raise OperationError("plan_stale", program=code)
    _authorize(session, telegram_id, plan, program)
    old = export_plan(session=session, program_code=code) if program else None
    actor = f"tg:{telegram_id}"
    changes = import_plan(session=session, plan=plan, actor=actor, now=now)
    created = program is None
    applied = session.exec(select(Program).where(Program.code == code)).one()
    assert applied.id is not None
    creator_org = _make_creator(session, applied, telegram_id, now) if created else None
    by_org = org_changes(old, plan, changes.tasks)
    affected = tuple(by_org)
    notices = tuple(
        Notice(tid, lang, by_org[org])
        for tid, lang, org in _officers(session, applied.id, affected, telegram_id)
    )
    tasks = {
        "added": len(changes.tasks.added),
        "changed": len(changes.tasks.changed),
        "removed": len(changes.tasks.removed),
    }
    # The plan itself is on record now; the draft keeps only what Confirm answered.
    result = {"created": created, "tasks": tasks}
    decide_draft(
        session=session,
        draft_id=row.id,
        status="confirmed",
        decided_at=now,
        payload={"program": code, "stamp": payload.get("stamp"), "result": result},
    )
    return PlanApplied(code, created, False, tasks, affected, notices, creator_org)


def cancel_plan_upload(
    *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
) -> None:
    """Drop a previewed plan (one already applied stays applied)."""
    cancel_owned_draft(
        session=session,
        draft_id=draft_id,
        nonce=nonce,
        telegram_id=telegram_id,
        kinds=(PLAN_DRAFT,),
        now=now,
        confirmed=lambda row: OperationError(
            "plan_already_applied", program=row.payload.get("program", "")
        ),
    )


def plan_for_editing(*, session: Session, member: Member) -> PlanDocument:
    """The member's program's current plan, to edit and send back; leaders only."""
    if not member.leading:
        raise OperationError("plan_not_allowed", program=member.program_code)
    return export_plan(session=session, program_code=member.program_code)


def org_changes(
    old: PlanDocument | None, new: PlanDocument, tasks: SectionChanges
) -> dict[str, OrgChanges]:
    """Per organization (lead or partner, before or after), the tasks added, changed and
    removed; organizations in the new plan's order, then the ones it no longer has."""
    old_tasks = {t.code: t for t in old.tasks} if old is not None else {}
    new_tasks = {t.code: t for t in new.tasks}
    old_orgs = tuple(o.code for o in old.organizations) if old is not None else ()
    new_orgs = tuple(o.code for o in new.organizations)
    found: dict[str, dict[str, list[str]]] = {}

    def note(kind: str, code: str, orgs: Iterable[str]) -> None:
        for org in orgs:
            found.setdefault(org, {"added": [], "changed": [], "removed": []})[kind].append(code)

    for code in tasks.added:
        note("added", code, _orgs_of(new_tasks[code], new_orgs))
    for code in tasks.changed:
        before = _orgs_of(old_tasks[code], old_orgs) if code in old_tasks else ()
        after = _orgs_of(new_tasks[code], new_orgs)
        note("changed", code, dict.fromkeys((*after, *before)))
    for code in tasks.removed:
        if code in old_tasks:
            note("removed", code, _orgs_of(old_tasks[code], old_orgs))
    order = {org: n for n, org in enumerate(dict.fromkeys((*new_orgs, *old_orgs)))}
    return {
        org: OrgChanges(org, *(tuple(kinds[k]) for k in ("added", "changed", "removed")))
        for org, kinds in sorted(found.items(), key=lambda item: order.get(item[0], len(order)))
    }


def _orgs_of(task: TaskSpec, all_orgs: tuple[str, ...]) -> tuple[str, ...]:
    partners = all_orgs if task.partners == "all" else task.partners
    return tuple(dict.fromkeys((task.lead, *partners)))


def _program(session: Session, code: str) -> Program | None:
    return session.exec(select(Program).where(Program.code == code)).first()


def _stamp(program: Program | None) -> str | None:
    return program.updated_at.isoformat() if program is not None else None


def _leading_membership(session: Session, telegram_id: int) -> Member | None:
    """The person's membership in their current program if they lead it, else in any program
    they lead (the newest), else None."""
    current = member_for(session=session, telegram_id=telegram_id)
    if current is None or current.leading:
        return current
    rows = session.exec(
        select(Membership.program_id)
        .join(Person, col(Person.id) == Membership.person_id)
        .where(
            Person.telegram_id == telegram_id,
            Membership.active,
            col(Membership.role).in_(LEADING_ROLES),
        )
        .order_by(col(Membership.id).desc())
    ).first()
    if rows is None:
        return None
    return member_for(session=session, telegram_id=telegram_id, program_id=rows)


def _authorize(
    session: Session, telegram_id: int, plan: PlanDocument, program: Program | None
) -> Member:
    """The membership that allows this person to change (or create) the plan's program."""
    code = plan.program.code
    if program is not None:
        member = member_for(session=session, telegram_id=telegram_id, program_id=program.id)
        if member is None or not member.leading:
            raise OperationError("plan_not_allowed", program=code)
        return member
    member = _leading_membership(session, telegram_id)
    if member is None:
        raise OperationError("plan_create_not_allowed", program=code)
    if plan.committee.standing_org is None:
        raise OperationError("plan_no_standing_org", program=code)
    return member


def _officers(
    session: Session, program_id: int | None, orgs: tuple[str, ...], sender: int
) -> list[tuple[int, str | None, str]]:
    """The bound focal officers of these organizations (not the sender): (telegram id,
    language, organization), in the organizations' order."""
    if program_id is None or not orgs:
        return []
    rows = session.exec(
        select(Person.telegram_id, Person.language, Organization.code)
        .join(Membership, col(Membership.person_id) == Person.id)
        .join(Organization, col(Organization.id) == Membership.org_id)
        .where(
            Membership.program_id == program_id,
            Membership.active,
            Membership.role == "officer",
            col(Organization.code).in_(orgs),
            col(Person.telegram_id).is_not(None),
            Person.telegram_id != sender,
        )
        .order_by(col(Person.telegram_id))
    ).all()
    position = {org: n for n, org in enumerate(orgs)}
    found = [(tid, lang, org) for tid, lang, org in rows if tid is not None]
    return sorted(found, key=lambda r: (position[r[2]], r[0]))


def _make_creator(session: Session, program: Program, telegram_id: int, now: datetime) -> str:
    """Make the creator of a new program its secretariat, acting for the standing
    organization; the new program becomes their current one. Audited as `add_member`."""
    assert program.id is not None and program.standing_org is not None
    org = session.exec(
        select(Organization).where(
            Organization.program_id == program.id, Organization.code == program.standing_org
        )
    ).one()
    person = session.exec(select(Person).where(Person.telegram_id == telegram_id)).one()
    assert org.id is not None and person.id is not None
    session.add(
        Membership(
            person_id=person.id,
            program_id=program.id,
            org_id=org.id,
            role=CREATOR_ROLE,
            created_at=now,
        )
    )
    person.current_program_id = program.id
    session.add(person)
    session.add(
        AuditEntry(
            program_id=program.id,
            at=now,
            actor=f"tg:{telegram_id}",
            action="add_member",
            entity="membership",
            entity_key=str(telegram_id),
            detail={"org": org.code, "role": CREATOR_ROLE, "why": "created_program"},
        )
    )
    session.flush()
    return org.code
