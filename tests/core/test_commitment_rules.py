"""The invariants of a commitment: each refused command names its error and records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from uuid import UUID, uuid4

import pytest

from tests.conftest import PASSWORD, Org
from tests.core.support import refused
from tracker import clock
from tracker.domain import plan_id
from tracker.errors import Invalid, NotAllowed, NotFound

OWNER = "lead.customer-service@example.com"


@pytest.fixture
def commitment(org: Org) -> UUID:
    return org.commitment()


# Making a commitment


@pytest.mark.parametrize("department", ["marketing", "", None, "Customer-Service"])
def test_a_commitment_belongs_to_a_department_of_the_plan(org: Org, department: object) -> None:
    with refused(org.app, Invalid, "department"):
        org.commitment(actor=org.cco, department=department)


def test_a_lead_cannot_make_a_commitment_for_another_department(org: Org) -> None:
    with refused(org.app, NotAllowed):
        org.commitment(actor=org.support_lead, department="it", owner="lead.it@example.com")


@pytest.mark.parametrize("title", ["", "   ", "ab", "  ab  ", "x" * 201, None, 123])
def test_a_commitment_title_has_3_to_200_characters(org: Org, title: object) -> None:
    with refused(org.app, Invalid, "title"):
        org.commitment(title=title)


@pytest.mark.parametrize(("given", "stored"), [("abc", "abc"), ("x" * 200, "x" * 200),
                                                ("  Trim me  ", "Trim me")])
def test_a_commitment_title_of_3_to_200_characters_is_kept_trimmed(
    org: Org, given: str, stored: str
) -> None:
    assert org.app.commitment(org.commitment(title=given))["title"] == stored


@pytest.mark.parametrize("due_date", [
    None, "", "soon", "2026-02-30", "30/06/2026", "2026-06-30T12:00",
    datetime(2026, 6, 30, 12, tzinfo=timezone.utc), 20260630,
])
def test_a_commitment_needs_a_due_date_as_an_iso_date(org: Org, due_date: object) -> None:
    with refused(org.app, Invalid, "due_date"):
        org.commitment(due_date=due_date)


@pytest.mark.parametrize("due_date", ["2026-03-01", date(2025, 12, 31), "1999-01-01"])
def test_a_commitment_cannot_be_due_in_the_past(org: Org, due_date: object) -> None:
    with refused(org.app, Invalid, "due_date") as caught:
        org.commitment(due_date=due_date)
    assert "past" in caught.value.errors["due_date"]


@pytest.mark.parametrize(("due_date", "stored"), [
    ("2026-03-02", date(2026, 3, 2)), (" 2026-06-30 ", date(2026, 6, 30)),
    (date(2027, 1, 15), date(2027, 1, 15)),
])
def test_a_commitment_may_be_due_today_or_later(org: Org, due_date: object, stored: date) -> None:
    made = org.app.commitment(org.commitment(due_date=due_date))
    assert made["due_date"] == made["original_due_date"] == stored


@pytest.mark.parametrize(("field", "key"), [("journey", "onboarding"), ("kpi", "churn")])
def test_a_commitment_links_only_a_journey_or_kpi_of_the_plan(org: Org, field: str, key: str) -> None:
    with refused(org.app, Invalid, field):
        org.commitment(**{field: key})


def test_a_commitment_may_link_a_journey_and_a_kpi_of_the_plan(org: Org) -> None:
    made = org.app.commitment(org.commitment(journey="support", kpi="nps"))
    assert (made["journey"], made["kpi"]) == ("support", "nps")


def test_a_commitment_links_no_journey_or_kpi_by_default(org: Org) -> None:
    made = org.app.commitment(org.commitment(journey="", kpi=None))
    assert (made["journey"], made["kpi"]) == (None, None)


@pytest.mark.parametrize("owner", ["nobody@example.com", "not-an-email", "", "former@example.com"])
def test_a_commitment_is_owned_by_an_existing_active_member(org: Org, owner: str) -> None:
    org.app.register_member(org.cco, email="former@example.com", name="Former", password=PASSWORD)
    org.app.deactivate_member(org.cco, email="former@example.com", reason="Left")
    with refused(org.app, Invalid, "owner"):
        org.commitment(owner=owner)


def test_every_bad_field_of_a_commitment_is_reported_at_once(org: Org) -> None:
    with refused(org.app, Invalid) as caught:
        org.commitment(title="x", due_date="someday", owner="nobody@example.com", kpi="churn")
    assert set(caught.value.errors) == {"title", "due_date", "owner", "kpi"}


# Progress


@pytest.mark.parametrize(("percent", "stored"), [(0, 0), (100, 100), (55, 55), ("40", 40),
                                                 (" 7 ", 7)])
def test_progress_is_a_whole_number_from_0_to_100_and_form_strings_are_accepted(
    org: Org, commitment: UUID, percent: object, stored: int
) -> None:
    org.app.report_progress(org.support_lead, commitment, percent=percent)
    assert org.app.commitment(commitment)["progress"] == stored


@pytest.mark.parametrize("percent", [-1, 101, True, False, 50.0, 12.5, "abc", "", "50.5", "101",
                                     "-5", None, "1_0", "٥"])
def test_progress_outside_0_to_100_or_not_a_whole_number_is_refused(
    org: Org, commitment: UUID, percent: object
) -> None:
    with refused(org.app, Invalid, "percent"):
        org.app.report_progress(org.support_lead, commitment, percent=percent)
    assert org.app.commitment(commitment)["progress"] == 0


def test_progress_may_go_down_as_well_as_up(org: Org, commitment: UUID) -> None:
    org.app.report_progress(org.support_lead, commitment, percent=60)
    org.app.report_progress(org.support_lead, commitment, percent=45, note="Scope grew")
    assert org.app.commitment(commitment)["progress"] == 45


# Completed or withdrawn: only a celebration or a note


def _complete(org: Org, commitment: UUID) -> None:
    org.app.complete(org.support_lead, commitment, evidence="Median reply 3h 10m")


def _withdraw(org: Org, commitment: UUID) -> None:
    org.app.withdraw(org.support_lead, commitment, reason="Superseded by the new support model")


CLOSINGS = {"completed": _complete, "withdrawn": _withdraw}

REFUSED_WHEN_CLOSED: dict[str, Callable[[Org, UUID, str], object]] = {
    "report_progress": lambda o, c, r: o.app.report_progress(o.support_lead, c, percent=50),
    "move_due_date": lambda o, c, r: o.app.move_due_date(o.support_lead, c, due_date="2026-09-30",
                                                          reason="More time"),
    "hand_over": lambda o, c, r: o.app.hand_over(o.support_lead, c, new_owner="cco@example.com",
                                                  reason="Escalation"),
    "raise_roadblock": lambda o, c, r: o.app.raise_roadblock(o.support_lead, c,
                                                              description="Another problem"),
    "request_help": lambda o, c, r: o.app.request_help(o.support_lead, c, roadblock_id=r,
                                                        department="sales"),
    "complete": lambda o, c, r: o.app.complete(o.support_lead, c, evidence="Done again"),
    "withdraw": lambda o, c, r: o.app.withdraw(o.support_lead, c, reason="Changed our minds"),
}


@pytest.fixture(params=list(CLOSINGS))
def closed(request: pytest.FixtureRequest, org: Org) -> tuple[UUID, str]:
    """A commitment, completed or withdrawn, with a roadblock (IT asked for help) left open."""
    commitment = org.commitment()
    roadblock = org.app.raise_roadblock(org.support_lead, commitment, description="Tool times out",
                                        help_from="it").roadblock_id
    CLOSINGS[request.param](org, commitment)
    return commitment, roadblock


@pytest.mark.parametrize("command", list(REFUSED_WHEN_CLOSED))
def test_nothing_but_a_celebration_or_a_note_is_added_to_a_closed_commitment(
    org: Org, closed: tuple[UUID, str], command: str
) -> None:
    commitment, roadblock = closed
    before = org.app.commitment(commitment)
    with refused(org.app, Invalid, "commitment"):
        REFUSED_WHEN_CLOSED[command](org, commitment, roadblock)
    assert org.app.commitment(commitment) == before


def test_a_closed_commitment_can_still_be_celebrated_and_noted(
    org: Org, closed: tuple[UUID, str]
) -> None:
    commitment, _ = closed
    version = org.app.commitment(commitment)["version"]
    org.app.celebrate(org.sales_lead, commitment, message="Well done, team!")
    org.app.add_note(org.support_lead, commitment, text="Lessons learned: start earlier")
    assert org.app.commitment(commitment)["version"] == version + 2


def test_an_open_roadblock_can_still_be_resolved_after_closing_to_keep_the_record_true(
    org: Org, closed: tuple[UUID, str]
) -> None:
    commitment, roadblock = closed
    org.app.resolve_roadblock(org.it_lead, commitment, roadblock_id=roadblock,
                              resolution="Timeouts fixed after all", helped_by="it")
    assert org.app.commitment(commitment)["roadblocks"][0]["resolved"] is True


# Moving a due date, handing over


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_moving_a_due_date_needs_a_reason(org: Org, commitment: UUID, reason: object) -> None:
    with refused(org.app, Invalid, "reason"):
        org.app.move_due_date(org.support_lead, commitment, due_date="2026-07-31", reason=reason)


@pytest.mark.parametrize("due_date", ["2026-03-01", "next week", None])
def test_a_due_date_moves_only_to_a_valid_date_not_in_the_past(
    org: Org, commitment: UUID, due_date: object
) -> None:
    with refused(org.app, Invalid, "due_date"):
        org.app.move_due_date(org.support_lead, commitment, due_date=due_date, reason="Slipped")


def test_a_due_date_cannot_be_moved_to_itself(org: Org, commitment: UUID) -> None:
    with refused(org.app, Invalid, "due_date"):
        org.app.move_due_date(org.support_lead, commitment, due_date="2026-06-30", reason="Same")


def test_moving_a_due_date_keeps_the_original_due_date(org: Org, commitment: UUID) -> None:
    org.app.move_due_date(org.support_lead, commitment, due_date="2026-07-31", reason="Vendor late")
    moved = org.app.commitment(commitment)
    assert (moved["original_due_date"], moved["due_date"]) == (date(2026, 6, 30), date(2026, 7, 31))


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_handing_over_needs_a_reason(org: Org, commitment: UUID, reason: object) -> None:
    with refused(org.app, Invalid, "reason"):
        org.app.hand_over(org.support_lead, commitment, new_owner="cco@example.com", reason=reason)


def test_handing_over_to_the_current_owner_is_refused(org: Org, commitment: UUID) -> None:
    with refused(org.app, Invalid, "new_owner"):
        org.app.hand_over(org.support_lead, commitment, new_owner=OWNER, reason="Just because")


def test_handing_over_to_the_current_owner_is_refused_whatever_the_case_of_the_email(
    org: Org, commitment: UUID
) -> None:
    with refused(org.app, Invalid, "new_owner"):
        org.app.hand_over(org.support_lead, commitment, new_owner=OWNER.upper(), reason="Again")


@pytest.mark.parametrize("new_owner", ["nobody@example.com", "former@example.com", "nonsense", ""])
def test_the_new_owner_is_an_existing_active_member(
    org: Org, commitment: UUID, new_owner: str
) -> None:
    org.app.register_member(org.cco, email="former@example.com", name="Former", password=PASSWORD)
    org.app.deactivate_member(org.cco, email="former@example.com", reason="Left")
    with refused(org.app, Invalid, "new_owner"):
        org.app.hand_over(org.support_lead, commitment, new_owner=new_owner, reason="Reorg")


def test_handing_over_changes_the_owner(org: Org, commitment: UUID) -> None:
    org.app.hand_over(org.support_lead, commitment, new_owner="cco@example.com", reason="Reorg")
    assert org.app.commitment(commitment)["owner_id"] == org.cco


# Roadblocks and help


def test_a_roadblock_is_resolved_only_once(org: Org, commitment: UUID) -> None:
    roadblock = org.app.raise_roadblock(org.support_lead, commitment,
                                        description="Tool times out").roadblock_id
    org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=roadblock,
                              resolution="Restarted the server")
    with refused(org.app, Invalid, "roadblock"):
        org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=roadblock,
                                  resolution="Restarted it again")


def test_only_an_existing_roadblock_can_be_resolved(org: Org, commitment: UUID) -> None:
    with refused(org.app, Invalid, "roadblock"):
        org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id="R9",
                                  resolution="Nothing to resolve")


@pytest.mark.parametrize("description", ["", "ab", None])
def test_a_roadblock_needs_a_description(org: Org, commitment: UUID, description: object) -> None:
    with refused(org.app, Invalid, "description"):
        org.app.raise_roadblock(org.support_lead, commitment, description=description)


@pytest.mark.parametrize("resolution", ["", "ok", None])
def test_a_roadblock_is_resolved_with_a_resolution(
    org: Org, commitment: UUID, resolution: object
) -> None:
    roadblock = org.app.raise_roadblock(org.support_lead, commitment,
                                        description="Tool times out").roadblock_id
    with refused(org.app, Invalid, "resolution"):
        org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=roadblock,
                                  resolution=resolution)


@pytest.mark.parametrize("department", ["customer-service", "marketing"])
def test_help_is_asked_only_of_another_existing_department_when_raising(
    org: Org, commitment: UUID, department: str
) -> None:
    with refused(org.app, Invalid, "help_from"):
        org.app.raise_roadblock(org.support_lead, commitment, description="Tool times out",
                                help_from=department)


@pytest.mark.parametrize("department", ["customer-service", "marketing", ""])
def test_help_is_asked_only_of_another_existing_department_later(
    org: Org, commitment: UUID, department: str
) -> None:
    roadblock = org.app.raise_roadblock(org.support_lead, commitment,
                                        description="Tool times out").roadblock_id
    with refused(org.app, Invalid, "department"):
        org.app.request_help(org.support_lead, commitment, roadblock_id=roadblock,
                             department=department)


def test_the_same_department_is_asked_for_help_only_once(org: Org, commitment: UUID) -> None:
    roadblock = org.app.raise_roadblock(org.support_lead, commitment, description="Tool times out",
                                        help_from="it").roadblock_id
    with refused(org.app, Invalid, "department"):
        org.app.request_help(org.support_lead, commitment, roadblock_id=roadblock, department="it")


def test_help_is_asked_only_on_an_open_roadblock(org: Org, commitment: UUID) -> None:
    roadblock = org.app.raise_roadblock(org.support_lead, commitment,
                                        description="Tool times out").roadblock_id
    org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=roadblock,
                              resolution="Fixed ourselves")
    with refused(org.app, Invalid, "roadblock"):
        org.app.request_help(org.support_lead, commitment, roadblock_id=roadblock, department="it")


def test_help_may_be_asked_of_several_other_departments(org: Org, commitment: UUID) -> None:
    roadblock = org.app.raise_roadblock(org.support_lead, commitment, description="Tool times out",
                                        help_from="it").roadblock_id
    org.app.request_help(org.support_lead, commitment, roadblock_id=roadblock, department="sales")
    asked = org.app.commitment(commitment)["roadblocks"][0]["help_requested_from"]
    assert asked == ["it", "sales"]


def test_raising_a_roadblock_and_asking_for_help_is_one_atomic_write(
    org: Org, commitment: UUID
) -> None:
    head = org.app.head()
    receipt = org.app.raise_roadblock(org.support_lead, commitment, description="Tool times out",
                                      help_from="it")
    assert receipt.roadblock_id == "R1"
    assert org.app.head() == receipt.position == head + 2


@pytest.mark.parametrize("helped_by", ["customer-service", "marketing"])
def test_a_roadblock_is_helped_by_another_existing_department(
    org: Org, commitment: UUID, helped_by: str
) -> None:
    roadblock = org.app.raise_roadblock(org.support_lead, commitment,
                                        description="Tool times out").roadblock_id
    with refused(org.app, Invalid, "helped_by"):
        org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=roadblock,
                                  resolution="Fixed it", helped_by=helped_by)


# Completing and withdrawing


@pytest.mark.parametrize("evidence", ["", "ok", None])
def test_completing_needs_evidence(org: Org, commitment: UUID, evidence: object) -> None:
    with refused(org.app, Invalid, "evidence"):
        org.app.complete(org.support_lead, commitment, evidence=evidence)


@pytest.mark.parametrize("completed_on", ["2026-03-03", "2026-03-01", "yesterday"])
def test_a_commitment_is_completed_on_a_valid_date_between_its_making_and_today(
    org: Org, commitment: UUID, completed_on: str
) -> None:
    with refused(org.app, Invalid, "completed_on"):
        org.app.complete(org.support_lead, commitment, evidence="Dashboards", completed_on=completed_on)


def test_completing_records_the_completion_date_and_full_progress(org: Org, commitment: UUID) -> None:
    with clock.frozen_at(datetime(2026, 4, 10, 15, tzinfo=timezone.utc)):
        org.app.complete(org.support_lead, commitment, evidence="Dashboards",
                         completed_on="2026-04-09")
    done = org.app.commitment(commitment)
    assert (done["status"], done["completed_on"], done["progress"]) == (
        "completed", date(2026, 4, 9), 100)


@pytest.mark.parametrize("reason", ["", " ", None])
def test_withdrawing_needs_a_reason(org: Org, commitment: UUID, reason: object) -> None:
    with refused(org.app, Invalid, "reason"):
        org.app.withdraw(org.support_lead, commitment, reason=reason)


@pytest.mark.parametrize("message", ["", "yo", None])
def test_a_celebration_needs_a_message(org: Org, commitment: UUID, message: object) -> None:
    with refused(org.app, Invalid, "message"):
        org.app.celebrate(org.support_lead, commitment, message=message)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_a_note_needs_text(org: Org, commitment: UUID, text: object) -> None:
    with refused(org.app, Invalid, "text"):
        org.app.add_note(org.support_lead, commitment, text=text)


# Unknown commitments


@pytest.mark.parametrize("target", ["unknown", "the plan", "a member"], ids=str)
def test_a_command_on_something_that_is_not_a_commitment_is_not_found(org: Org, target: str) -> None:
    missing = {"unknown": uuid4(), "the plan": plan_id(), "a member": org.support_lead}[target]
    with refused(org.app, NotFound):
        org.app.report_progress(org.support_lead, missing, percent=10)
