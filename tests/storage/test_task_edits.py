"""Tasks given, changed and cancelled after the plan exists: the typed line, the codes, the
writes with their history, the counts they move, the plan export, and the officers told."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, func, select

from storage.database import Database
from storage.documents import PlanDocument
from storage.errors import OperationError
from storage.models import AuditEntry, ChatDraft, Report, Task, TaskPartner, TaskTarget
from storage.people import Member, member_for
from storage.plans import export_plan, import_plan
from storage.summaries import program_status
from storage.task_edits import (
    TaskLine,
    TaskPlan,
    cancel_task_draft,
    confirm_task_draft,
    next_code,
    officers_of,
    plan_new_task,
    plan_task_cancel,
    plan_task_edit,
    read_task_line,
    save_task_draft,
    task_plan,
)
from storage.typed_reports import IndicatorInfo
from storage.vietnamese import VietnameseParseError

from ..conftest import NOW, SAMPLE_AS_OF

PROGRAM = "CTPH-2019"
CHAIR, SECRETARY, HND_OFFICER = 900100, 900101, 900007
TODAY = SAMPLE_AS_OF
LATER = NOW + timedelta(minutes=5)


@pytest.fixture(scope="module")
def words(sample_plan: PlanDocument) -> dict[str, Any]:
    return {
        "org_codes": [o.code for o in sample_plan.organizations],
        "indicators": [IndicatorInfo(i.code, i.unit, i.kind) for i in sample_plan.indicators],
        "today": TODAY,
    }


def read(text: str, words: dict[str, Any], **kw: Any) -> TaskLine:
    return read_task_line(text, **words, **kw)


# --- the typed line ----------------------------------------------------------------------------


def test_a_full_line_in_vietnamese(words: dict[str, Any]) -> None:
    """Kind, quoted title, lead, partners, deadline (this year) and targets by their units."""
    line = read(
        'trongtam "Tổ chức hội nghị sơ kết" chủ trì HND; phối hợp HLHPN, TD; hạn 30/9; '
        "chỉ tiêu 20 hội nghị, 5.000 lượt người",
        words,
    )
    assert line == TaskLine(
        kind="focus",
        title="Tổ chức hội nghị sơ kết",
        lead="HND",
        partners=("HLHPN", "TD"),
        due_said=True,
        due=date(2019, 9, 30),
        targets={"HN": Decimal(20), "LN": Decimal(5000)},
    )


def test_a_forgiving_line_without_diacritics_quotes_or_semicolons(words: dict[str, Any]) -> None:
    """Unquoted title up to `chu tri`, codes in any case, `tat ca`, `thuong xuyen`, a code."""
    line = read(
        "dang ky ma r50 Ngay hoi doan ket chu tri mttq phoi hop tat ca han thuong xuyen", words
    )
    assert line == TaskLine(
        kind="registered",
        code="R50",
        title="Ngay hoi doan ket",
        lead="MTTQ",
        partners="all",
        due_said=True,
        due=None,
    )


def test_an_english_line(words: dict[str, Any]) -> None:
    """English keywords and English numbers for an English user; indicator codes work."""
    line = read(
        "focus “Mid-year review” lead HND; partners HLHPN and TD; due 30/09/2019; "
        "targets HN 20, 5,000 lượt người",
        words,
        lang="en",
    )
    assert (line.kind, line.title, line.partners, line.due) == (
        "focus",
        "Mid-year review",
        ("HLHPN", "TD"),
        date(2019, 9, 30),
    )
    assert line.targets == {"HN": Decimal(20), "LN": Decimal(5000)}


def test_fields_of_a_change(words: dict[str, Any]) -> None:
    """For /suaviec only the fields named are read; `không` empties partners or targets."""
    line = read('tên "Tên mới"; phối hợp không; chỉ tiêu không; hạn 15/10', words, giving=False)
    assert line == TaskLine(
        title="Tên mới", partners=(), targets={}, due_said=True, due=date(2019, 10, 15)
    )
    assert read("hạn 15/10", words, giving=False).title is None


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ('chung "X" chủ trì XYZ', "unknown_org", {"org": "XYZ"}),
        ('chung "X" chủ trì HND; phối hợp TD, ABC', "unknown_org", {"org": "ABC"}),
        ('chung "X" chủ trì HND; hạn 31/2', "no_such_date", {"text": "31/2"}),
        ('chung "X" chủ trì HND; hạn sớm', "unreadable_date", {"text": "sớm"}),
        ('chung "X" chủ trì HND; chỉ tiêu 20 cây cầu', "task_target_unknown_unit", None),
        ('chung "X" chủ trì HND; chỉ tiêu 20', "task_target_which", None),
        ('việc "X" chủ trì HND', "task_no_kind", {"text": "việc"}),
        ('chung "X" chủ trì HND; ngân sách 5', "task_unknown_part", {"text": "ngân sách 5"}),
        ('chung "X" chủ trì HND TD', "task_one_lead", {"text": "HND TD"}),
        ('chung "X chủ trì HND', "task_unclosed_quote", {"text": '"X chủ trì HND'}),
        ('chung "X" chủ trì HND; hạn 1/9; hạn 2/9', "task_repeated_part", {"text": "hạn"}),
    ],
)
def test_what_cannot_be_read_is_refused_by_name(
    words: dict[str, Any], text: str, code: str, params: dict[str, str] | None
) -> None:
    """Each problem has its catalog code and names the offending words."""
    with pytest.raises(VietnameseParseError) as caught:
        read(text, words)
    assert caught.value.code == code
    if params is not None:
        assert caught.value.params == params


# --- codes and checks ----------------------------------------------------------------------------


def test_next_codes_follow_the_sample_pattern(sample_db: Database) -> None:
    """CT10 after CT09, R38 after R37, TT01 for a first focus task."""
    with sample_db.read() as s:
        conn, pid = s.connection(), chair(s).program_id
        assert [next_code(conn, pid, k) for k in ("common", "registered", "focus")] == [
            "CT10",
            "R38",
            "TT01",
        ]


def chair(s: Any, telegram_id: int = CHAIR) -> Member:
    member = member_for(session=s, telegram_id=telegram_id)
    assert member is not None
    return member


def test_checks_before_read_back(sample_db: Database) -> None:
    """No lead, an officer, a past deadline, a taken code, a deadline after the program's end
    are refused; the lead is dropped from its own partners."""
    line = TaskLine(kind="focus", title="X", lead="HND", partners=("HND", "TD"))
    with sample_db.read() as s:
        plan, given = plan_new_task(session=s, member=chair(s), line=line, today=TODAY)
        assert (plan.code, plan.partners, given) == ("TT01", ("TD",), False)
        cases = [
            (chair(s), TaskLine(kind="focus", title="X"), "task_no_lead"),
            (chair(s, HND_OFFICER), line, "task_not_allowed"),
            (chair(s), TaskLine(**{**line.__dict__, "due": date(2019, 6, 13)}), "task_due_past"),
            (
                chair(s),
                TaskLine(**{**line.__dict__, "due": date(2020, 1, 1)}),
                "task_due_after_end",
            ),
            (chair(s), TaskLine(**{**line.__dict__, "code": "R09"}), "task_code_taken"),
        ]
        for member, bad, code in cases:
            with pytest.raises(OperationError) as caught:
                plan_new_task(session=s, member=member, line=bad, today=TODAY)
            assert caught.value.code == code


# --- drafts confirmed: give, edit, cancel --------------------------------------------------------


def draft(db: Database, payload: dict[str, Any], key: str, who: int = CHAIR) -> tuple[int, str]:
    with db.write() as s:
        d = save_task_draft(
            session=s, source_key=key, member=chair(s, who), chat_id=who, payload=payload, now=NOW
        )
        return d.id, d.nonce


def confirm(db: Database, ids: tuple[int, str], who: int = CHAIR) -> Any:
    with db.write() as s:
        return confirm_task_draft(
            session=s, draft_id=ids[0], nonce=ids[1], telegram_id=who, now=LATER
        )


def headline(db: Database, kind: str, as_of: date = TODAY) -> tuple[int, int, int, int]:
    with db.read() as s:
        k = program_status(session=s, program_code=PROGRAM, as_of=as_of).kinds[kind]
    return (k.done, k.total, k.in_progress, k.overdue)


FOCUS = TaskPlan(
    code="TT01",
    kind="focus",
    title="Tổ chức hội nghị sơ kết",
    lead="HND",
    partners=("HLHPN", "TD"),
    due=date(2019, 9, 30),
    targets={"HN": Decimal(20)},
)


def test_giving_a_task_counts_it_from_today_and_tells_its_officers(sample_db: Database) -> None:
    """Confirm writes the task, partners, targets and history once; the focus headline is 0/1
    in progress as of today, not counted the day before; the lead's and partners' officers are
    the ones to tell; a second Confirm changes nothing."""
    assert headline(sample_db, "focus") == (0, 0, 0, 0)
    ids = draft(sample_db, {"action": "give", "after": FOCUS.to_json()}, "k1")
    outcome = confirm(sample_db, ids)
    assert (outcome.action, outcome.again, outcome.after) == ("give", False, FOCUS)
    assert [(n.telegram_id, n.org, n.leads) for n in outcome.notices] == [
        (900007, "HND", True),
        (900006, "HLHPN", False),
        (900005, "TD", False),
    ]
    assert confirm(sample_db, ids).again is True
    assert headline(sample_db, "focus") == (0, 1, 1, 0)
    assert headline(sample_db, "focus", date(2019, 6, 13)) == (0, 0, 0, 0)
    assert headline(sample_db, "registered") == (24, 37, 10, 3)
    with sample_db.read() as s:
        task = s.exec(select(Task).where(Task.code == "TT01")).one()
        assert (task.assigned_on, task.original_due, task.due, task.deadline, task.done_state) == (
            date(2019, 6, 14),
            date(2019, 9, 30),
            date(2019, 9, 30),
            date(2019, 9, 30),
            "open",
        )
        assert (
            s.exec(
                select(func.count()).select_from(TaskPartner).where(TaskPartner.task_id == task.id)
            ).one()
            == 2
        )
        assert s.exec(
            select(TaskTarget.value_milli).where(TaskTarget.task_id == task.id)
        ).all() == [20000]
        audits = s.exec(select(AuditEntry).where(AuditEntry.action == "assign_task")).all()
        assert [(a.actor, a.entity_key, a.detail["before"]) for a in audits] == [
            ("tg:900100", "TT01", None)
        ]
        assert s.exec(select(ChatDraft.status).where(ChatDraft.id == ids[0])).one() == "confirmed"
        exported = export_plan(session=s, program_code=PROGRAM).tasks[-1]
    assert (exported.code, exported.kind, exported.lead, exported.partners, exported.due) == (
        "TT01",
        "focus",
        "HND",
        ("HLHPN", "TD"),
        date(2019, 9, 30),
    )
    assert exported.targets == {"HN": Decimal(20)}


def test_a_generated_code_taken_meanwhile_moves_on(sample_db: Database) -> None:
    """Two drafts read back as R38: the second confirmed becomes R39."""
    plan = TaskPlan(code="R38", kind="registered", title="Y", lead="TD")
    first = draft(sample_db, {"action": "give", "after": plan.to_json()}, "k1")
    second = draft(sample_db, {"action": "give", "after": plan.to_json()}, "k2")
    assert confirm(sample_db, first).after.code == "R38"
    assert confirm(sample_db, second).after.code == "R39"
    assert headline(sample_db, "registered") == (24, 39, 12, 3)


def test_an_officer_can_neither_draft_nor_confirm(sample_db: Database) -> None:
    """Giving tasks is for the chair, vice-chairs and secretariat; another's draft is not yours."""
    with sample_db.write() as s, pytest.raises(OperationError) as caught:
        save_task_draft(
            session=s, source_key="k", member=chair(s, HND_OFFICER), chat_id=1,
            payload={}, now=NOW,
        )  # fmt: skip
    assert caught.value.code == "task_not_allowed"
    ids = draft(sample_db, {"action": "give", "after": FOCUS.to_json()}, "k1")
    with pytest.raises(OperationError) as caught:
        confirm(sample_db, ids, who=SECRETARY)
    assert caught.value.code == "not_your_draft"
    with pytest.raises(OperationError) as caught:
        confirm(sample_db, (ids[0], "000000"))
    assert caught.value.code == "stale_button"
    with sample_db.write() as s:
        cancel_task_draft(session=s, draft_id=ids[0], nonce=ids[1], telegram_id=CHAIR, now=NOW)
    with pytest.raises(OperationError) as caught:
        confirm(sample_db, ids)
    assert caught.value.code == "task_draft_cancelled"
    assert headline(sample_db, "focus") == (0, 0, 0, 0)


