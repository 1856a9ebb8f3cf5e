"""The CEO-level progress report: the vision, overall health, each department's summary with its
say/do ratio, the KPIs against target, the burn-up, top risks, roadblocks that need another
department's help, and recent wins. It prints cleanly (see the print rules in app.css)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint

from projections.health import HEALTHS
from projections.queries import accountability, board, celebrations, directory, roadblocks
from tracker import clock
from web import charts
from web.access import overseers_only
from web.blueprints.kpis import kpi_panels
from web.render import page_or_fragment
from web.services import catch_up, views

bp = Blueprint("report", __name__, url_prefix="/report")

TOP_RISKS = 10
RECENT_WINS = 8


@bp.route("/")
@overseers_only
def index() -> str:
    catch_up()
    db = views()
    today = clock.today()
    groups = board.health_counts(db, today, by="department")
    overall: Counter[str] = Counter()
    for group in groups:
        overall.update(group.counts)
    health_of = {g.key: g.counts for g in groups}
    summary = [dict(row, health=health_of.get(row["department"], {}))
               for row in accountability.by_department(db, today)]
    cross = [r for r in roadblocks.roadblocks(db, today, state="open") if r["help_requested"]]
    everything = board.board(db, today=today)
    return page_or_fragment(
        "report/index.html", "report/_report.html",
        today=today, plan=directory.plan(db), healths=HEALTHS, overall=overall,
        total=sum(overall.values()), summary=summary, kpis=kpi_panels(db, width=480),
        risks=board.at_risk(db, today)[:TOP_RISKS],
        cross_roadblocks=sorted(cross, key=lambda r: -r["days_open"]),
        wins=celebrations.wall(db, include_wins=True, limit=RECENT_WINS),
        burnup=charts.burnup(charts.burnup_data(everything, today), today),
        department_names=directory.department_names(db), charts=charts,
    )
