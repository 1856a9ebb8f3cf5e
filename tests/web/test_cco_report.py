"""The CEO-level progress report, the KPI page and the celebrations wall."""

from __future__ import annotations

import re

import pytest

from tests.web.cco_helpers import (  # noqa: F401
    between, build_scenario, on, page, table_rows,
)
from web.blueprints import kpis as kpis_page


@pytest.fixture
def report(client_for, web_org) -> str:  # type: ignore[no-untyped-def]
    build_scenario(web_org)
    return page(client_for("executive"), "/report/")


def test_the_report_opens_with_the_vision_and_the_overall_health(report):
    assert "Customers never chase us." in between(report, 'id="r-vision"', "</section>")
    health = between(report, 'id="r-health"', "</section>")
    assert "5 commitments" in health
    for count, name in ((1, "on track"), (0, "at risk"), (1, "blocked"), (1, "overdue"), (1, "done"),
                        (1, "done late"), (0, "withdrawn")):
        assert f"<strong>{count}</strong> {name}</li>" in health


def test_the_report_summarises_each_department_with_its_say_do_ratio(report):
    rows = table_rows(between(report, 'id="r-departments"', "</table>"))
    support = next(r for r in rows if "Customer Service" in r)
    assert "<strong>50%</strong>" in support
    assert "<strong>0%</strong>" in next(r for r in rows if ">Sales<" in r)


def test_the_report_shows_each_kpi_chart_with_its_latest_value_against_target(report):
    kpis = between(report, 'id="r-kpis"', "</section>")
    assert kpis.count("<svg") == 1 and 'id="kpi-chart-nps"' in kpis
    assert "<strong>17</strong>" in kpis and "<strong>30</strong>" in kpis and "on course" in kpis


def test_the_report_lists_the_top_risks_and_the_roadblocks_waiting_on_another_department(report):
    risks = between(report, 'id="r-risks"', "</section>")
    assert "Call every churned customer" in risks and "slipping" in risks
    waiting = between(report, 'id="r-roadblocks"', "</section>")
    assert "Replace the phone system" in waiting and ">Sales<" in waiting and "10 days" in waiting


def test_the_report_ends_with_recent_wins_and_has_a_burn_up(report):
    assert "Publish help articles" in between(report, 'id="r-wins"', "</section>")
    assert '<title id="burnup-title">Burn-up of kept commitments</title>' in report


def test_the_report_prints_without_inline_javascript(report):
    button = re.search(r"<button[^>]*data-print[^>]*>", report)
    assert button and " hidden" in button.group(0)  # app.js reveals it; nothing inline
    assert "Print command" in report and "page-break" in report


def test_the_kpi_page_has_one_chart_per_kpi_and_its_measurements(client_for, web_org):
    build_scenario(web_org)
    web_org.app.define_kpi(web_org.cco, key="csat", name="CSAT", unit="%", baseline=70, target=85,
                           target_date="2026-12-31")
    html = page(client_for("auditor"), "/kpis/")
    assert html.count("<svg") == 4 and 'id="kpi-chart-nps"' in html and 'id="kpi-chart-csat"' in html
    # each KPI has its chart for a narrow screen and a wide one drawn for a wide card (CSS shows one)
    assert 'viewBox="0 0 640 260"' in html and f'viewBox="0 0 {kpis_page.WIDE_CHART} 260"' in html
    assert html.count('class="chart-wide"') == 2
    nps = between(html, 'id="kpi-nps"', "</section>")
    rows = table_rows(nps)
    assert len(rows) == 2 and "2026-02-28" in rows[0] and "2026-01-31" in rows[1]
    assert "No measurements yet." in between(html, 'id="kpi-csat"', "</section>")


def test_the_celebrations_wall_shows_celebrations_and_wins_newest_first(client_for, web_org):
    build_scenario(web_org)
    html = page(client_for("support_lead"), "/celebrations/")
    wall = between(html, 'class="wall"', "</ul>")
    order = [wall.index(t) for t in ("Status page is live", "Great work on the help centre",
                                     "Thirty articles live")]
    assert order == sorted(order)
    assert "done late" in wall and "kept on time" in wall and "celebration" in wall


def test_the_celebrations_wall_narrows_to_a_department_and_pages(client_for, web_org, monkeypatch):
    build_scenario(web_org)
    client = client_for("cco")
    it = page(client, "/celebrations/?department=it")
    assert "Status page is live" in it and "Thirty articles live" not in it
    monkeypatch.setitem(client.application.config, "CELEBRATIONS_PAGE_SIZE", 2)
    first = page(client, "/celebrations/")
    assert first.count('class="card wall-item') == 2 and "page=2" in first
    second = page(client, "/celebrations/?page=2")
    assert second.count('class="card wall-item') == 1 and "Thirty articles live" in second


def test_the_reports_charts_each_have_a_table_alternative(report):
    kpis = between(report, 'id="r-kpis"', "</section>")
    measurements = table_rows(between(kpis, 'class="data-table"', "</details>"))
    assert len(measurements) >= 1 and all("<td" in row for row in measurements)
    burnup = between(report, 'id="r-burnup"', "</section>")
    months = table_rows(between(burnup, 'aria-label="Burn-up table"', "</table>"))
    assert months, "the burn-up chart has no table"
    kept = [int(re.findall(r'<td class="num">(\d+)</td>', row)[2]) for row in months]
    assert kept == sorted(kept), "kept commitments only ever add up"


def test_a_celebrated_win_shows_once_with_its_evidence_and_its_celebration(client_for, web_org):
    build_scenario(web_org)  # "Publish help articles": kept on 2026-02-18, celebrated the next day
    wall = page(client_for("support_lead"), "/celebrations/")
    assert wall.count(">Publish help articles</a>") == 1
    item = between(wall, "Publish help articles", "</li>")
    assert "Great work on the help centre" in item and "Thirty articles live" in item
    assert "kept on time" in wall[wall.rindex("<li", 0, wall.index("Publish help articles")):wall.index("Publish help articles")]


def test_the_wall_folds_later_items_into_a_commitments_first():
    from web.wall import one_per_commitment

    items = [{"commitment_id": "a", "kind": "celebration"}, {"commitment_id": "b", "kind": "win"},
             {"commitment_id": "a", "kind": "win"}]
    folded = one_per_commitment(items)
    assert [(i["commitment_id"], i["kind"], [a["kind"] for a in i["also"]]) for i in folded] == [
        ("a", "celebration", ["win"]), ("b", "win", [])]
