"""The CCO's and executives' dashboard: the vision, health per department and per journey, what
is at risk, open roadblocks by age, the latest wins, and KPI sparklines."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlite_utils import Database

from projections.health import HEALTHS
from projections.queries import board, celebrations, directory, kpis, roadblocks
from tracker import clock
from web import charts
from web.access import overview_readers_only
from web.render import page_or_fragment
from web.services import catch_up, views
from web.settings import shown

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.route("/")
@overview_readers_only
def index() -> str:
    catch_up()
    return page_or_fragment("dashboard/index.html", "dashboard/_dashboard.html", **context(views()))


def context(db: Database) -> dict[str, Any]:
    today = clock.today()
    blocked, blocked_total = roadblocks.oldest_open(db, today, shown("ROADBLOCKS_SHOWN"))
    by_department, by_journey = board.health_overview(db, today)
    return {
        "today": today,
        "healths": HEALTHS,
        "plan": directory.plan(db),
        "by_department": by_department,
        "by_journey": by_journey,
        "at_risk": board.at_risk(db, today, limit=shown("AT_RISK_SHOWN")),
        "at_risk_total": board.count_at_risk(db, today),
        "roadblocks": blocked,
        "roadblocks_total": blocked_total,
        "department_names": directory.department_names(db),
        "wins": celebrations.wall(db, include_wins=True, limit=shown("WINS_SHOWN")),
        "kpis": kpi_cards(db),
        "kpi_links": kpis.kpi_links(db),
        "charts": charts,
    }


def kpi_cards(db: Database) -> list[dict[str, Any]]:
    """Each CX KPI's overview row with its sparkline."""
    cards = []
    for kpi in kpis.kpi_overview(db):
        if kpi["department"] is not None:  # an area KPI: on its department's board
            continue
        values = [float(v) for v in kpis.kpi_values(db, kpi["key"])]
        kpi["sparkline"] = charts.sparkline(values, float(kpi["target"]), kpi["name"],
                                            chart_id=f"spark-{kpi['key']}")
        cards.append(kpi)
    return cards
