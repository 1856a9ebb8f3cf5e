"""The roadblocks page (/roadblocks/): where my department's help was asked, my department's own
open roadblocks, every open one for the CCO; resolving inline."""

from __future__ import annotations

from datetime import datetime, timezone
from uuid import UUID

import pytest

from tests.conftest import Org
from tests.web.conftest import post_form
from tracker import clock

ITEM = "rb-asked-it-{cid}-R1"
RESOLVE = "/roadblocks/{cid}/R1/resolution"


@pytest.fixture
def asked(web_org: Org) -> UUID:
    """Customer Service raised R1 ten days ago and asked IT for help."""
    cid = web_org.commitment(title="Answer every ticket within 4 hours")
    with clock.frozen_at(datetime(2026, 2, 20, 9, tzinfo=timezone.utc)):
        web_org.app.raise_roadblock(web_org.support_lead, cid, description="The CRM lacks fields",
                                    help_from="it")
    return cid


def head(org: Org) -> int:
    return org.app.recorder.max_notification_id() or 0


def version(org: Org, cid: UUID) -> str:
    return str(org.app.commitment(cid)["version"])


def page(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/roadblocks/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, key: str) -> str:
    start = html.index(f'aria-labelledby="section-{key}"')
    end = html.find("</section>", start)
    return html[start:end]


@pytest.mark.parametrize("role", ["support_lead", "it_lead", "sales_lead", "cco", "executive", "auditor"])
def test_the_roadblocks_page_renders_for_every_role(role, client_for, asked):
    assert "<h1>Roadblocks</h1>" in page(client_for(role))


def test_the_asked_departments_lead_sees_the_roadblock_with_its_age_the_asking_department_and_commitment(
    client_for, asked
):
    mine = section(page(client_for("it_lead")), "asked-it")
    assert f'id="{ITEM.format(cid=asked)}"' in mine
    assert "10 days" in mine and "asked by Customer Service" in mine
    assert f'href="/commitments/{asked}">Answer every ticket within 4 hours</a>' in mine
    assert "The CRM lacks fields" in mine
    assert RESOLVE.format(cid=asked) in mine
    assert '<option value="it" selected>IT</option>' in mine  # who helped: the asked department


def test_the_asking_department_sees_its_own_open_roadblock(client_for, asked):
    own = section(page(client_for("support_lead")), "own-customer-service")
    assert "The CRM lacks fields" in own and "help asked of IT" in own
    assert "1 open" in own


def test_a_department_not_asked_sees_nothing_of_it_and_may_not_resolve_it(client_for, web_org, asked):
    sales = client_for("sales_lead")
    assert "The CRM lacks fields" not in page(sales)
    before = head(web_org)
    response = post_form(sales, RESOLVE.format(cid=asked),
                         {"resolution": "Not ours to say", "expected_version": version(web_org, asked)},
                         page="/roadblocks/")
    assert response.status_code == 403
    assert head(web_org) == before


@pytest.mark.parametrize("role", ["cco", "executive", "auditor"])
def test_the_cco_executives_and_auditors_see_every_open_roadblock(role, client_for, web_org, asked):
    other = web_org.commitment(department="sales", owner="lead.sales@example.com", actor=web_org.sales_lead)
    web_org.app.raise_roadblock(web_org.sales_lead, other, description="Price list is outdated")
    everything = section(page(client_for(role)), "all")
    assert "The CRM lacks fields" in everything and "Price list is outdated" in everything
    assert everything.index("The CRM lacks fields") < everything.index("Price list is outdated")  # oldest first
    assert ("/resolution" in everything) is (role == "cco")


def test_the_asked_lead_resolves_inline_with_htmx(client_for, web_org, asked):
    it = client_for("it_lead")
    before = head(web_org)
    response = post_form(it, RESOLVE.format(cid=asked), {
        "resolution": "Fields added to the CRM", "helped_by": "it", "section": "asked-it",
        "expected_version": version(web_org, asked)}, htmx=True, page="/roadblocks/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert head(web_org) == before + 1
    assert html.lstrip().startswith(f'<li id="{ITEM.format(cid=asked)}" class="roadblock resolved">')
    assert "Roadblock resolved." in html
    assert "with help from IT: Fields added to the CRM" in html
    assert "<html" not in html


def test_the_asked_lead_resolves_with_a_plain_post_and_sees_it_resolved_below_the_open_ones(
    client_for, web_org, asked
):
    it = client_for("it_lead")
    response = post_form(it, RESOLVE.format(cid=asked), {
        "resolution": "Fields added to the CRM", "section": "asked-it", "next": "/roadblocks/",
        "expected_version": version(web_org, asked)}, page="/roadblocks/")
    assert response.status_code == 302 and response.headers["Location"] == "/roadblocks/"
    mine = section(page(it), "asked-it")
    assert "Resolved 2026-03-02 after 10 days by IT Lead: Fields added to the CRM" in mine
    assert "0 open" in mine and RESOLVE.format(cid=asked) not in mine
    board = it.get(f"/commitments/{asked}").get_data(as_text=True)
    assert "0 open roadblock" not in board and "health-blocked" not in board.split('id="story"')[0]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_an_empty_resolution_is_refused_at_its_field(htmx, client_for, web_org, asked):
    before = head(web_org)
    response = post_form(client_for("it_lead"), RESOLVE.format(cid=asked), {
        "resolution": " ", "section": "asked-it", "expected_version": version(web_org, asked)},
        htmx=htmx, page="/roadblocks/")
    html = response.get_data(as_text=True)
    assert response.status_code == (200 if htmx else 400)
    assert head(web_org) == before
    key = f"resolve-asked-it-R1-{asked}"
    assert f'<p class="field-error" id="{key}-resolution-error">must be at least 3 characters</p>' in html


def test_a_stale_resolution_shows_the_conflict_and_keeps_the_text(client_for, web_org, asked):
    stale = version(web_org, asked)
    web_org.app.report_progress(web_org.support_lead, asked, percent=50)
    before = head(web_org)
    response = post_form(client_for("it_lead"), RESOLVE.format(cid=asked), {
        "resolution": "Fields added to the CRM", "section": "asked-it", "expected_version": stale},
        htmx=True, page="/roadblocks/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert head(web_org) == before
    assert "Someone else changed this first" in html
    assert "Fields added to the CRM</textarea>" in html
    assert f'name="expected_version" value="{version(web_org, asked)}"' in html


def test_the_same_roadblock_in_two_sections_keeps_distinct_ids(client_for, web_org, asked):
    web_org.app.grant_role(web_org.cco, email="cco@example.com", role="lead", department="it")
    html = page(client_for("cco"))
    assert f'id="rb-all-{asked}-R1"' in html and f'id="{ITEM.format(cid=asked)}"' in html


def test_the_htmx_answer_to_a_resolution_brings_every_sections_open_count_up_to_date(
    client_for, web_org, asked
):
    it = client_for("it_lead")
    before = page(it)
    assert '<span id="open-count-asked-it" class="muted small">1 open</span>' in before
    response = post_form(it, RESOLVE.format(cid=asked), {
        "resolution": "Fields added to the CRM", "helped_by": "it", "section": "asked-it",
        "expected_version": version(web_org, asked)}, htmx=True, page="/roadblocks/")
    html = response.get_data(as_text=True)
    assert '<span id="open-count-asked-it" class="muted small" hx-swap-oob="true">0 open</span>' in html
    assert '<span id="open-count-own-it" class="muted small" hx-swap-oob="true">0 open</span>' in html
    assert '<span id="open-count-asked-it" class="muted small">0 open</span>' in page(it)
