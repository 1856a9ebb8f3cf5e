"""The invariants of the plan: departments, journeys, the vision, KPIs and their measurements."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import PASSWORD, Org
from tests.core.support import refused
from tracker.application import CxTracker
from tracker.errors import Invalid


def test_initialising_an_installation_that_already_has_a_plan_is_refused(org: Org) -> None:
    with refused(org.app, Invalid, "plan_name"):
        org.app.initialise(plan_name="Another plan", vision="", email="new.cco@example.com",
                           name="New CCO", password=PASSWORD)


@pytest.mark.parametrize(("field", "overrides"), [
    ("plan_name", {"plan_name": ""}),
    ("email", {"email": "not-an-email"}),
    ("name", {"name": " "}),
    ("password", {"password": "short"}),
])
def test_initialising_needs_a_plan_name_and_a_valid_first_cco(
    app: CxTracker, field: str, overrides: dict[str, str]
) -> None:
    fields = dict(plan_name="Acme CX plan", vision="", email="cco@example.com", name="Cara",
                  password=PASSWORD)
    with refused(app, Invalid, field):
        app.initialise(**{**fields, **overrides})
    assert not app.has_plan()


# Departments


def test_a_department_slug_is_unique_in_the_plan(org: Org) -> None:
    with refused(org.app, Invalid, "slug"):
        org.app.add_department(org.cco, "it", "Information Technology")


@pytest.mark.parametrize("name", ["Sales", "sales", "  SALES  "])
def test_a_department_name_is_unique_in_the_plan_ignoring_case(org: Org, name: str) -> None:
    with refused(org.app, Invalid, "name"):
        org.app.add_department(org.cco, "sales-2", name)


@pytest.mark.parametrize("slug", ["Marketing", "market ing", "marketing-", "", "-x", "a--b"])
def test_a_department_slug_is_lower_case_words_joined_by_single_hyphens(org: Org, slug: str) -> None:
    with refused(org.app, Invalid, "slug"):
        org.app.add_department(org.cco, slug, "Marketing")


# Journeys


def test_a_journey_key_is_unique_in_the_plan(org: Org) -> None:
    with refused(org.app, Invalid, "key"):
        org.app.define_journey(org.cco, "support", "Support again", "it")


def test_a_journey_is_led_by_a_department_of_the_plan(org: Org) -> None:
    with refused(org.app, Invalid, "lead_department"):
        org.app.define_journey(org.cco, "onboarding", "Onboarding", "marketing")


def test_a_journey_lead_changes_only_to_another_department_of_the_plan(org: Org) -> None:
    with refused(org.app, Invalid, "lead_department"):
        org.app.change_journey_lead(org.cco, "support", "customer-service")
    with refused(org.app, Invalid, "lead_department"):
        org.app.change_journey_lead(org.cco, "support", "marketing")
    org.app.change_journey_lead(org.cco, "support", "it")
    assert org.app.plan()["journeys"]["support"]["lead_department"] == "it"


def test_only_a_defined_journey_changes_its_lead(org: Org) -> None:
    with refused(org.app, Invalid, "key"):
        org.app.change_journey_lead(org.cco, "renewal", "sales")


# The vision


@pytest.mark.parametrize("vision", ["", "   ", None])
def test_a_revised_vision_is_not_empty(org: Org, vision: object) -> None:
    with refused(org.app, Invalid, "vision"):
        org.app.revise_vision(org.cco, vision)  # type: ignore[arg-type]


def test_a_department_endorses_each_revision_of_the_vision_once(org: Org) -> None:
    org.app.endorse_vision(org.support_lead, "customer-service")
    with refused(org.app, Invalid, "department"):
        org.app.endorse_vision(org.support_lead, "customer-service")
    org.app.revise_vision(org.cco, "Customers never have to ask twice.")
    org.app.endorse_vision(org.support_lead, "customer-service")
    assert org.app.plan()["endorsements"] == {"customer-service": 2}


def test_only_a_department_of_the_plan_endorses_the_vision(org: Org) -> None:
    with refused(org.app, Invalid, "department"):
        org.app.endorse_vision(org.cco, "marketing")


# KPIs

KPI = dict(key="csat", name="Customer satisfaction", unit="%", baseline=71, target=85,
           target_date="2026-12-31")


def test_a_kpi_key_is_unique_in_the_plan(org: Org) -> None:
    with refused(org.app, Invalid, "key"):
        org.app.define_kpi(org.cco, **{**KPI, "key": "nps"})


@pytest.mark.parametrize(("field", "value"), [
    ("key", "CSAT"), ("name", ""), ("baseline", "high"), ("baseline", float("nan")),
    ("target", "inf"), ("target", 71), ("target_date", "end of year"), ("direction", "sideways"),
])
def test_a_kpi_is_defined_with_a_slug_a_name_finite_distinct_numbers_a_date_and_a_direction(
    org: Org, field: str, value: object
) -> None:
    with refused(org.app, Invalid, field):
        org.app.define_kpi(org.cco, **{**KPI, field: value})


@pytest.mark.parametrize(("baseline", "target", "direction"), [
    (71, 85, "up"), (8, 4, "down"), ("8", "4.5", "down"), (-3, 0, "up"),
])
def test_a_kpi_direction_is_derived_from_baseline_and_target_when_not_given(
    org: Org, baseline: object, target: object, direction: str
) -> None:
    org.app.define_kpi(org.cco, **{**KPI, "unit": "points", "baseline": baseline, "target": target})
    assert org.app.plan()["kpis"]["csat"]["direction"] == direction


def test_a_kpi_is_stored_with_numbers_and_a_business_date(org: Org) -> None:
    org.app.define_kpi(org.cco, **{**KPI, "baseline": "71.5"})
    assert org.app.plan()["kpis"]["csat"] == {
        "key": "csat", "name": "Customer satisfaction", "unit": "%", "baseline": 71.5,
        "target": 85.0, "target_date": date(2026, 12, 31), "direction": "up", "department": None,
    }


@pytest.mark.parametrize("value", ["abc", "", "nan", "inf", "-inf", float("nan"), float("inf"),
                                   True, None, [1]])
def test_a_measurement_is_a_finite_number(org: Org, value: object) -> None:
    with refused(org.app, Invalid, "value"):
        org.app.record_measurement(org.cco, key="nps", value=value, measured_on="2026-03-01")


@pytest.mark.parametrize("measured_on", ["2026-03-03", "2027-01-01", "last week"])
def test_a_measurement_is_dated_and_not_in_the_future(org: Org, measured_on: str) -> None:
    with refused(org.app, Invalid, "measured_on"):
        org.app.record_measurement(org.cco, key="nps", value=20, measured_on=measured_on)


def test_a_measurement_is_recorded_only_for_a_kpi_of_the_plan(org: Org) -> None:
    with refused(org.app, Invalid, "key"):
        org.app.record_measurement(org.cco, key="churn", value=3, measured_on="2026-03-01")


@pytest.mark.parametrize(("value", "measured_on"), [(17, "2026-03-02"), ("-4.25", "2025-12-31"),
                                                    (0, None)])
def test_a_measurement_of_today_or_earlier_is_recorded(
    org: Org, value: object, measured_on: str | None
) -> None:
    head = org.app.head()
    org.app.record_measurement(org.cco, key="nps", value=value, measured_on=measured_on)
    assert org.app.head() == head + 1


def test_a_kpi_direction_that_contradicts_baseline_and_target_is_refused(org: Org) -> None:
    with refused(org.app, Invalid, "direction"):
        org.app.define_kpi(org.cco, key="frt", name="First response", unit="hours", baseline=8,
                           target=4, target_date="2026-12-31", direction="up")
