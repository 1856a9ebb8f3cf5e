"""The auditors' pages (auditors and the CCO; everyone else gets 403), all read-only:

- `/audit/history`: every event with who, when, what and each field's before → after, filtered
  by a GET form and paged with a keyset cursor ("Load older": htmx appends, a plain link without);
- `/audit/commitments/<id>`: one commitment's whole story, every event with its changes;
- `/audit/as-of`, `/audit/as-of/board`, `/audit/as-of/accountability`: the dashboard, the board
  and accountability exactly as they stood at the instant chosen (`day`, optional UTC `time`);
  the board as the live board showed it then: open commitments and those closed in the 90 days
  before, the older closed ones counted per department and listed with `closed=all`;
- `/audit/diff`: what changed between two instants.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from projections.audit.as_of import ACCOUNTABILITY, DASHBOARD, PlanAsOf, plan_as_of
from projections.audit.diff import plan_diff
from projections.audit.history import (
    BadFilter, Filters, Page, check_filters, history_page, history_stream,
)
from projections.audit.instants import OUTSIDE, parse_audit_instant
from projections.health import HEALTHS
from projections.queries import board, directory
from projections.queries.history import board_as_of, closed_counts_as_of, closed_counts_by_department
from projections.queries.scorecards import Attainments, scorecards_as_of
from tracker import clock
from tracker.errors import NotFound
from web.access import auditors_only
from web.blueprints.accountability import columns
from web.kinds import kind_labels, kind_options
from web.params import whole_number
from web.render import page_or_fragment, wants_fragment
from web.services import views
from web.settings import shown

bp = Blueprint("audit", __name__, url_prefix="/audit")
HISTORY_FILTERS = ("department", "commitment", "member", "kind", "since", "until")


@bp.route("/")
@auditors_only
def index() -> Response:
    return redirect(url_for("audit.history"))


@bp.route("/history")
@auditors_only
def history() -> tuple[str, int]:
    db = views()
    given = {k: v for k in HISTORY_FILTERS if (v := request.args.get(k, "").strip())}
    before = whole_number("before")
    error = None
    try:
        filters = check_filters(db, department=given.get("department"), commitment=given.get("commitment"),
                                actor_id=given.get("member"), kind=given.get("kind"),
                                since=given.get("since"), until=given.get("until"))
        page = history_page(db, filters, before=before, limit=shown("TIMELINE_PAGE_SIZE"))
    except BadFilter as e:
        filters, error, page = Filters(), e, Page([], None)
    fragment = "audit/_history_page.html" if before and wants_fragment() else "audit/_history_results.html"
    options = {} if wants_fragment() else {
        "departments": directory.departments(db), "members": directory.members(db), "kinds": kind_options()}
    chosen = board.commitment(db, filters.commitment) if filters.commitment else None
    html = page_or_fragment(
        "audit/history.html", fragment, filters=given, error=error, events=page, before=before,
        commitment_title=chosen["title"] if chosen else None, **_labels(db), **options)
    return html, 400 if error else 200


@bp.route("/commitments/<uuid:commitment_id>")
@auditors_only
def story(commitment_id: UUID) -> str:
    db = views()
    found = board.commitment(db, commitment_id, today=clock.today())
    if found is None:
        raise NotFound("commitment", commitment_id)
    events = list(history_stream(db, Filters(commitment=str(commitment_id))))
    return page_or_fragment("audit/story.html", "audit/story.html", c=found, events=events,
                            **_labels(db))


@bp.route("/as-of")
@auditors_only
def as_of_dashboard() -> tuple[str, int]:
    return _as_of("audit/as_of_dashboard.html", (DASHBOARD,), at_risk_shown=shown("AT_RISK_SHOWN"),
                  roadblocks_shown=shown("ROADBLOCKS_SHOWN"))


@bp.route("/as-of/board")
@auditors_only
def as_of_board() -> tuple[str, int]:
    department = request.args.get("department") or None
    health = request.args.get("health") if request.args.get("health") in HEALTHS else None
    show_closed = "all" if request.args.get("closed") == "all" else None
    return _as_of("audit/as_of_board.html", (), lambda plan: _board_then(
        plan, department, health, show_closed), department=department, health=health,
        show_closed=show_closed)


def _board_then(plan: PlanAsOf, department: str | None, health: str | None,
                show_closed: str | None) -> dict[str, Any]:
    """The board page's rows then, as the live board showed them (open ones, and closed ones
    closed in the `RECENTLY_CLOSED_DAYS` before; every one with `closed=all`), per department,
    and per department the closed ones of each health then, shown or not."""
    db = views()
    since = None if show_closed else plan.today - timedelta(days=board.RECENTLY_CLOSED_DAYS)
    rows = board_as_of(db, plan.instant, department=department, closed_since=since)
    closed = closed_counts_by_department(closed_counts_as_of(db, plan.instant, department=department))
    per_department: dict[str, list[dict[str, Any]]] = {}
    older: dict[str, dict[str, int]] = {}
    for c in rows:
        per_department.setdefault(c["department"], []).append(c)
    for slug, counts in closed.items():
        listed = per_department.get(slug, [])
        older[slug] = {h: n - sum(1 for c in listed if c["health"] == h) for h, n in counts.items()}
    if health:
        per_department = {d: [c for c in found if c["health"] == health]
                          for d, found in per_department.items()}
    return {"rows_by_department": per_department, "older": older, "closed_since": since,
            "recent_days": board.RECENTLY_CLOSED_DAYS, "closed_healths": board.CLOSED}


@bp.route("/as-of/accountability")
@auditors_only
def as_of_accountability() -> tuple[str, int]:
    return _as_of("audit/as_of_accountability.html", (ACCOUNTABILITY,),
                  department_columns=columns("department"), owner_columns=columns("owner"),
                  owners_shown=None if request.args.get("owners") == "all" else shown("OWNERS_SHOWN"))


@bp.route("/as-of/patterns")
@auditors_only
def as_of_patterns() -> tuple[str, int]:
    """The pattern library as it stood then: each pattern in its version then, with the
    commitments citing it then (titles as they were then)."""
    return _as_of("audit/as_of_patterns.html", ())
@bp.route("/as-of/scorecards")
@auditors_only
def as_of_scorecards() -> tuple[str, int]:
    return _as_of("audit/as_of_scorecards.html", (), _scorecards_then)


def _scorecards_then(plan: PlanAsOf) -> dict[str, Any]:
    """Every scorecard proposed by then as it stood then, with attainment for the periods that
    had ended by then ("corrected since" meaning corrected by then)."""
    db = views()
    cards = scorecards_as_of(db, plan.position)
    attain = Attainments(db, plan.today, plan.position)
    for card in cards:
        card["attained"] = attain.of(card)
    return {"cards": cards, "kpi_names": {k["key"]: k["name"] for k in directory.kpis(db)}}


@bp.route("/diff")
@auditors_only
def diff() -> tuple[str, int]:
    db = views()
    first, first_error = _instant("from")
    second, second_error = _instant("to")
    error = first_error or second_error
    if error is None and first > second:
        error = "The first instant must not be later than the second."
    found = None if error else plan_diff(db, first, second)
    return page_or_fragment(
        "audit/diff.html", "audit/diff.html", diff=found, error=error, picked=_picked("from", "to"),
        **_labels(db)), 400 if error else 200


def _as_of(template: str, parts: tuple[str, ...],
           more: Callable[[PlanAsOf], dict[str, Any]] | None = None, *,
           roadblocks_shown: int | None = None, **context: Any) -> tuple[str, int]:
    """An as-of page: the plan at the chosen instant with the `parts` it shows (the dashboard's
    roadblocks limited to `roadblocks_shown`), and what `more` reads for it."""
    moment, error = _instant("")
    plan = None if error else plan_as_of(views(), moment, parts, roadblocks_shown=roadblocks_shown)
    if plan is not None and more is not None:
        context.update(more(plan))
    future = plan is not None and plan.instant > clock.now()  # a projection of today's plan
    html = page_or_fragment(template, template, plan=plan, error=error, picked=_picked(""),
                            healths=HEALTHS, future=future, **_labels(views()), **context)
    return html, 400 if error else 200


def _instant(prefix: str) -> tuple[datetime, str | None]:
    """The instant a form chose (`<prefix>day`, optional `<prefix>time` in UTC); now without one."""
    day = request.args.get(f"{prefix}day", "").strip()
    time = request.args.get(f"{prefix}time", "").strip()
    if not day:
        return clock.now(), ("Choose a day." if time else None)
    try:
        return parse_audit_instant(f"{day}T{time}" if time else day), None
    except ValueError as e:
        if OUTSIDE in str(e):
            return clock.now(), f"{(day + ' ' + time).strip()} {OUTSIDE}."
        return clock.now(), f"{(day + ' ' + time).strip()} is not a date and time (YYYY-MM-DD, HH:MM)."


def _picked(*prefixes: str) -> dict[str, str]:
    """What the instant pickers show, as given (for the form and the links between pages)."""
    return {f"{p}{part}": request.args.get(f"{p}{part}", "").strip()
            for p in prefixes for part in ("day", "time") if request.args.get(f"{p}{part}", "").strip()}


def _labels(db: Any) -> dict[str, Any]:
    return {"department_names": directory.department_names(db),
            "kind_labels": kind_labels(),
            "instant_args": _instant_args}


def _instant_args(at: str) -> dict[str, str]:
    """A stored instant as the pickers' `day` and `time` (microseconds only when there are some)."""
    return {"day": at[:10], "time": at[11:19] if at[19:26] == ".000000" else at[11:26]}
