"""The pattern library's pages: who sees what, publishing and revising through forms, versions,
the search (plain and htmx), citing from a commitment's page, a journey's patterns, and stored
Markdown that cannot run script."""

from __future__ import annotations

from uuid import UUID

import pytest

from tests.conftest import Org
from tests.web.conftest import csrf_token, post_form

XSS_TITLE = '<script>alert("title")</script> Acknowledge'
XSS_TEXT = "\n\n".join([
    '<script>alert("x")</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '[click2](JaVaScRiPt:alert(2))',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<a href="javascript:alert(3)">raw</a>',
    '<iframe src="https://evil.example.com"></iframe>',
    '<svg onload=alert(4)>',
    '**bold** and [fine](https://example.com/ok)',
])


@pytest.fixture
def pattern(web_org: Org) -> UUID:
    app = web_org.app
    pid = app.publish_pattern(web_org.cco, title="Acknowledge every complaint within one hour",
                              text="Reply **personally**.", journeys=["support"],
                              departments=["customer-service"],
                              links=[{"label": "Script", "url": "https://intranet.example.com/s"}]).id
    app.revise_pattern(web_org.cco, pid, title="Acknowledge every complaint within 30 minutes",
                       text="Reply *faster*.", journeys=["support"], departments=["customer-service"],
                       links=[], reason="Customers expect it")
    return pid


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["cco", "support_lead", "it_lead", "executive", "auditor"])
def test_every_member_with_a_role_reads_the_library_its_pages_and_versions(client_for, pattern, role):
    client = client_for(role)
    listing = text(client.get("/patterns/"))
    assert "Acknowledge every complaint within 30 minutes" in listing
    page = text(client.get(f"/patterns/{pattern}"))
    assert "<em>faster</em>" in page and "Version 2" in page
    old = client.get(f"/patterns/{pattern}/v/1")
    assert old.status_code == 200
    assert "<strong>personally</strong>" in text(old) and "https://intranet.example.com/s" in text(old)
    assert client.get(f"/patterns/{pattern}/v/3").status_code == 404
    assert client.get(f"/patterns/{pattern}/v/{2**63}").status_code == 404  # SQLite cannot bind it
    assert ('href="/patterns/new"' in listing) is (role == "cco")


def test_the_search_works_without_javascript_and_as_an_htmx_fragment(client_for, pattern, web_org):
    web_org.app.publish_pattern(web_org.cco, title="Plain-language invoices", text="Words customers use.")
    client = client_for("executive")
    plain = text(client.get("/patterns/?q=INVOICES"))
    assert "Plain-language invoices" in plain and "within 30 minutes" not in plain
    fragment = client.get("/patterns/?q=faster", headers={"HX-Request": "true"})
    body = text(fragment)
    assert body.lstrip().startswith('<div id="pattern-list"') and "<html" not in body
    assert "within 30 minutes" in body and "invoices" not in body
    assert "1 pattern found" in body
    assert "within 30 minutes" in text(client.get("/patterns/?journey=support"))
    assert client.get("/patterns/?q=" + "x" * 5000).status_code == 200


def test_a_member_without_a_role_reads_nothing(client_for, pattern, web_org, flask_app):
    from tests.web.conftest import sign_in
    web_org.app.register_member(web_org.cco, email="nobody@example.com", name="No Role",
                                password="correct-horse")
    client = flask_app.test_client()
    sign_in(client, "nobody@example.com")
    for path in ("/patterns/", f"/patterns/{pattern}", f"/patterns/{pattern}/v/1"):
        assert client.get(path).status_code == 403


def test_publishing_and_revising_through_the_forms(client_for, web_org):
    cco = client_for("cco")
    response = post_form(cco, "/patterns/", {
        "title": "One owner per case", "text": "Exactly **one** owner.", "journeys": "support",
        "departments": "customer-service", "links": "Guide | https://example.com/guide"},
        page="/patterns/new")
    assert response.status_code == 302
    location = response.headers["Location"]
    pid = location.rstrip("/").rsplit("/", 1)[1]
    assert "Exactly <strong>one</strong> owner." in text(cco.get(location))
    refused = post_form(cco, f"/patterns/{pid}/revise", {
        "title": "One owner per case", "text": "Exactly one owner.", "reason": "",
        "expected_version": "1", "links": "javascript:alert(1)"}, page=f"/patterns/{pid}/revise")
    assert refused.status_code == 400
    body = text(refused)
    assert "Nothing was recorded" in body and "only http, https and mailto links" in body
    revised = post_form(cco, f"/patterns/{pid}/revise", {
        "title": "One owner per case", "text": "Exactly one owner, named.", "reason": "Name them",
        "expected_version": "1", "journeys": "support"}, page=f"/patterns/{pid}/revise")
    assert revised.status_code == 302
    page = text(cco.get(f"/patterns/{pid}"))
    assert "named." in page and "Name them" in page
    stale = post_form(cco, f"/patterns/{pid}/revise", {
        "title": "One owner per case", "text": "Stale", "reason": "x", "expected_version": "1"},
        page=f"/patterns/{pid}/revise")
    assert stale.status_code == 409


