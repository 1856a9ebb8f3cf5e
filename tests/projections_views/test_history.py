"""Temporal history: the board as of any instant or position equals replaying the log to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from projections.health import health
from projections.queries import history as q
from projections.queries.board import board
from tests.projections_views.conftest import Views, utc
from tracker import clock
from tracker.application import CxTracker

# The fields a replay and the history must agree on.
FIELDS = (
    "department", "title", "owner_id", "original_due_date", "due_date", "due_date_moves",
    "days_slipped", "progress", "status", "completed_on", "due_at_completion", "open_roadblocks",
    "open_help_requests", "version", "health",
)


def replay(app: CxTracker, keep: Callable[[Any], bool], today: date) -> dict[str, dict[str, Any]]:
    """Fold the log's commitment events that `keep` accepts into board rows, in plain Python:
    no views, no SQL. Dates come out as ISO text, as the read models store them."""
    state: dict[str, dict[str, Any]] = {}
    for n in app.recorder.select_notifications(start=1, limit=10**6):
        event = app.mapper.to_domain_event(n)
        if not n.topic.startswith("cx-tracker/commitment/") or not keep((n, event)):
            continue
        kind, e, cid = n.topic.rsplit("/", 1)[1], vars(event), str(event.originator_id)
        if kind == "Made":
            state[cid] = {
                "department": e["department"], "title": e["title"], "owner_id": e["owner_id"],
                "original_due_date": e["due_date"], "due_date": e["due_date"],
                "due_date_moves": 0, "progress": 0, "status": "open", "completed_on": None,
                "due_at_completion": None, "roadblocks": {},
            }
        c = state[cid]
        c["version"] = event.originator_version
        if kind == "ProgressReported":
            c["progress"] = e["percent"]
        elif kind == "DueDateMoved":
            c["due_date"], c["due_date_moves"] = e["to_date"], c["due_date_moves"] + 1
        elif kind == "OwnershipHandedOver":
            c["owner_id"] = e["to_owner"]
        elif kind == "RoadblockRaised":
            c["roadblocks"][e["roadblock_id"]] = {"help": False, "open": True}
        elif kind == "HelpRequested":
            c["roadblocks"][e["roadblock_id"]]["help"] = True
        elif kind == "RoadblockResolved":
            c["roadblocks"][e["roadblock_id"]]["open"] = False
        elif kind == "Completed":
            c.update(status="completed", completed_on=e["completed_on"], progress=100,
                     due_at_completion=c["due_date"])
        elif kind == "Withdrawn":
            c["status"] = "withdrawn"
    return {cid: _board_row(c, today) for cid, c in state.items()}


def _board_row(c: dict[str, Any], today: date) -> dict[str, Any]:
    open_ = [r for r in c.pop("roadblocks").values() if r["open"]]
    c["open_roadblocks"], c["open_help_requests"] = len(open_), sum(r["help"] for r in open_)
    c["days_slipped"] = max(0, (c["due_date"] - c["original_due_date"]).days)
    c["health"] = health(today=today, **{k: c[k] for k in (
        "status", "due_date", "completed_on", "due_at_completion", "progress",
        "open_roadblocks", "open_help_requests")})
    iso = {k: v.isoformat() for k, v in c.items() if isinstance(v, date)}
    return {**c, **iso, "owner_id": str(c["owner_id"])}


def replay_board(app: CxTracker, instant: datetime) -> dict[str, dict[str, Any]]:
    """The board at `instant`: every commitment event stamped at or before it, health on its date."""
    return replay(app, lambda ne: ne[1].timestamp <= instant, instant.date())


def replay_board_at_position(app: CxTracker, position: int, today: date) -> dict[str, dict[str, Any]]:
    return replay(app, lambda ne: ne[0].id <= position, today)


def projected(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: {k: r[k] for k in FIELDS} for r in rows}


def build_story(views: Views) -> dict[str, object]:
    """Three commitments over three months; some events share a timestamp."""
    org, app = views.org, views.org.app
    lead, it, sales = org.support_lead, org.it_lead, org.sales_lead
    with clock.frozen_at(utc(2026, 3, 3, 10)):
        c1 = org.commitment(title="Answer within 4 hours", due_date="2026-04-30", journey="support")
        c2 = org.commitment(title="Self-service portal", department="it", actor=it,
                            owner="lead.it@example.com", due_date="2026-05-15")
    with clock.frozen_at(utc(2026, 3, 10, 10)):
        app.report_progress(lead, c1, percent=30, note="queues mapped")
        app.raise_roadblock(it, c2, description="No budget", help_from="sales")  # two events
    with clock.frozen_at(utc(2026, 3, 20, 12)):
        app.move_due_date(lead, c1, due_date="2026-05-31", reason="vendor delay")
        c3 = org.commitment(title="Win-back calls", department="sales", actor=sales,
                            owner="lead.sales@example.com", due_date="2026-03-25")
    with clock.frozen_at(utc(2026, 4, 1, 9)):
        app.hand_over(lead, c1, new_owner="cco@example.com", reason="parental leave")
        app.resolve_roadblock(sales, c2, roadblock_id="R1", resolution="budget found",
                              helped_by="sales")
    with clock.frozen_at(utc(2026, 4, 15, 9)):
        app.move_due_date(lead, c1, due_date="2026-05-10", reason="pulled in")
        app.withdraw(sales, c3, reason="campaign cancelled")
    with clock.frozen_at(utc(2026, 4, 20, 9)):
        app.raise_roadblock(it, c2, description="Vendor slow")
    with clock.frozen_at(utc(2026, 5, 12, 9)):
        app.complete(lead, c1, evidence="SLA report")
        app.complete(it, c2, evidence="Portal live")
    with clock.frozen_at(utc(2026, 5, 20, 9)):
        app.resolve_roadblock(it, c2, roadblock_id="R2", resolution="vendor delivered")
        app.celebrate(org.cco, c2, message="Portal!")
    views.sync()
    return {"c1": c1, "c2": c2, "c3": c3}


INSTANTS = [
    utc(2026, 3, 1),  # before the first event
    utc(2026, 3, 2, 9),  # exactly at the org's set-up: no commitment yet
    utc(2026, 3, 3, 10),  # exactly at the first commitments
    utc(2026, 3, 5),  # between events
    utc(2026, 3, 10, 10) - timedelta(microseconds=1),  # just before a shared timestamp
    utc(2026, 3, 10, 10),  # exactly at a roadblock raised and help asked together
    utc(2026, 3, 26),  # c3 overdue on this date
    utc(2026, 4, 1, 9) + timedelta(microseconds=1),  # just after
    utc(2026, 4, 20, 9),
    utc(2026, 5, 12, 9),  # completions, one late (moved in), one on time
    utc(2026, 5, 15),
    utc(2026, 5, 20, 9),  # roadblock resolved after completion
    utc(2027, 1, 1),
]


@pytest.mark.parametrize("instant", INSTANTS, ids=[i.isoformat() for i in INSTANTS])
def test_the_board_as_of_an_instant_equals_replaying_the_log_to_it(
    views: Views, instant: datetime
) -> None:
    build_story(views)
    expected = replay_board(views.org.app, instant)
    assert projected(q.board_as_of(views.db, instant)) == expected


def test_the_replayed_instants_cover_every_kind_of_moment(views: Views) -> None:
    ids = build_story(views)
    c1, c2, c3 = (str(ids[k]) for k in ("c1", "c2", "c3"))
    assert replay_board(views.org.app, utc(2026, 3, 1)) == {}
    assert replay_board(views.org.app, utc(2026, 3, 2, 9)) == {}
    shared = replay_board(views.org.app, utc(2026, 3, 10, 10))
    assert (shared[c2]["health"], shared[c1]["progress"]) == ("blocked", 30)
    assert replay_board(views.org.app, utc(2026, 3, 26))[c3]["health"] == "overdue"
    done = replay_board(views.org.app, utc(2026, 5, 20, 9))
    assert (done[c1]["health"], done[c2]["health"], done[c2]["open_roadblocks"]) == (
        "done late", "done", 0)


def test_the_board_as_of_now_is_the_current_board(views: Views) -> None:
    build_story(views)
    now = utc(2026, 6, 1)
    assert projected(q.board_as_of(views.db, now)) == projected(board(views.db, today=now.date()))
    assert q.board_as_of(views.db, now) == board(views.db, today=now.date())


def test_the_board_as_of_each_position_equals_replaying_that_many_events(views: Views) -> None:
    build_story(views)
    head = views.org.app.head()
    for position in range(0, head + 1):
        day = date(2026, 4, 1)
        expected = replay_board_at_position(views.org.app, position, day)
        assert projected(q.board_as_of_position(views.db, position, today=day)) == expected


def test_the_board_as_of_a_position_judges_health_on_that_events_date(views: Views) -> None:
    ids = build_story(views)
    made_c3 = next(
        s["valid_from_position"] for s in q.commitment_story(views.db, ids["c3"]))
    rows = {r["id"]: r for r in q.board_as_of_position(views.db, made_c3)}
    assert rows[str(ids["c3"])]["health"] == "at risk"  # 2026-03-20: due in 5 days at 0%
    assert q.board_as_of_position(views.db, 0) == []


def test_an_instant_includes_every_event_stamped_at_it_even_when_they_share_it(views: Views) -> None:
    ids = build_story(views)
    states = q.commitment_story(views.db, ids["c2"])
    raised, helped = (s for s in states if s["valid_from"].startswith("2026-03-10"))
    assert raised["valid_from"] == raised["valid_to"] == helped["valid_from"]  # zero-length state
    rows = q.board_as_of(views.db, utc(2026, 3, 10, 10), department="it")
    assert [(r["open_roadblocks"], r["open_help_requests"]) for r in rows] == [(1, 1)]


def test_the_board_as_of_an_instant_filters_by_department(views: Views) -> None:
    build_story(views)
    rows = q.board_as_of(views.db, utc(2026, 4, 2), department="sales")
    assert [(r["title"], r["health"]) for r in rows] == [("Win-back calls", "overdue")]
    assert q.board_as_of(views.db, utc(2026, 4, 2), department="nowhere") == []


def test_instants_may_be_iso_text_and_must_carry_a_time_zone(views: Views) -> None:
    build_story(views)
    assert q.board_as_of(views.db, "2026-04-02T00:00:00Z") == q.board_as_of(views.db, utc(2026, 4, 2))
    with pytest.raises(ValueError):
        q.board_as_of(views.db, "2026-04-02T00:00:00")
    with pytest.raises(ValueError):
        q.board_as_of(views.db, datetime(2026, 4, 2))


def test_a_commitments_story_lists_every_state_oldest_first(views: Views) -> None:
    ids = build_story(views)
    story = q.commitment_story(views.db, ids["c1"])
    assert [s["event_kind"] for s in story] == [
        "Made", "ProgressReported", "DueDateMoved", "OwnershipHandedOver", "DueDateMoved",
        "Completed",
    ]
    assert [s["version"] for s in story] == [1, 2, 3, 4, 5, 6]
    assert [s["due_date"] for s in story] == [
        "2026-04-30", "2026-04-30", "2026-05-31", "2026-05-31", "2026-05-10", "2026-05-10"]
    assert [s["health"] for s in story][-1] == "done late"
    for earlier, later in zip(story, story[1:]):  # states tile time without gaps
        assert earlier["valid_to"] == later["valid_from"]
        assert earlier["valid_to_position"] == later["valid_from_position"]
    assert story[-1]["valid_to"] is None and story[-1]["valid_to_position"] is None


def test_as_of_queries_search_the_validity_indexes(views: Views) -> None:
    build_story(views)
    plan = " ".join(
        str(r[3]) for r in views.db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM commitment_history"
            " WHERE valid_from <= :t AND (valid_to IS NULL OR valid_to > :t)", {"t": "x"},
        ).fetchall()
    )
    assert "history_as_of" in plan
