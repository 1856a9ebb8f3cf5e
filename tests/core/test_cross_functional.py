"""Cross-functional commitments and shared understanding, on the write side: contributing
departments, milestones that drive progress, and who reads the overview pages. Each command per
role; refusals record nothing."""

from __future__ import annotations

from uuid import UUID

import pytest

from tests.conftest import Org
from tests.core.support import decoded_events, refused
from tracker.authorization import Roles
from tracker.domain.member import AUDITOR, CCO, EXECUTIVE, LEAD
from tracker.domain.plan import OVERVIEW_ROLES
from tracker.errors import Conflict, Invalid, NotAllowed


def _kinds(org: Org, start: int) -> list[str]:
    return [type(e).__name__ for e in decoded_events(org.app, start)]


def _with_sales(org: Org) -> UUID:
    """A customer-service commitment to which Sales contributes."""
    cid = org.commitment()
    org.app.add_contributor(org.support_lead, cid, department="sales")
    return cid


# Contributing departments


def test_the_owning_lead_names_a_contributing_department_and_removes_it(org: Org) -> None:
    cid = org.commitment()
    start = org.app.head() + 1
    org.app.add_contributor(org.support_lead, cid, department="sales")
    org.app.add_contributor(org.cco, cid, department="it")
    assert org.app.commitment(cid)["contributors"] == ["sales", "it"]
    org.app.remove_contributor(org.support_lead, cid, department="sales")
    assert org.app.commitment(cid)["contributors"] == ["it"]
    events = decoded_events(org.app, start)
    assert _kinds(org, start) == ["ContributorAdded", "ContributorAdded", "ContributorRemoved"]
    assert [(e.department, e.actor) for e in events] == [
        ("sales", org.support_lead), ("it", org.cco), ("sales", org.support_lead)]


@pytest.mark.parametrize("who", ["sales_lead", "it_lead", "executive", "auditor"])
def test_only_the_cco_and_the_owning_departments_leads_name_contributors(org: Org, who: str) -> None:
    cid = _with_sales(org)
    with refused(org.app, NotAllowed):
        org.app.add_contributor(getattr(org, who), cid, department="it")
    with refused(org.app, NotAllowed):
        org.app.remove_contributor(getattr(org, who), cid, department="sales")


@pytest.mark.parametrize("department, why", [
    ("customer-service", "owns this commitment"), ("sales", "already contributes"),
    ("nowhere", "no department"), ("retired", "is retired"),
])
def test_a_contributor_is_another_current_department_named_once(
    org: Org, department: str, why: str
) -> None:
    org.app.add_department(org.cco, "retired", "Retired team")
    org.app.retire_department(org.cco, slug="retired", reason="Outsourced")
    cid = _with_sales(org)
    with refused(org.app, Invalid, "department") as caught:
        org.app.add_contributor(org.support_lead, cid, department=department)
    assert why in str(caught.value.errors["department"])


def test_a_department_that_does_not_contribute_cannot_be_removed(org: Org) -> None:
    cid = _with_sales(org)
    with refused(org.app, Invalid, "department"):
        org.app.remove_contributor(org.support_lead, cid, department="it")


def test_a_closed_commitment_takes_no_new_contributor_or_milestone(org: Org) -> None:
    cid = org.commitment()
    org.app.complete(org.support_lead, cid, evidence="Live since Monday")
    with refused(org.app, Invalid, "commitment"):
        org.app.add_contributor(org.support_lead, cid, department="sales")
    with refused(org.app, Invalid, "commitment"):
        org.app.add_milestone(org.support_lead, cid, text="Pilot live")


def test_a_stale_form_is_refused_with_a_conflict(org: Org) -> None:
    cid = org.commitment()
    seen = org.app.commitment(cid)["version"]
    org.app.add_note(org.support_lead, cid, text="Moving on")
    with refused(org.app, Conflict):
        org.app.add_contributor(org.support_lead, cid, department="sales", expected_version=seen)


def test_moving_a_commitment_to_a_contributing_department_ends_its_contribution(org: Org) -> None:
    cid = _with_sales(org)
    org.app.add_contributor(org.support_lead, cid, department="it")
    org.app.move_commitment(org.cco, cid, department="sales", reason="Sales runs it now",
                            new_owner="lead.sales@example.com")
    found = org.app.commitment(cid)
    assert (found["department"], found["contributors"]) == ("sales", ["it"])