def test_only_allowed_leads_publish_and_only_the_cco_allows_them(client_for, web_org, pattern):
    lead = client_for("support_lead")
    assert lead.get("/patterns/new").status_code == 403
    assert post_form(lead, "/patterns/", {"title": "Mine", "text": "Mine too"},
                     page="/patterns/").status_code == 403
    assert post_form(lead, "/patterns/publishers", {"member": "lead.customer-service@example.com"},
                     page="/patterns/").status_code == 403
    cco = client_for("cco")
    assert "lead.customer-service@example.com" in text(cco.get("/patterns/"))
    granted = post_form(cco, "/patterns/publishers", {"member": "lead.customer-service@example.com"},
                        page="/patterns/")
    assert granted.status_code == 302
    assert lead.get("/patterns/new").status_code == 200
    assert post_form(lead, "/patterns/", {"title": "Callback, not queue", "text": "Offer a callback."},
                     page="/patterns/new").status_code == 302
    assert post_form(lead, f"/patterns/{pattern}/retire", {"reason": "mine now"},
                     page="/patterns/").status_code == 403
    revoked = post_form(cco, "/patterns/publishers/revoke",
                        {"member": "lead.customer-service@example.com"}, page="/patterns/")
    assert revoked.status_code == 302
    assert lead.get("/patterns/new").status_code == 403
    for role in ("executive", "auditor", "it_lead"):
        assert client_for(role).get("/patterns/new").status_code == 403
    retired = post_form(cco, f"/patterns/{pattern}/retire", {"reason": "Superseded"},
                        page=f"/patterns/{pattern}")
    assert retired.status_code == 302
    assert "retired" in text(cco.get(f"/patterns/{pattern}"))
    assert "within 30 minutes" not in text(cco.get("/patterns/"))


def test_a_commitments_department_cites_from_its_page_and_the_pattern_lists_it(client_for, web_org, pattern):
    cid = web_org.commitment(journey="support")
    lead = client_for("support_lead")
    page = text(lead.get(f"/commitments/{cid}"))
    assert "Patterns applied" in page and 'action="/patterns/cite"' in page
    assert 'action="/patterns/cite"' not in text(client_for("it_lead").get(f"/commitments/{cid}"))
    cited = post_form(lead, "/patterns/cite", {"commitment_id": str(cid), "pattern_id": str(pattern)},
                      page=f"/commitments/{cid}")
    assert cited.status_code == 302 and cited.headers["Location"].endswith(f"/commitments/{cid}")
    assert "Acknowledge every complaint within 30 minutes" in text(lead.get(f"/commitments/{cid}"))
    shown = text(client_for("executive").get(f"/patterns/{pattern}"))
    assert "Answer every ticket within 4 hours" in shown and "on track" in shown
    assert post_form(client_for("it_lead"), "/patterns/uncite",
                     {"commitment_id": str(cid), "pattern_id": str(pattern)},
                     page="/patterns/").status_code == 403
    unknown = post_form(lead, "/patterns/cite", {"commitment_id": str(cid), "pattern_id": "nope"},
                        page=f"/commitments/{cid}")
    assert unknown.status_code == 400 and "no such pattern" in text(unknown)
    assert "Nothing was recorded" in text(unknown) and "Patterns applied" in text(unknown)
    again = lead.post("/patterns/cite", data={
        "commitment_id": str(cid), "pattern_id": str(pattern),
        "csrf_token": csrf_token(lead, f"/commitments/{cid}")},
        headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert again.status_code == 200  # htmx swaps only a 2xx: the page with the reason beside the form
    assert "is already cited by this commitment" in text(again) and "Nothing was recorded" in text(again)
    assert post_form(lead, "/patterns/uncite", {"commitment_id": str(cid), "pattern_id": str(pattern)},
                     page=f"/commitments/{cid}").status_code == 302
    assert "No pattern cited." in text(lead.get(f"/commitments/{cid}"))


def test_a_journey_lists_its_patterns_on_the_plan(client_for, pattern):
    plan = text(client_for("sales_lead").get("/plan/"))
    assert f'href="/patterns/{pattern}"' in plan


def test_stored_markdown_and_titles_cannot_run_script(client_for, web_org):
    pid = web_org.app.publish_pattern(web_org.cco, title=XSS_TITLE, text=XSS_TEXT).id
    for path in (f"/patterns/{pid}", f"/patterns/{pid}/v/1", "/patterns/", "/patterns/?q=acknowledge"):
        body = text(client_for("executive").get(path))
        lowered = body.lower()
        assert "<script>alert" not in lowered
        assert 'href="javascript:' not in lowered and "href='javascript:" not in lowered
        assert "<img" not in lowered and "<iframe" not in lowered and "<svg onload" not in lowered
        assert 'href="data:' not in lowered
        assert "onerror=alert" not in lowered.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    page = text(client_for("executive").get(f"/patterns/{pid}"))
    assert "<strong>bold</strong>" in page
    assert '<a href="https://example.com/ok" rel="nofollow noopener noreferrer">fine</a>' in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page or "&lt;script&gt;alert(&quot;x&quot;)" in page


def test_a_publish_form_sent_twice_publishes_one_pattern(client_for, web_org):
    cco = client_for("cco")
    form = {"title": "Welcome call in two days", "text": "Call them.", "idempotency_key": "k-1"}
    first = post_form(cco, "/patterns/", form, page="/patterns/new")
    second = post_form(cco, "/patterns/", form, page="/patterns/new")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert text(cco.get("/patterns/?q=welcome")).count("Welcome call in two days") == 1
