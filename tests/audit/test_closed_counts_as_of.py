"""The closed commitments counted as of an instant (`queries.history.closed_counts_as_of`, which
counts in the covering index's order and counts again only those whose journey was corrected
later) equal the plain count of every closed span under its journey then, at every state's start
and either side of it, before anything and after everything, for the whole plan and one
department: on the demo organisation and on a story of journey corrections after closing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from projections.instants import instant_text
from projections.queries.history import closed_counts_as_of
from tests.audit.conftest import Demo, caught_up
from tests.audit.test_accountability_snapshots import at
from tests.conftest import Org

# Every closed span under its journey then, grouped (the way the counts were first taken).
REFERENCE = """SELECT department, CASE WHEN s.journey_changed_at > :t THEN
        (SELECT h.journey FROM commitment_history h WHERE h.commitment_id = s.commitment_id
         AND h.valid_from <= :t ORDER BY h.valid_from_position DESC LIMIT 1)
        ELSE s.journey END AS journey_then, health, count(*)
    FROM commitment_spans s WHERE closed_at <= :t {department}
    GROUP BY department, journey_then, health ORDER BY department, journey_then, health"""


def reference(db: Database, moment: datetime, department: str | None) -> list[Any]:
    sql = REFERENCE.format(department="" if department is None else "AND department = :d")
    return [tuple(r) for r in db.execute(sql, {"t": instant_text(moment), "d": department})]


def assert_exact(db: Database) -> int:
    starts = sorted({datetime.fromisoformat(r[0]) for r in db.execute(
        "SELECT valid_from FROM commitment_history")})
    moments = [starts[0] - timedelta(days=1), starts[-1] + timedelta(days=30)]
    for s in starts:
        moments += [s - timedelta(microseconds=1), s, s + timedelta(microseconds=1)]
    departments = [None, *(d for (d,) in db.execute(
        "SELECT DISTINCT department FROM commitment_spans"))]
    checked = 0
    for moment in moments:
        for department in departments:
            found = closed_counts_as_of(db, moment, department=department)
            assert found == reference(db, moment, department), (moment, department)
            checked += bool(found)
    return checked


def test_the_demo_closed_counts_are_exact(demo: Demo) -> None:
    assert assert_exact(demo.db) > 50


@pytest.fixture
def corrected(small: Org) -> Database:
    """Closed commitments whose journey is corrected after closing (one twice, one that had
    none), beside one corrected before closing and one never closed."""
    app, lead, cco = small.app, small.support_lead, small.cco
    app.define_journey(cco, "renewal", "Renewal", "sales")
    with at("2026-03-02"):
        c1 = small.commitment(title="One", journey="support")
        c2 = small.commitment(title="Two", journey="support")
        c3 = small.commitment(title="Three")
        c4 = small.commitment(title="Four", journey="support")
        small.commitment(title="Five", journey="support")
    with at("2026-03-03"):
        app.correct_commitment(cco, c4, journey="renewal", reason="wrong one")
        for c in (c1, c2, c4):
            app.complete(lead, c, evidence="Live", completed_on="2026-03-03")
        app.withdraw(cco, c3, reason="not needed")
    with at("2026-03-10"):
        app.correct_commitment(cco, c1, journey="renewal", reason="wrong one")
        app.correct_commitment(cco, c3, journey="support", reason="had none")
    with at("2026-03-20"):
        app.correct_commitment(cco, c1, journey="support", reason="it was right")
        app.correct_commitment(cco, c2, journey="renewal", reason="wrong one")
    return caught_up(app)


def test_closed_counts_after_journey_corrections_are_exact(corrected: Database) -> None:
    assert assert_exact(corrected) > 10
    march = closed_counts_as_of(corrected, datetime.fromisoformat("2026-03-15T00:00:00+00:00"))
    assert [(j, h, n) for _, j, h, n in march] == [
        ("renewal", "done", 2), ("support", "done", 1), ("support", "withdrawn", 1)]
