"""The landing page sends each member where their work is."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.errors import NotAllowed

bp = Blueprint("home", __name__)


@bp.route("/favicon.ico")
def favicon() -> Response:
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/")
@login_required
def index() -> Response:
    if not current_user.can_read:
        raise NotAllowed("your account has no role yet: ask the chief customer officer to grant you one")
    if current_user.lead_departments and not current_user.is_cco:
        return redirect(url_for("board.index"))
    if current_user.has("auditor") and not current_user.is_cco:
        return redirect(url_for("audit.history"))
    return redirect(url_for("dashboard.index"))
