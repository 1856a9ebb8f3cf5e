"""Importing a plan from a spreadsheet: creates what is missing, all or nothing, idempotent."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook as Book

from tests.conftest import Org
from tests.importing.support import ten_rows, workbook
from tracker.domain import member_id
from tracker.errors import NotAllowed
from tracker.importing import ImportRejected, read, template_xlsx


def events_since(org: Org, position: int) -> list[object]:
    return [n for n in org.app.recorder.select_notifications(position + 1, 10_000)]


def test_ten_rows_create_the_commitments_and_whatever_they_need(org: Org) -> None:
    before = org.app.head()
    report = org.app.import_plan(org.cco, workbook(ten_rows()), source="plan.csv")
    assert report.counts() == {"create commitment": 10, "create member": 4,
                               "create department": 1, "create journey": 1}
    plan = org.app.plan()
    assert plan["departments"]["marketing"] == "Marketing"
    assert plan["journeys"]["onboarding"]["lead_department"] == "it"
    owner = org.app.member("owner1@example.com")
    assert owner["active"] and org.app.accounts.verify("owner1@example.com", "") is None
    assert report.events == org.app.head() - before
    assert sorted(report.invites) == [f"owner{i}@example.com" for i in range(4)]
    invited = org.app.password_link_for(report.invites["owner1@example.com"])
    assert invited is not None and invited["email"] == "owner1@example.com"


def test_every_imported_fact_is_an_ordinary_event_of_the_importer(org: Org) -> None:
    before = org.app.head()
    org.app.import_plan(org.cco, workbook(ten_rows()), source="plan.csv")
    topics = {n.topic for n in events_since(org, before)}
    assert topics <= {"cx-tracker/commitment/Made", "cx-tracker/commitment/ProgressReported",
                      "cx-tracker/member/Registered", "cx-tracker/plan/DepartmentAdded",
                      "cx-tracker/plan/JourneyDefined"}
    for notification in events_since(org, before):
        assert f"\"actor\":{{\"_type_\":\"uuid_hex\",\"_data_\":\"{org.cco.hex}\"}}" in notification.state.decode()


def test_reimporting_the_same_file_records_nothing(org: Org) -> None:
    org.app.import_plan(org.cco, workbook(ten_rows()), source="plan.csv")
    head = org.app.head()
    again = org.app.import_plan(org.cco, workbook(ten_rows()), source="plan.csv")
    assert again.changes == [] and again.unchanged == 10 and org.app.head() == head


def test_reimporting_an_edited_file_records_only_what_changed(org: Org) -> None:
    rows = ten_rows()
    org.app.import_plan(org.cco, workbook(rows), source="plan.csv")
    rows[2]["progress"] = "80"
    rows[5]["due_date"] = "2026-09-30"
    rows[7]["owner_email"], rows[7]["owner_name"] = "lead.it@example.com", ""
    rows[9]["status"] = "completed"
    head = org.app.head()
    report = org.app.import_plan(org.cco, workbook(rows), source="plan.csv")
    assert [(c.row, c.summary.split(": ")[1]) for c in report.changes] == [
        (4, "progress"), (7, "due date moved"), (9, "handed over"), (11, "completed")]
    assert org.app.head() == head + 4


def test_a_file_with_two_bad_rows_reports_both_and_records_nothing(org: Org) -> None:
    rows = ten_rows()
    rows[3]["due_date"] = "next week"
    rows[6]["owner_email"] = "not-an-address"
    rows[6]["title"] = "x"
    head = org.app.head()
    with pytest.raises(ImportRejected) as rejected:
        org.app.import_plan(org.cco, workbook(rows), source="plan.csv")
    errors = {(e.row, e.column) for e in rejected.value.report.errors}
    assert errors == {(5, "due_date"), (8, "owner_email"), (8, "title")}
    assert org.app.head() == head
    assert "marketing" not in org.app.plan()["departments"]


def test_a_dry_run_shows_the_changes_and_records_nothing(org: Org) -> None:
    head = org.app.head()
    report = org.app.import_plan(org.cco, workbook(ten_rows()), source="plan.csv", dry_run=True)
    assert report.counts()["create commitment"] == 10 and org.app.head() == head
    assert report.invites == {}


def test_rows_match_existing_commitments_by_department_and_title(org: Org) -> None:
    made = org.commitment(title="Answer every ticket within 4 hours")
    row = {"department": "customer-service", "title": "answer every ticket within 4 hours",
           "owner_email": "lead.customer-service@example.com", "owner_name": "",
           "due_date": "2026-06-30", "journey": "", "kpi": "", "description": "",
           "progress": "50", "status": "", "external_id": ""}
    report = org.app.import_plan(org.cco, workbook([row]), source="plan.csv",
                                 find=lambda d, t: made if t.casefold() == row["title"] else None)
    assert [c.action for c in report.changes] == ["change"]
    assert org.app.commitment(made)["progress"] == 50


def test_an_external_id_keeps_matching_but_its_title_cannot_change(org: Org) -> None:
    rows = ten_rows()[:1]
    rows[0]["external_id"] = "OLD-17"
    org.app.import_plan(org.cco, workbook(rows), source="plan.csv")
    rows[0]["title"] = "A new title for it"
    with pytest.raises(ImportRejected) as rejected:
        org.app.import_plan(org.cco, workbook(rows), source="plan.csv")
    assert [(e.row, e.column) for e in rejected.value.report.errors] == [(2, "title")]


def test_the_same_commitment_twice_in_a_file_is_an_error(org: Org) -> None:
    rows = ten_rows()[:1] * 2
    with pytest.raises(ImportRejected) as rejected:
        org.app.import_plan(org.cco, workbook(rows), source="plan.csv")
    assert "row 2" in rejected.value.report.errors[0].message


def test_only_the_cco_imports(org: Org) -> None:
    with pytest.raises(NotAllowed):
        org.app.import_plan(org.support_lead, workbook(ten_rows()), source="plan.csv")


def test_the_template_imports_as_it_is_with_its_optional_sheets(org: Org) -> None:
    book = read("template.xlsx", io.BytesIO(template_xlsx(date(2026, 3, 2))))
    report = org.app.import_plan(org.cco, book, source="template.xlsx")
    counts = report.counts()
    assert counts["create commitment"] == 1 and counts["create measurement"] == 1
    assert counts["create member"] == 1 and "create KPI" not in counts  # nps exists already
    assert org.app.member(member_id("lead.support@example.com"))["name"] == "Sam Support"


def test_an_xlsx_with_a_new_kpi_and_its_measurements(org: Org) -> None:
    book = Book()
    commitments = book.active
    commitments.title = "Commitments"
    commitments.append(["department", "title", "owner_email", "owner_name", "due_date",
                        "journey", "kpi", "description"])
    commitments.append(["it", "Faster logins", "lead.it@example.com", "", date(2026, 5, 1),
                        "", "Churn", ""])
    kpis = book.create_sheet("KPIs")
    kpis.append(["key", "name", "unit", "baseline", "target", "target_date"])
    kpis.append(["churn", "Churn", "%", 8.5, 6, date(2026, 12, 31)])
    measurements = book.create_sheet("Measurements")
    measurements.append(["kpi", "measured_on", "value"])
    measurements.append(["churn", date(2026, 2, 1), 8.1])
    out = io.BytesIO()
    book.save(out)
    report = org.app.import_plan(org.cco, read("plan.xlsx", io.BytesIO(out.getvalue())),
                                 source="plan.xlsx")
    assert report.counts() == {"create KPI": 1, "create measurement": 1, "create commitment": 1}
    assert org.app.plan()["kpis"]["churn"]["direction"] == "down"


def test_a_missing_column_is_named(org: Org) -> None:
    from tracker.errors import Invalid

    with pytest.raises(Invalid) as refused:
        read("plan.csv", io.BytesIO(b"department,title\nit,Something\n"))
    assert "owner_email" in str(refused.value)
