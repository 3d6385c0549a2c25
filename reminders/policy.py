"""What is due to whom, and when: pure functions of a program's snapshot and a clock.

Every message belongs to a *slot*, one occurrence of something worth saying (the reminder 3 days
before a deadline, the third weekly overdue notice, the call on the day a period report is due).
A slot may be sent from its `due_at`, the first working moment of its day in the program's zone,
until its `expires_at`, when a later slot of the same subject takes its place or it stops making
sense. `due_now` gives the slots open at a moment, which the planner writes to the outbox once
(its key is unique); `schedule` gives every slot whose time falls in a range, for a preview.

- Deadline reminders (default 7, 3, 1 days before and on the day) go to the lead's and the
  partners' officers. One that would fall on a day off goes on the working day before, so that
  nobody learns of a Monday deadline on Monday; two that land on one day are said once.
- Overdue notices go to the lead's officers the next working day, then weekly while the task
  stays open, within the program's year; after 14 days overdue the chair and the secretariat
  are told once (escalation).
- Calls for a period's report go to every organization's officers 10 days before `report_due`
  and, to those that have not reported since the first call, on the day; the day after, the
  secretariat gets the list of organizations that still have not.
- A completion is announced to the committee's group and to the partners' officers once it is
  recorded (in working hours), for a week at most.
- The weekly digest (counts only) goes to the group on the configured weekday.

Reminders 3 days ahead or more, calls 10 days ahead and completion notes to partners are not
essential: a person's mute drops them and their snooze delays them. The rest always go.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from reminders.calendar import WorkCalendar
from reminders.messages import (
    COMPLETION,
    DEADLINE,
    DIGEST,
    ESCALATION,
    MISSING_REPORTS,
    OVERDUE,
    REPORT_CALL,
    Planned,
)
from storage.reminder_settings import ReminderSettings

ONE_WEEK = timedelta(days=7)
FAR = datetime.max.replace(tzinfo=UTC)
Key = tuple[str, str, str, str]  # kind, subject, recipient, slot


@dataclass(slots=True)
class TaskView:
    id: int
    code: str
    title: str
    lead_org_id: int
    due: date  # for planning and reminders: after approved extensions
    original_due: date | None  # the plan's deadline, when an extension moved `due`
    deadline: date  # the judging deadline
    done_on: date | None = None
    done_effective_on: date | None = None
    done_recorded_at: datetime | None = None
    partner_org_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    telegram_id: int
    language: str | None
    org_id: int
    role: str
    snoozed_until: datetime | None = None
    muted: bool = False


@dataclass(frozen=True, slots=True)
class PeriodView:
    id: int
    code: str
    name: str
    report_due: date


@dataclass
class ProgramSnapshot:
    """What the policy reads of one program. `tasks` may hold only the tasks that can have a
    slot in the window the snapshot was loaded for; `reported` maps a period to the
    organizations that reported since its first call."""

    program_id: int
    code: str
    zone: str
    language: str
    start: date
    end: date
    settings: ReminderSettings
    group_chat_id: int | None
    organizations: dict[int, tuple[str, str]]  # id -> (code, name), in plan order
    people: list[PersonView]
    tasks: list[TaskView]
    periods: list[PeriodView] = field(default_factory=list)
    reported: dict[int, frozenset[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Link:
    """One slot of a deadline's chain: a reminder before it, or an overdue notice after."""

    kind: str
    slot: str
    day: date  # the local day it goes
    due_at: datetime
    expires_at: datetime
    essential: bool


@dataclass
class _Time:
    """A program's working calendar and what it computed, kept from one planning run to the
    next (chains depend only on the deadline, the settings and the program's end)."""

    calendar: WorkCalendar
    chains: dict[date, tuple[list[_Link], list[float]]] = field(default_factory=dict)
    escalations: dict[date, tuple[date, datetime, datetime] | None] = field(default_factory=dict)


_TIMES: dict[tuple[str, ReminderSettings, date], _Time] = {}


def _cached_time(zone: str, settings: ReminderSettings, end: date) -> _Time:
    key = (zone, settings, end)
    cached = _TIMES.get(key)
    if cached is None:
        if len(_TIMES) >= 64:
            _TIMES.clear()
        cached = _TIMES[key] = _Time(WorkCalendar(zone, settings))
    return cached


