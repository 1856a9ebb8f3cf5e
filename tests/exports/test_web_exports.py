"""Web downloads: history (CSV, JSON Lines) with filters, board and accountability as CSV, for
the roles that read them, with formula-like cells made inert."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import Org
from web.exports import neutralised


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), (-3, -3),
    (None, None),
])
def test_cells_a_spreadsheet_would_run_are_neutralised(value: object, expected: object) -> None:
    assert neutralised(value) == expected


def test_the_history_exports_follow_the_filters(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    web_org.commitment(title="=cmd|' /C calc'!A0")
    auditor = client_for("auditor")
    everything = rows(auditor.get("/exports/history.csv").data)
    assert len(everything) == web_org.app.head()
    made = auditor.get("/exports/history.csv?kind=Made")
    assert made.headers["Content-Disposition"].startswith("attachment")
    found = rows(made.data)
    assert [r["kind"] for r in found] == ["Made"]
    assert found[0]["commitment_title"].startswith("'=")
    lines = auditor.get("/exports/history.jsonl?kind=Made").get_data(as_text=True).splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["Made"]
    assert json.loads(lines[0])["commitment_title"].startswith("=")  # JSON is data, not a sheet


def test_the_board_export_has_every_commitment_shown_with_its_health(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    web_org.commitment()
    web_org.commitment(department="it", title="Fix login", owner="lead.it@example.com",
                       actor=web_org.it_lead)
    lead = client_for("support_lead")
    assert {r["title"] for r in rows(lead.get("/exports/board.csv").data)} == {
        "Answer every ticket within 4 hours", "Fix login"}
    it = rows(lead.get("/exports/board.csv?department=it").data)
    assert [(r["title"], r["health"]) for r in it] == [("Fix login", "on track")]


def test_accountability_exports_are_for_the_overviews_readers(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    web_org.commitment()
    figures = rows(client_for("executive").get("/exports/accountability-departments.csv").data)
    assert [r["department"] for r in figures] == ["customer-service", "it", "sales"]
    assert figures[0]["made"] == "1"
    owners = rows(client_for("cco").get("/exports/accountability-owners.csv").data)
    assert owners[0]["owner_email"] == "lead.customer-service@example.com"
    lead = client_for("support_lead")
    assert lead.get("/exports/accountability-departments.csv").status_code == 200  # every role
    web_org.app.change_overview_access(web_org.cco, readers=["executive"], reason="For now")
    assert lead.get("/exports/accountability-departments.csv").status_code == 403
    assert lead.get("/exports/history.csv").status_code == 403
    assert client_for("executive").get("/exports/history.jsonl").status_code == 403
