"""/plan/ for the CCO: corrections and reorganisations with a reason, forms that carry the plan's
version (a stale one is refused and records nothing), the measurement note, and the history
showing each correction's before -> after."""

from __future__ import annotations

import re
from html import unescape

from tests.conftest import Org
from tests.web.cco_helpers import page
from tests.web.conftest import post_form as _post_form

def post_form(client, path: str, data: dict[str, str], *, htmx: bool = False):  # type: ignore[no-untyped-def]
    return _post_form(client, path, data, htmx=htmx, page="/plan/")


VERSION = re.compile(r'name="expected_version" value="(\d+)"')


def _version(client) -> str:  # type: ignore[no-untyped-def]
    versions = set(VERSION.findall(page(client, "/plan/")))
    assert len(versions) == 1, versions  # every plan form carries the same, current version
    return versions.pop()


def test_the_cco_renames_a_department_with_a_reason_and_the_page_shows_it(client_for, web_org: Org):
    cco = client_for("cco")
    response = post_form(cco, "/plan/departments/it/rename",
                         {"name": "Technology", "reason": "New org chart",
                          "expected_version": _version(cco)})
    assert response.status_code == 302
    assert web_org.app.plan()["departments"]["it"] == "Technology"
    assert "Technology" in page(cco, "/plan/")


def test_a_stale_plan_form_is_refused_with_the_conflict_message(client_for, web_org: Org):
    cco = client_for("cco")
    seen = _version(cco)
    web_org.app.rename_department(web_org.cco, slug="sales", name="Revenue", reason="elsewhere")
    head = web_org.app.head()
    response = post_form(cco, "/plan/kpis/nps/revise", {"target": "40", "reason": "Board",
                                                        "expected_version": seen}, htmx=True)
    html = unescape(response.get_data(as_text=True))
    assert "Someone else changed this first" in html
    assert web_org.app.head() == head
    assert f'name="expected_version" value="{web_org.app.plan()["version"]}"' in html


def test_a_correction_without_a_reason_is_refused_and_records_nothing(client_for, web_org: Org):
    cco = client_for("cco")
    head = web_org.app.head()
    response = post_form(cco, "/plan/kpis/nps/retire", {"reason": "", "expected_version": _version(cco)},
                         htmx=True)
    assert "reason: is required" in unescape(response.get_data(as_text=True))
    assert web_org.app.head() == head
    assert web_org.app.plan()["retired"]["kpi"] == []


def test_the_measurement_form_records_its_note_and_a_correction_keeps_both_values(
    client_for, web_org: Org
):
    cco = client_for("cco")
    post_form(cco, "/plan/kpis/nps/measurements", {"value": "41", "measured_on": "2026-03-01",
                                                  "note": "312 answers",
                                                  "expected_version": _version(cco)})
    assert "312 answers" in page(cco, "/kpis/")
    response = post_form(cco, "/plan/kpis/nps/measurements/correct", {
        "measured_on": "2026-03-01", "value": "14", "reason": "Digits swapped",
        "action": "correct", "expected_version": _version(cco)})
    assert response.status_code == 302
    assert web_org.app.plan()["measurements"]["nps"] == {"2026-03-01": 14.0}
    history = unescape(page(cco, "/audit/history?kind=MeasurementCorrected"))
    assert re.search(r'class="before">41(\.0)?</span>.*?class="after">14(\.0)?</span>', history, re.S)
    assert "Digits swapped" in history


def test_merging_on_the_web_moves_open_work_and_retires_the_department(client_for, web_org: Org):
    cid = web_org.commitment(department="sales", owner="lead.sales@example.com",
                             actor=web_org.sales_lead)
    cco = client_for("cco")
    response = post_form(cco, "/plan/departments/sales/merge", {
        "into": "it", "reason": "One team", "expected_version": _version(cco)}, htmx=True)
    assert response.status_code == 200
    assert "Departments merged" in response.get_data(as_text=True)
    assert web_org.app.commitment(cid)["department"] == "it"
    html = page(cco, "/plan/")
    assert "merged into IT" in html
    assert 'action="/plan/departments/sales/rename"' not in html  # a retired one is not changed


def test_retiring_a_department_with_open_work_is_refused_on_the_web(client_for, web_org: Org):
    web_org.commitment(department="sales", owner="lead.sales@example.com", actor=web_org.sales_lead)
    cco = client_for("cco")
    head = web_org.app.head()
    response = post_form(cco, "/plan/departments/sales/retire", {
        "reason": "Outsourced", "open_work": "keep", "expected_version": _version(cco)}, htmx=True)
    assert "open commitment" in response.get_data(as_text=True)
    assert web_org.app.head() == head
