"""The commitment board: current state, derived health, filters, ordering, counts, at-risk list."""

from __future__ import annotations

from datetime import date

import pytest

from projections.health import HEALTHS, health
from projections.queries import board as q
from tests.projections_views.conftest import Views, utc
from tracker import clock

IT_LEAD = "lead.it@example.com"
SUPPORT_LEAD = "lead.customer-service@example.com"


def row(views: Views, commitment_id: object, today: date = date(2026, 3, 2)) -> dict:
    found = q.commitment(views.sync(), commitment_id, today=today)
    assert found is not None
    return found


def test_a_new_commitment_is_open_on_its_original_due_date_at_version_1(views: Views) -> None:
    c = views.org.commitment(journey="support", kpi="nps", description="All queues")
    r = row(views, c)
    assert r["status"] == "open" and r["progress"] == 0 and r["version"] == 1
    assert r["original_due_date"] == r["due_date"] == "2026-06-30"
    assert (r["due_date_moves"], r["days_slipped"]) == (0, 0)
    assert (r["journey"], r["kpi"], r["description"]) == ("support", "nps", "All queues")
    assert r["owner_name"] == "Customer Service Lead"
    assert r["made_by"] == str(views.org.support_lead)
    assert r["made_at"] == r["last_event_at"] == "2026-03-02T09:00:00.000000+00:00"
    assert r["health"] == "on track"


def test_moving_the_due_date_twice_counts_two_moves_and_the_net_slip(views: Views) -> None:
    app, lead, c = views.org.app, views.org.support_lead, views.org.commitment()
    app.move_due_date(lead, c, due_date="2026-07-31", reason="vendor delay")  # +31
    app.move_due_date(lead, c, due_date="2026-07-21", reason="vendor back")  # -10
    r = row(views, c)
    assert r["original_due_date"] == "2026-06-30" and r["due_date"] == "2026-07-21"
    assert r["due_date_moves"] == 2 and r["days_slipped"] == 21


def test_a_due_date_pulled_before_the_original_has_not_slipped(views: Views) -> None:
    app, lead, c = views.org.app, views.org.support_lead, views.org.commitment()
    app.move_due_date(lead, c, due_date="2026-06-01", reason="quick win")
    r = row(views, c)
    assert r["due_date_moves"] == 1 and r["days_slipped"] == 0


def test_handing_over_and_back_restores_the_owner_with_their_name(views: Views) -> None:
    app, lead, c = views.org.app, views.org.support_lead, views.org.commitment()
    app.hand_over(lead, c, new_owner="cco@example.com", reason="parental leave")
    assert (row(views, c)["owner_id"], row(views, c)["owner_name"]) == (
        str(views.org.cco), "Cara Cole")
    app.hand_over(lead, c, new_owner=SUPPORT_LEAD, reason="back from leave")
    r = row(views, c)
    assert r["owner_id"] == str(views.org.support_lead)
    assert r["owner_name"] == "Customer Service Lead" and r["version"] == 3


def test_roadblocks_count_open_ones_and_those_waiting_for_help(views: Views) -> None:
    app, lead, c = views.org.app, views.org.support_lead, views.org.commitment()
    app.raise_roadblock(lead, c, description="Queue tool down")
    app.raise_roadblock(lead, c, description="No API access", help_from="it")
    r = row(views, c)
    assert (r["open_roadblocks"], r["open_help_requests"], r["health"]) == (2, 1, "blocked")
    app.resolve_roadblock(views.org.it_lead, c, roadblock_id="R2", resolution="keys issued",
                          helped_by="it")
    r = row(views, c)
    assert (r["open_roadblocks"], r["open_help_requests"], r["health"]) == (1, 0, "at risk")


def test_a_roadblock_resolved_after_completion_clears_the_counts_and_stays_done(views: Views) -> None:
    app, lead, c = views.org.app, views.org.support_lead, views.org.commitment()
    app.raise_roadblock(lead, c, description="No API access", help_from="it")
    app.complete(lead, c, evidence="Worked around it")
    assert (row(views, c)["open_help_requests"], row(views, c)["health"]) == (1, "done")
    app.resolve_roadblock(views.org.it_lead, c, roadblock_id="R1", resolution="keys issued")
    r = row(views, c)
    assert (r["status"], r["open_roadblocks"], r["open_help_requests"]) == ("completed", 0, 0)
    assert r["health"] == "done" and r["version"] == 5


