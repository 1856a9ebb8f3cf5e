"""The commitment board (/board/) and making a commitment (/commitments/new)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from uuid import UUID

import pytest

from tests.conftest import Org
from tests.web.conftest import post_form
from tracker import clock

FORBIDDEN_MARKUP = re.compile(r"<[^>]*\s(style|on[a-z]+|hx-on[:-][\w:-]*)\s*=|<script(?![^>]*\ssrc=)",
                              re.IGNORECASE)


def head(org: Org) -> int:
    return org.app.recorder.max_notification_id() or 0


def html_of(client, path: str, status: int = 200, **headers: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    html = response.get_data(as_text=True)
    assert not FORBIDDEN_MARKUP.search(html), "inline style, script or handler breaks the CSP"
    return html


@pytest.fixture
def plan(web_org: Org) -> dict[str, UUID]:
    """Two Customer Service commitments (one with a moved due date and a roadblock, one done)
    and one of IT's."""
    app, lead = web_org.app, web_org.support_lead
    moved = web_org.commitment(title="Answer every ticket within 4 hours")
    app.move_due_date(lead, moved, due_date="2026-07-31", reason="Hiring took longer")
    app.raise_roadblock(lead, moved, description="Rota tool is down")
    app.report_progress(lead, moved, percent=40)
    done = web_org.commitment(title="Publish the support hours")
    app.complete(lead, done, evidence="On the website")
    it = web_org.commitment(title="Restore the status page", department="it",
                            owner="lead.it@example.com", actor=web_org.it_lead)
    return {"moved": moved, "done": done, "it": it}


@pytest.mark.parametrize("role", ["support_lead", "it_lead", "cco", "executive", "auditor"])
def test_the_board_renders_for_every_role_that_reads_the_plan(role, client_for, plan):
    assert "<h1>" in html_of(client_for(role), "/board/")


def test_a_lead_sees_their_own_department_by_default(client_for, plan):
    html = html_of(client_for("support_lead"), "/board/")
    assert "<h1>Customer Service" in html
    assert "Answer every ticket within 4 hours" in html
    assert "Restore the status page" not in html


def test_a_card_shows_health_progress_due_date_with_the_original_struck_through_owner_and_roadblocks(
    client_for, plan
):
    html = html_of(client_for("support_lead"), "/board/")
    card = html[html.index(f'id="card-{plan["moved"]}"'):]
    card = card[:card.index("</article>")]
    assert '<span class="badge health-at-risk">at risk</span>' in card
    assert '<progress max="100" value="40"' in card
    assert "<del><span class=\"visually-hidden\">originally </span>2026-06-30</del>" in card
    assert '<time datetime="2026-07-31">2026-07-31</time>' in card
    assert "Owner: Customer Service Lead" in card
    assert "1 open roadblock" in card and "Rota tool is down" in card


def test_cards_are_grouped_by_health_with_closed_ones_folded_away(client_for, plan):
    html = html_of(client_for("support_lead"), "/board/")
    assert html.index('id="group-at-risk"') < html.index('id="group-done"')
    folded = html[html.index('<details class="closed-group">'):]
    assert f'id="card-{plan["done"]}"' in folded


def test_the_health_filter_shows_only_that_health_and_unfolds_closed_ones(client_for, plan):
    html = html_of(client_for("support_lead"), "/board/?health=done")
    assert f'id="card-{plan["done"]}"' in html
    assert f'id="card-{plan["moved"]}"' not in html
    assert 'class="closed-group"' not in html
    assert "Show all 2" in html


def test_a_commitment_closed_in_the_last_90_days_is_on_the_board(client_for, plan):
    with clock.frozen_at(datetime(2026, 5, 31, 9, tzinfo=timezone.utc)):  # done 2026-03-02
        html = html_of(client_for("support_lead"), "/board/")
    folded = html[html.index('<details class="closed-group">'):]
    assert f'id="card-{plan["done"]}"' in folded
    assert "not shown" not in html and "closed=all" not in html


