"""/scorecards/: the CCO proposes, the lead agrees or asks for a change, an executive approves,
the page shows every leader's scorecard with attainment once the period has ended; who may
read and do what, with plain forms (4xx on refusal) and htmx."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import Org
from tests.web.cco_helpers import page
from tests.web.conftest import post_form
from tracker import clock
from tracker.domain import scorecard_id

SUPPORT = "lead.customer-service@example.com"


def _form(client, path: str, data: dict[str, str], htmx: bool = False):  # type: ignore[no-untyped-def]
    return post_form(client, path, data, htmx=htmx, page="/scorecards/")


def _propose(client) -> object:  # type: ignore[no-untyped-def]
    return _form(client, "/scorecards/", {
        "lead": f"{SUPPORT}|customer-service", "period": "2026-Q1", "note": "Your Q1 card",
        "kpi_1": "nps", "weight_1": "70", "target_1": "20",
        "kpi_2": "fcr", "weight_2": "30", "target_2": "80"})


def _area_kpi(org: Org) -> None:
    org.app.define_kpi(org.cco, key="fcr", name="First-contact resolution", unit="%",
                       baseline=71, target=85, target_date="2026-12-31",
                       department="customer-service")


def test_propose_agree_approve_through_the_web(client_for, web_org: Org) -> None:
    _area_kpi(web_org)
    cco, lead, ceo = client_for("cco"), client_for("support_lead"), client_for("executive")
    response = _propose(cco)
    assert response.status_code == 302
    card = str(scorecard_id(web_org.support_lead, "2026-Q1"))
    assert response.headers["Location"].endswith(f"/scorecards/{card}")
    html = page(lead, f"/scorecards/{card}")
    assert "Agree to this scorecard" in html and "Approve scorecard" not in html
    assert "Your Q1 card" in html
    version = web_org.app.repository.get(scorecard_id(web_org.support_lead, "2026-Q1")).version
    response = _form(lead, f"/scorecards/{card}/agree",
                     {"action": "agree", "comment": "Fine by me", "expected_version": str(version)},
                     htmx=True)
    assert response.status_code == 200
    assert "Agreed; an executive is asked to approve it." in response.get_data(as_text=True)
    html = page(ceo, f"/scorecards/{card}")
    assert "Approve scorecard" in html and "Agree to this scorecard" not in html
    assert _form(ceo, f"/scorecards/{card}/approve", {"comment": ""}).status_code == 302
    assert web_org.app.repository.get(scorecard_id(web_org.support_lead, "2026-Q1")).status == "approved"
    with clock.frozen_at(datetime.fromisoformat("2026-04-01T08:00:00+00:00")):  # Q1 is over
        html = page(cco, f"/scorecards/{card}")
        assert "stands as approved" in html and "Revise scorecard" not in html
        refused = _form(cco, f"/scorecards/{card}/revise", {
            "kpi_1": "nps", "weight_1": "50", "target_1": "20", "kpi_2": "fcr", "weight_2": "50",
            "target_2": "80", "reason": "After the fact",
            "expected_version": str(web_org.app.repository.get(scorecard_id(web_org.support_lead, "2026-Q1")).version)})
        assert refused.status_code == 400 and "stands as approved" in refused.get_data(as_text=True)
    with clock.frozen_at(datetime.fromisoformat("2026-03-20T10:00:00+00:00")):
        web_org.app.record_measurement(web_org.cco, key="nps", value=16)
        web_org.app.record_measurement(web_org.cco, key="fcr", value=77.5)
    with clock.frozen_at(datetime.fromisoformat("2026-04-02T10:00:00+00:00")):
        html = page(ceo, "/scorecards/?period=2026-Q1")
        assert "Weighted total" in html and "Customer Service Lead" in html
        assert "50.0 %" in html and "72.2 %" in html  # NPS 12 -> 16 of 20; FCR 71 -> 77.5 of 80
        assert "56.7" in html  # 70 x 50 % + 30 x 72.2 %


def test_who_may_read_and_do_what(client_for, web_org: Org) -> None:
    _area_kpi(web_org)
    cco = client_for("cco")
    for role in ("support_lead", "it_lead", "executive", "auditor"):
        assert _propose(client_for(role)).status_code == 403
    assert _propose(cco).status_code == 302
    card = str(scorecard_id(web_org.support_lead, "2026-Q1"))
    for role in ("cco", "executive", "auditor"):
        client = client_for(role)
        assert _form(client, f"/scorecards/{card}/agree", {"action": "agree"}).status_code == 403
        assert "Customer Service Lead" in page(client, f"/scorecards/{card}")
        assert "Customer Service Lead" in page(client, "/scorecards/?period=2026-Q1")
    assert _form(cco, f"/scorecards/{card}/approve", {}).status_code == 403
    other_lead = client_for("it_lead")
    assert other_lead.get(f"/scorecards/{card}").status_code == 403
    assert "Customer Service" not in page(other_lead, "/scorecards/").split("<main", 1)[1]
    auditor = client_for("auditor")
    assert "Propose a scorecard" not in page(auditor, "/scorecards/")
    assert "Propose a scorecard" in page(cco, "/scorecards/")
    lead_html = page(client_for("support_lead"), "/scorecards/")
    assert "My scorecards" in lead_html and "2026-Q1" in lead_html


def test_bad_input_is_refused_with_messages_and_nothing_recorded(client_for, web_org: Org) -> None:
    cco = client_for("cco")
    head = web_org.app.head()
    response = _form(cco, "/scorecards/", {
        "lead": f"{SUPPORT}|customer-service", "period": "2026-Q9",
        "kpi_1": "nps", "weight_1": "60", "target_1": "20"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was recorded" in html and "2026-Q1" in html
    response = _form(cco, "/scorecards/", {
        "lead": f"{SUPPORT}|customer-service", "period": "2026-Q2",
        "kpi_1": "nps", "weight_1": "60", "target_1": "20"}, htmx=True)
    assert response.status_code == 200
    assert "must add up to exactly 100 %" in response.get_data(as_text=True)
    assert web_org.app.head() == head
    assert cco.get("/scorecards/?period=nonsense").status_code == 400
    assert cco.get("/scorecards/not-a-uuid").status_code == 404


def test_as_of_and_diff_show_the_scorecard_as_it_stood(client_for, web_org: Org) -> None:
    _area_kpi(web_org)
    cco = client_for("cco")
    assert _propose(cco).status_code == 302
    card = scorecard_id(web_org.support_lead, "2026-Q1")
    with clock.frozen_at(datetime.fromisoformat("2026-03-05T10:00:00+00:00")):
        web_org.app.agree_scorecard(web_org.support_lead, card, comment="Agreed on the 5th")
        auditor = client_for("auditor")
        before = page(auditor, "/audit/as-of/scorecards?day=2026-03-04")
        assert "Proposed, awaiting the lead&#39;s agreement" in before
        assert "Agreed, awaiting approval" not in before
        now = page(auditor, "/audit/as-of/scorecards")
        assert "Agreed, awaiting approval" in now
        assert "No scorecard had been proposed by then." in page(
            auditor, "/audit/as-of/scorecards?day=2026-03-01")
        diff = page(auditor, "/audit/diff?fromday=2026-03-04&today=2026-03-05")
        assert "proposed (revision 1) → agreed (revision 1)" in diff
        history = page(auditor, "/audit/history?kind=ScorecardAgreed")
        assert "agreed to the 2026-Q1 scorecard" in history
