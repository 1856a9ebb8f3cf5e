"""The API's reads of leader scorecards: every leader's of a period with attainment for the CCO,
executives and auditors, a lead's own for a lead; one scorecard with its history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Org
from tracker import clock
from tracker.domain import member_id
from web.api import schemas as s

PROBLEM = "application/problem+json"
Token = Callable[..., dict[str, str]]
SUPPORT = "lead.customer-service@example.com"
AFTER_Q1 = datetime.fromisoformat("2026-04-02T10:00:00+00:00")


@pytest.fixture
def card(web_org: Org) -> str:
    """The support lead's 2026-Q1 scorecard, agreed and approved, measured during the quarter."""
    app = web_org.app
    app.define_kpi(web_org.cco, key="fcr", name="First-contact resolution", unit="%",
                   baseline=71, target=85, target_date="2026-12-31", department="customer-service")
    made = app.propose_scorecard(web_org.cco, lead=SUPPORT, period="2026-Q1", note="Your Q1 card",
                                 items=[{"kpi": "nps", "weight": 70, "target": 20},
                                        {"kpi": "fcr", "weight": 30, "target": 80}]).id
    app.agree_scorecard(web_org.support_lead, made, comment="Fine by me")
    app.approve_scorecard(web_org.executive, made)
    with clock.frozen_at(datetime.fromisoformat("2026-03-20T10:00:00+00:00")):
        app.record_measurement(web_org.cco, key="nps", value=16)
        app.record_measurement(web_org.cco, key="fcr", value=77.5)
    return str(made)


@pytest.fixture
def it_card(web_org: Org) -> str:
    return str(web_org.app.propose_scorecard(
        web_org.cco, lead="lead.it@example.com", period="2026-Q1",
        items=[{"kpi": "nps", "weight": 100, "target": 25}]).id)


def test_an_executive_reads_every_leaders_scorecard_of_the_period_with_attainment(
    api: FlaskClient, token_for: Token, card: str, it_card: str
) -> None:
    headers = token_for("executive", scope="read")
    with clock.frozen_at(AFTER_Q1):
        answer = api.get("/api/v1/scorecards?period=2026-Q1", headers=headers)
    assert answer.status_code == 200, answer.json
    s.ScorecardList.model_validate(answer.json)
    assert answer.json["period"] == "2026-Q1" and answer.json["count"] == 2
    cards = {c["id"]: c for c in answer.json["items"]}
    support = cards[card]
    assert (support["status"], support["lead_email"], support["department"]) == (
        "approved", SUPPORT, "customer-service")
    assert support["items"] == [{"kpi": "nps", "weight": 70, "target": 20},
                                {"kpi": "fcr", "weight": 30, "target": 80}]
    attained = support["attainment"]
    # NPS 12 -> 16 of 20 is 50 %; FCR 71 -> 77.5 of 80 is 72.2 %; 70 x 50 % + 30 x 72.2 % = 56.7
    assert [round(i["attainment"], 1) for i in attained["items"]] == [50.0, 72.2]
    assert round(attained["total"], 1) == 56.7 and attained["corrected"] is False
    assert attained["as_of"].startswith("2026-03-31T")
    assert cards[it_card]["status"] == "proposed"


def test_a_correction_after_the_period_is_shown_beside_the_figure_as_recorded(
    api: FlaskClient, token_for: Token, card: str, web_org: Org
) -> None:
    headers = token_for("support_lead", scope="read")
    with clock.frozen_at(datetime.fromisoformat("2026-04-10T10:00:00+00:00")):
        web_org.app.correct_measurement(web_org.cco, key="fcr", measured_on="2026-03-20",
                                        value=79, reason="Duplicate tickets removed")
        answer = api.get(f"/api/v1/scorecards/{card}", headers=headers)
    assert answer.status_code == 200, answer.json
    s.ScorecardWithHistory.model_validate(answer.json)
    attained = answer.json["scorecard"]["attainment"]
    nps, fcr = attained["items"]
    assert attained["corrected"] is True and nps["corrected"] is None
    assert fcr["end"] == 77.5 and round(fcr["attainment"], 1) == 72.2  # as recorded at the end
    assert fcr["corrected"]["end"] == 79 and round(fcr["corrected"]["attainment"], 1) == 88.9


