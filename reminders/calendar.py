"""Working time of a program: its zone, working hours, working days and public holidays.

Vietnamese public holidays come from the `holidays` library, lunar ones (Tết, the Hùng Kings'
day) and the days swapped by decision included: a Saturday made a working day to bridge a
holiday counts as one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from storage.reminder_settings import ReminderSettings


class WorkCalendar:
    def __init__(self, zone: str | ZoneInfo, settings: ReminderSettings) -> None:
        self.zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        self.start = settings.work_start
        self.end = settings.work_end
        self._days = frozenset(settings.working_days)
        self._country = settings.holidays
        self._extra = frozenset(settings.extra_holidays)
        self._working: dict[date, bool] = {}

    @cached_property
    def _holidays(self) -> Any:
        if self._country is None:
            return None
        import holidays

        return holidays.country_holidays(self._country)

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is not None:
            return known
        table = self._holidays
        if table is None:
            result = day.isoweekday() in self._days and day not in self._extra
        else:
            holiday = table.get(day)  # loads the year, and its swapped working days
            swapped = day in getattr(table, "weekend_workdays", ())
            result = day not in self._extra and (
                swapped or (day.isoweekday() in self._days and holiday is None)
            )
        self._working[day] = result
        return result

    def local(self, day: date, at: time | None = None) -> datetime:
        return datetime.combine(day, at or self.start, tzinfo=self.zone)

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` if it falls in working hours, else the start of the next working hours
        (in the program's zone)."""
        local = moment.astimezone(self.zone)
        day, clock = local.date(), local.time().replace(tzinfo=None)
        if self.is_working_day(day):
            if clock < self.start:
                return self.local(day)
            if clock < self.end:
                return local
        day += timedelta(days=1)
        for _ in range(366):
            if self.is_working_day(day):
                return self.local(day)
            day += timedelta(days=1)
        raise ValueError("no working day within a year; check reminders.working_days")

    def opening(self, day: date) -> datetime:
        """The first working moment on or after the start of `day`, in UTC."""
        return self.next_working_moment(self.local(day, time(0, 0))).astimezone(UTC)

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()
