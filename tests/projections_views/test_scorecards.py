"""Scorecards read model, attainment from the measurements in force at the period's end, the
scorecards as of an instant, and the KPI links in the directory.

The worked example of docs/scorecards.md: NPS (start 12 = baseline, target 20, end 16) is 50 %
attained, at weight 60 that is 30 points; first-contact resolution (start 71 = baseline, target
80, end 77.5) is 72.2 % attained, at weight 40 that is 28.9 points; weighted total 58.9.
"""

from __future__ import annotations

from datetime import date

import pytest

from projections.audit.instants import log_position
from projections.queries import scorecards as q
from tests.conftest import Org
from tests.projections_views.conftest import Views, at, utc
from tracker.domain import scorecard_id

SUPPORT = "lead.customer-service@example.com"


def _q1_scorecard(org: Org) -> str:
    org.app.define_kpi(org.cco, key="fcr", name="First-contact resolution", unit="%",
                       baseline=71, target=85, target_date="2026-12-31",
                       department="customer-service")
    org.app.link_kpi(org.cco, area_kpi="fcr", cx_kpi="nps", reason="Solved first time")
    card = org.app.propose_scorecard(
        org.cco, lead=SUPPORT, period="2026-Q1",
        items=[{"kpi": "nps", "weight": 60, "target": 20}, {"kpi": "fcr", "weight": 40, "target": 80}])
    with at("2026-03-03"):
        org.app.agree_scorecard(org.support_lead, card.id, comment="Agreed")
    with at("2026-03-04"):
        org.app.approve_scorecard(org.executive, card.id)
    with at("2026-03-20"):
        org.app.record_measurement(org.cco, key="nps", value=16)
        org.app.record_measurement(org.cco, key="fcr", value=77.5)
    return str(card.id)


def test_attainment_per_kpi_and_weighted_total(org: Org, views: Views) -> None:
    card_id = _q1_scorecard(org)
    db = views.sync()
    card = q.scorecard(db, card_id)
    assert card is not None and card["status"] == "approved" and card["lead_email"] == SUPPORT
    assert [e["kind"] for e in card["events"]] == [
        "ScorecardProposed", "ScorecardAgreed", "ScorecardApproved"]
    assert q.Attainments(db, date(2026, 3, 31)).of(card) is None  # the period has not ended
    result = q.Attainments(db, date(2026, 4, 15)).of(card)
    assert result is not None
    nps, fcr = result["items"]
    assert (nps["start"], nps["end"], nps["attainment"]) == (12, 16, 50.0)
    assert (fcr["start"], fcr["end"]) == (71, 77.5)
    assert fcr["attainment"] == pytest.approx(72.22, abs=0.01)
    assert result["total"] == pytest.approx(30 + 28.89, abs=0.01)
    assert not result["corrected"]
    assert db.execute("SELECT area_kpi, cx_kpi FROM kpi_links").fetchall() == [("fcr", "nps")]
    assert db.execute("SELECT department FROM kpis WHERE key = 'fcr'").fetchone() == ("customer-service",)


def test_a_later_correction_is_shown_beside_the_figure_not_silently_applied(
    org: Org, views: Views
) -> None:
    card_id = _q1_scorecard(org)
    with at("2026-04-10"):
        org.app.correct_measurement(org.cco, key="fcr", measured_on="2026-03-20", value=79,
                                    reason="Duplicate tickets removed")
    db = views.sync()
    card = q.scorecard(db, card_id)
    assert card is not None
    result = q.Attainments(db, date(2026, 4, 15)).of(card)
    assert result is not None and result["corrected"]
    fcr = result["items"][1]
    assert fcr["end"] == 77.5  # as recorded at the period's end
    assert fcr["corrected"]["end"] == 79
    assert fcr["corrected"]["attainment"] == pytest.approx(88.89, abs=0.01)


def test_lower_is_better_and_clipping() -> None:
    assert q.attainment("down", 48, 24, 36) == 50.0
    assert q.attainment("down", 48, 24, 60) == 0.0
    assert q.attainment("up", 10, 20, 25) == 100.0
    assert q.attainment("up", 25, 20, 22) == 100.0  # started past the target and stayed there
    assert q.attainment("up", 25, 20, 18) == 0.0
    assert q.attainment("up", 10, 20, None) is None


def test_scorecards_as_of_an_instant(org: Org, views: Views) -> None:
    _q1_scorecard(org)
    db = views.sync()
    then = q.scorecards_as_of(db, log_position(db, utc(2026, 3, 3, 12)))
    assert [(c["period"], c["status"]) for c in then] == [("2026-Q1", "agreed")]
    assert q.scorecards_as_of(db, log_position(db, utc(2026, 3, 1))) == []
    now = q.scorecards_as_of(db, log_position(db, utc(2026, 4, 1)))
    assert now[0]["status"] == "approved"
    assert q.periods(db) == ["2026-Q1"]
    assert q.default_period(db, date(2026, 4, 2)) == "2026-Q1"
    assert now[0]["id"] == str(scorecard_id(org.support_lead, "2026-Q1"))
