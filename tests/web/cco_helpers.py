"""Helpers for the CCO and executive pages' tests: CSP checks on HTML, and scenario building."""

from __future__ import annotations

import re
from html import unescape
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from tests.conftest import Org
from tracker import clock

STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+|hx-on[:-][\w:-]*)\s*=", re.IGNORECASE)


def assert_csp_clean(html: str) -> None:
    """No style attribute, no inline script, no inline event handler (hx-on included)."""
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html).group(0)  # type: ignore[union-attr]
    for attributes in SCRIPT_TAG.findall(html):
        assert "src=" in attributes, f"inline <script{attributes}>"
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html).group(0)  # type: ignore[union-attr]


def page(client, path: str, *, htmx: bool = False, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    """GET `path` (as htmx when asked), check the status and the CSP rules, return the HTML."""
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    html = response.get_data(as_text=True)
    assert_csp_clean(html)
    return html


@contextmanager
def on(day: str, hour: int = 9) -> Iterator[None]:
    """Events created in the block are stamped `day` (YYYY-MM-DD) at `hour` UTC."""
    with clock.frozen_at(datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)):
        yield


@dataclass
class Scenario:
    """A few weeks of a small plan, as the CCO sees it on 2026-03-02 (the tests' today)."""

    slipping: UUID  # customer service, due date moved twice, still open
    blocked: UUID  # IT, roadblock raised on 2026-02-20 asking Sales for help
    overdue: UUID  # Sales, due 2026-02-01, still open
    kept: UUID  # customer service, completed on time and celebrated
    late: UUID  # IT, completed after its due date


def build_scenario(org: Org) -> Scenario:
    app, support, it, sales = org.app, org.support_lead, org.it_lead, org.sales_lead
    with on("2026-01-05"):
        slipping = org.commitment(title="Answer every ticket within 4 hours", due_date="2026-02-15")
        blocked = org.commitment(department="it", title="Replace the phone system", due_date="2026-05-31",
                                 owner="lead.it@example.com", actor=it)
        overdue = org.commitment(department="sales", title="Call every churned customer",
                                 due_date="2026-02-01", owner="lead.sales@example.com", actor=sales)
        kept = org.commitment(title="Publish help articles", due_date="2026-02-20")
        late = org.commitment(department="it", title="Launch a status page", due_date="2026-02-10",
                              owner="lead.it@example.com", actor=it)
    with on("2026-01-31"):
        app.record_measurement(org.cco, key="nps", value=14, measured_on="2026-01-31")
    with on("2026-02-10"):
        app.move_due_date(support, slipping, due_date="2026-03-20", reason="Hiring took longer")
    with on("2026-02-18"):
        app.complete(support, kept, evidence="Thirty articles live", completed_on="2026-02-18")
    with on("2026-02-19"):
        app.celebrate(org.cco, kept, message="Great work on the help centre")
    with on("2026-02-20"):
        app.raise_roadblock(it, blocked, description="Waiting for Sales to sign the contract",
                            help_from="sales")
    with on("2026-02-25"):
        app.complete(it, late, evidence="Status page is live", completed_on="2026-02-25")
    with on("2026-02-28"):
        app.record_measurement(org.cco, key="nps", value=17, measured_on="2026-02-28")
    with on("2026-03-01"):
        app.move_due_date(support, slipping, due_date="2026-04-30", reason="Tooling delayed")
    return Scenario(slipping, blocked, overdue, kept, late)


def between(html: str, start: str, end: str) -> str:
    """The text from the first `start` to the next `end` (both must be there)."""
    begin = html.index(start)
    return html[begin: html.index(end, begin)]


def table_rows(html: str) -> list[str]:
    """The <tr> elements of a table's body, as markup."""
    body = between(html, "<tbody>", "</tbody>")
    return [row for row in body.split("<tr")[1:]]


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]
