"""Building spreadsheets for the import tests."""

from __future__ import annotations

import csv
import io

from tracker.importing import Workbook, read

HEADER = ["department", "title", "owner_email", "owner_name", "due_date", "journey", "kpi",
          "description", "external_id", "progress", "status"]


def ten_rows() -> list[dict[str, str]]:
    """Ten commitments of a plan kept in a spreadsheet, across old and new departments."""
    rows = []
    for i in range(10):
        department = ["Customer Service", "it", "Marketing"][i % 3]
        rows.append({
            "department": department, "title": f"Commitment number {i + 1}",
            "owner_email": f"owner{i % 4}@example.com", "owner_name": f"Owner {i % 4}",
            "due_date": f"2026-0{4 + i % 5}-15", "journey": "Onboarding" if i % 2 else "",
            "kpi": "nps" if i % 3 == 0 else "", "description": f"Row {i + 1} of the old plan",
            "external_id": "", "progress": str(i * 5), "status": "",
        })
    return rows


def csv_bytes(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def workbook(rows: list[dict[str, str]]) -> Workbook:
    return read("plan.csv", io.BytesIO(csv_bytes(rows)))
