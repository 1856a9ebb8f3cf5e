"""The new-commitment form carries an idempotency key: sent twice, it makes one commitment."""

from __future__ import annotations

import re

from tests.conftest import Org
from tests.web.conftest import csrf_token

KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]+)"')
FORM = {"department": "customer-service", "title": "Call back every detractor",
        "description": "Within two days", "due_date": "2026-06-30",
        "owner": "lead.customer-service@example.com"}


def _made(org: Org) -> int:
    notifications = org.app.recorder.select_notifications(start=1, limit=100_000)
    return sum(n.topic == "cx-tracker/commitment/Made" for n in notifications)


def test_each_showing_of_the_form_carries_a_new_key(client_for) -> None:  # type: ignore[no-untyped-def]
    lead = client_for("support_lead")
    keys = {KEY.search(lead.get("/commitments/new").get_data(as_text=True)).group(1) for _ in range(3)}  # type: ignore[union-attr]
    assert len(keys) == 3


def test_the_same_form_posted_twice_makes_one_commitment(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    lead = client_for("support_lead")
    page = lead.get("/commitments/new").get_data(as_text=True)
    key = KEY.search(page).group(1)  # type: ignore[union-attr]
    form = {**FORM, "idempotency_key": key, "csrf_token": csrf_token(lead, "/commitments/new")}
    before = _made(web_org)
    first, second = lead.post("/commitments/new", data=form), lead.post("/commitments/new", data=form)
    assert first.status_code == second.status_code == 302
    assert _made(web_org) == before + 1


def test_a_refused_form_keeps_its_key_so_the_corrected_one_makes_one(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    lead = client_for("support_lead")
    token = csrf_token(lead, "/commitments/new")
    refused = lead.post("/commitments/new", data={**FORM, "title": "ab", "idempotency_key": "abc123",
                                                  "csrf_token": token})
    assert refused.status_code == 400
    assert KEY.search(refused.get_data(as_text=True)).group(1) == "abc123"  # type: ignore[union-attr]
