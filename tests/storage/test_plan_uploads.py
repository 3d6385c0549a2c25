"""A plan sent by chat, in storage: read, previewed as a draft, applied once, refused when stale
or when the sender may not; per-organization changes.

People come from the sample report log: 900100 is the chair, 900101 the secretariat (both of
BDVTU), 900003 CA's officer, 900007 HND's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import yaml
from sqlmodel import col, func, select

from storage.database import Database
from storage.documents import DocumentError, OrganizationSpec, PlanDocument, TaskSpec
from storage.errors import OperationError
from storage.models import AuditEntry, ChatDraft, Membership, Organization, Program, Report, Task
from storage.people import member_for
from storage.plan_uploads import (
    OrgChanges,
    PlanPreview,
    apply_plan_upload,
    cancel_plan_upload,
    leads_a_program,
    org_changes,
    plan_for_editing,
    preview_plan_upload,
    read_uploaded_plan,
)
from storage.plans import SectionChanges, export_plan

from ..conftest import NOW

CHAIR, SECRETARY, CA, HND = 900100, 900101, 900003, 900007
PROGRAM = "CTPH-2019"


def with_new_org(plan: PlanDocument) -> PlanDocument:
    """The sample plan plus organization HTX and task R38 it leads (HND partner)."""
    task = TaskSpec(
        code="R38", kind="registered", title="Hợp tác xã kiểu mới", lead="HTX",
        partners=("HND",), due=date(2019, 10, 1),
    )  # fmt: skip
    return plan.model_copy(
        update={
            "organizations": (
                *plan.organizations,
                OrganizationSpec(code="HTX", name="Liên minh HTX"),
            ),
            "tasks": (*plan.tasks, task),
        }
    )


def preview(
    db: Database,
    plan: PlanDocument,
    who: int = SECRETARY,
    key: str = "tg:1:1",
    now: datetime = NOW,
) -> PlanPreview:
    return db.run_write(
        lambda s: preview_plan_upload(
            session=s, telegram_id=who, plan=plan, source_key=key, chat_id=who, now=now
        )
    )


def apply(db: Database, p: PlanPreview, who: int = SECRETARY, now: datetime = NOW) -> Any:
    assert p.draft_id is not None and p.nonce is not None
    draft_id, nonce = p.draft_id, p.nonce
    return db.run_write(
        lambda s: apply_plan_upload(
            session=s, draft_id=draft_id, nonce=nonce, telegram_id=who, now=now
        )
    )


def refusal(work: Any) -> OperationError:
    with pytest.raises(OperationError) as caught:
        work()
    return caught.value


def stamp(db: Database) -> datetime:
    with db.read() as s:
        return s.exec(select(Program.updated_at).where(Program.code == PROGRAM)).one()


def count(db: Database, model: Any, *where: Any) -> int:
    with db.read() as s:
        return int(s.exec(select(func.count()).select_from(model).where(*where)).one())


# --- per-organization changes (pure) ----------------------------------------------------------


def test_org_changes_name_leads_and_partners_before_and_after(sample_plan: PlanDocument) -> None:
    """Added tasks count their new lead and partners ("all" is every organization), changed
    ones the old and new, removed ones the old; in the plan's organization order."""
    r09 = next(t for t in sample_plan.tasks if t.code == "R09")  # CA, partner MTTQ
    new = sample_plan.model_copy(
        update={
            "tasks": (
                *(
                    t.model_copy(update={"lead": "TD", "partners": ("HND",)})
                    if t.code == "R09"
                    else t
                    for t in sample_plan.tasks
                    if t.code != "R37"  # DPTTH, partner BCHQS
                ),
                TaskSpec(code="CT10", kind="common", title="x", lead="MTTQ", partners="all"),
            )
        }
    )
    assert r09.lead == "CA"
    found = org_changes(
        sample_plan, new, SectionChanges(added=["CT10"], changed=["R09"], removed=["R37"])
    )
    assert list(found) == [o.code for o in sample_plan.organizations]
    assert found["MTTQ"] == OrgChanges("MTTQ", ("CT10",), ("R09",), ())
    assert found["CA"] == OrgChanges("CA", ("CT10",), ("R09",), ())
    assert found["TD"] == OrgChanges("TD", ("CT10",), ("R09",), ())
    assert found["BCHQS"] == OrgChanges("BCHQS", ("CT10",), (), ("R37",))
    assert found["DPTTH"] == OrgChanges("DPTTH", ("CT10",), (), ("R37",))
    assert found["LDLD"] == OrgChanges("LDLD", ("CT10",), (), ())


def test_org_changes_of_a_new_program_are_its_tasks(sample_plan: PlanDocument) -> None:
    """Without an old plan every task is added, for its lead and partners."""
    found = org_changes(None, sample_plan, SectionChanges(added=["R09", "R37"]))
    assert found == {
        "BCHQS": OrgChanges("BCHQS", ("R37",)),
        "CA": OrgChanges("CA", ("R09",)),
        "MTTQ": OrgChanges("MTTQ", ("R09",)),
        "DPTTH": OrgChanges("DPTTH", ("R37",)),
    }
    assert list(found) == ["BCHQS", "CA", "MTTQ", "DPTTH"]


