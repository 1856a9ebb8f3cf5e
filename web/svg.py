"""Building blocks for the server-rendered SVG charts: scales, ticks, the frame, and elements.

Only presentation attributes (fill=, stroke=, stroke-dasharray=): the CSP forbids style
attributes. Every chart gets a <title> and a <desc> and is labelled by them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, datetime

from markupsafe import Markup, escape

# The palette of app.css, repeated here so a chart stands on its own (copied, printed, saved).
COLOURS = {
    "ink": "#1d2433", "muted": "#5b6478", "line": "#dfe3ea", "grid": "#eef0f4",
    "brand": "#2b59c3", "ok": "#1f7a4d", "risk": "#b07400", "blocked": "#8f2d56",
    "overdue": "#b42318", "done": "#35507f", "withdrawn": "#9aa1ae", "stripe": "#f7f8fb",
    "span": "#7c869a",  # a planned span: 3.4:1 on the chart's stripes, 3.7:1 on white
}
HEALTH_COLOURS = {
    "on track": COLOURS["ok"], "at risk": COLOURS["risk"], "blocked": COLOURS["blocked"],
    "overdue": COLOURS["overdue"], "done": COLOURS["done"], "done late": "#7d6cb2",
    "withdrawn": COLOURS["withdrawn"],
}


def day(value: str | date | None) -> date | None:
    """A date from a date, a datetime or ISO text (an instant's date part)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# Values a chart can place: larger ones (older events could store up to +-1.8e308) are drawn at
# this bound, so no difference or step overflows; not-a-number values are left out.
CHART_LIMIT = 1e300


def plottable(value: object) -> float | None:
    """A value a chart can draw: clamped to +-`CHART_LIMIT`; None for NaN or non-numbers."""
    try:
        found = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    if math.isnan(found):
        return None
    return max(-CHART_LIMIT, min(CHART_LIMIT, found))


def shift(d: date, days: int) -> date:
    """`d` moved by `days`, held at the calendar's first and last day instead of overflowing."""
    return date.fromordinal(max(1, min(date.max.toordinal(), d.toordinal() + days)))


def required_day(value: str | date | None) -> date:
    """`day` of a value that must be there (a missing date is a bug, not an empty cell)."""
    found = day(value)
    if found is None:
        raise ValueError("a date is required here")
    return found


def linear(lo: float, hi: float, out_lo: float, out_hi: float) -> Callable[[float], float]:
    """Map [lo, hi] onto [out_lo, out_hi] (rounded to tenths of a pixel). Values are held within
    +-`CHART_LIMIT`, so no difference overflows; an empty range is widened around its value."""
    lo, hi = plottable(lo) or 0.0, plottable(hi) or 0.0
    if hi == lo:
        hi = lo + max(1.0, abs(lo) / 1e6)
    factor = (out_hi - out_lo) / (hi - lo)
    return lambda v: round(out_lo + (max(-CHART_LIMIT, min(CHART_LIMIT, v)) - lo) * factor, 1)


def date_scale(first: date, last: date, x0: float, x1: float) -> Callable[[date], float]:
    scale = linear(first.toordinal(), last.toordinal(), x0, x1)
    return lambda d: scale(d.toordinal())


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (the first and last ticks bound the axis)."""
    lo, hi = plottable(lo) or 0.0, plottable(hi) or 0.0
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = max(1.0, abs(lo) / 1e6)
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start, end = math.floor(lo / step), math.ceil(hi / step)
    return [round(i * step, 10) for i in range(start, end + 1)]


def month_ticks(first: date, last: date, most: int = 8) -> list[date]:
    """First days of months within [first, last], thinned out to at most `most` (computed, not
    walked: a span of centuries costs no more than one of weeks)."""
    start = first.year * 12 + first.month - 1 + (first.day > 1)  # the first month starting >= first
    end = last.year * 12 + last.month - 1
    count = end - start + 1
    if count < 2:
        return [first, last] if first != last else [first]
    step = math.ceil(count / max(1, most))
    return [date(m // 12, m % 12 + 1, 1) for m in range(start, end + 1, step)]


def date_label(d: date) -> str:
    return d.strftime("%b %Y") if d.day == 1 else d.strftime("%d %b %Y").lstrip("0")


def number(value: float) -> str:
    """A measurement as people write it: 4 significant digits, no trailing zeros."""
    if not math.isfinite(value) or not 10000 <= abs(value) < 1e15:
        return f"{value:.4g}"
    return f"{value:,.0f}"


def padded(days: Iterable[date], before: int = 7, after: int = 7) -> tuple[date, date]:
    found = list(days)
    return shift(min(found), -before), shift(max(found), after)


def attrs(**values: object) -> str:
    """SVG attributes from keywords (`stroke_width` → stroke-width; None is left out)."""
    return "".join(
        f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in values.items() if v is not None
    )


def line(x1: float, y1: float, x2: float, y2: float, **more: object) -> str:
    return f"<line{attrs(x1=x1, y1=y1, x2=x2, y2=y2, **more)}/>"


def text(x: float, y: float, content: str, **more: object) -> str:
    return f"<text{attrs(x=x, y=y, **more)}>{escape(content)}</text>"


def polyline(points: Iterable[tuple[float, float]], **more: object) -> str:
    coords = " ".join(f"{x},{y}" for x, y in points)
    return f'<polyline points="{coords}" fill="none"{attrs(**more)}/>'


def tooltip(content: str) -> str:
    return f"<title>{escape(content)}</title>"


def frame(chart_id: str, width: int, height: int, title: str, desc: str, body: Iterable[str],
          css: str = "") -> Markup:
    """The <svg> element: scalable, labelled by its own title and description."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css)}" id="{escape(chart_id)}"'
        f' viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        f' font-size="11" fill="{COLOURS["muted"]}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>'
        + "".join(body) + "</svg>"
    )


def date_axis(x: Callable[[date], float], first: date, last: date, top: float, bottom: float,
              most: int = 8) -> list[str]:
    """Vertical grid lines with date labels under the plot (no label hard by the left edge,
    where the value axis has its own). A narrow chart has fewer month lines, about
    `DATE_LABEL_GAP` apart, and never labels two closer than `DATE_LABEL_MIN_GAP`, so its labels
    never run together."""
    parts = []
    labelled = x(first) - DATE_LABEL_MIN_GAP + 20
    most = max(2, min(most, int((x(last) - x(first)) // DATE_LABEL_GAP)))  # evenly thinned
    for tick in month_ticks(first, last, most):
        px = x(tick)
        parts.append(line(px, top, px, bottom, stroke=COLOURS["grid"]))
        if px - labelled >= DATE_LABEL_MIN_GAP:
            # A label hard by the right end would be cut off by the frame: it ends at its line.
            anchor = "end" if x(last) - px < DATE_LABEL_MIN_GAP / 2 else "middle"
            parts.append(text(px, bottom + 14, date_label(tick), text_anchor=anchor))
            labelled = px
    return parts


DATE_LABEL_GAP = 64  # chart units wanted between two month lines' labels
DATE_LABEL_MIN_GAP = 54  # and the least between two labels' centres ("Sep 2026" is ~50 wide)
