"""Personal access tokens on the web: a member makes (seeing the secret once), lists and revokes
their own tokens for the REST API. The application service decides; this page only asks."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.errors import Invalid
from tracker.service.tokens import DEFAULT_DAYS, MAX_DAYS
from tracker.tokens import SCOPES
from web.forms import form_value
from web.services import tracker

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _page(status: int = 200, **extra: object) -> tuple[str, int]:
    return render_template(
        "tokens/index.html", tokens=tracker().list_tokens(current_user.id), scopes=SCOPES,
        default_days=DEFAULT_DAYS, max_days=MAX_DAYS, **extra,
    ), status


@bp.route("/")
@login_required
def index() -> tuple[str, int]:
    return _page()


@bp.route("/", methods=["POST"])
@login_required
def create() -> tuple[str, int]:
    """Make a token and show its secret on this answer only (never stored, never redirected)."""
    try:
        made = tracker().create_token(current_user.id, name=form_value("name"),
                                      scope=form_value("scope"), days=form_value("days"))
    except Invalid as e:
        values = {k: form_value(k) for k in ("name", "scope", "days")}
        return _page(400, errors=e.errors, values=values)
    return _page(201, made=made)


@bp.route("/<token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: str) -> Response:
    tracker().revoke_token(current_user.id, token_id)
    flash(f"Token {token_id} revoked: it no longer works.", "success")
    return redirect(url_for("tokens.index"))