def test_an_edit_changes_only_what_it_names_and_keeps_history(sample_db: Database) -> None:
    """R09 (overdue) gets a new deadline and partners: it is back in progress; the audit entry
    holds before and after; the officers of the old and new organizations are told."""
    with sample_db.read() as s:
        line = TaskLine(due_said=True, due=date(2019, 8, 31), partners=("HND",))
        before, after = plan_task_edit(
            session=s, member=chair(s), code="r09", line=line, today=TODAY
        )
    assert (before.due, before.partners, after.due, after.partners, after.title) == (
        date(2019, 5, 31),
        ("MTTQ",),
        date(2019, 8, 31),
        ("HND",),
        before.title,
    )
    ids = draft(
        sample_db, {"action": "edit", "before": before.to_json(), "after": after.to_json()}, "k"
    )
    outcome = confirm(sample_db, ids)
    assert [(n.org, n.leads) for n in outcome.notices] == [
        ("CA", True),
        ("MTTQ", False),
        ("HND", False),
    ]
    assert headline(sample_db, "registered") == (24, 37, 11, 2)
    with sample_db.read() as s:
        assert task_plan(session=s, program_id=chair(s).program_id, code="R09") == after
        detail = s.exec(select(AuditEntry.detail).where(AuditEntry.action == "edit_task")).one()
    assert (detail["before"]["due"], detail["after"]["due"]) == (
        "2019-05-31",
        "2019-08-31",
    )
    assert (detail["before"]["partners"], detail["after"]["partners"]) == (
        ["MTTQ"],
        ["HND"],
    )
    # The same draft confirmed on a task changed since is refused.
    stale = draft(
        sample_db, {"action": "edit", "before": before.to_json(), "after": after.to_json()}, "k2"
    )
    with pytest.raises(OperationError) as caught:
        confirm(sample_db, stale)
    assert caught.value.code == "task_changed_meanwhile"


