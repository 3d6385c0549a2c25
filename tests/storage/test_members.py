"""Members of the sample program: the roster in plan order with its gaps, revoking and moving a
membership (audited, refused for non-leaders and for the last leader), changes read back as
drafts and done once on Confirm, and unused invitations listed and cancelled.

People come from the sample report log: 900001..900015 are the officers of the 15
organizations in plan order, 900100 the chair and 900101 the secretariat (both of BDVTU).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from storage.database import Database
from storage.documents import PlanDocument
from storage.errors import OperationError
from storage.members import (
    MOVE,
    REVOKE,
    cancel_change,
    cancel_invite,
    confirm_change,
    find_member,
    invite_for_org,
    list_members,
    members_by_code,
    move_membership,
    pending_invites,
    propose_change,
    revoke_membership,
)
from storage.models import AuditEntry, ChatDraft, Membership, Person, Program
from storage.operations import upsert_member
from storage.people import member_for, redeem_invite
from storage.plans import import_plan
from tests.conftest import NOW

ORGS = [
    "BDVTU",
    "BCHQS",
    "CA",
    "MTTQ",
    "TD",
    "HLHPN",
    "HND",
    "HCCB",
    "LDLD",
    "BDBP",
    "HCTD",
    "BTGTU",
    "SLDTBXH",
    "HNCT",
    "DPTTH",
]
HND, TD, CHAIR, SECRETARY = 900007, 900005, 900100, 900101


@pytest.fixture
def plan_only_db(db: Database, sample_plan: PlanDocument) -> Database:
    """The sample plan, nobody bound."""
    with db.write() as session:
        import_plan(session=session, plan=sample_plan, actor="test", now=NOW)
    return db


def program_id(db: Database) -> int:
    with db.read() as s:
        found = s.exec(select(Program.id).where(Program.code == "CTPH-2019")).one()
    assert found is not None
    return found


def membership_of(db: Database, telegram_id: int) -> int:
    with db.read() as s:
        found = s.exec(
            select(Membership.id)
            .join(Person, Person.id == Membership.person_id)  # type: ignore[arg-type]
            .where(Person.telegram_id == telegram_id)
        ).one()
    assert found is not None
    return found


def test_the_roster_lists_every_organization_in_plan_order_with_who_is_bound(
    sample_db: Database,
) -> None:
    """Each of the 15 organizations in plan order with its people (leaders first); no gaps."""
    with sample_db.read() as s:
        roster = list_members(session=s, program_id=program_id(sample_db))
    assert [o.code for o in roster.organizations] == ORGS
    assert [(m.name, m.role) for m in roster.organizations[0].members] == [
        ("Trưởng ban (demo)", "chair"),
        ("Tổ giúp việc (demo)", "secretary"),
        ("Cán bộ đầu mối BDVTU", "officer"),
    ]
    assert [(m.name, m.telegram_id) for m in roster.organizations[6].members] == [
        ("Cán bộ đầu mối HND", HND)
    ]
    assert roster.gaps == ()
    assert (roster.covered, len(roster.organizations), len(roster.members)) == (15, 15, 17)


def test_a_plan_without_people_is_all_gaps(plan_only_db: Database) -> None:
    """Nobody bound: every organization is a gap, 0/15."""
    with plan_only_db.read() as s:
        roster = members_by_code(session=s, program_code="CTPH-2019")
    assert [o.code for o in roster.gaps] == ORGS
    assert roster.covered == 0


def test_an_organization_with_only_a_leader_is_a_gap(sample_db: Database) -> None:
    """A leader bound to an organization does not close its gap: only an officer does."""
    with sample_db.write() as s:
        revoke_membership(
            session=s,
            program_id=program_id(sample_db),
            membership_id=membership_of(sample_db, 900001),
            actor_telegram_id=CHAIR,
            now=NOW,
        )
        roster = list_members(session=s, program_id=program_id(sample_db))
    assert [o.code for o in roster.gaps] == ["BDVTU"]
    assert [m.role for m in roster.organizations[0].members] == ["chair", "secretary"]
    assert roster.covered == 14


def test_revoking_ends_the_membership_and_is_audited(sample_db: Database) -> None:
    """A revoked officer is no longer a member (member_for is None), HND becomes the gap, and
    the audit keeps who did it and what the membership was."""
    pid, mid = program_id(sample_db), membership_of(sample_db, HND)
    with sample_db.write() as s:
        change = revoke_membership(
            session=s, program_id=pid, membership_id=mid, actor_telegram_id=SECRETARY, now=NOW
        )
    assert (change.kind, change.name, change.before_org, change.before_role) == (
        REVOKE,
        "Cán bộ đầu mối HND",
        "HND",
        "officer",
    )
    with sample_db.read() as s:
        assert member_for(session=s, telegram_id=HND) is None
        assert [o.code for o in list_members(session=s, program_id=pid).gaps] == ["HND"]
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "revoke_member")).one()
        seen = (audit.actor, audit.entity_key, audit.detail)
    assert seen == (
        f"tg:{SECRETARY}",
        str(HND),
        {
            "membership": mid,
            "name": "Cán bộ đầu mối HND",
            "before": {"org": "HND", "role": "officer"},
        },
    )


def test_moving_changes_org_and_role_and_audits_before_and_after(sample_db: Database) -> None:
    """HND's officer moved to TD as vice-chair: member_for says so; HND becomes a gap."""
    pid, mid = program_id(sample_db), membership_of(sample_db, HND)
    with sample_db.write() as s:
        change = move_membership(
            session=s,
            program_id=pid,
            membership_id=mid,
            org_code="td",
            role="vice_chair",
            actor_telegram_id=CHAIR,
            now=NOW,
        )
    assert (change.after_org, change.after_org_name, change.after_role) == (
        "TD",
        "Tỉnh đoàn",
        "vice_chair",
    )
    with sample_db.read() as s:
        member = member_for(session=s, telegram_id=HND)
        assert member is not None
        assert (member.org_code, member.role, member.leading) == ("TD", "vice_chair", True)
        assert [o.code for o in list_members(session=s, program_id=pid).gaps] == ["HND"]
        detail = s.exec(select(AuditEntry).where(AuditEntry.action == "move_member")).one().detail
    assert detail["before"] == {"org": "HND", "role": "officer"}
    assert detail["after"] == {"org": "TD", "role": "vice_chair"}


