"""Corrections and reorganisations of the plan: events with an actor and a reason, refusals that
record nothing, and the state they leave."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Org
from tests.core.support import decoded_events, refused
from tracker.domain.base import topic
from tracker.errors import Conflict, Invalid, NotAllowed


def _last_topics(org: Org, start: int) -> list[str]:
    return [type(e).__name__ for e in decoded_events(org.app, start)]


def _head(org: Org) -> int:
    return org.app.head() + 1


# KPIs and measurements


def test_revising_a_kpi_records_before_and_after_with_the_reason(org: Org) -> None:
    start = _head(org)
    org.app.revise_kpi(org.cco, key="nps", target="40", target_date="2027-06-30",
                       reason="Board agreed a stretch target")
    [revised] = decoded_events(org.app, start)
    assert revised.changes == {"target": [30.0, 40.0], "target_date": ["2026-12-31", "2027-06-30"]}
    assert revised.reason == "Board agreed a stretch target" and revised.actor == org.cco
    kpi = org.app.plan()["kpis"]["nps"]
    assert (kpi["target"], kpi["target_date"]) == (40.0, date(2027, 6, 30))


def test_a_kpi_revision_needs_a_reason_and_a_change(org: Org) -> None:
    with refused(org.app, Invalid, "reason"):
        org.app.revise_kpi(org.cco, key="nps", target="40", reason=" ")
    with refused(org.app, Invalid, "changes"):
        org.app.revise_kpi(org.cco, key="nps", target="30", reason="same")


def test_a_kpi_target_cannot_cross_the_baseline(org: Org) -> None:
    with refused(org.app, Invalid, "target"):
        org.app.revise_kpi(org.cco, key="nps", target="5", reason="oops")


def test_only_the_cco_corrects_the_plan(org: Org) -> None:
    with refused(org.app, NotAllowed):
        org.app.revise_kpi(org.support_lead, key="nps", target="40", reason="why not")
    with refused(org.app, NotAllowed):
        org.app.rename_department(org.executive, slug="it", name="Tech", reason="why not")


def test_a_stale_plan_form_is_refused_with_a_conflict(org: Org) -> None:
    seen = org.app.plan()["version"]
    org.app.rename_department(org.cco, slug="it", name="Technology", reason="new name")
    with refused(org.app, Conflict):
        org.app.revise_kpi(org.cco, key="nps", target="40", reason="r", expected_version=seen)
    with refused(org.app, Conflict):
        org.app.add_department(org.cco, "hr", "HR", expected_version=seen)


def test_a_retired_kpi_keeps_its_measurements_but_takes_no_new_ones(org: Org) -> None:
    org.app.record_measurement(org.cco, key="nps", value=14, measured_on="2026-03-01")
    org.app.retire_kpi(org.cco, key="nps", reason="Replaced by a transactional NPS")
    assert org.app.plan()["measurements"]["nps"] == {"2026-03-01": 14.0}
    assert org.app.plan()["retired"]["kpi"] == ["nps"]
    with refused(org.app, Invalid, "key"):
        org.app.record_measurement(org.cco, key="nps", value=15, measured_on="2026-03-02")
    with refused(org.app, Invalid, "kpi"):
        org.commitment(kpi="nps")


def test_a_measurement_is_corrected_or_withdrawn_and_the_wrong_value_stays_in_the_log(org: Org) -> None:
    org.app.record_measurement(org.cco, key="nps", value=41, measured_on="2026-03-01")
    start = _head(org)
    org.app.correct_measurement(org.cco, key="nps", measured_on="2026-03-01", value="14",
                                reason="digits swapped", note="Survey of 300")
    [corrected] = decoded_events(org.app, start)
    assert (corrected.from_value, corrected.to_value) == (41.0, 14.0)
    assert org.app.plan()["measurements"]["nps"] == {"2026-03-01": 14.0}
    org.app.withdraw_measurement(org.cco, key="nps", measured_on="2026-03-01", reason="bad sample")
    assert org.app.plan()["measurements"]["nps"] == {}
    assert _last_topics(org, start) == ["MeasurementCorrected", "MeasurementWithdrawn"]


def test_a_second_measurement_on_one_day_is_refused_unless_a_correction(org: Org) -> None:
    org.app.record_measurement(org.cco, key="nps", value=14, measured_on="2026-03-01")
    with refused(org.app, Invalid, "measured_on"):
        org.app.record_measurement(org.cco, key="nps", value=15, measured_on="2026-03-01")
    with refused(org.app, Invalid, "measured_on"):
        org.app.correct_measurement(org.cco, key="nps", measured_on="2026-02-01", value=1, reason="x")


@pytest.mark.parametrize("value", ["-1", "100.5", "250"])
def test_a_percentage_is_measured_within_0_to_100(org: Org, value: str) -> None:
    org.app.define_kpi(org.cco, key="csat", name="CSAT", unit="% satisfied", baseline=70,
                       target=85, target_date="2026-12-31")
    with refused(org.app, Invalid, "value"):
        org.app.record_measurement(org.cco, key="csat", value=value, measured_on="2026-03-01")


def test_a_unit_becomes_a_percentage_only_if_every_measurement_fits(org: Org) -> None:
    org.app.record_measurement(org.cco, key="nps", value=140, measured_on="2026-03-01")
    with refused(org.app, Invalid, "unit"):
        org.app.revise_kpi(org.cco, key="nps", unit="%", reason="wrong unit")


# Journeys


def test_a_journey_is_renamed_then_retired(org: Org) -> None:
    org.app.rename_journey(org.cco, key="support", name="Get help", reason="customer language")
    org.app.retire_journey(org.cco, key="support", reason="folded into usage")
    plan = org.app.plan()
    assert plan["journeys"]["support"]["name"] == "Get help"
    assert plan["retired"]["journey"] == ["support"]
    with refused(org.app, Invalid, "journey"):
        org.commitment(journey="support")


# Departments


def test_renaming_a_department_keeps_its_slug_and_records_both_names(org: Org) -> None:
    start = _head(org)
    org.app.rename_department(org.cco, slug="customer-service", name="Customer Care",
                              reason="New org chart")
    [renamed] = decoded_events(org.app, start)
    assert (renamed.from_name, renamed.to_name, renamed.slug) == (
        "Customer Service", "Customer Care", "customer-service")
    with refused(org.app, Invalid, "name"):
        org.app.rename_department(org.cco, slug="it", name="sales", reason="clash")


def test_retiring_a_department_with_open_commitments_is_refused(org: Org) -> None:
    org.commitment(department="sales", owner="lead.sales@example.com", actor=org.sales_lead)
    with refused(org.app, Invalid, "slug"):
        org.app.retire_department(org.cco, slug="sales", reason="outsourced")


def test_retiring_a_department_withdraws_or_moves_its_open_work_in_one_write(org: Org) -> None:
    first = org.commitment(department="sales", owner="lead.sales@example.com", actor=org.sales_lead)
    start = _head(org)
    org.app.retire_department(org.cco, slug="sales", reason="outsourced", move_to="it")
    # Its owner led only the retired department, so the move hands it to the acting CCO.
    assert _last_topics(org, start) == [
        "DepartmentRetired", "MovedToDepartment", "OwnershipHandedOver", "RoleRevoked"]
    assert org.app.commitment(first)["department"] == "it"
    assert org.app.commitment(first)["owner_id"] == org.cco
    assert org.app.member("lead.sales@example.com")["grants"] == []
    assert "sales" in org.app.plan()["retired"]["department"]
    with refused(org.app, Invalid, "department"):
        org.commitment(department="sales", owner="cco@example.com", actor=org.cco)
    with refused(org.app, Invalid, "department"):
        org.app.grant_role(org.cco, email="ceo@example.com", role="lead", department="sales")


def test_merging_moves_open_commitments_one_event_each_and_ends_the_leads_roles(org: Org) -> None:
    one = org.commitment(department="sales", owner="lead.sales@example.com", actor=org.sales_lead)
    two = org.commitment(department="sales", owner="lead.sales@example.com", actor=org.sales_lead,
                         title="Call back within a day")
    done = org.commitment(department="sales", owner="lead.sales@example.com", actor=org.sales_lead,
                          title="Publish prices")
    org.app.complete(org.sales_lead, done, evidence="Prices page live")
    start = _head(org)
    org.app.merge_departments(org.cco, slug="sales", into="customer-service", reason="one team")
    topics = _last_topics(org, start)
    assert topics == ["DepartmentMerged", "MovedToDepartment", "OwnershipHandedOver",
                      "MovedToDepartment", "OwnershipHandedOver", "RoleRevoked"]
    assert {org.app.commitment(c)["department"] for c in (one, two)} == {"customer-service"}
    assert {org.app.commitment(c)["owner_id"] for c in (one, two)} == {org.cco}
    assert org.app.commitment(done)["department"] == "sales"  # history of closed work stays


def test_a_department_leading_a_journey_cannot_retire_before_the_lead_changes(org: Org) -> None:
    with refused(org.app, Invalid, "slug"):
        org.app.merge_departments(org.cco, slug="customer-service", into="it", reason="merge")


def test_a_moved_commitment_keeps_an_owner_who_can_update_it(org: Org) -> None:
    moving = org.commitment(department="sales", owner="lead.sales@example.com",
                            actor=org.sales_lead)
    with refused(org.app, Invalid, "new_owner"):  # the sales lead does not lead IT
        org.app.move_commitment(org.cco, moving, department="it", reason="IT builds it")
    with refused(org.app, Invalid, "new_owner"):  # nor may the new owner be another sales lead
        org.app.move_commitment(org.cco, moving, department="it", reason="IT builds it",
                                new_owner="lead.sales@example.com")
    start = _head(org)
    org.app.move_commitment(org.cco, moving, department="it", reason="IT builds it",
                            new_owner="lead.it@example.com")
    assert _last_topics(org, start) == ["MovedToDepartment", "OwnershipHandedOver"]
    moved = org.app.commitment(moving)
    assert moved["department"] == "it"
    assert moved["owner_id"] == org.app.member("lead.it@example.com")["id"]


def test_a_merge_into_itself_or_a_retired_department_is_refused(org: Org) -> None:
    with refused(org.app, Invalid, "into"):
        org.app.merge_departments(org.cco, slug="sales", into="sales", reason="merge")
    org.app.retire_department(org.cco, slug="it", reason="outsourced")
    with refused(org.app, Invalid, "into"):
        org.app.merge_departments(org.cco, slug="sales", into="it", reason="merge")


# Commitments


def test_a_commitments_details_are_corrected_with_before_and_after(org: Org) -> None:
    cid = org.commitment()
    start = _head(org)
    org.app.correct_commitment(org.support_lead, cid, title="Answer every ticket within 2 hours",
                               kpi="nps", reason="typo in the target")
    [corrected] = decoded_events(org.app, start)
    assert corrected.changes == {"title": ["Answer every ticket within 4 hours",
                                           "Answer every ticket within 2 hours"],
                                 "kpi": [None, "nps"]}
    assert org.app.commitment(cid)["kpi"] == "nps"
    with refused(org.app, Invalid, "reason"):
        org.app.correct_commitment(org.support_lead, cid, title="Something else", reason="")
    with refused(org.app, NotAllowed):
        org.app.correct_commitment(org.it_lead, cid, title="Something else", reason="mine now")


def test_only_the_cco_moves_a_commitment_and_only_an_open_one(org: Org) -> None:
    cid = org.commitment()
    with refused(org.app, NotAllowed):
        org.app.move_commitment(org.support_lead, cid, department="it", reason="theirs")
    org.app.move_commitment(org.cco, cid, department="it", reason="IT owns the ticket tool",
                            new_owner="lead.it@example.com")
    assert org.app.commitment(cid)["department"] == "it"
    org.app.withdraw(org.cco, cid, reason="done elsewhere")
    with refused(org.app, Invalid, "commitment"):
        org.app.move_commitment(org.cco, cid, department="sales", reason="again")


def test_every_new_event_has_a_stable_topic() -> None:
    from tracker.domain import Commitment, Plan

    for cls, aggregate, names in (
        (Plan, "plan", ["DepartmentRenamed", "DepartmentRetired", "DepartmentMerged",
                        "JourneyRenamed", "JourneyRetired", "KpiRevised", "KpiRetired",
                        "MeasurementCorrected", "MeasurementWithdrawn"]),
        (Commitment, "commitment", ["DetailsCorrected", "MovedToDepartment"]),
    ):
        for name in names:
            assert getattr(cls, name).TOPIC == topic(aggregate, name)
