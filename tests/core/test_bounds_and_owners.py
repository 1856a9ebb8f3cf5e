"""Issue 10: the bounds of every value the domain accepts (dates, numbers, texts), who may own a
commitment, who may be credited with help, and refusals that name what they refuse."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from tests.conftest import PASSWORD, Org
from tests.core.support import refused
from tracker.domain import rules
from tracker.errors import Invalid, NotFound

OWNER = "lead.customer-service@example.com"


@pytest.fixture
def commitment(org: Org) -> UUID:
    return org.commitment()


# Dates: 1900-01-01 .. 2199-12-31, both accepted; a day beyond either is refused with the window.

@pytest.mark.parametrize("due", ["2199-12-31", date(2199, 12, 31)])
def test_a_due_date_may_be_the_last_day_of_the_window(org: Org, due: object) -> None:
    cid = org.commitment(due_date=due)
    assert org.app.commitment(cid)["due_date"] == date(2199, 12, 31)


@pytest.mark.parametrize("due", ["2200-01-01", "9999-12-31", date(9999, 12, 31)])
def test_a_due_date_beyond_the_window_is_refused_with_the_window(org: Org, due: object) -> None:
    with refused(org.app, Invalid, "due_date") as refusal:
        org.commitment(due_date=due)
    assert "1900-01-01 to 2199-12-31" in refusal.value.errors["due_date"]


def test_moving_a_due_date_beyond_the_window_is_refused(org: Org, commitment: UUID) -> None:
    with refused(org.app, Invalid, "due_date"):
        org.app.move_due_date(org.support_lead, commitment, due_date="9999-12-31", reason="Later")


@pytest.mark.parametrize("target_date", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_kpi_target_date_outside_the_window_is_refused(org: Org, target_date: str) -> None:
    with refused(org.app, Invalid, "target_date"):
        org.app.define_kpi(org.cco, key="csat", name="CSAT", unit="%", baseline=70, target=80,
                           target_date=target_date)


def test_a_measurement_before_the_window_is_refused_and_its_first_day_accepted(org: Org) -> None:
    with refused(org.app, Invalid, "measured_on"):
        org.app.record_measurement(org.cco, key="nps", value=20, measured_on="0001-01-01")
    org.app.record_measurement(org.cco, key="nps", value=20, measured_on="1900-01-01")


# Numbers: finite, at most 10^15 in size.

@pytest.mark.parametrize("value", ["1e15", -1e15, 10**15, "-1000000000000000"])
def test_numbers_up_to_ten_to_the_fifteen_are_accepted(value: object) -> None:
    assert abs(rules.number("value", value)) == 1e15


@pytest.mark.parametrize("value", ["1e308", -1e308, 10**400, "1e400", "nan", "-inf",
                                   float("nan"), float("inf"), "1000000000000001", True, None])
def test_numbers_beyond_the_bound_or_not_finite_are_refused(org: Org, value: object) -> None:
    with refused(org.app, Invalid, "value"):
        org.app.record_measurement(org.cco, key="nps", value=value)  # type: ignore[arg-type]


def test_a_kpi_with_a_huge_baseline_is_refused_naming_the_field(org: Org) -> None:
    with refused(org.app, Invalid) as refusal:
        org.app.define_kpi(org.cco, key="csat", name="CSAT", unit="%", baseline=-1e308,
                           target=1e308, target_date="2026-12-31")
    assert set(refusal.value.errors) == {"baseline", "target"}


# Texts: every field has a length limit and refuses control characters.

def test_a_title_too_long_is_refused_with_its_limit(org: Org) -> None:
    with refused(org.app, Invalid, "title") as refusal:
        org.commitment(title="x" * 201)
    assert "at most 200" in refusal.value.errors["title"]


@pytest.mark.parametrize("bad", ["nul\x00byte", "lone \ud800"])
def test_nul_and_lone_surrogates_are_refused(org: Org, commitment: UUID, bad: str) -> None:
    with refused(org.app, Invalid, "text"):
        org.app.add_note(org.support_lead, commitment, text=bad)


def test_tabs_and_line_breaks_are_kept(org: Org, commitment: UUID) -> None:
    org.app.add_note(org.support_lead, commitment, text="line one\r\n\tline two")


@pytest.mark.parametrize("percent", ["9" * 5000, "1000", "²", "-1", "101"])
def test_a_percentage_of_any_length_is_refused_with_a_message(org: Org, commitment: UUID,
                                                               percent: str) -> None:
    with refused(org.app, Invalid, "percent"):
        org.app.report_progress(org.support_lead, commitment, percent=percent)


# Owners who can act (item 10).

@pytest.mark.parametrize("email, why", [
    ("ceo@example.com", "cannot own"), ("auditor@example.com", "cannot own"),
    ("lead.it@example.com", "cannot own"), ("nobody.here@example.com", "no member"),
])
def test_a_commitment_is_handed_only_to_someone_who_can_act_for_its_department(
    org: Org, commitment: UUID, email: str, why: str
) -> None:
    with refused(org.app, Invalid, "new_owner") as refusal:
        org.app.hand_over(org.support_lead, commitment, new_owner=email, reason="Reorg")
    message = refusal.value.errors["new_owner"]
    assert why in message and email in message


def test_a_commitment_is_made_only_for_an_owner_who_can_act_for_its_department(org: Org) -> None:
    with refused(org.app, Invalid, "owner") as refusal:
        org.commitment(owner="lead.sales@example.com")
    assert "'customer-service'" in refusal.value.errors["owner"]


def test_a_deactivated_lead_cannot_be_given_a_commitment(org: Org, commitment: UUID) -> None:
    org.app.register_member(org.cco, email="second@example.com", name="Second Lead",
                            password=PASSWORD, role="lead", department="customer-service")
    org.app.deactivate_member(org.cco, email="second@example.com", reason="Left")
    with refused(org.app, Invalid, "new_owner") as refusal:
        org.app.hand_over(org.support_lead, commitment, new_owner="second@example.com", reason="x")
    assert "deactivated" in refusal.value.errors["new_owner"]


def test_a_second_lead_of_the_department_and_the_cco_can_own(org: Org, commitment: UUID) -> None:
    org.app.register_member(org.cco, email="second@example.com", name="Second Lead",
                            password=PASSWORD, role="lead", department="customer-service")
    org.app.hand_over(org.support_lead, commitment, new_owner="second@example.com", reason="Cover")
    org.app.hand_over(org.support_lead, commitment, new_owner="cco@example.com", reason="Escalate")
    assert org.app.commitment(commitment)["owner_id"] == org.cco


# Help is credited only to a department that was asked (item 6).

def test_help_is_credited_only_to_a_department_asked_on_that_roadblock(
    org: Org, commitment: UUID
) -> None:
    rid = org.app.raise_roadblock(org.support_lead, commitment, description="CRM fields missing",
                                  help_from="it").roadblock_id
    with refused(org.app, Invalid, "helped_by") as refusal:
        org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=rid,
                                  resolution="Sales found the fields", helped_by="sales")
    assert "asked" in refusal.value.errors["helped_by"]
    org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=rid,
                              resolution="IT added the fields", helped_by="it")


def test_help_asked_on_another_roadblock_does_not_count(org: Org, commitment: UUID) -> None:
    org.app.raise_roadblock(org.support_lead, commitment, description="Budget", help_from="sales")
    rid = org.app.raise_roadblock(org.support_lead, commitment, description="CRM").roadblock_id
    with refused(org.app, Invalid, "helped_by"):
        org.app.resolve_roadblock(org.support_lead, commitment, roadblock_id=rid,
                                  resolution="Sales helped anyway", helped_by="sales")


# Messages that name what they refuse (item 9).

def test_member_not_found_names_the_email(org: Org) -> None:
    with pytest.raises(NotFound) as refusal:
        org.app.grant_role(org.cco, email="missing@example.com", role="executive")
    assert "missing@example.com" in str(refusal.value)
