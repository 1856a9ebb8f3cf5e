"""The demo's area KPIs and leader scorecards: a scorecard per lead with an area KPI for every
quarter of the story, approved by the CEO (some after a change the lead asked for), the last
complete quarter with attainment (one figure corrected since), next quarter's awaiting the leads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlite_utils import Database

from projections.database import open_views
from projections.queries import scorecards as q
from projections.runner import Runner
from projections.views import all_views
from tests.cli.support import DEMO_DAY
from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.demo import seed
from tracker.demo.scorecards import AREA_KPIS
from tracker.domain import Period, member_id


@pytest.fixture(scope="module")
def db() -> Iterator[Database]:
    app = CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                    accounts=Accounts(":memory:", hasher=FAST_HASHER))
    seed(app, today=DEMO_DAY)
    views = open_views(":memory:")
    Runner(app, views, all_views()).catch_up()
    yield views
    views.close()
    app.close()


def test_departments_have_area_kpis_linked_to_cx_kpis(db: Database) -> None:
    areas = dict(db.execute("SELECT key, department FROM kpis WHERE department IS NOT NULL").fetchall())
    assert areas == {k.key: k.department for k in AREA_KPIS}
    links = db.execute("SELECT count(*) FROM kpi_links").fetchone()[0]
    assert links == sum(len(k.moves) for k in AREA_KPIS)
    measured = db.execute("SELECT count(*) FROM kpi_measurements WHERE key = 'fcr'").fetchone()[0]
    assert measured == 6


def test_last_quarter_is_approved_with_attainment_and_next_awaits_the_leads(db: Database) -> None:
    last, upcoming = Period.of_day(DEMO_DAY, -1).label, Period.of_day(DEMO_DAY, 1).label
    cards = q.scorecards(db, period=last)
    assert len(cards) == len(AREA_KPIS)
    assert {c["status"] for c in cards} == {"approved"}
    attain = q.Attainments(db, DEMO_DAY)
    results = [attain.of(c) for c in cards]
    assert all(r is not None and 0 < r["total"] <= 100 for r in results)
    assert any(r is not None and r["corrected"] for r in results)  # FCR corrected after the quarter
    ceo = str(member_id("ceo@example.com"))
    for card in cards:
        full = q.scorecard(db, card["id"])
        assert full is not None
        assert full["events"][-1]["kind"] == "ScorecardApproved"
        assert full["events"][-1]["actor_id"] == ceo
    waiting = q.scorecards(db, period=upcoming)
    assert len(waiting) == len(AREA_KPIS) and {c["status"] for c in waiting} == {"proposed"}
    assert q.default_period(db, DEMO_DAY) == last


def test_some_leads_asked_for_a_change_and_the_cco_revised(db: Database) -> None:
    kinds = [r[0] for r in db.execute("SELECT kind FROM scorecard_events").fetchall()]
    assert kinds.count("ScorecardChangeRequested") >= 2
    assert kinds.count("ScorecardRevised") == kinds.count("ScorecardChangeRequested")
    assert len(q.periods(db)) >= 3


def test_the_cli_lists_and_exports_the_demo_scorecards(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io
    import json
    from datetime import datetime, time, timezone

    from tests.cli.support import cx
    from tracker import clock

    data = tmp_path / "data"
    with clock.frozen_at(datetime.combine(DEMO_DAY, time(7), timezone.utc)):
        assert cx("demo", "--no-serve", "--data", data, "--today", DEMO_DAY.isoformat()).exit_code == 0
        last = Period.of_day(DEMO_DAY, -1).label
        listed = cx("scorecards", "list", "--data", data, "--period", last)
        assert listed.exit_code == 0, listed.output
        assert "Jamal Reed <lead.customer-service@example.com> (Customer Service): Approved" in listed.output
        assert "attained" in listed.output and "(a figure corrected since)" in listed.output
        exported = cx("scorecards", "export", "--data", data, "--period", last)
        rows = list(csv.DictReader(io.StringIO(exported.output)))
        assert {r["status"] for r in rows} == {"approved"}
        assert all(r["attainment"] != "" and r["weighted_total"] != "" for r in rows)
        assert sum(int(r["weight"]) for r in rows if r["lead_email"] == "lead.finance@example.com") == 100
        mine = json.loads(cx("scorecards", "export", "--data", data, "--format", "json", "--lead",
                             "lead.it@example.com").output)
        assert [c["status"] for c in mine][0] == "proposed"  # next quarter's, latest first
        assert mine[0]["version"] == 1  # (proposed only)
        listed_mine = cx("scorecards", "list", "--data", data, "--lead", "lead.it@example.com").output
        assert f"awaiting the lead's agreement, revision 1  id {mine[0]['id']} version 1\n" in listed_mine
        upcoming = list(csv.DictReader(io.StringIO(cx("scorecards", "export", "--data", data,
                                                      "--lead", "lead.it@example.com").output)))
        assert all(r["kpi_name"] for r in upcoming)  # named while its period runs too
        assert cx("scorecards", "list", "--data", data, "--period", "2026-Q7").exit_code == 2
        assert cx("scorecards", "list", "--data", data, "--lead", "nobody@example.com").exit_code == 2
