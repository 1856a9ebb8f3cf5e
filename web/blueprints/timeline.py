"""The progress timeline: every event, newest first, filtered by a GET form and paged with a
keyset cursor (`before`). htmx swaps the results when a filter changes and appends older pages
in place of the "Load older" row; without JavaScript both are plain links and form submits.
Also the commitment timeline chart (`/timeline/chart`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, request
from sqlite_utils import Database

from projections.queries import board, directory
from projections.queries.timeline import timeline_page
from tracker import clock
from web import charts
from web.access import overview_readers_only
from web.kinds import kind_labels, kind_options
from web.params import day_error, whole_number
from web.render import page_or_fragment, wants_fragment
from web.services import catch_up, views
from web.settings import shown

bp = Blueprint("timeline", __name__, url_prefix="/timeline")

FILTERS = ("department", "journey", "commitment", "kind", "member", "since", "until")


def read_filters() -> tuple[dict[str, str], dict[str, str]]:
    """The filters given in the query string (empty ones dropped) and a message per bad one."""
    given = {k: request.args.get(k, "").strip() for k in FILTERS}
    given = {k: v for k, v in given.items() if v}
    errors: dict[str, str] = {}
    for bound in ("since", "until"):
        if bound in given and (error := day_error(bound, given[bound])):
            errors[bound] = error
            del given[bound]
    return given, errors


@bp.route("/")
@overview_readers_only
def index() -> str:
    catch_up()
    db = views()
    filters, errors = read_filters()
    before = whole_number("before")
    page = timeline_page(
        db, department=filters.get("department"), journey=filters.get("journey"),
        commitment=filters.get("commitment"), actor=filters.get("member"), kind=filters.get("kind"),
        since=_day(filters.get("since")), until=_day(filters.get("until")), before=before,
        limit=shown("TIMELINE_PAGE_SIZE"),
    )
    # An htmx "Load older" wants only the next rows; a filter change wants the results.
    fragment = "timeline/_page.html" if before and wants_fragment() else "timeline/_results.html"
    options = {} if wants_fragment() else _options(db)
    return page_or_fragment("timeline/index.html", fragment, filters=filters, errors=errors,
                            events=page, before=before, **_names(db, filters), **options)


def _day(value: str | None) -> date | None:
    """A date filter means the whole day (read_filters has checked it)."""
    return date.fromisoformat(value) if value else None


def _names(db: Database, filters: dict[str, str]) -> dict[str, Any]:
    chosen = board.commitment(db, filters["commitment"]) if "commitment" in filters else None
    return {"department_names": directory.department_names(db),
            "kind_labels": kind_labels(),
            "commitment_title": chosen["title"] if chosen else filters.get("commitment")}


def _options(db: Database) -> dict[str, Any]:
    return {
        "departments": directory.departments(db),
        "journeys": directory.journeys(db),
        "members": directory.members(db),
        "kinds": kind_options(),
    }


@bp.route("/chart")
@overview_readers_only
def chart() -> str:
    """One row per commitment: original and current due dates, slips, completions, today."""
    catch_up()
    db = views()
    today = clock.today()
    names = directory.department_names(db)
    department = request.args.get("department") or None
    if department not in names:
        department = None
    rows = board.board(db, today=today, department=department)
    rows.sort(key=lambda c: (c["original_due_date"], c["title"]))
    shown_rows = rows[:shown("TIMELINE_CHART_LIMIT")]
    return page_or_fragment(
        "timeline/chart.html", "timeline/_chart.html",
        chart=charts.commitment_timeline(shown_rows, today), commitments=shown_rows, total=len(rows),
        department=department, department_options=sorted(names.items(), key=lambda kv: kv[1]),
        department_names=names, today=today,
    )
