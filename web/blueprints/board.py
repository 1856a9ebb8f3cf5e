"""The commitment board: a department's commitments as cards grouped by health, filtered by GET
forms (htmx swaps the board; without JavaScript they submit normally), and the form that makes
a new commitment. Closed commitments are shown when closed in the last `RECENT_DAYS` days; each
closed group counts the older ones and links to all of them (`?closed=all`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from itertools import groupby
from typing import Any
from uuid import uuid4

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.health import HEALTHS
from projections.queries import board, directory, kpis
from tracker import clock
from tracker.errors import NotAllowed
from web.access import is_overseer, require_reader
from web.blueprints.commitments import (
    card_options, open_roadblocks_by_commitment, this_page,
)
from web.forms import form_value, optional, run_form
from web.render import page_or_fragment
from web.services import catch_up, tracker, views
from web.settings import shown as shown_setting

bp = Blueprint("board", __name__)

CLOSED = board.CLOSED
RECENT_DAYS = board.RECENTLY_CLOSED_DAYS  # older closed ones are counted, shown on asking


def _filters(names: Mapping[str, str], journeys: Mapping[str, str], first: str | None = None
             ) -> dict[str, str | None]:
    """The department, health and journey asked for (404 for unknown ones). No `department`
    parameter means the member's own department (a lead), or for an overseer `first` (the first
    department in use, by name): one department at a time, as a large company's whole board is
    thousands of cards. An empty one means every department."""
    if "department" in request.args:
        department = request.args["department"] or None
    elif current_user.lead_departments and not is_overseer():
        department = current_user.lead_departments[0]
    elif is_overseer():
        department = first
    else:
        department = None
    health = request.args.get("health") or None
    journey = request.args.get("journey") or None
    closed = request.args.get("closed") or None
    if (department and department not in names) or (health and health not in HEALTHS) or (
        journey and journey not in journeys
    ) or closed not in (None, "all"):
        abort(404)
    return {"department": department, "health": health, "journey": journey, "show_closed": closed}


def _switchable(names: Mapping[str, str]) -> list[tuple[str, str]]:
    """The departments the switcher offers: every one, to everyone who reads the plan (shared
    understanding); a lead's own come first."""
    own = [(s, names[s]) for s in current_user.lead_departments if s in names]
    others = sorted(((s, n) for s, n in names.items() if (s, n) not in own), key=lambda d: d[1])
    return [*own, ("", "All departments"), *others]