def test_older_closed_commitments_are_left_off_but_counted_and_reachable(client_for, plan):
    client = client_for("support_lead")
    with clock.frozen_at(datetime(2026, 6, 1, 9, tzinfo=timezone.utc)):  # 91 days after
        html = html_of(client, "/board/")
        folded = html[html.index('<details class="closed-group">'):]
        assert f'id="card-{plan["done"]}"' not in html
        assert f'id="card-{plan["moved"]}"' in html
        assert ">1 done</a>" in html  # the health summary still counts it
        assert '<span class="muted small">0 of 1</span>' in folded
        assert "1 done before 2026-03-03 not shown." in folded
        link = re.search(r'href="([^"]*closed=all[^"]*)"', folded)
        assert link is not None
        everything = html_of(client, link.group(1).replace("&amp;", "&"))
        assert f'id="card-{plan["done"]}"' in everything
        assert "not shown" not in everything
        assert 'name="closed" value="all"' in everything  # the filters keep showing all


def test_the_health_filter_on_a_closed_health_counts_the_older_ones_too(client_for, plan):
    client = client_for("support_lead")
    with clock.frozen_at(datetime(2026, 6, 1, 9, tzinfo=timezone.utc)):
        html = html_of(client, "/board/?health=done")
        assert f'id="card-{plan["done"]}"' not in html
        assert "1 done before 2026-03-03 not shown." in html
        assert "No commitment is done here." not in html
        everything = html_of(client, "/board/?health=done&closed=all")
    assert f'id="card-{plan["done"]}"' in everything


def test_an_htmx_filter_answers_with_the_board_fragment(client_for, plan):
    html = html_of(client_for("cco"), "/board/?department=it", **{"HX-Request": "true"})
    assert html.lstrip().startswith('<div id="board"')
    assert "<html" not in html
    assert "Restore the status page" in html and "Publish the support hours" not in html


def test_the_cco_sees_one_department_at_a_time_and_may_switch_to_any_or_all(client_for, plan):
    client = client_for("cco")
    html = html_of(client, "/board/")  # the first department by name, not the whole company
    assert "<h1>Customer Service" in html
    assert "Answer every ticket within 4 hours" in html and "Restore the status page" not in html
    switcher = html[html.index('id="filter-department"'):html.index("</select>", html.index('id="filter-department"'))]
    assert '<option value="customer-service" selected>Customer Service</option>' in switcher
    assert all(f'value="{slug}"' in switcher for slug in ("", "customer-service", "it", "sales"))
    everything = html_of(client, "/board/?department=")
    assert "<h1>All departments" in everything
    assert "Restore the status page" in everything and "Answer every ticket within 4 hours" in everything


def test_a_group_shows_its_first_cards_and_links_to_all_of_them(client_for, web_org, plan, monkeypatch):
    client = client_for("support_lead")
    monkeypatch.setitem(client.application.config, "BOARD_GROUP_SHOWN", 1)
    web_org.commitment(title="Second at-risk commitment", due_date="2026-03-05")  # due in 3 days, 0%
    html = html_of(client, "/board/")
    group = html[html.index('id="group-at-risk"'):html.index("</section>", html.index('id="group-at-risk"'))]
    assert group.count('<article id="card-') == 1
    assert "Show all 2 at risk</a>" in group and "health=at+risk" in group
    assert html_of(client, "/board/?health=at+risk").count('<article id="card-') == 2


def test_an_executive_reads_any_department_but_is_offered_no_action(client_for, plan):
    html = html_of(client_for("executive"), "/board/?department=customer-service")
    assert "Answer every ticket within 4 hours" in html
    assert "New commitment" not in html
    assert "<form method=\"post\"" not in html.split('<main')[1]


def test_a_lead_of_several_departments_gets_their_own_first_then_every_department(
    client_for, web_org, plan
):
    web_org.app.grant_role(web_org.cco, email="lead.customer-service@example.com", role="lead",
                           department="it")
    lead = client_for("support_lead")
    html = html_of(lead, "/board/")
    switcher = html[html.index('id="filter-department"'):]
    switcher = switcher[:switcher.index("</select>")]
    values = re.findall(r'<option value="([^"]*)"', switcher)
    assert values == ["customer-service", "it", "", "sales"]  # shared understanding: any board
    assert 'value="customer-service" selected' in switcher
    assert "Restore the status page" in html_of(lead, "/board/?department=it")