# What a contributing department's lead may do


def test_a_contributing_lead_ticks_milestones_and_adds_notes(org: Org) -> None:
    cid = _with_sales(org)
    org.app.add_milestone(org.support_lead, cid, text="Pilot live")
    org.app.tick_milestone(org.sales_lead, cid, milestone_id="M1")
    org.app.tick_milestone(org.sales_lead, cid, milestone_id="M1", ticked=False)
    org.app.add_note(org.sales_lead, cid, text="Sales trained the pilot team")
    assert _kinds(org, org.app.head() - 2) == ["MilestoneTicked", "MilestoneUnticked", "NoteAdded"]


def test_a_contributing_lead_does_not_run_the_commitment(org: Org) -> None:
    cid = _with_sales(org)
    org.app.add_milestone(org.support_lead, cid, text="Pilot live")
    lead = org.sales_lead
    for command in (
        lambda: org.app.report_progress(lead, cid, percent=50),
        lambda: org.app.move_due_date(lead, cid, due_date="2026-09-30", reason="Later"),
        lambda: org.app.raise_roadblock(lead, cid, description="No budget"),
        lambda: org.app.complete(lead, cid, evidence="Done"),
        lambda: org.app.add_milestone(lead, cid, text="Another step"),
        lambda: org.app.remove_milestone(lead, cid, milestone_id="M1"),
        lambda: org.app.add_contributor(lead, cid, department="it"),
    ):
        with refused(org.app, NotAllowed):
            command()


@pytest.mark.parametrize("who", ["it_lead", "executive", "auditor"])
def test_others_neither_tick_milestones_nor_add_notes(org: Org, who: str) -> None:
    cid = _with_sales(org)
    org.app.add_milestone(org.support_lead, cid, text="Pilot live")
    with refused(org.app, NotAllowed):
        org.app.tick_milestone(getattr(org, who), cid, milestone_id="M1")
    with refused(org.app, NotAllowed):
        org.app.add_note(getattr(org, who), cid, text="Hello")


# Milestones


def test_progress_follows_the_milestones_ticked(org: Org) -> None:
    cid = org.commitment()
    org.app.report_progress(org.support_lead, cid, percent=20)
    for text in ("Queues mapped", "Agents trained", "Pilot live"):
        org.app.add_milestone(org.support_lead, cid, text=text)
    assert org.app.commitment(cid)["progress"] == 0
    org.app.tick_milestone(org.support_lead, cid, milestone_id="M1")
    assert org.app.commitment(cid)["progress"] == 33
    org.app.tick_milestone(org.cco, cid, milestone_id="M2")
    assert org.app.commitment(cid)["progress"] == 66
    org.app.remove_milestone(org.support_lead, cid, milestone_id="M3")
    assert org.app.commitment(cid)["progress"] == 100
    org.app.tick_milestone(org.support_lead, cid, milestone_id="M2", ticked=False)
    assert org.app.commitment(cid)["progress"] == 50
    assert [(m["id"], m["ticked"]) for m in org.app.commitment(cid)["milestones"]] == [
        ("M1", True), ("M2", False)]


def test_with_milestones_a_typed_percentage_is_refused_with_a_clear_message(org: Org) -> None:
    cid = org.commitment()
    org.app.add_milestone(org.support_lead, cid, text="Pilot live")
    with refused(org.app, Invalid, "percent") as caught:
        org.app.report_progress(org.support_lead, cid, percent=50)
    assert "follows its milestones" in caught.value.errors["percent"]


def test_without_milestones_left_progress_stays_and_can_be_typed_again(org: Org) -> None:
    cid = org.commitment()
    org.app.add_milestone(org.support_lead, cid, text="Pilot live")
    org.app.add_milestone(org.support_lead, cid, text="Rolled out")
    org.app.tick_milestone(org.support_lead, cid, milestone_id="M1")
    org.app.remove_milestone(org.support_lead, cid, milestone_id="M2")
    org.app.remove_milestone(org.support_lead, cid, milestone_id="M1")
    assert org.app.commitment(cid)["progress"] == 100
    org.app.report_progress(org.support_lead, cid, percent=80)
    assert org.app.commitment(cid)["progress"] == 80
    org.app.add_milestone(org.support_lead, cid, text="A third step")
    assert [m["id"] for m in org.app.commitment(cid)["milestones"]] == ["M3"]  # ids never reused


