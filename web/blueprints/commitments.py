"""One commitment: its page with the whole story, and every action a lead takes on it.

Each action answers htmx with the changed card (`commitments/_card.html`, swapped in place) and a
plain form post with a redirect back to the page the form was on. Invalid input or a conflict
re-renders the card (or, without htmx, the commitment's page) with the user's input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from uuid import UUID

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlite_utils import Database
from werkzeug.wrappers import Response

from projections.queries import board, directory, history, ownership, roadblocks
from projections.queries.timeline import timeline_page
from tracker import clock
from tracker.authorization import CCO, LEAD
from tracker.application import CxTracker
from tracker.errors import NotFound
from tracker.service.base import Receipt
from web.access import require_reader
from web.forms import expected_version, form_value, optional, run_form
from web.kinds import kind_labels
from web.lazy import LazyMapping, LazySequence
from web.redirects import same_site_path
from web.render import wants_fragment
from web.services import catch_up, tracker, views
from web.settings import shown

bp = Blueprint("commitments", __name__, url_prefix="/commitments")


Answer = str | Response | tuple[str, int]


# Shared with the board and roadblocks pages


def card_options(db: Database) -> dict[str, Any]:
    """What every card's forms offer (departments to ask for help, names to show). The members to
    hand over to are a page-wide list (`hand_over_choices`), so an htmx card answer stays small.
    Each list is read when a template first uses it: an action's answer, a card without its
    forms, mostly uses none (their three queries were ~5% of a web write's CPU)."""
    departments = cache(lambda: directory.departments(db))
    return {
        "today": clock.today(),
        "department_names": LazyMapping(lambda: {d["slug"]: d["name"] for d in departments()}),
        "department_options": LazySequence(
            lambda: [(d["slug"], d["name"]) for d in directory.in_use(departments())]),
        "journey_names": LazyMapping(lambda: {j["key"]: j["name"] for j in directory.journeys(db)}),
        "kpi_names": LazyMapping(lambda: {k["key"]: k["name"] for k in directory.kpis(db)}),
    }


def correction_options(db: Database) -> dict[str, Any]:
    """What the detail page's corrections offer: the journeys and KPIs in use."""
    return {
        "journey_options": [(j["key"], j["name"]) for j in directory.in_use(directory.journeys(db))],
        "kpi_options": [(k["key"], k["name"]) for k in directory.in_use(directory.kpis(db))],
    }


OWNER_ROLES = (CCO, LEAD)


def hand_over_choices(db: Database) -> dict[str, Any]:
    """The active members who can own a commitment (department leads and the CCO: an owner
    must be able to update it), for the one `<datalist>` a page with cards holds (see
    `_members_datalist.html`); every card's hand-over field suggests from it, and the service
    refuses one who cannot act for that card's department, saying why. At thousands of members,
    rendering them into each card's own `<select>` cost ~20 ms per card answer."""
    return {"member_options": [(m["email"], m["name"]) for m in directory.members(db, active_only=True)
                               if any(r["role"] in OWNER_ROLES for r in m["roles"])]}


def open_roadblocks_by_commitment(db: Database, **filters: Any) -> dict[str, list[dict[str, Any]]]:
    """Open roadblocks (oldest first) keyed by commitment id, as the cards show them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for r in roadblocks.roadblocks(db, clock.today(), state="open", **filters):
        found.setdefault(r["commitment_id"], []).append(r)
    return found


def this_page() -> str:
    """The path (with query) of the page being rendered, for the forms' `next` field."""
    return request.full_path.rstrip("?")


# The detail page


def _commitment(db: Database, commitment_id: UUID) -> dict[str, Any]:
    found = board.commitment(db, commitment_id, today=clock.today())
    if found is None:
        raise NotFound("commitment", commitment_id)
    return found


def _story(db: Database, commitment_id: UUID) -> dict[str, Any]:
    """The commitment's events oldest first, each with the health it left behind; its owners and
    every roadblock."""
    page = timeline_page(db, commitment=commitment_id, limit=shown("COMMITMENT_STORY_LIMIT"))
    states = {s["valid_from_position"]: s for s in history.commitment_story(db, commitment_id)}
    events = [dict(e, state=states.get(e["position"])) for e in reversed(page.rows)]
    return {
        "events": events,
        "story_truncated": page.next_before is not None,
        "periods": ownership.periods(db, commitment_id),
        "all_roadblocks": roadblocks.roadblocks(db, clock.today(), commitment_id=str(commitment_id)),
        "kind_labels": kind_labels(),
    }


def _context(commitment_id: UUID) -> dict[str, Any]:
    """The card's context; the whole story too on the detail page (or its OOB refresh)."""
    db = views()
    c = _commitment(db, commitment_id)
    detail = request.method == "GET" or request.form.get("view") == "detail" or not wants_fragment()
    back = same_site_path(request.form.get("next")) or url_for("commitments.show", commitment_id=c["id"])
    context = {
        "c": c, "detail": detail, "view": "detail" if detail else "", "back": back,
        "open_roadblocks": open_roadblocks_by_commitment(db, commitment_id=c["id"]),
        **card_options(db),
    }
    if detail:
        context.update(_story(db, commitment_id))
        context.update(correction_options(db))
    if not wants_fragment():
        context.update(hand_over_choices(db))
    return context


@bp.route("/<uuid:commitment_id>")
@login_required
def show(commitment_id: UUID) -> str:
    require_reader()
    catch_up()
    return render_template("commitments/show.html", **_context(commitment_id))


@bp.route("/<uuid:commitment_id>/actions")
@login_required
def actions(commitment_id: UUID) -> str:
    """A card's action forms alone, for a card on a board (or an htmx answer) sent without them
    (they are most of its weight): loaded when its "Actions" opens."""
    return _actions(commitment_id, page=False)


@bp.route("/<uuid:commitment_id>/act")
@login_required
def act(commitment_id: UUID) -> str:
    """The same as a page, for a board without JavaScript (the link in a card's "Actions"): the
    card with its forms, which return to `next`."""
    return _actions(commitment_id, page=True)


def _actions(commitment_id: UUID, page: bool) -> str:
    require_reader()
    catch_up()
    db = views()
    view = "detail" if request.args.get("view") == "detail" else ""
    back = same_site_path(request.args.get("next")) or url_for("commitments.show", commitment_id=commitment_id)
    c = _commitment(db, commitment_id)
    context = {"c": c, "view": view, "back": back, **card_options(db),
               "open_roadblocks": open_roadblocks_by_commitment(db, commitment_id=c["id"]),
               **(correction_options(db) if view else {})}
    if page:
        return render_template("commitments/actions.html", detail=False, actions_page=True,
                               **context, **hand_over_choices(db))
    if request.args.get("members"):  # a board's card: fill the page's (empty) list of members
        context.update(hand_over_choices(db))
    return render_template("commitments/_card.html", actions_only=True, detail=bool(view), **context)


# Actions


def _act(
    commitment_id: UUID, form: str, command: Callable[[CxTracker, UUID], Receipt | None], done: str
) -> Answer:
    """Run one action on a commitment (the service authorises it) and answer with its card."""
    require_reader()
    back = same_site_path(request.form.get("next")) or url_for("commitments.show", commitment_id=commitment_id)
    return run_form(
        lambda: command(tracker(), current_user.id), page="commitments/show.html",
        fragment="commitments/_card_response.html",
        context=lambda: dict(_context(commitment_id), card_answer=True),
        done=done, redirect_to=back, form_key=f"{form}-{commitment_id}",
    )


@bp.route("/<uuid:commitment_id>/progress", methods=["POST"])
@login_required
def report_progress(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "progress", lambda app, actor: app.report_progress(
        actor, commitment_id, percent=form_value("percent"), note=form_value("note"),
        expected_version=expected_version()), "Progress reported.")


@bp.route("/<uuid:commitment_id>/due-date", methods=["POST"])
@login_required
def move_due_date(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "due-date", lambda app, actor: app.move_due_date(
        actor, commitment_id, due_date=form_value("due_date"), reason=form_value("reason"),
        expected_version=expected_version()), "Due date moved.")


@bp.route("/<uuid:commitment_id>/owner", methods=["POST"])
@login_required
def hand_over(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "hand-over", lambda app, actor: app.hand_over(
        actor, commitment_id, new_owner=form_value("new_owner"), reason=form_value("reason"),
        expected_version=expected_version()), "Ownership handed over.")


@bp.route("/<uuid:commitment_id>/details", methods=["POST"])
@login_required
def correct_details(commitment_id: UUID) -> Answer:
    """Correct the title, description, journey or KPI link (blank unlinks); fields sent
    unchanged are not corrections, and a form with nothing changed is refused."""
    return _act(commitment_id, "details", lambda app, actor: app.correct_commitment(
        actor, commitment_id, title=form_value("title"), description=form_value("description"),
        journey=form_value("journey"), kpi=form_value("kpi"), reason=form_value("reason"),
        expected_version=expected_version()), "Details corrected.")


@bp.route("/<uuid:commitment_id>/department", methods=["POST"])
@login_required
def move_to_department(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "department", lambda app, actor: app.move_commitment(
        actor, commitment_id, department=form_value("department"),
        new_owner=optional("new_owner"), reason=form_value("reason"),
        expected_version=expected_version()), "Moved to another department.")


@bp.route("/<uuid:commitment_id>/roadblocks", methods=["POST"])
@login_required
def raise_roadblock(commitment_id: UUID) -> Answer:
    helper = optional("help_from")
    return _act(commitment_id, "roadblock", lambda app, actor: app.raise_roadblock(
        actor, commitment_id, description=form_value("description"), help_from=helper,
        expected_version=expected_version()),
        "Roadblock raised; help asked." if helper else "Roadblock raised.")


@bp.route("/<uuid:commitment_id>/roadblocks/<roadblock_id>/help", methods=["POST"])
@login_required
def request_help(commitment_id: UUID, roadblock_id: str) -> Answer:
    return _act(commitment_id, f"help-{roadblock_id}", lambda app, actor: app.request_help(
        actor, commitment_id, roadblock_id=roadblock_id, department=form_value("department"),
        expected_version=expected_version()), "Help asked.")


@bp.route("/<uuid:commitment_id>/roadblocks/<roadblock_id>/resolution", methods=["POST"])
@login_required
def resolve_roadblock(commitment_id: UUID, roadblock_id: str) -> Answer:
    return _act(commitment_id, f"resolve-{roadblock_id}", resolve_command(commitment_id, roadblock_id),
                "Roadblock resolved.")


def resolve_command(commitment_id: UUID, roadblock_id: str) -> Callable[[CxTracker, UUID], Receipt]:
    """Resolving, as the card and the roadblocks page post it."""
    return lambda app, actor: app.resolve_roadblock(
        actor, commitment_id, roadblock_id=roadblock_id, resolution=form_value("resolution"),
        helped_by=optional("helped_by"), expected_version=expected_version())


@bp.route("/<uuid:commitment_id>/completion", methods=["POST"])
@login_required
def complete(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "complete", lambda app, actor: app.complete(
        actor, commitment_id, evidence=form_value("evidence"),
        completed_on=optional("completed_on"), expected_version=expected_version()),
        "Completed. Well done!")


@bp.route("/<uuid:commitment_id>/withdrawal", methods=["POST"])
@login_required
def withdraw(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "withdraw", lambda app, actor: app.withdraw(
        actor, commitment_id, reason=form_value("reason"), expected_version=expected_version()),
        "Commitment withdrawn.")


@bp.route("/<uuid:commitment_id>/celebrations", methods=["POST"])
@login_required
def celebrate(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "celebrate", lambda app, actor: app.celebrate(
        actor, commitment_id, message=form_value("message")), "Celebrated!")


@bp.route("/<uuid:commitment_id>/notes", methods=["POST"])
@login_required
def add_note(commitment_id: UUID) -> Answer:
    return _act(commitment_id, "note", lambda app, actor: app.add_note(
        actor, commitment_id, text=form_value("text")), "Note added.")


# Shared with the cross-functional blueprint (contributors, milestones) and the patterns' forms
act_on = _act
commitment_page = _context
