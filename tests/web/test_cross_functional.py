"""Shared understanding and cross-functional commitments in the web UI: the overview pages for
every member with a role (and closed to roles by the CCO on the plan page), contributing
departments on the boards and in accountability, milestones on the commitment's page (every form
posted plainly, without JavaScript, and through htmx)."""

from __future__ import annotations

import re
from uuid import UUID

import pytest

from tests.conftest import Org
from tests.web.conftest import post_form
from tests.web.test_lead_board import html_of

OVERVIEW = ("/dashboard/", "/timeline/", "/timeline/chart", "/accountability/", "/report/",
            "/exports/accountability-departments.csv")


@pytest.fixture
def buying(web_org: Org) -> UUID:
    """A Sales commitment with Customer Service and IT contributing and three milestones, one
    ticked."""
    app, lead = web_org.app, web_org.sales_lead
    cid = web_org.commitment(department="sales", owner="lead.sales@example.com", actor=lead,
                             title="Quote to contract in one day")
    app.add_contributor(lead, cid, department="customer-service")
    app.add_contributor(lead, cid, department="it")
    for text in ("Quote template agreed", "E-signature live", "Contract sent within a day"):
        app.add_milestone(lead, cid, text=text)
    app.tick_milestone(lead, cid, milestone_id="M1")
    return cid


@pytest.mark.parametrize("role", ["support_lead", "executive", "auditor", "cco"])
def test_every_member_with_a_role_reads_the_overview_pages_and_sees_them_in_the_nav(
    client_for, role, buying
):
    client = client_for(role)
    for path in OVERVIEW:
        assert client.get(path).status_code == 200, path
    nav = html_of(client, "/plan/").split('<nav class="nav"')[1].split("</nav>")[0]
    assert all(f'href="{p}"' in nav for p in ("/dashboard/", "/timeline/", "/accountability/", "/report/"))


def test_the_cco_closes_the_overview_to_leads_with_a_plain_form_and_a_reason(client_for, web_org):
    cco = client_for("cco")
    plan = html_of(cco, "/plan/")
    assert "every member with a role reads them" in plan
    response = post_form(cco, "/plan/overview-access", {
        "readers": ["executive", "auditor"], "reason": "Leads review their own board first",
        "expected_version": str(web_org.app.plan()["version"])})  # type: ignore[dict-item]
    assert response.status_code == 302
    assert web_org.app.plan()["overview_readers"] == ["executive", "auditor"]
    assert "the chief customer officer and executive viewers, auditors read them" in html_of(cco, "/plan/")
    lead = client_for("support_lead")
    for path in OVERVIEW:
        response = lead.get(path)
        assert response.status_code == 403, path
        assert "has not opened the overview pages to your role" in response.get_data(as_text=True)
    nav = html_of(lead, "/plan/").split('<nav class="nav"')[1].split("</nav>")[0]
    assert 'href="/dashboard/"' not in nav
    assert client_for("executive").get("/dashboard/").status_code == 200
    assert cco.get("/dashboard/").status_code == 200  # the CCO always reads it