def test_an_edit_that_changes_nothing_or_moves_a_deadline_into_the_past_is_refused(
    sample_db: Database,
) -> None:
    """Nothing to change, or a new deadline before today, is said and nothing is drafted."""
    with sample_db.read() as s:
        for line, code in [
            (TaskLine(lead="CA"), "task_nothing_to_change"),
            (TaskLine(), "task_nothing_to_change"),
            (TaskLine(due_said=True, due=date(2019, 6, 1)), "task_due_past"),
            (TaskLine(lead="HND"), "unknown_task"),
        ]:
            with pytest.raises(OperationError) as caught:
                plan_task_edit(
                    session=s, member=chair(s), code="R09" if code != "unknown_task" else "R99",
                    line=line, today=TODAY,
                )  # fmt: skip
            assert caught.value.code == code


def test_cancelling_a_task_takes_it_out_of_the_counts_and_keeps_its_reports(
    sample_db: Database,
) -> None:
    """R09 cancelled: registered 24/36 with 2 overdue, its reports stay, the export leaves it
    out, the reason is in the history; cancelling it again is refused as unknown."""
    with sample_db.read() as s:
        before = task_plan(session=s, program_id=chair(s).program_id, code="R09")
        r09 = s.exec(select(Task.id).where(Task.code == "R09")).one()
        reports = s.exec(
            select(func.count()).select_from(Report).where(Report.task_id == r09)
        ).one()
    ids = draft(sample_db, {"action": "cancel", "before": before.to_json(), "reason": "gộp"}, "k")
    outcome = confirm(sample_db, ids)
    assert [(n.org, n.leads) for n in outcome.notices] == [("CA", True), ("MTTQ", False)]
    assert headline(sample_db, "registered") == (24, 36, 10, 2)
    with sample_db.read() as s:
        assert (
            s.exec(select(func.count()).select_from(Report).where(Report.task_id == r09)).one()
            == reports
        )
        assert "R09" not in [t.code for t in export_plan(session=s, program_code=PROGRAM).tasks]
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "cancel_task")).one()
        assert (audit.detail["reason"], audit.detail["after"], audit.detail["before"]["code"]) == (
            "gộp",
            None,
            "R09",
        )
        with pytest.raises(OperationError) as caught:
            task_plan(session=s, program_id=chair(s).program_id, code="R09")
        assert caught.value.code == "unknown_task"
        assert s.exec(select(Task.active).where(col(Task.id) == r09)).one() is False


