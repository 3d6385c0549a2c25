"""The review's facts for the sample: period, difficulties, next tasks, the appendix rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from storage.database import Database
from storage.errors import OperationError
from storage.operations import decide_extension, record_difficulty, request_extension
from storage.review import ReviewFacts, review_facts
from storage.rules import Status
from storage.summaries import Amount, program_status

from ..conftest import NOW, SAMPLE_AS_OF

PROGRAM = "CTPH-2019"


def facts_of(db: Database, as_of: date = SAMPLE_AS_OF, **kw: object) -> ReviewFacts:
    with db.read() as session:
        return review_facts(session=session, program_code=PROGRAM, as_of=as_of, **kw)  # type: ignore[arg-type]


def test_heading_and_period(sample_db: Database) -> None:
    """The program's heading data; the shortest period containing the date, and the next one."""
    facts = facts_of(sample_db)
    assert facts.program == PROGRAM
    assert facts.document_form == "party"
    assert facts.committee_name.startswith("Ban Chỉ đạo")
    assert facts.place == "Hòa Sơn"
    assert facts.chair_org == "BDVTU"
    assert facts.period is not None and facts.period.code == "6T-2019"
    assert facts.period.name == "6 tháng đầu năm 2019"
    assert facts.next_period is not None and facts.next_period.code == "N-2019"
    assert not facts.final
    year = facts_of(sample_db, period_code="N-2019")
    assert year.period is not None and year.period.code == "N-2019"
    assert year.final and year.next_period is None


def test_unknown_period_is_refused(sample_db: Database) -> None:
    with pytest.raises(OperationError) as caught:
        facts_of(sample_db, period_code="Q9-2019")
    assert caught.value.code == "review_unknown_period"


def test_appendix_rows_in_plan_order(sample_db: Database) -> None:
    """46 rows (9 common + 37 registered, no focus tasks in the sample), numbered in plan order,
    with partners, deadlines, targets and results."""
    facts = facts_of(sample_db)
    rows = {r.code: r for r in facts.appendix}
    assert len(facts.appendix) == 46
    assert [r.number for r in facts.appendix] == list(range(1, 47))
    assert [r.code for r in facts.appendix[:10]] == [f"CT0{n}" for n in range(1, 10)] + ["R01"]
    assert sum(r.kind == "common" for r in facts.appendix) == 9
    ct01, ct04 = rows["CT01"], rows["CT04"]
    assert ct01.partners_all and ct01.partners == ()
    assert ct04.partners == ("LDLD", "HCTD", "BCHQS", "TD", "HLHPN")
    assert ct04.lead == "MTTQ" and ct04.deadline == date(2019, 5, 31) and ct04.extended is None
    figures = {f.indicator: (f.target, f.result) for f in ct04.figures}
    assert figures == {
        "NHA": (Decimal(200), Amount(Decimal(210))),
        "TIEN": (None, Amount(Decimal(7050))),
    }
    assert [(f.indicator, f.target, f.result) for f in rows["CT03"].figures] == [
        ("XA", Decimal(12), None)
    ]
    overdue = {r.code: r.days_late for r in facts.appendix if r.status is Status.OVERDUE}
    assert overdue == {"CT09": 14, "R09": 14, "R27": 14, "R33": 14}


@pytest.mark.parametrize(
    "as_of", [SAMPLE_AS_OF, date(2019, 5, 31), date(2019, 3, 1), date(2019, 12, 31)]
)
def test_statuses_equal_program_status(sample_db: Database, as_of: date) -> None:
    """Every row's status is `program_status`'s, today and as of past dates (replayed)."""
    facts = facts_of(sample_db, as_of)
    with sample_db.read() as session:
        status = program_status(session=session, program_code=PROGRAM, as_of=as_of)
    assert {r.code: r.status for r in facts.appendix} == status.statuses


def test_results_as_of_a_past_date(sample_db: Database) -> None:
    """As of an earlier date the figures are those reported by then."""
    early = {r.code: r for r in facts_of(sample_db, date(2019, 1, 2)).appendix}
    assert all(f.result is None for f in early["CT04"].figures)
    assert early["CT04"].figures[0].target == Decimal(200)


def test_difficulties_of_the_period(sample_db: Database) -> None:
    """Difficulties raised in the period up to the date, oldest first; later ones not yet."""
    with sample_db.write() as s:
        for n, (org, day, text) in enumerate(
            [
                ("HND", date(2019, 6, 5), "Thiếu kinh phí tổ chức hội nghị"),
                ("CA", date(2019, 3, 2), "Địa bàn rộng, lực lượng mỏng"),
                ("TD", date(2019, 7, 2), "Chưa có hướng dẫn"),
            ]
        ):
            record_difficulty(session=s, program_code=PROGRAM, org_code=org, text=text,
                              raised_on=day, source_key=f"d{n}", now=NOW)  # fmt: skip
    facts = facts_of(sample_db)
    assert [(d.org, d.text) for d in facts.difficulties] == [
        ("CA", "Địa bàn rộng, lực lượng mỏng"),
        ("HND", "Thiếu kinh phí tổ chức hội nghị"),
    ]
    assert facts.difficulties[1].org_name == "Hội Nông dân tỉnh"
    year = facts_of(sample_db, date(2019, 12, 31), period_code="N-2019")
    assert [d.org for d in year.difficulties] == ["CA", "HND", "TD"]


def test_next_tasks_and_extensions(sample_db: Database) -> None:
    """Open tasks due after the period are the next period's; an approved extension past the
    period's end moves a task there (still judged overdue); the appendix shows both deadlines."""
    facts = facts_of(sample_db)
    codes = [t.code for t in facts.next_tasks]
    assert codes[:3] == ["CT03", "CT07", "R05"] and codes[-1] == "R36"
    assert facts.next_tasks_count == len(codes) == 12
    assert "R09" not in codes  # overdue, due in the period: among the limitations
    with sample_db.write() as s:
        ext = request_extension(session=s, program_code=PROGRAM, task_code="R09",
                                new_due=date(2019, 7, 31), requested_on=date(2019, 6, 12),
                                reason="", now=NOW)  # fmt: skip
        assert ext.id is not None
        decide_extension(session=s, extension_id=ext.id, approve=True,
                         decided_on=date(2019, 6, 13), now=NOW)  # fmt: skip
    facts = facts_of(sample_db)
    r09 = next(r for r in facts.appendix if r.code == "R09")
    assert (r09.deadline, r09.extended) == (date(2019, 5, 31), date(2019, 7, 31))
    assert "R09" in [t.code for t in facts.next_tasks]
    limited = facts_of(sample_db, next_limit=2)
    assert len(limited.next_tasks) == 2 and limited.next_tasks_count == 13
