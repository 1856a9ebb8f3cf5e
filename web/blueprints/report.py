"""The CEO-level progress report: the vision, overall health, each department's summary with its
say/do ratio, the KPIs against target, the burn-up, the top risks, the roadblocks waiting longest
on another department's help (each list with its total), and recent wins. It prints cleanly (see
the print rules in app.css)."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint

from projections.health import HEALTHS
from projections.queries import accountability, board, burnup, celebrations, directory
from projections.queries import roadblocks
from tracker import clock
from web import charts
from web.access import overview_readers_only
from web.blueprints.kpis import kpi_panels
from web.render import page_or_fragment
from web.services import catch_up, views
from web.settings import shown

bp = Blueprint("report", __name__, url_prefix="/report")


@bp.route("/")
@overview_readers_only
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
    cross, cross_total = roadblocks.oldest_open(db, today, shown("REPORT_TOP_CROSS_ROADBLOCKS"),
                                               asking_help=True)
    counts = burnup.burnup_counts(db)
    points = charts.burnup_series(counts.first, counts.due, counts.completed, counts.kept, today)
    return page_or_fragment(
        "report/index.html", "report/_report.html",
        today=today, plan=directory.plan(db), healths=HEALTHS, overall=overall,
        total=sum(overall.values()), summary=summary, kpis=kpi_panels(db, width=480),
        risks=board.at_risk(db, today, limit=shown("REPORT_TOP_RISKS")), risks_total=board.count_at_risk(db, today),
        cross_roadblocks=cross, cross_total=cross_total,
        wins=celebrations.wall(db, include_wins=True, limit=shown("REPORT_RECENT_WINS")),
        burnup=charts.burnup(points, today), burnup_months=charts.burnup_by_month(points),
        department_names=directory.department_names(db), charts=charts,
    )
