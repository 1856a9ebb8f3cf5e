"""The report reads what it shows, not the whole board: the burn-up is counted by day in SQL,
the risks and the roadblocks waiting on another department are the top few with their totals.
Each is checked against the whole board or every roadblock of the demo organisation."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import pytest

from projections.database import open_views
from projections.queries import board, burnup, roadblocks
from projections.views.board import Board
from tests.audit.conftest import Demo, demo  # noqa: F401  (the demo organisation, once a session)
from tests.cli.support import DEMO_DAY
from web import charts


def burnup_from_rows(commitments: Iterable[Mapping[str, Any]], today: date) -> list[charts.BurnupPoint]:
    """The burn-up from every board row, counted here independently of the SQL: due, completed
    and kept (by the due date in force at completion) by each day; withdrawn ones left out."""
    def day(value: Any) -> date:
        return date.fromisoformat(str(value)[:10])

    live = [c for c in commitments if c["status"] != "withdrawn"]
    if not live:
        return []
    dues = sorted(day(c["due_date"]) for c in live)
    done = [c for c in live if c["completed_on"]]
    completions = sorted(day(c["completed_on"]) for c in done)
    kept = sorted(day(c["completed_on"]) for c in done
                  if c["completed_on"] <= (c["due_at_completion"] or c["due_date"]))
    first = min(day(c["made_at"]) for c in live)
    return [charts.BurnupPoint(d, bisect_right(dues, d), bisect_right(completions, d),
                               bisect_right(kept, d))
            for d in sorted({first, today, *dues, *completions}) if d >= first]


def series(db: Any, today: date) -> list[charts.BurnupPoint]:
    counts = burnup.burnup_counts(db)
    return charts.burnup_series(counts.first, counts.due, counts.completed, counts.kept, today)


@pytest.mark.parametrize("today", [DEMO_DAY, DEMO_DAY - timedelta(days=60), DEMO_DAY + timedelta(days=400)])
def test_the_burn_up_counted_in_sql_equals_one_counted_from_every_board_row(
    demo: Demo, today: date  # noqa: F811
) -> None:
    expected = burnup_from_rows(board.board(demo.db, today=today), today)

    assert series(demo.db, today) == expected
    assert expected[-1].completed > 0 and expected[-1].kept < expected[-1].completed  # late ones too


def test_the_burn_up_leaves_out_withdrawn_commitments_and_keeps_by_the_date_in_force() -> None:
    db = open_views(":memory:")
    Board().create(db)
    for title, made, status, due, completed_on, due_then in [
        ("Kept on a moved date", "2026-01-05", "completed", "2026-03-01", "2026-02-25", "2026-03-01"),
        ("Late", "2026-01-06", "completed", "2026-02-10", "2026-02-25", "2026-02-10"),
        ("Open", "2026-01-07", "open", "2026-04-30", None, None),
        ("Dropped first", "2026-01-02", "withdrawn", "2026-02-01", None, None),
    ]:
        db.execute(
            "INSERT INTO commitments (id, department, title, description, owner_id, made_at,"
            " original_due_date, due_date, status, completed_on, due_at_completion, last_event_at,"
            " version) VALUES (?, 'it', ?, '', 'owner', ?, ?, ?, ?, ?, ?, ?, 1)",
            [title, title, f"{made}T09:00:00.000000+00:00", due, due, status, completed_on, due_then,
             f"{made}T09:00:00.000000+00:00"])

    counts = burnup.burnup_counts(db)
    assert counts.first == date(2026, 1, 5)  # the withdrawn one made earlier does not count
    assert counts.due == {date(2026, 3, 1): 1, date(2026, 2, 10): 1, date(2026, 4, 30): 1}
    assert counts.completed == {date(2026, 2, 25): 2} and counts.kept == {date(2026, 2, 25): 1}
    db.close()


def test_an_empty_plan_has_no_burn_up() -> None:
    db = open_views(":memory:")
    Board().create(db)
    assert burnup.burnup_counts(db).first is None and series(db, DEMO_DAY) == []
    db.close()


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_the_roadblocks_waiting_on_help_are_the_oldest_open_ones_that_asked_with_their_total(
    demo: Demo, limit: int  # noqa: F811
) -> None:
    shown, total = roadblocks.oldest_open(demo.db, DEMO_DAY, limit, asking_help=True)

    waiting = [r for r in roadblocks.roadblocks(demo.db, DEMO_DAY, state="open") if r["help_requested"]]
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