class Policy:
    """The slots of one program; chains are computed once per deadline date and shared."""

    def __init__(
        self,
        snapshot: ProgramSnapshot,
        *,
        now: datetime | None = None,
        known: Container[Key] = frozenset(),
    ) -> None:
        """With `now`, messages are those open at `now` (their keys are gathered in `open_keys`)
        and those whose key is `known` (already in the outbox) are not built again."""
        self.snap = snapshot
        self.settings = snapshot.settings
        cached = _cached_time(snapshot.zone, snapshot.settings, snapshot.end)
        self.cal = cached.calendar
        self._chains = cached.chains
        self._escalations = cached.escalations
        self.now = now
        self.known = known
        self.open_keys: set[Key] = set()
        # Outside working hours an open slot waits for the next working moment.
        self._opening = None if now is None else self.cal.next_working_moment(now).astimezone(UTC)
        self._officers: dict[int, list[PersonView]] = {}
        self._by_role: dict[str, list[PersonView]] = {}
        for person in sorted(snapshot.people, key=lambda p: (p.org_id, p.telegram_id)):
            if person.role == "officer":
                self._officers.setdefault(person.org_id, []).append(person)
            self._by_role.setdefault(person.role, []).append(person)

    # --- time ----------------------------------------------------------------------------------

    def _working_day_on_or_before(self, day: date, floor: date) -> date:
        probe = day
        while probe > floor and not self.cal.is_working_day(probe):
            probe -= timedelta(days=1)
        return probe if self.cal.is_working_day(probe) else day

    def _ahead(self, target: date, days: int) -> date:
        """The working day to say something `days` before `target`: that day, or the working
        day before it when it is a day off (within the week before)."""
        day = target - timedelta(days=days)
        return self._working_day_on_or_before(day, day - ONE_WEEK)

    def chain(self, due: date) -> tuple[list[_Link], list[float]]:
        """The reminders and overdue notices of a deadline, and their due times."""
        known = self._chains.get(due)
        if known is not None:
            return known
        s = self.settings
        raw: list[tuple[str, str, date, bool]] = []
        for k in s.deadline_days:  # descending
            raw.append(
                (
                    DEADLINE,
                    f"{due.isoformat()}/-{k}",
                    self._ahead(due, k),
                    k < s.non_essential_deadline_days,
                )
            )
        last = max(self.snap.end, due)
        offset = s.overdue_after_days
        while due + timedelta(days=offset) <= last:
            raw.append(
                (OVERDUE, f"{due.isoformat()}/+{offset}", due + timedelta(days=offset), True)
            )
            offset += s.overdue_every_days
        links: list[_Link] = []
        times: list[datetime] = []
        for kind, slot, day, essential in raw:
            at = self.cal.opening(day)
            if times and at <= times[-1]:
                # Said on the same day as the one before: the later slot (closer to the
                # deadline) takes its place.
                links.pop()
                times.pop()
            # The day it goes (an overdue notice due on a day off goes on the next working day,
            # and counts the days late from then).
            links.append(
                _Link(kind, slot, at.astimezone(self.cal.zone).date(), at, FAR, essential)
            )
            times.append(at)
        # Each slot lasts until the next; the last one for a week.
        for i, link in enumerate(links):
            until = times[i + 1] if i + 1 < len(links) else link.due_at + ONE_WEEK
            links[i] = _Link(link.kind, link.slot, link.day, link.due_at, until, link.essential)
        result = (links, [t.timestamp() for t in times])
        self._chains[due] = result
        return result

    # --- people --------------------------------------------------------------------------------

    def _person(
        self, person: PersonView, *, essential: bool, due_at: datetime, expires_at: datetime
    ) -> tuple[datetime, bool]:
        """When a person gets a slot (after their snooze), and whether they get it at all."""
        if essential:
            return due_at, True
        if person.muted:
            return due_at, False
        if person.snoozed_until is not None and person.snoozed_until > due_at:
            due_at = self.cal.next_working_moment(person.snoozed_until).astimezone(UTC)
        return due_at, due_at < expires_at

    def _to_people(
        self,
        people: Iterable[PersonView],
        *,
        kind: str,
        subject: str,
        slot: str,
        essential: bool,
        due_at: datetime,
        expires_at: datetime,
        payload: dict[str, Any],
    ) -> Iterator[Planned]:
        for person in people:
            at, goes = self._person(
                person, essential=essential, due_at=due_at, expires_at=expires_at
            )
            if goes:
                yield from self._emit(
                    kind, subject, f"person:{person.id}", slot, person.telegram_id,
                    person.language or self.snap.language, essential, at, expires_at, payload,
                )  # fmt: skip

    def _emit(
        self, kind: str, subject: str, recipient: str, slot: str, chat_id: int,
        language: str | None, essential: bool, at: datetime, expires_at: datetime,
        payload: dict[str, Any],
    ) -> Iterator[Planned]:  # fmt: skip
        now, opening = self.now, self._opening
        if now is not None and opening is not None:
            if not (at <= now < expires_at and opening < expires_at):
                return
            key = (kind, subject, recipient, slot)
            self.open_keys.add(key)
            if key in self.known:
                return
            at = max(at, opening)
        yield Planned(
            kind, subject, recipient, slot, chat_id, language, essential, at, expires_at, payload
        )

    def _to_group(
        self,
        *,
        kind: str,
        subject: str,
        slot: str,
        due_at: datetime,
        expires_at: datetime,
        payload: dict[str, Any],
    ) -> Iterator[Planned]:
        chat = self.snap.group_chat_id
        if chat is not None:
            yield from self._emit(
                kind, subject, f"group:{chat}", slot, chat, self.snap.language, True, due_at,
                expires_at, payload,
            )  # fmt: skip

    def officers(self, org_ids: Iterable[int]) -> list[PersonView]:
        return [p for org in org_ids for p in self._officers.get(org, ())]

    def holding(self, roles: Iterable[str]) -> list[PersonView]:
        return sorted(
            (p for role in set(roles) for p in self._by_role.get(role, ())),
            key=lambda p: p.telegram_id,
        )

    def _partners(self, task: TaskView) -> tuple[int, ...]:
        return tuple(org for org in task.partner_org_ids if org != task.lead_org_id)

    # --- slots ---------------------------------------------------------------------------------

    def task_messages(self, task: TaskView, link: _Link) -> Iterator[Planned]:
        subject = f"task:{task.id}"
        base: dict[str, Any] = {
            "program": self.snap.code,
            "task": task.code,
            "title": task.title,
            "due": task.due.isoformat(),
        }
        if link.kind == DEADLINE:
            payload = base | {"days_left": (task.due - link.day).days}
            if task.original_due is not None and task.original_due != task.due:
                payload["original_due"] = task.original_due.isoformat()
            audiences: list[tuple[str, list[PersonView]]] = []
            if "lead" in self.settings.deadline_to:
                audiences.append(("lead", self.officers([task.lead_org_id])))
            if "partners" in self.settings.deadline_to:
                audiences.append(("partner", self.officers(self._partners(task))))
            for role, people in audiences:
                yield from self._to_people(
                    people,
                    kind=DEADLINE,
                    subject=subject,
                    slot=link.slot,
                    essential=link.essential,
                    due_at=link.due_at,
                    expires_at=link.expires_at,
                    payload=payload | {"role": role},
                )
        else:
            yield from self._to_people(
                self.officers([task.lead_org_id]),
                kind=OVERDUE,
                subject=subject,
                slot=link.slot,
                essential=True,
                due_at=link.due_at,
                expires_at=link.expires_at,
                payload=base | {"days_late": (link.day - task.due).days},
            )

    def escalation(self, task: TaskView) -> tuple[date, datetime, datetime] | None:
        """The day, due time and expiry of a task's escalation (None: after the program)."""
        return self.escalation_of(task.due)

    def escalation_of(self, due: date) -> tuple[date, datetime, datetime] | None:
        if due in self._escalations:
            return self._escalations[due]
        day = due + timedelta(days=self.settings.escalate_after_days)
        result: tuple[date, datetime, datetime] | None = None
        if day <= self.snap.end:
            at = self.cal.opening(day)
            result = (day, at, at + ONE_WEEK)
        self._escalations[due] = result
        return result

    def opens_between(self, due: date, after: float, until: float) -> bool:
        """Whether a slot of a deadline's chain, or its escalation, opens in (after, until]."""
        _, stamps = self.chain(due)
        i = bisect_right(stamps, after)
        if i < len(stamps) and stamps[i] <= until:
            return True
        escalation = self.escalation_of(due)
        return escalation is not None and after < escalation[1].timestamp() <= until

    def escalation_messages(self, task: TaskView) -> Iterator[Planned]:
        slot = self.escalation(task)
        if slot is None:
            return
        _, at, until = slot
        day = at.astimezone(self.cal.zone).date()
        lead_code, lead_name = self.snap.organizations.get(task.lead_org_id, ("?", "?"))
        yield from self._to_people(
            self.holding(self.settings.escalate_to),
            kind=ESCALATION,
            subject=f"task:{task.id}",
            slot=f"{task.due.isoformat()}/+{self.settings.escalate_after_days}",
            essential=True,
            due_at=at,
            expires_at=until,
            payload={
                "program": self.snap.code,
                "task": task.code,
                "title": task.title,
                "due": task.due.isoformat(),
                "days_late": (day - task.due).days,
                "lead": lead_code,
                "lead_name": lead_name,
            },
        )

    def completion(self, task: TaskView) -> tuple[datetime, datetime] | None:
        if task.done_on is None or task.done_effective_on is None:
            return None
        start = self.cal.opening(task.done_effective_on)
        if task.done_recorded_at is not None and task.done_recorded_at > start:
            start = self.cal.next_working_moment(task.done_recorded_at).astimezone(UTC)
        return start, start + ONE_WEEK

    def completion_messages(self, task: TaskView) -> Iterator[Planned]:
        window = self.completion(task)
        if window is None or task.done_on is None:
            return
        at, until = window
        lead_code, lead_name = self.snap.organizations.get(task.lead_org_id, ("?", "?"))
        payload: dict[str, Any] = {
            "program": self.snap.code,
            "task": task.code,
            "title": task.title,
            "lead": lead_code,
            "lead_name": lead_name,
            "completed_on": task.done_on.isoformat(),
            "on_time": task.done_on <= task.deadline,
        }
        subject, audience = f"task:{task.id}", self.settings.completion_to
        if "group" in audience:
            yield from self._to_group(
                kind=COMPLETION,
                subject=subject,
                slot="done",
                due_at=at,
                expires_at=until,
                payload=payload,
            )
        told = [task.lead_org_id] if "lead" in audience else []
        if "partners" in audience:
            told.extend(self._partners(task))
        yield from self._to_people(
            self.officers(told),
            kind=COMPLETION,
            subject=subject,
            slot="done",
            essential=False,
            due_at=at,
            expires_at=until,
            payload=payload,
        )

    def period_slots(self, period: PeriodView) -> list[tuple[str, int, date, datetime, datetime]]:
        """(kind, days before, day, due_at, expires_at) of a period's calls and missing list."""
        s = self.settings
        raw: list[tuple[str, int, date]] = [
            (REPORT_CALL, k, self._ahead(period.report_due, k)) for k in s.report_call_days
        ]
        missing_day = period.report_due + timedelta(days=s.missing_after_days)
        raw.append((MISSING_REPORTS, -s.missing_after_days, missing_day))
        slots: list[tuple[str, int, date, datetime, datetime]] = []
        for kind, k, day in raw:
            at = self.cal.opening(day)
            if slots and at <= slots[-1][3]:
                slots.pop()
            slots.append((kind, k, day, at, FAR))
        return [
            (kind, k, day, at, slots[i + 1][3] if i + 1 < len(slots) else at + ONE_WEEK)
            for i, (kind, k, day, at, _) in enumerate(slots)
        ]

    def period_messages(
        self, period: PeriodView, kind: str, k: int, day: date, at: datetime, until: datetime
    ) -> Iterator[Planned]:
        subject = f"period:{period.id}"
        base: dict[str, Any] = {
            "program": self.snap.code,
            "period": period.code,
            "period_name": period.name,
            "report_due": period.report_due.isoformat(),
        }
        reported = self.snap.reported.get(period.id, frozenset())
        orgs = list(self.snap.organizations)
        if kind == REPORT_CALL:
            first = k == max(self.settings.report_call_days)
            called = orgs if first else [org for org in orgs if org not in reported]
            yield from self._to_people(
                self.officers(called),
                kind=REPORT_CALL,
                subject=subject,
                slot=f"{period.report_due.isoformat()}/-{k}",
                essential=k < self.settings.non_essential_deadline_days,
                due_at=at,
                expires_at=until,
                payload=base | {"days_left": (period.report_due - day).days},
            )
        else:
            missing = [list(self.snap.organizations[org]) for org in orgs if org not in reported]
            yield from self._to_people(
                self.holding(self.settings.missing_to),
                kind=MISSING_REPORTS,
                subject=subject,
                slot=f"{period.report_due.isoformat()}/+{-k}",
                essential=True,
                due_at=at,
                expires_at=until,
                payload=base | {"missing": missing, "total": len(orgs)},
            )

    def digest_slots(
        self, first: date, last: date
    ) -> Iterator[tuple[str, date, datetime, datetime]]:
        """(slot, day, due_at, expires_at) of the weekly digests whose day is in [first, last]."""
        weekday = self.settings.digest_weekday
        if weekday == 0 or self.snap.group_chat_id is None:
            return
        start = max(first, self.snap.start)
        end = min(last, self.snap.end + ONE_WEEK)
        day = start + timedelta(days=(weekday - start.isoweekday()) % 7)
        while day <= end:
            year, week, _ = day.isocalendar()
            at = self.cal.opening(day)
            yield f"{year}-W{week:02}", day, at, self.cal.opening(day + ONE_WEEK)
            day += ONE_WEEK

    def digest_messages(
        self, slot: str, day: date, at: datetime, until: datetime
    ) -> Iterator[Planned]:
        yield from self._to_group(
            kind=DIGEST,
            subject=f"program:{self.snap.program_id}",
            slot=slot,
            due_at=at,
            expires_at=until,
            payload={"program": self.snap.code, "as_of": day.isoformat()},
        )


