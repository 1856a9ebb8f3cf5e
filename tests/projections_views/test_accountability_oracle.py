"""Accountability on generated histories (`generated.generate`), against figures computed
independently in the test: every figure per department and per owner is recomputed from the
generator's model for several days.
"""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

import pytest

from projections.queries import accountability as q
from tests.conftest import Org
from tests.projections_views.conftest import Views, add_member, sid
from tests.projections_views.generated import (
    DEPARTMENTS, OWNERS, Commitment, Model, Roadblock, generate,
)
from tracker.domain import member_id


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
    views.sync()
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