@pytest.mark.parametrize(
    ("org", "role", "code"),
    [
        ("XYZ", "officer", "unknown_org"),
        ("TD", "boss", "unknown_role"),
        ("HND", "officer", "move_nothing"),
    ],
)
def test_a_bad_move_is_refused_and_changes_nothing(
    sample_db: Database, org: str, role: str, code: str
) -> None:
    """Unknown organization or role, or the same place: refused with its code; nothing moves."""
    with pytest.raises(OperationError) as caught, sample_db.write() as s:
        move_membership(
            session=s,
            program_id=program_id(sample_db),
            membership_id=membership_of(sample_db, HND),
            org_code=org,
            role=role,
            actor_telegram_id=CHAIR,
            now=NOW,
        )
    assert caught.value.code == code
    with sample_db.read() as s:
        member = member_for(session=s, telegram_id=HND)
    assert member is not None and (member.org_code, member.role) == ("HND", "officer")


@pytest.mark.parametrize("actor", [HND, TD, 555])
def test_only_leaders_manage_members(sample_db: Database, actor: int) -> None:
    """Officers and strangers are refused as members_not_allowed, for revoke and move alike."""
    pid, mid = program_id(sample_db), membership_of(sample_db, 900003)
    for work in (
        lambda s: revoke_membership(
            session=s, program_id=pid, membership_id=mid, actor_telegram_id=actor, now=NOW
        ),
        lambda s: move_membership(
            session=s,
            program_id=pid,
            membership_id=mid,
            org_code="TD",
            role="officer",
            actor_telegram_id=actor,
            now=NOW,
        ),
    ):
        with pytest.raises(OperationError) as caught:
            sample_db.run_write(work)
        assert caught.value.code == "members_not_allowed"
    with sample_db.read() as s:
        assert len(list_members(session=s, program_id=pid).members) == 17


