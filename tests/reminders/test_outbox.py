"""The outbox as read for people (`reminders.outbox`): counts by status and kind, the next
pending rows soonest first, the latest failures with their error, recipients by name; on every
backend, from rows written by hand into the sample program."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from reminders.messages import DEADLINE, DIGEST, FAILED, OVERDUE, PENDING, SENT
from reminders.outbox import NEXT_LIMIT, RecipientName, outbox_summary, recipient_names
from storage.database import Database
from storage.models import OutboxMessage, Person, Program

from ..conftest import NOW

CHAIR = 900100


def fill(db: Database) -> tuple[int, int]:
    """Twelve pending deadlines to the chair, one failed overdue notice, one sent digest to a
    group; the program's id and the chair's person id."""
    with db.write() as s:
        program_id = s.exec(select(Program.id).where(Program.code == "CTPH-2019")).one()
        chair = s.exec(select(Person.id).where(Person.telegram_id == CHAIR)).one()
        assert program_id is not None and chair is not None

        def row(n: int, kind: str, status: str, recipient: str, **extra: object) -> None:
            at = NOW + timedelta(hours=n)
            s.add(
                OutboxMessage(
                    program_id=program_id,
                    kind=kind,
                    subject=f"task:{n}",
                    recipient=recipient,
                    slot=str(n),
                    chat_id=CHAIR,
                    payload={"task": f"T{n:02}"},
                    due_at=at,
                    expires_at=at + timedelta(days=1),
                    not_before=at,
                    status=status,
                    **extra,  # type: ignore[arg-type]  # the model's own fields
                )
            )

        # Inserted latest first, so the order of ids is not the order of times.
        for n in range(12, 0, -1):
            row(n, DEADLINE, PENDING, f"person:{chair}")
        row(20, OVERDUE, FAILED, f"person:{chair}", attempts=3, last_error="chat not found")
        row(21, DIGEST, SENT, "group:-100123")
    return program_id, chair


def test_summary_counts_next_and_failed(sample_db: Database) -> None:
    """Counts by status and kind; the next NEXT_LIMIT pending by time; failures with error."""
    program_id, chair = fill(sample_db)
    with sample_db.read() as s:
        summary = outbox_summary(s, program_id)
        everywhere = outbox_summary(s)
    assert summary.counts == {PENDING: {DEADLINE: 12}, FAILED: {OVERDUE: 1}, SENT: {DIGEST: 1}}
    assert (summary.total, summary.count(PENDING), summary.count("dropped")) == (14, 12, 0)
    assert len(summary.pending) == NEXT_LIMIT == 10
    assert [r.payload["task"] for r in summary.pending] == [f"T{n:02}" for n in range(1, 11)]
    first = summary.pending[0]
    assert (first.at, first.at.tzinfo is not None) == (NOW + timedelta(hours=1), True)
    assert (first.timezone, first.kind, first.recipient) == (
        "Asia/Ho_Chi_Minh",
        DEADLINE,
        f"person:{chair}",
    )
    [failed] = summary.failed
    assert (failed.kind, failed.last_error, failed.attempts) == (OVERDUE, "chat not found", 3)
    assert failed.at == NOW + timedelta(hours=20)
    assert set(summary.names) == {(program_id, f"person:{chair}")}
    assert everywhere == summary


def test_an_empty_outbox(sample_db: Database) -> None:
    """Nothing planned: no counts, no rows, no names."""
    with sample_db.read() as s:
        summary = outbox_summary(s, None)
    assert (summary.counts, summary.pending, summary.failed, summary.names) == ({}, [], [], {})
    assert summary.total == 0


def test_recipient_names_only_for_members_of_the_programs(sample_db: Database) -> None:
    """A person of the program gets their name and organization; groups, strangers and other
    programs get nothing."""
    with sample_db.read() as s:
        program_id = s.exec(select(Program.id).where(Program.code == "CTPH-2019")).one()
        person_id, name = s.exec(
            select(Person.id, Person.name).where(Person.telegram_id == CHAIR)
        ).one()
        assert program_id is not None
        asked = [f"person:{person_id}", "person:999999", "group:-100123"]
        names = recipient_names(s, [program_id], asked)
        assert recipient_names(s, [program_id + 1], asked) == {}
        assert recipient_names(s, [], asked) == {}
    [(key, found)] = names.items()
    assert key == (program_id, f"person:{person_id}")
    assert found == RecipientName(name, "BDVTU") and name == "Trưởng ban (demo)"