# --- reading files ----------------------------------------------------------------------------


def test_read_uploaded_plan_reads_yaml_and_names_the_file_as_sent(
    sample_plan: PlanDocument,
) -> None:
    """YAML bytes give the plan; problems name the file by the name it was sent under."""
    content = yaml.safe_dump(sample_plan.model_dump(mode="json"), allow_unicode=True).encode()
    assert read_uploaded_plan(content, "Kế hoạch.YAML") == sample_plan
    with pytest.raises(DocumentError) as bad_format:
        read_uploaded_plan(content, "ke-hoach.txt")
    assert [(i.section, i.code, i.params) for i in bad_format.value.issues] == [
        ("file", "unknown_format", {"path": "ke-hoach.txt"})
    ]
    with pytest.raises(DocumentError) as unreadable:
        read_uploaded_plan(b"PK\x03\x04 broken", "kh.xlsx")
    issue = unreadable.value.issues[0]
    assert (issue.code, issue.params["path"]) == ("file_unreadable", "kh.xlsx")
    with pytest.raises(DocumentError) as syntax:
        read_uploaded_plan(b"program: [unclosed", "kh.yml")
    assert [(i.code, i.row) for i in syntax.value.issues] == [("yaml_syntax", 2)]


# --- preview, apply, cancel -------------------------------------------------------------------