def test_the_last_leader_can_neither_be_revoked_nor_made_an_officer(
    sample_db: Database,
) -> None:
    """With the secretariat revoked, the chair is the last leader: revoking themselves or
    becoming an officer is refused as last_leader; a second leader lifts the refusal."""
    pid = program_id(sample_db)
    chair = membership_of(sample_db, CHAIR)
    with sample_db.write() as s:
        revoke_membership(
            session=s,
            program_id=pid,
            membership_id=membership_of(sample_db, SECRETARY),
            actor_telegram_id=CHAIR,
            now=NOW,
        )
    for work in (
        lambda s: revoke_membership(
            session=s, program_id=pid, membership_id=chair, actor_telegram_id=CHAIR, now=NOW
        ),
        lambda s: move_membership(
            session=s,
            program_id=pid,
            membership_id=chair,
            org_code="BDVTU",
            role="officer",
            actor_telegram_id=CHAIR,
            now=NOW,
        ),
    ):
        with pytest.raises(OperationError) as caught:
            sample_db.run_write(work)
        assert (caught.value.code, caught.value.params) == (
            "last_leader",
            {"name": "Trưởng ban (demo)"},
        )
    # Moving the last leader to another organization keeping a leading role is fine.
    with sample_db.write() as s:
        moved = move_membership(
            session=s,
            program_id=pid,
            membership_id=chair,
            org_code="MTTQ",
            role="chair",
            actor_telegram_id=CHAIR,
            now=NOW,
        )
    assert (moved.after_org, moved.after_role) == ("MTTQ", "chair")
    with sample_db.write() as s:
        upsert_member(
            session=s,
            program_code="CTPH-2019",
            telegram_id=900102,
            name="Phó Trưởng ban",
            org_code="CA",
            role="vice_chair",
            now=NOW,
        )
        change = revoke_membership(
            session=s, program_id=pid, membership_id=chair, actor_telegram_id=CHAIR, now=NOW
        )
    assert change.before_role == "chair"


def test_a_typed_name_finds_one_member(sample_db: Database) -> None:
    """Whole name without diacritics or case, or a unique part; none or several refused."""
    pid = program_id(sample_db)
    with sample_db.read() as s:
        assert find_member(session=s, program_id=pid, text="can bo dau moi hnd").telegram_id == HND
        assert find_member(session=s, program_id=pid, text="Trưởng").telegram_id == CHAIR
        with pytest.raises(OperationError) as none:
            find_member(session=s, program_id=pid, text="Nguyễn")
        with pytest.raises(OperationError) as several:
            find_member(session=s, program_id=pid, text="đầu mối H")
    assert (none.value.code, none.value.params) == ("member_not_found", {"name": "Nguyễn"})
    assert several.value.code == "member_ambiguous"
    assert several.value.params["matches"] == (
        "Cán bộ đầu mối HCCB (HCCB), Cán bộ đầu mối HCTD (HCTD), Cán bộ đầu mối HLHPN (HLHPN), "
        "Cán bộ đầu mối HNCT (HNCT), Cán bộ đầu mối HND (HND)"
    )


def _propose(db: Database, kind: str, key: str, **kw: object) -> tuple[int, str]:
    with db.write() as s:
        proposal = propose_change(
            session=s,
            actor_telegram_id=CHAIR,
            membership_id=membership_of(db, HND),
            kind=kind,
            chat_id=CHAIR,
            source_key=key,
            now=NOW,
            **kw,  # type: ignore[arg-type]
        )
    return proposal.draft_id, proposal.nonce


