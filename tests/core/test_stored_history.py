"""Today's history keeps replaying: a stored fixture with every event kind in its shape as of the
living-plan release (tests/fixtures/make_v2_store.py), replayed by the aggregates and the views."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from projections.audit.as_of import plan_as_of
from projections.database import open_views
from projections.queries import directory, kpis
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker

FIXTURE = Path(__file__).parents[1] / "fixtures" / "events-v2.sqlite3"
NEW_KINDS = {
    "plan/DepartmentRenamed", "plan/DepartmentRetired", "plan/DepartmentMerged",
    "plan/JourneyRenamed", "plan/JourneyRetired", "plan/KpiRevised", "plan/KpiRetired",
    "plan/MeasurementCorrected", "plan/MeasurementWithdrawn",
    "commitment/DetailsCorrected", "commitment/MovedToDepartment", "plan/VisionRevised",
}


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[CxTracker]:
    copy = tmp_path / "events.sqlite3"
    shutil.copyfile(FIXTURE, copy)
    app = CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(copy)},
                    accounts=Accounts(":memory:", hasher=FAST_HASHER))
    yield app
    app.close()


def test_the_fixture_holds_every_new_kind_of_event() -> None:
    db = sqlite3.connect(FIXTURE)
    try:
        topics = {t.removeprefix("cx-tracker/") for (t,) in db.execute(
            "SELECT DISTINCT topic FROM stored_events")}
    finally:
        db.close()
    assert NEW_KINDS <= topics


def test_the_stored_history_replays_to_the_state_it_recorded(stored: CxTracker) -> None:
    plan = stored.plan()
    assert plan["departments"]["customer-service"] == "Customer Care"
    assert plan["retired"] == {"department": ["partners", "sales"], "journey": ["partnering"],
                               "kpi": ["csat"]}
    assert plan["measurements"] == {"nps": {"2026-02-01": 14.0}, "csat": {"2026-02-01": 72.0}}
    assert (plan["kpis"]["nps"]["target"], plan["vision_revision"]) == (35.0, 2)
    assert plan["journeys"]["partnering"]["name"] == "Partner onboarding"
    made = {n.originator_id for n in stored.recorder.select_notifications(start=1, limit=10**4)
            if n.topic == "cx-tracker/commitment/Made"}
    states = {c["title"]: c for c in (stored.commitment(i) for i in made)}
    assert states["Answer every ticket within 4 hours"]["department"] == "customer-service"
    assert states["Clean the CRM"]["department"] == "it"
    assert (states["Open a partner portal"]["department"], states["Open a partner portal"]["status"]) \
        == ("sales", "withdrawn")
    assert states["Ship a partner onboarding kit"]["department"] == "partners"


def test_the_views_build_from_the_stored_history_with_names_as_they_were(stored: CxTracker) -> None:
    db = open_views(":memory:")
    Runner(stored, db, all_views()).catch_up()
    assert directory.department_names(db)["customer-service"] == "Customer Care"
    before = plan_as_of(db, datetime(2026, 3, 15, tzinfo=timezone.utc))
    assert before.department_names["customer-service"] == "Customer Service"
    assert {j["key"]: j["name"] for j in before.journeys}["partnering"] == "Partner onboarding"
    assert kpis.kpi_values(db, "nps") == [14.0]
    db.close()


def test_new_commands_work_on_top_of_the_stored_history(stored: CxTracker) -> None:
    from tracker.domain import member_id

    stored.rename_department(member_id("cco@example.com"), slug="it", name="Technology",
                             reason="Rebrand")
    assert stored.plan()["departments"]["it"] == "Technology"
