"""Members and roles (the CCO): register, grant, revoke, deactivate, reset a password or make a
one-time link with which a member sets their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import directory
from tracker.accounts import PASSWORD_LINK_LIFETIME
from tracker.domain.member import ROLE_TITLES, ROLES
from tracker.errors import Invalid
from web.access import require_reader
from web.forms import expected_version, form_value, optional, refusal_status, run_form
from web.mail_links import email_password_link
from web.render import wants_fragment
from web.services import catch_up, tracker, views

bp = Blueprint("members", __name__, url_prefix="/members")


def _context() -> dict[str, Any]:
    db = views()
    departments = directory.departments(db)
    members = directory.members(db)
    versions = tracker().member_versions([UUID(m["id"]) for m in members])
    for m in members:
        m["version"] = versions[UUID(m["id"])]
    return {
        "members": members,
        "department_names": {d["slug"]: d["name"] for d in departments},
        "department_options": [(d["slug"], d["name"]) for d in directory.in_use(departments)],
        "role_options": [(r, ROLE_TITLES[r]) for r in ROLES],
        "role_titles": ROLE_TITLES,
    }


@bp.route("/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    return render_template("members/index.html", **_context())


def _act(command: Any, done: str, form_key: str) -> str | Response | tuple[str, int]:
    return run_form(command, page="members/index.html", fragment="members/_members.html",
                    context=_context, done=done, redirect_to=url_for("members.index"),
                    form_key=form_key)


@bp.route("/", methods=["POST"])
@login_required
def add() -> str | Response | tuple[str, int]:
    password = request.form.get("password", "")
    if password:
        return _act(lambda: tracker().register_member(
            current_user.id, email=form_value("email"), name=form_value("name"),
            password=password, role=optional("role"), department=optional("department"),
        ), "Member added.", "add")
    return _with_link(_register_with_link, form_value("email"), "add", "Member added")


def _register_with_link() -> str:
    """Register the member without a password; the one-time link with which they set one."""
    email = form_value("email")
    tracker().register_member(current_user.id, email=email, name=form_value("name"), password=None,
                              role=optional("role"), department=optional("department"))
    return tracker().password_link(current_user.id, email=email)


@bp.route("/<email>/password", methods=["POST"])
@login_required
def reset_password(email: str) -> str | Response | tuple[str, int]:
    return _act(lambda: tracker().change_password(
        current_user.id, email=email, password=request.form.get("password", ""),
    ), "Password reset; their sessions have ended.", f"password-{email}")


@bp.route("/<email>/password-link", methods=["POST"])
@login_required
def password_link(email: str) -> str | Response | tuple[str, int]:
    return _with_link(lambda: tracker().password_link(current_user.id, email=email),
                      email, f"password-{email}", "Link made")


def _with_link(command: Callable[[], str], email: str, form_key: str, what: str
               ) -> str | tuple[str, int]:
    """Run a command that makes a one-time set-password link and show the link to the CCO, on
    the page itself (never in a redirect's flash, which the session cookie would carry)."""
    template = "members/_members.html" if wants_fragment() else "members/index.html"
    try:
        token = command()
    except Invalid as e:
        values = {k: v for k, v in request.form.items() if k not in ("csrf_token", "password")}
        return render_template(template, **_context(), errors=e.errors, values=values,
                               failed_form=form_key, conflict=False), refusal_status()
    catch_up()
    link = url_for("passwords.set_with_link", token=token, _external=True)
    done = (f"{what}. Pass this one-time link to {email.lower()} so they set their own password "
            f"(it works once, for {PASSWORD_LINK_LIFETIME.days} days): {link}")
    done += email_password_link(email.lower(), tracker().member(email)["name"], link,
                                PASSWORD_LINK_LIFETIME.days)
    return render_template(template, **_context(), done=done, password_link=link)


@bp.route("/<email>/grants", methods=["POST"])
@login_required
def grant(email: str) -> str | Response | tuple[str, int]:
    return _act(lambda: tracker().grant_role(
        current_user.id, email=email, role=form_value("role"), department=optional("department"),
        expected_version=expected_version(),
    ), "Role granted.", f"grant-{email}")


@bp.route("/<email>/revocations", methods=["POST"])
@login_required
def revoke(email: str) -> str | Response | tuple[str, int]:
    return _act(lambda: tracker().revoke_role(
        current_user.id, email=email, role=form_value("role"), department=optional("department"),
        expected_version=expected_version(),
    ), "Role revoked; their sessions have ended.", f"revoke-{email}")


@bp.route("/<email>/deactivation", methods=["POST"])
@login_required
def deactivate(email: str) -> str | Response | tuple[str, int]:
    return _act(lambda: tracker().deactivate_member(
        current_user.id, email=email, reason=form_value("reason"), expected_version=expected_version(),
    ), "Member deactivated; they can do nothing more.", f"deactivate-{email}")
