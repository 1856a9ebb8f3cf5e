"""Area KPIs, their links to CX KPIs, and leader scorecards: rules and who may do what."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from tests.conftest import Org
from tests.core.support import refused
from tracker import clock
from tracker.domain import Period, Scorecard, scorecard_id
from tracker.errors import Invalid, NotAllowed

SUPPORT = "lead.customer-service@example.com"


def area_kpis(org: Org) -> None:
    org.app.define_kpi(org.cco, key="fcr", name="First-contact resolution", unit="%",
                       baseline=71, target=85, target_date="2026-12-31",
                       department="customer-service")
    org.app.define_kpi(org.cco, key="invoice-accuracy", name="Invoice accuracy", unit="%",
                       baseline=96, target=99.5, target_date="2026-12-31", department="sales")


def items(*triples: tuple[str, Any, Any]) -> list[dict[str, Any]]:
    return [{"kpi": k, "weight": w, "target": t} for k, w, t in triples]


def propose(org: Org, period: str = "2026-Q2") -> Any:
    area_kpis(org)
    return org.app.propose_scorecard(
        org.cco, lead=SUPPORT, period=period,
        items=items(("nps", 60, 20), ("fcr", 40, 80)), note="Your first scorecard")


def test_a_kpi_may_belong_to_a_department_and_move_a_cx_kpi(org: Org) -> None:
    area_kpis(org)
    plan = org.app.plan()
    assert plan["kpis"]["fcr"]["department"] == "customer-service"
    assert plan["kpis"]["nps"]["department"] is None
    org.app.link_kpi(org.cco, area_kpi="fcr", cx_kpi="nps", reason="Solved first time, promoters")
    assert org.app.plan()["kpi_links"] == [("fcr", "nps")]
    with refused(org.app, Invalid, "cx_kpi"):
        org.app.link_kpi(org.cco, area_kpi="fcr", cx_kpi="nps", reason="again")
    with refused(org.app, Invalid, "area_kpi"):
        org.app.link_kpi(org.cco, area_kpi="nps", cx_kpi="fcr", reason="backwards")
    with refused(org.app, NotAllowed):
        org.app.link_kpi(org.support_lead, area_kpi="fcr", cx_kpi="nps", reason="x")
    org.app.unlink_kpi(org.cco, area_kpi="fcr", cx_kpi="nps", reason="Measured differently now")
    assert org.app.plan()["kpi_links"] == []
    with refused(org.app, Invalid, "department"):
        org.app.define_kpi(org.cco, key="x", name="X", unit="", baseline=1, target=2,
                           target_date="2026-12-31", department="nowhere")


def test_periods_are_quarters_or_years() -> None:
    assert Period.parse("2026-Q1").end.isoformat() == "2026-03-31"
    assert Period.parse("2026-Q4").end.isoformat() == "2026-12-31"
    assert Period.parse("2026").start.isoformat() == "2026-01-01"
    assert Period.of_day(Period.parse("2026-Q1").start, -1).label == "2025-Q4"
    for bad in ("2026-Q5", "26-Q1", "2026Q1", "", "1800", "2026-q1 extra"):
        with pytest.raises(Invalid):
            Period.parse(bad)


def test_the_cco_proposes_the_lead_agrees_an_executive_approves(org: Org) -> None:
    receipt = propose(org)
    card_id = scorecard_id(org.support_lead, "2026-Q2")
    assert receipt.id == card_id
    card = org.app.repository.get(card_id)
    assert isinstance(card, Scorecard) and card.status == "proposed"
    with refused(org.app, Invalid, "status"):  # not agreed yet
        org.app.approve_scorecard(org.executive, card_id)
    org.app.request_scorecard_change(org.support_lead, card_id, comment="FCR target too steep")
    org.app.revise_scorecard(org.cco, card_id, items=items(("nps", 60, 20), ("fcr", 40, 78)),
                             reason="FCR target eased to 78 %")
    org.app.agree_scorecard(org.support_lead, card_id, comment="Fair")
    org.app.approve_scorecard(org.executive, card_id, comment="Approved")
    card = org.app.repository.get(card_id)
    assert (card.status, card.revision) == ("approved", 2)
    with refused(org.app, Invalid, "status"):
        org.app.approve_scorecard(org.executive, card_id)


def test_a_revision_after_agreement_needs_agreement_again(org: Org) -> None:
    card_id = propose(org).id
    org.app.agree_scorecard(org.support_lead, card_id)
    org.app.revise_scorecard(org.cco, card_id, items=items(("nps", 50, 20), ("fcr", 50, 80)),
                             reason="Balance")
    assert org.app.repository.get(card_id).status == "proposed"
    with refused(org.app, Invalid, "status"):
        org.app.approve_scorecard(org.executive, card_id)


def test_who_may_do_what(org: Org) -> None:
    area_kpis(org)
    for actor in (org.support_lead, org.executive, org.auditor):
        with refused(org.app, NotAllowed):
            org.app.propose_scorecard(actor, lead=SUPPORT, period="2026-Q2",
                                      items=items(("nps", 100, 20)))
    card_id = org.app.propose_scorecard(org.cco, lead=SUPPORT, period="2026-Q2",
                                        items=items(("nps", 100, 20))).id
    for actor in (org.cco, org.it_lead, org.executive, org.auditor):
        with refused(org.app, NotAllowed):
            org.app.agree_scorecard(actor, card_id)
        with refused(org.app, NotAllowed):
            org.app.request_scorecard_change(actor, card_id, comment="no")
    for actor in (org.support_lead, org.it_lead, org.executive, org.auditor):
        with refused(org.app, NotAllowed):
            org.app.revise_scorecard(actor, card_id, items=items(("nps", 100, 25)), reason="x")
    org.app.agree_scorecard(org.support_lead, card_id)
    for actor in (org.cco, org.support_lead, org.auditor):
        with refused(org.app, NotAllowed):
            org.app.approve_scorecard(actor, card_id)
    org.app.approve_scorecard(org.executive, card_id)


@pytest.mark.parametrize(("given", "field"), [
    (items(("nps", 60, 20), ("fcr", 30, 80)), "weights"),
    (items(("nps", 60.5, 20), ("fcr", 40, 80)), "weight_1"),
    (items(("nps", "0", 20), ("fcr", 100, 80)), "weight_1"),
    (items(("nps", 60, 20), ("nope", 40, 80)), "kpi_2"),
    (items(("nps", 60, 20), ("nps", 40, 80)), "kpi_2"),
    (items(("nps", 60, 20), ("invoice-accuracy", 40, 99)), "kpi_2"),
    (items(("nps", 60, "lots"), ("fcr", 40, 80)), "target_1"),
    (items(("nps", 60, 20), ("fcr", 40, 180)), "target_2"),
    ([], "items"),
])
def test_bad_scorecards_record_nothing(org: Org, given: list[dict[str, Any]], field: str) -> None:
    area_kpis(org)
    with refused(org.app, Invalid, field):
        org.app.propose_scorecard(org.cco, lead=SUPPORT, period="2026-Q2", items=given)


def test_bad_period_lead_and_retired_kpis_are_refused(org: Org) -> None:
    area_kpis(org)
    with refused(org.app, Invalid, "period"):
        org.app.propose_scorecard(org.cco, lead=SUPPORT, period="Q2", items=items(("nps", 100, 20)))
    with refused(org.app, Invalid, "lead"):
        org.app.propose_scorecard(org.cco, lead="ceo@example.com", period="2026-Q2",
                                  items=items(("nps", 100, 20)))
    org.app.retire_kpi(org.cco, key="fcr", reason="Replaced")
    with refused(org.app, Invalid, "kpi_2"):
        org.app.propose_scorecard(org.cco, lead=SUPPORT, period="2026-Q2",
                                  items=items(("nps", 60, 20), ("fcr", 40, 80)))
    org.app.propose_scorecard(org.cco, lead=SUPPORT, period="2026-Q2", items=items(("nps", 100, 20)))
    with refused(org.app, Invalid, "period"):  # one per lead and period
        org.app.propose_scorecard(org.cco, lead=SUPPORT, period="2026-Q2",
                                  items=items(("nps", 100, 20)))


def test_an_approved_scorecard_whose_period_has_ended_stands_as_approved(org: Org) -> None:
    with clock.frozen_at(datetime(2026, 5, 10, 9, tzinfo=timezone.utc)):
        card_id = propose(org, "2026-Q2").id
        org.app.agree_scorecard(org.support_lead, card_id)
        org.app.approve_scorecard(org.executive, card_id)
        # Within the period a revision reopens it: the lead agrees again, an executive approves.
        org.app.revise_scorecard(org.cco, card_id, items=items(("nps", 50, 20), ("fcr", 50, 80)),
                                 reason="Balance")
        org.app.agree_scorecard(org.support_lead, card_id)
        org.app.approve_scorecard(org.executive, card_id)
    with clock.frozen_at(datetime(2026, 7, 1, 8, tzinfo=timezone.utc)):
        with refused(org.app, Invalid, "status") as caught:
            org.app.revise_scorecard(org.cco, card_id, items=items(("nps", 70, 20), ("fcr", 30, 80)),
                                     reason="After the fact")
        assert "stands as approved" in caught.value.errors["status"]
        assert org.app.repository.get(card_id).revision == 2
