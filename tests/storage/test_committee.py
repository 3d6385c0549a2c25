"""A person's reminder state and the committee's group, as storage operations (`storage.people`):
mute, unmute, snooze to the same local time N days later, resume; bind, keep or move the group;
each change audited. The chair (900100) comes from the sample report log; the clock is
14/06/2019 10:00 UTC, 17:00 in the program's zone (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from storage.database import Database
from storage.models import AuditEntry, Program
from storage.people import (
    MUTE,
    RESUME,
    SNOOZE,
    UNMUTE,
    Member,
    ReminderState,
    bind_group,
    change_reminders,
    member_for,
    reminder_state,
)

from ..conftest import NOW

CHAIR = 900100
GROUP, OTHER_GROUP = -1001234567890, -1009876543210


def chair(db: Database) -> Member:
    with db.read() as s:
        member = member_for(session=s, telegram_id=CHAIR)
    assert member is not None
    return member


def change(db: Database, member: Member, action: str, days: int = 0) -> ReminderState:
    return db.run_write(
        lambda s: change_reminders(session=s, member=member, action=action, days=days, now=NOW)
    )


def audit(db: Database, action: str) -> list[tuple[str, str, dict[str, object]]]:
    with db.read() as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.action == action)).all()
        return [(a.actor, a.entity_key, a.detail) for a in rows]


def test_mute_snooze_and_resume(sample_db: Database) -> None:
    """Each change returns the new state and leaves an audit entry; a snooze of 3 days ends on
    17/06 at 17:00 local time, 10:00 UTC."""
    member = chair(sample_db)
    assert change(sample_db, member, MUTE) == ReminderState(True, None)
    until = datetime(2019, 6, 17, 10, 0, tzinfo=UTC)
    assert change(sample_db, member, SNOOZE, 3) == ReminderState(True, until)
    assert change(sample_db, member, UNMUTE) == ReminderState(False, until)
    assert change(sample_db, member, RESUME) == ReminderState(False, None)
    actor, key = f"tg:{CHAIR}", str(CHAIR)
    assert audit(sample_db, "set_reminders") == [
        (actor, key, {"action": MUTE}),
        (actor, key, {"action": SNOOZE, "until": until.isoformat()}),
        (actor, key, {"action": UNMUTE}),
        (actor, key, {"action": RESUME}),
    ]


def test_a_snooze_that_ended_is_not_shown(sample_db: Database) -> None:
    """The state hides a snooze once its end has passed; an unknown person has reminders on."""
    member = chair(sample_db)
    change(sample_db, member, SNOOZE, 1)
    with sample_db.read() as s:
        later = reminder_state(session=s, person_id=member.person_id, now=NOW + timedelta(days=2))
        nobody = reminder_state(session=s, person_id=-1, now=NOW)
    assert later == ReminderState(False, None) == nobody


def test_an_unknown_action_is_refused_and_changes_nothing(sample_db: Database) -> None:
    """Only mute, unmute, resume and snooze are actions; anything else writes nothing."""
    member = chair(sample_db)
    with pytest.raises(ValueError, match="unknown reminder action"):
        change(sample_db, member, "louder")
    assert audit(sample_db, "set_reminders") == []


def test_bind_keep_and_move_the_group(sample_db: Database) -> None:
    """Bound the first time, 'already' for the same chat, 'moved' to another; each binding
    audited with the group it replaced."""
    member = chair(sample_db)

    def bind(chat_id: int) -> str:
        return sample_db.run_write(
            lambda s: bind_group(session=s, member=member, chat_id=chat_id, now=NOW)
        )

    assert [bind(GROUP), bind(GROUP), bind(OTHER_GROUP)] == ["bound", "already", "moved"]
    with sample_db.read() as s:
        group = s.exec(select(Program.group_chat_id).where(Program.code == "CTPH-2019")).one()
    assert group == OTHER_GROUP
    actor = f"tg:{CHAIR}"
    assert audit(sample_db, "bind_group") == [
        (actor, "CTPH-2019", {"chat_id": GROUP, "previous": None}),
        (actor, "CTPH-2019", {"chat_id": OTHER_GROUP, "previous": GROUP}),
    ]
