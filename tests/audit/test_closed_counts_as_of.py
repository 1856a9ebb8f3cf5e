"""The closed commitments counted as of an instant (`queries.history.closed_counts_as_of`, from
the monthly snapshot before the instant and the changes since: `audit.closed_snapshots`) equal
the plain count of every closed span under its journey then, at every state's start and either
side of it, at each month's first instant and either side of it, before anything and after
everything, for the whole plan and one department: on the demo organisation and on stories of
journey corrections after closing, within a month and across snapshots, live and rebuilt."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from projections.audit.closed_snapshots import CLOSED
from projections.database import open_views
from projections.instants import instant_text
from projections.queries.history import closed_counts_as_of
from projections.rebuild import rebuild
from projections.runner import Runner
from projections.views import all_views
from tests.audit.conftest import Demo, caught_up
from tests.audit.test_accountability_snapshots import at, moments
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
    found = moments(db) + [s + timedelta(microseconds=1) for s in starts]
    departments = [None, *(d for (d,) in db.execute(
        "SELECT DISTINCT department FROM commitment_spans"))]
    checked = 0
    for moment in found:
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


@pytest.mark.parametrize("how", ["live", "rebuilt"])
def test_journey_corrections_across_snapshots_are_exact(small: Org, how: str,
                                                        tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Closed in January and February, their journeys corrected in March and April (after the
    February and March snapshots), one twice and one back to the journey it had."""
    app, lead, cco = small.app, small.support_lead, small.cco
    app.define_journey(cco, "renewal", "Renewal", "sales")
    with at("2026-01-05"):
        c1, c2, c3 = (small.commitment(title=t, journey="support") for t in ("One", "Two", "Three"))
        c4 = small.commitment(title="Four")
    with at("2026-01-20"):
        app.complete(lead, c1, evidence="Live", completed_on="2026-01-20")
        app.withdraw(cco, c4, reason="not needed")
    with at("2026-02-01", "00:00"):
        app.complete(lead, c2, evidence="Live", completed_on="2026-01-31")
    with at("2026-03-01", "00:00"):
        app.correct_commitment(cco, c1, journey="renewal", reason="wrong one")
    with at("2026-03-10"):
        app.correct_commitment(cco, c4, journey="renewal", reason="had none")
        app.correct_commitment(cco, c2, journey="renewal", reason="wrong one")
    with at("2026-04-02"):
        app.correct_commitment(cco, c2, journey="support", reason="it was right")
        app.complete(lead, c3, evidence="Live", completed_on="2026-04-01")
    with at("2026-05-03"):
        small.commitment(title="Five")
    if how == "live":
        db = caught_up(app)
    else:
        rebuild(app, tmp_path / "views.sqlite3", all_views())
        db = open_views(tmp_path / "views.sqlite3")
    assert db.execute(f"SELECT count(DISTINCT boundary) FROM {CLOSED}").fetchone()[0] >= 3
    assert assert_exact(db) > 20
    march = closed_counts_as_of(db, datetime.fromisoformat("2026-03-15T00:00:00+00:00"))
    assert [(j, h, n) for _, j, h, n in march] == [("renewal", "done", 2), ("renewal", "withdrawn", 1)]


def test_a_late_closing_before_a_snapshot_takes_it_again(small: Org) -> None:
    """A clock that ran backwards: a completion stamped before the latest snapshots' boundaries
    is counted in them when they are taken again, as a rebuild of the same log counts it."""
    app = small.app
    with at("2026-04-05"):
        c1 = small.commitment(title="One")
    with at("2026-06-05"):
        small.commitment(title="Two")
    db = caught_up(app)
    before = closed_counts_as_of(db, datetime.fromisoformat("2026-05-15T00:00:00+00:00"))
    with at("2026-04-25"):  # stamped before the May and June snapshots
        app.complete(small.support_lead, c1, evidence="Live", completed_on="2026-04-25")
    Runner(app, db, all_views()).catch_up()
    assert closed_counts_as_of(db, datetime.fromisoformat("2026-05-15T00:00:00+00:00")) != before
    rows = f"SELECT * FROM {CLOSED} ORDER BY 1, 2, 3, 4"
    assert db.execute(rows).fetchall() == caught_up(app).execute(rows).fetchall()
    assert db.execute(rows).fetchall()
    assert assert_exact(db) > 3
