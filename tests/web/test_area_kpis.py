"""Area KPIs: defined for a department on /plan/, linked to a CX KPI with a reason; the
department's board shows its own KPIs beside the CX KPIs its work moves; the dashboard shows
which area KPIs move which CX KPI."""

from __future__ import annotations

import re

from tests.conftest import Org
from tests.web.cco_helpers import page
from tests.web.conftest import post_form

VERSION = re.compile(r'name="expected_version" value="(\d+)"')


def _plan_form(client, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    version = VERSION.findall(page(client, "/plan/"))[0]
    return post_form(client, path, {**data, "expected_version": version}, page="/plan/")


def test_the_cco_defines_an_area_kpi_and_links_it_to_a_cx_kpi(client_for, web_org: Org) -> None:
    cco = client_for("cco")
    response = _plan_form(cco, "/plan/kpis", {
        "name": "First-contact resolution", "key": "fcr", "unit": "%", "baseline": "71",
        "target": "85", "target_date": "2026-12-31", "department": "customer-service"})
    assert response.status_code == 302
    assert web_org.app.plan()["kpis"]["fcr"]["department"] == "customer-service"
    response = _plan_form(cco, "/plan/kpis/links", {
        "action": "link", "area_kpi": "fcr", "cx_kpi": "nps", "reason": "Solved first time"})
    assert response.status_code == 302
    assert web_org.app.plan()["kpi_links"] == [("fcr", "nps")]
    refused = _plan_form(cco, "/plan/kpis/links", {
        "action": "link", "area_kpi": "nps", "cx_kpi": "fcr", "reason": "backwards"})
    assert refused.status_code == 400
    assert "is a CX KPI" in refused.get_data(as_text=True)
    lead = client_for("support_lead")
    assert _plan_form(lead, "/plan/kpis/links", {
        "action": "unlink", "area_kpi": "fcr", "cx_kpi": "nps", "reason": "x"}).status_code == 403

    board = page(lead, "/board/?department=customer-service")
    own, moved = board.split("CX KPIs its work moves")
    assert "Its own KPIs" in own and "First-contact resolution" in own
    assert "Net Promoter Score" in moved and "moved by First-contact resolution" in moved
    assert "KPIs of IT" not in page(lead, "/board/?department=it")

    dashboard = page(client_for("executive"), "/dashboard/")
    links = dashboard.split("Which area KPIs move which CX KPI")[1]
    assert "First-contact resolution" in links and "Solved first time" in links
    cards = dashboard.split('id="kpi-title"')[1].split("Which area KPIs")[0]
    assert "First-contact resolution" not in cards  # the dashboard's cards are the CX KPIs


def test_the_kpi_page_says_whose_each_kpi_is_and_which_are_retired(client_for, web_org: Org) -> None:
    app = web_org.app
    app.define_kpi(web_org.cco, name="First-contact resolution", key="fcr", unit="%", baseline=71,
                   target=85, target_date="2026-12-31", department="customer-service")
    app.retire_kpi(web_org.cco, key="fcr", reason="Folded into NPS")
    shown = page(client_for("executive"), "/kpis/")
    nps = shown.split('id="kpi-nps"')[1].split("</header>")[0]
    fcr = shown.split('id="kpi-fcr"')[1].split("</header>")[0]
    assert "CX KPI" in nps and "retired" not in nps
    assert "Area KPI of Customer Service" in fcr and "retired 20" in fcr
