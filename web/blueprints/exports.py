"""Downloads of what the pages show, for the roles that read them:

- `/exports/history.csv`, `/exports/history.jsonl`: the audit history with the history page's
  filters (auditors and the CCO), in log order, the columns of `cx-tracker history`;
- `/exports/board.csv`: the board with its filters (every member with a role);
- `/exports/accountability-departments.csv`, `/exports/accountability-owners.csv` (overseers).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.audit.history import BadFilter, check_filters, history_stream
from projections.audit.report import EXPORT_COLUMNS, dumps, export_row
from projections.health import HEALTHS
from projections.queries import accountability, board
from tracker import clock
from tracker.errors import Invalid, NotAllowed
from web.access import overview_readers_only
from web.blueprints.accountability import columns
from web.blueprints.audit import HISTORY_FILTERS
from web.exports import csv_download, download
from web.services import catch_up, views

bp = Blueprint("exports", __name__, url_prefix="/exports")
BOARD_COLUMNS = ("id", "department", "title", "owner_name", "journey", "kpi", "health", "status",
                 "progress", "original_due_date", "due_date", "due_date_moves", "days_slipped",
                 "completed_on", "open_roadblocks", "made_at", "last_event_at", "description")


def _history_events() -> Iterator[dict[str, Any]]:
    if not current_user.can_audit:
        raise NotAllowed("only auditors and the chief customer officer export the history")
    catch_up()
    db = views()
    given = {k: v for k in HISTORY_FILTERS if (v := request.args.get(k, "").strip())}
    try:
        filters = check_filters(db, department=given.get("department"), commitment=given.get("commitment"),
                                actor_id=given.get("member"), kind=given.get("kind"),
                                since=given.get("since"), until=given.get("until"))
    except BadFilter as e:
        raise Invalid.field("filter", str(e)) from None
    return (export_row(e) for e in history_stream(db, filters))


@bp.route("/history.csv")
@login_required
def history_csv() -> Response:
    rows = ({**row, "changes": dumps(row["changes"])} for row in _history_events())
    return csv_download(EXPORT_COLUMNS, rows, "cx-history.csv")


@bp.route("/history.jsonl")
@login_required
def history_jsonl() -> Response:
    lines = (dumps(row).replace("\n", "\\n") + "\n" for row in _history_events())
    return download(lines, "cx-history.jsonl", "application/jsonl")


@bp.route("/board.csv")
@login_required
def board_csv() -> Response:
    if not current_user.grants:
        raise NotAllowed("a member without a role cannot read the plan")
    catch_up()
    department = request.args.get("department") or None
    health = request.args.get("health") or None
    journey = request.args.get("journey") or None
    if health and health not in HEALTHS:
        abort(404)
    today = clock.today()
    since = None if request.args.get("closed") == "all" else today - timedelta(days=board.RECENTLY_CLOSED_DAYS)
    rows = board.board(views(), today=today, department=department, health=health,
                       journey=journey, closed_since=since)
    return csv_download(BOARD_COLUMNS, rows, "cx-board.csv")


@bp.route("/accountability-departments.csv")
@overview_readers_only
def accountability_departments() -> Response:
    catch_up()
    figures = [f for f, _, _ in columns("department")]
    rows = accountability.by_department(views(), clock.today())
    return csv_download(["department", "department_name", *figures], rows,
                        "cx-accountability-departments.csv")


@bp.route("/accountability-owners.csv")
@overview_readers_only
def accountability_owners() -> Response:
    catch_up()
    figures = [f for f, _, _ in columns("owner")]
    rows = accountability.by_owner(views(), clock.today(), request.args.get("department") or None)
    return csv_download(["owner_email", "owner_name", *figures], rows, "cx-accountability-owners.csv")



