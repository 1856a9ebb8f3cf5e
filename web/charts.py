"""Server-rendered SVG charts: pure functions from query rows to markup (marked safe).

- `commitment_timeline`: one row per commitment — original and current due date, the slip
  between them, the completion (on time or late) and today.
- `kpi_trend`: a KPI's measurements against its baseline, its target and the planned course.
- `burnup`: commitments kept (and completed) over time against the total due.
- `sparkline`, `health_bar`: small inline figures for tables and cards.
Pages pair each chart with a data table; the SVG carries a <title> and <desc> of its own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from projections.health import HEALTHS
from web.svg import (
    COLOURS, HEALTH_COLOURS, attrs, date_axis, date_label, date_scale, day, frame, line, linear,
    nice_ticks, number, padded, plottable, polyline, required_day, text, tooltip,
)

WIDTH = 960
LABEL_WIDTH = 300
ROW_HEIGHT = 22
LABEL_CHARS = 44


def commitment_timeline(
    commitments: Sequence[Mapping[str, Any]], today: date, chart_id: str = "commitment-timeline"
) -> Markup:
    """One row per board row (title, made_at, original_due_date, due_date, completed_on,
    due_at_completion, status)."""
    top, bottom = 34, 34 + max(1, len(commitments)) * ROW_HEIGHT
    seen = [today] + [d for c in commitments for d in _dates_of(c)]
    first, last = padded(seen)
    x = date_scale(first, last, LABEL_WIDTH, WIDTH - 20)
    body = date_axis(x, first, last, top - 6, bottom, most=10)
    body += [text(x(today), top - 16, "today", text_anchor="middle", fill=COLOURS["overdue"],
                  class_="t-alert")]
    for i, c in enumerate(commitments):
        body.append(_timeline_row(c, i, top + i * ROW_HEIGHT, x))
    if not commitments:
        body.append(text(LABEL_WIDTH, top + 15, "No commitments to show."))
    body.append(line(x(today), top - 10, x(today), bottom, stroke=COLOURS["overdue"],
                     stroke_dasharray="4 3", class_="tl-today"))
    desc = (
        f"{len(commitments)} commitments, one row each. A grey bar runs from the day it was made to"
        " its original due date (hollow circle); a red line shows a slip to the current due date"
        " (dark tick); a filled circle marks the completion, green on time and red late."
        f" The dashed red line is today, {today.isoformat()}."
    )
    return frame(chart_id, WIDTH, bottom + 24, "Commitment timeline", desc, body)


def _dates_of(c: Mapping[str, Any]) -> list[date]:
    found = [day(c.get(k)) for k in ("made_at", "original_due_date", "due_date", "completed_on")]
    return [d for d in found if d is not None]


def _timeline_row(c: Mapping[str, Any], i: int, y0: float, x: Any) -> str:
    mid = y0 + ROW_HEIGHT / 2
    made = day(c.get("made_at"))
    original, due = required_day(c["original_due_date"]), required_day(c["due_date"])
    completed = day(c.get("completed_on"))
    withdrawn = c.get("status") == "withdrawn"
    late = completed is not None and completed > (day(c.get("due_at_completion")) or due)
    label = str(c["title"])
    short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
    parts = [tooltip(_row_story(c, late)),
             f'<rect x="0" y="{y0}" width="{WIDTH}" height="{ROW_HEIGHT}"'
             f' fill="{COLOURS["stripe"] if i % 2 == 0 else "#ffffff"}"/>',
             text(8, mid + 4, short, fill=COLOURS["muted"] if withdrawn else COLOURS["ink"],
                  text_decoration="line-through" if withdrawn else None,
                  class_="t-faint" if withdrawn else "t-ink")]
    if made is not None:
        parts.append(line(x(made), mid, x(original), mid, stroke=COLOURS["span"], stroke_width=6,
                          stroke_linecap="round"))
    if due != original:
        parts.append(line(x(original), mid, x(due), mid, stroke=COLOURS["overdue"], stroke_width=2,
                          class_="tl-slip"))
    parts.append(f'<circle{attrs(cx=x(original), cy=mid, r=4, fill="#ffffff", stroke=COLOURS["ink"], stroke_width=1.5)}/>')
    parts.append(f'<rect{attrs(x=x(due) - 1.5, y=mid - 7, width=3, height=14, fill=COLOURS["ink"])}/>')
    if completed is not None:
        colour = COLOURS["overdue"] if late else COLOURS["ok"]
        parts.append(f'<circle{attrs(cx=x(completed), cy=mid, r=5.5, fill=colour, class_="tl-done")}/>')
    return f'<g class="tl-row">{"".join(parts)}</g>'


def _row_story(c: Mapping[str, Any], late: bool) -> str:
    story = f"{c['title']}: due {c['original_due_date']}"
    if c["due_date"] != c["original_due_date"]:
        story += f", moved to {c['due_date']} ({c.get('due_date_moves', 0)} moves)"
    if c.get("completed_on"):
        story += f"; completed {c['completed_on']} ({'late' if late else 'on time'})"
    elif c.get("status") == "withdrawn":
        story += "; withdrawn"
    return story


KPI_MARKERS_MAX = 60  # a KPI chart marks each measurement up to this many


def kpi_trend(kpi: Mapping[str, Any], chart_id: str, width: int = 640, height: int = 260) -> Markup:
    """A KPI (from `kpi_series`) over time: measurements, baseline, target and planned course."""
    left, right, top, bottom = 52, width - 86, 16, height - 30
    # Values beyond what a chart can place (older events could store up to +-1.8e308) are drawn
    # at its edge, not-a-number ones left out; the page's table lists them as stored.
    points = [(required_day(p["measured_on"]), v) for p in kpi["points"]
              if (v := plottable(p["value"])) is not None]
    target_date = required_day(kpi["target_date"])
    start = day(kpi.get("defined_on")) or min([d for d, _ in points] + [target_date])
    first = min([start] + [d for d, _ in points])
    last = max([target_date] + [d for d, _ in points])
    baseline, target = plottable(kpi["baseline"]) or 0.0, plottable(kpi["target"]) or 0.0
    ticks = nice_ticks(min([baseline, target] + [v for _, v in points]),
                       max([baseline, target] + [v for _, v in points]))
    x = date_scale(first, last, left, right)
    y = linear(ticks[0], ticks[-1], bottom, top)
    body = date_axis(x, first, last, top, bottom, most=6)
    for tick in ticks:
        body += [line(left, y(tick), right, y(tick), stroke=COLOURS["grid"]),
                 text(left - 6, y(tick) + 4, number(tick), text_anchor="end")]
    body += [
        line(left, y(baseline), right, y(baseline), stroke=COLOURS["muted"], stroke_dasharray="6 4",
             class_="kpi-baseline"),
        text(right + 6, y(baseline) + 4, f"baseline {number(baseline)}"),
        line(left, y(target), right, y(target), stroke=COLOURS["ok"], stroke_width=2, class_="kpi-target"),
        text(right + 6, y(target) + 4, f"target {number(target)}", fill=COLOURS["ok"], class_="t-ok"),
        line(x(start), y(baseline), x(target_date), y(target), stroke=COLOURS["ok"],
             stroke_dasharray="2 4", class_="kpi-course"),
    ]
    unit = f" {kpi['unit']}" if kpi.get("unit") else ""
    if points:
        body.append(polyline([(x(d), y(v)) for d, v in points], stroke=COLOURS["brand"],
                             stroke_width=2.5, class_="kpi-series"))
        # Years of weekly measurements would be hundreds of markers: then only the latest one
        # (the KPI page's table lists every measurement).
        marked = points if len(points) <= KPI_MARKERS_MAX else points[-1:]
        for d, v in marked:
            body.append(f'<circle{attrs(cx=x(d), cy=y(v), r=4, fill=COLOURS["brand"], class_="kpi-point")}>'
                        f"{tooltip(f'{d.isoformat()}: {number(v)}{unit}')}</circle>")
    else:
        body.append(text((left + right) / 2, (top + bottom) / 2, "No measurements yet",
                         text_anchor="middle"))
    latest = f" Latest: {number(points[-1][1])}{unit} on {points[-1][0].isoformat()}." if points else ""
    desc = (f"{len(points)} measurements of {kpi['name']} from {first.isoformat()}; baseline"
            f" {number(baseline)}{unit} (dashed), target {number(target)}{unit} by"
            f" {target_date.isoformat()} (green), planned course dotted.{latest}")
    return frame(chart_id, width, height, f"{kpi['name']}: trend against target", desc, body)


def sparkline(values: Sequence[float], target: float, label: str, chart_id: str,
              width: int = 120, height: int = 32) -> Markup:
    """A tiny trend line with the target as a dashed line."""
    values = [v for v in map(plottable, values) if v is not None]
    target = plottable(target) or 0.0
    ticks = [*values, target]
    y = linear(min(ticks), max(ticks), height - 4, 4)
    x = linear(0, max(1, len(values) - 1), 3, width - 5)
    body = [line(0, y(target), width, y(target), stroke=COLOURS["ok"], stroke_dasharray="3 3")]
    if values:
        body.append(polyline([(x(i), y(v)) for i, v in enumerate(values)], stroke=COLOURS["brand"],
                             stroke_width=2))
        body.append(f'<circle{attrs(cx=x(len(values) - 1), cy=y(values[-1]), r=2.5, fill=COLOURS["brand"])}/>')
    desc = f"{len(values)} measurements" + (f", latest {number(values[-1])}" if values else "") + \
        f"; target {number(target)} (dashed)."
    return frame(chart_id, width, height, f"{label}: trend", desc, body, css="sparkline")


def health_bar(counts: Mapping[str, int], label: str, chart_id: str,
               width: int = 160, height: int = 12) -> Markup:
    """One stacked bar: the share of each health among a group's commitments."""
    total = sum(counts.values())
    body, offset = [], 0.0
    for health in HEALTHS:
        n = counts.get(health, 0)
        if n:
            w = round(width * n / total, 1)
            body.append(f'<rect{attrs(x=offset, y=0, width=w, height=height, fill=HEALTH_COLOURS[health])}>'
                        f"{tooltip(f'{health}: {n}')}</rect>")
            offset += w
    if not total:
        body.append(f'<rect{attrs(x=0, y=0, width=width, height=height, fill=COLOURS["grid"])}/>')
    desc = ", ".join(f"{h} {counts.get(h, 0)}" for h in HEALTHS if counts.get(h)) or "no commitments"
    return frame(chart_id, width, height, f"{label}: health", desc, body, css="health-bar")