def test_partners_all_reach_every_officer_but_the_one_acting(sample_db: Database) -> None:
    """A task with every organization as partner tells all 15 officers, lead first."""
    plan = TaskPlan(code="CT10", kind="common", title="Z", lead="TD", partners="all")
    with sample_db.read() as s:
        notices = officers_of(
            session=s, program_id=chair(s).program_id, plans=[plan], exclude=900001
        )
    assert [n.telegram_id for n in notices][:2] == [900005, 900002]
    assert len(notices) == 14 and 900001 not in [n.telegram_id for n in notices]


def test_a_task_others_count_toward_cannot_be_cancelled(sample_db: Database) -> None:
    """CT04 has R16 and R25 counting toward it: cancelling it would lose their houses from the
    program's totals, so it is refused, naming them."""
    with sample_db.read() as s, pytest.raises(OperationError) as caught:
        plan_task_cancel(session=s, member=chair(s), code="CT04")
    assert (caught.value.code, caught.value.params) == (
        "task_counted_in",
        {"task": "CT04", "tasks": "R16, R25"},
    )


def test_the_exported_plan_with_a_given_task_imports_back_unchanged(sample_db: Database) -> None:
    """A task given by chat is part of the plan: exporting and importing back changes nothing,
    so it survives the secretariat's export → Excel → import cycle."""
    confirm(sample_db, draft(sample_db, {"action": "give", "after": FOCUS.to_json()}, "k"))
    with sample_db.write() as s:
        plan = export_plan(session=s, program_code=PROGRAM)
        changes = import_plan(session=s, plan=plan, actor="test", now=LATER, dry_run=True)
    assert changes.any is False
    assert headline(sample_db, "focus") == (0, 1, 1, 0)
