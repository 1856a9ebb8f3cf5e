"""A commitment's page: correcting its details (its department's lead or the CCO) and moving it to
another department (the CCO), each with a reason, with and without htmx; refusals record
nothing and keep what was typed."""

from __future__ import annotations

from html import unescape
from uuid import UUID

from tests.conftest import Org
from tests.web.conftest import post_form


def _page(client, cid: UUID) -> str:  # type: ignore[no-untyped-def]
    return unescape(client.get(f"/commitments/{cid}").get_data(as_text=True))


def _post(client, cid: UUID, action: str, data: dict[str, str], *, htmx: bool = False):  # type: ignore[no-untyped-def]
    """As the detail page's form posts (with `view=detail`, so an htmx answer keeps its forms)."""
    return post_form(client, f"/commitments/{cid}/{action}", {"view": "detail", **data},
                     htmx=htmx, page=f"/commitments/{cid}")


def test_a_lead_corrects_the_title_and_unlinks_the_kpi_and_the_story_keeps_both(
    client_for, web_org: Org
) -> None:
    cid = web_org.commitment(kpi="nps")
    lead = client_for("support_lead")
    page = _page(lead, cid)
    assert "Correct the details" in page and "Move to another department" not in page
    version = str(web_org.app.commitment(cid)["version"])
    response = _post(lead, cid, "details", {
        "title": "Answer every ticket within 2 hours", "description": "", "journey": "",
        "kpi": "", "reason": "The team agreed a faster target", "expected_version": version})
    assert response.status_code == 302
    after = web_org.app.commitment(cid)
    assert (after["title"], after["kpi"]) == ("Answer every ticket within 2 hours", None)
    page = _page(lead, cid)
    assert "Answer every ticket within 4 hours" in page  # the original, in the story
    assert "The team agreed a faster target" in page


def test_a_correction_that_changes_nothing_or_lacks_a_reason_records_nothing(
    client_for, web_org: Org
) -> None:
    cid = web_org.commitment()
    lead = client_for("support_lead")
    head = web_org.app.head()
    same = _post(lead, cid, "details", {"title": "Answer every ticket within 4 hours",
                                        "description": "", "journey": "", "kpi": "",
                                        "reason": "Nothing really"}, htmx=True)
    assert "nothing to correct" in unescape(same.get_data(as_text=True))
    blank = _post(lead, cid, "details", {"title": "Shorter answers", "reason": ""}, htmx=True)
    html = unescape(blank.get_data(as_text=True))
    assert "Nothing was recorded" in html and 'value="Shorter answers"' in html
    assert web_org.app.head() == head


def test_only_the_cco_moves_a_commitment_and_names_a_new_owner_when_needed(
    client_for, web_org: Org
) -> None:
    cid = web_org.commitment()
    lead = client_for("support_lead")
    head = web_org.app.head()
    refused = _post(lead, cid, "department", {"department": "it", "reason": "IT runs it"})
    assert refused.status_code == 403 and web_org.app.head() == head
    cco = client_for("cco")
    assert "Move to another department" in _page(cco, cid)
    no_owner = _post(cco, cid, "department", {"department": "it", "reason": "IT runs it"},
                     htmx=True)
    assert "name a new owner who leads that department" in unescape(no_owner.get_data(as_text=True))
    assert web_org.app.head() == head
    moved = _post(cco, cid, "department", {"department": "it", "new_owner": "lead.it@example.com",
                                           "reason": "IT runs it"})
    assert moved.status_code == 302
    after = web_org.app.commitment(cid)
    assert after["department"] == "it"
    assert after["owner_id"] == web_org.app.member("lead.it@example.com")["id"]


def test_a_commitment_naming_a_retired_journey_keeps_it_when_the_title_is_corrected(
    client_for, web_org: Org
) -> None:
    journey = next(iter(web_org.app.plan()["journeys"]))
    cid = web_org.commitment(journey=journey)
    web_org.app.retire_journey(web_org.cco, key=journey, reason="Merged into another journey")
    lead = client_for("support_lead")
    page = _page(lead, cid)
    assert "(retired)" in page  # still offered, and chosen, in the form
    response = _post(lead, cid, "details", {"title": "Answer every ticket within 3 hours",
                                            "journey": journey, "kpi": "", "reason": "Typo"})
    assert response.status_code == 302
    assert web_org.app.commitment(cid)["journey"] == journey
