"""What the log records: the actor of every event, under stable topic names."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.utils import get_topic

from tests.conftest import PASSWORD, Org
from tests.core.support import decoded_events
from tracker.domain import Commitment, Member, Plan, member_id

STABLE_TOPIC = re.compile(r"^cx-tracker/(plan|commitment|member)/[A-Z][A-Za-z]+$")


def test_every_event_records_the_member_who_issued_the_command(org: Org) -> None:
    app = org.app
    expected: dict[int, UUID] = {position: org.cco for position in range(1, app.head() + 1)}

    def by(actor: UUID, command: Callable[[], Any]) -> Any:
        """Run a command, noting that every event it records was caused by `actor`."""
        head = app.head()
        result = command()
        assert app.head() > head
        expected.update({position: actor for position in range(head + 1, app.head() + 1)})
        return result

    commitment = by(org.support_lead, lambda: app.make_commitment(
        org.support_lead, department="customer-service", title="Answer within 4 hours",
        due_date="2026-06-30", owner="lead.customer-service@example.com", kpi="nps")).id
    by(org.it_lead, lambda: app.make_commitment(
        org.it_lead, department="it", title="Replace the ticketing tool", due_date="2026-05-31",
        owner="lead.it@example.com"))
    by(org.support_lead, lambda: app.report_progress(org.support_lead, commitment, percent=30))
    roadblock = by(org.support_lead, lambda: app.raise_roadblock(
        org.support_lead, commitment, description="Tool times out", help_from="it")).roadblock_id
    by(org.cco, lambda: app.request_help(org.cco, commitment, roadblock_id=roadblock,
                                         department="sales"))
    by(org.it_lead, lambda: app.add_note(org.it_lead, commitment, text="Patch on Friday"))
    by(org.it_lead, lambda: app.resolve_roadblock(org.it_lead, commitment, roadblock_id=roadblock,
                                                  resolution="Patched", helped_by="it"))
    by(org.cco, lambda: app.move_due_date(org.cco, commitment, due_date="2026-07-31",
                                          reason="Holiday season"))
    by(org.support_lead, lambda: app.hand_over(org.support_lead, commitment,
                                               new_owner="cco@example.com", reason="Escalation"))
    by(org.support_lead, lambda: app.complete(org.support_lead, commitment, evidence="3h median"))
    by(org.sales_lead, lambda: app.celebrate(org.sales_lead, commitment, message="Bravo, support!"))
    by(org.support_lead, lambda: app.endorse_vision(org.support_lead, "customer-service"))
    by(org.cco, lambda: app.record_measurement(org.cco, key="nps", value=15))
    by(org.cco, lambda: app.register_member(org.cco, email="cco2@example.com", name="Second CCO",
                                            password=PASSWORD, role="cco"))
    cco2 = member_id("cco2@example.com")
    by(cco2, lambda: app.grant_role(cco2, email="ceo@example.com", role="auditor"))
    by(cco2, lambda: app.revoke_role(cco2, email="cco@example.com", role="cco"))
    by(cco2, lambda: app.deactivate_member(cco2, email="cco@example.com", reason="Retired"))
    by(cco2, lambda: app.define_kpi(cco2, key="frt", name="First response", unit="h", baseline=8,
                                    target=4, target_date="2026-12-31"))
    by(cco2, lambda: app.revise_vision(cco2, "Customers never have to ask twice."))

    notifications = app.recorder.select_notifications(start=1, limit=10**6)
    assert [n.id for n in notifications] == sorted(expected)
    actors = {n.id: app.mapper.to_domain_event(n).actor for n in notifications}
    assert actors == expected
    assert len(set(actors.values())) == 5


def test_the_first_cco_acts_for_themselves_when_an_installation_is_initialised(org: Org) -> None:
    first_three = decoded_events(org.app)[:3]
    assert [type(e).__name__ for e in first_three] == ["Registered", "RoleGranted", "Started"]
    assert {e.actor for e in first_three} == {member_id("cco@example.com")}


def test_stored_event_topics_are_stable_names_not_module_paths(org: Org) -> None:
    commitment = org.commitment()
    org.app.raise_roadblock(org.support_lead, commitment, description="Tool times out",
                            help_from="it")
    topics = {n.topic for n in org.app.recorder.select_notifications(start=1, limit=10**6)}
    assert topics == {
        "cx-tracker/member/Registered", "cx-tracker/member/RoleGranted", "cx-tracker/plan/Started",
        "cx-tracker/plan/DepartmentAdded", "cx-tracker/plan/JourneyDefined",
        "cx-tracker/plan/KpiDefined", "cx-tracker/commitment/Made",
        "cx-tracker/commitment/RoadblockRaised", "cx-tracker/commitment/HelpRequested",
    }


def test_created_events_name_their_aggregate_by_a_stable_topic(org: Org) -> None:
    org.commitment()
    created = [e for e in decoded_events(org.app) if hasattr(e, "originator_topic")]
    assert {e.originator_topic for e in created} == {
        "cx-tracker/plan/Plan", "cx-tracker/member/Member", "cx-tracker/commitment/Commitment",
    }


def test_every_event_class_of_every_aggregate_has_a_stable_topic() -> None:
    classes = [  # each aggregate's `Event` is only the abstract base of its events
        value for aggregate in (Plan, Commitment, Member) for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, CanMutateAggregate) and name != "Event"
    ]
    assert len(classes) >= 25
    assert [get_topic(c) for c in classes if not STABLE_TOPIC.match(get_topic(c))] == []
    for aggregate in (Plan, Commitment, Member):
        assert STABLE_TOPIC.match(get_topic(aggregate))