def test_a_proposal_changes_nothing_until_confirmed_once(sample_db: Database) -> None:
    """Proposing keeps a draft (the same for the same source); Confirm moves once, a second
    Confirm answers `again` without a second audit entry."""
    draft, nonce = _propose(sample_db, MOVE, "k1", org_code="TD", role=None)
    assert _propose(sample_db, MOVE, "k1", org_code="TD", role=None) == (draft, nonce)
    with sample_db.read() as s:
        member = member_for(session=s, telegram_id=HND)
        assert member is not None and member.org_code == "HND"
    first = sample_db.run_write(
        lambda s: confirm_change(
            session=s, draft_id=draft, nonce=nonce, telegram_id=CHAIR, now=NOW
        )
    )
    again = sample_db.run_write(
        lambda s: confirm_change(
            session=s, draft_id=draft, nonce=nonce, telegram_id=CHAIR, now=NOW
        )
    )
    assert (first.again, again.again) == (False, True)
    assert (again.after_org, again.after_role, again.name) == (
        "TD",
        "officer",
        "Cán bộ đầu mối HND",
    )
    with sample_db.read() as s:
        member = member_for(session=s, telegram_id=HND)
        assert member is not None and (member.org_code, member.role) == ("TD", "officer")
        assert len(s.exec(select(AuditEntry).where(AuditEntry.action == "move_member")).all()) == 1
        assert s.exec(select(ChatDraft.status).where(ChatDraft.id == draft)).one() == "confirmed"


@pytest.mark.parametrize(
    ("nonce", "presser", "code"),
    [("000000", CHAIR, "stale_button"), (None, SECRETARY, "not_your_draft")],
)
def test_a_forged_or_foreign_confirm_is_refused(
    sample_db: Database, nonce: str | None, presser: int, code: str
) -> None:
    """A wrong nonce is a stale button; another leader's press is not theirs: nothing done."""
    draft, real = _propose(sample_db, REVOKE, "k2")
    with pytest.raises(OperationError) as caught:
        sample_db.run_write(
            lambda s: confirm_change(
                session=s, draft_id=draft, nonce=nonce or real, telegram_id=presser, now=NOW
            )
        )
    assert caught.value.code == code
    with sample_db.read() as s:
        assert member_for(session=s, telegram_id=HND) is not None


def test_a_confirm_after_the_member_changed_is_refused(sample_db: Database) -> None:
    """Read back 'revoke HND's officer'; they are moved meanwhile: Confirm refuses
    (member_changed) rather than revoke something else than what was read back."""
    draft, nonce = _propose(sample_db, REVOKE, "k3")
    with sample_db.write() as s:
        move_membership(
            session=s,
            program_id=program_id(sample_db),
            membership_id=membership_of(sample_db, HND),
            org_code="TD",
            role="officer",
            actor_telegram_id=SECRETARY,
            now=NOW,
        )
    with pytest.raises(OperationError) as caught:
        sample_db.run_write(
            lambda s: confirm_change(
                session=s, draft_id=draft, nonce=nonce, telegram_id=CHAIR, now=NOW
            )
        )
    assert caught.value.code == "member_changed"
    with sample_db.read() as s:
        assert member_for(session=s, telegram_id=HND) is not None


def test_a_cancelled_proposal_cannot_be_confirmed(sample_db: Database) -> None:
    """Cancel, then Confirm: refused as cancelled; a confirmed one cannot be cancelled."""
    draft, nonce = _propose(sample_db, REVOKE, "k4")
    args = {"draft_id": draft, "nonce": nonce, "telegram_id": CHAIR, "now": NOW}
    sample_db.run_write(lambda s: cancel_change(session=s, **args))  # type: ignore[arg-type]
    with pytest.raises(OperationError) as caught:
        sample_db.run_write(lambda s: confirm_change(session=s, **args))  # type: ignore[arg-type]
    assert caught.value.code == "member_change_cancelled"
    draft, nonce = _propose(sample_db, REVOKE, "k5")
    args = {"draft_id": draft, "nonce": nonce, "telegram_id": CHAIR, "now": NOW}
    sample_db.run_write(lambda s: confirm_change(session=s, **args))  # type: ignore[arg-type]
    with pytest.raises(OperationError) as done:
        sample_db.run_write(lambda s: cancel_change(session=s, **args))  # type: ignore[arg-type]
    assert done.value.code == "member_change_done"