def test_a_lead_acts_only_on_their_own_departments_cards(client_for, plan):
    html = html_of(client_for("support_lead"), "/board/?department=it")
    assert "Restore the status page" in html
    assert f'/commitments/{plan["it"]}/progress' not in html


@pytest.mark.parametrize("query", ["department=nowhere", "health=fine", "journey=moon", "closed=some"])
def test_an_unknown_filter_value_is_not_found(query, client_for, plan):
    assert client_for("cco").get(f"/board/?{query}").status_code == 404


def test_an_empty_board_invites_the_lead_to_make_the_first_commitment(client_for, web_org):
    html = html_of(client_for("sales_lead"), "/board/")
    assert "No commitments here yet." in html and "/commitments/new?department=sales" in html


# Making a commitment

NEW = {"department": "customer-service", "title": "Call back every detractor",
       "description": "Within two days", "due_date": "2026-09-30",
       "owner": "lead.customer-service@example.com", "journey": "support", "kpi": "nps"}


def test_the_new_commitment_form_offers_the_leads_departments_active_members_journeys_and_kpis(
    client_for, web_org
):
    html = html_of(client_for("support_lead"), "/commitments/new")
    for name in ("department", "title", "description", "due_date", "owner", "journey", "kpi"):
        assert f'id="new-{name}"' in html and f'for="new-{name}"' in html
    assert '<option value="customer-service" selected>' in html and 'value="it"' not in html
    assert '<option value="lead.customer-service@example.com" selected>' in html
    assert '<option value="support">Support</option>' in html
    assert '<option value="nps">Net Promoter Score</option>' in html


@pytest.mark.parametrize("role", ["executive", "auditor"])
def test_readers_may_not_open_the_new_commitment_form(role, client_for, web_org):
    assert client_for(role).get("/commitments/new").status_code == 403


def test_making_a_commitment_redirects_to_the_board_where_it_appears(client_for, web_org):
    web_org.commitment(title="Due sooner, on track", due_date="2026-08-01")
    lead = client_for("support_lead")
    before = head(web_org)
    response = post_form(lead, "/commitments/new", NEW, page="/commitments/new")
    assert response.status_code == 302
    location = response.headers["Location"]
    made = re.fullmatch(r"/board/\?department=customer-service&made=([0-9a-f-]{36})#card-\1", location)
    assert made, location
    assert head(web_org) == before + 1
    html = html_of(lead, location)
    assert "Commitment made." in html and "Call back every detractor" in html
    # It heads its group, though others in it fall due sooner.
    group = html[html.rindex('<section class="board-column', 0, html.index(f'id="card-{made.group(1)}"')):]
    group = group[: group.index("</section>")]
    assert group.count("<article") >= 2, "the test needs another commitment in the group"
    assert group.index("<article") == group.index(f'<article id="card-{made.group(1)}"')


def test_an_invalid_commitment_is_refused_field_by_field_and_the_input_kept(client_for, web_org):
    lead = client_for("support_lead")
    before = head(web_org)
    response = post_form(lead, "/commitments/new",
                         {**NEW, "title": "ab", "due_date": "2020-01-01", "owner": "ghost@example.com"},
                         page="/commitments/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400  # a plain form post: the page again, with a 4xx status
    assert head(web_org) == before
    for name in ("title", "due_date", "owner"):
        assert f'id="new-{name}-error"' in html
    assert 'value="ab"' in html and "Within two days</textarea>" in html


def test_a_lead_may_not_make_a_commitment_for_another_department(client_for, web_org):
    before = head(web_org)
    response = post_form(client_for("support_lead"), "/commitments/new", {**NEW, "department": "it"},
                         page="/commitments/new")
    assert response.status_code == 403
    assert head(web_org) == before
