"""Generated histories: a seeded generator drives the real application through a few months of
commitments, moves, handovers, roadblocks, completions and withdrawals, and keeps its own plain
model of what it did (for figures computed independently of the views)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from tests.conftest import NOW, Org
from tests.projections_views.conftest import IT, SALES, SUPPORT
from tracker import clock
from tracker.domain import member_id

DEPARTMENTS = (SUPPORT, IT, SALES)
OWNERS = ("lead.customer-service@example.com", "lead.it@example.com", "lead.sales@example.com",
          "ann@example.com")


def owners_for(department: str) -> list[str]:
    """Who may own a commitment of `department`: its lead, or Ann (a CCO: the tests that
    generate add her with that role)."""
    return [f"lead.{department}@example.com", "ann@example.com"]
LEADS = {SUPPORT: "lead.customer-service@example.com", IT: "lead.it@example.com",
         SALES: "lead.sales@example.com"}

ACTIONS = {"make": 4, "move": 3, "hand": 2, "raise": 4, "ask": 2, "resolve": 4, "complete": 3,
           "withdraw": 1}


@dataclass
class Roadblock:
    raised_at: datetime
    asked: list[str] = field(default_factory=list)
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    helped_by: str | None = None


@dataclass
class Commitment:
    id: UUID
    department: str
    owner: str
    made_on: date
    original: date
    due: date
    status: str = "open"
    completed_on: date | None = None
    moves: int = 0
    slipped: int = 0
    roadblocks: dict[str, Roadblock] = field(default_factory=dict)


@dataclass
class Model:
    commitments: list[Commitment] = field(default_factory=list)
    handovers: list[tuple[str, str, str]] = field(default_factory=list)  # department, from, to


def generate(org: Org, seed: int, steps: int = 90) -> Model:
    """Drive the application with valid random commands; return what was done."""
    rng, app, model, now = random.Random(seed), org.app, Model(), NOW
    for _ in range(steps):
        now += timedelta(hours=rng.randint(2, 40))
        today = now.date()
        with clock.frozen_at(now):
            open_ = [c for c in model.commitments if c.status == "open"]
            unresolved = [(c, k, r) for c in model.commitments
                          for k, r in c.roadblocks.items() if r.resolved_at is None]
            action = rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
            if action == "make" or not open_:
                department = rng.choice(DEPARTMENTS)
                owner = rng.choice(owners_for(department))
                due = today + timedelta(days=rng.randint(0, 20))
                cid = app.make_commitment(org.cco, department=department, title="Generated",
                                          due_date=due, owner=owner).id
                model.commitments.append(Commitment(cid, department, owner, today, due, due))
                continue
            c = rng.choice(open_)
            if action == "move":
                new = today + timedelta(days=rng.randint(0, 25))
                if new != c.due:
                    app.move_due_date(org.cco, c.id, due_date=new, reason="Re-planned")
                    c.moves, c.slipped = c.moves + 1, c.slipped + max(0, (new - c.due).days)
                    c.due = new
            elif action == "hand":
                new_owner = rng.choice([o for o in owners_for(c.department) if o != c.owner])
                app.hand_over(org.cco, c.id, new_owner=new_owner, reason="Rotation")
                model.handovers.append((c.department, c.owner, new_owner))
                c.owner = new_owner
            elif action == "raise":
                help_from = rng.choice([None, *(x for x in DEPARTMENTS if x != c.department)])
                rid = app.raise_roadblock(org.cco, c.id, description="Generated",
                                          help_from=help_from).roadblock_id
                c.roadblocks[rid] = Roadblock(now, [help_from] if help_from else [])
            elif action == "ask":
                choices = [(k, r, x) for k, r in c.roadblocks.items() if r.resolved_at is None
                           for x in DEPARTMENTS if x != c.department and x not in r.asked]
                if choices:
                    rid, rb, department = rng.choice(choices)
                    app.request_help(org.cco, c.id, roadblock_id=rid, department=department)
                    rb.asked.append(department)
            elif action == "resolve" and unresolved:
                rc, rid, rb = rng.choice(unresolved)
                resolver = rng.choice(["cco@example.com", LEADS[rc.department]])
                helped_by = rng.choice([None, *rb.asked])
                app.resolve_roadblock(member_id(resolver), rc.id, roadblock_id=rid,
                                      resolution="Cleared", helped_by=helped_by)
                rb.resolved_at, rb.resolved_by, rb.helped_by = now, resolver, helped_by
            elif action == "complete":
                on = today - timedelta(days=rng.randint(0, min(5, (today - c.made_on).days)))
                app.complete(org.cco, c.id, evidence="Generated", completed_on=on)
                c.status, c.completed_on = "completed", on
            elif action == "withdraw":
                app.withdraw(org.cco, c.id, reason="Generated")
                c.status = "withdrawn"
    return model
