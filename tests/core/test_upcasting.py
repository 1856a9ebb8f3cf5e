"""Old history still replays: a stored fixture database with version-1 events (see its script)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.support import FIXTURE, commitments, open_store
from tracker.application import CxTracker
from tracker.domain import Commitment, Member, Plan, member_id

CCO = member_id("cco@example.com")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    copy = tmp_path / "events.sqlite3"
    shutil.copyfile(FIXTURE, copy)
    return copy


@pytest.fixture
def old(store: Path) -> Iterator[CxTracker]:
    app = open_store(store)
    yield app
    app.close()


def stored_states(path: Path, topic: str) -> list[dict[str, object]]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT state FROM stored_events WHERE topic = ?", (topic,)).fetchall()
    finally:
        db.close()
    return [json.loads(state) for (state,) in rows]


def test_the_fixture_holds_kpis_and_commitments_in_their_version_1_shape(store: Path) -> None:
    kpis = stored_states(store, "cx-tracker/plan/KpiDefined")
    made = stored_states(store, "cx-tracker/commitment/Made")
    assert len(kpis) == 2 and len(made) == 3
    assert all("class_version" not in s and "direction" not in s for s in kpis)
    assert all("class_version" not in s and "kpi" not in s for s in made)


def test_every_aggregate_of_the_old_history_replays(old: CxTracker) -> None:
    notifications = old.recorder.select_notifications(start=1, limit=10**6)
    last_version: dict[object, int] = {}
    for n in notifications:
        last_version[n.originator_id] = n.originator_version
    kinds = {}
    for aggregate_id, version in last_version.items():
        aggregate = old.repository.get(aggregate_id)
        assert aggregate.version == version
        kinds.setdefault(type(aggregate), 0)
        kinds[type(aggregate)] += 1
    assert kinds == {Plan: 1, Member: 5, Commitment: 3}


@pytest.mark.parametrize(("key", "baseline", "target", "direction"), [
    ("nps", 12.0, 30.0, "up"),
    ("first-response-hours", 8.0, 4.0, "down"),  # fewer hours is better
])
def test_an_old_kpi_gets_its_direction_from_its_baseline_and_target(
    old: CxTracker, key: str, baseline: float, target: float, direction: str
) -> None:
    kpi = old.plan()["kpis"][key]
    assert (kpi["baseline"], kpi["target"], kpi["direction"]) == (baseline, target, direction)


def test_an_old_commitment_is_linked_to_no_kpi(old: CxTracker) -> None:
    found = commitments(old)
    assert set(found) == {"Answer every ticket within 4 hours", "Replace the ticketing tool",
                          "Same-day quotes"}
    assert {c["kpi"] for c in found.values()} == {None}
    assert found["Answer every ticket within 4 hours"]["journey"] == "support"


def test_the_old_history_replays_to_the_state_it_recorded(old: CxTracker) -> None:
    found = commitments(old)
    tickets, tool, quotes = (found["Answer every ticket within 4 hours"],
                             found["Replace the ticketing tool"], found["Same-day quotes"])
    assert (tickets["status"], tickets["progress"], tickets["owner_id"]) == ("open", 70, CCO)
    assert tickets["roadblocks"][0]["resolved"] and tickets["roadblocks"][0]["helped_by"] == "it"
    assert (tool["status"], str(tool["due_date"]), str(tool["original_due_date"])) == (
        "completed", "2026-01-31", "2025-12-31")
    assert quotes["status"] == "withdrawn"


def test_new_commands_work_on_top_of_the_old_history(old: CxTracker, store: Path) -> None:
    tickets = commitments(old)["Answer every ticket within 4 hours"]
    lead = member_id("lead.customer-service@example.com")
    old.report_progress(lead, tickets["id"], percent=85, expected_version=tickets["version"])
    old.define_kpi(CCO, key="csat", name="Customer satisfaction", unit="%", baseline=71,
                   target=85, target_date="2026-12-31")
    old.record_measurement(CCO, key="first-response-hours", value=4.5, measured_on="2026-03-01")
    linked = old.make_commitment(
        lead, department="customer-service", title="Call back within a day", due_date="2026-09-30",
        owner="lead.customer-service@example.com", kpi="first-response-hours").id
    old.close()

    reopened = open_store(store)
    try:
        assert reopened.commitment(tickets["id"])["progress"] == 85
        assert reopened.commitment(linked)["kpi"] == "first-response-hours"
        assert {k: v["direction"] for k, v in reopened.plan()["kpis"].items()} == {
            "nps": "up", "first-response-hours": "down", "csat": "up"}
    finally:
        reopened.close()
    assert all(s.get("class_version") == 3 for s in stored_states(store, "cx-tracker/plan/KpiDefined")
               if s["key"] == "csat")