@pytest.mark.parametrize("text, field", [("", "text"), ("ok", "text"), ("x" * 201, "text")])
def test_a_milestone_has_a_short_text(org: Org, text: str, field: str) -> None:
    cid = org.commitment()
    with refused(org.app, Invalid, field):
        org.app.add_milestone(org.support_lead, cid, text=text)


def test_milestone_refusals_name_what_is_wrong(org: Org) -> None:
    cid = org.commitment()
    org.app.add_milestone(org.support_lead, cid, text="Pilot live")
    with refused(org.app, Invalid, "text"):
        org.app.add_milestone(org.support_lead, cid, text="pilot LIVE")
    with refused(org.app, Invalid, "milestone"):
        org.app.tick_milestone(org.support_lead, cid, milestone_id="M9")
    with refused(org.app, Invalid, "milestone"):
        org.app.tick_milestone(org.support_lead, cid, milestone_id="M1", ticked=False)
    org.app.tick_milestone(org.support_lead, cid, milestone_id="M1")
    with refused(org.app, Invalid, "milestone"):
        org.app.tick_milestone(org.support_lead, cid, milestone_id="M1")
    org.app.remove_milestone(org.support_lead, cid, milestone_id="M1")
    with refused(org.app, Invalid, "milestone"):
        org.app.remove_milestone(org.support_lead, cid, milestone_id="M1")


def test_completing_leaves_the_milestones_and_makes_progress_whole(org: Org) -> None:
    cid = org.commitment()
    org.app.add_milestone(org.support_lead, cid, text="Pilot live")
    org.app.complete(org.support_lead, cid, evidence="Done without the pilot")
    found = org.app.commitment(cid)
    assert (found["progress"], found["status"], len(found["milestones"])) == (100, "completed", 1)
    with refused(org.app, Invalid, "commitment"):
        org.app.tick_milestone(org.support_lead, cid, milestone_id="M1")


# Who reads the overview


def test_the_overview_is_open_to_every_role_until_the_cco_closes_it(org: Org) -> None:
    assert org.app.plan()["overview_readers"] == list(OVERVIEW_ROLES)
    start = org.app.head() + 1
    org.app.change_overview_access(org.cco, readers=["executive", "auditor"],
                                   reason="Leads see their own board until the spring review")
    [changed] = decoded_events(org.app, start)
    assert type(changed).__name__ == "OverviewAccessChanged"
    assert (changed.readers, changed.actor) == (["executive", "auditor"], org.cco)
    assert changed.reason.startswith("Leads see")
    assert org.app.plan()["overview_readers"] == ["executive", "auditor"]


@pytest.mark.parametrize("who", ["support_lead", "executive", "auditor"])
def test_only_the_cco_decides_who_reads_the_overview(org: Org, who: str) -> None:
    with refused(org.app, NotAllowed):
        org.app.change_overview_access(getattr(org, who), readers=[], reason="Why not")


@pytest.mark.parametrize("readers, reason, field", [
    (["lead", "executive", "auditor"], "No change", "readers"),
    (["cco"], "The CCO always reads it", "readers"),
    (["boss"], "Unknown role", "readers"),
    ([], " ", "reason"),
])
def test_an_overview_change_names_known_roles_changes_something_and_says_why(
    org: Org, readers: list[str], reason: str, field: str
) -> None:
    with refused(org.app, Invalid, field):
        org.app.change_overview_access(org.cco, readers=readers, reason=reason)


@pytest.mark.parametrize("grants, readers, reads", [
    ({(CCO, None)}, (), True),
    ({(LEAD, "sales")}, OVERVIEW_ROLES, True),
    ({(LEAD, "sales")}, (EXECUTIVE, AUDITOR), False),
    ({(EXECUTIVE, None)}, (EXECUTIVE,), True),
    ({(AUDITOR, None)}, (EXECUTIVE,), False),
    (set(), OVERVIEW_ROLES, False),
])
def test_roles_decide_who_reads_the_overview(
    grants: set[tuple[str, str | None]], readers: tuple[str, ...], reads: bool
) -> None:
    assert Roles(frozenset(grants)).reads_overview(readers) is reads
    assert Roles(frozenset(grants), active=False).reads_overview(readers) is False