def test_preview_changes_nothing_and_is_one_draft_per_message(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """A preview of a plan adding an organization and its task writes only the draft (kind
    "plan", with the plan and the program's stamp); the same message twice is one draft."""
    before = stamp(sample_db)
    plan = with_new_org(sample_plan)
    first = preview(sample_db, plan)
    again = preview(sample_db, plan)
    assert (first.draft_id, first.nonce) == (again.draft_id, again.nonce)
    assert first.changes.tasks == SectionChanges(added=["R38"])
    assert first.changes.organizations == SectionChanges(added=["HTX"])
    assert (first.affected, first.officers) == (("HND", "HTX"), 1)
    assert stamp(sample_db) == before
    assert count(sample_db, Organization, Organization.code == "HTX") == 0
    assert count(sample_db, AuditEntry, AuditEntry.action == "import_plan") == 0
    with sample_db.read() as s:
        draft = s.exec(select(ChatDraft)).one()
        assert (draft.kind, draft.status, draft.payload["stamp"]) == (
            "plan", "pending", before.isoformat(),
        )  # fmt: skip
        assert PlanDocument.model_validate(draft.payload["plan"]) == plan


def test_apply_once_keeps_reports_and_lists_the_officers_to_tell(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """Confirm imports the previewed plan under the sender's name; a second Confirm answers
    the first outcome and does nothing."""
    reports = count(sample_db, Report)
    p = preview(sample_db, with_new_org(sample_plan))
    later = NOW + timedelta(hours=1)
    done = apply(sample_db, p, now=later)
    assert (done.program, done.created, done.again, dict(done.tasks)) == (
        PROGRAM, False, False, {"added": 1, "changed": 0, "removed": 0},
    )  # fmt: skip
    assert done.affected == ("HND", "HTX")
    assert [(n.telegram_id, n.changes) for n in done.notices] == [
        (HND, OrgChanges("HND", ("R38",)))
    ]
    assert stamp(sample_db) == later
    assert count(sample_db, Report) == reports
    with sample_db.read() as s:
        audit = s.exec(select(AuditEntry.actor).where(AuditEntry.action == "import_plan")).all()
        draft = s.exec(select(ChatDraft.status, ChatDraft.payload)).one()
        assert export_plan(session=s, program_code=PROGRAM) == with_new_org(sample_plan)
    assert audit == [f"tg:{SECRETARY}"]
    assert (draft[0], "plan" in draft[1]) == ("confirmed", False)

    again = apply(sample_db, p, now=later + timedelta(hours=1))
    assert (again.again, dict(again.tasks), again.notices) == (
        True, {"added": 1, "changed": 0, "removed": 0}, (),
    )  # fmt: skip
    assert stamp(sample_db) == later


def test_a_stale_preview_is_refused(sample_db: Database, sample_plan: PlanDocument) -> None:
    """Once the program changed after a preview, that preview cannot be applied."""
    old = preview(sample_db, with_new_org(sample_plan), key="tg:1:1")
    fewer = sample_plan.model_copy(update={"tasks": sample_plan.tasks[:-1]})
    apply(sample_db, preview(sample_db, fewer, who=CHAIR, key="tg:2:2"), CHAIR, NOW + timedelta(1))
    error = refusal(lambda: apply(sample_db, old, now=NOW + timedelta(2)))
    assert (error.code, error.params) == ("plan_stale", {"program": PROGRAM})
    assert count(sample_db, Task, Task.code == "R38") == 0


def test_cancel_then_confirm_is_refused_and_an_applied_plan_cannot_be_cancelled(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """Cancel drops a preview; an applied plan stays applied."""
    p = preview(sample_db, with_new_org(sample_plan))
    assert p.draft_id is not None and p.nonce is not None
    draft_id, nonce = p.draft_id, p.nonce
    sample_db.run_write(
        lambda s: cancel_plan_upload(
            session=s, draft_id=draft_id, nonce=nonce, telegram_id=SECRETARY, now=NOW
        )
    )
    assert refusal(lambda: apply(sample_db, p)).code == "plan_cancelled"
    q = preview(sample_db, with_new_org(sample_plan), key="tg:1:2")
    apply(sample_db, q)
    assert q.draft_id is not None and q.nonce is not None
    q_id, q_nonce = q.draft_id, q.nonce
    error = refusal(
        lambda: sample_db.run_write(
            lambda s: cancel_plan_upload(
                session=s, draft_id=q_id, nonce=q_nonce, telegram_id=SECRETARY, now=NOW
            )
        )
    )
    assert (error.code, error.params) == ("plan_already_applied", {"program": PROGRAM})


def test_a_wrong_nonce_or_another_person_is_refused(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """Only the sender, with the button's nonce, confirms a preview."""
    p = preview(sample_db, with_new_org(sample_plan))
    assert p.draft_id is not None
    draft_id = p.draft_id
    wrong = refusal(
        lambda: sample_db.run_write(
            lambda s: apply_plan_upload(
                session=s, draft_id=draft_id, nonce="000000", telegram_id=SECRETARY, now=NOW
            )
        )
    )
    assert wrong.code == "stale_button"
    assert refusal(lambda: apply(sample_db, p, who=CHAIR)).code == "not_your_draft"
    assert count(sample_db, Task, Task.code == "R38") == 0


# --- who may ----------------------------------------------------------------------------------


def test_only_leaders_of_the_program_may_preview_or_apply(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """An officer is refused; a leader whose membership ended after the preview too."""
    error = refusal(lambda: preview(sample_db, with_new_org(sample_plan), who=CA))
    assert (error.code, error.params) == ("plan_not_allowed", {"program": PROGRAM})
    p = preview(sample_db, with_new_org(sample_plan))
    with sample_db.write() as s:
        membership = s.exec(
            select(Membership)
            .join(Program)
            .where(Program.code == PROGRAM, Membership.role == "secretary")
        ).one()
        membership.active = False
        s.add(membership)
    assert refusal(lambda: apply(sample_db, p)).code == "plan_not_allowed"
    with sample_db.read() as s:
        assert leads_a_program(session=s, telegram_id=CHAIR)
        assert not leads_a_program(session=s, telegram_id=CA)
        assert not leads_a_program(session=s, telegram_id=SECRETARY)


def test_a_new_program_needs_a_leader_and_a_standing_organization(
    sample_db: Database, sample_plan: PlanDocument
) -> None:
    """Nobody but a leader of some program creates one; the plan must name its standing
    organization; the creator becomes its secretariat, audited."""
    new = sample_plan.model_copy(
        update={"program": sample_plan.program.model_copy(update={"code": "CTPH-2020"})}
    )
    error = refusal(lambda: preview(sample_db, new, who=CA))
    assert (error.code, error.params) == ("plan_create_not_allowed", {"program": "CTPH-2020"})
    error = refusal(lambda: preview(sample_db, new, who=555))
    assert error.code == "plan_create_not_allowed"
    headless = new.model_copy(
        update={"committee": new.committee.model_copy(update={"standing_org": None})}
    )
    error = refusal(lambda: preview(sample_db, headless, who=CHAIR))
    assert (error.code, error.params) == ("plan_no_standing_org", {"program": "CTPH-2020"})

    p = preview(sample_db, new, who=CHAIR)
    assert (p.changes.created, len(p.changes.tasks.added), p.officers) == (True, 46, 0)
    done = apply(sample_db, p, who=CHAIR)
    assert (done.created, done.creator_org, done.notices) == (True, "BDVTU", ())
    with sample_db.read() as s:
        member = member_for(session=s, telegram_id=CHAIR)
        audit = s.exec(
            select(AuditEntry.action)
            .join(Program)
            .where(Program.code == "CTPH-2020")
            .order_by(col(AuditEntry.id))
        ).all()
    assert member is not None
    assert (member.program_code, member.org_code, member.role) == (
        "CTPH-2020",
        "BDVTU",
        "secretary",
    )
    assert audit == ["create_program", "add_member"]


def test_plan_for_editing_is_for_leaders(sample_db: Database, sample_plan: PlanDocument) -> None:
    """A leader gets the current plan; an officer is refused."""
    with sample_db.read() as s:
        chair = member_for(session=s, telegram_id=CHAIR)
        officer = member_for(session=s, telegram_id=CA)
        assert chair is not None and officer is not None
        assert plan_for_editing(session=s, member=chair) == sample_plan
        with pytest.raises(OperationError) as caught:
            plan_for_editing(session=s, member=officer)
    assert caught.value.code == "plan_not_allowed"
