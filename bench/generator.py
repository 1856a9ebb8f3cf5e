"""A large organisation's history, written through the real domain model.

A discrete-event simulation: a heap of actions ordered by instant. Each action calls the
aggregates' own command methods inside `tracker.clock.frozen_at(instant)`, so every event is
stamped with its instant and the log is in time order. Pending events are collected from the
aggregates in that order and saved many at a time (`Application.save(*events)`), which keeps
10^6 events to minutes. Everything random comes from one seeded `Random`; ids are uuid5 of the
seed and a counter, so a seed and a size always give the same log, byte for byte.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import DomainEventProtocol

from bench import org
from bench.story import (
    ASK, CELEBRATE, COMPLETE, HANDOVER, MOVE, NOTE, PROGRESS, RAISE, RESOLVE, WITHDRAW, Step,
    plan_story, working_instant,
)
from tracker import clock
from tracker.application import CxTracker
from tracker.domain import Commitment, Kpi, Member, Plan, member_id
from tracker.domain.base import ID_NAMESPACE
from tracker.domain.member import AUDITOR, CCO, EXECUTIVE, LEAD
from tracker.errors import Invalid

CCO_EMAIL, CEO_EMAIL, AUDITOR_EMAIL = "cco@example.com", "ceo@example.com", "auditor@example.com"
EVENTS_PER_COMMITMENT = 11.5  # measured mean of a story, made included (used to pace arrivals)
SAVE_BATCH = 5000
Action = Callable[[datetime], None]


def head_email(slug: str) -> str:
    return f"lead.{slug}@example.com"


@dataclass
class Dept:
    slug: str
    index: int
    weight: int
    staff: list[UUID] = field(default_factory=list)  # active members with a lead grant here


@dataclass
class Live:
    """A commitment still in the simulation (it has steps to come)."""

    aggregate: Commitment
    dept: Dept
    steps_left: int
    roadblocks: dict[str, str] = field(default_factory=dict)  # planned label -> actual id


@dataclass
class Stats:
    events: int = 0
    commitments: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


class Generator:
    def __init__(self, app: CxTracker, *, events: int, seed: int, start: datetime, days: int) -> None:
        self.app, self.target, self.seed = app, events, seed
        self.rng = Random(seed)
        self.start, self.days = start, days
        self.heap: list[tuple[datetime, int, Action]] = []
        self.seq = 0
        self.pending: list[DomainEventProtocol[UUID]] = []
        self.stats = Stats()
        self.members: dict[UUID, Member] = {}
        self.depts = [Dept(slug, i, 1 + (i * 7) % 5) for i, (slug, _) in enumerate(org.DEPARTMENTS)]
        self.live: dict[UUID, Live] = {}
        self.by_owner: dict[UUID, dict[UUID, None]] = {}  # member -> open commitments (ordered)
        self.cco = member_id(CCO_EMAIL)
        self.plan: Plan | None = None
        self.last_instant = start
        self.people = 0
        total_members = 200 + events // 400
        self.initial_staff = int(total_members * 0.7)
        self.hires = total_members - self.initial_staff
        self.leavers = int(total_members * 0.2)
        budget = max(events * 0.9, 1.0)
        self.commitments_per_day = budget / EVENTS_PER_COMMITMENT / days

    # The simulation loop

    def run(self) -> Stats:
        self.at(self.start, self._set_up)
        while self.heap and self.stats.events < self.target:
            instant, _, action = heapq.heappop(self.heap)
            with clock.frozen_at(instant):
                action(instant)
            self.last_instant = instant
            if len(self.pending) >= SAVE_BATCH:
                self._flush()
        self._flush()
        return self.stats

    def at(self, instant: datetime, action: Action) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (instant, self.seq, action))

    def emit(self, *aggregates: Any) -> None:
        for aggregate in aggregates:
            events = aggregate.collect_events()
            self.pending.extend(events)
            self.stats.events += len(events)

    def _flush(self) -> None:
        if self.pending:
            self.app.save(*self.pending)
            self.pending = []

    def uuid(self, kind: str) -> UUID:
        self.seq += 1
        return uuid5(ID_NAMESPACE, f"bench:{self.seed}:{kind}:{self.seq}")

    # Set-up: the plan, departments, people, journeys, KPIs

    def _set_up(self, now: datetime) -> None:
        cco = Member(email=CCO_EMAIL, name="Cara Cole", actor=self.cco)
        cco.grant(CCO, None, actor=self.cco)
        plan = Plan(name=org.PLAN_NAME, vision=org.VISION, actor=self.cco)
        self.plan = plan
        self.members[cco.id] = cco
        self.emit(cco, plan)
        for slug, name in org.DEPARTMENTS:
            plan.add_department(slug, name, actor=self.cco)
        self.emit(plan)
        for email, name, role in ((CEO_EMAIL, "Eve Exec", EXECUTIVE), (AUDITOR_EMAIL, "Al Audit", AUDITOR)):
            self._register(email, name, role, None)
        for dept in self.depts:
            self._register(head_email(dept.slug), self._name(), LEAD, dept)
        for _ in range(self.initial_staff):
            self._register(None, self._name(), LEAD, self._pick_dept())
        for key, name, lead in org.JOURNEYS:
            plan.define_journey(key, name, lead, actor=self.cco)
        for k in org.KPIS:
            target_date = now.date() + timedelta(days=self.days + 365)
            plan.define_kpi(Kpi(k.key, k.name, k.unit, k.baseline, k.target, target_date, k.direction),
                            actor=self.cco)
        self.emit(plan)
        for dept in self.depts:
            self.at(working_instant(now.date() + timedelta(days=self.rng.randint(1, 20)), self.rng),
                    lambda t, d=dept: self._endorse(d))
        self.at(now + timedelta(days=7), self._measure)
        self.at(now + timedelta(days=365), self._revise_vision)
        self.at(now + timedelta(days=180), self._change_journey_lead)
        self.at(now + timedelta(days=30), self._cross_grant)
        self._schedule_people(now)
        self.at(now + timedelta(hours=1), self._arrival)

    def _name(self) -> str:
        return f"{self.rng.choice(org.FIRST_NAMES)} {self.rng.choice(org.LAST_NAMES)}"

    def _pick_dept(self) -> Dept:
        return self.rng.choices(self.depts, weights=[d.weight for d in self.depts])[0]

    def _register(self, email: str | None, name: str, role: str, dept: Dept | None) -> Member:
        self.people += 1
        if email is None:
            email = f"{name.lower().replace(' ', '.')}.{self.people}@example.com"
        member = Member(email=email, name=name, actor=self.cco)
        member.grant(role, dept.slug if dept else None, actor=self.cco)
        self.members[member.id] = member
        if dept is not None:
            dept.staff.append(member.id)
        self.emit(member)
        return member

    # The plan's own rhythm

    def _endorse(self, dept: Dept) -> None:
        assert self.plan is not None
        try:
            self.plan.endorse_vision(dept.slug, actor=member_id(head_email(dept.slug)))
        except Invalid:
            return
        self.emit(self.plan)

    def _measure(self, now: datetime) -> None:
        """Every KPI measured weekly, drifting from baseline towards target."""
        assert self.plan is not None
        share = min((now - self.start).days / max(self.days, 1), 1.0)
        for k in org.KPIS:
            value = k.baseline + (k.target - k.baseline) * share * self.rng.uniform(0.7, 1.1)
            self.plan.record_measurement(k.key, round(value, 2), now.date(), "weekly figure", actor=self.cco)
        self.emit(self.plan)
        self.at(now + timedelta(days=7), self._measure)

    def _revise_vision(self, now: datetime) -> None:
        assert self.plan is not None
        self.plan.revise_vision(self.rng.choice(org.REVISED_VISIONS) + f" ({now.year})", actor=self.cco)
        self.emit(self.plan)
        for dept in self.depts:
            if self.rng.random() < 0.8:
                self.at(working_instant(now.date() + timedelta(days=self.rng.randint(1, 30)), self.rng),
                        lambda t, d=dept: self._endorse(d))
        self.at(now + timedelta(days=365), self._revise_vision)

    def _change_journey_lead(self, now: datetime) -> None:
        assert self.plan is not None
        key = self.rng.choice(org.JOURNEYS)[0]
        lead = self.rng.choice(self.depts).slug
        if self.plan.journeys[key]["lead_department"] != lead:
            self.plan.change_journey_lead(key, lead, actor=self.cco)
            self.emit(self.plan)
        self.at(now + timedelta(days=self.rng.randint(90, 270)), self._change_journey_lead)

    # People joining, leaving, helping out in a second department

    def _schedule_people(self, now: datetime) -> None:
        for _ in range(self.hires):
            self.at(working_instant(now.date() + timedelta(days=self.rng.randint(1, self.days)), self.rng),
                    lambda t: self._register(None, self._name(), LEAD, self._pick_dept()))
        for _ in range(self.leavers):
            self.at(working_instant(now.date() + timedelta(days=self.rng.randint(30, self.days)), self.rng),
                    self._leave)

    def _leave(self, now: datetime) -> None:
        """A staff member leaves: their open commitments go to the head, then they are deactivated."""
        dept = self._pick_dept()
        head = member_id(head_email(dept.slug))
        candidates = [m for m in dept.staff if m != head]
        if not candidates:
            return
        leaver = self.rng.choice(candidates)
        dept.staff.remove(leaver)
        for cid in list(self.by_owner.get(leaver, {})):
            live = self.live[cid]
            live.aggregate.hand_over(head, f"{self.members[leaver].name} is leaving", actor=head)
            self._owner_changed(cid, leaver, head)
            self.emit(live.aggregate)
        member = self.members[leaver]
        member.deactivate("Left the company", actor=self.cco)
        self.emit(member)

    def _cross_grant(self, now: datetime) -> None:
        """Every month or so a member helps out as a lead of a second department for a while."""
        dept, other = self._pick_dept(), self.rng.choice(self.depts)
        if dept.staff and other is not dept:
            member = self.members[self.rng.choice(dept.staff)]
            if member.active and (LEAD, other.slug) not in member.grants:
                member.grant(LEAD, other.slug, actor=self.cco)
                self.emit(member)
                self.at(now + timedelta(days=self.rng.randint(20, 120)),
                        lambda t, m=member, s=other.slug: self._revoke(m, s))
        self.at(now + timedelta(days=self.rng.randint(15, 45)), self._cross_grant)

    def _revoke(self, member: Member, slug: str) -> None:
        if member.active and (LEAD, slug) in member.grants:
            member.revoke(LEAD, slug, actor=self.cco)
            self.emit(member)

    # Commitments

    def _arrival(self, now: datetime) -> None:
        self._make(now)
        gap_days = self.rng.expovariate(self.commitments_per_day)
        self.at(now + timedelta(days=gap_days), self._arrival)

    def _make(self, now: datetime) -> None:
        dept = self._pick_dept()
        head = member_id(head_email(dept.slug))
        owner = self.rng.choice(dept.staff)
        actor = self.rng.choice((head, owner))
        due = now.date() + timedelta(days=self.rng.randint(30, 120))
        journey = self.rng.choice(org.JOURNEYS)[0] if self.rng.random() < 0.6 else None
        kpi = self.rng.choice(org.KPIS).key if self.rng.random() < 0.5 else None
        title = f"{self.rng.choice(org.ACTIONS)} {self.rng.choice(org.OBJECTS)}"
        assert self.plan is not None
        commitment = Commitment._create(
            Commitment.Made, id=self.uuid("commitment"), plan_id=self.plan.id,
            department=dept.slug, title=title, description=f"{title}, for {org.DEPARTMENTS[dept.index][1]}.",
            owner_id=owner, due_date=due, journey=journey, kpi=kpi, actor=actor,
        )
        self.emit(commitment)
        self.stats.commitments += 1
        steps = plan_story(self.rng, now, due, len(self.depts))
        live = Live(commitment, dept, len(steps))
        self.live[commitment.id] = live
        self.by_owner.setdefault(owner, {})[commitment.id] = None
        for step in steps:
            self.at(step.at, lambda t, c=commitment.id, s=step: self._step(c, s))

    def _step(self, cid: UUID, step: Step) -> None:
        live = self.live[cid]
        try:
            self._apply(live, step)
        except Invalid:
            self.stats.skipped[step.kind] = self.stats.skipped.get(step.kind, 0) + 1
        self.emit(live.aggregate)
        live.steps_left -= 1
        if live.steps_left == 0:
            del self.live[cid]
        if live.aggregate.is_closed:
            self.by_owner.get(live.aggregate.owner_id, {}).pop(cid, None)

    def _apply(self, live: Live, step: Step) -> None:
        c, dept, a = live.aggregate, live.dept, step.args
        if "id" in a and step.kind != RAISE and a["id"] not in live.roadblocks:
            raise Invalid.field("roadblock", "was never raised")
        actor = self._writer(c, dept)
        if step.kind == PROGRESS:
            c.report_progress(a["percent"], self.rng.choice(org.PROGRESS_NOTES), actor=actor)
        elif step.kind == MOVE:
            c.move_due_date(a["due"], self.rng.choice(org.MOVE_REASONS), actor=actor)
        elif step.kind == HANDOVER:
            others = [m for m in dept.staff if m != c.owner_id]
            if others:
                new_owner = self.rng.choice(others)
                old = c.owner_id
                c.hand_over(new_owner, self.rng.choice(org.HANDOVER_REASONS), actor=actor)
                self._owner_changed(c.id, old, new_owner)
        elif step.kind == RAISE:
            rid = c.raise_roadblock(self.rng.choice(org.ROADBLOCKS), actor=actor)
            live.roadblocks[a["id"]] = rid
            if a["help_from"] is not None:
                c.request_help(rid, self._other(dept, a["help_from"]), actor=actor)
        elif step.kind == ASK:
            c.request_help(live.roadblocks[a["id"]], self._other(dept, a["department"]), actor=actor)
        elif step.kind == RESOLVE:
            helped = None if a["helped_by"] is None else self._other(dept, a["helped_by"])
            rid = live.roadblocks[a["id"]]
            if helped is not None and helped not in c.roadblocks[rid].help_requested_from:
                helped = None
            c.resolve_roadblock(rid, self.rng.choice(org.RESOLUTIONS), helped, actor=actor)
        elif step.kind == NOTE:
            c.add_note(self.rng.choice(org.CCO_NOTES), actor=self.cco)
        elif step.kind == COMPLETE:
            c.complete(a["completed_on"], self.rng.choice(org.EVIDENCE), actor=actor)
        elif step.kind == WITHDRAW:
            c.withdraw(self.rng.choice(org.WITHDRAW_REASONS), actor=actor)
        elif step.kind == CELEBRATE:
            by = self.cco if self.rng.random() < 0.7 else member_id(head_email(self.rng.choice(self.depts).slug))
            c.celebrate(self.rng.choice(org.CELEBRATIONS), actor=by)

    def _writer(self, c: Commitment, dept: Dept) -> UUID:
        """The owner when they are still active, else the department's head."""
        owner = self.members.get(c.owner_id)
        if owner is not None and owner.active and c.owner_id in dept.staff:
            return c.owner_id
        return member_id(head_email(dept.slug))

    def _other(self, dept: Dept, index: int) -> str:
        """The department at `index`, or the next one when that is `dept` itself."""
        if index == dept.index:
            index = (index + 1) % len(self.depts)
        return self.depts[index].slug

    def _owner_changed(self, cid: UUID, old: UUID, new: UUID) -> None:
        self.by_owner.get(old, {}).pop(cid, None)
        self.by_owner.setdefault(new, {})[cid] = None

    # What the benchmarks need to know afterwards

    def open_commitments(self) -> dict[str, list[tuple[str, int]]]:
        """Per department: (commitment id, version) of open commitments, as saved."""
        found: dict[str, list[tuple[str, int]]] = {}
        for live in self.live.values():
            c = live.aggregate
            if not c.is_closed:
                found.setdefault(c.department, []).append((str(c.id), c.version))
        return found


def span_days(events: int) -> int:
    """About 10^5 events a year (the product brief's large company), at least three months."""
    return max(90, round(365 * events / 100_000))


def end_date() -> date:
    return date(2026, 3, 2)
