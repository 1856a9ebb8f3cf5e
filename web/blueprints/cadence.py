"""Check-in cadences: the plan's default (the CCO) and a commitment's own (its department's
leads). Plain form posts answered with post-redirect-get; the service decides who may."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required
from markupsafe import escape
from werkzeug.wrappers import Response

from tracker.errors import Conflict, Invalid
from tracker.service.base import Receipt
from web.forms import expected_version, form_value
from web.render import wants_fragment
from web.services import catch_up, tracker

bp = Blueprint("cadence", __name__)


@bp.route("/plan/check-in-cadence", methods=["POST"])
@login_required
def plan_cadence() -> Response | str:
    return _answer(lambda: tracker().set_check_in_cadence(current_user.id, form_value("days")),
                   url_for("plan.index"), "The plan's check-in cadence is set.")


@bp.route("/commitments/<uuid:commitment_id>/check-in-cadence", methods=["POST"])
@login_required
def commitment_cadence(commitment_id: UUID) -> Response | str:
    return _answer(lambda: tracker().set_commitment_check_in_cadence(
        current_user.id, commitment_id, form_value("days"), expected_version=expected_version()),
        url_for("commitments.show", commitment_id=commitment_id), "Check-in cadence set.")


def _answer(command: Callable[[], Receipt], back: str, done: str) -> Response | str:
    """Post-redirect-get with a flash message; an htmx request gets the message alone."""
    try:
        catch_up(command().position)
        message, category = done, "success"
    except Invalid as e:
        message, category = "; ".join(f"{f}: {m}" for f, m in e.errors.items()), "error"
    except Conflict as e:
        message, category = str(e), "error"
    if wants_fragment():
        return f'<p class="flash flash-{category}" role="status">{escape(message)}</p>'
    flash(message, category)
    return redirect(back)
