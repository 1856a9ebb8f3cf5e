"""The alignment release's history keeps replaying: a stored fixture with area KPIs, KPI links
and a scorecard's every step (tests/fixtures/make_v3_store.py), replayed by the aggregates and
the views; and the older fixtures' KPIs come back as CX KPIs (KpiDefined upcast to version 3)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from projections.database import open_views
from projections.queries import scorecards as q
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.domain import Scorecard, member_id, scorecard_id

FIXTURES = Path(__file__).parents[1] / "fixtures"
NEW_KINDS = {
    "plan/KpiLinked", "plan/KpiUnlinked", "scorecard/ScorecardProposed",
    "scorecard/ScorecardChangeRequested", "scorecard/ScorecardRevised",
    "scorecard/ScorecardAgreed", "scorecard/ScorecardApproved",
}


def open_copy(name: str, tmp_path: Path) -> CxTracker:
    copy = tmp_path / name
    shutil.copyfile(FIXTURES / name, copy)
    return CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(copy)},
                     accounts=Accounts(":memory:", hasher=FAST_HASHER))


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[CxTracker]:
    app = open_copy("events-v3.sqlite3", tmp_path)
    yield app
    app.close()


def test_the_fixture_holds_every_new_kind_of_event() -> None:
    db = sqlite3.connect(FIXTURES / "events-v3.sqlite3")
    try:
        topics = {t.removeprefix("cx-tracker/") for (t,) in db.execute(
            "SELECT DISTINCT topic FROM stored_events")}
    finally:
        db.close()
    assert NEW_KINDS <= topics


def test_the_stored_history_replays_to_the_state_it_recorded(stored: CxTracker) -> None:
    plan = stored.plan()
    assert plan["kpis"]["fcr"]["department"] == "customer-service"
    assert plan["kpis"]["nps"]["department"] is None
    assert plan["kpi_links"] == [("fcr", "nps")]
    card = stored.repository.get(scorecard_id(member_id("lead.customer-service@example.com"), "2026-Q1"))
    assert isinstance(card, Scorecard)
    assert (card.status, card.revision, card.items[1]["target"]) == ("approved", 2, 78.0)


def test_the_views_build_from_the_stored_history(stored: CxTracker) -> None:
    db = open_views(":memory:")
    Runner(stored, db, all_views()).catch_up()
    [card] = q.scorecards(db, period="2026-Q1")
    result = q.Attainments(db, date(2026, 4, 1)).of(card)
    # NPS (16-12)/(20-12) = 50 % of 60; FCR (77.5-71)/(78-71) = 92.9 % of 40
    assert result is not None and result["total"] == pytest.approx(30 + 40 * 6.5 / 7)
    assert [e["kind"] for e in q.scorecard(db, card["id"])["events"]] == [  # type: ignore[index]
        "ScorecardProposed", "ScorecardChangeRequested", "ScorecardRevised", "ScorecardAgreed",
        "ScorecardApproved"]
    db.close()


@pytest.mark.parametrize("fixture", ["events-v1.sqlite3", "events-v2.sqlite3"])
def test_older_kpis_replay_as_cx_kpis(fixture: str, tmp_path: Path) -> None:
    app = open_copy(fixture, tmp_path)
    try:
        kpis = app.plan()["kpis"]
        assert kpis and all(k["department"] is None for k in kpis.values())
        db = open_views(":memory:")
        Runner(app, db, all_views()).catch_up()
        assert db.execute("SELECT count(*) FROM kpis WHERE department IS NOT NULL").fetchone() == (0,)
        db.close()
    finally:
        app.close()
