"""Customer KPIs: one trend chart per KPI against its baseline and target, with the measurements
as a table. Every member with a role may read them (the plan page links here)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import login_required
from sqlite_utils import Database

from projections.queries import directory, kpis
from web import charts
from web.access import require_reader
from web.render import page_or_fragment
from web.services import catch_up, views

bp = Blueprint("kpis", __name__, url_prefix="/kpis")


WIDE_CHART = 1120  # the KPI page's chart on a wide screen: the card's width at about 1:1


def kpi_panels(db: Database, width: int = 640, wide: int | None = None) -> list[dict[str, Any]]:
    """Every KPI in the plan's order: its series (with `latest`, `on_course`) and its chart, and
    with `wide` a second, wider one that a wide screen shows instead (CSS picks one)."""
    panels = []
    for overview in kpis.kpi_overview(db):
        series = kpis.kpi_series(db, overview["key"])
        if series is None:
            continue
        series["chart"] = charts.kpi_trend(series, chart_id=f"kpi-chart-{series['key']}", width=width)
        if wide:
            series["wide_chart"] = charts.kpi_trend(series, chart_id=f"kpi-wide-{series['key']}", width=wide)
        panels.append(series)
    return panels


@bp.route("/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    db = views()
    return page_or_fragment("kpis/index.html", "kpis/_kpis.html", kpis=kpi_panels(db, wide=WIDE_CHART),
                            department_names=directory.department_names(db))
