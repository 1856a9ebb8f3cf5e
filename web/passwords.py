"""Passwords on the web: a member changes their own (`/account/password`, the current one
required), and anyone holding a one-time link sets theirs (`/password/set/<token>`). The CCO's
resets and links live on the members page. The application service checks everything."""

from __future__ import annotations

from flask import (
    Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for,
)
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from tracker.errors import Invalid
from web.forms import refusal_status
from web.services import tracker

bp = Blueprint("passwords", __name__)


def init_app(app: Flask) -> None:
    from web.security import rate_limited

    app.register_blueprint(bp)
    for endpoint in ("passwords.change", "passwords.set_with_link"):  # both guess at a secret
        rate_limited(app, endpoint, app.config["LOGIN_RATE_LIMIT"])


def _errors_unless_confirmed() -> dict[str, str]:
    if request_value("password") != request_value("confirm"):
        return {"confirm": "does not match the new password"}
    return {}


def request_value(name: str) -> str:
    """A password field as typed (not stripped: spaces may be part of it)."""
    return request.form.get(name, "")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change() -> str | Response | tuple[str, int]:
    from web.auth import open_browser_session

    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _errors_unless_confirmed()
        if not errors:
            try:
                tracker().change_password(current_user.id, email=current_user.email,
                                          password=request_value("password"),
                                          current_password=request_value("current_password"))
            except Invalid as e:
                errors = e.errors
        if not errors:  # every session ended, this one too: this browser signs in afresh
            login_user(open_browser_session(current_user.id))
            flash("Your password is changed; any other sessions of yours have ended.", "success")
            return redirect(url_for("home.index"))
        return render_template("auth/password.html", errors=errors, failed_form="password",
                               values={}), refusal_status()
    return render_template("auth/password.html", errors={}, values={})


@bp.route("/password/set/<token>", methods=["GET", "POST"])
def set_with_link(token: str) -> str | Response | tuple[str, int]:
    whose = tracker().password_link_for(token)
    if whose is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _errors_unless_confirmed()
        if not errors:
            try:
                tracker().set_password_with_link(token, request_value("password"))
            except Invalid as e:
                errors = e.errors
        if not errors:
            session.clear()
            flash("Your password is set. Sign in with it.", "success")
            return redirect(url_for("auth.login"))
        return render_template("auth/set_password.html", whose=whose, errors=errors,
                               failed_form="password", values={}), refusal_status()
    return render_template("auth/set_password.html", whose=whose, errors={}, values={})