def _open(task: TaskView) -> bool:
    return task.done_on is None


def due_now(snapshot: ProgramSnapshot, now: datetime) -> list[Planned]:
    """The messages whose slot is open at `now`: due, and not yet replaced or expired."""
    return plan_now(snapshot, now)[0]


def plan_now(
    snapshot: ProgramSnapshot, now: datetime, known: Container[Key] = frozenset()
) -> tuple[list[Planned], set[Key]]:
    """The messages open at `now` whose key is not `known`, and the keys of all open ones.

    A slot found open outside working hours (after downtime, say) is due at the next working
    moment, if it is still open then.
    """
    policy = Policy(snapshot, now=now, known=known)
    moment = now.timestamp()
    escalate = policy.settings.escalate_after_days
    today = policy.cal.today(now)
    out: list[Planned] = []
    for task in snapshot.tasks:
        if _open(task):
            links, stamps = policy.chain(task.due)
            i = bisect_right(stamps, moment) - 1
            if i >= 0 and now < links[i].expires_at:
                out.extend(policy.task_messages(task, links[i]))
            if today >= task.due + timedelta(days=escalate):
                escalation = policy.escalation(task)
                if escalation is not None and escalation[1] <= now < escalation[2]:
                    out.extend(policy.escalation_messages(task))
        else:
            window = policy.completion(task)
            if window is not None and window[0] <= now < window[1]:
                out.extend(policy.completion_messages(task))
    for period in snapshot.periods:
        for kind, k, day, at, until in policy.period_slots(period):
            if at <= now < until:
                out.extend(policy.period_messages(period, kind, k, day, at, until))
    for slot, day, at, until in policy.digest_slots(today - ONE_WEEK, today):
        if at <= now < until:
            out.extend(policy.digest_messages(slot, day, at, until))
    return out, policy.open_keys


