"""Members and roles (the CCO): register, grant, revoke, deactivate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import directory
from tracker.domain.member import ROLE_TITLES, ROLES
from web.access import require_reader
from web.forms import form_value, optional, run_form
from web.services import catch_up, tracker, views

bp = Blueprint("members", __name__, url_prefix="/members")


def _context() -> dict[str, Any]:
    db = views()
    departments = directory.departments(db)
    return {
        "members": directory.members(db),
        "department_names": {d["slug"]: d["name"] for d in departments},
        "department_options": [(d["slug"], d["name"]) for d in departments],
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
    return _act(lambda: tracker().register_member(
        current_user.id, email=form_value("email"), name=form_value("name"),
        password=form_value("password"), role=optional("role"), department=optional("department"),
    ), "Member added.", "add")


@bp.route("/<email>/grants", methods=["POST"])
@login_required
def grant(email: str) -> str | Response | tuple[str, int]:
    return _act(lambda: tracker().grant_role(
        current_user.id, email=email, role=form_value("role"), department=optional("department"),
    ), "Role granted.", f"grant-{email}")


@bp.route("/<email>/revocations", methods=["POST"])
@login_required
def revoke(email: str) -> str | Response | tuple[str, int]:
    return _act(lambda: tracker().revoke_role(
        current_user.id, email=email, role=form_value("role"), department=optional("department"),
    ), "Role revoked; their sessions have ended.", f"revoke-{email}")


@bp.route("/<email>/deactivation", methods=["POST"])
@login_required
def deactivate(email: str) -> str | Response | tuple[str, int]:
    return _act(lambda: tracker().deactivate_member(
        current_user.id, email=email, reason=form_value("reason"),
    ), "Member deactivated; they can do nothing more.", f"deactivate-{email}")
