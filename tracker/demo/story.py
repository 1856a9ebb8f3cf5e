"""Each commitment's story, from the day it is made until today, planned from its fate.

Offsets are days after the story's first day; `span` is today's offset. Every step goes through
the application service at its own instant, so the service's rules hold naturally: due dates are
set in the future of the day they are set, completion dates in the past of the day they are
recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from random import Random

from tracker.demo import catalogue as cat
from tracker.demo.phrases import (
    EARLY_NOTES, EARLY_PERCENT, LATER_NOTES, STALLED_NOTES, THANKS_TO_HELPERS,
)
from tracker.demo.pledge import (
    AT_RISK, BLOCKED, KEPT, LATE, ON_TRACK, OVERDUE, WITHDRAWN, Pledge,
)
from tracker.demo.setup import DEPARTURE_DAY
from tracker.demo.timeline import Action, Cast, Timeline

CCO = cat.CCO_PERSON.email
DEPARTMENT_NAMES = dict(cat.DEPARTMENTS)
# Same-day order of a commitment's steps.
MADE, REPORT, RAISE, ASK, RESOLVE, MOVE, HANDOVER, NOTE, CLOSE, CELEBRATE = range(10)
CONTRIBUTE, MILESTONE = MADE, MADE  # the day after making, in the order planned
# The last reported progress, by fate: (lowest, highest), in steps of 5.
FINAL_PROGRESS = {
    KEPT: (60, 90), LATE: (60, 90), WITHDRAWN: (10, 35), ON_TRACK: (45, 80),
    OVERDUE: (55, 90), AT_RISK: (10, 35), BLOCKED: (25, 55),
}
Plan = Callable[[int, int, Action], None]  # plan an action at (offset, same-day order)
OwnerAt = Callable[[int, int], str]       # the commitment's owner at (offset, same-day order)


@dataclass
class Shape:
    """When things happen to one commitment, in day offsets."""

    made: int
    dues: list[int]                                  # the original due date, then one per move
    moves: list[int] = field(default_factory=list)   # when each move was made
    done: int | None = None                          # completion date (kept or late)
    withdrawn: int | None = None
    handover: int | None = None

    @property
    def end(self) -> int | None:
        return self.done if self.done is not None else self.withdrawn


def shape(p: Pledge, span: int, rng: Random) -> Shape:
    slips = len(p.slips)
    if p.fate == KEPT:
        made = rng.randint(7, 100)
        due = made + rng.randint(35, 75)
        done = max(made + 21, min(due - rng.randint(0, 10), span - 3 - rng.randint(0, 12)))
        return Shape(made, [due], done=done)
    if p.fate == LATE:
        made = rng.randint(7, 45)
        s = Shape(made, [made + rng.randint(30, 50)])
        for _ in range(slips):
            s.moves.append(s.dues[-1] - rng.randint(1, 8))
            s.dues.append(s.dues[-1] + rng.randint(14, 30))
        in_time_for_new_date = slips and rng.random() < 0.7
        s.done = s.dues[-1] - rng.randint(0, 6) if in_time_for_new_date else s.dues[-1] + rng.randint(3, 12)
        return s
    if p.fate == WITHDRAWN:
        made = rng.randint(10, 90)
        return Shape(made, [made + rng.randint(40, 90)], withdrawn=made + rng.randint(20, 40))
    if p.fate in (ON_TRACK, OVERDUE):
        dues = [span + rng.randint(20, 90) if p.fate == ON_TRACK else span - rng.randint(5, 30)]
        for _ in range(slips):
            dues.insert(0, dues[0] - rng.randint(14, 28))
        made = rng.randint(40, 140) if p.fate == ON_TRACK else dues[0] - rng.randint(35, 60)
        if cat.email_of(p.owner, p.department) == cat.LEAVER:
            made = min(made, DEPARTURE_DAY - 15 - rng.randint(0, 20))
        if p.fate == ON_TRACK:
            moves = sorted(rng.randint(made + 10, span - 3) for _ in range(slips))
        else:
            moves = [due - rng.randint(0, 6) for due in dues[:-1]]
        return Shape(made, dues, moves)
    if p.fate == AT_RISK:
        return Shape(span - rng.randint(45, 75), [span + rng.randint(4, 12)])
    assert p.fate == BLOCKED
    return Shape(span - rng.randint(50, 100), [span + rng.randint(15, 45)])


def plan_commitments(timeline: Timeline, pledges: tuple[Pledge, ...]) -> None:
    for pledge in pledges:
        _plan(timeline, pledge)


def _plan(timeline: Timeline, p: Pledge) -> None:
    cal = timeline.calendar
    rng, span = cal.rng, cal.span
    s = shape(p, span, rng)
    key, head = p.key, cat.head_of(p.department)
    owner = cat.email_of(p.owner, p.department)
    limit = s.end if s.end is not None else span - 1  # the last day the commitment is worked on
    if p.handover:
        if owner == cat.LEAVER:
            s.handover = DEPARTURE_DAY - rng.randint(1, 4)
        else:
            s.handover = s.made + int((limit - s.made) * rng.uniform(0.4, 0.7))

    def owner_at(offset: int, order: int) -> str:
        handed = p.handover and s.handover is not None and (offset, order) > (s.handover, HANDOVER)
        return cat.email_of(p.handover[0], p.department) if handed and p.handover else owner

    events: list[tuple[int, int, Action]] = []

    def at(offset: int, order: int, act: Action) -> None:
        events.append((offset, order, act))

    at(s.made, MADE, lambda c: c.commitments.__setitem__(key, c.app.make_commitment(
        c.member(head), department=p.department, title=p.title, description=p.description,
        due_date=cal.date(s.dues[0]), owner=owner, journey=p.journey, kpi=p.kpi).id))
    reports = _reports(p, s.made, limit, rng, span)
    if p.milestones:  # ticks stand in for the progress reports (a typed percent is refused)
        _plan_milestones(p, s, reports, at, owner_at)
    else:
        for offset, percent, note in reports:
            actor = owner_at(offset, REPORT)
            at(offset, REPORT, _report(key, actor, percent, note))
    for department in p.contributors:
        at(s.made + 1, CONTRIBUTE, _contribute(key, head, department))
    for i, offset in enumerate(s.moves):
        actor = rng.choice((head, owner_at(offset, MOVE)))
        at(offset, MOVE, _move(key, actor, cal.date(s.dues[i + 1]), p.slips[i]))
    if p.handover and s.handover is not None:
        new_owner, reason = cat.email_of(p.handover[0], p.department), p.handover[1]
        at(s.handover, HANDOVER, lambda c: c.app.hand_over(
            c.member(head), c.commitments[key], new_owner=new_owner, reason=reason))
    helped_by = _plan_roadblock(p, s, limit, rng, span, at, owner_at)
    if s.done is not None:
        recorded = min(s.done + rng.randint(0, 2), span - 1)
        actor, completed_on = owner_at(recorded, CLOSE), cal.day(s.done)
        at(recorded, CLOSE, lambda c: c.app.complete(
            c.member(actor), c.commitments[key], evidence=p.evidence, completed_on=completed_on))
        limit = recorded
    if s.withdrawn is not None:
        actor = rng.choice((head, CCO))
        at(s.withdrawn, CLOSE, lambda c: c.app.withdraw(c.member(actor), c.commitments[key], reason=p.reason))
    if p.celebration:
        offset = min(limit + rng.randint(0, 3), span - 1) if s.done is not None else \
            s.made + int((limit - s.made) * 0.75)
        by_cco = rng.random() < 0.7
        message = p.celebration
        if by_cco and helped_by:
            message += " " + THANKS_TO_HELPERS.format(helper=DEPARTMENT_NAMES[helped_by])
        celebrant = CCO if by_cco else cat.head_of(helped_by or "executive-leadership")
        at(offset, CELEBRATE, lambda c: c.app.celebrate(c.member(celebrant), c.commitments[key], message=message))
    if p.review_note:
        at(span - rng.randint(3, 12), NOTE, lambda c: c.app.add_note(
            c.member(CCO), c.commitments[key], text=p.review_note))
    track = timeline.track()
    for offset, _, act in sorted(events, key=lambda e: (e[0], e[1])):
        track.add(offset, act)


def _plan_milestones(
    p: Pledge, s: Shape, reports: list[tuple[int, int, str]], at: Plan, owner_at: OwnerAt
) -> None:
    """Add the milestones the day after making, then tick as many as the last report's percent
    stands for (all of them for a completed commitment), at the reports' days; every other tick
    by a lead of the first contributing department. Uses no randomness, so the rest of the
    story is as it would be without milestones."""
    key, head = p.key, cat.head_of(p.department)
    for text in p.milestones:
        at(s.made + 1, MILESTONE, _add_milestone(key, head, text))
    total = len(p.milestones)
    final = 100 if s.done is not None else (reports[-1][1] if reports else 0)
    ticks = min(total, total * final // 100)
    offsets = [max(offset, s.made + 2) for offset, _, _ in reports] or [s.made + 2]
    for j in range(ticks):
        offset = offsets[min(len(offsets) - 1, (j + 1) * len(offsets) // ticks - 1)]
        ticker = cat.head_of(p.contributors[0]) if p.contributors and j % 2 else owner_at(offset, REPORT)
        at(offset, REPORT, _tick(key, ticker, f"M{j + 1}"))


def _contribute(key: str, actor: str, department: str) -> Action:
    return lambda c: c.app.add_contributor(c.member(actor), c.commitments[key], department=department)


def _add_milestone(key: str, actor: str, text: str) -> Action:
    return lambda c: c.app.add_milestone(c.member(actor), c.commitments[key], text=text)


def _tick(key: str, actor: str, milestone_id: str) -> Action:
    return lambda c: c.app.tick_milestone(c.member(actor), c.commitments[key], milestone_id=milestone_id)


def _report(key: str, actor: str, percent: int, note: str) -> Action:
    return lambda c: c.app.report_progress(c.member(actor), c.commitments[key], percent=percent,
                                           note=note)


def _move(key: str, actor: str, due: date, reason: str) -> Action:
    return lambda c: c.app.move_due_date(c.member(actor), c.commitments[key], due_date=due,
                                         reason=reason)


def _reports(p: Pledge, made: int, limit: int, rng: Random, span: int) -> list[tuple[int, int, str]]:
    """Progress reports between the day after making and `limit`: (offset, percent, note)."""
    stop = span - rng.randint(14, 25) if p.fate == AT_RISK else limit - 1
    first = made + 3
    n = max(len(p.notes), 1, min(5, (stop - first) // rng.randint(14, 21)))
    lowest, highest = FINAL_PROGRESS[p.fate]
    target = rng.randrange(lowest, highest + 1, 5)
    reports: list[tuple[int, int, str]] = []
    step = max(stop - first, 1) / n
    for i in range(n):
        offset = min(first + int(step * i + step * rng.uniform(0.5, 1.0)), stop)
        percent = max(5, min(target, round(target * (i + 1) / n / 5) * 5 + rng.choice((-5, 0, 0, 5))))
        if reports:
            percent = max(percent, reports[-1][1])
        own = i - (n - len(p.notes))
        if i == n - 1:
            percent = target
        generic = EARLY_NOTES if percent <= EARLY_PERCENT else LATER_NOTES
        note = p.notes[own] if own >= 0 else rng.choice(generic)
        reports.append((offset, percent, note))
    if p.fate == AT_RISK:
        reports.append((stop, target, rng.choice(STALLED_NOTES)))
    return reports


def _plan_roadblock(
    p: Pledge, s: Shape, limit: int, rng: Random, span: int, at: Plan, owner_at: OwnerAt
) -> str | None:
    """Raise (and maybe resolve) the commitment's roadblock; the department that helped, if any."""
    block = p.block
    if block is None:
        return None
    key = p.key
    if block.resolution:
        raised = s.made + max(2, int((limit - s.made) * rng.uniform(0.2, 0.45)))
        resolved = min(raised + rng.randint(6, 20), limit - 1)
    else:
        raised = max(s.made + 5, span - rng.randint(6, 25))
        resolved = None
    raiser = owner_at(raised, RAISE)

    def raise_(c: Cast) -> None:
        receipt = c.app.raise_roadblock(
            c.member(raiser), c.commitments[key], description=block.description, help_from=block.help_from)
        c.roadblocks[key] = receipt.roadblock_id

    at(raised, RAISE, raise_)
    head = cat.head_of(p.department)
    if (also_ask := block.also_ask):
        asked = min(raised + rng.randint(1, 4), (resolved or span) - 1)
        at(asked, ASK, lambda c: c.app.request_help(
            c.member(head), c.commitments[key], roadblock_id=c.roadblocks[key], department=also_ask))
    if resolved is None:
        return None
    helped_by = (block.help_from or block.also_ask) if block.helped else None
    resolver = cat.head_of(helped_by) if helped_by and rng.random() < 0.6 else head
    at(resolved, RESOLVE, lambda c: c.app.resolve_roadblock(
        c.member(resolver), c.commitments[key], roadblock_id=c.roadblocks[key],
        resolution=block.resolution, helped_by=helped_by))
    return helped_by