def _context() -> dict[str, Any]:
    db = views()
    today = clock.today()
    options = card_options(db)
    names: Mapping[str, str] = options["department_names"]
    in_use = directory.in_use(directory.departments(db))  # by name
    chosen = _filters(names, options["journey_names"], in_use[0]["slug"] if in_use else None)
    since = None if chosen["show_closed"] else today - timedelta(days=RECENT_DAYS)
    rows = board.board(db, today=today, department=chosen["department"],
                       journey=chosen["journey"], closed_since=since, contributed=True)
    shown = {h: sum(1 for r in rows if r["health"] == h) for h in HEALTHS}
    # Open ones are all on the board; closed ones are counted whole, shown or not (those it
    # contributes to only as shown: a department's closed counts are of its own).
    owned_closed = board.closed_counts(db, department=chosen["department"], journey=chosen["journey"])
    counts = {**shown, **{h: n + sum(1 for r in rows if r["health"] == h and chosen["department"]
                                     and r["department"] != chosen["department"])
                          for h, n in owned_closed.items()}}
    if chosen["health"]:
        rows = [r for r in rows if r["health"] == chosen["health"]]
    roadblocks = open_roadblocks_by_commitment(db, department=chosen["department"]) if rows else {}
    for row in rows:  # the commitments it contributes to: their roadblocks too
        if chosen["department"] and row["department"] != chosen["department"] and row["open_roadblocks"]:
            roadblocks.update(open_roadblocks_by_commitment(db, commitment_id=row["id"]))
    cards = {h: list(g) for h, g in groupby(rows, key=lambda r: r["health"])}  # board's order
    made = request.args.get("made")  # a commitment just made heads its group, where it is seen
    for group in cards.values():
        group.sort(key=lambda r: r["id"] != made)
    # The first screen stays small: each group's first cards, the rest a "Show all" away (the
    # board of that health), unless a health is asked for.
    limit = None if chosen["health"] else shown_setting("BOARD_GROUP_SHOWN")
    more = {h: max(0, len(cards.get(h, [])) - limit) if limit else 0 for h in HEALTHS}
    cards = {h: g[:limit] for h, g in cards.items()}
    return {
        **options, **chosen, "rows": rows, "counts": counts, "total": sum(counts.values()),
        "groups": [(h, g) for h, g in cards.items() if h not in CLOSED or chosen["health"]],
        "closed_groups": [] if chosen["health"] else [
            (h, cards.get(h, [])) for h in CLOSED if counts[h]],
        "older": {h: counts[h] - shown[h] for h in CLOSED}, "closed_since": since, "more": more,
        "recent_days": RECENT_DAYS,
        "closed": CLOSED, "healths": HEALTHS, "health_options": [(h, h.capitalize()) for h in HEALTHS],
        "switch_options": _switchable(names), "board_department": chosen["department"],
        "contributing": sum(1 for r in rows if chosen["department"]
                            and r["department"] != chosen["department"]),
        "open_roadblocks": roadblocks, "show_department": chosen["department"] is None,
        "back": this_page(), "view": "", "detail": False, "lazy_cards": True,
        "can_make": any(current_user.writes_for(d) for d in names),
        "department_kpis": kpis.department_kpis(db, chosen["department"]) if chosen["department"]
        else None,
    }


@bp.route("/board/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    return page_or_fragment("board/index.html", "board/_board.html", **_context())


# Making a commitment


def _writable_departments() -> list[tuple[str, str]]:
    found = directory.in_use(directory.departments(views()))
    return [(d["slug"], d["name"]) for d in found if current_user.writes_for(d["slug"])]


def _new_context() -> dict[str, Any]:
    db = views()
    departments = _writable_departments()
    if not departments:
        raise NotAllowed("only department leads and the CCO make commitments")
    slugs = [s for s, _ in departments]
    asked = request.values.get("department", "")
    return {
        "department_options": departments,
        "default_department": asked if asked in slugs else slugs[0],
        "member_options": [(m["email"], m["name"]) for m in directory.members(db, active_only=True)],
        "journey_options": [(j["key"], j["name"]) for j in directory.in_use(directory.journeys(db))],
        "kpi_options": [(k["key"], k["name"]) for k in directory.in_use(directory.kpis(db))],
        "today": clock.today(),
        # A new one each time the form is shown (a refused form keeps the one it was sent with):
        # sending the same form twice makes one commitment.
        "idempotency_key": uuid4().hex,
    }


@bp.route("/commitments/new")
@login_required
def new_commitment() -> str:
    catch_up()
    return page_or_fragment("board/new.html", "board/_new.html", **_new_context())


@bp.route("/commitments/new", methods=["POST"])
@login_required
def make_commitment() -> str | Response | tuple[str, int]:
    department = form_value("department")
    return run_form(
        lambda: tracker().make_commitment(
            current_user.id, department=department, title=form_value("title"),
            description=form_value("description"), due_date=form_value("due_date"),
            owner=form_value("owner"), journey=optional("journey"), kpi=optional("kpi"),
            idempotency_key=optional("idempotency_key"),
        ),
        page="board/new.html", fragment="board/_new.html", context=_new_context,
        done="Commitment made.", redirect_to=lambda made: url_for(
            "board.index", department=department, made=made.id if made else None,
            _anchor=f"card-{made.id}" if made else None),
        form_key="new",
    )