def schedule(snapshot: ProgramSnapshot, start: datetime, end: datetime) -> list[Planned]:
    """Every message whose time falls in [start, end), as the data stands now: a preview.

    Tasks still open are assumed to stay open; completions already recorded are announced.
    """
    policy = Policy(snapshot)
    out: list[Planned] = []
    for task in snapshot.tasks:
        if _open(task):
            links, _ = policy.chain(task.due)
            for link in links:
                if start <= link.due_at < end:
                    out.extend(policy.task_messages(task, link))
            escalation = policy.escalation(task)
            if escalation is not None and start <= escalation[1] < end:
                out.extend(policy.escalation_messages(task))
        else:
            out.extend(m for m in policy.completion_messages(task) if start <= m.due_at < end)
    for period in snapshot.periods:
        for kind, k, day, at, until in policy.period_slots(period):
            if start <= at < end:
                out.extend(policy.period_messages(period, kind, k, day, at, until))
    first, last = policy.cal.today(start), policy.cal.today(end)
    for slot, day, at, until in policy.digest_slots(first, last):
        if start <= at < end:
            out.extend(policy.digest_messages(slot, day, at, until))
    out = [m for m in out if start <= m.due_at < end]
    out.sort(key=lambda m: (m.due_at, m.kind, m.subject, m.recipient))
    return out
