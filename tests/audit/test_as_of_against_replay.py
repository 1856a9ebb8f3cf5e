"""The plan as of an instant, from the temporal views, equals the plan rebuilt from the log up to
that instant: fresh read models fed only the events stamped at or before it, read by the live
queries with that day as today; and the board also equals the pure-Python fold of the log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from projections.audit.as_of import DASHBOARD, plan_as_of
from projections.audit.instants import parse_audit_instant
from projections.queries import accountability, board, celebrations, directory, roadblocks
from tests.audit.conftest import Demo, instants
from tests.projections_property.replay import replay_board

UTC = timezone.utc


@pytest.fixture(scope="module", params=range(8), ids=lambda i: f"instant{i}")
def case(request: pytest.FixtureRequest, demo: Demo):  # type: ignore[no-untyped-def]
    moment = instants(demo)[request.param]
    replayed = demo.replayed(moment)
    yield moment, plan_as_of(demo.db, moment), replayed
    replayed.close()


def test_the_board_is_the_replayed_board(case, demo: Demo) -> None:  # type: ignore[no-untyped-def]
    moment, plan, replayed = case
    today = moment.date()
    whole = list(plan.board)  # read when iterated
    assert whole == board.board(replayed, today=today)
    assert whole == replay_board(demo.entries, moment)
    for department in {c["department"] for c in whole}:  # a department at a time, as the report
        assert plan.board.of(department) == [c for c in whole if c["department"] == department]
    assert plan.today == today


def test_the_dashboard_is_the_replayed_dashboard(case) -> None:  # type: ignore[no-untyped-def]
    moment, plan, replayed = case
    today = moment.date()
    assert plan.by_department == board.health_counts(replayed, today, by="department")
    assert plan.by_journey == board.health_counts(replayed, today, by="journey")
    assert plan.at_risk == board.at_risk(replayed, today)
    assert plan.roadblocks == roadblocks.roadblocks(replayed, today, state="open")
    assert plan.roadblocks_total == len(plan.roadblocks)
    assert plan.wins == celebrations.wall(replayed, include_wins=True, limit=6)
    assert plan.plan == directory.plan(replayed)


def test_accountability_is_the_replayed_accountability(case) -> None:  # type: ignore[no-untyped-def]
    moment, plan, replayed = case
    today = moment.date()
    assert plan.accountability_departments == accountability.by_department(replayed, today)
    assert plan.accountability_owners == accountability.by_owner(replayed, today)


def test_the_instants_cover_an_empty_plan_and_a_busy_one(demo: Demo) -> None:
    plans = [plan_as_of(demo.db, m) for m in instants(demo)]
    assert plans[0].position == 0 and list(plans[0].board or ()) == [] and plans[0].plan is None
    assert plans[-1].position == len(demo.entries)
    busy = plans[-1]
    assert busy.roadblocks and busy.at_risk and busy.wins and len(list(busy.board or ())) == 40
    assert {c["health"] for c in busy.board} >= {"overdue", "blocked", "done", "withdrawn"}


def test_an_instant_at_an_event_includes_it_and_a_microsecond_before_excludes_it(demo: Demo) -> None:
    made = next(e for e in demo.entries if e.kind == "Made")
    at = plan_as_of(demo.db, made.timestamp)
    before = plan_as_of(demo.db, made.timestamp - timedelta(microseconds=1))
    assert str(made.aggregate_id) in {c["id"] for c in at.board}
    assert str(made.aggregate_id) not in {c["id"] for c in before.board}


def test_a_date_means_the_end_of_that_day_in_utc() -> None:
    assert parse_audit_instant("2026-03-01") == datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_audit_instant("2026-03-01T12:00") == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert parse_audit_instant("2026-03-01T12:00+01:00") == datetime(2026, 3, 1, 11, tzinfo=UTC)
    assert parse_audit_instant(" 2026-03-01T12:00:00Z ") == datetime(2026, 3, 1, 12, tzinfo=UTC)
    for bad in ("yesterday", "2026-02-30", "2026-03-01T25:00", ""):
        with pytest.raises(ValueError, match="is not an instant"):
            parse_audit_instant(bad)


@pytest.mark.parametrize("shown", [0, 1, 2, 5])
def test_the_dashboard_can_read_only_the_roadblocks_open_longest_then(demo: Demo, shown: int) -> None:
    for moment in instants(demo):
        every = plan_as_of(demo.db, moment, (DASHBOARD,))
        few = plan_as_of(demo.db, moment, (DASHBOARD,), roadblocks_shown=shown)
        longest = sorted(every.roadblocks or [], key=lambda r: (-r["days_open"], r["raised_at"]))
        assert few.roadblocks == sorted(longest[:shown], key=lambda r: r["raised_at"])
        assert few.roadblocks_total == every.roadblocks_total == len(every.roadblocks or [])
    assert max(len(plan_as_of(demo.db, m, (DASHBOARD,)).roadblocks or []) for m in instants(demo)) > 2
