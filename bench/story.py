"""One commitment's story, planned when it is made: what happens to it, and when.

A story is a list of `Step`s in time order. The generator schedules them and applies each one
through the Commitment aggregate's own command methods at its instant. Plans respect the
product's rules: due dates are moved before they pass and always into the future, completion
dates are never after the day they are recorded, nothing happens to a closed commitment except
a celebration, a note or a roadblock's resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from random import Random
from typing import Any

# Step kinds, in the order they are applied when two fall on the same instant.
PROGRESS, MOVE, HANDOVER, RAISE, ASK, RESOLVE, NOTE, COMPLETE, WITHDRAW, CELEBRATE = (
    "progress", "move", "handover", "raise", "ask", "resolve", "note", "complete", "withdraw",
    "celebrate",
)


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str
    args: dict[str, Any]


def working_instant(day: date, rng: Random) -> datetime:
    """A moment during office hours (08:00-18:00 UTC) on `day`."""
    return datetime.combine(day, time(8), timezone.utc) + timedelta(seconds=rng.randrange(36_000))


def plan_story(rng: Random, made: datetime, due: date, departments: int) -> list[Step]:
    """The steps after the commitment was made at `made` with due date `due`.

    Fates: about 58% kept (sometimes after one move), 27% late (0-3 moves), 15% withdrawn.
    `departments` is how many departments exist (to ask one for help, by index).
    """
    steps: list[Step] = []
    day0 = made.date()
    fate = rng.random()
    dues = [due]
    moves: list[date] = []
    if fate < 0.58:
        if rng.random() < 0.10:
            moves.append(_before(rng, dues[-1], day0))
            dues.append(dues[-1] + timedelta(days=rng.randint(7, 30)))
        completed_on = max(day0 + timedelta(days=7), dues[-1] - timedelta(days=rng.randint(0, 14)),
                           *(m + timedelta(days=1) for m in moves))
        end = completed_on + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
    elif fate < 0.85:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            moves.append(_before(rng, dues[-1], max(day0, moves[-1] if moves else day0)))
            dues.append(dues[-1] + timedelta(days=rng.randint(7, 45)))
        completed_on = dues[-1] + timedelta(days=rng.randint(1, 30))
        end = completed_on + timedelta(days=rng.choice((0, 0, 1, 3)))
    else:
        completed_on = None
        end = day0 + timedelta(days=rng.randint(10, (due - day0).days + 90))
    end_at = max(working_instant(end, rng), made + timedelta(hours=1))

    for moved_on, new_due in zip(moves, dues[1:]):
        at = max(working_instant(moved_on, rng), made + timedelta(minutes=1))
        steps.append(Step(at, MOVE, {"due": new_due}))
    steps.extend(_progress(rng, made, end_at, high=95 if completed_on else 40))
    if rng.random() < 0.12:
        steps.append(Step(_between(rng, made, end_at), HANDOVER, {}))
    for number in range(1, 3 if rng.random() < 0.08 else 2):
        if rng.random() < (0.30 if number == 1 else 1.0):
            steps.extend(_roadblock(rng, f"R{number}", made, end_at, departments))
    if rng.random() < 0.10:
        steps.append(Step(_between(rng, made, end_at), NOTE, {}))
    if completed_on is not None:
        steps.append(Step(end_at, COMPLETE, {"completed_on": completed_on}))
        if rng.random() < 0.25:
            steps.append(Step(end_at + timedelta(days=rng.randint(0, 5), minutes=5), CELEBRATE, {}))
    else:
        steps.append(Step(end_at, WITHDRAW, {}))
    # Roadblocks are numbered in the order raised: R2 must come after R1.
    return sorted(steps, key=lambda s: (s.at, _ORDER[s.kind]))


_ORDER = {k: i for i, k in enumerate(
    (PROGRESS, MOVE, HANDOVER, RAISE, ASK, RESOLVE, NOTE, COMPLETE, WITHDRAW, CELEBRATE)
)}


def _before(rng: Random, due: date, not_before: date) -> date:
    """A day to move `due`: shortly before it, not before `not_before`."""
    return max(not_before, due - timedelta(days=rng.randint(1, 10)))


def _between(rng: Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 2.0)
    return start + timedelta(seconds=rng.uniform(1.0, span - 1.0))


def _progress(rng: Random, made: datetime, end: datetime, high: int) -> list[Step]:
    """Reports every 5-14 days, rising towards `high` percent."""
    days = max((end - made).days, 1)
    offsets: list[int] = []
    offset = rng.randint(2, 6)
    while offset < days:
        offsets.append(offset)
        offset += rng.randint(5, 14)
    steps, percent = [], 0
    for i, offset in enumerate(offsets, start=1):
        percent = min(high, max(percent + 1, round(high * i / (len(offsets) + 1)) + rng.randint(-3, 3)))
        at = working_instant(made.date() + timedelta(days=offset), rng)
        if made < at < end:
            steps.append(Step(at, PROGRESS, {"percent": percent}))
    return steps


def _roadblock(rng: Random, rid: str, made: datetime, end: datetime, departments: int) -> list[Step]:
    raised = _between(rng, made, made + (end - made) * 0.6)
    helper = rng.randrange(departments) if rng.random() < 0.65 else None
    steps = [Step(raised, RAISE, {"id": rid, "help_from": helper})]
    if helper is None and rng.random() < 0.15:
        helper = rng.randrange(departments)
        steps.append(Step(_between(rng, raised, end), ASK, {"id": rid, "department": helper}))
    roll = rng.random()
    if roll < 0.80:
        resolved = min(raised + timedelta(days=rng.randint(1, 30), minutes=rng.randint(1, 600)),
                       end - timedelta(minutes=1))
        if resolved > steps[-1].at:
            helped = helper if helper is not None and rng.random() < 0.7 else None
            steps.append(Step(resolved, RESOLVE, {"id": rid, "helped_by": helped}))
    elif roll < 0.90:  # resolved after the commitment closed, to keep the record true
        later = end + timedelta(days=rng.randint(1, 10))
        steps.append(Step(later, RESOLVE, {"id": rid, "helped_by": None}))
    return steps