def test_the_overview_form_refuses_without_a_reason_and_answers_htmx_in_place(client_for, web_org):
    cco = client_for("cco")
    refused = post_form(cco, "/plan/overview-access", {"readers": "lead", "reason": ""})
    assert refused.status_code == 400
    assert "a reason is required" in refused.get_data(as_text=True) or "is required" in refused.get_data(as_text=True)
    answer = post_form(cco, "/plan/overview-access", {"readers": "lead", "reason": "Auditors use the audit pages"},
                       htmx=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html and 'id="overview-access"' in html
    assert "Who reads the overview pages is changed." in html


@pytest.mark.parametrize("role", ["support_lead", "executive"])
def test_only_the_cco_is_offered_the_overview_form_and_others_are_refused(client_for, role):
    client = client_for(role)
    assert "/plan/overview-access" not in html_of(client, "/plan/")
    assert post_form(client, "/plan/overview-access", {"readers": "lead", "reason": "Me"}).status_code == 403


def test_a_lead_lands_on_their_own_departments_accountability(client_for, buying):
    html = html_of(client_for("support_lead"), "/accountability/")
    chosen = re.search(r'<option value="([^"]*)" selected', html)
    assert chosen is not None and chosen.group(1) == "customer-service"
    assert "Contributed to" in html


def test_a_contributing_department_sees_the_commitment_on_its_board_marked_contributing(
    client_for, buying
):
    html = html_of(client_for("support_lead"), "/board/")
    assert "Quote to contract in one day" in html
    assert ">contributing</span>" in html
    assert "Includes 1 commitment of other departments that Customer Service contributes to." in html
    sales = html_of(client_for("sales_lead"), "/board/")
    assert "Quote to contract in one day" in sales and ">contributing</span>" not in sales
    assert "With Customer Service, IT" in sales and "1 of 3 milestones" in sales


def test_accountability_counts_what_each_department_contributes_to(client_for, web_org, buying):
    html = html_of(client_for("cco"), "/accountability/?sort=contributed")
    assert "Contributed to" in html
    csv = client_for("cco").get("/exports/accountability-departments.csv").get_data(as_text=True)
    header, *rows = csv.strip().splitlines()
    column = header.split(",").index("contributed")
    figures = {row.split(",")[0]: row.split(",")[column] for row in rows}
    assert (figures["customer-service"], figures["it"], figures["sales"]) == ("1", "1", "0")


def test_the_commitment_page_shows_the_checklist_and_replaces_the_percentage_form(
    client_for, buying
):
    html = html_of(client_for("sales_lead"), f"/commitments/{buying}")
    assert "Milestones" in html and "1 of 3 ticked" in html
    assert html.count('/milestones/M') >= 5  # three tick forms, three removals less the ticked one's tick
    assert "Progress follows the milestones (1 of 3 ticked)" in html
    assert f"/commitments/{buying}/progress" not in html
    assert "Contributing departments" in html and "Add a milestone" in html


def test_a_contributing_lead_ticks_a_milestone_without_javascript_and_progress_follows(
    client_for, web_org, buying
):
    lead = client_for("support_lead")
    page = html_of(lead, f"/commitments/{buying}")
    assert f"/commitments/{buying}/milestones/M2/tick" in page
    assert f"/commitments/{buying}/milestones/M2/removal" not in page  # the owners' to remove
    assert f"/commitments/{buying}/due-date" not in page
    version = str(web_org.app.commitment(buying)["version"])
    response = post_form(lead, f"/commitments/{buying}/milestones/M2/tick", {
        "ticked": "yes", "expected_version": version, "next": f"/commitments/{buying}"},
        page=f"/commitments/{buying}")
    assert response.status_code == 302 and response.headers["Location"] == f"/commitments/{buying}"
    assert web_org.app.commitment(buying)["progress"] == 66
    html = html_of(lead, f"/commitments/{buying}")
    assert "2 of 3 ticked" in html and "by Customer Service Lead" in html


def test_ticking_through_htmx_answers_the_card_and_a_stale_tick_is_a_conflict(
    client_for, web_org, buying
):
    sales = client_for("sales_lead")
    stale = str(web_org.app.commitment(buying)["version"])
    answer = post_form(sales, f"/commitments/{buying}/milestones/M3/tick",
                       {"ticked": "yes", "expected_version": stale, "view": "detail"},
                       htmx=True, page=f"/commitments/{buying}")
    assert answer.status_code == 200 and f'id="card-{buying}"' in answer.get_data(as_text=True)
    refused = post_form(sales, f"/commitments/{buying}/milestones/M1/tick",
                        {"ticked": "no", "expected_version": stale}, page=f"/commitments/{buying}")
    assert refused.status_code == 409
    assert "Someone else changed this first" in refused.get_data(as_text=True)


def test_the_owning_lead_adds_and_removes_contributors_and_milestones_with_plain_forms(
    client_for, web_org, buying
):
    sales = client_for("sales_lead")
    back = f"/commitments/{buying}"
    for path, data in (
        (f"/commitments/{buying}/contributors/it/removal", {}),
        (f"/commitments/{buying}/milestones", {"text": "Legal signed off"}),
        (f"/commitments/{buying}/milestones/M2/removal", {}),
    ):
        response = post_form(sales, path, {**data, "next": back}, page=back)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = web_org.app.commitment(buying)
    assert found["contributors"] == ["customer-service"]
    assert [m["text"] for m in found["milestones"]] == [
        "Quote template agreed", "Contract sent within a day", "Legal signed off"]
    refused = post_form(sales, f"/commitments/{buying}/contributors", {"department": "sales", "next": back},
                        page=back)
    assert refused.status_code == 400 and "owns this commitment" in refused.get_data(as_text=True)


def test_a_typed_percentage_on_a_commitment_with_milestones_is_refused_with_the_reason(
    client_for, buying
):
    response = post_form(client_for("sales_lead"), f"/commitments/{buying}/progress",
                         {"percent": "90"}, page=f"/commitments/{buying}")
    assert response.status_code == 400
    assert "follows its milestones: tick them instead" in response.get_data(as_text=True)