def test_completing_after_the_original_but_by_a_moved_due_date_is_done_not_late(views: Views) -> None:
    app, lead = views.org.app, views.org.support_lead
    c = views.org.commitment(due_date="2026-03-05")
    app.move_due_date(lead, c, due_date="2026-03-20", reason="scope grew")
    with clock.frozen_at(utc(2026, 3, 15, 9)):
        app.complete(lead, c, evidence="Shipped")
    r = row(views, c, today=date(2026, 4, 1))
    assert (r["completed_on"], r["due_at_completion"]) == ("2026-03-15", "2026-03-20")
    assert r["progress"] == 100 and r["evidence"] == "Shipped"
    assert r["health"] == "done"


def test_completing_after_a_moved_due_date_is_done_late(views: Views) -> None:
    app, lead = views.org.app, views.org.support_lead
    c = views.org.commitment(due_date="2026-03-20")
    app.move_due_date(lead, c, due_date="2026-03-10", reason="pulled in")
    with clock.frozen_at(utc(2026, 3, 15, 9)):
        app.complete(lead, c, evidence="Shipped")
    r = row(views, c, today=date(2026, 4, 1))
    assert (r["due_at_completion"], r["health"]) == ("2026-03-10", "done late")


def test_a_withdrawn_commitment_keeps_its_reason_and_is_withdrawn(views: Views) -> None:
    c = views.org.commitment()
    views.org.app.withdraw(views.org.support_lead, c, reason="superseded")
    r = row(views, c)
    assert (r["status"], r["withdrawn_reason"], r["health"]) == ("withdrawn", "superseded", "withdrawn")


def test_celebrations_and_notes_only_move_the_version_and_last_event(views: Views) -> None:
    app, c = views.org.app, views.org.commitment()
    before = row(views, c)
    with clock.frozen_at(utc(2026, 3, 3, 12)):
        app.celebrate(views.org.cco, c, message="Great start")
        app.add_note(views.org.support_lead, c, text="Kick-off done")
    after = row(views, c)
    assert after["version"] == 3 and after["last_event_at"] == "2026-03-03T12:00:00.000000+00:00"
    unchanged = {k for k in before if k not in ("version", "last_event_at")}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


def test_the_board_version_is_the_aggregate_version_for_expected_version(views: Views) -> None:
    app, lead, c = views.org.app, views.org.support_lead, views.org.commitment()
    app.report_progress(lead, c, percent=10)
    version = row(views, c)["version"]
    assert version == app.commitment(c)["version"]
    app.report_progress(lead, c, percent=20, expected_version=version)
    assert row(views, c)["version"] == version + 1


@pytest.mark.parametrize(
    ("today", "progress", "expected"),
    [
        (date(2026, 3, 2), 0, "on track"),
        (date(2026, 6, 16), 0, "at risk"),  # due within 14 days, progress below 50%
        (date(2026, 6, 16), 60, "on track"),
        (date(2026, 6, 30), 60, "on track"),  # due today is not yet overdue
        (date(2026, 7, 1), 60, "overdue"),
    ],
)
def test_health_depends_on_the_day_you_look(
    views: Views, today: date, progress: int, expected: str
) -> None:
    c = views.org.commitment()
    if progress:
        views.org.app.report_progress(views.org.support_lead, c, percent=progress)
    assert row(views, c, today=today)["health"] == expected


def make_one_of_each_health(views: Views) -> dict[str, object]:
    """At 2026-03-06 each of these commitments is in the health it is named after."""
    org, app, lead = views.org, views.org.app, views.org.support_lead
    ids = {
        "on track": org.commitment(title="On track"),
        "at risk": org.commitment(title="At risk by date", due_date="2026-03-10"),
        "at risk (roadblock)": org.commitment(title="At risk by roadblock"),
        "blocked": org.commitment(title="Blocked"),
        "overdue": org.commitment(title="Overdue", due_date="2026-03-05"),
        "done": org.commitment(title="Done"),
        "done late": org.commitment(title="Done late", due_date="2026-03-03"),
        "withdrawn": org.commitment(title="Withdrawn", department="it", actor=org.it_lead,
                                    owner=IT_LEAD),
    }
    app.raise_roadblock(lead, ids["at risk (roadblock)"], description="Tool down")
    app.raise_roadblock(lead, ids["blocked"], description="No API", help_from="it")
    app.complete(lead, ids["done"], evidence="Shipped")
    app.withdraw(org.it_lead, ids["withdrawn"], reason="superseded")
    with clock.frozen_at(utc(2026, 3, 4, 9)):
        app.complete(lead, ids["done late"], evidence="Shipped")
    return ids