@dataclass(frozen=True)
class BurnupPoint:
    day: date
    due: int  # commitments (not withdrawn) whose current due date is on or before `day`
    completed: int  # completed on or before `day`
    kept: int  # of those, completed by the due date in force then


def burnup_series(first: date | None, due: Mapping[date, int], completed: Mapping[date, int],
                  kept: Mapping[date, int], today: date) -> list[BurnupPoint]:
    """The burn-up series from counts per day (`projections.queries.burnup`): at `first`, at
    `today` and at every day a commitment fell due or was completed, the totals up to that day."""
    if first is None:
        return []
    running = [_running_totals(counts) for counts in (due, completed, kept)]
    days = sorted({first, today, *due, *completed})
    return [BurnupPoint(d, *(_total_by(d, days_, totals) for days_, totals in running))
            for d in days if d >= first]


def _running_totals(counts: Mapping[date, int]) -> tuple[list[date], list[int]]:
    days = sorted(counts)
    totals, total = [], 0
    for d in days:
        total += counts[d]
        totals.append(total)
    return days, totals


def _total_by(day_: date, days: list[date], totals: list[int]) -> int:
    found = bisect_right(days, day_)
    return totals[found - 1] if found else 0


def burnup_by_month(points: Sequence[BurnupPoint]) -> list[BurnupPoint]:
    """The last point of each month: the chart's data table."""
    months: dict[tuple[int, int], BurnupPoint] = {}
    for p in points:
        months[(p.day.year, p.day.month)] = p
    return list(months.values())


