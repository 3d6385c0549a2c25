"""A program's reminder settings: the `reminders:` section of its plan, with sensible defaults.

    reminders:
      working_hours: "07:30-17:00"   # local time of the program
      working_days: [1, 2, 3, 4, 5]  # ISO weekdays, Monday = 1
      holidays: VN                   # a country of the `holidays` library, or none
      extra_holidays: [2019-09-03]   # a province's own days off
      deadline_days: [7, 3, 1, 0]    # reminders before a deadline (0: on the day)
      deadline_to: [lead, partners]
      overdue_after_days: 1          # first overdue notice, then every `overdue_every_days`
      overdue_every_days: 7
      escalate_after_days: 14
      escalate_to: [chair, secretary]
      report_call_days: [10, 0]      # calls for the period report before `report_due`
      missing_after_days: 1          # the list of organizations that have not reported
      missing_to: [secretary]
      completion_to: [group, partners]
      digest_weekday: 1              # the weekly digest to the group (0: none)
      non_essential_deadline_days: 3 # reminders this many days or more ahead can be muted

Every key is optional. Unknown keys and wrong values are refused, naming the key.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_HOURS = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})\s*$")

Audience = Literal["lead", "partners"]
Role = Literal["chair", "vice_chair", "secretary", "officer"]
CompletionAudience = Literal["group", "partners", "lead"]


class ReminderSettingsError(ValueError):
    """The `reminders:` section is wrong; the message names the key and what is expected."""


class ReminderSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    work_start: time = time(7, 30)
    work_end: time = time(17, 0)
    working_days: tuple[int, ...] = (1, 2, 3, 4, 5)
    holidays: str | None = "VN"
    extra_holidays: tuple[date, ...] = ()
    deadline_days: tuple[int, ...] = (7, 3, 1, 0)
    deadline_to: tuple[Audience, ...] = ("lead", "partners")
    overdue_after_days: int = Field(default=1, ge=1)
    overdue_every_days: int = Field(default=7, ge=1)
    escalate_after_days: int = Field(default=14, ge=1)
    escalate_to: tuple[Role, ...] = ("chair", "secretary")
    report_call_days: tuple[int, ...] = (10, 0)
    missing_after_days: int = Field(default=1, ge=1)
    missing_to: tuple[Role, ...] = ("secretary",)
    completion_to: tuple[CompletionAudience, ...] = ("group", "partners")
    digest_weekday: int = Field(default=1, ge=0, le=7)
    non_essential_deadline_days: int = Field(default=3, ge=0)

    @field_validator("working_days")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(not 1 <= day <= 7 for day in value):
            raise ValueError("working days are ISO weekdays 1 (Monday) to 7 (Sunday)")
        return tuple(sorted(set(value)))

    @field_validator("deadline_days", "report_call_days")
    @classmethod
    def _offsets(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(day < 0 or day > 366 for day in value):
            raise ValueError("days before are whole numbers from 0 to 366")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("holidays")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None or value.lower() in ("", "none", "no", "khong"):
            return None
        import holidays

        if value.upper() not in holidays.list_supported_countries():
            raise ValueError(f"{value} is not a country the holidays library knows (e.g. VN)")
        return value.upper()

    @classmethod
    def from_plan(cls, section: dict[str, Any] | None) -> ReminderSettings:
        """The settings of a plan's `reminders:` section (None: every default)."""
        if not section:
            return cls()
        data = dict(section)
        if "working_hours" in data:
            data["work_start"], data["work_end"] = _hours(data.pop("working_hours"))
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"reminders.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors()
            )
            raise ReminderSettingsError(problems) from None


def _hours(value: Any) -> tuple[time, time]:
    match = _HOURS.match(str(value))
    if match is None:
        raise ReminderSettingsError(
            f'reminders.working_hours: "{value}" is not a range like "07:30-17:00"'
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
        raise ReminderSettingsError(
            f'reminders.working_hours: "{value}" must start before it ends, within a day'
        )
    return time(h1, m1), time(h2, m2)