def test_every_health_is_derived_as_the_health_rule_says(views: Views) -> None:
    ids = make_one_of_each_health(views)
    today = date(2026, 3, 6)
    rows = {r["id"]: r for r in q.board(views.sync(), today=today)}
    for name, c in ids.items():
        assert rows[str(c)]["health"] == name.replace(" (roadblock)", ""), name
    for r in rows.values():  # the SQL agrees with the Python rule
        assert r["health"] == health(
            status=r["status"], due_date=date.fromisoformat(r["due_date"]),
            completed_on=r["completed_on"] and date.fromisoformat(r["completed_on"]),
            due_at_completion=r["due_at_completion"] and date.fromisoformat(r["due_at_completion"]),
            progress=r["progress"], open_roadblocks=r["open_roadblocks"],
            open_help_requests=r["open_help_requests"], today=today,
        )


def test_the_board_lists_what_needs_attention_first_then_by_due_date(views: Views) -> None:
    make_one_of_each_health(views)
    titles = [r["title"] for r in q.board(views.sync(), today=date(2026, 3, 6))]
    assert titles == [
        "Overdue", "Blocked", "At risk by date", "At risk by roadblock", "On track",
        "Done late", "Done", "Withdrawn",
    ]


def test_the_board_filters_by_department_owner_journey_and_health(views: Views) -> None:
    org = views.org
    a = org.commitment(title="Support journey", journey="support")
    b = org.commitment(title="CCO owned", owner="cco@example.com")
    c = org.commitment(title="IT dept", department="it", actor=org.it_lead, owner=IT_LEAD)
    org.app.raise_roadblock(org.support_lead, a, description="Tool down")
    db, today = views.sync(), date(2026, 3, 2)

    def ids(**filters: object) -> set[str]:
        return {r["id"] for r in q.board(db, today=today, **filters)}  # type: ignore[arg-type]

    assert ids(department="customer-service") == {str(a), str(b)}
    assert ids(owner=org.cco) == ids(owner=str(org.cco)) == {str(b)}
    assert ids(owner=org.it_lead) == ids(owner=str(org.it_lead)) == {str(c)}
    assert ids(journey="support") == {str(a)}
    assert ids(health="at risk") == {str(a)}
    assert ids(department="it", health="on track") == {str(c)}
    assert ids(department="sales") == set()


def test_closed_since_keeps_every_open_commitment_and_those_closed_on_or_after_that_day(
    views: Views,
) -> None:
    org, app, lead = views.org, views.org.app, views.org.support_lead
    c = {name: org.commitment(title=name) for name in (
        "Open", "Done in March", "Withdrawn in March", "Done in June", "Withdrawn in June",
        "Done in June, recorded as March")}
    app.complete(lead, c["Done in March"], evidence="Shipped")  # the tests' day: 2026-03-02
    app.withdraw(lead, c["Withdrawn in March"], reason="superseded")
    with clock.frozen_at(utc(2026, 6, 1, 9)):
        app.complete(lead, c["Done in June"], evidence="Shipped")
        app.withdraw(lead, c["Withdrawn in June"], reason="superseded")
        app.complete(lead, c["Done in June, recorded as March"], evidence="Shipped",
                     completed_on="2026-03-02")
    db, today = views.sync(), date(2026, 6, 15)

    def titles(**filters: object) -> set[str]:
        return {r["title"] for r in q.board(db, today=today, **filters)}  # type: ignore[arg-type]

    assert titles() == set(c)
    assert titles(closed_since=date(2026, 6, 1)) == {"Open", "Done in June", "Withdrawn in June"}
    assert titles(closed_since=date(2026, 6, 2)) == {"Open"}
    assert titles(closed_since=date(2026, 3, 2), department="it") == set()


def test_closed_counts_count_every_closed_commitment_per_final_health(views: Views) -> None:
    ids = make_one_of_each_health(views)
    views.org.app.complete(views.org.support_lead, views.org.commitment(journey="support"),
                           evidence="Shipped")
    db = views.sync()
    assert q.closed_counts(db) == {"done late": 1, "done": 2, "withdrawn": 1}
    assert q.closed_counts(db, department="customer-service") == {
        "done late": 1, "done": 2, "withdrawn": 0}
    assert q.closed_counts(db, department="it") == {"done late": 0, "done": 0, "withdrawn": 1}
    assert q.closed_counts(db, journey="support") == {"done late": 0, "done": 1, "withdrawn": 0}
    assert q.closed_counts(db, department="sales") == dict.fromkeys(q.CLOSED, 0)
    assert sum(q.closed_counts(db).values()) == sum(
        1 for r in q.board(db, today=date(2026, 3, 6)) if r["id"] in {str(i) for i in ids.values()}
        and r["status"] != "open") + 1


def test_an_unknown_health_filter_is_refused(views: Views) -> None:
    with pytest.raises(ValueError, match="unknown health"):
        q.board(views.sync(), today=date(2026, 3, 2), health="fine")


