"""A commitment's page (/commitments/<id>): its card with every action, and its whole story."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from tests.conftest import Org


@pytest.fixture
def storied(web_org: Org) -> UUID:
    """A commitment that was moved, handed over, blocked and helped, then noted."""
    app, lead = web_org.app, web_org.support_lead
    cid = web_org.commitment(description="Tickets answered in four working hours.", journey="support",
                             kpi="nps")
    app.report_progress(lead, cid, percent=25, note="Rota agreed")
    app.move_due_date(lead, cid, due_date="2026-08-31", reason="Peak season")
    app.hand_over(lead, cid, new_owner="cco@example.com", reason="The bot does the work now")
    app.raise_roadblock(lead, cid, description="No API for the bot", help_from="it")
    app.resolve_roadblock(web_org.it_lead, cid, roadblock_id="R1", resolution="API opened",
                          helped_by="it")
    app.add_note(lead, cid, text="Weekly check-in on Mondays")
    return cid


def page(client, cid: UUID) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/commitments/{cid}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["support_lead", "it_lead", "sales_lead", "cco", "executive", "auditor"])
def test_every_member_with_a_role_may_read_a_commitment(role, client_for, storied):
    assert "Answer every ticket within 4 hours" in page(client_for(role), storied)


def test_the_story_tells_every_event_oldest_first_with_the_health_it_left(client_for, storied):
    html = page(client_for("support_lead"), storied)
    story = html[html.index('id="story"'):]
    summaries = ["Commitment made", "Progress 0% → 25%: Rota agreed",
                 "Due date moved 2026-06-30 → 2026-08-31", "Handed over from Customer Service Lead to Cara Cole",
                 "Roadblock R1 raised: No API for the bot", "Roadblock R1: help asked of IT",
                 "Note: Weekly check-in on Mondays"]
    positions = [story.index(s) for s in summaries]
    assert positions == sorted(positions)
    assert '<span class="badge health-blocked">blocked</span>' in story  # after help was asked


def test_the_page_shows_the_owners_over_time_with_the_reason_for_each_handover(client_for, storied):
    html = page(client_for("cco"), storied)
    owners = html[html.index('id="owners-title"'):html.index('id="roadblocks-title"')]
    assert owners.index("Customer Service Lead") < owners.index("Cara Cole")
    assert "The bot does the work now" in owners and "<td>now</td>" in owners


def test_the_page_shows_every_roadblock_and_how_it_was_resolved(client_for, storied):
    html = page(client_for("executive"), storied)
    assert "No API for the bot" in html
    assert "by IT Lead, with help from IT: API opened" in html


def test_the_card_shows_the_description_journey_and_kpi_and_its_actions_open(client_for, storied):
    html = page(client_for("support_lead"), storied)
    assert "Tickets answered in four working hours." in html
    assert "Journey: Support" in html and "KPI: Net Promoter Score" in html
    assert '<details class="actions" open>' in html
    assert 'name="view" value="detail"' in html


def test_readers_see_the_story_but_no_action(client_for, storied):
    html = page(client_for("auditor"), storied)
    assert 'class="actions"' not in html and 'method="post" action="/commitments' not in html


def test_an_unknown_commitment_is_not_found(client_for, web_org):
    response = client_for("support_lead").get(f"/commitments/{uuid4()}")
    assert response.status_code == 404
    assert "No such commitment" in response.get_data(as_text=True)


def test_the_page_links_back_to_the_departments_board(client_for, storied):
    assert 'href="/board/?department=customer-service"' in page(client_for("support_lead"), storied)
