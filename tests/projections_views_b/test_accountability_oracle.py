"""Accountability on generated histories, against figures computed independently in the test.

A seeded generator drives the real application through a few months of commitments, moves,
handovers, roadblocks, completions and withdrawals, and keeps its own plain model of what it did.
Every figure per department and per owner is recomputed from that model for several days.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from projections.queries import accountability as q
from tests.conftest import NOW, Org
from tests.projections_views_b.conftest import IT, SALES, SUPPORT, Views, add_member, sid
from tracker import clock
from tracker.domain import member_id

DEPARTMENTS = (SUPPORT, IT, SALES)
OWNERS = ("lead.customer-service@example.com", "lead.it@example.com", "lead.sales@example.com",
          "ann@example.com")


def owners_for(department: str) -> list[str]:
    """Who may own a commitment of `department`: its lead, or Ann (a CCO, plan-wide)."""
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


def expected_figures(
    commitments: list[Commitment], helped: list[Roadblock], today: date
) -> dict[str, Any]:
    done = [c for c in commitments if c.status == "completed"]
    kept = [c for c in done if c.completed_on <= c.due]  # type: ignore[operator]
    on_original = [c for c in kept if c.completed_on <= c.original]  # type: ignore[operator]
    due = [c for c in commitments if c.status == "completed" or c.original <= today]
    roadblocks = [r for c in commitments for r in c.roadblocks.values()]
    durations = [(r.resolved_at - r.raised_at).total_seconds() / 86400
                 for r in roadblocks if r.resolved_at is not None]
    return {
        "made": len(commitments),
        "open": sum(c.status == "open" for c in commitments),
        "kept": len(kept),
        "kept_on_original": len(on_original),
        "late": len(done) - len(kept),
        "missed": sum(c.status == "open" and c.due < today for c in commitments),
        "withdrawn": sum(c.status == "withdrawn" for c in commitments),
        "due_so_far": len(due),
        "due_date_moves": sum(c.moves for c in commitments),
        "days_slipped": sum(c.slipped for c in commitments),
        "roadblocks_raised": len(roadblocks),
        "roadblocks_resolved": len(durations),
        "roadblocks_helped": len(helped),
        "median_days_to_resolve": (
            pytest.approx(statistics.median(durations)) if durations else None),
        "say_do": pytest.approx(len(on_original) / len(due)) if due else None,
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_figures_per_department_and_per_owner_match_an_independent_count(
    org: Org, views: Views, seed: int
) -> None:
    add_member(org, "ann@example.com", "Ann Agent", role="cco")
    model = generate(org, seed)
    everything = [(c, r) for c in model.commitments for r in c.roadblocks.values()]
    views.refresh()
    for today in (date(2026, 3, 1), date(2026, 3, 20), date(2026, 4, 10), date(2026, 6, 1)):
        rows = {r["department"]: r for r in q.by_department(views.db, today)}
        assert set(rows) == set(DEPARTMENTS)
        for slug in DEPARTMENTS:
            mine = [c for c in model.commitments if c.department == slug]
            helped = [r for _, r in everything if r.helped_by == slug]
            expected = expected_figures(mine, helped, today)
            expected["handovers"] = sum(h[0] == slug for h in model.handovers)
            assert {k: rows[slug][k] for k in expected} == expected, (slug, today)
        for department in (None, *DEPARTMENTS):
            check_owners(views, model, everything, today, department)


def check_owners(
    views: Views, model: Model, everything: list[tuple[Commitment, Roadblock]], today: date,
    department: str | None,
) -> None:
    def counted(department_of: str) -> bool:
        return department is None or department_of == department

    rows = {r["owner_email"]: r for r in q.by_owner(views.db, today, department)}
    expected_owners = set()
    for email in (*OWNERS, "cco@example.com"):
        mine = [c for c in model.commitments if c.owner == email and counted(c.department)]
        helped = [r for c, r in everything
                  if r.resolved_by == email and c.owner != email and counted(c.department)]
        ins = sum(h[2] == email and counted(h[0]) for h in model.handovers)
        outs = sum(h[1] == email and counted(h[0]) for h in model.handovers)
        if not (mine or helped or ins or outs):
            continue
        expected_owners.add(email)
        expected = expected_figures(mine, helped, today)
        expected.update(handovers_in=ins, handovers_out=outs, owner_id=sid(member_id(email)))
        assert {k: rows[email][k] for k in expected} == expected, (email, department, today)
    assert set(rows) == expected_owners
