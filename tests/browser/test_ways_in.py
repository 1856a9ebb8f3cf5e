"""In the browser: the CCO imports a spreadsheet (template, upload, preview, confirm) and a member
makes an API token, with no console error nor CSP violation."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser


def sheet(tmp_path: Path) -> Path:
    due = (date.today() + timedelta(days=60)).isoformat()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["department", "title", "owner_email", "owner_name", "due_date", "journey",
                     "kpi", "description"])
    for n in range(3):
        writer.writerow(["customer-service", f"Browser import row {n} {tmp_path.name}",
                         "lead.customer-service@example.com", "", due, "", "", ""])
    path = tmp_path / "plan.csv"
    path.write_text(out.getvalue())
    return path


def test_the_cco_previews_then_imports_a_spreadsheet(open_page: OpenPage, tmp_path: Path) -> None:
    page = open_page("cco")
    nav = page.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Set-up").click()  # the CCO's links are grouped in menus
    nav.get_by_role("link", name="Import").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="template.xlsx").click()
    assert download.value.suggested_filename == "cx-plan-template.xlsx"
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(str(sheet(tmp_path)))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("3 × create commitment")
    page.get_by_role("button", name="Import 3 change(s)").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported plan.csv")


def test_a_member_makes_an_api_token_and_sees_it_once(open_page: OpenPage) -> None:
    page = open_page("ceo")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("weekly dashboard")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_test_id("new-token")).to_contain_text("cxt_")
    expect(page.get_by_role("cell", name="weekly dashboard")).to_be_visible()
