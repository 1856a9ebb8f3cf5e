"""The demo organisation: a realistic CX plan with about six months of history.

`seed(app)` writes it into an empty installation through the real application service, every
event stamped at a plausible instant, all dates relative to `today`. It is deterministic: the
same `today` gives the same events (apart from the random ids of commitments).

Password hashing dominates the time it takes; pass an app whose `Accounts` has a cheap hasher
when speed matters more than the hashes' strength (tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from random import Random

from tracker import clock
from tracker.accounts import check_password
from tracker.application import CxTracker
from tracker.demo import catalogue
from tracker.demo.back_office import BACK_OFFICE
from tracker.demo.front_office import FRONT_OFFICE
from tracker.demo.patterns import plan_patterns
from tracker.demo.pledge import Pledge
from tracker.demo.scorecards import plan_area_kpis, plan_scorecards
from tracker.demo.setup import plan_setup
from tracker.demo.story import plan_commitments
from tracker.demo.timeline import Calendar, Cast, Step, Timeline
from tracker.domain.member import ROLE_TITLES

DEFAULT_PASSWORD = "demo-password"
RANDOM_SEED = 20_240_611
PLEDGES: tuple[Pledge, ...] = FRONT_OFFICE + BACK_OFFICE

Progress = Callable[[int, int], None]  # (steps played, steps in all)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str              # "cco", "lead", "executive" or "auditor"
    department: str | None
    active: bool

    @property
    def role_title(self) -> str:
        return ROLE_TITLES[self.role]


def accounts() -> list[DemoAccount]:
    """The demo's members, in the order they are listed to the user."""
    return [
        DemoAccount(p.email, p.name, p.role, p.department, p.email != catalogue.LEAVER)
        for p in catalogue.PEOPLE
    ]


def plan(today: date, password: str = DEFAULT_PASSWORD) -> list[Step]:
    """The whole story as steps in time order, all before `today`."""
    timeline = Timeline(Calendar(today, Random(RANDOM_SEED)))
    plan_setup(timeline, password)
    plan_commitments(timeline, PLEDGES)
    plan_patterns(timeline)
    plan_area_kpis(timeline)  # after the commitments: their random draws stay as they were
    plan_scorecards(timeline)
    return timeline.steps()


def seed(
    app: CxTracker, *, password: str = DEFAULT_PASSWORD, today: date | None = None,
    progress: Progress | None = None,
) -> list[DemoAccount]:
    """Write the demo organisation into `app`, which must be empty; return its accounts."""
    if app.has_plan():
        raise ValueError("the demo needs an empty installation")
    check_password(password)
    steps = plan(today or clock.today(), password)
    cast = Cast(app)
    for done, step in enumerate(steps, start=1):
        with clock.frozen_at(step.at):
            step.act(cast)
        if progress is not None:
            progress(done, len(steps))
    return accounts()


__all__ = ["DEFAULT_PASSWORD", "DemoAccount", "PLEDGES", "accounts", "plan", "seed"]
