"""Cross-functional commitments and shared understanding.

- A commitment's contributing departments (beside the owning one) and its milestones: each
  action answers like every card action (`commitments.act_on`: htmx swaps the card, a plain
  post redirects back; a refusal is a 4xx page with the form's errors).
- Who reads the overview pages (the CCO decides, on the plan page).
The service decides who may (`tracker.authorization`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from projections.queries import board, directory
from tracker.domain.member import ROLE_TITLES
from tracker.domain.plan import OVERVIEW_ROLES
from web.access import reads_overview
from web.blueprints.commitments import Answer, act_on
from web.blueprints.plan import plan_context
from web.forms import expected_version, form_value, run_form
from web.services import tracker, views

bp = Blueprint("crossfunctional", __name__)


@bp.app_context_processor
def overview_helpers() -> dict[str, Any]:
    """For every template, computed only when asked: whether the member reads the overview
    (the navigation), the roles it is open to, and a commitment's milestones (its page)."""
    return {
        "reads_overview": reads_overview,
        "overview_readers": lambda: directory.overview_readers(views()),
        "overview_roles": [(r, ROLE_TITLES[r]) for r in OVERVIEW_ROLES],
        "commitment_milestones": lambda cid: board.milestones(views(), cid),
    }


# Contributing departments


@bp.route("/commitments/<uuid:commitment_id>/contributors", methods=["POST"])
@login_required
def add_contributor(commitment_id: UUID) -> Answer:
    return act_on(commitment_id, "contributor", lambda app, actor: app.add_contributor(
        actor, commitment_id, department=form_value("department"),
        expected_version=expected_version()), "Contributing department added.")


@bp.route("/commitments/<uuid:commitment_id>/contributors/<department>/removal", methods=["POST"])
@login_required
def remove_contributor(commitment_id: UUID, department: str) -> Answer:
    return act_on(commitment_id, f"contributor-{department}", lambda app, actor: app.remove_contributor(
        actor, commitment_id, department=department, expected_version=expected_version()),
        "Contributing department removed.")


# Milestones


@bp.route("/commitments/<uuid:commitment_id>/milestones", methods=["POST"])
@login_required
def add_milestone(commitment_id: UUID) -> Answer:
    return act_on(commitment_id, "milestone", lambda app, actor: app.add_milestone(
        actor, commitment_id, text=form_value("text"), expected_version=expected_version()),
        "Milestone added.")


@bp.route("/commitments/<uuid:commitment_id>/milestones/<milestone_id>/tick", methods=["POST"])
@login_required
def tick_milestone(commitment_id: UUID, milestone_id: str) -> Answer:
    ticked = request.form.get("ticked", "yes") != "no"
    return act_on(commitment_id, f"tick-{milestone_id}", lambda app, actor: app.tick_milestone(
        actor, commitment_id, milestone_id=milestone_id, ticked=ticked,
        expected_version=expected_version()),
        "Milestone ticked." if ticked else "Milestone unticked.")


@bp.route("/commitments/<uuid:commitment_id>/milestones/<milestone_id>/removal", methods=["POST"])
@login_required
def remove_milestone(commitment_id: UUID, milestone_id: str) -> Answer:
    return act_on(commitment_id, f"remove-{milestone_id}", lambda app, actor: app.remove_milestone(
        actor, commitment_id, milestone_id=milestone_id, expected_version=expected_version()),
        "Milestone removed.")


# Who reads the overview


@bp.route("/plan/overview-access", methods=["POST"])
@login_required
def overview_access() -> Answer:
    readers = [r for r in request.form.getlist("readers") if r]
    return run_form(
        lambda: tracker().change_overview_access(
            current_user.id, readers=readers, reason=form_value("reason"),
            expected_version=expected_version()),
        page="plan/index.html", fragment="plan/_overview_access.html",
        context=lambda: plan_context("overview-access"),
        done="Who reads the overview pages is changed.", redirect_to=url_for("plan.index"),
        form_key="overview-access",
    )
