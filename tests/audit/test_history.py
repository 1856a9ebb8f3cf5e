"""History rows with field-level changes for hand-written sequences; filters and keyset paging."""

from __future__ import annotations

import pytest

from projections.audit.history import BadFilter, Filters, check_filters, history_page, history_stream
from tests.audit.conftest import caught_up
from tests.conftest import Org
from tests.web.cco_helpers import on


def changes(event: dict) -> dict[str, tuple]:  # type: ignore[type-arg]
    return {c["field"]: (c["before"], c["after"]) for c in event["changes"]}


@pytest.fixture
def story(small: Org):  # type: ignore[no-untyped-def]
    """One commitment through most of its life, and a few plan and member events."""
    app, lead = small.app, small.support_lead
    with on("2026-03-02"):
        cid = small.commitment(title="Answer within 4 hours", due_date="2026-04-30")
    with on("2026-03-03"):
        app.report_progress(lead, cid, percent=40, note="Rota agreed")
    with on("2026-03-04"):
        app.move_due_date(lead, cid, due_date="2026-05-15", reason="Hiring")
    with on("2026-03-05"):
        app.raise_roadblock(lead, cid, description="Need IT to set up routing", help_from="it")
    with on("2026-03-06"):
        app.hand_over(lead, cid, new_owner="cco@example.com", reason="IT runs it now")
    with on("2026-03-07"):
        app.resolve_roadblock(small.it_lead, cid, roadblock_id="R1", resolution="Routing live",
                              helped_by="it")
    with on("2026-03-08"):
        app.complete(lead, cid, evidence="Median 3h10 for a month", completed_on="2026-03-08")
        app.celebrate(small.cco, cid, message="Well done")
    with on("2026-03-09"):
        app.revise_vision(small.cco, "Customers never chase us, ever.")
        app.change_journey_lead(small.cco, "support", "it")
        app.record_measurement(small.cco, key="nps", value=14, measured_on="2026-03-01")
        app.record_measurement(small.cco, key="nps", value=17, measured_on="2026-03-08")
        app.revoke_role(small.cco, email="ceo@example.com", role="executive")
        app.deactivate_member(small.cco, email="ceo@example.com", reason="Left the company")
    db = caught_up(app)
    yield db, cid
    db.close()


def test_each_commitment_event_shows_the_fields_it_changed_before_and_after(story) -> None:  # type: ignore[no-untyped-def]
    db, cid = story
    events = list(history_stream(db, check_filters(db, commitment=str(cid))))
    assert [e["kind"] for e in events] == [
        "Made", "ProgressReported", "DueDateMoved", "RoadblockRaised", "HelpRequested",
        "OwnershipHandedOver", "RoadblockResolved", "Completed", "Celebrated",
    ]
    made, progress, moved, raised, asked, handed, resolved, completed, celebrated = map(changes, events)
    assert made == {"title": (None, "Answer within 4 hours"), "department": (None, "customer-service"),
                    "owner": (None, "Customer Service Lead"), "due_date": (None, "2026-04-30"),
                    "status": (None, "open")}
    assert progress == {"progress": (0, 40)}
    assert moved == {"due_date": ("2026-04-30", "2026-05-15"), "due_date_moves": (0, 1),
                     "days_slipped": (0, 15)}
    assert raised == {"open_roadblocks": (0, 1)}
    assert asked == {"open_help_requests": (0, 1)}
    assert handed == {"owner": ("Customer Service Lead", "Cara Cole")}
    assert resolved == {"open_roadblocks": (1, 0), "open_help_requests": (1, 0)}
    assert completed == {"progress": (40, 100), "status": ("open", "completed"),
                         "completed_on": (None, "2026-03-08"), "due_at_completion": (None, "2026-05-15"),
                         "evidence": (None, "Median 3h10 for a month")}
    assert celebrated == {}
    assert events[1]["actor_email"] == "lead.customer-service@example.com"
    assert events[6]["actor_email"] == "lead.it@example.com"
    assert events[2]["at"] == "2026-03-04T09:00:00.000000+00:00"


def test_plan_and_member_events_show_what_they_set_and_what_it_replaced(story) -> None:  # type: ignore[no-untyped-def]
    db, _ = story
    events = list(history_stream(db, check_filters(db, since="2026-03-09")))
    by_kind = {}
    for e in events:
        by_kind.setdefault(e["kind"], []).append(changes(e))
    assert by_kind["VisionRevised"] == [{"vision": ("Customers never chase us.", "Customers never chase us, ever.")}]
    assert by_kind["JourneyLeadChanged"] == [{"lead_department": ("customer-service", "it")}]
    first, second = by_kind["KpiMeasured"]
    assert first == {"value": (None, 14.0), "measured_on": (None, "2026-03-01")}
    assert second == {"value": (14.0, 17.0), "measured_on": ("2026-03-01", "2026-03-08")}
    assert by_kind["RoleRevoked"] == [{"role": ("executive", None)}]
    assert by_kind["Deactivated"] == [{"active": (True, False), "reason": (None, "Left the company")}]


def test_filters_narrow_by_department_member_kind_and_period(story) -> None:  # type: ignore[no-untyped-def]
    db, cid = story
    every = list(history_stream(db, Filters()))
    def kinds(**given: str) -> list[str]:
        return [e["kind"] for e in history_stream(db, check_filters(db, **given))]
    assert kinds(kind="DueDateMoved") == ["DueDateMoved"]
    assert kinds(actor_email="LEAD.IT@example.com") == ["RoadblockResolved"]
    assert kinds(department="it") == [e["kind"] for e in every if e["department"] == "it"]
    assert kinds(department="it") == ["DepartmentAdded", "JourneyLeadChanged"]
    assert kinds(since="2026-03-03", until="2026-03-04") == ["ProgressReported", "DueDateMoved"]
    assert kinds(since="2026-03-03T09:00:00Z", until="2026-03-04T08:59") == ["ProgressReported"]
    assert kinds(kind="Completed", actor_email="lead.it@example.com") == []
    assert kinds(commitment=str(cid), kind="Celebrated") == ["Celebrated"]


def test_pages_walk_the_whole_history_newest_first_each_event_once(story) -> None:  # type: ignore[no-untyped-def]
    db, _ = story
    every = [e["position"] for e in history_stream(db, Filters())]
    seen, before = [], None
    while True:
        page = history_page(db, Filters(), before=before, limit=7)
        seen += [e["position"] for e in page.rows]
        assert len(page.rows) <= 7
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == list(reversed(every))
    assert len(every) == len(set(every)) > 20


@pytest.mark.parametrize("given, field", [
    ({"department": "legal"}, "department"),
    ({"commitment": "not-an-id"}, "commitment"),
    ({"commitment": "00000000-0000-0000-0000-000000000000"}, "commitment"),
    ({"actor_email": "nobody"}, "actor"),
    ({"actor_email": "nobody@example.com"}, "actor"),
    ({"kind": "Exploded"}, "kind"),
    ({"since": "last week"}, "since"),
    ({"until": "2026-13-01"}, "until"),
    ({"since": "2026-03-05", "until": "2026-03-04"}, "until"),
])
def test_a_filter_that_names_nothing_is_an_error_not_an_empty_page(story, given, field) -> None:  # type: ignore[no-untyped-def]
    db, _ = story
    with pytest.raises(BadFilter) as raised:
        check_filters(db, **given)
    assert raised.value.field == field
