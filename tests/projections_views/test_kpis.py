"""KPI series and overview: measurements, progress toward the target, on course or not.

The org fixture defines NPS on 2026-03-02: baseline 12, target 30 by 2026-12-31 (304 days).
"""

from __future__ import annotations

from datetime import date

import pytest

from projections.queries import kpis as q
from tests.conftest import Org
from tests.projections_views.conftest import Views, at, sid


def _measure(org: Org, day: str, value: float, key: str = "nps", note: str = "") -> None:
    with at(day):
        org.app.record_measurement(org.cco, key=key, value=value, note=note)


def test_a_series_lists_every_measurement_by_day_measured_with_its_progress(
    org: Org, views: Views
) -> None:
    _measure(org, "2026-04-01", 21, note="Spring survey")
    with at("2026-04-02"):  # recorded later, measured earlier
        org.app.record_measurement(org.cco, key="nps", value=15, measured_on="2026-03-15")
    _measure(org, "2026-05-01", 10)
    series = q.kpi_series(views.sync(), "nps")
    assert series is not None
    assert {k: series[k] for k in ("key", "name", "unit", "baseline", "target", "target_date",
                                   "direction", "defined_on")} == {
        "key": "nps", "name": "Net Promoter Score", "unit": "points", "baseline": 12.0,
        "target": 30.0, "target_date": "2026-12-31", "direction": "up",
        "defined_on": "2026-03-02",
    }
    points = series["points"]
    assert [(p["measured_on"], p["value"], p["note"]) for p in points] == [
        ("2026-03-15", 15.0, ""), ("2026-04-01", 21.0, "Spring survey"), ("2026-05-01", 10.0, ""),
    ]
    # (value - 12) / (30 - 12)
    assert [p["progress"] for p in points] == pytest.approx([3 / 18, 9 / 18, -2 / 18])
    assert points[0]["recorded_at"] == "2026-04-02T09:00:00+00:00"
    assert points[0]["recorded_by"] == sid(org.cco)
    assert series["latest"] == points[-1]
    assert series["on_course"] is False
    assert q.kpi_values(views.db, "nps") == [p["value"] for p in points] == [15.0, 21.0, 10.0]


@pytest.mark.parametrize(
    ("measured_on", "value", "expected", "on_course"),
    [
        ("2026-03-02", 12, 0.0, True),  # at the baseline on the first day
        ("2026-03-02", 11, 0.0, False),  # worse than the baseline
        ("2026-06-01", 18, 91 / 304, True),  # a third of the way after 91 of 304 days
        ("2026-06-01", 16, 91 / 304, False),  # 4/18 = 0.22 < 0.30
        ("2026-12-31", 29, 1.0, False),
        ("2026-12-31", 30, 1.0, True),  # the target, on the day
        ("2026-09-01", 31, 183 / 304, True),  # beyond the target
    ],
)
def test_on_course_means_at_least_as_far_as_the_straight_line_to_the_target(
    org: Org, views: Views, measured_on: str, value: float, expected: float, on_course: bool
) -> None:
    _measure(org, measured_on, value)
    series = q.kpi_series(views.sync(), "nps")
    assert series is not None
    latest = series["latest"]
    assert latest["expected"] == pytest.approx(expected)
    assert latest["progress"] == pytest.approx((value - 12) / 18)
    assert (latest["on_course"], series["on_course"]) == (on_course, on_course)


def test_a_kpi_where_lower_is_better_progresses_as_it_falls(org: Org, views: Views) -> None:
    org.app.define_kpi(org.cco, key="first-response", name="First response", unit="hours",
                       baseline=48, target=24, target_date="2026-09-02")  # 184 days
    _measure(org, "2026-06-01", 36, key="first-response")  # 91 days: expected 91/184
    _measure(org, "2026-07-01", 40, key="first-response")
    series = q.kpi_series(views.sync(), "first-response")
    assert series is not None and series["direction"] == "down"
    assert [p["progress"] for p in series["points"]] == pytest.approx([0.5, 8 / 24])
    assert [p["on_course"] for p in series["points"]] == [True, False]  # 0.33 < 121/184


def test_an_unknown_kpi_has_no_series(org: Org, views: Views) -> None:
    assert q.kpi_series(views.sync(), "churn") is None
    assert q.kpi_values(views.db, "churn") == []


def test_the_overview_shows_each_kpis_latest_measurement_in_plan_order(
    org: Org, views: Views
) -> None:
    org.app.define_kpi(org.cco, key="csat", name="CSAT", unit="%", baseline=70, target=90,
                       target_date="2026-12-31")
    org.app.define_kpi(org.cco, key="churn", name="Churn", unit="%", baseline=8, target=5,
                       target_date="2026-12-31")
    _measure(org, "2026-05-01", 20)
    with at("2026-05-02"):  # recorded last, but measured before the 05-01 value
        org.app.record_measurement(org.cco, key="nps", value=14, measured_on="2026-04-01")
    _measure(org, "2026-04-01", 75, key="csat")
    overview = q.kpi_overview(views.sync())
    assert [k["key"] for k in overview] == ["nps", "csat", "churn"]
    nps, csat, churn = overview
    assert (nps["measurements"], nps["latest"]["measured_on"], nps["latest"]["value"]) == (
        2, "2026-05-01", 20.0)
    assert nps["latest"]["progress"] == pytest.approx(8 / 18)
    assert nps["on_course"] is True  # 0.44 >= 60/304
    assert (csat["measurements"], csat["latest"]["progress"], csat["on_course"]) == (
        1, pytest.approx(0.25), True)  # 0.25 >= 30/304
    assert (churn["measurements"], churn["latest"], churn["on_course"]) == (0, None, None)


def test_progress_is_none_when_baseline_and_target_coincide() -> None:
    assert q.progress(5, 5, 7) is None
    assert q.expected(date(2026, 3, 2), date(2026, 3, 1), date(2026, 3, 2)) == 1.0