def burnup(points: Sequence[BurnupPoint], today: date, chart_id: str = "burnup",
           width: int = WIDTH, height: int = 280) -> Markup:
    """Step lines: due (all dates), completed and kept (up to today), with today marked."""
    left, right, top, bottom = 48, width - 20, 30, height - 30
    if not points:
        return frame(chart_id, width, 60, "Burn-up of kept commitments", "No commitments yet.",
                     [text(left, 34, "No commitments yet.")])
    first, last = points[0].day, max(points[-1].day, today)
    ticks = nice_ticks(0, max(1, points[-1].due))
    x, y = date_scale(first, last, left, right), linear(0, ticks[-1], bottom, top)
    body = date_axis(x, first, last, top, bottom)
    for tick in ticks:
        body += [line(left, y(tick), right, y(tick), stroke=COLOURS["grid"]),
                 text(left - 6, y(tick) + 4, number(tick), text_anchor="end")]
    past = [p for p in points if p.day <= today]
    series = (("due", points, COLOURS["muted"], "Due"), ("completed", past, COLOURS["brand"], "Completed"),
              ("kept", past, COLOURS["ok"], "Kept (on time)"))
    for n, (field, data, colour, name) in enumerate(series):
        body.append(polyline(_steps([(x(p.day), y(getattr(p, field))) for p in data]), stroke=colour,
                             stroke_width=2.5, class_=f"burnup-{field}"))
        lx = left + 10 + n * 150
        body += [line(lx, 12, lx + 22, 12, stroke=colour, stroke_width=3), text(lx + 28, 16, name)]
    body.append(line(x(today), top, x(today), bottom, stroke=COLOURS["overdue"], stroke_dasharray="4 3"))
    now = next((p for p in reversed(points) if p.day <= today), points[0])
    desc = (f"From {first.isoformat()} to {last.isoformat()}: {points[-1].due} commitments due in all;"
            f" by today ({today.isoformat()}) {now.due} were due, {now.completed} completed and"
            f" {now.kept} kept on time.")
    return frame(chart_id, width, height, "Burn-up of kept commitments", desc, body)


def _steps(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A step line: hold each value until the next point."""
    stepped: list[tuple[float, float]] = []
    for px, py in points:
        if stepped:
            stepped.append((px, stepped[-1][1]))
        stepped.append((px, py))
    return stepped


__all__ = [
    "BurnupPoint", "burnup", "burnup_by_month", "burnup_series", "commitment_timeline",
    "date_label", "health_bar", "kpi_trend", "sparkline",
]
