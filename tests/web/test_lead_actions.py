"""Every action a lead takes on a commitment: recorded through a plain form post (redirect, then
the effect on the next page) and through htmx (the changed card, no page); refused with a message
at the field when invalid, with the current state and the user's input when stale, and with 403
when the member may not act — and in every refusal, nothing recorded."""

from __future__ import annotations

import re
from html import unescape
from dataclasses import dataclass
from uuid import UUID

import pytest

from tests.conftest import Org
from tests.web.conftest import post_form

ALL = ("progress", "due-date", "hand-over", "roadblock", "help", "resolve", "complete", "withdraw",
       "celebrate", "note")
VERSIONED = tuple(a for a in ALL if a not in ("celebrate", "note"))


@dataclass(frozen=True)
class Action:
    path: str  # after /commitments/<id>/
    valid: dict[str, str]
    shows: str  # on the commitment's page, or in the htmx answer, once recorded
    invalid: dict[str, str]
    invalid_field: str
    kept: str = ""  # a piece of the user's input that a refused form shows again
    form: str = ""  # the form's key prefix (defaults to the action's name)


ACTIONS = {
    "progress": Action("progress", {"percent": "60", "note": "Half the queues moved"},
                       'value="60"', {"percent": "150"}, "percent", "Half the queues moved"),
    "due-date": Action("due-date", {"due_date": "2026-08-14", "reason": "Vendor slipped a month"},
                       "<del><span class=\"visually-hidden\">originally </span>2026-06-30</del>",
                       {"due_date": "2026-08-14", "reason": " "}, "reason", "Vendor slipped a month"),
    "hand-over": Action("owner", {"new_owner": "cco@example.com", "reason": "IT runs the bot now"},
                        "Owner: Cara Cole", {"new_owner": "nobody@example.com", "reason": "Cover"},
                        "new_owner", "IT runs the bot now"),
    "roadblock": Action("roadblocks", {"description": "The budget is frozen", "help_from": "sales"},
                        "The budget is frozen", {"description": "", "help_from": "sales"},
                        "description", "The budget is frozen"),
    "help": Action("roadblocks/R1/help", {"department": "sales"}, "help asked of IT, Sales",
                   {"department": "customer-service"}, "department",
                   '<option value="sales" selected>', form="help-R1"),
    "resolve": Action("roadblocks/R1/resolution",
                      {"resolution": "IT shipped the CRM fields", "helped_by": "it"},
                      "with help from IT: IT shipped the CRM fields", {"resolution": ""},
                      "resolution", "IT shipped the CRM fields", form="resolve-R1"),
    "complete": Action("completion", {"evidence": "Median reply 3h10 in May", "completed_on": "2026-03-02"},
                       "Completed on 2026-03-02", {"evidence": "", "completed_on": "2026-03-02"},
                       "evidence", "Median reply 3h10 in May"),
    "withdraw": Action("withdrawal", {"reason": "Superseded by the CRM project"},
                       "Withdrawn: Superseded by the CRM project", {"reason": ""}, "reason",
                       "Superseded by the CRM project"),
    "celebrate": Action("celebrations", {"message": "Great work, support team!"},
                        "Great work, support team!", {"message": "no"}, "message"),
    "note": Action("notes", {"text": "Vendor call on Friday"}, "Note: Vendor call on Friday",
                   {"text": ""}, "text"),
}


@pytest.fixture
def commitment(web_org: Org) -> str:
    """A Customer Service commitment with roadblock R1, on which IT's help was asked."""
    cid = web_org.commitment()
    web_org.app.raise_roadblock(web_org.support_lead, cid, description="The CRM lacks fields",
                                help_from="it")
    return str(cid)


def head(org: Org) -> int:
    return org.app.recorder.max_notification_id() or 0


def version(org: Org, cid: str) -> int:
    return int(org.app.commitment(UUID(cid))["version"])


def form_data(org: Org, cid: str, values: dict[str, str], **more: str) -> dict[str, str]:
    """The form as the page rendered it: the values and the version the user saw."""
    return {**values, "expected_version": str(version(org, cid)), **more}


def form_key(name: str, cid: str) -> str:
    return f"{ACTIONS[name].form or name}-{cid}"