def test_an_unknown_commitment_is_none_and_health_is_only_given_with_a_day(views: Views) -> None:
    c = views.org.commitment()
    db = views.sync()
    assert q.commitment(db, "no-such-id") is None
    assert "health" not in (q.commitment(db, c) or {})


def test_health_counts_per_department_include_every_department_and_health(views: Views) -> None:
    make_one_of_each_health(views)
    groups = q.health_counts(views.sync(), date(2026, 3, 6))
    assert [g.key for g in groups] == ["customer-service", "it", "sales"]
    support, it, sales = groups
    assert support.name == "Customer Service" and support.total == 7
    assert support.counts == {
        "on track": 1, "at risk": 2, "blocked": 1, "overdue": 1, "done": 1, "done late": 1,
        "withdrawn": 0,
    }
    assert it.counts["withdrawn"] == 1 and it.total == 1
    assert sales.total == 0 and set(sales.counts) == set(HEALTHS)


def test_health_counts_per_journey_add_a_group_for_commitments_without_one(views: Views) -> None:
    views.org.commitment(journey="support")
    views.org.commitment()
    groups = q.health_counts(views.sync(), date(2026, 3, 2), by="journey")
    assert [(g.key, g.name, g.total) for g in groups] == [
        ("support", "Support", 1), (None, "No journey", 1)]
    with pytest.raises(ValueError):
        q.health_counts(views.sync(), date(2026, 3, 2), by="owner")


def test_health_counts_agree_with_the_board_and_count_a_closed_commitment_once(
    views: Views,
) -> None:
    """Closed commitments are counted by the view, open ones derived: the sum is the board's."""
    ids = make_one_of_each_health(views)
    app, lead = views.org.app, views.org.support_lead
    journey_done = views.org.commitment(title="Done on a journey", journey="support")
    app.complete(lead, journey_done, evidence="Shipped")
    app.celebrate(lead, journey_done, message="Well done")  # later events: still counted once
    app.add_note(lead, ids["done"], text="Looked at again")
    db, today = views.sync(), date(2026, 3, 6)
    for by, column in (("department", "department"), ("journey", "journey")):
        expected: dict[object, dict[str, int]] = {}
        for row in q.board(db, today=today):
            counts = expected.setdefault(row[column], {})
            counts[row["health"]] = counts.get(row["health"], 0) + 1
        found = {g.key: {h: n for h, n in g.counts.items() if n} for g in q.health_counts(
            db, today, by=by)}
        assert {k: v for k, v in found.items() if v} == expected
    by_journey = {g.key: g.counts for g in q.health_counts(db, today, by="journey")}
    assert q.health_overview(db, today) == (
        q.health_counts(db, today, by="department"), q.health_counts(db, today, by="journey"))
    assert by_journey["support"]["done"] == 1 and by_journey[None]["done"] == 1


def test_at_risk_lists_open_commitments_overdue_blocked_at_risk_or_slipping(views: Views) -> None:
    ids = make_one_of_each_health(views)
    app, lead = views.org.app, views.org.support_lead
    slipping = views.org.commitment(title="Slipping")
    app.move_due_date(lead, slipping, due_date="2026-07-31", reason="a")
    app.move_due_date(lead, slipping, due_date="2026-08-31", reason="b")
    moved_once = views.org.commitment(title="Moved once")
    app.move_due_date(lead, moved_once, due_date="2026-07-31", reason="a")
    found = q.at_risk(views.sync(), date(2026, 3, 6))
    assert [(r["title"], r["health"], r["slipping"]) for r in found] == [
        ("Overdue", "overdue", False), ("Blocked", "blocked", False),
        ("At risk by date", "at risk", False), ("At risk by roadblock", "at risk", False),
        ("Slipping", "on track", True),
    ]
    assert str(ids["done late"]) not in {r["id"] for r in found}
    assert q.count_at_risk(views.sync(), date(2026, 3, 6)) == len(found) == 5
    for limit in (0, 2, 5, 9):
        assert q.at_risk(views.sync(), date(2026, 3, 6), limit=limit) == found[:limit]


def test_open_health_is_counted_from_the_partial_index_without_reading_the_table(
    views: Views,
) -> None:
    db = views.sync()
    for sql in (f"SELECT department, health, count(*) FROM ({q.with_health(q._OPEN_HEALTH)})"
                " GROUP BY 1, 2",
                f"SELECT count(*) FROM ({q._AT_RISK_OF.format(q.with_health(q._OPEN_HEALTH))})"):
        plan = " | ".join(row[-1] for row in db.execute(
            "EXPLAIN QUERY PLAN " + sql, {"today": "2026-03-06", "moves": 2}).fetchall())
        assert "COVERING INDEX commitments_open_health" in plan, plan
