"""The SVG chart builders: pure functions from query rows to accessible markup that the CSP
allows (presentation attributes, never style attributes)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import Markup

from web import charts
from web import svg as svg_module
from tests.web.cco_helpers import assert_csp_clean

TODAY = date(2026, 3, 2)


def commitment(title: str, due: str, *, original: str | None = None, completed: str | None = None,
               status: str = "open", **more: object) -> dict[str, object]:
    return {"title": title, "made_at": "2026-01-05T09:00:00.000000+00:00",
            "original_due_date": original or due, "due_date": due, "completed_on": completed,
            "due_at_completion": due if completed else None, "status": status,
            "due_date_moves": 0 if original is None else 1, **more}


def kpi(points: list[tuple[str, float]]) -> dict[str, object]:
    return {"key": "nps", "name": "Net Promoter Score", "unit": "points", "baseline": 12.0,
            "target": 30.0, "target_date": "2026-12-31", "defined_on": "2026-01-02",
            "points": [{"measured_on": d, "value": v} for d, v in points]}


def accessible(svg: str, title: str) -> None:
    assert isinstance(svg, Markup)
    assert re.search(r'<svg[^>]* role="img"[^>]* aria-labelledby="[^"]+-title [^"]+-desc"', svg)
    assert f">{title}</title>" in svg and "<desc" in svg
    assert_csp_clean(svg)


def test_the_commitment_timeline_has_a_row_per_commitment_with_slips_and_completions():
    svg = charts.commitment_timeline([
        commitment("Moved out", "2026-04-30", original="2026-02-15"),
        commitment("Kept", "2026-02-20", completed="2026-02-18", status="completed"),
        commitment("Late", "2026-02-10", completed="2026-02-25", status="completed"),
        commitment("Dropped", "2026-05-01", status="withdrawn"),
    ], TODAY)
    accessible(svg, "Commitment timeline")
    assert svg.count('<g class="tl-row">') == 4
    assert svg.count('class="tl-slip"') == 1
    kept, late = re.findall(r'<circle[^>]*fill="(#[0-9a-f]+)"[^>]*class="tl-done"', svg)
    assert kept == charts.COLOURS["ok"] and late == charts.COLOURS["overdue"]
    assert "Moved out: due 2026-02-15, moved to 2026-04-30 (1 moves)" in svg
    assert 'text-decoration="line-through"' in svg  # the withdrawn one


def test_the_commitment_timeline_marks_today():
    svg = charts.commitment_timeline([commitment("One", "2026-06-30")], TODAY)
    assert 'class="tl-today"' in svg and ">today</text>" in svg and "today, 2026-03-02" in svg


def test_commitment_titles_are_escaped_and_shortened():
    svg = charts.commitment_timeline([commitment("<script>alert(1)</script>" + "x" * 80, "2026-06-30")], TODAY)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "…" in svg


def test_the_kpi_trend_plots_every_measurement_against_baseline_target_and_course():
    svg = charts.kpi_trend(kpi([("2026-01-31", 14), ("2026-02-28", 17), ("2026-03-01", 18.5)]), "kpi-nps")
    accessible(svg, "Net Promoter Score: trend against target")
    assert svg.count('class="kpi-point"') == 3
    series = re.search(r'<polyline points="([^"]+)"[^>]*class="kpi-series"', svg)
    assert series and len(series.group(1).split()) == 3
    assert 'class="kpi-baseline"' in svg and 'class="kpi-target"' in svg and 'class="kpi-course"' in svg
    assert "2026-02-28: 17 points" in svg and "target 30" in svg and "baseline 12" in svg
    assert ">Jun 2026</text>" in svg  # dates on the x axis


def test_a_kpi_without_measurements_still_shows_baseline_and_target():
    svg = charts.kpi_trend(kpi([]), "kpi-nps")
    assert "No measurements yet" in svg and 'class="kpi-target"' in svg and "kpi-point" not in svg


def test_the_y_axis_covers_values_beyond_the_target():
    svg = charts.kpi_trend(kpi([("2026-02-01", 41)]), "kpi-nps")
    labels = [float(v) for v in re.findall(r'text-anchor="end">(-?[\d.]+)</text>', svg)]
    assert min(labels) <= 12 and max(labels) >= 41


def test_the_burn_up_series_totals_the_counts_by_day_at_every_day_something_happened():
    counts = {"due": {date(2026, 2, 10): 1, date(2026, 2, 20): 1, date(2026, 4, 30): 1},
              "completed": {date(2026, 2, 18): 1, date(2026, 2, 25): 1},
              "kept": {date(2026, 2, 18): 1}}
    points = {p.day: p for p in charts.burnup_series(date(2026, 1, 5), **counts, today=TODAY)}
    assert sorted(points) == [date(2026, 1, 5), date(2026, 2, 10), date(2026, 2, 18),
                              date(2026, 2, 20), date(2026, 2, 25), TODAY, date(2026, 4, 30)]
    assert points[date(2026, 1, 5)] == charts.BurnupPoint(date(2026, 1, 5), 0, 0, 0)
    assert points[date(2026, 2, 20)] == charts.BurnupPoint(date(2026, 2, 20), 2, 1, 1)
    assert points[TODAY] == charts.BurnupPoint(TODAY, 2, 2, 1)
    assert points[date(2026, 4, 30)].due == 3
    assert charts.burnup_series(None, {}, {}, {}, TODAY) == []


def test_the_burn_up_chart_draws_three_step_lines_and_a_table_by_month():
    points = charts.burnup_series(date(2026, 1, 5), {date(2026, 2, 20): 1, date(2026, 4, 30): 1},
                                  {date(2026, 2, 18): 1}, {date(2026, 2, 18): 1}, TODAY)
    svg = charts.burnup(points, TODAY)
    accessible(svg, "Burn-up of kept commitments")
    for series in ("due", "completed", "kept"):
        assert f'class="burnup-{series}"' in svg
    assert [p.day.month for p in charts.burnup_by_month(points)] == [1, 2, 3, 4]


def test_burn_up_without_commitments_says_so():
    assert "No commitments yet." in charts.burnup([], TODAY)


def test_the_health_bar_has_a_segment_per_health_present():
    svg = charts.health_bar({"on track": 3, "overdue": 1, "done": 0}, "IT", "bar-it")
    accessible(svg, "IT: health")
    assert svg.count("<rect") == 2 and "on track: 3" in svg and "overdue: 1" in svg


def test_the_sparkline_has_a_point_per_measurement_and_the_target():
    svg = charts.sparkline([14, 17, 19], 30, "NPS", "spark-nps")
    accessible(svg, "NPS: trend")
    assert len(re.search(r'<polyline points="([^"]+)"', svg).group(1).split()) == 3  # type: ignore[union-attr]
    assert 'stroke-dasharray="3 3"' in svg


@pytest.mark.parametrize("width", [360, 480, 640])
def test_date_labels_never_run_together_however_narrow_the_chart(width):
    points = [(f"2026-{m:02d}-28", 14 + m) for m in range(1, 12)]
    svg = charts.kpi_trend(dict(kpi(points), target_date="2027-06-30"), "kpi-nps", width=width)
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*>[A-Z][a-z]{2} \d{4}</text>', svg)]

    assert len(xs) >= (2 if width < 480 else 4)
    assert all(b - a >= svg_module.DATE_LABEL_MIN_GAP for a, b in zip(xs, xs[1:]))


LABEL_CHAR_WIDTH = 6.2  # a generous width per character at the charts' 11px labels


@pytest.mark.parametrize("today", [date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 20)])
def test_every_month_label_of_the_burn_up_fits_inside_the_chart(today: date) -> None:
    points = [charts.BurnupPoint(date(2025, 10, 2), 1, 0, 0), charts.BurnupPoint(today, 4, 2, 1)]
    chart = str(charts.burnup(points, today, width=600))
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+"(?: text-anchor="(\w+)")?>(\w{3} \d{4})</text>', chart)
    assert labels, chart
    for x, anchor, label in labels:
        width = len(label) * LABEL_CHAR_WIDTH
        start = float(x) - {"end": width, "middle": width / 2}.get(anchor, 0)
        assert 0 <= start and start + width <= 600, f"{label} at {x} ({anchor}) is cut off"
