"""The reminder policy on hand-made programs: working time, holidays, snooze and mute, settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.calendar import WorkCalendar
from reminders.messages import Planned
from reminders.policy import PeriodView, PersonView, ProgramSnapshot, TaskView, due_now, schedule
from storage.reminder_settings import ReminderSettings, ReminderSettingsError

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
LEAD, PARTNER = 1, 2
OFFICER = PersonView(10, 5001, None, LEAD, "officer")
PARTNER_OFFICER = PersonView(11, 5002, "en", PARTNER, "officer")
CHAIR = PersonView(12, 5003, None, LEAD, "chair")


def at(day: date, clock: time = time(7, 30)) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZONE).astimezone(UTC)


def snapshot(*tasks: TaskView, **changes: object) -> ProgramSnapshot:
    snap = ProgramSnapshot(
        program_id=1,
        code="P",
        zone="Asia/Ho_Chi_Minh",
        language="vi",
        start=date(2019, 1, 1),
        end=date(2020, 12, 31),
        settings=ReminderSettings(),
        group_chat_id=None,
        organizations={LEAD: ("A", "Org A"), PARTNER: ("B", "Org B")},
        people=[OFFICER, PARTNER_OFFICER, CHAIR],
        tasks=list(tasks),
    )
    return replace(snap, **changes)  # type: ignore[arg-type]


def task(due: date, **changes: object) -> TaskView:
    view = TaskView(7, "R01", "Title", LEAD, due, None, due, partner_org_ids=(PARTNER,))
    return replace(view, **changes)  # type: ignore[arg-type]


def lines(messages: list[Planned]) -> list[str]:
    return [
        f"{m.due_at.astimezone(ZONE):%a %d/%m %H:%M} {m.kind} {m.chat_id} {m.slot}"
        for m in messages
    ]


def test_a_sunday_deadline_is_told_on_the_working_days_before() -> None:
    snap = snapshot(task(date(2019, 6, 30)))  # a Sunday
    got = schedule(snap, at(date(2019, 6, 1)), at(date(2019, 7, 2)))
    assert lines(got) == [
        "Fri 21/06 07:30 deadline 5001 2019-06-30/-7",
        "Fri 21/06 07:30 deadline 5002 2019-06-30/-7",
        "Thu 27/06 07:30 deadline 5001 2019-06-30/-3",
        "Thu 27/06 07:30 deadline 5002 2019-06-30/-3",
        # 1 day before (Saturday) and on the day (Sunday) both fall on Friday: said once.
        "Fri 28/06 07:30 deadline 5001 2019-06-30/-0",
        "Fri 28/06 07:30 deadline 5002 2019-06-30/-0",
        "Mon 01/07 07:30 overdue 5001 2019-06-30/+1",
    ]
    assert [m.payload["days_left"] for m in got if m.kind == "deadline"] == [9, 9, 3, 3, 2, 2]
    assert [m.payload["role"] for m in got[:2]] == ["lead", "partner"]
    assert [m.language for m in got[:2]] == ["vi", "en"]


def test_lunar_new_year_is_a_holiday() -> None:
    calendar = WorkCalendar(ZONE, ReminderSettings())
    tet_2020 = [date(2020, 1, 23) + timedelta(days=i) for i in range(7)]  # 29 Tết to the 5th
    assert not any(calendar.is_working_day(day) for day in tet_2020)
    assert calendar.is_working_day(date(2020, 1, 22))
    # A day swapped by decision: Saturday 04/05/2019 was a working day.
    assert calendar.is_working_day(date(2019, 5, 4))
    assert not calendar.is_working_day(date(2019, 4, 29))
    # Out of hours, a message waits for the next working moment.
    friday_evening = datetime(2020, 1, 17, 18, 0, tzinfo=ZONE)
    assert calendar.next_working_moment(friday_evening) == datetime(
        2020, 1, 20, 7, 30, tzinfo=ZONE
    )
    snap = snapshot(task(date(2020, 1, 31)))  # Friday after Tết
    got = schedule(snap, at(date(2020, 1, 20)), at(date(2020, 2, 4)))
    assert lines(got)[::2] == [
        # 7 days before (24/01) and 3 days before (28/01) are both in Tết: said once, before it.
        "Wed 22/01 07:30 deadline 5001 2020-01-31/-3",
        "Thu 30/01 07:30 deadline 5001 2020-01-31/-1",
        "Fri 31/01 07:30 deadline 5001 2020-01-31/-0",
        "Mon 03/02 07:30 overdue 5001 2020-01-31/+1",
    ]


def test_catching_up_after_downtime_sends_the_open_slot_once_in_working_hours() -> None:
    snap = snapshot(task(date(2019, 6, 14)))
    # Down from Thursday 06/06 to Saturday 08/06 evening: the 7-day reminder (07/06) is still
    # open until the 3-day one (11/06) and goes on Monday morning.
    got = due_now(snap, datetime(2019, 6, 8, 20, 0, tzinfo=ZONE))
    assert lines(got) == [
        "Mon 10/06 07:30 deadline 5001 2019-06-14/-7",
        "Mon 10/06 07:30 deadline 5002 2019-06-14/-7",
    ]
    # After the next slot opened, only that one is open.
    got = due_now(snap, datetime(2019, 6, 11, 9, 0, tzinfo=ZONE))
    assert [m.slot for m in got] == ["2019-06-14/-3", "2019-06-14/-3"]
    # A task done meanwhile gets no reminder.
    done = task(date(2019, 6, 14), done_on=date(2019, 6, 10), done_effective_on=date(2019, 6, 10))
    got = due_now(snapshot(done), at(date(2019, 6, 11)))
    assert [(m.kind, m.chat_id) for m in got] == [("completion", 5002)]  # to the partner


def test_snooze_delays_and_mute_drops_only_non_essential_messages() -> None:
    snoozed = replace(OFFICER, snoozed_until=at(date(2019, 6, 9), time(12, 0)))
    snap = snapshot(task(date(2019, 6, 14)), people=[snoozed, PARTNER_OFFICER])
    got = schedule(snap, at(date(2019, 6, 1)), at(date(2019, 6, 16)))
    assert lines(got)[:3] == [
        "Fri 07/06 07:30 deadline 5002 2019-06-14/-7",
        "Mon 10/06 07:30 deadline 5001 2019-06-14/-7",  # after the snooze (Sunday noon)
        "Tue 11/06 07:30 deadline 5001 2019-06-14/-3",
    ]
    muted = replace(OFFICER, muted=True)
    snap = snapshot(task(date(2019, 6, 14)), people=[muted])
    got = schedule(snap, at(date(2019, 6, 1)), at(date(2019, 6, 16)))
    # The 7- and 3-day reminders are dropped; the day before and the day itself still go.
    assert [m.slot for m in got] == ["2019-06-14/-1", "2019-06-14/-0"]


def test_an_extension_moves_the_reminders_and_both_deadlines_are_said() -> None:
    extended = task(date(2019, 7, 15), original_due=date(2019, 6, 14))
    got = schedule(snapshot(extended), at(date(2019, 6, 1)), at(date(2019, 7, 16)))
    assert {m.slot.split("/")[0] for m in got} == {"2019-07-15"}
    assert got[0].payload["original_due"] == "2019-06-14"


def test_report_calls_and_digest_follow_the_settings() -> None:
    settings = ReminderSettings.from_plan(
        {"report_call_days": [5, 0], "digest_weekday": 5, "working_hours": "08:00-16:30"}
    )
    period = PeriodView(3, "6T", "Sáu tháng", date(2019, 6, 10))
    snap = snapshot(
        settings=settings, periods=[period], reported={3: frozenset({PARTNER})}, group_chat_id=-100
    )
    got = schedule(snap, at(date(2019, 6, 3)), at(date(2019, 6, 12), time(12, 0)))
    assert lines(got) == [
        "Wed 05/06 08:00 report_call 5001 2019-06-10/-5",
        "Wed 05/06 08:00 report_call 5002 2019-06-10/-5",
        "Fri 07/06 08:00 digest -100 2019-W23",
        "Mon 10/06 08:00 report_call 5001 2019-06-10/-0",
        # Nobody holds the secretary role here: the missing list goes to nobody.
    ]
    snap = snapshot(settings=ReminderSettings(missing_to=("chair",)), periods=[period])
    (missing,) = [m for m in schedule(snap, at(date(2019, 6, 11)), at(date(2019, 6, 12))) if m]
    assert (missing.kind, missing.chat_id) == ("missing_reports", 5003)
    assert missing.payload["missing"] == [["A", "Org A"], ["B", "Org B"]]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"working_hours": "17:00-07:30"}, "reminders.working_hours"),
        ({"working_hours": "sáng"}, "reminders.working_hours"),
        ({"deadline_days": [7, -1]}, "reminders.deadline_days"),
        ({"working_days": [0]}, "reminders.working_days"),
        ({"holidays": "XX"}, "reminders.holidays"),
        ({"escalate_to": ["boss"]}, "reminders.escalate_to"),
        ({"remind_me": True}, "reminders.remind_me"),
    ],
)
def test_wrong_settings_are_refused_naming_the_key(
    section: dict[str, object], message: str
) -> None:
    with pytest.raises(ReminderSettingsError, match=message):
        ReminderSettings.from_plan(section)


def test_default_settings() -> None:
    settings = ReminderSettings.from_plan(None)
    assert settings.deadline_days == (7, 3, 1, 0)
    assert (settings.work_start, settings.work_end) == (time(7, 30), time(17, 0))
    assert settings.escalate_after_days == 14
    assert ReminderSettings.from_plan({"holidays": "none"}).holidays is None


def test_a_plan_with_wrong_reminder_settings_is_refused_whole() -> None:
    import yaml

    from config.settings import SAMPLE_PLAN
    from storage.documents import DocumentError, parse_plan

    data = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    data["reminders"] = {"working_hours": "17:00-08:00"}
    with pytest.raises(DocumentError) as caught:
        parse_plan(data)
    (issue,) = caught.value.issues
    assert issue.section == "reminders"
    assert "reminders.working_hours" in issue.params["detail"]
    data["reminders"] = {"deadline_days": [5, 1], "working_hours": "08:00-17:30"}
    assert parse_plan(data).reminders == data["reminders"]
