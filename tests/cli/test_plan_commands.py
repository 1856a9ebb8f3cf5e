"""`cx-tracker plan ...`: the plan's set-up and corrections on the command line, acting --as a
member with the service's authorization; refusals leave the log unchanged."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.cli.support import cx, ok, open_data, refused_cleanly, topics
from tracker import clock

CCO = ("--as", "cco@example.com")


@pytest.fixture
def planned(installation: Path) -> Path:
    data = installation
    ok("plan", "journey", "add", "support", "--name", "Support", "--lead", "customer-service",
       "--data", data, *CCO)
    ok("plan", "kpi", "add", "csat", "--name", "CSAT", "--unit", "%", "--baseline", "70",
       "--target", "85", "--target-date", "2026-12-31", "--data", data, *CCO)
    ok("plan", "measure", "record", "csat", "71", "--on", "2026-03-01", "--note", "300 answers",
       "--data", data, *CCO)
    return data


def test_plan_show_prints_the_set_up_and_json_for_machines(planned: Path) -> None:
    text = ok("plan", "show", "--data", planned)
    assert "customer-service: Customer Service" in text
    assert "csat: CSAT, 70 -> 85 % by 2026-12-31 (up; 1 measurements; latest 71 on 2026-03-01)" in text
    found = json.loads(ok("plan", "show", "--format", "json", "--data", planned))
    assert found["measurements"] == {"csat": {"2026-03-01": 71.0}, }
    assert found["journeys"]["support"]["lead_department"] == "customer-service"


def test_corrections_and_reorganisations_are_recorded_as_events(planned: Path) -> None:
    data = planned
    ok("plan", "kpi", "revise", "csat", "--target", "90", "--reason", "New target", "--data", data, *CCO)
    ok("plan", "measure", "correct", "csat", "--on", "2026-03-01", "--value", "17",
       "--reason", "typo", "--data", data, *CCO)
    ok("plan", "department", "rename", "customer-service", "--name", "Customer Care",
       "--reason", "New org chart", "--data", data, *CCO)
    ok("plan", "journey", "lead", "support", "it", "--data", data, *CCO)
    ok("plan", "department", "merge", "customer-service", "--into", "it", "--reason", "one team",
       "--data", data, *CCO)
    ok("plan", "kpi", "retire", "csat", "--reason", "replaced", "--data", data, *CCO)
    assert topics(data)[-6:] == ["plan/KpiRevised", "plan/MeasurementCorrected",
                                 "plan/DepartmentRenamed", "plan/JourneyLeadChanged",
                                 "plan/DepartmentMerged", "plan/KpiRetired"]
    shown = ok("plan", "show", "--data", data)
    assert "customer-service: Customer Care [retired]" in shown
    assert "csat: CSAT, 70 -> 90 % by 2026-12-31 (up; 1 measurements; latest 17 on 2026-03-01) [retired]" in shown


@pytest.mark.parametrize(("args", "status", "message"), [
    (["department", "rename", "it", "--name", "Tech", "--reason", ""], 2, "reason: is required"),
    (["measure", "record", "csat", "101", "--on", "2026-03-02"], 2, "must be a percentage"),
    (["measure", "record", "csat", "72", "--on", "2026-03-01"], 2, "correct it instead"),
    (["kpi", "revise", "csat", "--target", "60", "--reason", "r"], 2, "side of the baseline"),
    (["department", "retire", "nope", "--reason", "r"], 2, "no department"),
])
def test_bad_input_is_refused_and_records_nothing(
    planned: Path, args: list[str], status: int, message: str
) -> None:
    before = topics(planned)
    result = cx("plan", *args, "--data", planned, *CCO)
    assert refused_cleanly(result, status), result.output
    assert message in result.output
    assert topics(planned) == before


def test_retiring_a_department_with_open_work_is_refused_unless_it_moves(planned: Path) -> None:
    with clock.frozen_at(datetime(2026, 3, 2, 9, tzinfo=timezone.utc)):
        app = open_data(planned)
        from tracker.domain import member_id
        app.make_commitment(member_id("cco@example.com"), department="it", title="Fix the VPN",
                            due_date="2026-06-30", owner="cco@example.com")
        app.close()
    before = topics(planned)
    result = cx("plan", "department", "retire", "it", "--reason", "outsourced", "--data", planned, *CCO)
    assert refused_cleanly(result, 2) and "open commitment" in result.output
    assert topics(planned) == before
    ok("plan", "department", "retire", "it", "--reason", "outsourced", "--move-to",
       "customer-service", "--data", planned, *CCO)
    assert topics(planned)[-2:] == ["plan/DepartmentRetired", "commitment/MovedToDepartment"]


def test_only_the_cco_sets_up_the_plan_on_the_command_line(planned: Path) -> None:
    ok("user", "add", "ceo@example.com", "--name", "Eve", "--role", "executive", "--password",
       "correct-horse", "--data", planned, *CCO)
    before = topics(planned)
    result = cx("plan", "kpi", "retire", "csat", "--reason", "r", "--data", planned,
                "--as", "ceo@example.com")
    assert refused_cleanly(result, 1) and "only the Chief Customer Officer" in result.output
    assert topics(planned) == before
