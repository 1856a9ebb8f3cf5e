"""`cx-tracker plan ...`: the plan's set-up, corrections and reorganisations, as on `/plan/`.

Every command acts `--as` a member through the application service, so the same authorization
applies as on the web (the CCO sets up and corrects the plan; a lead endorses for their
department). Every correction takes `--reason`.
"""

from __future__ import annotations

import json
from typing import Any

import click

from tracker.cli.common import actor_id, actor_option, data_option, open_existing, reports_errors
from tracker.cli.output import echo, echo_json




def _act(data_dir: str | None, actor_email: str, done: str, command: str, **kwargs: Any) -> None:
    """Run one service command as the member, and say what was recorded."""
    with open_existing(data_dir) as (_, app):
        receipt = getattr(app, command)(actor_id(app, actor_email), **kwargs)
    echo(f"{done} (event {receipt.position}).")


@click.group()
def plan() -> None:
    """Show the plan; set it up, correct it and reorganise it (corrections need --reason)."""


@plan.command("show")
@data_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@reports_errors
def show(data_dir: str | None, fmt: str) -> None:
    """The plan as it stands: vision, departments, journeys, KPIs (retired ones marked)."""
    with open_existing(data_dir) as (_, app):
        found = app.plan()
    if fmt == "json":
        echo_json(json.dumps(_plain(found), indent=2, sort_keys=True, ensure_ascii=False))
        return
    retired = {(kind, key) for kind, keys in found["retired"].items() for key in keys}
    names = found["departments"]
    echo(f"{found['name']} (plan version {found['version']})")
    echo(f"Vision (revision {found['vision_revision']}): {found['vision']}")
    echo("Departments:")
    for slug, name in names.items():
        mark = " [retired]" if ("department", slug) in retired else ""
        endorsed = found["endorsements"].get(slug) == found["vision_revision"]
        echo(f"  {slug}: {name}{mark}" + (" (endorsed the vision)" if endorsed else ""))
    echo("Journeys:")
    for key, j in found["journeys"].items():
        mark = " [retired]" if ("journey", key) in retired else ""
        lead = names.get(j["lead_department"], j["lead_department"])
        echo(f"  {key}: {j['name']}, led by {lead}{mark}")
    echo("KPIs:")
    for key, k in found["kpis"].items():
        mark = " [retired]" if ("kpi", key) in retired else ""
        measured = found["measurements"].get(key, {})
        latest = f"; latest {measured[max(measured)]:g} on {max(measured)}" if measured else ""
        area = f" [area KPI of {names.get(k['department'], k['department'])}]" if k["department"] else ""
        echo(
            f"  {key}: {k['name']}, {k['baseline']:g} -> {k['target']:g} {k['unit']} by"
            f" {k['target_date']} ({k['direction']}; {len(measured)} measurements{latest}){mark}{area}")
    if found["kpi_links"]:
        echo("KPI links (area KPI -> CX KPI it moves):")
        for area_kpi, cx_kpi in found["kpi_links"]:
            echo(f"  {area_kpi} -> {cx_kpi}")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


reason_option = click.option("--reason", required=True, help="Why (recorded with the change).")


@plan.command("vision")
@data_option
@actor_option
@click.argument("vision")
@click.option("--reason", default="", help="Why it changes (recorded with it).")
@reports_errors
def vision(data_dir: str | None, actor_email: str, vision: str, reason: str) -> None:
    """Revise the vision (CCO); departments then endorse the new revision."""
    _act(data_dir, actor_email, "Vision revised", "revise_vision", vision=vision, reason=reason)


@plan.command("endorse")
@data_option
@actor_option
@click.argument("department")
@reports_errors
def endorse(data_dir: str | None, actor_email: str, department: str) -> None:
    """Endorse the current vision for DEPARTMENT (its lead or the CCO)."""
    _act(data_dir, actor_email, f"{department} endorsed the vision", "endorse_vision",
         department=department)


# Departments


@plan.group()
def department() -> None:
    """Add, rename, retire and merge departments."""


@department.command("add")
@data_option
@actor_option
@click.argument("slug")
@click.option("--name", required=True, help="The department's name.")
@reports_errors
def department_add(data_dir: str | None, actor_email: str, slug: str, name: str) -> None:
    """Add a department (SLUG: lower-case words joined by hyphens)."""
    _act(data_dir, actor_email, f"Added {slug}", "add_department", slug=slug, name=name)


@department.command("rename")
@data_option
@actor_option
@click.argument("slug")
@click.option("--name", required=True, help="The new name.")
@reason_option
@reports_errors
def department_rename(data_dir: str | None, actor_email: str, slug: str, name: str,
                      reason: str) -> None:
    """Rename a department; history keeps the names it had."""
    _act(data_dir, actor_email, f"Renamed {slug}", "rename_department", slug=slug, name=name,
         reason=reason)


@department.command("retire")
@data_option
@actor_option
@click.argument("slug")
@reason_option
@click.option("--move-to", metavar="SLUG", default=None,
              help="Move its open commitments to this department in the same step.")
