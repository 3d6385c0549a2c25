"""One person in several programs: who they are in each, which one they last chose, switching
(remembered and audited), and what a button's thing belongs to.

The second program is a small bilateral plan made here, with task codes (R01, R02) and an
organization code (HND) that the sample 2019 plan also has, but other titles and names.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from storage.database import Database
from storage.documents import parse_plan
from storage.errors import OperationError
from storage.models import AuditEntry, Membership, Person, Program, Task
from storage.operations import upsert_member
from storage.people import (
    member_for,
    program_of,
    programs_of,
    programs_with_task,
    switch_program,
)
from storage.plans import import_plan
from tests.conftest import NOW

SAMPLE = "CTPH-2019"
BORDER = "PH-BS-2019"
HND_OFFICER = 900007  # HND's officer in the sample report log
BORDER_PLAN: dict[str, Any] = {
    "program": {
        "code": BORDER,
        "title": "Chương trình phối hợp bảo vệ biên giới huyện Biên Sơn năm 2019",
        "start": "2019-01-01",
        "end": "2019-12-31",
    },
    "committee": {"name": "Ban Chỉ đạo phối hợp huyện Biên Sơn", "chair_org": "BDBP"},
    "organizations": [
        {"code": "HND", "name": "Hội Nông dân huyện Biên Sơn"},
        {"code": "BDBP", "name": "Đồn Biên phòng Biên Sơn"},
    ],
    "indicators": [
        {"code": "LOP", "unit": "lớp", "kind": "count"},
        {"code": "BUOI", "unit": "buổi", "kind": "count"},
        {"code": "LN", "unit": "lượt người", "kind": "reach"},
    ],
    "tasks": [
        {
            "code": "R01",
            "kind": "registered",
            "title": "Tập huấn kỹ thuật canh tác vùng biên",
            "lead": "HND",
            "due": "2019-09-30",
            "targets": {"LOP": 4},
        },
        {
            "code": "R02",
            "kind": "registered",
            "title": "Tuần tra chung đường biên giới",
            "lead": "BDBP",
            "partners": ["HND"],
            "due": "2019-05-31",
            "targets": {"BUOI": 12},
        },
        {
            "code": "K01",
            "kind": "common",
            "title": "Tuyên truyền pháp luật về biên giới",
            "lead": "BDBP",
            "partners": "all",
            "due": "2019-12-31",
            "targets": {"LN": 2000},
        },
    ],
}


def add_border_program(db: Database, *, telegram_id: int | None = HND_OFFICER) -> None:
    """The bilateral plan, with `telegram_id` (if any) as its secretary (for HND), bound as
    the report log binds people: without choosing a current program."""
    with db.write() as s:
        import_plan(session=s, plan=parse_plan(BORDER_PLAN), actor="test", now=NOW)
        if telegram_id is None:
            return
        upsert_member(
            session=s,
            program_code=BORDER,
            telegram_id=telegram_id,
            name="Cán bộ đầu mối HND",
            org_code="HND",
            role="secretary",
            now=NOW,
        )


def program_id(db: Database, code: str) -> int:
    with db.read() as s:
        found = s.exec(select(Program.id).where(Program.code == code)).one()
    assert found is not None
    return found


@pytest.fixture
def two_db(sample_db: Database) -> Database:
    add_border_program(sample_db)
    return sample_db


def test_a_person_in_two_programs_is_a_member_of_each(two_db: Database) -> None:
    """member_for names the program asked for, with the organization and role held there."""
    a = program_id(two_db, SAMPLE)
    with two_db.read() as s:
        in_a = member_for(session=s, telegram_id=HND_OFFICER, program_id=a)
        in_b = member_for(session=s, telegram_id=HND_OFFICER, program_code="ph-bs-2019")
        nowhere = member_for(session=s, telegram_id=HND_OFFICER, program_code="NO-SUCH")
    assert in_a is not None and in_b is not None and nowhere is None
    assert (in_a.program_code, in_a.org_code, in_a.org_name, in_a.role) == (
        SAMPLE,
        "HND",
        "Hội Nông dân tỉnh",
        "officer",
    )
    assert (in_b.program_code, in_b.org_code, in_b.org_name, in_b.role) == (
        BORDER,
        "HND",
        "Hội Nông dân huyện Biên Sơn",
        "secretary",
    )
    assert in_a.org_id != in_b.org_id
    assert (in_a.programs, in_b.programs) == (2, 2)
    assert (in_a.chosen, in_b.chosen) == (False, False)


def test_never_chosen_falls_back_to_the_latest_membership(two_db: Database) -> None:
    """Without a current program the latest membership answers, and nothing counts as chosen."""
    with two_db.read() as s:
        member = member_for(session=s, telegram_id=HND_OFFICER)
        mine = programs_of(session=s, telegram_id=HND_OFFICER)
    assert member is not None and (member.program_code, member.chosen) == (BORDER, False)
    assert [m.program_code for m in mine.members] == [SAMPLE, BORDER]
    assert (mine.current_id, mine.several, mine.codes) == (None, True, f"{SAMPLE}, {BORDER}")


def test_one_program_is_always_chosen(sample_db: Database) -> None:
    """A person in one program has nothing to choose: it is theirs, and counted as chosen."""
    with sample_db.read() as s:
        member = member_for(session=s, telegram_id=HND_OFFICER)
        mine = programs_of(session=s, telegram_id=HND_OFFICER)
    assert member is not None and (member.programs, member.chosen) == (1, True)
    assert mine.several is False and len(mine.members) == 1


def test_switching_is_remembered_and_audited_once(two_db: Database) -> None:
    """switch_program sets the current program and writes one audit entry; again, nothing."""
    a = program_id(two_db, SAMPLE)
    with two_db.write() as s:
        member, changed = switch_program(
            session=s, telegram_id=HND_OFFICER, program_code="ctph-2019", now=NOW
        )
    assert (member.program_code, member.role, member.chosen, changed) == (
        SAMPLE,
        "officer",
        True,
        True,
    )
    with two_db.write() as s:
        _, again = switch_program(
            session=s, telegram_id=HND_OFFICER, program_code=SAMPLE, now=NOW + timedelta(1)
        )
        switch_program(session=s, telegram_id=HND_OFFICER, program_code=BORDER, now=NOW)
    assert again is False
    with two_db.read() as s:
        current_id = s.exec(
            select(Person.current_program_id).where(Person.telegram_id == HND_OFFICER)
        ).one()
        entries = s.exec(
            select(
                AuditEntry.program_id, AuditEntry.actor, AuditEntry.entity_key, AuditEntry.detail
            )
            .where(AuditEntry.action == "switch_program")
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        ).all()
        current = member_for(session=s, telegram_id=HND_OFFICER)
    assert current_id == program_id(two_db, BORDER)
    assert [tuple(e) for e in entries] == [
        (a, f"tg:{HND_OFFICER}", str(HND_OFFICER), {"from": None, "to": SAMPLE}),
        (
            program_id(two_db, BORDER),
            f"tg:{HND_OFFICER}",
            str(HND_OFFICER),
            {"from": SAMPLE, "to": BORDER},
        ),
    ]
    assert current is not None and (current.program_code, current.chosen) == (BORDER, True)


def test_switching_to_a_program_one_is_not_in_is_refused(two_db: Database) -> None:
    """An unknown program, or one the person left, is refused naming the programs they have."""
    with two_db.write() as s, pytest.raises(OperationError) as unknown:
        switch_program(session=s, telegram_id=HND_OFFICER, program_code="XYZ", now=NOW)
    assert (unknown.value.code, unknown.value.params) == (
        "not_in_program",
        {"program": "XYZ", "programs": f"{SAMPLE}, {BORDER}"},
    )
    with two_db.write() as s:
        membership = s.exec(
            select(Membership).where(Membership.program_id == program_id(two_db, BORDER))
        ).one()
        membership.active = False
        s.add(membership)
    with two_db.write() as s, pytest.raises(OperationError) as left:
        switch_program(session=s, telegram_id=HND_OFFICER, program_code=BORDER, now=NOW)
    assert left.value.params == {"program": BORDER, "programs": SAMPLE}
    with two_db.write() as s, pytest.raises(OperationError) as pressed:
        switch_program(
            session=s, telegram_id=HND_OFFICER, program_id=program_id(two_db, BORDER), now=NOW
        )
    assert (pressed.value.code, pressed.value.params) == ("stale_button", {})
    with two_db.read() as s:
        assert programs_of(session=s, telegram_id=HND_OFFICER).several is False


def test_a_current_program_one_left_is_no_longer_chosen(two_db: Database) -> None:
    """Leaving the current program makes the person choose again among those left."""
    third = {**BORDER_PLAN, "program": {**BORDER_PLAN["program"], "code": "PH-3"}}
    with two_db.write() as s:
        import_plan(session=s, plan=parse_plan(third), actor="test", now=NOW)
        upsert_member(
            session=s,
            program_code="PH-3",
            telegram_id=HND_OFFICER,
            name="x",
            org_code="BDBP",
            role="officer",
            now=NOW,
        )
        switch_program(session=s, telegram_id=HND_OFFICER, program_code="PH-3", now=NOW)
        third_id = s.exec(select(Program.id).where(Program.code == "PH-3")).one()
        membership = s.exec(select(Membership).where(Membership.program_id == third_id)).one()
        membership.active = False
        s.add(membership)
    with two_db.read() as s:
        mine = programs_of(session=s, telegram_id=HND_OFFICER)
    assert (mine.codes, mine.current_id) == (f"{SAMPLE}, {BORDER}", None)


def test_the_group_of_a_program_speaks_for_that_program(two_db: Database) -> None:
    """In a committee's group, the person is the member of that group's program."""
    with two_db.write() as s:
        switch_program(session=s, telegram_id=HND_OFFICER, program_code=BORDER, now=NOW)
        program = s.exec(select(Program).where(Program.code == SAMPLE)).one()
        program.group_chat_id = -100777
        s.add(program)
    with two_db.read() as s:
        in_group = member_for(session=s, telegram_id=HND_OFFICER, chat_id=-100777)
        elsewhere = member_for(session=s, telegram_id=HND_OFFICER, chat_id=-100888)
    assert in_group is not None and in_group.program_code == SAMPLE
    assert elsewhere is not None and elsewhere.program_code == BORDER


def test_the_programs_that_have_a_task_code(two_db: Database) -> None:
    """R01 is in both programs, R20 only in the sample, K01 only in the bilateral one."""
    with two_db.read() as s:
        found = {
            code: [
                m.program_code
                for m in programs_with_task(session=s, telegram_id=HND_OFFICER, task_code=code)
            ]
            for code in ("r01", "R20", "K01", "ZZ9")
        }
        stranger = programs_with_task(session=s, telegram_id=555, task_code="R01")
    assert found == {"r01": [SAMPLE, BORDER], "R20": [SAMPLE], "K01": [BORDER], "ZZ9": []}
    assert stranger == []


def test_a_thing_names_its_program(two_db: Database) -> None:
    """program_of gives the program of a task (same code, two programs) and None for nothing."""
    with two_db.read() as s:
        tasks = s.exec(select(Task.id, Task.program_id).where(Task.code == "R01")).all()
        assert len(tasks) == 2
        for task_id, owner in tasks:
            assert task_id is not None
            assert program_of(session=s, kind="task", thing_id=task_id) == owner
        assert program_of(session=s, kind="task", thing_id=999_999) is None
        assert program_of(session=s, kind="report", thing_id=1) == program_id(two_db, SAMPLE)
