"""Plan set-up, corrections and reorganisations (the CCO): vision, departments, journeys with
their lead department, KPIs and their measurements. Every member with a role may read it; the
service decides who may change it.

Every form carries the plan's version as the user saw it (`expected_version`): a stale one is
refused with the same conflict message as a commitment's. An htmx answer swaps all the sections
(`plan/_sections.html`), so every form on the page carries the new version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import directory, kpis
from tracker.service.base import Receipt
from web.access import require_reader
from web.forms import expected_version, form_value, optional, run_form
from web.services import catch_up, tracker, views

bp = Blueprint("plan", __name__, url_prefix="/plan")

Answer = str | Response | tuple[str, int]


def _context(section: str = "") -> dict[str, Any]:
    db = views()
    departments = directory.departments(db)
    current = directory.in_use(departments)
    return {
        "plan": directory.plan(db),
        "departments": departments,
        "department_options": [(d["slug"], d["name"]) for d in current],
        "department_names": {d["slug"]: d["name"] for d in departments},
        "journeys": directory.journeys(db),
        "kpis": directory.kpis(db),
        "kpi_links": kpis.kpi_links(db),
        "area_kpi_options": [(k["key"], k["name"]) for k in directory.kpis(db)
                             if k["department"] and not k["retired_at"]],
        "cx_kpi_options": [(k["key"], k["name"]) for k in directory.kpis(db)
                           if not k["department"] and not k["retired_at"]],
        "done_in": section,
    }


def plan_context(section: str = "") -> dict[str, Any]:
    """The plan page's context, for forms of other blueprints that answer with it."""
    return _context(section)