@click.option("--withdraw-open", is_flag=True, help="Withdraw its open commitments instead.")
@reports_errors
def department_retire(data_dir: str | None, actor_email: str, slug: str, reason: str,
                      move_to: str | None, withdraw_open: bool) -> None:
    """Retire a department; refused while it has open commitments, unless they are moved or
    withdrawn in the same command. Its leads' roles end."""
    _act(data_dir, actor_email, f"Retired {slug}", "retire_department", slug=slug,
         reason=reason, move_to=move_to, withdraw_open=withdraw_open)


@department.command("merge")
@data_option
@actor_option
@click.argument("slug")
@click.option("--into", required=True, metavar="SLUG", help="The department that takes over.")
@reason_option
@reports_errors
def department_merge(data_dir: str | None, actor_email: str, slug: str, into: str,
                     reason: str) -> None:
    """Merge SLUG into another department: its open commitments move, its leads' roles end,
    it is retired."""
    _act(data_dir, actor_email, f"Merged {slug} into {into}", "merge_departments", slug=slug,
         into=into, reason=reason)


# Journeys


@plan.group()
def journey() -> None:
    """Define journeys, change their lead department, rename and retire them."""


@journey.command("add")
@data_option
@actor_option
@click.argument("key")
@click.option("--name", required=True, help="The journey's name.")
@click.option("--lead", "lead_department", required=True, metavar="SLUG",
              help="The lead department.")
@reports_errors
def journey_add(data_dir: str | None, actor_email: str, key: str, name: str,
                lead_department: str) -> None:
    """Define a customer journey with its lead department."""
    _act(data_dir, actor_email, f"Defined {key}", "define_journey", key=key, name=name,
         lead_department=lead_department)


@journey.command("lead")
@data_option
@actor_option
@click.argument("key")
@click.argument("department")
@reports_errors
def journey_lead(data_dir: str | None, actor_email: str, key: str, department: str) -> None:
    """Give journey KEY a new lead DEPARTMENT."""
    _act(data_dir, actor_email, f"{department} now leads {key}", "change_journey_lead", key=key,
         lead_department=department)


@journey.command("rename")
@data_option
@actor_option
@click.argument("key")
@click.option("--name", required=True, help="The new name.")
@reason_option
@reports_errors
def journey_rename(data_dir: str | None, actor_email: str, key: str, name: str,
                   reason: str) -> None:
    """Rename a journey."""
    _act(data_dir, actor_email, f"Renamed {key}", "rename_journey", key=key, name=name,
         reason=reason)


@journey.command("retire")
@data_option
@actor_option
@click.argument("key")
@reason_option
@reports_errors
def journey_retire(data_dir: str | None, actor_email: str, key: str, reason: str) -> None:
    """Retire a journey: no new commitment names it; its history stays."""
    _act(data_dir, actor_email, f"Retired {key}", "retire_journey", key=key, reason=reason)


# KPIs


@plan.group()
def kpi() -> None:
    """Define, revise and retire KPIs."""


@kpi.command("add")
@data_option
@actor_option
@click.argument("key")
@click.option("--name", required=True)
@click.option("--unit", default="", help="e.g. points, %, hours (a % unit takes 0-100).")
@click.option("--baseline", required=True)
@click.option("--target", required=True)
@click.option("--target-date", required=True, metavar="YYYY-MM-DD")
@click.option("--direction", type=click.Choice(["up", "down"]), default=None,
              help="Whether higher is better (default: from baseline and target).")
@click.option("--department", default=None, metavar="SLUG",
              help="An area KPI of this department (default: a CX KPI of the whole plan).")
@reports_errors
def kpi_add(data_dir: str | None, actor_email: str, key: str, name: str, unit: str,
            baseline: str, target: str, target_date: str, direction: str | None,
            department: str | None) -> None:
    """Define a KPI with its baseline, target and target date."""
    _act(data_dir, actor_email, f"Defined {key}", "define_kpi", key=key, name=name, unit=unit,
         baseline=baseline, target=target, target_date=target_date, direction=direction,
         department=department)


@kpi.command("link")
@data_option
@actor_option
@click.argument("area_kpi", metavar="AREA_KPI")
@click.argument("cx_kpi", metavar="CX_KPI")
@reason_option
@reports_errors
def kpi_link(data_dir: str | None, actor_email: str, area_kpi: str, cx_kpi: str,
             reason: str) -> None:
    """Declare that a department's AREA_KPI moves the plan's CX_KPI, with why."""
    _act(data_dir, actor_email, f"Linked {area_kpi} to {cx_kpi}", "link_kpi", area_kpi=area_kpi,
         cx_kpi=cx_kpi, reason=reason)


@kpi.command("unlink")
@data_option
@actor_option
@click.argument("area_kpi", metavar="AREA_KPI")
@click.argument("cx_kpi", metavar="CX_KPI")
@reason_option
@reports_errors
def kpi_unlink(data_dir: str | None, actor_email: str, area_kpi: str, cx_kpi: str,
               reason: str) -> None:
    """Remove the link from AREA_KPI to CX_KPI, with why."""
    _act(data_dir, actor_email, f"Unlinked {area_kpi} from {cx_kpi}", "unlink_kpi",
         area_kpi=area_kpi, cx_kpi=cx_kpi, reason=reason)


