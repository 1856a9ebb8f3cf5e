"""Plan set-up (the CCO): vision, departments, journeys with their lead department, KPIs and
their measurements. Every member with a role may read it; the service decides who may change it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import directory
from web.access import require_reader
from web.forms import form_value, optional, run_form
from web.services import catch_up, tracker, views

bp = Blueprint("plan", __name__, url_prefix="/plan")

SECTIONS = {
    "vision": "plan/_vision.html",
    "departments": "plan/_departments.html",
    "journeys": "plan/_journeys.html",
    "kpis": "plan/_kpis.html",
}


def _context() -> dict[str, Any]:
    db = views()
    departments = directory.departments(db)
    return {
        "plan": directory.plan(db),
        "departments": departments,
        "department_options": [(d["slug"], d["name"]) for d in departments],
        "journeys": directory.journeys(db),
        "kpis": directory.kpis(db),
    }


@bp.route("/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    return render_template("plan/index.html", **_context())


def _section(
    section: str, command: Any, done: str, form_key: str | None = None
) -> str | Response | tuple[str, int]:
    return run_form(
        command, page="plan/index.html", fragment=SECTIONS[section], context=_context,
        done=done, redirect_to=url_for("plan.index"), form_key=form_key or section,
    )


@bp.route("/vision", methods=["POST"])
@login_required
def revise_vision() -> str | Response | tuple[str, int]:
    return _section("vision", lambda: tracker().revise_vision(current_user.id, form_value("vision")),
                    "The vision is revised; departments can endorse the new version.")


@bp.route("/endorsements", methods=["POST"])
@login_required
def endorse_vision() -> str | Response | tuple[str, int]:
    return _section("vision", lambda: tracker().endorse_vision(current_user.id, form_value("department")),
                    "Endorsement recorded.", form_key="endorse")


@bp.route("/departments", methods=["POST"])
@login_required
def add_department() -> str | Response | tuple[str, int]:
    return _section("departments", lambda: tracker().add_department(
        current_user.id, form_value("slug"), form_value("name")), "Department added.")


@bp.route("/journeys", methods=["POST"])
@login_required
def define_journey() -> str | Response | tuple[str, int]:
    return _section("journeys", lambda: tracker().define_journey(
        current_user.id, form_value("key"), form_value("name"), form_value("lead_department")),
        "Journey defined.")


@bp.route("/journeys/<key>/lead", methods=["POST"])
@login_required
def change_journey_lead(key: str) -> str | Response | tuple[str, int]:
    return _section("journeys", lambda: tracker().change_journey_lead(
        current_user.id, key, form_value("lead_department")), "Lead department changed.",
        form_key=f"lead-{key}")


@bp.route("/kpis", methods=["POST"])
@login_required
def define_kpi() -> str | Response | tuple[str, int]:
    return _section("kpis", lambda: tracker().define_kpi(
        current_user.id, key=form_value("key"), name=form_value("name"), unit=form_value("unit"),
        baseline=form_value("baseline"), target=form_value("target"),
        target_date=form_value("target_date"), direction=optional("direction")), "KPI defined.")


@bp.route("/kpis/<key>/measurements", methods=["POST"])
@login_required
def record_measurement(key: str) -> str | Response | tuple[str, int]:
    return _section("kpis", lambda: tracker().record_measurement(
        current_user.id, key=key, value=form_value("value"),
        measured_on=optional("measured_on"), note=form_value("note")), "Measurement recorded.",
        form_key=f"measure-{key}")