@bp.route("/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    return render_template("plan/index.html", **_context())


def _section(section: str, command: Callable[..., Receipt], done: str,
             form_key: str | None = None, **kwargs: Any) -> Answer:
    """Run a service command as the member, with the plan version the form carried."""
    return run_form(
        lambda: command(current_user.id, expected_version=expected_version(), **kwargs),
        page="plan/index.html", fragment="plan/_sections.html",
        context=lambda: _context(section), done=done, redirect_to=url_for("plan.index"),
        form_key=form_key or section,
    )


# Vision


@bp.route("/vision", methods=["POST"])
@login_required
def revise_vision() -> Answer:
    return _section("vision", tracker().revise_vision,
                    "The vision is revised; departments can endorse the new version.",
                    vision=form_value("vision"), reason=form_value("reason"))


@bp.route("/endorsements", methods=["POST"])
@login_required
def endorse_vision() -> Answer:
    return _section("vision", tracker().endorse_vision, "Endorsement recorded.",
                    form_key="endorse", department=form_value("department"))


# Departments


@bp.route("/departments", methods=["POST"])
@login_required
def add_department() -> Answer:
    return _section("departments", tracker().add_department, "Department added.",
                    slug=form_value("slug"), name=form_value("name"))


@bp.route("/departments/<slug>/rename", methods=["POST"])
@login_required
def rename_department(slug: str) -> Answer:
    return _section("departments", tracker().rename_department, "Department renamed.",
                    form_key=f"rename-{slug}", slug=slug, name=form_value("name"),
                    reason=form_value("reason"))


@bp.route("/departments/<slug>/merge", methods=["POST"])
@login_required
def merge_department(slug: str) -> Answer:
    return _section("departments", tracker().merge_departments,
                    "Departments merged: the open commitments moved and the leads' roles ended.",
                    form_key=f"merge-{slug}", slug=slug, into=form_value("into"),
                    reason=form_value("reason"))


@bp.route("/departments/<slug>/retire", methods=["POST"])
@login_required
def retire_department(slug: str) -> Answer:
    open_work = form_value("open_work")
    return _section("departments", tracker().retire_department, "Department retired.",
                    form_key=f"retire-{slug}", slug=slug, reason=form_value("reason"),
                    move_to=optional("move_to") if open_work == "move" else None,
                    withdraw_open=open_work == "withdraw")


# Journeys


@bp.route("/journeys", methods=["POST"])
@login_required
def define_journey() -> Answer:
    return _section("journeys", tracker().define_journey, "Journey defined.",
                    key=form_value("key"), name=form_value("name"),
                    lead_department=form_value("lead_department"))


@bp.route("/journeys/<key>/lead", methods=["POST"])
@login_required
def change_journey_lead(key: str) -> Answer:
    return _section("journeys", tracker().change_journey_lead, "Lead department changed.",
                    form_key=f"lead-{key}", key=key,
                    lead_department=form_value("lead_department"))


@bp.route("/journeys/<key>/rename", methods=["POST"])
@login_required
def rename_journey(key: str) -> Answer:
    return _section("journeys", tracker().rename_journey, "Journey renamed.",
                    form_key=f"rename-journey-{key}", key=key, name=form_value("name"),
                    reason=form_value("reason"))


@bp.route("/journeys/<key>/retire", methods=["POST"])
@login_required
def retire_journey(key: str) -> Answer:
    return _section("journeys", tracker().retire_journey, "Journey retired.",
                    form_key=f"retire-journey-{key}", key=key, reason=form_value("reason"))


# KPIs and measurements


@bp.route("/kpis", methods=["POST"])
@login_required
def define_kpi() -> Answer:
    return _section("kpis", tracker().define_kpi, "KPI defined.",
                    key=form_value("key"), name=form_value("name"), unit=form_value("unit"),
                    baseline=form_value("baseline"), target=form_value("target"),
                    target_date=form_value("target_date"), direction=optional("direction"),
                    department=optional("department"))


@bp.route("/kpis/links", methods=["POST"])
@login_required
def link_kpi() -> Answer:
    if form_value("action") == "unlink":
        return _section("kpis", tracker().unlink_kpi, "Link removed.", form_key="link-kpi",
                        area_kpi=form_value("area_kpi"), cx_kpi=form_value("cx_kpi"),
                        reason=form_value("reason"))
    return _section("kpis", tracker().link_kpi, "KPIs linked.", form_key="link-kpi",
                    area_kpi=form_value("area_kpi"), cx_kpi=form_value("cx_kpi"),
                    reason=form_value("reason"))


@bp.route("/kpis/<key>/revise", methods=["POST"])
@login_required
def revise_kpi(key: str) -> Answer:
    return _section("kpis", tracker().revise_kpi, "KPI revised.", form_key=f"revise-{key}",
                    key=key, name=optional("name"), unit=request.form.get("unit"),
                    target=optional("target"), target_date=optional("target_date"),
                    reason=form_value("reason"))


@bp.route("/kpis/<key>/retire", methods=["POST"])
@login_required
def retire_kpi(key: str) -> Answer:
    return _section("kpis", tracker().retire_kpi, "KPI retired; its measurements stay.",
                    form_key=f"retire-kpi-{key}", key=key, reason=form_value("reason"))


@bp.route("/kpis/<key>/measurements", methods=["POST"])
@login_required
def record_measurement(key: str) -> Answer:
    return _section("kpis", tracker().record_measurement, "Measurement recorded.",
                    form_key=f"measure-{key}", key=key, value=form_value("value"),
                    measured_on=optional("measured_on"), note=form_value("note"))


@bp.route("/kpis/<key>/measurements/correct", methods=["POST"])
@login_required
def correct_measurement(key: str) -> Answer:
    if form_value("action") == "withdraw":
        return _section("kpis", tracker().withdraw_measurement, "Measurement withdrawn.",
                        form_key=f"correct-{key}", key=key,
                        measured_on=form_value("measured_on"), reason=form_value("reason"))
    return _section("kpis", tracker().correct_measurement, "Measurement corrected.",
                    form_key=f"correct-{key}", key=key, measured_on=form_value("measured_on"),
                    value=form_value("value"), note=form_value("note"),
                    reason=form_value("reason"))
