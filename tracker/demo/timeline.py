"""Placing the story in time: working days relative to `today`, and steps played in time order.

Every step is an action on the application service taken at one instant. Steps are planned in
any order, then sorted by instant (ties keep the order they were planned in) and played inside
`clock.frozen_at(instant)`, so the event log's timestamps never go backwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from random import Random
from uuid import UUID

from tracker.application import CxTracker
from tracker.domain import member_id

Day = date  # `Calendar.date` shadows `date` inside the class

HISTORY_DAYS = 182  # about six months
DAY_STARTS, DAY_MINUTES = time(8, 30), 9 * 60  # steps happen between 08:30 and 17:30 UTC


@dataclass
class Cast:
    """What the steps act on while the story is played: the app and the ids it handed out."""

    app: CxTracker
    commitments: dict[str, UUID] = field(default_factory=dict)
    roadblocks: dict[str, str] = field(default_factory=dict)  # commitment key -> roadblock id

    @staticmethod
    def member(email: str) -> UUID:
        return member_id(email)


Action = Callable[[Cast], object]


@dataclass(frozen=True)
class Step:
    at: datetime
    seq: int
    act: Action


class Calendar:
    """Day offsets from the story's first day (a Monday about six months before `today`)."""

    def __init__(self, today: date, rng: Random) -> None:
        self.today = today
        first = today - timedelta(days=HISTORY_DAYS)
        self.start = first - timedelta(days=first.weekday())
        self.span = (today - self.start).days  # 182 to 188 days
        self.last = _previous_workday(today)
        self.rng = rng

    def date(self, offset: int) -> date:
        """The working day `offset` days after the start (weekends move to the next Monday)."""
        return _next_workday(self.start + timedelta(days=offset))

    def day(self, offset: int) -> Day:
        """Like `date`, but never later than the last working day before today."""
        return min(self.date(offset), self.last)

    def instant(self, day: Day, after: datetime | None = None) -> datetime:
        """A random working-hours instant on `day`, later than `after` when given."""
        minute = self.rng.randrange(DAY_MINUTES)
        at = datetime.combine(day, DAY_STARTS, tzinfo=timezone.utc) + timedelta(minutes=minute)
        if after is not None and at <= after:
            at = after + timedelta(minutes=self.rng.randint(4, 35))
        return at

    def at(self, offset: int, hour: int, minute: int = 0) -> datetime:
        """A fixed time of day, for the CCO's scheduled set-up work."""
        return datetime.combine(self.day(offset), time(hour, minute), tzinfo=timezone.utc)


class Timeline:
    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._steps: list[Step] = []

    def add(self, at: datetime, act: Action) -> datetime:
        self._steps.append(Step(at, len(self._steps), act))
        return at

    def track(self) -> Track:
        return Track(self)

    def steps(self) -> list[Step]:
        steps = sorted(self._steps, key=lambda s: (s.at, s.seq))
        end = datetime.combine(self.calendar.today, time(), tzinfo=timezone.utc)
        if steps and steps[-1].at >= end:
            raise AssertionError(f"the story runs into today: {steps[-1].at.isoformat()}")
        return steps


class Track:
    """Steps that must happen one after the other (one commitment's story)."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.last: datetime | None = None

    def add(self, offset: int, act: Action) -> datetime:
        calendar = self.timeline.calendar
        self.last = self.timeline.add(calendar.instant(calendar.day(offset), self.last), act)
        return self.last


def _next_workday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _previous_workday(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day