@pytest.mark.parametrize("name", ALL)
def test_a_plain_post_records_the_action_and_redirects_back_to_the_page_it_came_from(
    name, client_for, web_org, commitment
):
    action, lead = ACTIONS[name], client_for("support_lead")
    before = head(web_org)
    back = f"/commitments/{commitment}"
    response = post_form(lead, f"/commitments/{commitment}/{action.path}",
                         form_data(web_org, commitment, action.valid, next=back), page=back)
    assert response.status_code == 302
    assert response.headers["Location"] == back
    assert head(web_org) > before
    page = lead.get(back).get_data(as_text=True)
    assert action.shows in page


@pytest.mark.parametrize("name", ALL)
def test_an_htmx_post_records_the_action_and_answers_with_the_changed_card_only(
    name, client_for, web_org, commitment
):
    action, lead = ACTIONS[name], client_for("support_lead")
    before = head(web_org)
    response = post_form(lead, f"/commitments/{commitment}/{action.path}",
                         form_data(web_org, commitment, action.valid, view="detail"),
                         htmx=True, page="/board/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert head(web_org) > before
    assert "<html" not in html and "<nav" not in html
    assert html.lstrip().startswith(f'<article id="card-{commitment}"')
    assert action.shows in html


def test_after_an_htmx_action_the_card_carries_the_new_version_so_the_next_action_is_no_conflict(
    client_for, web_org, commitment
):
    lead = client_for("support_lead")
    data = {"percent": "20", "expected_version": str(version(web_org, commitment))}
    first = post_form(lead, f"/commitments/{commitment}/progress", data, htmx=True, page="/board/")
    loader = re.search(r'<details class="actions" hx-get="([^"]+)"', first.get_data(as_text=True))
    assert loader  # the answered card's forms load when its Actions open
    forms = lead.get(unescape(loader.group(1))).get_data(as_text=True)
    shown = re.search(r'name="expected_version" value="(\d+)"', forms)
    assert shown and int(shown.group(1)) == version(web_org, commitment)
    second = post_form(lead, f"/commitments/{commitment}/progress",
                       {"percent": "30", "expected_version": shown.group(1)}, htmx=True, page="/board/")
    assert "Progress reported." in second.get_data(as_text=True)


def test_on_the_board_the_htmx_answer_is_the_card_without_the_story(client_for, web_org, commitment):
    lead = client_for("support_lead")
    response = post_form(lead, f"/commitments/{commitment}/progress",
                         {"percent": "45", "expected_version": str(version(web_org, commitment)),
                          "next": "/board/"}, htmx=True, page="/board/")
    html = response.get_data(as_text=True)
    assert 'value="45"' in html and "Progress reported." in html
    assert 'id="story"' not in html
    assert "next=/board/" in html  # its Actions load forms that return to the board


def test_on_the_commitment_page_the_htmx_answer_also_refreshes_the_story_out_of_band(
    client_for, web_org, commitment
):
    lead = client_for("support_lead")
    response = post_form(lead, f"/commitments/{commitment}/notes",
                         {"text": "Kick-off booked", "view": "detail"}, htmx=True, page="/board/")
    html = response.get_data(as_text=True)
    assert '<section id="story" class="story" aria-labelledby="story-title" hx-swap-oob="true">' in html
    assert "Note: Kick-off booked" in html


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize("name", ALL)
def test_invalid_input_is_shown_at_its_field_and_nothing_is_recorded(
    name, htmx, client_for, web_org, commitment
):
    action, lead = ACTIONS[name], client_for("support_lead")
    before = head(web_org)
    response = post_form(lead, f"/commitments/{commitment}/{action.path}",
                         form_data(web_org, commitment, action.invalid), htmx=htmx,
                         page="/board/")
    html = response.get_data(as_text=True)
    assert response.status_code == (200 if htmx else 400)  # htmx swaps only a 2xx answer
    assert head(web_org) == before
    assert "Nothing was recorded" in html
    field_id = f"{form_key(name, commitment)}-{action.invalid_field}"
    assert f'<p class="field-error" id="{field_id}-error">' in html
    assert f'id="{field_id}"' in html and 'aria-invalid="true"' in html
    assert ("<html" in html) is not htmx  # without htmx: the commitment's page again


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize("name", VERSIONED)
def test_a_stale_form_shows_the_current_state_and_keeps_the_input_and_records_nothing(
    name, htmx, client_for, web_org, commitment
):
    action, lead = ACTIONS[name], client_for("support_lead")
    stale = version(web_org, commitment)
    web_org.app.report_progress(web_org.support_lead, UUID(commitment), percent=33)
    before = head(web_org)
    response = post_form(lead, f"/commitments/{commitment}/{action.path}",
                         {**action.valid, "expected_version": str(stale)}, htmx=htmx, page="/board/")
    html = response.get_data(as_text=True)
    assert response.status_code == (200 if htmx else 409)
    assert head(web_org) == before
    assert "Someone else changed this first" in html
    assert 'value="33"' in html  # the current progress, reported meanwhile
    assert action.kept in html
    assert f'name="expected_version" value="{version(web_org, commitment)}"' in html  # resubmit works


# A lead of a department neither owning nor asked may do nothing but celebrate (any lead may
# celebrate any win); executive viewers and auditors change nothing.
REFUSED = [(name, role) for role in ("sales_lead", "executive", "auditor") for name in ALL
           if not (name == "celebrate" and role == "sales_lead")]


@pytest.mark.parametrize(("name", "role"), REFUSED)
def test_a_member_who_may_not_act_on_the_commitment_gets_403_and_nothing_is_recorded(
    name, role, client_for, web_org, commitment
):
    action, member = ACTIONS[name], client_for(role)
    before = head(web_org)
    response = post_form(member, f"/commitments/{commitment}/{action.path}",
                         form_data(web_org, commitment, action.valid), page="/board/")
    assert response.status_code == 403
    assert head(web_org) == before


def test_a_lead_of_another_department_gets_a_403_notice_for_htmx(client_for, web_org, commitment):
    it = client_for("it_lead")
    before = head(web_org)
    response = post_form(it, f"/commitments/{commitment}/progress",
                         form_data(web_org, commitment, {"percent": "90"}),
                         htmx=True, page="/board/")
    assert response.status_code == 403
    assert 'class="notice notice-error"' in response.get_data(as_text=True)
    assert head(web_org) == before


def test_the_asked_department_may_resolve_the_roadblock_and_add_a_note_but_not_report_progress(
    client_for, web_org, commitment
):
    it = client_for("it_lead")
    page = it.get(f"/commitments/{commitment}").get_data(as_text=True)
    assert f"/commitments/{commitment}/roadblocks/R1/resolution" in page
    assert f"/commitments/{commitment}/notes" in page
    assert f"/commitments/{commitment}/progress" not in page
    response = post_form(it, f"/commitments/{commitment}/roadblocks/R1/resolution",
                         form_data(web_org, commitment, ACTIONS["resolve"].valid),
                         htmx=True, page="/board/")
    assert response.status_code == 200
    assert "Roadblock resolved." in response.get_data(as_text=True)


def test_a_plain_post_never_redirects_off_the_site(client_for, web_org, commitment):
    lead = client_for("support_lead")
    response = post_form(lead, f"/commitments/{commitment}/notes",
                         {"text": "Hello", "next": "https://evil.example/"}, page="/board/")
    assert response.headers["Location"] == f"/commitments/{commitment}"


def test_a_closed_commitment_offers_only_a_celebration_and_a_note(client_for, web_org, commitment):
    web_org.app.complete(web_org.support_lead, UUID(commitment), evidence="Done and measured")
    page = client_for("support_lead").get(f"/commitments/{commitment}").get_data(as_text=True)
    for gone in ("progress", "due-date", "owner", "completion", "withdrawal", "R1/help"):
        assert f"/commitments/{commitment}/{gone}\"" not in page
    for kept in ("celebrations", "notes", "roadblocks/R1/resolution"):
        assert f"/commitments/{commitment}/{kept}\"" in page


def test_a_server_whose_clock_is_behind_the_history_refuses_the_write_with_503_and_records_nothing(
    client_for, web_org, commitment
):
    from datetime import timedelta

    from tracker import clock

    lead, before = client_for("support_lead"), head(web_org)
    back = f"/commitments/{commitment}"
    note = ACTIONS["note"]
    # The fixture's history is stamped on a fixed day: thirty years before it is far behind.
    with clock.skewed(timedelta(days=-365 * 30)):
        response = post_form(lead, f"/commitments/{commitment}/{note.path}",
                             form_data(web_org, commitment, note.valid, next=back), page=back)
    assert response.status_code == 503
    assert "clock is behind" in response.get_data(as_text=True)
    assert head(web_org) == before
