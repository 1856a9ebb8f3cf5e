"""Who sees the overview pages, and that every one of them obeys the CSP and answers htmx with
its fragment alone."""

from __future__ import annotations

import pytest

from tests.web.cco_helpers import build_scenario, page

OVERVIEWS = ["/dashboard/", "/timeline/", "/timeline/chart", "/accountability/", "/report/"]
EVERYONE = ["/kpis/", "/celebrations/"]


@pytest.mark.parametrize("role", ["cco", "executive", "auditor"])
@pytest.mark.parametrize("path", OVERVIEWS + EVERYONE)
def test_every_overview_page_renders_for_the_cco_executives_and_auditors(client_for, web_org, role, path):
    build_scenario(web_org)
    html = page(client_for(role), path)
    assert "<main" in html and "Something went wrong" not in html


@pytest.mark.parametrize("path", OVERVIEWS)
def test_a_department_lead_reads_the_plan_wide_overviews_until_the_cco_closes_them(
    client_for, web_org, path
):
    page(client_for("support_lead"), path)  # shared understanding: every member with a role
    web_org.app.change_overview_access(web_org.cco, readers=["executive", "auditor"],
                                       reason="Leads start from their own board")
    html = page(client_for("support_lead"), path, status=403)
    assert "has not opened the overview pages to your role" in html


@pytest.mark.parametrize("path", EVERYONE)
def test_a_department_lead_reads_the_kpis_and_the_celebrations_wall(client_for, path):
    page(client_for("support_lead"), path)


@pytest.mark.parametrize("path", OVERVIEWS + EVERYONE)
def test_signing_in_is_required(flask_app, path):
    response = flask_app.test_client().get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path, fragment_id", [
    ("/dashboard/", 'id="dashboard"'), ("/timeline/", 'id="timeline-results"'),
    ("/timeline/chart", 'id="commitment-chart"'), ("/accountability/", 'id="accountability"'),
    ("/kpis/", 'id="kpis"'), ("/celebrations/", 'id="wall"'), ("/report/", 'id="report"'),
])
def test_an_htmx_request_gets_the_fragment_alone_and_a_boosted_one_the_whole_page(
    client_for, web_org, path, fragment_id
):
    build_scenario(web_org)
    client = client_for("cco")
    fragment = page(client, path, htmx=True)
    assert fragment_id in fragment and "<html" not in fragment and 'class="topbar"' not in fragment
    boosted = client.get(path, headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in boosted and fragment_id in boosted


def test_going_back_to_a_pushed_url_restores_the_whole_page(client_for):
    html = client_for("cco").get("/timeline/?department=it", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"}).get_data(as_text=True)
    assert "<html" in html and 'class="topbar"' in html


def test_the_navigation_reaches_every_overview_page(client_for):
    html = page(client_for("executive"), "/dashboard/")
    for path in ["/timeline/", "/accountability/", "/kpis/", "/report/", "/celebrations/"]:
        assert f'href="{path}"' in html


@pytest.mark.parametrize("path", OVERVIEWS + EVERYONE)
def test_every_page_renders_before_any_commitment_is_made(client_for, path):
    html = page(client_for("cco"), path)
    assert "Something went wrong" not in html
