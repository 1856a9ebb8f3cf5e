"""Sign-in and sign-out, and who the current member is.

Sessions are server-side (tracker.accounts): the signed cookie holds only a random token. Every
request re-reads the member from the event store, so a deactivation or a role change takes
effect on the next request, and logging out deletes the session on the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from flask import (
    Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.accounts import SessionLimits
from tracker.authorization import Roles
from tracker.errors import NotFound
from web.redirects import same_site_path
from web.services import tracker

bp = Blueprint("auth", __name__)


@dataclass
class CurrentMember:
    """The signed-in member, as the templates and views see them. What they may do is decided
    by `tracker.authorization.Roles`; these only ask it."""

    token: str
    id: UUID
    email: str
    name: str
    roles: Roles = field(default_factory=lambda: Roles(frozenset()))

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.token

    def has(self, role: str) -> bool:
        return self.roles.has(role)

    @property
    def grants(self) -> list[tuple[str, str | None]]:
        """(role, department) of each role they hold."""
        return sorted(self.roles.grants, key=str)

    @property
    def can_read(self) -> bool:
        return self.roles.can_read

    @property
    def is_cco(self) -> bool:
        return self.roles.is_cco

    @property
    def lead_departments(self) -> list[str]:
        return sorted(self.roles.lead_departments)

    @property
    def can_write(self) -> bool:
        return self.roles.can_write

    @property
    def is_overseer(self) -> bool:
        return self.roles.is_overseer

    @property
    def can_audit(self) -> bool:
        return self.roles.can_audit

    def writes_for(self, department: str) -> bool:
        return self.roles.writes_for(department)

    @property
    def role_title(self) -> str:
        return self.roles.title


def init_app(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.session_protection = None  # the server-side session is the protection
    manager.user_loader(_load_member)
    manager.unauthorized_handler(_sign_in_first)
    app.register_blueprint(bp)
    from web import passwords
    from web.security import rate_limited

    passwords.init_app(app)
    rate_limited(app, "auth.login", app.config["LOGIN_RATE_LIMIT"])


def _sign_in_first() -> Response:
    """To the sign-in page, then back. An htmx request is told to load it as a whole page: a plain
    redirect would be followed inside the request and the sign-in form swapped into a fragment."""
    if request.headers.get("HX-Request"):
        here = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = same_site_path(here.path + (f"?{here.query}" if here.query else ""))
        response = Response(status=401)
        response.headers["HX-Redirect"] = url_for("auth.login", next=back)
        return response
    flash("Please sign in to continue.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def session_limits() -> SessionLimits:
    config = current_app.config
    return SessionLimits(idle=config["SESSION_IDLE_TIMEOUT"], absolute=config["SESSION_MAX_AGE"])


def _load_member(token: str) -> CurrentMember | None:
    app = tracker()
    member_id = app.accounts.session_member(token, session_limits())
    if member_id is None:
        return None
    try:
        info: dict[str, Any] = app.member(member_id)
    except NotFound:
        return None
    if not info["active"]:
        return None
    return CurrentMember(token, info["id"], info["email"], info["name"], Roles.from_rows(info["grants"]))


def open_browser_session(member_id: UUID) -> CurrentMember:
    """A new server-side session for this browser, with a new CSRF secret: nothing of the
    browser's session from before (signed out, or another session) carries over."""
    member = _load_member(tracker().accounts.open_session(member_id, session_limits()))
    assert member is not None
    session.clear()
    session.permanent = True
    return member


@bp.route("/login", methods=["GET", "POST"])
def login() -> tuple[str, int] | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    error, status = None, 200
    email = request.form.get("email", "").strip()
    if request.method == "POST":
        app = tracker()
        member_id = app.authenticate(email, request.form.get("password", ""))
        if member_id is None:
            error = "That e-mail address and password do not match an active account."
            status = 401
        else:
            login_user(open_browser_session(member_id))
            return redirect(same_site_path(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", error=error, email=email), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    tracker().accounts.close_session(current_user.token, session_limits())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