@kpi.command("revise")
@data_option
@actor_option
@click.argument("key")
@click.option("--name", default=None)
@click.option("--unit", default=None)
@click.option("--target", default=None)
@click.option("--target-date", default=None, metavar="YYYY-MM-DD")
@reason_option
@reports_errors
def kpi_revise(data_dir: str | None, actor_email: str, key: str, name: str | None,
               unit: str | None, target: str | None, target_date: str | None,
               reason: str) -> None:
    """Revise a KPI's name, unit, target or target date (what is given)."""
    _act(data_dir, actor_email, f"Revised {key}", "revise_kpi", key=key, name=name, unit=unit,
         target=target, target_date=target_date, reason=reason)


@kpi.command("retire")
@data_option
@actor_option
@click.argument("key")
@reason_option
@reports_errors
def kpi_retire(data_dir: str | None, actor_email: str, key: str, reason: str) -> None:
    """Retire a KPI: its measurements stay readable; no new ones."""
    _act(data_dir, actor_email, f"Retired {key}", "retire_kpi", key=key, reason=reason)


# Measurements


@plan.group()
def measure() -> None:
    """Record, correct and withdraw KPI measurements."""


@measure.command("record")
@data_option
@actor_option
@click.argument("key")
@click.argument("value")
@click.option("--on", "measured_on", default=None, metavar="YYYY-MM-DD",
              help="The day measured (default: today).")
@click.option("--note", default="", help="e.g. the sample size.")
@reports_errors
def measure_record(data_dir: str | None, actor_email: str, key: str, value: str,
                   measured_on: str | None, note: str) -> None:
    """Record a measurement of KPI KEY (one per day; correct it to change it)."""
    _act(data_dir, actor_email, f"Recorded {key}", "record_measurement", key=key, value=value,
         measured_on=measured_on, note=note)


@measure.command("correct")
@data_option
@actor_option
@click.argument("key")
@click.option("--on", "measured_on", required=True, metavar="YYYY-MM-DD")
@click.option("--value", required=True, help="The right value.")
@click.option("--note", default="", help="A new note (default: keep the old one).")
@reason_option
@reports_errors
def measure_correct(data_dir: str | None, actor_email: str, key: str, measured_on: str,
                    value: str, note: str, reason: str) -> None:
    """Correct the measurement of KPI KEY on a day; the wrong value stays in the history."""
    _act(data_dir, actor_email, f"Corrected {key} of {measured_on}", "correct_measurement",
         key=key, measured_on=measured_on, value=value, note=note, reason=reason)


@measure.command("withdraw")
@data_option
@actor_option
@click.argument("key")
@click.option("--on", "measured_on", required=True, metavar="YYYY-MM-DD")
@reason_option
@reports_errors
def measure_withdraw(data_dir: str | None, actor_email: str, key: str, measured_on: str,
                     reason: str) -> None:
    """Withdraw the measurement of KPI KEY on a day (charts and reports leave it out)."""
    _act(data_dir, actor_email, f"Withdrew {key} of {measured_on}", "withdraw_measurement",
         key=key, measured_on=measured_on, reason=reason)


# Commitments


@plan.group()
def commitment() -> None:
    """Correct a commitment's details or move it to another department."""


@commitment.command("correct")
@data_option
@actor_option
@click.argument("commitment_id", type=click.UUID)
@click.option("--title", default=None)
@click.option("--description", default=None)
@click.option("--journey", default=None, help="A journey key ('' for none).")
@click.option("--kpi", default=None, help="A KPI key ('' for none).")
@reason_option
@reports_errors
def commitment_correct(data_dir: str | None, actor_email: str, commitment_id: Any,
                       title: str | None, description: str | None, journey: str | None,
                       kpi: str | None, reason: str) -> None:
    """Correct a commitment's title, description, journey or KPI link (its lead or the CCO)."""
    with open_existing(data_dir) as (_, app):
        receipt = app.correct_commitment(
            actor_id(app, actor_email), commitment_id, title=title, description=description,
            journey=journey, kpi=kpi, reason=reason)
    echo(f"Corrected (event {receipt.position}).")


@commitment.command("move")
@data_option
@actor_option
@click.argument("commitment_id", type=click.UUID)
@click.option("--to", "department", required=True, metavar="SLUG")
@click.option("--owner", "new_owner", default=None, metavar="EMAIL",
              help="A new owner who leads the new department (needed when the owner does not).")
@reason_option
@reports_errors
def commitment_move(data_dir: str | None, actor_email: str, commitment_id: Any,
                    department: str, new_owner: str | None, reason: str) -> None:
    """Move an open commitment to another department (CCO); its owner must lead the new
    department, or a new owner who does is named with --owner."""
    with open_existing(data_dir) as (_, app):
        receipt = app.move_commitment(actor_id(app, actor_email), commitment_id,
                                      department=department, reason=reason, new_owner=new_owner)
    echo(f"Moved to {department} (event {receipt.position}).")
