"""The timeline: one readable row per event, filters, and keyset paging newest first."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from projections.queries.timeline import Page, timeline_page
from tests.projections_views.conftest import Views, utc
from tracker import clock


def all_rows(views: Views, **filters: Any) -> list[dict[str, Any]]:
    return timeline_page(views.sync(), limit=500, **filters).rows


def story(views: Views) -> dict[str, Any]:
    """One commitment through every kind of commitment event, on successive days."""
    org, app = views.org, views.org.app
    lead = org.support_lead
    with clock.frozen_at(utc(2026, 3, 3, 9)):
        c = org.commitment(title="Answer within 4 hours", journey="support")
        other = org.commitment(title="Portal", department="it", actor=org.it_lead,
                               owner="lead.it@example.com")
    with clock.frozen_at(utc(2026, 3, 4, 9)):
        app.report_progress(lead, c, percent=40, note="queues mapped")
        app.report_progress(lead, c, percent=60, note="integrations done")
    with clock.frozen_at(utc(2026, 3, 5, 9)):
        app.move_due_date(lead, c, due_date="2026-07-31", reason="vendor delay")
        app.hand_over(lead, c, new_owner="cco@example.com", reason="parental leave")
        app.raise_roadblock(lead, c, description="No API access", help_from="it")
    with clock.frozen_at(utc(2026, 3, 6, 9)):
        app.resolve_roadblock(org.it_lead, c, roadblock_id="R1", resolution="keys issued",
                              helped_by="it")
        app.move_due_date(lead, c, due_date="2026-03-20", reason="pulled in")
    with clock.frozen_at(utc(2026, 3, 23, 9)):
        app.complete(lead, c, evidence="SLA report")
        app.celebrate(org.cco, c, message="Well done")
        app.add_note(lead, c, text="Retro\nnext week")
        app.withdraw(org.it_lead, other, reason="superseded")
    views.sync()
    return {"c": c, "other": other}


def summaries(views: Views, commitment: object) -> list[str]:
    return [r["summary"] for r in reversed(all_rows(views, commitment=commitment))]


def test_every_event_is_one_row_in_log_order(views: Views) -> None:
    story(views)
    rows = all_rows(views)
    assert [r["position"] for r in rows] == list(range(views.org.app.head(), 0, -1))
    assert {r["aggregate"] for r in rows} == {"plan", "member", "commitment"}


def test_summaries_read_as_one_line_sentences(views: Views) -> None:
    ids = story(views)
    assert summaries(views, ids["c"]) == [
        "Commitment made: Answer within 4 hours, due 2026-06-30, owned by Customer Service Lead",
        "Progress 0% → 40%: queues mapped",
        "Progress 40% → 60%: integrations done",
        "Due date moved 2026-06-30 → 2026-07-31 (+31 days): vendor delay",
        "Handed over from Customer Service Lead to Cara Cole: parental leave",
        "Roadblock R1 raised: No API access",
        "Roadblock R1: help asked of IT",
        "Roadblock R1 resolved with help from IT: keys issued",
        "Due date moved 2026-07-31 → 2026-03-20 (-133 days): pulled in",
        "Completed on 2026-03-23 (3 days late): SLA report",
        "Celebrated: Well done",
        "Note: Retro next week",
    ]
    assert summaries(views, ids["other"])[-1] == "Withdrawn: superseded"


def test_milestone_lines_name_the_milestone_by_its_text(views: Views) -> None:
    org, app = views.org, views.org.app
    c = org.commitment()
    for text in ("Queues mapped", "Agents trained"):
        app.add_milestone(org.support_lead, c, text=text)
    app.tick_milestone(org.support_lead, c, milestone_id="M2")
    app.tick_milestone(org.support_lead, c, milestone_id="M2", ticked=False)
    app.remove_milestone(org.support_lead, c, milestone_id="M1")
    assert summaries(views, c)[1:] == [
        "Milestone added: Queues mapped",
        "Milestone added: Agents trained",
        "Milestone ticked: Agents trained",
        "Milestone unticked: Agents trained",
        "Milestone removed: Queues mapped",
    ]


def test_completion_is_judged_against_the_due_date_in_force(views: Views) -> None:
    org, app = views.org, views.org.app
    c = org.commitment(due_date="2026-03-03")
    app.move_due_date(org.support_lead, c, due_date="2026-03-10", reason="scope")
    with clock.frozen_at(utc(2026, 3, 9, 9)):
        app.complete(org.support_lead, c, evidence="done")
    d = org.commitment(due_date="2026-03-09")
    with clock.frozen_at(utc(2026, 3, 9, 10)):
        app.complete(org.support_lead, d, evidence="done")
    assert summaries(views, c)[-1] == "Completed on 2026-03-09 (1 day early): done"
    assert summaries(views, d)[-1] == "Completed on 2026-03-09 (on time): done"


def test_plan_and_member_events_are_described_too(views: Views) -> None:
    org = views.org
    org.app.record_measurement(org.cco, key="nps", value=14.5, note="Q1 survey")
    org.app.deactivate_member(org.cco, email="ceo@example.com", reason="left")
    rows = {r["position"]: r["summary"] for r in all_rows(views)}
    texts = list(reversed(rows.values()))
    assert texts[:3] == [
        "Member registered: Cara Cole (cco@example.com)",
        "Cara Cole granted the role Chief Customer Officer",
        "Plan started: Acme CX plan",
    ]
    assert "IT Lead granted the role Department lead (IT)" in texts
    assert "Journey defined: Support, led by Customer Service" in texts
    assert "KPI defined: Net Promoter Score, 12 → 30 points by 2026-12-31" in texts
    assert texts[-2:] == [
        "Net Promoter Score measured 14.5 on 2026-03-02: Q1 survey", "Eve Exec deactivated: left"]


def test_rows_carry_actor_department_commitment_and_journey(views: Views) -> None:
    ids = story(views)
    help_asked = all_rows(views, kind="HelpRequested")[0]
    assert help_asked["actor_id"] == str(views.org.support_lead)
    assert help_asked["actor_name"] == "Customer Service Lead"
    assert help_asked["department"] == "customer-service"  # the commitment's, not the helper's
    assert help_asked["commitment_id"] == str(ids["c"])
    assert help_asked["commitment_title"] == "Answer within 4 hours"
    assert help_asked["journey"] == "support"
    assert (help_asked["aggregate"], help_asked["kind"]) == ("commitment", "HelpRequested")
    assert help_asked["at"] == "2026-03-05T09:00:00.000000+00:00"
    added = all_rows(views, kind="DepartmentAdded")
    assert [r["department"] for r in reversed(added)] == ["customer-service", "it", "sales"]
    journey = all_rows(views, kind="JourneyDefined")[0]
    assert (journey["department"], journey["journey"]) == ("customer-service", "support")
    registered = all_rows(views, kind="Registered")[0]
    assert registered["department"] is None and registered["commitment_id"] is None


def test_details_are_the_event_data_with_iso_dates_and_string_ids(views: Views) -> None:
    ids = story(views)
    moved = all_rows(views, kind="DueDateMoved", commitment=ids["c"])[-1]
    assert moved["details"] == {
        "from_date": "2026-06-30", "to_date": "2026-07-31", "reason": "vendor delay",
    }
    handed = all_rows(views, kind="OwnershipHandedOver")[0]["details"]
    assert handed["from_owner"] == str(views.org.support_lead)
    made = all_rows(views, kind="Made", commitment=ids["c"])[0]["details"]
    assert made["owner_id"] == str(views.org.support_lead) and made["due_date"] == "2026-06-30"
    assert made["kpi"] is None and "actor" not in made


def test_filters_by_department_journey_commitment_actor_and_kind(views: Views) -> None:
    ids = story(views)
    org = views.org

    def kinds(**filters: Any) -> list[str]:
        return [r["kind"] for r in reversed(all_rows(views, **filters))]

    assert kinds(department="it") == ["DepartmentAdded", "Made", "Withdrawn"]
    assert len(kinds(journey="support")) == 13  # the journey defined, then c's twelve events
    assert kinds(commitment=ids["other"]) == ["Made", "Withdrawn"]
    assert kinds(actor=org.it_lead) == ["Made", "RoadblockResolved", "Withdrawn"]
    assert kinds(actor=str(org.cco), kind="Celebrated") == ["Celebrated"]
    assert kinds(department="it", kind="Made") == ["Made"]
    assert kinds(department="sales", kind="Made") == []


def test_since_and_until_are_inclusive_and_a_date_means_the_whole_day(views: Views) -> None:
    story(views)

    def days(**filters: Any) -> list[str]:
        return sorted({r["at"][:10] for r in all_rows(views, **filters)})

    assert days(since=utc(2026, 3, 4, 9), until=utc(2026, 3, 5, 9)) == ["2026-03-04", "2026-03-05"]
    assert days(since=date(2026, 3, 5), until=date(2026, 3, 6)) == ["2026-03-05", "2026-03-06"]
    assert days(until=date(2026, 3, 2)) == ["2026-03-02"]
    assert days(since="2026-03-23T09:00:00Z") == ["2026-03-23"]
    assert days(since=utc(2026, 3, 23, 9, 0, 1)) == []


@pytest.mark.parametrize("limit", [1, 3, 7, 50])
def test_keyset_pages_go_newest_first_without_repeating_or_skipping_a_row(
    views: Views, limit: int
) -> None:
    story(views)
    expected = [r["position"] for r in all_rows(views)]
    seen: list[int] = []
    page = timeline_page(views.db, limit=limit)
    while True:
        assert len(page.rows) <= limit
        seen += [r["position"] for r in page.rows]
        if page.next_before is None:
            break
        page = timeline_page(views.db, limit=limit, before=page.next_before)
    assert seen == expected


def test_paging_with_a_filter_is_stable_while_new_events_arrive(views: Views) -> None:
    ids = story(views)
    expected = [r["position"] for r in all_rows(views, commitment=ids["c"])]
    first = timeline_page(views.db, commitment=ids["c"], limit=5)
    views.org.app.add_note(views.org.support_lead, ids["c"], text="a newer note")
    views.sync()
    seen = [r["position"] for r in first.rows]
    cursor = first.next_before
    while cursor is not None:
        page = timeline_page(views.db, commitment=ids["c"], limit=5, before=cursor)
        seen += [r["position"] for r in page.rows]
        cursor = page.next_before
    assert seen == expected


def test_an_exactly_full_last_page_has_no_next_cursor(views: Views) -> None:
    views.sync()
    head = views.org.app.head()
    assert timeline_page(views.db, limit=head) == Page(
        timeline_page(views.db, limit=head).rows, None)
    assert timeline_page(views.db, limit=head - 1).next_before == 2
    assert timeline_page(views.db, before=1).rows == []


@pytest.mark.parametrize("limit", [0, 501])
def test_a_page_size_out_of_range_is_refused(views: Views, limit: int) -> None:
    with pytest.raises(ValueError):
        timeline_page(views.sync(), limit=limit)
