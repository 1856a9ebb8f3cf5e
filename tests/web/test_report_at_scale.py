"""The report reads what it shows, not the whole board: the burn-up is counted by day in SQL,
the risks and the roadblocks waiting on another department are the top few with their totals.
Each is checked against the whole board or every roadblock of the demo organisation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlite_utils import Database

from projections.database import open_views
from projections.queries import board, burnup, roadblocks
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.demo import seed
from web import charts

DEMO_DAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo_views() -> Iterator[Database]:
    app = CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                    accounts=Accounts(":memory:", hasher=FAST_HASHER))
    seed(app, today=DEMO_DAY)
    db = open_views(":memory:")
    Runner(app, db, all_views()).catch_up()
    yield db
    db.close()
    app.close()


@pytest.mark.parametrize("today", [DEMO_DAY, DEMO_DAY - timedelta(days=60), DEMO_DAY + timedelta(days=400)])
def test_the_burn_up_counted_in_sql_equals_the_one_drawn_from_every_board_row(
    demo_views: Database, today: date
) -> None:
    counts = burnup.burnup_counts(demo_views)
    from_sql = charts.burnup_series(counts.first, counts.due, counts.completed, counts.kept, today)

    expected = charts.burnup_data(board.board(demo_views, today=today), today)
    assert from_sql == expected
    assert expected[-1].completed > 0 and expected[-1].kept < expected[-1].completed  # late ones too


def test_an_empty_plan_has_no_burn_up() -> None:
    db = open_views(":memory:")
    Runner(CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, accounts=Accounts(":memory:")),
           db, all_views()).catch_up()
    counts = burnup.burnup_counts(db)
    assert counts.first is None and charts.burnup_series(counts.first, {}, {}, {}, DEMO_DAY) == []


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_the_roadblocks_waiting_on_help_are_the_oldest_open_ones_that_asked_with_their_total(
    demo_views: Database, limit: int
) -> None:
    shown, total = roadblocks.oldest_open(demo_views, DEMO_DAY, limit, asking_help=True)

    waiting = [r for r in roadblocks.roadblocks(demo_views, DEMO_DAY, state="open") if r["help_requested"]]
    assert total == len(waiting) >= 2
    oldest = sorted(waiting, key=lambda r: -r["days_open"])
    assert [r["days_open"] for r in shown] == [r["days_open"] for r in oldest[:limit]]
    assert all(r["help_requested"] and r["is_open"] for r in shown)


def test_the_kpi_chart_marks_every_measurement_up_to_a_limit_then_only_the_latest() -> None:
    def kpi(n: int) -> dict[str, object]:
        start = date(2020, 1, 6)
        return {"key": "nps", "name": "NPS", "unit": "points", "baseline": 10.0, "target": 30.0,
                "target_date": "2030-12-31", "defined_on": "2020-01-01",
                "points": [{"measured_on": (start + timedelta(weeks=i)).isoformat(), "value": 10 + i % 7}
                           for i in range(n)]}

    assert charts.kpi_trend(kpi(charts.KPI_MARKERS_MAX), "a").count('class="kpi-point"') == charts.KPI_MARKERS_MAX
    many = charts.kpi_trend(kpi(500), "b")
    assert many.count('class="kpi-point"') == 1 and "500 measurements" in many
    latest = (date(2020, 1, 6) + timedelta(weeks=499)).isoformat()
    assert f"<title>{latest}: " in many
