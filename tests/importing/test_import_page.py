"""/import/: the newcomer's path — template, ten rows, preview, import, re-import, bad rows."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.conftest import Org
from tests.importing.support import ten_rows
from tests.web.conftest import csrf_token


def filled_template(browser: FlaskClient, rows: list[dict[str, str]]) -> bytes:
    """The downloaded template with its example rows replaced by `rows`, as a person would."""
    template = browser.get("/import/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.data))
    sheet = book["Commitments"]
    header = [c.value for c in sheet[1]]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    for name in ("Departments", "Journeys", "KPIs", "Measurements"):
        book[name].delete_rows(2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(browser: FlaskClient, content: bytes, name: str = "plan.xlsx"):  # type: ignore[no-untyped-def]
    return browser.post("/import/preview", data={
        "csrf_token": csrf_token(browser, "/import/"), "file": (io.BytesIO(content), name),
    }, content_type="multipart/form-data")


def test_template_preview_import_reimport_and_bad_rows(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    browser: FlaskClient = client_for("cco")
    content = filled_template(browser, ten_rows())
    head = web_org.app.head()

    shown = preview(browser, content)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "10 × create commitment" in page
    assert web_org.app.head() == head  # a preview records nothing
    upload = page.split('name="upload" value="')[1].split('"')[0]
    done = browser.post("/import/confirm", data={
        "csrf_token": csrf_token(browser, "/import/"), "upload": upload, "name": "plan.xlsx"})
    answer = done.get_data(as_text=True)
    assert done.status_code == 200 and "10 × create commitment" in answer
    assert answer.count("/password/set/") == 4  # the four new owners are invited
    assert web_org.app.head() > head
    board = browser.get("/board/?department=").get_data(as_text=True)
    assert "Commitment number 7" in board

    head = web_org.app.head()
    again = preview(browser, content).get_data(as_text=True)
    assert "Nothing to change" in again and "/import/confirm" not in again
    assert web_org.app.head() == head

    rows = ten_rows()
    rows[1]["due_date"], rows[8]["owner_email"] = "2020-01-01", "someone"
    bad = preview(browser, filled_template(browser, rows))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "2 error(s)" in page
    assert "due_date" in page and "owner_email" in page
    assert web_org.app.head() == head


def test_only_the_cco_imports(client_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for("support_lead").get("/import/").status_code == 403
    assert client_for("executive").get("/import/").status_code == 403


def test_a_confirmation_without_its_upload_is_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    browser: FlaskClient = client_for("cco")
    response = browser.post("/import/confirm", data={
        "csrf_token": csrf_token(browser, "/import/"), "upload": "../../events.sqlite3"})
    assert response.status_code == 400


def test_the_csv_template_has_the_columns_and_an_example_row(client_for) -> None:  # type: ignore[no-untyped-def]
    text = client_for("cco").get("/import/template.csv").get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0].startswith("department,title,owner_email,owner_name,due_date") and len(lines) == 2