def test_while_the_period_runs_there_is_no_attainment_and_the_default_period_is_the_latest(
    api: FlaskClient, token_for: Token, card: str
) -> None:
    answer = api.get("/api/v1/scorecards", headers=token_for("cco", scope="read")).json
    assert answer["period"] == "2026-Q1"
    assert [(c["id"], c["attainment"]) for c in answer["items"]] == [(card, None)]
    other = api.get("/api/v1/scorecards?period=2026-Q2", headers=token_for("cco", scope="read")).json
    assert (other["period"], other["items"]) == ("2026-Q2", [])


@pytest.mark.parametrize("period", ["Q3-2026", "2026-Q5", "26", "2026-q1x", "0327-Q3", "9999"])
def test_a_period_that_is_no_quarter_or_year_is_a_400_problem(api: FlaskClient, token_for: Token,
                                                              period: str) -> None:
    response = api.get(f"/api/v1/scorecards?period={period}", headers=token_for("auditor"))
    assert response.status_code == 400 and response.mimetype == PROBLEM


def test_a_lead_lists_their_own_scorecards_only(api: FlaskClient, token_for: Token, card: str,
                                                it_card: str) -> None:
    support = api.get("/api/v1/scorecards", headers=token_for("support_lead", scope="read")).json
    assert [c["id"] for c in support["items"]] == [card] and support["period"] is None
    it = api.get("/api/v1/scorecards?period=2026-Q1", headers=token_for("it_lead", scope="read")).json
    assert [c["id"] for c in it["items"]] == [it_card] and it["period"] == "2026-Q1"
    none = api.get("/api/v1/scorecards?period=2025", headers=token_for("it_lead", scope="read")).json
    assert none["items"] == []


@pytest.mark.parametrize("role", ["cco", "executive", "auditor", "support_lead"])
def test_one_scorecard_with_its_history(api: FlaskClient, token_for: Token, card: str,
                                        role: str) -> None:
    answer = api.get(f"/api/v1/scorecards/{card}", headers=token_for(role, scope="read"))
    assert answer.status_code == 200, answer.json
    s.ScorecardWithHistory.model_validate(answer.json)
    assert answer.json["scorecard"]["id"] == card and answer.json["scorecard"]["attainment"] is None
    history = answer.json["history"]
    assert [(e["status"], e["text"]) for e in history] == [
        ("proposed", "Your Q1 card"), ("agreed", "Fine by me"), ("approved", "")]
    assert history[0]["actor_name"] == "Cara Cole"


def test_a_lead_reading_another_leads_scorecard_is_refused(api: FlaskClient, token_for: Token,
                                                           card: str) -> None:
    response = api.get(f"/api/v1/scorecards/{card}", headers=token_for("it_lead", scope="read"))
    assert response.status_code == 403 and response.mimetype == PROBLEM


def test_without_a_token_or_a_role_scorecards_are_refused(api: FlaskClient, flask_app: Flask,
                                                          web_org: Org, card: str) -> None:
    for path in ("/api/v1/scorecards", f"/api/v1/scorecards/{card}"):
        assert api.get(path).status_code == 401
    web_org.app.register_member(web_org.cco, email="nobody@example.com", name="No Role",
                                password="correct-horse")
    made = flask_app.extensions["cx"].tracker.create_token(member_id("nobody@example.com"),
                                                           name="no role", scope="read")
    headers = {"Authorization": f"Bearer {made['token']}"}
    for path in ("/api/v1/scorecards", f"/api/v1/scorecards/{card}"):
        refused = api.get(path, headers=headers)
        assert refused.status_code == 403 and refused.mimetype == PROBLEM


@pytest.mark.parametrize("path", ["/api/v1/scorecards/00000000-0000-0000-0000-000000000000",
                                  "/api/v1/scorecards/not-a-uuid"])
def test_an_unknown_or_malformed_scorecard_id_is_a_404_problem(api: FlaskClient, token_for: Token,
                                                               path: str) -> None:
    response = api.get(path, headers=token_for("executive", scope="read"))
    assert response.status_code == 404 and response.mimetype == PROBLEM