def test_a_proposal_is_checked_before_it_is_read_back(sample_db: Database) -> None:
    """An officer cannot even propose; the last leader's self-revoke is refused at once."""
    with pytest.raises(OperationError) as officer, sample_db.write() as s:
        propose_change(
            session=s,
            actor_telegram_id=HND,
            membership_id=membership_of(sample_db, 900003),
            kind=REVOKE,
            chat_id=HND,
            source_key="k6",
            now=NOW,
        )
    assert officer.value.code == "members_not_allowed"
    with sample_db.write() as s:
        revoke_membership(
            session=s,
            program_id=program_id(sample_db),
            membership_id=membership_of(sample_db, SECRETARY),
            actor_telegram_id=CHAIR,
            now=NOW,
        )
    with pytest.raises(OperationError) as last, sample_db.write() as s:
        propose_change(
            session=s,
            actor_telegram_id=CHAIR,
            membership_id=membership_of(sample_db, CHAIR),
            kind=REVOKE,
            chat_id=CHAIR,
            source_key="k7",
            now=NOW,
        )
    assert last.value.code == "last_leader"


def test_a_revoked_person_can_rejoin_with_a_new_invitation(sample_db: Database) -> None:
    """Revoked, then invited for the gap and redeemed: active again, for the new org."""
    pid = program_id(sample_db)
    with sample_db.write() as s:
        revoke_membership(
            session=s,
            program_id=pid,
            membership_id=membership_of(sample_db, HND),
            actor_telegram_id=CHAIR,
            now=NOW,
        )
        gap = list_members(session=s, program_id=pid).gaps[0]
        info = invite_for_org(session=s, org_id=gap.org_id, actor_telegram_id=SECRETARY, now=NOW)
    assert (info.org, info.role) == ("HND", "officer")
    with sample_db.write() as s:
        member = redeem_invite(
            session=s, code=info.code, telegram_id=HND, name="Anh Ba", language=None, now=NOW
        )
    assert (member.org_code, member.role) == ("HND", "officer")


def test_unused_invitations_are_listed_and_cancelled(sample_db: Database) -> None:
    """Two invitations pending; one used; cancelling one leaves one and makes it unusable."""
    pid = program_id(sample_db)
    with sample_db.write() as s:
        orgs = {o.code: o.org_id for o in list_members(session=s, program_id=pid).organizations}
        first = invite_for_org(session=s, org_id=orgs["CA"], actor_telegram_id=CHAIR, now=NOW)
        later = NOW + timedelta(minutes=1)
        second = invite_for_org(session=s, org_id=orgs["TD"], actor_telegram_id=CHAIR, now=later)
        used = invite_for_org(session=s, org_id=orgs["HND"], actor_telegram_id=CHAIR, now=later)
        redeem_invite(
            session=s, code=used.code, telegram_id=777, name="X", language=None, now=later
        )
    with sample_db.read() as s:
        pending = pending_invites(
            session=s, program_id=pid, actor_telegram_id=SECRETARY, now=later
        )
    assert [(p.org_code, p.role) for p in pending] == [("CA", "officer"), ("TD", "officer")]
    with pytest.raises(OperationError) as officer, sample_db.read() as s:
        pending_invites(session=s, program_id=pid, actor_telegram_id=HND, now=later)
    assert officer.value.code == "members_not_allowed"
    with sample_db.write() as s:
        cancel_invite(
            session=s, invite_id=pending[0].invite_id, actor_telegram_id=CHAIR, now=later
        )
    with sample_db.read() as s:
        left = pending_invites(session=s, program_id=pid, actor_telegram_id=CHAIR, now=later)
    assert [p.org_code for p in left] == ["TD"]
    with pytest.raises(OperationError) as spent, sample_db.write() as s:
        redeem_invite(
            session=s, code=first.code, telegram_id=778, name="Y", language=None, now=later
        )
    assert spent.value.code == "invite_expired"
    with pytest.raises(OperationError) as again, sample_db.write() as s:
        cancel_invite(
            session=s, invite_id=pending[0].invite_id, actor_telegram_id=CHAIR, now=later
        )
    assert again.value.code == "invite_gone"
    assert second.org == "TD"
